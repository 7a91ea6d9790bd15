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

__all__ = [
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
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "d": "\u0323", "b": "\u0331", "r": "\u030a",
}

# argument-less macros producing text (control words eat the spaces after them, and a `{}`)
_WORDS: dict[str, str] = {
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "dj": "đ", "DJ": "Đ", "ng": "ŋ", "NG": "Ŋ",
    "textendash": "–", "textemdash": "—", "textquoteright": "’", "textquoteleft": "‘",
    "textquotedblleft": "“", "textquotedblright": "”",
    "textasciitilde": "~", "textbackslash": "\\", "textdegree": "°", "texttrademark": "™",
    "textregistered": "®", "dots": "…", "ldots": "…", "textellipsis": "…",
    "guillemotleft": "«", "guillemotright": "»",
    "textbraceleft": "{", "textbraceright": "}",  # what `escape` writes for an unpaired brace
    # formatting commands: their argument (or the following group) is plain text
    "emph": "", "textbf": "", "textit": "", "textsc": "", "texttt": "", "textrm": "",
    "textsf": "", "textsl": "", "textup": "", "textmd": "", "textnormal": "", "mbox": "",
    "em": "", "bf": "", "it": "", "sc": "", "tt": "", "rm": "", "sf": "", "sl": "",
    "relax": "", "protect": "", "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX",
}

# control symbols
_SYMBOLS: dict[str, str] = {
    "&": "&", "%": "%", "_": "_", "#": "#", "$": "$", "{": "{", "}": "}",
    " ": " ", ",": " ", "-": "\u00ad", "/": "", "@": "",
}

