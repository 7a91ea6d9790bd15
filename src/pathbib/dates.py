"""Do an entry's `year`, `date` and `origdate` agree? (pure, stdlib only)

biblatex prints `date` when both are given, so a `date` next to a conflicting `year` silently
overrides the year a curator chose; `origdate` (first publication of a reprint or
translation) cannot be later than the date of the version cited. Used by enrich (a filled
value never contradicts a kept one) and by check (PB306 flags contradictions already there).
"""

from __future__ import annotations

import re

DATE_FIELDS = ("year", "date", "origdate")
_YEAR = re.compile(r"^\s*\{*\s*(\d{4})(?!\d)")
_ISO = re.compile(r"^\s*\{*\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def year_of(value: str | None) -> str:
    """The four-digit year a `year`/`date` value starts with ("1997-07" -> "1997"), or ""."""
    m = _YEAR.match(value or "")
    return m.group(1) if m else ""


def _start(value: str | None) -> str:
    """The start of a date (range) as a comparable ISO prefix: "1997-07/1998" -> "1997-07"."""
    m = _ISO.match(value or "")
    return "-".join(g for g in m.groups() if g) if m else ""


def disagreement(year: str | None, date: str | None, origdate: str | None = None) -> str:
    """Why the three values contradict each other, or "" when they agree (or are absent)."""
    y, d, o = year_of(year), year_of(date), _start(origdate)
    if y and d and y != d:
        return f"year {y} and date {(date or '').strip()} disagree"
    cited = _start(date) or y
    if o and cited and o[: len(cited)] > cited[: len(o)]:
        which = "date" if _start(date) else "year"
        return f"origdate {(origdate or '').strip()} is later than the {which} {cited} of the version cited"
    return ""


def fields_disagreement(get: dict[str, str | None]) -> str:
    """`disagreement` over a mapping of field name -> value."""
    return disagreement(get.get("year"), get.get("date"), get.get("origdate"))
