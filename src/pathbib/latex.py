"""Decode BibTeX/LaTeX field text to Unicode, fast (pure).

`latex_to_unicode` is what exporters call on every field value. It is built for libraries
of tens of thousands of entries, where decoding every value with pylatexenc would take
longer than everything else together (see docs/performance.md):

1. values with nothing a decoder would change -- no ``\\``, ``{``, ``}``, ``~``, ``$``,
   backquote, ``--`` or ``''`` -- are returned as they are (about 85% of real values);
2. the common accent, letter and symbol macros, braces, ``~``, dashes and TeX quotes are
   decoded by a small table/regex scanner in this module;
3. whatever that scanner does not know (math, unknown macros, ...) goes to pylatexenc,
   through one shared `LatexNodes2Text` and one shared LaTeX context database (imported on
   first use, so importing this module stays cheap);
4. results for values that needed decoding are cached (`functools.lru_cache`).

The output equals pylatexenc's ``LatexNodes2Text().latex_to_text(value)`` except for these
deliberate differences (each is checked by tests/test_latex.py over every corpus value):

- ``%`` is kept literally. In a .bib value it is nearly always a literal percent sign
  (URLs such as ``Issue%20Brief``, "50%"); pylatexenc reads it as a LaTeX comment and drops
  the rest of the line.
- ``&`` is kept literally. pylatexenc renders it as a table column separator (three
  spaces), which turns "Computers & Typesetting" into "Computers     Typesetting".
- Macros pylatexenc 2.x knows but drops together with their argument keep the argument:
  ``\\texttt``, ``\\textup``, ``\\textsf``, ``\\textmd``, ``\\mbox`` ("A \\texttt{book}
  entry" -> "A book entry", not "A  entry"); ``\\LaTeX``, ``\\TeX`` and ``\\BibTeX`` give their
  names instead of nothing; ``\\href{url}{text}`` gives "text <url>" instead of raising.
- A value that still makes pylatexenc raise is returned with its braces stripped.
- ``\\textbraceleft`` and ``\\textbraceright`` give ``{`` and ``}`` (pylatexenc drops them): `escape`
  writes them for an unpaired brace, which BibTeX would count even as ``\\{``.

Math (``$...$``) is handed to pylatexenc in its default "text" mode: Greek letters and
symbols become Unicode (``$\\alpha$`` -> "α"), ``^``/``_`` and operands stay as written
(``$O(n^2)$`` -> "O(n^2)"); the dollar signs disappear.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from .latex_safe import MATH_COMMANDS, TEXT_COMMANDS, escape, sanitize, sanitize_report, unescape  # noqa: F401

__all__ = [
    "escape",
    "unescape",
    "sanitize",
    "sanitize_report",
    "latex_to_unicode",
    "latex_to_unicode_with_nocase",
    "strip_braces",
    "needs_decoding",
    "pylatexenc_to_unicode",
]

# Anything a LaTeX decoder may change. Values without these are returned unchanged.
_TRIGGER = re.compile(r"[\\{}~$`]|--|''")

# combining character of each accent macro
_ACCENTS: dict[str, str] = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "d": "\u0323",
    "b": "\u0331",
    "r": "\u030a",
}

# argument-less macros producing text (control words eat the spaces after them, and a `{}`)
_WORDS: dict[str, str] = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "dj": "đ",
    "DJ": "Đ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "textendash": "–",
    "textemdash": "—",
    "textquoteright": "’",
    "textquoteleft": "‘",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "textasciitilde": "~",
    "textbackslash": "\\",
    "textdegree": "°",
    "texttrademark": "™",
    "textregistered": "®",
    "dots": "…",
    "ldots": "…",
    "textellipsis": "…",
    "guillemotleft": "«",
    "guillemotright": "»",
    "textbraceleft": "{",
    "textbraceright": "}",  # what `escape` writes for an unpaired brace
    # formatting commands: their argument (or the following group) is plain text
    "emph": "",
    "textbf": "",
    "textit": "",
    "textsc": "",
    "texttt": "",
    "textrm": "",
    "textsf": "",
    "textsl": "",
    "textup": "",
    "textmd": "",
    "textnormal": "",
    "mbox": "",
    "em": "",
    "bf": "",
    "it": "",
    "sc": "",
    "tt": "",
    "rm": "",
    "sf": "",
    "sl": "",
    "relax": "",
    "protect": "",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
    "BibTeX": "BibTeX",
}

# control symbols
_SYMBOLS: dict[str, str] = {
    "&": "&",
    "%": "%",
    "_": "_",
    "#": "#",
    "$": "$",
    "{": "{",
    "}": "}",
    " ": " ",
    ",": " ",
    "-": "\u00ad",
    "/": "",
    "@": "",
}

_LETTER_ARG = r"(?:\\[ij](?![A-Za-z])|[A-Za-z])"
_TOKEN = re.compile(
    r"""
    (?P<text>(?:[^\\{}~$`'\-!?]|-(?!-)|'(?!')|[!?](?!`))+)
  | \\(?P<acc>["'`^~=.])[ \t\r\n]*(?:\{(?P<aarg1>"""
    + _LETTER_ARG
    + r""")\}|(?P<aarg2>"""
    + _LETTER_ARG
    + r"""))
  | \\(?P<lacc>[udvHckbr])(?:[ \t\r\n]*\{(?P<larg1>"""
    + _LETTER_ARG
    + r""")\}|[ \t\r\n]+(?P<larg2>"""
    + _LETTER_ARG
    + r"""))
  | \\(?P<word>[A-Za-z]+)(?P<wsp>[ \t\r\n]*(?:\{\})?)
  | \\(?P<sym>[&%_\#${} ,\-/@])
  | (?P<brace>[{}])
  | (?P<dash>---?)
  | (?P<quote>``|''|!`|\?`)
  | (?P<other>[~'\-!?`])
    """,
    re.X,
)
_CHAR_MAP = {"~": "\u00a0", "'": "'", "-": "-", "!": "!", "?": "?", "`": "`"}
_QUOTES = {"``": "“", "''": "”", "!`": "¡", "?`": "¿"}


def needs_decoding(value: str) -> bool:
    """Return whether `value` contains anything a LaTeX decoder could change."""
    return _TRIGGER.search(value) is not None


def _accent(mark: str, arg: str) -> str:
    base = {"\\i": "i", "\\j": "j"}.get(arg, arg)
    return unicodedata.normalize("NFC", base + _ACCENTS[mark])


def _fast(value: str) -> str | None:
    """Decode `value` with the table scanner; None when something needs pylatexenc."""
    out: list[str] = []
    pos = 0
    n = len(value)
    match = _TOKEN.match
    while pos < n:
        m = match(value, pos)
        if m is None:
            return None  # `$` (math), `\\` line breaks, unknown control symbols ...
        kind = m.lastgroup
        if kind == "text":
            out.append(m.group())
        elif kind == "brace":
            pass
        elif kind in ("aarg1", "aarg2"):
            out.append(_accent(m.group("acc"), m.group(kind)))
        elif kind in ("larg1", "larg2"):
            out.append(_accent(m.group("lacc"), m.group(kind)))
        elif kind == "wsp":
            word = m.group("word")
            rep = _WORDS.get(word)
            if rep is None:
                return None
            out.append(rep)
        elif kind == "word":  # `wsp` matched the empty string: lastgroup is "word"
            rep = _WORDS.get(m.group("word"))
            if rep is None:
                return None
            out.append(rep)
        elif kind == "sym":
            out.append(_SYMBOLS[m.group("sym")])
        elif kind == "dash":
            out.append("—" if len(m.group()) == 3 else "–")
        elif kind == "quote":
            out.append(_QUOTES[m.group()])
        else:
            out.append(_CHAR_MAP.get(m.group(), m.group()))
        pos = m.end()
    return "".join(out)


_L2T: Any = None
_CTX: Any = None

#: macros whose argument pylatexenc drops (see module docstring): keep it
KEEP_ARGUMENT_MACROS = ("texttt", "textup", "textsf", "textmd", "mbox")
#: macros pylatexenc does not know and turns into nothing
NAME_MACROS = {"LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX"}


def _converter() -> tuple[Any, Any]:
    """Build the shared pylatexenc converter and parsing context (once; slow)."""
    global _L2T, _CTX
    if _L2T is None:
        from pylatexenc import latex2text, latexwalker
        from pylatexenc.macrospec import MacroSpec

        ctx = latexwalker.get_default_latex_context_db()
        ctx.add_context_category("pathbib", macros=[MacroSpec("href", "{{")], prepend=True)
        text_ctx = latex2text.get_default_latex_context_db()
        specs = [latex2text.MacroTextSpec(m, simplify_repl="%(1)s") for m in KEEP_ARGUMENT_MACROS]
        specs += [latex2text.MacroTextSpec(m, simplify_repl=r) for m, r in NAME_MACROS.items()]
        text_ctx.add_context_category("pathbib", macros=specs, prepend=True)
        _CTX = ctx
        _L2T = latex2text.LatexNodes2Text(latex_context=text_ctx)
    return _L2T, _CTX


def pylatexenc_to_unicode(value: str) -> str:
    """Decode `value` with pylatexenc (shared converter and context; braces stripped on failure)."""
    l2t, ctx = _converter()
    from pylatexenc.latexwalker import LatexWalker

    try:
        nodes = LatexWalker(value, latex_context=ctx).get_latex_nodes()[0]
        return str(l2t.nodelist_to_text(nodes))
    except Exception:  # pylatexenc raises IndexError etc. on some malformed input
        return strip_braces(value)


# `%` and `&` are literal in .bib values (see module docstring); protect them from pylatexenc
_PROTECT = re.compile(r"(?<!\\)((?:\\\\)*)([%&])")


def _fallback(value: str) -> str:
    return pylatexenc_to_unicode(_PROTECT.sub(r"\1\\\2", value))


@lru_cache(maxsize=1 << 16)
def _decode(value: str) -> str:
    fast = _fast(value)
    return fast if fast is not None else _fallback(value)


def latex_to_unicode(value: str) -> str:
    """Return the Unicode text of the BibTeX/LaTeX field value `value`."""
    if _TRIGGER.search(value) is None:
        return value
    return _decode(value)


_UNESCAPED_BRACE = re.compile(r"(?<!\\)((?:\\\\)*)[{}]")


def strip_braces(value: str) -> str:
    """Return `value` without its unescaped braces (no other decoding)."""
    if "{" not in value and "}" not in value:
        return value
    return _UNESCAPED_BRACE.sub(r"\1", value)


_GROUP_SCAN = re.compile(r"\\(?:[A-Za-z]+|.)|[{}$]", re.S)


def _split_protected(value: str) -> list[tuple[str, bool]]:
    """Split raw `value` into (raw text, case-protected) parts at top-level protecting groups."""
    parts: list[tuple[str, bool]] = []
    depth = 0
    start = 0  # start of the current part
    prot_depth = 0  # > 0 while inside a protecting group
    in_math = False
    prev_macro_end = -2  # end of the last control sequence (its argument is not a protection)
    for m in _GROUP_SCAN.finditer(value):
        tok = m.group()
        if tok == "$":
            in_math = not in_math if depth == 0 else in_math
            continue
        if tok.startswith("\\"):
            if tok[1:].isalpha() or tok[1:] in _ACCENTS:
                prev_macro_end = m.end()
            continue
        if in_math:
            continue
        if tok == "{":
            depth += 1
            if depth == 1 and prot_depth == 0:
                is_arg = value[prev_macro_end : m.start()].strip(" \t\r\n") == "" and prev_macro_end >= 0
                special = value.startswith("\\", m.end())  # BibTeX "special character" {\"u}
                if not is_arg and not special:
                    if m.start() > start:
                        parts.append((value[start : m.start()], False))
                    start = m.start()
                    prot_depth = 1
        else:
            depth -= 1
            if depth == 0 and prot_depth:
                parts.append((value[start : m.end()], True))
                start = m.end()
                prot_depth = 0
            depth = max(depth, 0)
    if start < len(value):
        parts.append((value[start:], bool(prot_depth)))
    return parts


def latex_to_unicode_with_nocase(value: str) -> list[tuple[str, bool]]:
    """Decode `value` into (text, case_protected) runs; join the texts for the plain string.

    A run is case-protected when it comes from a top-level brace group that is neither a
    macro argument (``\\emph{X}``, ``\\"{u}``) nor a BibTeX special character (a group
    starting with a backslash, ``{\\"u}``), e.g. ``{GaN}`` or ``{{BERT}}``: CSL-JSON exporters
    wrap such runs in ``<span class="nocase">``. Adjacent runs with the same flag are merged;
    empty runs are dropped. Each run is decoded on its own with `latex_to_unicode`.
    """
    if "{" not in value:
        text = latex_to_unicode(value)
        return [(text, False)] if text else []
    out: list[tuple[str, bool]] = []
    for raw, prot in _split_protected(value):
        text = latex_to_unicode(raw)
        if not text:
            continue
        if out and out[-1][1] == prot:
            out[-1] = (out[-1][0] + text, prot)
        else:
            out.append((text, prot))
    return out


# --------------------------------------------------------------------------- LaTeX -> CSL rich text

#: formatting macros with one argument -> (CSL rich-text open tag, close tag)
CSL_MARKUP: dict[str, tuple[str, str]] = {
    "textit": ("<i>", "</i>"),
    "emph": ("<i>", "</i>"),
    "textsl": ("<i>", "</i>"),
    "mkbibemph": ("<i>", "</i>"),
    "mkbibitalic": ("<i>", "</i>"),
    "textbf": ("<b>", "</b>"),
    "mkbibbold": ("<b>", "</b>"),
    "textsc": ('<span style="font-variant:small-caps;">', "</span>"),
    "textsuperscript": ("<sup>", "</sup>"),
    "mkbibsuperscript": ("<sup>", "</sup>"),
    "textsubscript": ("<sub>", "</sub>"),
    "mkbibsubscript": ("<sub>", "</sub>"),
    "mkbibquote": ("\u201c", "\u201d"),
    "enquote": ("\u201c", "\u201d"),
    "enquote*": ("\u2018", "\u2019"),
    "textquote": ("\u201c", "\u201d"),
    "texttt": ("", ""),
    "textrm": ("", ""),
    "textsf": ("", ""),
    "textup": ("", ""),
    "textnormal": ("", ""),
    "textmd": ("", ""),
    "mbox": ("", ""),
}
# declarations at the start of a group: `{\em text}`, `{\bfseries text}`
_CSL_DECL: dict[str, tuple[str, str]] = {
    "em": ("<i>", "</i>"),
    "it": ("<i>", "</i>"),
    "itshape": ("<i>", "</i>"),
    "sl": ("<i>", "</i>"),
    "bf": ("<b>", "</b>"),
    "bfseries": ("<b>", "</b>"),
    "sc": ('<span style="font-variant:small-caps;">', "</span>"),
    "scshape": ('<span style="font-variant:small-caps;">', "</span>"),
}
#: biblatex's hyphenation and punctuation commands, which the plain decoder also needs
_CSL_WORDS = {"hyph": "-", "hyphen": "-", "slash": "/", "nobreakdash": "", "textslash": "/"}
_RICH_TOKEN = re.compile(r"\\([A-Za-z]+\*?)|\\.|[{}$]", re.S)
_DECL_HEAD = re.compile(r"\{\\([A-Za-z]+)(?![A-Za-z])[ \t\r\n]*")
_MATH_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|(\\[A-Za-z]+|.))", re.S)

