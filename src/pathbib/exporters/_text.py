"""Decoding helpers shared by the exporters: thin adapters over `pathbib.latex` (pure).

The decoder itself (fast path, cache, pylatexenc fallback) lives in `pathbib.latex`; the
exporters only choose which variant a field needs.
"""

from __future__ import annotations

from ..latex import latex_to_unicode, latex_to_unicode_with_nocase

__all__ = ["plain", "decode_title"]


# memo of decoded values: exports see the same values (venues, names, months) many times
_PLAIN: dict[str, str] = {}
_TITLE: dict[str, str] = {}
_MAX = 1 << 18


def plain(value: str) -> str:
    """Decode LaTeX to Unicode text; braces dropped, whitespace collapsed."""
    r = _PLAIN.get(value)
    if r is None:
        if len(_PLAIN) > _MAX:
            _PLAIN.clear()
        r = " ".join(latex_to_unicode(value).split()) if value else ""
        _PLAIN[value] = r
    return r


def decode_title(value: str) -> str:
    """Decode a title-like value; brace-protected spans become `<span class="nocase">`."""
    r = _TITLE.get(value)
    if r is None:
        if len(_TITLE) > _MAX:
            _TITLE.clear()
        runs = latex_to_unicode_with_nocase(value) if value else []
        text = "".join(f'<span class="nocase">{t}</span>' if prot else t for t, prot in runs)
        r = " ".join(text.split())
        _TITLE[value] = r
    return r
