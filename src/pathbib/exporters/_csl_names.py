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

from ..names import Name, parse_name_any, split_authors
from ._text import plain

__all__ = ["csl_names"]

_AND = re.compile(r"\s+and\s+", re.I)
# (name as written, strict) -> CSL dict; names recur across a library, and parsing is the cost
_CACHE: dict[tuple[str, bool], dict[str, str] | None] = {}


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


def csl_names(value: str, *, strict: bool = False) -> list[dict[str, str]]:
    """Split and convert a BibTeX name list; `and others` is dropped."""
    if "{" in value or "=" in value:
        parts = split_authors(value)
    else:  # no braces: `and` at depth 0 is a plain regex split (same result, much faster)
        parts = _AND.split(" ".join(value.split()))
    out = []
    cache = _CACHE
    for p in parts:
        key = (p, strict)
        try:
            d = cache[key]
        except KeyError:
            if len(cache) > 1 << 17:
                cache.clear()
            d = cache[key] = _name(parse_name_any(p), strict) if p.strip() else None
        if d:
            out.append(d)  # shared between items: never mutated after conversion
    return out
