"""Raw HTML blocks of a README → table rows, `<details>` sections, headings (pure; stdlib html.parser).

markdown-it hands raw HTML over as `html_block` tokens that end at a blank line, so one
`<table>` or `<details>` may span several blocks with Markdown in between. `HtmlReader` keeps
its state across blocks and reports what it saw as events:

    ("open", summary, line)      a `<details>` whose body continues in Markdown (a sub-section)
    ("close", "", line)          its `</details>`
    ("inline", summary, text)    a `<details>` opened and closed in the same block (an abstract)
    ("row", Row, line)           one table row (`<th>` cells make a header row)
    ("heading", level, text)     an `<h1>`…`<h6>` outside a table
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from .inline import EM, LINK, STRONG, Line, Piece

__all__ = ["Row", "HtmlReader"]

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class Row:
    cells: list[list[Line]] = field(default_factory=list)
    header: bool = False
    line: int = 0


class HtmlReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, Any, Any]] = []
        self.base = 0  # source line of the first line of the current block, minus lines fed before
        self.row: Row | None = None
        self.cell: list[Line] | None = None
        self.link: tuple[str, list[Piece], int] | None = None
        self.details: list[dict[str, Any]] = []  # open <details>: summary text, block, text
        self.summary: list[str] | None = None
        self.heading: tuple[int, list[str]] | None = None
        self.block_no = 0
        self.fed_lines = 0

    # -- feeding
    def read(self, html: str, first_line: int) -> list[tuple[str, Any, Any]]:
        """Feed one html_block (its first source line given); return the events it completes."""
        self.block_no += 1
        self.base = first_line - self.fed_lines
        self.events = []
        if not html.endswith("\n"):
            html += "\n"
        self.feed(html)
        self.fed_lines += html.count("\n")
        for d in self.details:  # a <details> left open at the end of its block holds Markdown
            if d["block"] == self.block_no and not d["announced"] and self.summary is None:
                d["announced"] = True
                self.events.append(("open", " ".join("".join(d["summary"]).split()), d["line"]))
        return self.events

    def _line(self) -> int:
        return self.base + self.getpos()[0] - 1

    # -- cells
    def _cur(self) -> Line:
        assert self.cell is not None
        if not self.cell:
            self.cell.append(Line("", self._line()))
        return self.cell[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "details":
            self.details.append(
                {"summary": [], "block": self.block_no, "line": self._line(), "announced": False, "text": []}
            )
        elif tag == "summary" and self.details:
            self.summary = self.details[-1]["summary"]
        elif tag == "tr":
            self.row = Row(line=self._line())
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            self.row.header = self.row.header or tag == "th"
        elif tag in _HEADINGS and self.cell is None:
            self.heading = (int(tag[1]), [])
        elif self.cell is not None:
            self._cell_tag(tag, a, False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def _cell_tag(self, tag: str, a: dict[str, str], end: bool) -> None:
        cur = self._cur()
        if tag == "a":
            if not end and a.get("href") and self.link is None:
                self.link = (a["href"], [], len(cur.marked))
            elif end and self.link is not None:
                href, imgs, start = self.link
                self.link = None
                text = " ".join(cur.marked[start:].split())
                cur.marked = cur.marked[:start]
                img = imgs[0] if imgs else None
                cur.pieces.append(
                    Piece(
                        text or (img.alt if img else ""),
                        url=href,
                        src=img.src if img else "",
                        alt=img.alt if img else "",
                    )
                )
                cur.marked += f"{LINK[0]}{len(cur.pieces) - 1}{LINK[1]}"
        elif tag == "img" and not end:
            p = Piece(a.get("alt", ""), src=a.get("src", ""), alt=a.get("alt", ""))
            if self.link is not None:
                self.link[1].append(p)
            else:
                cur.pieces.append(p)
                cur.marked += f"{LINK[0]}{len(cur.pieces) - 1}{LINK[1]}"
        elif tag == "br" and self.link is None and self.cell is not None:
            self.cell.append(Line("", self._line()))
        elif tag in ("b", "strong"):
            cur.marked += STRONG[1] if end else STRONG[0]
        elif tag in ("i", "em"):
            cur.marked += EM[1] if end else EM[0]

    def handle_endtag(self, tag: str) -> None:
        if tag == "summary":
            self.summary = None
        elif tag == "details" and self.details:
            d = self.details.pop()
            text = " ".join("".join(d["text"]).split())
            summary = " ".join("".join(d["summary"]).split())
            if d["announced"]:
                self.events.append(("close", "", self._line()))
            else:
                self.events.append(("inline", summary, text))
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.link = None
            self.row.cells.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row.cells:
                self.events.append(("row", self.row, self.row.line))
            self.row = None
        elif tag in _HEADINGS and self.heading is not None:
            self.events.append(("heading", self.heading[0], " ".join("".join(self.heading[1]).split())))
            self.heading = None
        elif self.cell is not None:
            self._cell_tag(tag, {}, True)

    def handle_data(self, data: str) -> None:
        if self.summary is not None:
            self.summary.append(data)
        elif self.cell is not None:
            self._cur().marked += data.replace("\n", " ").replace("\x05", "").replace("\x06", "")
        elif self.heading is not None:
            self.heading[1].append(data)
        elif self.details:
            self.details[-1]["text"].append(data)
