"""Titles with markup as LaTeX (pure): Crossref's JATS/HTML tags and arXiv's TeX math.

Sources give titles as plain text for matching (`Record.title`); when the source had
markup that carries meaning — a chemical formula's sub/superscripts, an italic gene or
species name, TeX math in an arXiv title — `Record.title_latex` keeps it as LaTeX, so that
enrich writes `[Ru(bpy)$_3$]$^{2+}$`, not `[Ru(bpy)3]2+`, and `$\\omega$Test`, not `\\$\\omega\\$Test`.
Text outside the markup is escaped for BibTeX (`&`, `%`, `#`, `_`, `$`).
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)[^>]*?(/?)>")
_WS = re.compile(r"\s+")
_SPECIAL = re.compile(r"(?<!\\)([&%#_$])")
# tag (without namespace prefix) -> (opening, closing) LaTeX
_WRAP: dict[str, tuple[str, str]] = {
    "i": ("\\textit{", "}"),
    "italic": ("\\textit{", "}"),
    "em": ("\\textit{", "}"),
    "b": ("\\textbf{", "}"),
    "bold": ("\\textbf{", "}"),
    "strong": ("\\textbf{", "}"),
    "sub": ("$_{", "}$"),
    "inf": ("$_{", "}$"),
    "sup": ("$^{", "}$"),
}
_MATH_ONE = re.compile(r"\$([_^])\{([^{}\s])\}\$")  # $_{3}$ -> $_3$


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def has_markup(text: str) -> bool:
    """Whether `text` holds a tag `jats_to_latex` turns into LaTeX."""
    return any(m.group(2).split(":")[-1].lower() in _WRAP for m in _TAG.finditer(text))


def jats_to_latex(text: str) -> str:
    """Crossref title markup -> LaTeX: <sub>/<sup> as math, <i>/<b> as \\textit/\\textbf, other tags dropped."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for m in _TAG.finditer(text):
        out.append(_escape(html.unescape(text[pos : m.start()])))
        pos = m.end()
        closing, name, selfclosing = m.group(1), m.group(2).split(":")[-1].lower(), m.group(3)
        if selfclosing or name not in _WRAP:
            continue
        if not closing:
            out.append(_WRAP[name][0])
            stack.append(name)
        elif name in stack:
            while stack:  # close anything left open inside it (unbalanced markup)
                inner = stack.pop()
                out.append(_WRAP[inner][1])
                if inner == name:
                    break
    out.append(_escape(html.unescape(text[pos:])))
    out.extend(_WRAP[n][1] for n in reversed(stack))
    latex = _WS.sub(" ", "".join(out)).strip()
    latex = re.sub(r"\\text(it|bf)\{\s*\}", "", latex)
    return _MATH_ONE.sub(r"$\1\2$", latex)


_MATH = re.compile(r"(?<!\\)\$(?:[^$\\]|\\.)+?(?<!\\)\$")


def tex_title(text: str) -> str:
    """An arXiv title (TeX) as a BibTeX value: `$…$` math kept as math, specials outside it escaped."""
    out: list[str] = []
    pos = 0
    for m in _MATH.finditer(text):
        out.append(_escape(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape(text[pos:]))
    return "".join(out)


def has_math(text: str) -> bool:
    """Whether `text` holds a `$…$` TeX math span."""
    return bool(_MATH.search(text))
