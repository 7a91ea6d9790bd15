"""PB2xx: scope (the list's topic terms)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..config import Settings
from ..listfields import entry_sections, is_excluded
from ..matching import fold, normalize_title
from ..model import Entry, Finding, Library
from .fields import _clean
from .index import _title
from .registry import CheckContext, _f, _memoized, _rule


class ScopeMatcher:
    """Finds the list's scope terms in text: case- and accent-insensitive, on word boundaries.

    Text and terms are folded to lower-case ASCII, `&` reads as "and" and every other
    non-alphanumeric character as a space, so "H&E", "whole-slide" and "Whole Slide" match
    the terms `H&E` and `whole-slide`; the words of a term may also be written together
    ("wholeslide"). The last word of a term also matches its regular plural (`image` →
    images, `study` → studies, `diagnosis` → diagnoses) and, for a plural term, its singular
    (`glands` → gland), and a term ending in `-logy` also
    matches `-logies/-logic/-logical/-logically/-logist(s)` (pathology → pathological,
    pathologists). No other stemming: `nuclei` does not match "nucleus", `tissue` does not
    match "tissular". A trailing "(s)" in a term is accepted and ignored.
    """

    def __init__(self, terms: Iterable[str]):
        self.terms: tuple[str, ...] = tuple(t for t in terms if t.strip())
        pats: list[str] = []
        for t in self.terms:
            p = self._pattern(t)
            if p:
                pats.append(f"(?P<t{len(pats)}>{p})")
        self._names = [t for t in self.terms if self._pattern(t)]
        self._re = re.compile("|".join(pats)) if pats else None

    @staticmethod
    def normalize(text: str) -> str:
        t = fold(text.replace("\\&", "&").replace("&", " and "))
        return " " + re.sub(r"[^0-9a-z]+", " ", t).strip() + " "

    @staticmethod
    def _pattern(term: str) -> str:
        term = re.sub(r"\((?:e?s)\)\s*$", "", term.strip())
        words = ScopeMatcher.normalize(term).split()
        if not words:
            return ""
        *head, last = words
        if last.endswith("ies") and len(last) > 4:  # a plural term also matches its singular
            last = last[:-3] + "y"
        elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
            last = last[:-1]
        if last.endswith("logy"):
            tail = re.escape(last[:-1]) + r"(?:y|ies|ic|ical|ically|ist|ists)"
        elif last.endswith("is"):
            tail = re.escape(last[:-2]) + r"(?:is|es)"
        elif re.search(r"[^aeiou]y$", last):
            tail = re.escape(last[:-1]) + r"(?:y|ies)"
        elif last.endswith(("s", "x", "ch", "sh")):
            tail = re.escape(last) + r"(?:es)?"
        else:
            tail = re.escape(last) + r"s?"
        body = "".join(re.escape(w) + " ?" for w in head) + tail
        return r"(?<=[ ])" + body + r"(?=[ ])"

    def find(self, text: str) -> str | None:
        """The first scope term found in `text`, or None."""
        if self._re is None or not text:
            return None
        m = self._re.search(self.normalize(text))
        if not m:
            return None
        return self._names[int(m.lastgroup[1:])] if m.lastgroup else None


def _scope_matcher(ctx: CheckContext) -> ScopeMatcher:
    return _memoized(ctx, "scope", lambda: ScopeMatcher(ctx.settings.scope.terms))


def _section_names(entry: Entry, settings: Settings) -> set[str]:
    names = {normalize_title(s) for s in entry_sections(entry)}
    for sec in settings.list.sections:
        names |= {normalize_title(sec.title), normalize_title(sec.id)}
        for sub in sec.subsections:
            names |= {normalize_title(sub.title), normalize_title(sub.id)}
    names.discard("")
    return names


def scope_evidence(entry: Entry, ctx: CheckContext) -> tuple[str, str] | None:
    """(field, term) of the first scope term in the entry's scope fields, or None."""
    matcher = _scope_matcher(ctx)
    fields = list(ctx.settings.scope.fields)
    if "title" in fields and "list-title" not in fields:
        fields.insert(fields.index("title") + 1, "list-title")
    sections = None
    for name in fields:
        v = entry.get(name)
        if not v:
            continue
        if name == "keywords":  # keywords that name list sections are the list's claim, not evidence
            sections = sections if sections is not None else _section_names(entry, ctx.settings)
            v = ", ".join(k for k in v.split(",") if normalize_title(k) not in sections)
        t = matcher.find(v)
        if t:
            return name, t
    return None


@_rule(
    "PB201",
    "off-topic",
    "error",
    "An entry whose title, abstract, venue, keywords or highlight (the fields in `[scope] fields`) contain none "
    "of the list's scope terms (`[scope] terms` in pathbib.toml). Section keywords do not count as evidence. "
    "The list's survey entry is checked too; entries with `list-exclude` are not. Without `[scope] terms` the "
    "rule does nothing.",
    "Papers copied in from another list, or added by mistake, make a curated list untrustworthy.",
    "Remove the entry, mark it `list-exclude = {reason}`, or — when it does belong (e.g. a general "
    "medical-imaging model evaluated on pathology whose record does not say so) — add the evidence "
    "(abstract, highlight) or suppress with the reason.",
)
def rule_off_topic(lib: Library, ctx: CheckContext) -> list[Finding]:
    terms = ctx.settings.scope.terms
    if not terms:
        return []
    shown = ", ".join(terms[:6]) + (f", ... ({len(terms)} terms)" if len(terms) > 6 else "")
    out = []
    for e in lib.entries:
        if is_excluded(e):
            continue
        if scope_evidence(e, ctx) is not None:
            continue
        searched = [n for n in ctx.settings.scope.fields if e.get(n)]
        title = _clean(_title(e))
        msg = f"off-topic? no scope term ({shown}) in {', '.join(searched) or 'any scope field'}" + (
            f"; title: {title[:90]!r}" if title else ""
        )
        out.append(
            _f("PB201", msg, e, "title", "remove it, set list-exclude, or suppress with a reason", lib=lib)
        )
    return out
