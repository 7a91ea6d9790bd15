"""BibTeX name lists: split `author`/`editor` values into name parts (pure).

Follows BibTeX's rules (Patashnik, "Designing BibTeX styles", and biber's btparse):
names are separated by the word `and` at brace depth 0; a name is `First von Last`,
`von Last, First` or `von Last, Jr, First`; the von part is the run of words that start
with a lower-case letter; a name wholly inside braces (`{World Health Organization}`) is a
literal (an organisation). Parts are returned as LaTeX source; decoding to Unicode is the
caller's business (see `pathbib.latex`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Name", "split_names", "split_authors", "parse_name", "format_name"]


@dataclass(frozen=True, slots=True)
class Name:
    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    literal: str = ""  # set for organisations / single braced names; other parts empty

    @property
    def is_others(self) -> bool:
        return self.literal == "others"


_AND = re.compile(r"\s+and\s+", re.I)
_SPACE_TILDE = re.compile(r"[\s~]+")
# two or more words, each starting with an ASCII capital; no comma, brace, backslash or tie
_PLAIN_NAME = re.compile(r"[A-Z][^\s,{}\\~]*(?:\s+[A-Z][^\s,{}\\~]*)+")


def _split_depth0(text: str, sep: re.Pattern[str]) -> list[str]:
    """Split `text` on `sep` where it occurs at brace depth 0."""
    if "{" not in text and "}" not in text:  # fast path: everything is at depth 0
        return sep.split(text)
    if sep is _AND:  # faster path: visit only braces and separator candidates
        return _split_and_depth0(text)
    out: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and c.isspace():
            m = sep.match(text, i)
            if m:
                out.append(text[start:i])
                start = i = m.end()
                continue
        i += 1
    out.append(text[start:])
    return out


_BRACE_OR_AND = re.compile(r"[{}]|\s+and\s+", re.I)


def _split_and_depth0(text: str) -> list[str]:
    """`_split_depth0(text, _AND)` without a Python loop over every character."""
    out: list[str] = []
    depth = 0
    start = 0
    for m in _BRACE_OR_AND.finditer(text):
        t = m.group()
        if t == "{":
            depth += 1
        elif t == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(text[start : m.start()])
            start = m.end()
    out.append(text[start:])
    return out


def split_authors(value: str) -> list[str]:
    """Split a BibTeX name list on ` and ` at brace depth 0; return the stripped names."""
    value = " ".join(value.split())
    if not value:
        return []
    return [p.strip() for p in _split_depth0(value, _AND) if p.strip()]


def _split_top(text: str, is_sep: Callable[[str], bool]) -> list[str]:
    """Split `text` at characters `is_sep` accepts, at brace depth 0 only (pieces unstripped)."""
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    for c in text:
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
        if depth == 0 and is_sep(c):
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(c)
    parts.append("".join(cur))
    return parts


def _words(text: str) -> list[str]:
    """Split on whitespace and `~` at brace depth 0 (hyphens stay inside words)."""
    if "{" not in text and "}" not in text:  # fast path: everything is at depth 0
        return [w for w in _SPACE_TILDE.split(text) if w]
    return [w for w in _split_top(text, lambda c: c.isspace() or c == "~") if w]


def _commas(text: str) -> list[str]:
    """Split on commas at brace depth 0; pieces stripped."""
    if "{" not in text and "}" not in text:  # fast path: every comma is at depth 0
        return [p.strip() for p in text.split(",")]
    return [p.strip() for p in _split_top(text, lambda c: c == ",")]


def _first_letter_case(word: str) -> str | None:
    """'l' / 'u' for the case of the word's first letter as BibTeX sees it; None if none.

    A brace group at the start counts only when it begins with a control sequence
    (`{\\"u}ber` is lower case); a plain brace group (`{van}`) is caseless (None).
    """
    i = 0
    n = len(word)
    while i < n:
        c = word[i]
        if c == "{":
            if i + 1 < n and word[i + 1] == "\\":
                m = re.match(r"\{\\([a-zA-Z]+|.)\s*\{?\s*([A-Za-z])?", word[i:])
                if m:
                    cmd = m.group(1)
                    if cmd in ("ss", "o", "l", "ae", "oe", "aa", "i", "j"):
                        return "l"
                    if cmd in ("O", "L", "AE", "OE", "AA", "SS"):
                        return "u"
                    if m.group(2):
                        return "l" if m.group(2).islower() else "u"
                return None
            return None  # braced group: caseless
        if c.isalpha():
            return "l" if c.islower() else "u"
        if c == "\\":
            m = re.match(r"\\([a-zA-Z]+|.)\s*\{?\s*([A-Za-z])?", word[i:])
            if m and m.group(2):
                return "l" if m.group(2).islower() else "u"
            i += len(m.group(0)) if m else 1
            continue
        i += 1
    return None


def _split_von_last(words: list[str]) -> tuple[str, str]:
    """Split `von Last` words: von = up to the last lower-case word before the final word."""
    if not words:
        return "", ""
    last_von = -1
    for i, w in enumerate(words[:-1]):
        if _first_letter_case(w) == "l":
            last_von = i
    if last_von < 0:
        return "", " ".join(words)
    first_von = next(i for i, w in enumerate(words) if _first_letter_case(w) == "l")
    return " ".join(words[first_von : last_von + 1]), " ".join(words[last_von + 1 :])


@lru_cache(maxsize=65536)
def parse_name(name: str) -> Name:
    """Parse one BibTeX name into its parts."""
    name = name.strip().strip(",").strip()
    if _PLAIN_NAME.fullmatch(name):  # fast path: `First Middle Last`, every word capitalised
        words = name.split()
        return Name(first=" ".join(words[:-1]), last=words[-1])
    if name.lower() == "others":
        return Name(literal="others")
    if name.startswith("{") and name.endswith("}") and _balanced_single_group(name):
        return Name(literal=name[1:-1].strip())
    parts = _commas(name)
    if len(parts) == 1:
        words = _words(parts[0])
        if not words:
            return Name()
        if len(words) == 1:
            return Name(last=words[0])
        # First von Last: von starts at the first lower-case word (not the last word)
        first_lc = next((i for i, w in enumerate(words[:-1]) if _first_letter_case(w) == "l"), None)
        if first_lc is None:
            return Name(first=" ".join(words[:-1]), last=words[-1])
        von, last = _split_von_last(words[first_lc:])
        return Name(first=" ".join(words[:first_lc]), von=von, last=last)
    von_last = _words(parts[0])
    von, last = _split_von_last(von_last)
    if len(parts) == 2:
        return Name(first=parts[1], von=von, last=last)
    return Name(first=" ".join(parts[2:]).strip(), von=von, last=last, jr=parts[1])


def _balanced_single_group(text: str) -> bool:
    depth = 0
    for i, c in enumerate(text):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return False
    return depth == 0


def split_names(value: str) -> list[Name]:
    """Parse a whole `author`/`editor` value into `Name`s."""
    return [parse_name(n) for n in split_authors(value)]


#: the First part written for a name that has a suffix but no given name ("Ford, Jr., {}")
EMPTY_FIRST = "{}"


def format_name(n: Name) -> str:
    """Render a `Name` back in BibTeX's `von Last, Jr, First` form."""
    if n.literal:
        return n.literal if n.is_others else "{" + n.literal + "}"
    last = f"{n.von} {n.last}".strip()
    if n.jr:  # an empty First is written `{}`: BibTeX and biber drop a trailing comma ("Ford, Jr.,"
        # reads as First = "Jr.", with an error), so only a non-empty third part keeps the suffix
        return f"{last}, {n.jr}, {n.first or EMPTY_FIRST}"
    if n.first:
        return f"{last}, {n.first}"
    return last