#: one piece of CSL rich text: kind "t" text, "n" case-protected text, "m" markup
RichPiece = tuple[str, str]


def _decode_plain(raw: str) -> str:
    if "\\" in raw:
        raw = re.sub(
            r"\\(hyphen|hyph|slash|textslash|nobreakdash)(?![A-Za-z])\s*(?:\{\})?",
            lambda m: _CSL_WORDS[m.group(1)],
            raw,
        )
    return latex_to_unicode(raw)


def _math_pieces(body: str, kind: str) -> list[RichPiece]:
    """`^{+}` / `_2` in math become <sup>/<sub>; the rest is decoded as math text."""
    out: list[RichPiece] = []
    pos = 0
    for m in _MATH_SCRIPT.finditer(body):
        if m.start() > pos:
            out.append((kind, latex_to_unicode("$" + body[pos : m.start()] + "$")))
        tag = "sup" if m.group(1) == "^" else "sub"
        arg = m.group(2) if m.group(2) is not None else m.group(3)
        out += [
            ("m", f"<{tag}>"),
            (kind, latex_to_unicode("$" + arg + "$") if arg.strip() else arg),
            ("m", f"</{tag}>"),
        ]
        pos = m.end()
    if pos < len(body):
        out.append((kind, latex_to_unicode("$" + body[pos:] + "$")))
    return out


