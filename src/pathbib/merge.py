"""The merge policy: what happens when new values meet an entry's fields (pure).

One policy for `import` (the list's values), `enrich` (a source's record) and `check --fix`:

- **lock**: a field named in the entry's `list-locked` (or `*`, or the entry type as `@type`)
  is never changed; the proposal is dropped (enrich reports it);
- **fill**: an empty or missing field takes the new value;
- **keep**: the same value, compared per field (`same_value`: DOI and arXiv ids normalised, URLs
  without tracking parameters, titles and venues by their normalised words, authors by family
  names, pages by their digits);
- **update**: fields that mirror the list (`LIST_FIELDS`) take the list's value, link lists and
  keywords (`GROWING_FIELDS`) grow by the new parts, never shrink;
- **conflict**: any other difference. The library's value is kept and the difference reported;
  a caller may turn a conflict into an update only for a reason it names (enrich's published
  version, an explicit `--prefer-remote`).

`merge_fields(entry, fields, source)` applies the policy to a whole entry and returns the new
entry with the applied changes and the conflicts (as `FieldChange`s).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

from . import listfields
from .identifiers import normalize_arxiv, normalize_doi, strip_tracking
from .matching import normalize_family, normalize_title
from .model import Entry, Field, FieldChange
from .names import split_names

__all__ = [
    "Decision",
    "MergeResult",
    "BIBLIO_FIELDS",
    "LIST_FIELDS",
    "GROWING_FIELDS",
    "TYPE_LOCK",
    "locked_fields",
    "is_locked",
    "same_value",
    "decide",
    "grow",
    "merge_fields",
]

Decision = Literal["lock", "keep", "fill", "update", "conflict"]

#: Fields whose value in library.bib wins over the list (filled when missing, never overwritten).
BIBLIO_FIELDS = (
    "author",
    "title",
    "journal",
    "booktitle",
    "howpublished",
    "year",
    "date",
    "origdate",
    "doi",
    "eprint",
    "archiveprefix",
    "pii",
    "openreview",
    "cvf",
    "neurips-hash",
    "pmid",
    "pmcid",
    "ieee",
    "url",
)
#: Fields that mirror what the list says (the list wins).
LIST_FIELDS = ("list-title", "list-section", "list-number", "list-venue", "list-highlight", "list-note")
#: Space-separated link fields and comma-separated keywords: they only grow.
GROWING_FIELDS = (
    "list-code",
    "list-links",
    "list-project",
    "list-dataset",
    "list-demo",
    "list-video",
    "list-other",
    "keywords",
)
#: How `list-locked` names the entry type (`type`, `entrytype` and `entry_type` are read as this too).
TYPE_LOCK = "@type"
_TYPE_ALIASES = frozenset({"@type", "type", "entrytype", "entry_type"})


def locked_fields(entry: Entry, extra: Iterable[str] = ()) -> set[str]:
    """The lower-case field names locked on `entry` (`list-locked`, plus `extra`); `*` locks all."""
    names = listfields.locked_fields(entry) | {x.strip().lower() for x in extra if x.strip()}
    if names & _TYPE_ALIASES:
        names.add(TYPE_LOCK)
    return names


def is_locked(name: str, locks: AbstractSet[str]) -> bool:
    """True when field `name` (or `@type`) may not change under `locks`."""
    return "*" in locks or name.lower() in locks


def _families(value: str) -> tuple[str, ...]:
    return tuple(
        normalize_family(n.last) for n in split_names(value) if not n.literal and normalize_family(n.last)
    )


def _words(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip()).lower().replace("{", "").replace("}", "")


def same_value(name: str, a: str, b: str) -> bool:
    """True when two values of field `name` say the same thing (see the module docstring)."""
    if name == "author":
        fa, fb = _families(a), _families(b)
        return fa == fb if fa or fb else _words(a) == _words(b)
    if name in ("title", "journal", "booktitle", "publisher", "howpublished"):
        return normalize_title(a) == normalize_title(b)
    if name == "doi":
        return (normalize_doi(a) or a.strip().lower()) == (normalize_doi(b) or b.strip().lower())
    if name == "eprint":
        return (normalize_arxiv(a) or a.strip().lower()) == (normalize_arxiv(b) or b.strip().lower())
    if name == "url":
        return strip_tracking(a)[0].rstrip("/") == strip_tracking(b)[0].rstrip("/")
    if name == "pages":
        return re.sub(r"[\s\-\u2013\u2014]+", "-", a.strip()) == re.sub(
            r"[\s\-\u2013\u2014]+", "-", b.strip()
        )
    return _words(a) == _words(b)


def grow(name: str, old: str | None, new: str) -> str:
    """`old` with the parts of `new` it lacks (comma-separated for `keywords`, else space-separated)."""
    comma = name == "keywords"
    out: list[str] = []
    for v in (old or "", new):
        parts = v.split(",") if comma else _link_parts(v) if name == "list-other" else v.split()
        for p in parts:
            p = p.strip()
            if p and p not in out:
                out.append(p)
    return (", " if comma else " ").join(out)


_MD_LINK = re.compile(r"\[(?:[^\]\\]|\\.)*\]\([^)\s]*\)")


def _link_parts(value: str) -> list[str]:
    """The `[label](url)` links of a `list-other` value (other text kept as space-separated parts)."""
    out: list[str] = []
    pos = 0
    for m in _MD_LINK.finditer(value):
        out += value[pos : m.start()].split()
        out.append(m.group())
        pos = m.end()
    return out + value[pos:].split()


def decide(name: str, old: str | None, new: str, locks: AbstractSet[str] = frozenset()) -> Decision:
    """The policy's verdict for proposing `new` for field `name` whose value is `old`."""
    if is_locked(name, locks):
        return "lock"
    if old is None or not old.strip():
        return "fill"
    if name in GROWING_FIELDS:
        return "keep" if grow(name, old, new) == old else "update"
    if name in LIST_FIELDS:  # the list's own words: mirrored exactly
        return "keep" if old == new else "update"
    if old == new or same_value(name, old, new):
        return "keep"
    return "conflict"


