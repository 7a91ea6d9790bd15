"""Title and author normalisation and similarity, shared by import, enrich and check (pure)."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from .model import Entry
from .names import split_names

__all__ = ["normalize_title", "title_similarity", "author_families", "normalize_family", "fold"]

_CMD = re.compile(r"\\[a-zA-Z]+\*?|\\.")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "–": " ",
        "—": " ",
    }
)
_TEX_LETTER = {
    r"\ss": "ss",
    r"\o": "o",
    r"\O": "o",
    r"\ae": "ae",
    r"\AE": "ae",
    r"\oe": "oe",
    r"\OE": "oe",
    r"\l": "l",
    r"\L": "l",
    r"\aa": "a",
    r"\AA": "a",
    r"\i": "i",
    r"\&": " and ",
}


def fold(text: str) -> str:
    """Lower-case ASCII approximation: LaTeX commands and accents removed, letters kept."""
    if "\\" in text:
        text = _CMD.sub(lambda m: _TEX_LETTER.get(m.group(), ""), text)
    text = text.replace("{", "").replace("}", "")
    if text.isascii():  # perf: `_SPECIAL` and NFKD leave ASCII as it is, and no ASCII character is combining
        return text.lower()
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


@lru_cache(maxsize=65536)
def normalize_title(title: str) -> str:
    """Return a comparison key for a title: folded, punctuation and braces removed, single spaces.

    `&` reads as "and" so that "H&E" and "H and E" compare equal.
    """
    t = fold(title.replace("\\&", "&").replace("&", " and "))
    return _NON_ALNUM.sub(" ", t).strip()


def title_similarity(a: str, b: str) -> float:
    """Similarity of two titles in [0, 1] on their normalised forms (1.0 = same words)."""
    na, nb = normalize_title(a), normalize_title(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    return SequenceMatcher(None, na, nb, autojunk=False).ratio()


def normalize_family(family: str) -> str:
    """Comparison key of a family name: folded, letters only (von particles dropped by caller)."""
    return _NON_ALNUM.sub("", fold(family.replace("{", "").replace("}", "")))


def author_families(entry: Entry, field: str = "author") -> list[str]:
    """Normalised family names of an entry's authors, in order (literals and 'others' skipped)."""
    value = entry.get(field)
    if not value:
        return []
    out = []
    for n in split_names(value):
        if n.literal:
            continue
        key = normalize_family(n.last)
        if key:
            out.append(key)
    return out
