"""CSL titles: LaTeX -> CSL rich text, English Title Case -> sentence case (pure).

CSL-JSON stores titles in sentence case and lets styles change them (APA prints article titles
as stored; a style may title-case them); words that must keep their case are wrapped in
`<span class="nocase">`. `csl_title(value, sentence=True)`:

- converts LaTeX markup to CSL rich text (`pathbib.latex.latex_to_csl_pieces`): `\\textit` ->
  `<i>`, `$^+$` -> `<sup>`, `\\mkbibquote` -> quotes, brace-protected groups -> nocase;
- for titles (`sentence=True`) wraps, outside protected groups and markup, acronyms (`CLIP`, `H&E`), words with an inner
  capital or a digit (`PathDino`, `3D`) and the proper nouns of `words` (Gaussian, Markov, ...,
  `list.protect_words`) in nocase spans, the same rule as the BibTeX export's brace protection;
- when `sentence` and the title is in English Title Case (most significant words capitalised),
  lower-cases the other words, except the first word and the first word after `:`, `?`, `!`.
  Text inside markup (`<i>H. pylori</i>`) is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..latex import RichPiece, latex_to_csl_pieces

__all__ = ["csl_title", "is_title_case", "ENGLISH"]

#: langid / language values that mean English (the only language whose Title Case is undone)
ENGLISH = frozenset({"", "english", "american", "british", "canadian", "australian", "newzealand",
                     "usenglish", "ukenglish", "en", "en-us", "en-gb", "en-ca", "en-au"})
_MINOR = frozenset(
    "a an the and but or nor for so yet as at by in of off on per to up via vs with from into onto "
    "over than that upon out about after under".split()
)
_WORD = re.compile(r"[^\W_](?:[\w'’.\-&]*[^\W_])?")
_STOP = re.compile(r"[:?!]")  # the next word starts a (sub)title: it keeps its capital
_HYPHEN = re.compile(r"([-/])")
_NOCASE_OPEN = '<span class="nocase">'
_MEMO: dict[tuple[str, bool, frozenset[str]], str] = {}


def _depth_change(markup: str) -> int:
    """+1 for an opening tag or quote, -1 for a closing one: text inside keeps its case."""
    if markup.startswith("</") or markup in ("\u201d", "\u2019"):
        return -1
    return 1 if markup.startswith("<") or markup in ("\u201c", "\u2018") else 0


def _keeps_case(word: str, words: frozenset[str]) -> bool:
    """Acronyms, inner capitals, digits and proper nouns: never lower-cased (nocase)."""
    core = word.strip("'’.-")
    if core in words or core.rstrip("s").rstrip("'’") in words:
        return True
    if not any(c.isalpha() for c in core):
        return False
    if len(core) == 1:
        return core.isupper() and core != "A"  # T cells, X-ray, Vitamin D; "A" is the article
    if any(c.isupper() for c in core[1:]):
        return True  # CLIP, H&E (as "H" + "E" words: see _WORD), PathDino, mSTAR
    return any(c.isdigit() for c in core)


def _units(pieces: list[RichPiece]) -> list[tuple[str, str, int, bool]]:
    """(kind, word, markup depth, sentence start) for every word of the pieces."""
    out: list[tuple[str, str, int, bool]] = []
    depth = 0
    start = True
    for kind, text in pieces:
        if kind == "m":
            depth += _depth_change(text)
            continue
        pos = 0
        for m in _WORD.finditer(text):
            if _STOP.search(text, pos, m.start()):
                start = True
            for part in _HYPHEN.split(m.group()):
                if part and part not in "-/":
                    out.append((kind, part, depth, start))
                    start = False
            pos = m.end()
        if _STOP.search(text, pos):
            start = True
    return out


def is_title_case(pieces: list[RichPiece], words: frozenset[str] = frozenset()) -> bool:
    """True when at least 3/4 of the significant words (two or more) start with a capital.

    Significant: unprotected, outside markup, not a sentence start, not a minor word
    (articles, conjunctions, short prepositions), not an acronym or proper noun.
    """
    sig = [w for kind, w, depth, start in _units(pieces)
           if kind == "t" and not depth and not start and w.lower() not in _MINOR and not _keeps_case(w, words)]
    if len(sig) < 2:
        return False
    caps = sum(1 for w in sig if w[0].isupper())
    return caps * 4 >= len(sig) * 3


def _case_text(text: str, lower: bool, at_start: bool, words: frozenset[str] | None) -> tuple[str, bool]:
    """Lower-case (if `lower`) and nocase-wrap (unless `words` is None) one unprotected text piece."""
    out: list[str] = []
    pos = 0
    for m in _WORD.finditer(text):
        if _STOP.search(text, pos, m.start()):
            at_start = True
        out.append(text[pos : m.start()])
        initial = len(m.group()) == 1 and text[m.end() : m.end() + 1] == "."  # "H. pylori"
        for p in _HYPHEN.split(m.group()):
            if p in ("-", "/") or not p:
                out.append(p)
            elif words is not None and _keeps_case(p, words):
                out.append(_NOCASE_OPEN + p + "</span>")
            elif lower and not at_start and not initial and p != "I" and p[:1].isupper() and p[1:] == p[1:].lower():
                out.append(p.lower())
            else:
                out.append(p)
            at_start = False
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), at_start or bool(_STOP.search(text, pos))


def csl_title(value: str, *, sentence: bool = True, words: Iterable[str] = ()) -> str:
    """Return the CSL rich-text title for LaTeX `value` (see the module docstring)."""
    wset = frozenset(words)
    memo_key = (value, sentence, wset)
    r = _MEMO.get(memo_key)
    if r is not None:
        return r
    pieces = latex_to_csl_pieces(value)
    lower = sentence and is_title_case(pieces, wset)
    out: list[str] = []
    depth = 0
    at_start = True
    for kind, text in pieces:
        if kind == "m":
            out.append(text)
            depth += _depth_change(text)
        elif kind == "n":
            if out and out[-1] == "</span>" and len(out) >= 3 and out[-3] == _NOCASE_OPEN:
                out[-2] += text  # adjacent protected groups: one span
            else:
                out += [_NOCASE_OPEN, text, "</span>"]
            at_start = bool(_STOP.search(text))
        elif depth:
            out.append(text)
            at_start = False
        elif sentence:
            cased, at_start = _case_text(text, lower, at_start, wset)
            out.append(cased)
        else:  # a name (journal, series, event): kept as written, braces are its only protection
            out.append(text)
    r = " ".join("".join(out).split())
    if len(_MEMO) > 1 << 17:
        _MEMO.clear()
    _MEMO[memo_key] = r
    return r