_LETTER_ARG = r"(?:\\[ij](?![A-Za-z])|[A-Za-z])"
_TOKEN = re.compile(
    r"""
    (?P<text>(?:[^\\{}~$`'\-!?]|-(?!-)|'(?!')|[!?](?!`))+)
  | \\(?P<acc>["'`^~=.])[ \t\r\n]*(?:\{(?P<aarg1>""" + _LETTER_ARG + r""")\}|(?P<aarg2>""" + _LETTER_ARG + r"""))
  | \\(?P<lacc>[udvHckbr])(?:[ \t\r\n]*\{(?P<larg1>""" + _LETTER_ARG + r""")\}|[ \t\r\n]+(?P<larg2>""" + _LETTER_ARG + r"""))
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


# --------------------------------------------------------------------------- escaping and sanitizing
#
# `escape` (plain text -> LaTeX) and `sanitize` (LaTeX from outside -> LaTeX that can only
# typeset text) are the one escaping policy of pathbib (issue #16): the Markdown importer,
# enrich's values from Crossref/arXiv/local files and the BibTeX export all go through them.

_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    # `\{` would still count as a brace for BibTeX and for brace-protection of title words
    "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_MARKUP_SPECIALS = re.compile(r"(?<!\\)((?:\\\\)*)([&%#_$])")

#: control words that only typeset text: accents, letters, font switches, symbols
TEXT_COMMANDS = frozenset({
    "u", "v", "H", "c", "k", "d", "b", "r", "t",  # letter accents
    "i", "j", "l", "L", "o", "O", "ae", "AE", "oe", "OE", "aa", "AA", "ss", "SS", "dh", "DH",
    "th", "TH", "ng", "NG", "dj", "DJ",
    "textit", "emph", "textbf", "textsc", "textsuperscript", "textsubscript", "textrm", "textsf",
    "texttt", "textup", "textmd", "textnormal", "textsl", "mbox", "url", "href", "nolinkurl",
    "textendash", "textemdash", "textbackslash", "textbraceleft", "textbraceright",
    "textasciitilde", "textasciicircum", "textquoteleft", "textquoteright", "textquotedblleft",
    "textquotedblright", "textdegree", "textregistered", "texttrademark", "textcopyright",
    "textellipsis", "ldots", "dots", "S", "P", "dag", "ddag", "pounds", "euro", "textunderscore",
    "LaTeX", "TeX", "BibTeX", "relax", "ensuremath", "textperiodcentered", "textbullet",
    "guillemotleft", "guillemotright", "textless", "textgreater", "textbar", "slash", "textdollar",
    "em", "bf", "it", "sc", "tt", "rm", "sf", "sl", "itshape", "bfseries", "scshape", "upshape", "par",
    "protect", "cite", "mkbibquote", "mkbibemph", "mkbibitalic", "mkbibbold", "enquote", "autocap", "hyphen",
    "textquotesingle", "textquotedbl", "textsection", "textparagraph", "textdagger", "textdaggerdbl",
})
#: control symbols allowed in text: accents, escaped specials, spacing
TEXT_SYMBOLS = frozenset("'`^\"~=.&%$_#{} ,;:!-/@\\")
#: control words allowed inside `$...$` (symbols and letter-like math only)
MATH_COMMANDS = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi "
    "varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi "
    "Pi Sigma Upsilon Phi Psi Omega times cdot cdots ldots leq geq le ge neq approx sim simeq equiv "
    "pm mp infty ell partial nabla sum prod int in notin subset subseteq cup cap to rightarrow "
    "leftarrow Rightarrow leftrightarrow mapsto circ bullet star ast prime mathcal mathbf mathrm "
    "mathit mathsf mathtt mathbb boldsymbol sqrt frac log ln exp sin cos tan min max arg lim sup inf "
    "left right big Big langle rangle lfloor rfloor lceil rceil vert Vert mid hat tilde bar vec dot "
    "ddot overline underline text textrm mbox quad qquad dagger degree propto forall exists neg "
    "wedge vee oplus otimes mathscr mathfrak operatorname ne ll gg cdotp colon lvert rvert".split()
)
_CS = re.compile(r"\\(?:([A-Za-z]+)|(.)|$)", re.S)
_MATH_SPAN = re.compile(r"(?<!\\)\$([^$]*)(?<!\\)\$|\\\(((?:(?!\\\)).)*)\\\)", re.S)


def escape(text: str, *, keep_markup: bool = False) -> str:
    """Return plain `text` as a LaTeX value: every special character escaped, braces balanced.

    With `keep_markup`, text that may already hold LaTeX (a record from Crossref, a name
    with BibTeX braces) keeps its backslashes and braces; only unescaped `& % # _ $` are
    escaped, and the result goes through `sanitize`.
    """
    if keep_markup:
        return sanitize(_MARKUP_SPECIALS.sub(r"\1\\\2", text))
    return _balance("".join(_ESCAPES.get(c, c) for c in text))


def _inert(token: str) -> str:
    return r"\textbackslash{}" + token[1:]


def _plain(text: str, neutralised: list[str]) -> str:
    # TeX reads `^^5c` as a backslash before any command is formed: no bare `^` survives in text
    if "^" not in text:
        return text
    neutralised.append("^")
    return text.replace("^", r"\textasciicircum{}")


def _sanitize_text(text: str, allowed: frozenset[str], neutralised: list[str]) -> str:
    out: list[str] = []
    pos = 0
    for m in _CS.finditer(text):
        out.append(_plain(text[pos : m.start()], neutralised))
        token = m.group(0)
        word, sym = m.group(1), m.group(2)
        if word is not None:
            ok = word in allowed
        elif sym is not None:
            ok = sym in TEXT_SYMBOLS and sym not in "\r\n"
        else:  # a backslash at the very end
            ok, token = False, "\\"
        if ok:
            out.append(token)
        else:
            neutralised.append(token)
            out.append(_inert(token) if token != "\\" else r"\textbackslash{}")
        pos = m.end()
    out.append(_plain(text[pos:], neutralised))
    return "".join(out)


def _math_ok(body: str) -> bool:
    return "^^" not in body and all(
        (m.group(1) in MATH_COMMANDS) if m.group(1) is not None else (m.group(2) is not None and m.group(2) in ",;:!{}|\\ _&%#$")
        for m in _CS.finditer(body)
    )


def _first_foreign(body: str) -> str:
    for m in _CS.finditer(body):
        if m.group(1) is not None and m.group(1) not in MATH_COMMANDS:
            return m.group(0)
        if m.group(1) is None and not (m.group(2) is not None and m.group(2) in ",;:!{}|\\ _&%#$"):
            return m.group(0)
    return ""


def _balance(text: str) -> str:
    """Make every `{`/`}` (escaped or not: BibTeX counts both) part of a matched pair."""
    if "{" not in text and "}" not in text:
        return text
    stack: list[int] = []
    bad: set[int] = set()
    for i, c in enumerate(text):
        if c == "{":
            stack.append(i)
        elif c == "}":
            if stack:
                stack.pop()
            else:
                bad.add(i)
    bad.update(stack)
    if not bad:
        return text
    out: list[str] = []
    for i, c in enumerate(text):
        if i in bad:
            if out and out[-1] == "\\" and not (len(out) > 1 and out[-2] == "\\"):
                out.pop()  # `\{` unmatched: replace the whole control symbol
            out.append(r"\textbraceleft{}" if c == "{" else r"\textbraceright{}")
        else:
            out.append(c)
    return "".join(out)


def sanitize_report(value: str) -> tuple[str, list[str]]:
    """Return `value` with only text commands left working, and the tokens that were made inert."""
    neutralised: list[str] = []
    if "\\" not in value and "{" not in value and "}" not in value and "^" not in value:
        return value, neutralised
    parts: list[str] = []
    pos = 0
    for m in _MATH_SPAN.finditer(value):
        parts.append(_sanitize_text(value[pos : m.start()], TEXT_COMMANDS, neutralised))
        body = m.group(1) if m.group(1) is not None else m.group(2)
        if _math_ok(body):
            parts.append(m.group(0))
        else:  # math with a control sequence outside the list: typeset it as text
            neutralised.append("math with " + (_first_foreign(body) or "^^"))
            parts.append(r"\$" + _sanitize_text(body, TEXT_COMMANDS, []) + r"\$")
        pos = m.end()
    parts.append(_sanitize_text(value[pos:], TEXT_COMMANDS, neutralised))
    text = "".join(parts)
    balanced = _balance(text)
    if balanced != text:
        neutralised.append("unbalanced brace")
    return balanced, neutralised


def sanitize(value: str) -> str:
    """Return `value` with every non-text LaTeX command made inert and braces balanced.

    Allowed: `TEXT_COMMANDS`, accents and escaped specials (`TEXT_SYMBOLS`), and math in
    `$...$` that uses only `MATH_COMMANDS`. Anything else -- `\\input`, `\\write18`,
    `\\catcode`, `\\def`, `\\csname`, a trailing backslash -- is printed, not executed:
    `\\input` becomes `\\textbackslash{}input`.
    """
    return sanitize_report(value)[0]
