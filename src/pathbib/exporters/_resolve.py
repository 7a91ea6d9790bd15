"""Field values as an exporter needs them: @string macros expanded, crossref inherited (pure).

`Resolver(library)` is built once per export (it indexes @string definitions and entries by
lower-cased key) and `resolver.fields(entry)` returns the entry's fields as a plain
name -> value dict of LaTeX source, with `#` concatenations and macros evaluated, the fields
of biblatex `@xdata` entries named in `xdata` merged in, and the missing fields inherited
from a `crossref` parent the way biber does (a parent's `title`
becomes the child's `booktitle` for in-book/in-proceedings types).
"""

from __future__ import annotations

from ..model import Entry, Library, StringDef

__all__ = ["Resolver", "MONTHS", "month_number", "DATA_ONLY_TYPES"]

#: biblatex entry types that only hold data for other entries: never exported as items
DATA_ONLY_TYPES = frozenset({"xdata"})

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
# BibTeX's predefined month macros expand to the full English name
_MONTH_MACROS = {m: name.capitalize() for m, name in zip(MONTHS, _MONTH_NAMES, strict=True)}

# child types whose parent's title is the container title (biber's crossref rules)
_IN_TYPES = frozenset(
    {
        "inbook",
        "bookinbook",
        "suppbook",
        "incollection",
        "suppcollection",
        "inproceedings",
        "conference",
        "inreference",
        "suppperiodical",
    }
)
_NOT_INHERITED = frozenset(
    {
        "crossref",
        "xref",
        "xdata",
        "ids",
        "key",
        "sortkey",
        "label",
        "shorthand",
        "entryset",
        "related",
        "title",
        "subtitle",
        "titleaddon",
        "shorttitle",
        "sorttitle",
        "indextitle",
    }
)


def month_number(value: str) -> int | None:
    """Return 1..12 for a month written as a number, an English name or abbreviation."""
    v = value.strip().strip("{}").strip().rstrip(".").lower()
    if not v:
        return None
    if v.isascii() and v.isdigit():  # `²` and `٣` are digits to str.isdigit
        n = int(v)
        return n if 1 <= n <= 12 else None
    if v in _MONTH_NAMES:
        return _MONTH_NAMES[v]
    if v[:3] in MONTHS and len(v) <= 4:
        return MONTHS.index(v[:3]) + 1
    return None


def _split_concat(expr: str) -> list[str]:
    """Split a bare `a # {b} # "c"` expression on `#` outside braces and quotes."""
    parts: list[str] = []
    depth = 0
    quoted = False
    cur: list[str] = []
    for c in expr:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == '"' and depth == 0:
            quoted = not quoted
        elif c == "#" and depth == 0 and not quoted:
            parts.append("".join(cur).strip())
            cur = []
            continue
        cur.append(c)
    parts.append("".join(cur).strip())
    return parts


class Resolver:
    """Evaluate macros and crossref inheritance for the entries of one library."""

    def __init__(self, library: Library) -> None:
        self._raw_strings = {
            b.name.lower(): (b.value, b.delim) for b in library.blocks if isinstance(b, StringDef)
        }
        self._strings: dict[str, str] = {}
        self._by_key = {e.key.lower(): e for e in library.entries}
        self._cache: dict[str, dict[str, str]] = {}

    def string(self, name: str) -> str | None:
        """Return the value of macro `name` (user @string first, then month macros)."""
        name = name.lower()
        if name in self._strings:
            return self._strings[name]
        if name in self._raw_strings:
            self._strings[name] = ""  # guards against self-referencing macros
            raw, delim = self._raw_strings[name]
            val = raw if delim else self.expression(raw)
            self._strings[name] = val
            return val
        return _MONTH_MACROS.get(name)

    def expression(self, expr: str) -> str:
        """Evaluate a bare value: a number, a macro name, or a `#` concatenation."""
        out: list[str] = []
        for part in _split_concat(expr):
            if not part:
                continue
            if part[0] == "{" and part[-1] == "}":
                out.append(part[1:-1])
            elif part[0] == '"' and part[-1] == '"' and len(part) > 1:
                out.append(part[1:-1])
            elif part.isascii() and part.isdigit():
                out.append(part)
            else:
                val = self.string(part)
                out.append(part if val is None else val)
        return "".join(out)

    def own_fields(self, entry: Entry) -> dict[str, str]:
        """Return the entry's own fields with bare values evaluated (first occurrence wins)."""
        out: dict[str, str] = {}
        for f in entry.fields:
            if f.name in out:
                continue
            if f.delim:
                out[f.name] = f.value
            elif f.name == "month" and f.value.strip().lower() in MONTHS:
                out[f.name] = str(MONTHS.index(f.value.strip().lower()) + 1)
            else:
                out[f.name] = self.expression(f.value)
        return out

    def _with_xdata(self, own: dict[str, str], seen: frozenset[str] = frozenset()) -> dict[str, str]:
        """biblatex `xdata = {a, b}`: every field of the @xdata entries a, b that the entry lacks."""
        merged = dict(own)
        for key in own.get("xdata", "").split(","):
            k = key.strip().lower()
            parent = self._by_key.get(k)
            if not k or parent is None or k in seen:
                continue
            pf = self._with_xdata(self.own_fields(parent), seen | {k})
            for name, value in pf.items():
                if name not in merged and name not in ("xdata", "ids"):
                    merged[name] = value
        return merged

    def fields(self, entry: Entry) -> dict[str, str]:
        """Return resolved fields: own fields plus those inherited through `xdata` and `crossref`."""
        own = self.own_fields(entry)
        if "xdata" in own:
            own = self._with_xdata(own, frozenset({entry.key.lower()}))
        parent_key = own.get("crossref")
        if not parent_key:
            return own
        parent = self._by_key.get(parent_key.strip().lower())
        if parent is None or parent is entry:
            return own
        pf = self._cache.get(parent.key)
        if pf is None:
            self._cache[parent.key] = {}  # cycle guard
            pf = self.fields(parent)
            self._cache[parent.key] = pf
        merged = dict(own)
        if entry.entry_type in _IN_TYPES:
            if "title" in pf and "booktitle" not in merged:
                merged["booktitle"] = pf["title"]
            if "subtitle" in pf and "booksubtitle" not in merged:
                merged["booksubtitle"] = pf["subtitle"]
        for k, v in pf.items():
            if k not in merged and k not in _NOT_INHERITED:
                merged[k] = v
        return merged
