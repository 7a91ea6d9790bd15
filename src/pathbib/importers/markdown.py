"""Awesome-list Markdown → records: front matter, sections and paper items (pure).

The text is parsed with markdown-it-py (CommonMark + pipe tables) and walked by structure
(`walker`): headings and `<details>` summaries give nested sections; list items, paragraphs,
table rows (pipe or HTML) and headings are candidates, recognised by shape (`recognise`):
a title (bold, linked, quoted or plain) plus a scholarly link, a venue or a year makes a paper.
Sub-bullets are classified by label wording and emoji ("📖 Journal: ...", "📄 [PDF](...)"),
links by text, badge and target (`labels`). Nothing is dropped: text that fits no known label
is kept as a note, a link under an unknown label as a `link` field with its label, and every
candidate not taken is listed in `ParsedList.skipped`. Mis-decoded text (see `mojibake`) is
repaired first.
"""

from __future__ import annotations

from collections import Counter

from ..config import ListSettings
from ..errors import InputError
from .front import Sections, build_sections, front_matter, placed_items
from .inline import inline_plain, md, md_for
from .labels import classify_label
from .mojibake import repair
from .records import FrontMatter, Heading, Item, Link, ParsedList, SubField
from .walker import Walk

__all__ = [
    "Link",
    "SubField",
    "Item",
    "Heading",
    "FrontMatter",
    "ParsedList",
    "parse_list",
    "classify_label",
    "decode_readme",
    "check_size",
    "MAX_README_BYTES",
]

#: The exporter's default line under a section with no papers (`list.empty_section`).
DEFAULT_EMPTY_SECTION = ListSettings().empty_section


_md = md


def _plain_md(text: str) -> str:
    """Plain text of one Markdown paragraph, whitespace collapsed (emphasis markers dropped)."""
    tokens = _md().parse(text)
    out = " ".join(inline_plain(t) for t in tokens if t.type == "inline")
    return " ".join(out.split()).casefold()


def parse_list(text: str, path: str = "<input>", *, empty_section: str = "") -> ParsedList:
    """Parse an awesome-list README into front matter, sections and items.

    A paragraph that is the exporter's "no papers in this section" line (`empty_section`, or
    the default one) is skipped: it is neither a section description nor a note.
    """
    if not text.strip():
        raise InputError("is empty", "pass the awesome-list README (Markdown)", path=path)
    newline = "\r\n" if "\r\n" in text else "\n"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    fixed = repair(text)
    text = fixed.text
    lines = text.split("\n")
    tokens = md_for(text).parse(text)  # (the rules that cannot match in this text left out)
    walk = Walk(tokens)
    if not walk.items:
        _nothing_found(walk, path)
    secs = Sections(walk.headings, walk.items, walk.paper_headings, len(tokens))
    empty_lines = {_plain_md(x) for x in (DEFAULT_EMPTY_SECTION, empty_section) if x.strip()}
    fm, descriptions, notes = front_matter(secs, tokens, lines, walk.blocks, empty_lines, _plain_md)
    warnings: list[str] = []
    not_taken = walk.list_candidates - walk.list_papers
    # (papers read another way — headings, tables, paragraphs — may outnumber the list items not taken:
    # then those are the list's resources, not a layout the reader missed)
    if walk.list_candidates and walk.list_papers * 2 < walk.list_candidates and len(walk.items) < not_taken:
        shape, count = Counter(walk.list_skipped).most_common(1)[0] if walk.list_skipped else ("?", 0)
        warnings.append(
            f"only {walk.list_papers} of {walk.list_candidates} list items with links were read as papers; "
            f"the most common skipped shape is {shape!r} ({count} items)"
        )
    return ParsedList(
        fm,
        build_sections(secs, descriptions),
        placed_items(secs, walk.items),
        fixed,
        newline,
        tuple(notes),
        tuple(walk.skipped),
        tuple(warnings),
    )


def _nothing_found(walk: Walk, path: str) -> None:
    """Raise the error for a README in which no paper was found, naming what was seen instead."""
    if not walk.headings and not walk.skipped:
        raise InputError(
            "does not look like an awesome-list README: no headings and no list items, paragraphs or table "
            "rows with a title and a link",
            "pass the Markdown paper list (items such as `- [Title](https://arxiv.org/abs/...)`, `1. **Title**` "
            "with sub-bullets, or a table with a Title column)",
            path=path,
        )
    shapes = Counter(s[1] for s in walk.skipped)
    seen = ", ".join(f"{n} {shape}" for shape, n in shapes.most_common(3)) or "no item with a link"
    first = walk.skipped[0][0] if walk.skipped else None
    raise InputError(
        f"has no paper items: no item has a title and a scholarly link, a venue or a year (seen: {seen})",
        "check that this is the paper list README; each paper needs a title plus a paper link "
        "(arXiv, DOI, publisher), a venue or a year",
        path=path,
        line=first,
    )


#: Largest README accepted; a paper list is tens of kilobytes.
MAX_README_BYTES = 5 * 1024 * 1024


def check_size(size: int, path: str = "<input>") -> None:
    """Raise InputError when a README of `size` bytes is too large to be a paper list."""
    if size > MAX_README_BYTES:
        raise InputError(
            f"is {size / 1e6:.1f} MB; a paper list README is far smaller (limit {MAX_README_BYTES // (1024 * 1024)} MB)",
            "check that the path points at the awesome-list README.md",
            path=path,
        )


def decode_readme(data: bytes, path: str = "<input>") -> str:
    """Check and decode the bytes of a README: not empty, not binary, not huge, UTF-8."""
    check_size(len(data), path)
    if not data.strip():
        raise InputError("is empty", "pass the awesome-list README (Markdown)", path=path)
    sample = data[: 1 << 16]
    if b"\x00" in sample or sum(1 for b in sample if b < 9 or 13 < b < 32) > len(sample) // 100:
        raise InputError(
            "looks like a binary file (NUL or control bytes), not Markdown",
            "pass the awesome-list README (a Markdown text file)",
            path=path,
        )
    if b"\x00" in data:  # a NUL past the sample: still not Markdown
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError(
            f"contains a NUL byte at line {line}: not a Markdown text file",
            "remove the NUL bytes, or pass the right file",
            path=path,
            line=line,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line})",
            "save the README as UTF-8 and run again",
            path=path,
            line=line,
        ) from None
    return text[1:] if text.startswith("\ufeff") else text
