"""Stable, readable ASCII citation keys (pure).

Scheme: `<family><year><word>`, all lower-case ASCII letters and digits, e.g. `chen2022scaling`:
- family: the first author's family name (von particles dropped, accents folded, letters only);
- year: four digits, left out when unknown;
- word: the first significant word of the title (stop words such as "a", "towards" skipped).
Without authors the key is `<word><year><word2>` from the title's first two significant words
(`rudolfv2024foundation`); without a title either, `anon<year>`.
A key already taken gets `-2`, `-3`, ... appended. Keys are assigned once, when an entry is
created; nothing in pathbib changes an existing key on its own. `rename_key` is the explicit
rename (`pathbib rename-key OLD NEW`), which also updates crossref/xref/related/xdata references.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import replace

from .errors import UsageError
from .model import Entry, FieldChange, Library

# patterns used inside functions, compiled once
_NON_ALNUM = re.compile(r"[^a-z0-9]")
_TITLE_SEPARATORS = re.compile(r"[\s\-–—/:;,.!?()\[\]\"']+")
_FOUR_DIGITS = re.compile(r"[0-9]{4}")

__all__ = [
    "make_key",
    "base_key",
    "ascii_fold",
    "significant_words",
    "STOP_WORDS",
    "KEY_RE",
    "unique_key",
    "rename_key",
]

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.+/-]*$")

STOP_WORDS: frozenset[str] = frozenset(
    """
a an the and or but nor of on in at to for from by with without via into onto over under about
as is are be its it this that these those than towards toward through using use based new
""".split()
)

_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
    }
)
_LATEX = re.compile(r"\\[a-zA-Z]+\s*|\\.|[{}]")


def ascii_fold(text: str) -> str:
    """Return `text` as ASCII: accents removed, ß → ss, LaTeX commands and braces dropped."""
    if text.isascii() and "\\" not in text and "{" not in text and "}" not in text:
        return text  # (nothing below changes plain ASCII without LaTeX commands or braces)
    text = _LATEX.sub("", text).translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    return text.encode("ascii", "ignore").decode("ascii")


def _clean(word: str) -> str:
    return _NON_ALNUM.sub("", ascii_fold(word).lower())


def significant_words(title: str) -> list[str]:
    """Title words, ASCII-folded and lower-cased, without stop words and pure numbers."""
    return _first_significant(title, 0)


def _first_significant(title: str, n: int) -> list[str]:
    """The first `n` of `significant_words(title)` (all for n = 0; the rest of a long title is not folded)."""
    out = []
    for raw in _TITLE_SEPARATORS.split(title):
        w = _clean(raw)
        if w and w not in STOP_WORDS and not w.isdigit():
            out.append(w)
            if len(out) == n:
                break
    return out


#: longest citation key pathbib makes or accepts (a 200k-character title never becomes a key)
MAX_KEY_LENGTH = 64
_BASE_LENGTH = MAX_KEY_LENGTH - 8  # room for a `-NNNNNNN` de-duplication suffix


def base_key(family: str | None, year: str | None, title: str | None) -> str:
    """Return the key before de-duplication (see the module docstring for the scheme)."""
    fam = _clean((family or "")[:1000])
    yr = year if year and _FOUR_DIGITS.fullmatch(year) else ""
    words = _first_significant((title or "")[:2000], 2)
    if fam:
        key = f"{fam}{yr}{words[0] if words else ''}"
    elif words:
        key = f"{words[0]}{yr}{words[1] if len(words) > 1 else ''}"
    else:
        key = f"anon{yr}"
    return key[:_BASE_LENGTH]


def unique_key(base: str, taken: Collection[str]) -> str:
    """Return `base`, or `base-2`, `base-3`, ... whichever is not in `taken` (case-insensitive)."""
    lowered = {k.lower() for k in taken}
    if base.lower() not in lowered:
        return base
    n = 2
    while f"{base}-{n}".lower() in lowered:
        n += 1
    return f"{base}-{n}"


def make_key(family: str | None, year: str | None, title: str | None, taken: Collection[str] = ()) -> str:
    """Return a new unique key for an entry with this first-author family, year and title."""
    return unique_key(base_key(family, year, title), taken)


#: Fields whose value names other entries' keys (comma-separated for `related`/`xdata`).
KEY_REFERENCE_FIELDS: tuple[str, ...] = ("crossref", "xref", "related", "xdata")


def rename_key(lib: Library, old: str, new: str) -> tuple[Library, list[FieldChange]]:
    """Return `lib` with entry `old` renamed to `new` and every reference to it updated."""
    if lib.get(old) is None:
        raise UsageError(f"no entry with key {old!r}", "check the key (keys are case-sensitive)")
    if not KEY_RE.match(new) or any(c in new for c in ",{}()\"#%'=\\"):
        raise UsageError(f"{new!r} is not a valid citation key", "use letters, digits and - _ : . / +")
    if len(new) > MAX_KEY_LENGTH:
        raise UsageError(f"the new key is {len(new)} characters long", f"use at most {MAX_KEY_LENGTH}")
    clash = next((e.key for e in lib.entries if e.key.lower() == new.lower() and e.key != old), None)
    if clash is not None:
        raise UsageError(f"the key {clash!r} already exists", "choose another key")
    changes = [FieldChange(old, "@key", old, new, "", "rename-key", "update")]
    updated: dict[str, Entry] = {}
    for e in lib.entries:
        cur = e.with_key(new) if e.key == old else e
        for name in KEY_REFERENCE_FIELDS:
            value = cur.get(name)
            if value is None:
                continue
            parts = [p.strip() for p in value.split(",")]
            if old in parts:
                nv = ", ".join(new if p == old else p for p in parts)
                changes.append(
                    FieldChange(e.key if e.key != old else new, name, value, nv, "", "rename-key", "update")
                )
                cur = cur.set(name, nv)
        if cur is not e:
            updated[e.key] = cur
    blocks = tuple(updated.get(b.key, b) if isinstance(b, Entry) else b for b in lib.blocks)
    return replace(lib, blocks=blocks), changes
