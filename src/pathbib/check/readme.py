"""The README as the PB7xx rules see it: items from the importer's Markdown reader, headings and anchors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import PathbibError
from ..importers.markdown import parse_list
from ..importers.outline import outline
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
    prose: tuple[tuple[int, str], ...] = ()  # (line, text) of the prose outside lists and code


_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)[^)]*\)")


def heading_text(heading: str) -> str:
    """The text GitHub slugs for a Markdown heading: HTML tags and link syntax removed."""
    return _MD_LINK.sub(r"\1", re.sub(r"<[^>]+>", "", heading))


def github_slug(heading: str) -> str:
    """Return the anchor GitHub gives a Markdown heading (HTML tags and link syntax removed first)."""
    return _slug_text(heading_text(heading))


def read_readme(text: str) -> Readme:
    """Read the README with the importer's Markdown reader (pure).

    The items — numbers, titles, venue and date lines, links — come from
    `pathbib.importers.markdown.parse_list` (which also repairs mis-decoded text); the headings
    (every one, also those the importer treats as wrappers), in-page links, HTML anchors and
    prose lines from `pathbib.importers.outline`, which uses the same CommonMark parser. When the
    importer finds no paper items, the README has none for the item rules; `Readme.parser` says so.
    """
    o = outline(text)
    parser = "pathbib.importers.markdown"
    items: list[ReadmeItem] = []
    try:
        pl = parse_list(text)
    except PathbibError as exc:  # e.g. no list item with a bold title: nothing for the item rules
        pl = None
        parser += f" (no items: {exc.message})"
    for it in pl.items if pl is not None else ():
        if not str(it.number).isdigit():
            continue
        years = tuple(
            int(y) for f in it.fields if f.kind in ("venue", "date") for y in _YEAR_RE.findall(f.value)
        )
        links = tuple(link.url for f in it.fields if f.kind == "pdf" for link in f.links) + tuple(
            link.url for link in it.title_links
        )
        items.append(
            ReadmeItem(int(it.number), it.title, it.line, it.section[-1] if it.section else "", years, links)
        )
    return Readme(tuple(items), o.headings, o.links, o.html_anchors, text, parser, o.prose)


#: the name of the former structural reader; the README now has one reader
parse_readme = read_readme


def _readme(ctx: CheckContext) -> Readme | None:
    text = ctx.readme
    return None if text is None else _memoized(ctx, "readme", lambda: read_readme(text))
