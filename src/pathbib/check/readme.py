"""The README as the PB7xx rules see it: items from the importer's Markdown reader, headings and anchors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from ..importers.markdown import parse_list
from ..listfields import github_slug as _slug_text
from .fields import _YEAR_RE
from .registry import CheckContext, _memoized


@dataclass(frozen=True)
class ReadmeItem:
    number: int
    title: str
    line: int
    section: str  # innermost heading above the item
    years: tuple[int, ...]  # years on the item's venue/date lines
    links: tuple[str, ...]

    @property
    def year(self) -> int | None:
        return min(self.years) if self.years else None


@dataclass(frozen=True)
class Readme:
    items: tuple[ReadmeItem, ...]
    headings: tuple[tuple[int, str, int], ...]  # (level, text, line)
    anchors: tuple[tuple[str, int], ...]  # (#anchor, line) of in-page links
    html_anchors: frozenset[str]
    text: str
    parser: str  # which parser read it


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s{0,3}(\d+)[.)]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"", re.I)


def _unfenced_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of the Markdown lines outside fenced code blocks (fences left out)."""
    fenced = False
    for i, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            yield i, line


def parse_readme(text: str) -> Readme:
    """Read the structure the PB7xx rules need from an awesome-list README (pure).

    A minimal structural reader: ATX headings, numbered items (`12. ... **Title**`) with their
    indented sub-bullets (venue and date lines give the years, links give the URLs), in-page
    `(#anchor)` links and `<a name=...>` anchors; fenced code blocks are skipped.
    """
    items: list[ReadmeItem] = []
    headings: list[tuple[int, str, int]] = []
    anchors: list[tuple[str, int]] = []
    html: set[str] = set()
    section = ""
    cur: dict[str, Any] | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None:
            items.append(ReadmeItem(cur["number"], cur["title"], cur["line"], cur["section"],
                                    tuple(cur["years"]), tuple(cur["links"])))
            cur = None

    for i, line in _unfenced_lines(text):
        html.update(_HTML_ANCHOR.findall(line))
        h = _HEADING.match(line)
        if h:
            close()
            headings.append((len(h.group(1)), h.group(2), i))
            section = h.group(2).strip().rstrip(":").strip()
            continue
        m = _ITEM.match(line)
        if m:
            close()
            b = _BOLD.search(m.group(2))
            title = b.group(1) if b else _MD_LINK.sub(r"\1", m.group(2)).strip()
            cur = {"number": int(m.group(1)), "title": title.strip(), "line": i, "section": section,
                   "years": [], "links": []}
            continue
        for a in re.findall(r"\]\((#[^)\s]*)\)", line):
            anchors.append((a, i))
        if cur is not None and line.startswith((" ", "\t")) and line.strip():
            for _, url in _MD_LINK.findall(line):
                if not url.startswith("#"):
                    cur["links"].append(url)
            if not _MD_LINK.search(line):
                cur["years"].extend(int(y) for y in _YEAR_RE.findall(line))
        elif cur is not None and line.strip() and not line.startswith((" ", "\t")):
            close()
    close()
    return Readme(tuple(items), tuple(headings), tuple(anchors), frozenset(html), text, "pathbib.check (structural)")


def heading_text(heading: str) -> str:
    """The text GitHub slugs for a Markdown heading: HTML tags and link syntax removed."""
    return _MD_LINK.sub(r"\1", re.sub(r"<[^>]+>", "", heading))


def github_slug(heading: str) -> str:
    """Return the anchor GitHub gives a Markdown heading (HTML tags and link syntax removed first)."""
    return _slug_text(heading_text(heading))


def read_readme(text: str) -> Readme:
    """Parse the README with the importer's Markdown parser (items) when it is available.

    Headings and anchors always come from `parse_readme` (the TOC rule needs every heading,
    including the ones the importer treats as wrappers); the items — numbers, titles, venue and
    date lines, links — come from `pathbib.importers.markdown.parse_list`, which also repairs
    mis-decoded text. If the importer rejects the text, the structural reader's
    items are used; `Readme.parser` says which.
    """
    base = parse_readme(text)
    try:
        pl = parse_list(text)
    except Exception:  # noqa: BLE001 - any failure: fall back to the structural reader
        return base
    items = []
    for it in pl.items:
        if not str(it.number).isdigit():
            continue
        years = tuple(int(y) for f in it.fields if f.kind in ("venue", "date") for y in _YEAR_RE.findall(f.value))
        links = tuple(link.url for f in it.fields if f.kind == "pdf" for link in f.links) + tuple(
            link.url for link in it.title_links)
        items.append(ReadmeItem(int(it.number), it.title, it.line, it.section[-1] if it.section else "", years, links))
    return replace(base, items=tuple(items), parser="pathbib.importers.markdown")


def _readme(ctx: CheckContext) -> Readme | None:
    text = ctx.readme
    return None if text is None else _memoized(ctx, "readme", lambda: read_readme(text))

