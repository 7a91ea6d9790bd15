"""Vocabulary of the awesome list itself: the `list-*` fields and GitHub heading slugs (pure).

One place answers "is this entry the list's survey", "is it excluded", "which sections is it
in", "which fields has the curator locked", so import, enrich, check and the exporters cannot
disagree. The lowest layer above the model: nothing here imports from `importers`,
`exporters`, `check`, `sources` or `cli`, so all of them can use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .model import Entry, Library

__all__ = [
    "SURVEY",
    "EXCLUDE",
    "SECTION",
    "LOCKED",
    "TRUTHY",
    "is_yes",
    "is_flagged_survey",
    "is_survey",
    "survey_entries",
    "survey_entry",
    "is_excluded",
    "entry_sections",
    "locked_fields",
    "github_slug",
    "SlugCounter",
]

SURVEY = "list-survey"  # {yes}: this entry is the list's own survey (or `survey = "key"` in pathbib.toml)
EXCLUDE = "list-exclude"  # {reason}: kept in library.bib, left out of the list
SECTION = "list-section"  # {id, id}: the sections the entry is listed in
LOCKED = "list-locked"  # {title, author} or {*}: fields enrich and import never change

#: values of a yes/no `list-*` field that mean yes (compared stripped and lower-case)
TRUTHY = frozenset({"yes", "true", "1"})

_LIST_SEP = re.compile(r"[,\s]+")


def is_yes(value: str | None) -> bool:
    """True when a yes/no field value means yes (`yes`, `true`, `1`, any case, blanks around)."""
    return (value or "").strip().lower() in TRUTHY


def is_flagged_survey(entry: Entry) -> bool:
    """True when the entry says it is the list's survey (`list-survey = {yes}`)."""
    return is_yes(entry.get(SURVEY))


def is_survey(entry: Entry, survey_key: str = "") -> bool:
    """True when the entry is the list's survey: named by `survey` in pathbib.toml, or flagged."""
    return (bool(survey_key) and entry.key == survey_key) or is_flagged_survey(entry)


def survey_entries(entries: Iterable[Entry], survey_key: str = "") -> list[Entry]:
    """Every entry that is the list's survey (the configured key and every flagged entry)."""
    return [e for e in entries if is_survey(e, survey_key)]


def survey_entry(library: Library, survey_key: str = "") -> Entry | None:
    """The list's one survey: the configured key's entry when a key is configured (None when the
    key is missing: a wrong key is an error upstream, not a fallback), else the first flagged entry."""
    if survey_key:
        return library.get(survey_key)
    return next((e for e in library.entries if is_flagged_survey(e)), None)


def is_excluded(entry: Entry) -> bool:
    """True when the entry is kept in library.bib but left out of the list (`list-exclude = {reason}`)."""
    return bool((entry.get(EXCLUDE) or "").strip())


def entry_sections(entry: Entry) -> list[str]:
    """The section ids of `list-section` (comma-separated), stripped, in order."""
    return [s.strip() for s in (entry.get(SECTION) or "").split(",") if s.strip()]


def locked_fields(entry: Entry) -> set[str]:
    """Lower-case field names of `list-locked` (separated by commas or blanks; `*` locks every field)."""
    return {p.lower() for p in _LIST_SEP.split((entry.get(LOCKED) or "").strip()) if p}


def github_slug(text: str) -> str:
    """GitHub's heading anchor for `text` (github-slugger): lower-case, punctuation dropped, spaces -> '-'."""
    out = []
    for ch in text.strip().lower():
        if ch == " ":
            out.append("-")
        elif ch in "-_":
            out.append(ch)
        else:
            cat = unicodedata.category(ch)
            if cat[0] in "LMN" or cat == "Pc":
                out.append(ch)
    return "".join(out)


class SlugCounter:
    """Unique slugs in document order, as GitHub numbers repeated headings (`x`, `x-1`, `x-2`)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        base = github_slug(text)
        slug = base
        while slug in self._seen:
            self._seen[base] += 1
            slug = f"{base}-{self._seen[base]}"
        self._seen[slug] = 0
        return slug
