"""biblatex dates (ISO 8601-2 / EDTF, as biblatex reads them) -> CSL-JSON dates (pure).

biblatex's `date`, `urldate`, `eventdate`, `origdate` take EDTF level 0/1 values:

- `2023`, `2023-10`, `2023-10-02` (a time `T12:00:00` is ignored); years with fewer or more
  than four digits (`850`, `0850`) and negative years (`-0044`). biblatex counts years
  astronomically (0000 is 1 BCE, -0044 is 45 BCE); CSL has no year 0 (-44 is 44 BC), so a
  year <= 0 becomes year - 1;
- seasons `2014-21` .. `2014-24` (spring, summer, autumn, winter) -> `season` 1..4;
- `?` (uncertain), `~` (approximate) and `%` (both) after a date -> `circa`;
- unspecified digits `19XX`, `199X` -> the range they cover (1900/1999);
- ranges `a/b`, open ranges `a/` or `a/..` -> end `[0]` ("1999–" in citeproc), `../b`.

Anything else is returned as `literal`, never dropped.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["edtf_to_csl"]

_ONE = re.compile(r"^(-?)(\d{1,4}|\d{0,3}X{1,4})(?:-(\d{2}|XX))?(?:-(\d{2}|XX))?(?:T[\d:.Z+\-]*)?([?~%]?)$")


def _year(sign: str, digits: str) -> int:
    y = int(digits)
    if sign:
        y = -y
    return y - 1 if y <= 0 else y


def _one(text: str) -> tuple[list[list[int]], int | None, bool] | None:
    """Parts (one or two lists for `XX` ranges), season, circa; None when not EDTF."""
    m = _ONE.match(text.strip())
    if not m:
        return None
    sign, ys, ms, ds, mark = m.groups()
    circa = bool(mark)
    if "X" in ys:
        lo, hi = ys.replace("X", "0"), ys.replace("X", "9")
        return [[_year(sign, lo)], [_year(sign, hi)]], None, circa
    parts = [_year(sign, ys)]
    season = None
    if ms and ms != "XX":
        mo = int(ms)
        if 21 <= mo <= 24 and not ds:
            season = mo - 20
        elif 1 <= mo <= 12:
            parts.append(mo)
            if ds and ds != "XX" and 1 <= int(ds) <= 31:
                parts.append(int(ds))
        else:
            return None
    return [parts], season, circa


def edtf_to_csl(value: str) -> dict[str, Any] | None:
    """Return the CSL date of biblatex date `value` (see the module docstring); None if empty."""
    v = value.strip()
    if not v:
        return None
    if "/" in v:
        a, _, b = v.partition("/")
        pa = _one(a) if a and a != ".." else None
        pb = _one(b) if b and b != ".." else None
        if (
            (a and a != ".." and pa is None)
            or (b and b != ".." and pb is None)
            or (pa is None and pb is None)
        ):
            return {"literal": v}
        start = pa[0][0] if pa else [0]
        end = pb[0][-1] if pb else [0]
        out: dict[str, Any] = {"date-parts": [start, end]}
        if (pa and pa[2]) or (pb and pb[2]):
            out["circa"] = True
        return out
    one = _one(v)
    if one is None:
        return {"literal": v}
    parts, season, circa = one
    out = {"date-parts": parts}
    if season:
        out["season"] = season
    if circa:
        out["circa"] = True
    return out