# --------------------------------------------------------------------------- suffixes, biblatex names

#: generational suffixes BibTeX users put in the wrong place ("John Smith, Jr.", "Smith Jr., John")
# biblatex's extended name format: `family=Goethe, given=Johann Wolfgang, prefix=von, useprefix=true`
_EXTENDED_PART = re.compile(
    r"^\s*(family|given|prefix|suffix|useprefix|given-i|family-i|prefix-i|suffix-i)\s*=", re.I
)


_SUFFIXES = frozenset({"jr", "sr", "jnr", "snr", "ii", "iii", "iv", "v", "vi"})


def is_suffix(word: str) -> bool:
    """Return whether `word` is a generational suffix (Jr., Sr., II, III ...)."""
    if len(word) > 8 or not word or word.lstrip(" {")[:1] not in "JjSsIiVv":
        return False  # perf: names are tested a lot; suffixes start with J, S, I or V
    return word.strip().strip("{}").rstrip(".").lower() in _SUFFIXES


def fix_suffix(n: Name) -> Name:
    """Move a suffix written in the first or last part into `jr` (BibTeX's `von Last, Jr, First`).

    "John Smith, Jr." (BibTeX reads Last = "John Smith", First = "Jr."), "Smith Jr., John" and
    "John Smith Jr." (Last = "Jr.") all become Last = Smith, Jr = Jr., First = John.
    """
    if n.literal or n.jr:
        return n
    tail = n.last[-5:].replace("~", " ").split()
    if not (is_suffix(n.first) or (tail and is_suffix(tail[-1]))):
        return n  # perf: the common case, no suffix anywhere
    if n.first and is_suffix(n.first):
        words = _words(n.last)
        if len(words) >= 2 and not n.von:  # "John Smith, Jr.": Last holds "First Last"
            return Name(first=" ".join(words[:-1]), last=words[-1], jr=n.first)
    words = _words(n.last)
    if len(words) >= 2 and is_suffix(words[-1]):
        return Name(first=n.first, von=n.von, last=" ".join(words[:-1]), jr=words[-1])
    if len(words) == 1 and is_suffix(words[0]) and n.first and not n.von:
        fw = _words(n.first)
        if len(fw) >= 2:
            return Name(first=" ".join(fw[:-1]), last=fw[-1], jr=words[0])
    return n


def is_extended_name(text: str) -> bool:
    """Return whether `text` is written in biblatex's extended name format (`family=...`)."""
    return "=" in text and _EXTENDED_PART.match(text) is not None


def parse_extended_name(text: str) -> Name:
    """Parse biblatex's extended name format (`family=Goethe, given=Johann Wolfgang, prefix=von`).

    `useprefix` only changes sorting and citation labels in biblatex; the prefix is kept as
    the von part either way. Values may be braced (`given={Johann Wolfgang}`).
    """
    parts: dict[str, str] = {}
    for piece in _commas(text):
        key, eq, value = piece.partition("=")
        if not eq:
            continue
        v = value.strip()
        if v.startswith("{") and v.endswith("}") and _balanced_single_group(v):
            v = v[1:-1].strip()
        parts[key.strip().lower()] = v
    return Name(
        first=parts.get("given", ""),
        von=parts.get("prefix", ""),
        last=parts.get("family", ""),
        jr=parts.get("suffix", ""),
    )


def parse_name_any(text: str) -> Name:
    """Parse one name in BibTeX's forms or biblatex's extended format, suffix put in place."""
    n = parse_extended_name(text) if is_extended_name(text) else parse_name(text)
    return fix_suffix(n)
