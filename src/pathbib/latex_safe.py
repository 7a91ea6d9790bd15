"""The one escaping policy of pathbib: `escape` and the allow-list `sanitize` (pure).

`escape` turns plain text into a LaTeX value; `sanitize` keeps only the LaTeX commands that
typeset text and makes every other one inert. The Markdown importer, enrich's values from
Crossref/arXiv/local files and the BibTeX export all go through them (issue #16). Both are
re-exported by `pathbib.latex` (`latex.escape`, `latex.sanitize`), which is where callers
import them from; they live here only to keep `latex.py` a readable size.
"""

from __future__ import annotations

import re

__all__ = [
    "escape",
    "unescape",
    "sanitize",
    "sanitize_report",
    "TEXT_COMMANDS",
    "TEXT_SYMBOLS",
    "MATH_COMMANDS",
]

# --------------------------------------------------------------------------- escaping and sanitizing
#
# `escape` (plain text -> LaTeX) and `sanitize` (LaTeX from outside -> LaTeX that can only
# typeset text) are the one escaping policy of pathbib (issue #16): the Markdown importer,
# enrich's values from Crossref/arXiv/local files and the BibTeX export all go through them.

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    # `\{` would still count as a brace for BibTeX and for brace-protection of title words
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
# `unescape`: what `escape` writes, and the `\{` / `\}` it wrote before issue 16, back to the character
_UNESCAPES = {v: k for k, v in _ESCAPES.items()} | {r"\{": "{", r"\}": "}"}
_UNESCAPE = re.compile("|".join(map(re.escape, sorted(_UNESCAPES, key=len, reverse=True))))
_ESCAPE_CHARS = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")
_MARKUP_SPECIALS = re.compile(r"(?<!\\)((?:\\\\)*)([&%#_$])")
_MARKUP_CHARS = re.compile(r"[&%#_$]")

#: control words that only typeset text: accents, letters, font switches, symbols
TEXT_COMMANDS = frozenset(
    {
        "u",
        "v",
        "H",
        "c",
        "k",
        "d",
        "b",
        "r",
        "t",  # letter accents
        "i",
        "j",
        "l",
        "L",
        "o",
        "O",
        "ae",
        "AE",
        "oe",
        "OE",
        "aa",
        "AA",
        "ss",
        "SS",
        "dh",
        "DH",
        "th",
        "TH",
        "ng",
        "NG",
        "dj",
        "DJ",
        "textit",
        "emph",
        "textbf",
        "textsc",
        "textsuperscript",
        "textsubscript",
        "textrm",
        "textsf",
        "texttt",
        "textup",
        "textmd",
        "textnormal",
        "textsl",
        "mbox",
        "url",
        "href",
        "nolinkurl",
        "textendash",
        "textemdash",
        "textbackslash",
        "textbraceleft",
        "textbraceright",
        "textasciitilde",
        "textasciicircum",
        "textquoteleft",
        "textquoteright",
        "textquotedblleft",
        "textquotedblright",
        "textdegree",
        "textregistered",
        "texttrademark",
        "textcopyright",
        "textellipsis",
        "ldots",
        "dots",
        "S",
        "P",
        "dag",
        "ddag",
        "pounds",
        "euro",
        "textunderscore",
        "LaTeX",
        "TeX",
        "BibTeX",
        "relax",
        "ensuremath",
        "textperiodcentered",
        "textbullet",
        "guillemotleft",
        "guillemotright",
        "textless",
        "textgreater",
        "textbar",
        "slash",
        "textdollar",
        "em",
        "bf",
        "it",
        "sc",
        "tt",
        "rm",
        "sf",
        "sl",
        "itshape",
        "bfseries",
        "scshape",
        "upshape",
        "par",
        "protect",
        "cite",
        "mkbibquote",
        "mkbibemph",
        "mkbibitalic",
        "mkbibbold",
        "enquote",
        "autocap",
        "hyphen",
        "hyph",
        "mkbibsuperscript",
        "mkbibsubscript",
        "textquotesingle",
        "textquotedbl",
        "textsection",
        "textparagraph",
        "textdagger",
        "textdaggerdbl",
    }
)
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
    if keep_markup:  # (perf: the template substitution only where a special occurs)
        return sanitize(_MARKUP_SPECIALS.sub(r"\1\\\2", text) if _MARKUP_CHARS.search(text) else text)
    if _ESCAPE_CHARS.search(text) is None:  # perf: most values have nothing to escape (translate is slow)
        return text
    return text.translate(_ESCAPE_TABLE)  # every brace it writes comes in a `{}` pair


def unescape(value: str) -> str:
    """Reverse `escape` (without `keep_markup`); full LaTeX decoding is `pathbib.latex`."""
    return _UNESCAPE.sub(lambda m: _UNESCAPES[m.group(0)], value)


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
        (m.group(1) in MATH_COMMANDS)
        if m.group(1) is not None
        else (m.group(2) is not None and m.group(2) in ",;:!{}|\\ _&%#$")
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