def _group_close(value: str, pos: int) -> int:
    """Index just past the group opened at `pos` (`value[pos] == "{"`), or len(value)."""
    depth = 0
    for m in re.finditer(r"\\.|[{}]", value[pos:], re.S):
        t = m.group()
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
            if depth == 0:
                return pos + m.end()
    return len(value)


def latex_to_csl_pieces(value: str, protected: bool = False) -> list[RichPiece]:
    """Convert LaTeX `value` to CSL rich-text pieces (pure).

    Formatting macros become CSL's HTML-like markup (`\\textit` -> `<i>`, `\\textsc` ->
    small caps, `$^+$` -> `<sup>+</sup>`, `\\mkbibquote{x}` -> “x”); a top-level brace group
    that is neither a macro argument nor a special character (`{\\"u}`) is case-protected
    (kind "n", wrapped by the caller in `<span class="nocase">`); `\\hyph`, `\\slash` give
    "-" and "/". The text pieces are decoded with `latex_to_unicode`.
    """
    kind = "n" if protected else "t"
    if "\\" not in value and "$" not in value:  # perf: no markup possible, only braces
        if protected:
            text = latex_to_unicode(value)
            return [("n", text)] if text else []
        return [("n" if prot else "t", text) for text, prot in latex_to_unicode_with_nocase(value)]
    out: list[RichPiece] = []
    pos = start = 0
    n = len(value)

    def flush(end: int) -> None:
        if end > start:
            text = _decode_plain(value[start:end])
            if text:
                out.append((kind, text))

    while pos < n:
        m = _RICH_TOKEN.search(value, pos)
        if m is None:
            break
        tok = m.group()
        name = m.group(1)
        if name is not None and name in CSL_MARKUP:
            j = m.end()
            while j < n and value[j] in " \t\r\n":
                j += 1
            if j < n and value[j] == "{":
                flush(m.start())
                end = _group_close(value, j)
                opener, closer = CSL_MARKUP[name]
                inner = latex_to_csl_pieces(value[j + 1 : end - 1], protected)
                out += ([("m", opener)] if opener else []) + inner + ([("m", closer)] if closer else [])
                pos = start = end
                continue
        if tok == "$":
            close = value.find("$", m.end())
            if close < 0:
                pos = m.end()
                continue
            flush(m.start())
            out += _math_pieces(value[m.end() : close], kind)
            pos = start = close + 1
            continue
        if tok == "{":
            end = _group_close(value, m.start())
            inner_raw = value[m.start() + 1 : end - 1]
            decl = _DECL_HEAD.match(value, m.start())
            prev = value[: m.start()].rstrip(" \t\r\n")
            is_arg = bool(re.search(r"\\[A-Za-z]+\*?$|\\[^A-Za-z\s]$", prev))
            if decl and decl.group(1) in _CSL_DECL:
                flush(m.start())
                opener, closer = _CSL_DECL[decl.group(1)]
                inner = latex_to_csl_pieces(value[decl.end() : end - 1], protected)
                out += [("m", opener)] + inner + [("m", closer)]
                pos = start = end
                continue
            if not is_arg and not inner_raw.startswith("\\") and not protected:
                flush(m.start())
                out += latex_to_csl_pieces(inner_raw, True)
                pos = start = end
                continue
            pos = end
            continue
        pos = m.end()
    flush(n)
    return out