@dataclass(frozen=True)
class MergeResult:
    entry: Entry
    applied: tuple[FieldChange, ...] = ()
    conflicts: tuple[FieldChange, ...] = ()


_REASONS = {"fill": "missing in library.bib", "update": "the list changed"}


def merge_fields(old: Entry, new_fields: Iterable[Field], source: str) -> MergeResult:
    """Merge list-derived fields into `old` by the policy; the list's title goes to `list-title` when it differs."""
    locks = locked_fields(old)
    new = {f.name: f.value for f in new_fields}
    list_title = new.pop("title", "")
    if list_title:
        if "title" not in old:
            new["title"] = list_title
        elif old.get("title") != list_title and not _same_text(old.get("title") or "", list_title):
            new["list-title"] = list_title
    e = old
    values = old.as_dict()  # the entry's current values (kept in step with `e`)
    applied: list[FieldChange] = []
    conflicts: list[FieldChange] = []
    for name, value in new.items():
        cur = values.get(name)
        verdict = decide(name, cur, value, locks)
        if verdict in ("lock", "keep"):
            continue
        if verdict == "conflict":
            conflicts.append(
                FieldChange(
                    e.key,
                    name,
                    cur,
                    value,
                    source,
                    "library.bib keeps its value (curated fields win)",
                    "conflict",
                )
            )
            continue
        if name in GROWING_FIELDS:
            value = grow(name, cur, value)
            reason = "added from the list"
        else:
            reason = _REASONS[verdict]
        applied.append(
            FieldChange(e.key, name, cur, value, source, reason, "fill" if verdict == "fill" else "update")
        )
        e = e.set(name, value)
        values[name] = value
    return MergeResult(e, tuple(applied), tuple(conflicts))


def _same_text(a: str, b: str) -> bool:
    """The same title up to LaTeX escaping of special characters (case counts: it is the list's wording)."""
    return _BARE.sub(_bare_char, a) == _BARE.sub(_bare_char, b)


# escaped specials -> the character (`\{` is the form written before `\textbraceleft{}`); the three
# text commands without an ASCII twin read as nothing, as before
_BARE_WORDS = {"textbraceleft": "{", "textbraceright": "}"}
_BARE = re.compile(
    r"\\(textbackslash|textasciitilde|textasciicircum|textbraceleft|textbraceright)\{\}|\\([&%$#_{}])"
)


def _bare_char(m: re.Match[str]) -> str:
    return m.group(2) or _BARE_WORDS.get(m.group(1), "")
