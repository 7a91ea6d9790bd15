"""BibTeX name lists -> CSL-JSON names, in plain CSL or in the form Zotero keeps (pure).

Zotero stores a person as `lastName` + `firstName` only: its CSL JSON import drops
`non-dropping-particle`, `dropping-particle` and `suffix` ("van Eck" becomes "Eck"). The
Zotero form writes the particle into `family` ("van Eck") and the suffix after a comma in
`given` ("John, Jr.") -- which is also how Zotero itself exports such names to CSL, and which
citeproc-js and pandoc parse back into particle and suffix. `strict=True` gives plain CSL
(`non-dropping-particle`, `suffix`). biblatex's extended name format and misplaced suffixes
("John Smith, Jr.") are read by `names.parse_name_any`.
"""

from __future__ import annotations

import re

from ..latex import needs_decoding
from ..names import Name, is_suffix, parse_name_any, split_authors
from ._text import plain

__all__ = ["csl_names"]

_AND = re.compile(r"\s+and\s+", re.I)
# name as written -> CSL dict, one memo per `strict`; names recur across a library, and parsing is the cost
_PARTS: dict[bool, dict[str, dict[str, str] | None]] = {False: {}, True: {}}
# whole name list as written -> its CSL names (a tuple: callers get a fresh list)
_LISTS: dict[bool, dict[str, tuple[dict[str, str], ...]]] = {False: {}, True: {}}
_MISS: dict[str, str] = {}
# two or more words, each starting with an ASCII capital (BibTeX: no von part, the last word is
# the family name); no comma, brace, backslash, tie or `=` (biblatex's extended name format)
_PLAIN_NAME = re.compile(r"[A-Z][^\s,{}\\~=]*(?: [A-Z][^\s,{}\\~=]*)+")


def _name(n: Name, strict: bool) -> dict[str, str] | None:
    if n.literal:
        if n.is_others:
            return None
        return {"literal": plain(n.literal)}
    out: dict[str, str] = {}
    family = plain(n.last) if n.last else ""
    given = plain(n.first) if n.first else ""
    von = plain(n.von) if n.von else ""
    jr = plain(n.jr) if n.jr else ""
    if not family:
        return {"literal": given} if given else None
    if strict:
        out["family"] = family
        if given:
            out["given"] = given
        if von:
            out["non-dropping-particle"] = von
        if jr:
            out["suffix"] = jr
        return out
    out["family"] = f"{von} {family}" if von else family
    if given or jr:
        out["given"] = f"{given}, {jr}" if given and jr else (given or jr)
    return out


def _plain_name(p: str) -> dict[str, str] | None:
    """perf: `_name(parse_name_any(p))` for `First Middle Last` with nothing to decode, or None.

    Every word capitalised (no von part), no comma, brace, backslash, tie, `=` or other
    character the LaTeX decoder would change, no suffix: BibTeX's split is the last word as
    family, the rest as given (the fast path of `names.parse_name`), and `plain` keeps both.
    """
    if _PLAIN_NAME.fullmatch(p) is None or needs_decoding(p):
        return None
    given, _, family = p.rpartition(" ")  # words are separated by single spaces
    # `fix_suffix`'s test (suffixes start with J, S, I or V; `is_suffix` only when one may be there)
    if (given[0] in "JSIV" and is_suffix(given)) or (family[-5:][0] in "JjSsIiVv" and is_suffix(family[-5:])):
        return None
    return {"family": family, "given": given}


def _convert(p: str, strict: bool) -> dict[str, str] | None:
    if not p.strip():
        return None
    fast = _plain_name(p)
    return fast if fast is not None else _name(parse_name_any(p), strict)


def csl_names(value: str, *, strict: bool = False) -> list[dict[str, str]]:
    """Split and convert a BibTeX name list; `and others` is dropped."""
    lists = _LISTS[strict]
    got = lists.get(value)
    if got is not None:  # perf: name lists recur (the editors of a proceedings volume)
        return list(got)
    if "{" in value or "=" in value:
        parts = split_authors(value)
    else:  # no braces: `and` at depth 0 is a plain regex split (same result, much faster)
        parts = _AND.split(" ".join(value.split()))
    out = []
    cache = _PARTS[strict]
    for p in parts:
        d = cache.get(p, _MISS)
        if d is _MISS:
            if len(cache) > 1 << 17:
                cache.clear()
            d = cache[p] = _convert(p, strict)
        if d:
            out.append(d)  # shared between items: never mutated after conversion
    if len(lists) > 1 << 16:
        lists.clear()
    lists[value] = tuple(out)
    return out
