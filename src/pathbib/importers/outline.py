"""The outline of a Markdown document, read with the list reader's CommonMark parser (pure).

`importers.markdown.parse_list` reads the papers; `outline` reads what a README says around
them: every heading (also the wrapper headings the list reader drops), the in-page `(#anchor)`
links, the `<a name=...>` / `<a id=...>` anchors, and the prose lines — paragraphs, headings and
HTML outside lists and code — where a README states its paper count and year span (a bullet
such as "Added 5 papers" in a changelog is not a claim about the list). Both use the same
markdown-it CommonMark parser, so a fenced block, an indented code block or a setext heading
means the same to `import` and to `check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it.token import Token

from .markdown import _md as _commonmark

__all__ = ["Outline", "outline"]

_HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"", re.I)


@dataclass(frozen=True)
class Outline:
    headings: tuple[tuple[int, str, int], ...]  # (level, heading source text, line)
    links: tuple[tuple[str, int], ...]  # (#anchor, line) of in-page links
    html_anchors: frozenset[str]
    prose: tuple[tuple[int, str], ...]  # (line, text) of paragraphs, headings and HTML outside lists


def _link_line(href: str, inline: Token, lines: list[str]) -> int:
    """The 1-based line of an in-page link inside an inline token (its first line when not found)."""
    start, end = inline.map or (0, 1)
    for i in range(start, min(end, len(lines))):
        if href in lines[i] or unquote(href) in lines[i]:
            return i + 1
    return start + 1


def outline(text: str) -> Outline:
    """Headings, in-page links, HTML anchors and prose lines of `text` (line numbers 1-based)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    tokens = _commonmark().parse(text)
    headings: list[tuple[int, str, int]] = []
    links: list[tuple[str, int]] = []
    anchors: set[str] = set()
    prose: set[int] = set()
    in_list = 0  # depth of lists around the current token
    for i, t in enumerate(tokens):
        if t.type in ("ordered_list_open", "bullet_list_open"):
            in_list += 1
        elif t.type in ("ordered_list_close", "bullet_list_close"):
            in_list -= 1
        elif t.type == "heading_open":
            headings.append((int(t.tag[1]), tokens[i + 1].content.strip(), (t.map[0] + 1) if t.map else 0))
        elif t.type == "html_block":
            anchors.update(_HTML_ANCHOR.findall(t.content))
        if t.type in ("inline", "html_block") and not in_list and t.map:
            prose.update(range(t.map[0], t.map[1]))
        if t.type != "inline":
            continue
        for child in t.children or ():
            if child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                if href.startswith("#"):
                    links.append((unquote(href), _link_line(href, t, lines)))
            elif child.type == "html_inline":
                anchors.update(_HTML_ANCHOR.findall(child.content))
    return Outline(
        tuple(headings),
        tuple(links),
        frozenset(anchors),
        tuple((n + 1, lines[n]) for n in sorted(prose) if n < len(lines)),
    )
