"""The walk's records and structural helpers: heading records, raw items, block ends, table columns (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

from .inline import Line
from .records import Link, SubField

__all__ = ["HeadRec", "RawItem", "block_ends", "heading_text", "column_roles"]

#: (token index, level, title, line); level is 2 × the Markdown level, +1 for a sub-section written at its
#: parent's level (a year under a topic) or a `<details>` summary — `Heading.level` halves it back
HeadRec = tuple[int, int, str, int]


@dataclass
class RawItem:
    index: int
    title: str
    line: int
    number: str
    fields: list[SubField]
    title_note: str
    title_links: list[Link]
    stack: tuple[HeadRec, ...]
    shape: str = ""


def block_ends(tokens: list[Token]) -> list[int]:
    """For each token, the index just past the block it opens (itself + 1 for leaf tokens)."""
    ends = [i + 1 for i in range(len(tokens))]
    open_: list[int] = []
    for i, t in enumerate(tokens):
        if t.nesting == 1:
            open_.append(i)
        elif t.nesting == -1 and open_:
            ends[open_.pop()] = i + 1
    return ends


def heading_text(lines: list[Line]) -> str:
    return " ".join(" ".join(ln.plain() for ln in lines).split()).rstrip(":").strip()


_COLUMN_ROLES = (
    ("title", re.compile(r"title|标题|题目")),
    ("paper", re.compile(r"\bpaper|name|model|method|论文")),
    ("venue", re.compile(r"venue|publish|conference|journal|publication|\bpub\b|期刊|会议")),
    ("date", re.compile(r"date|year|time|日期|时间")),
)


def column_roles(header: list[str]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for role, pat in _COLUMN_ROLES:
        for k, h in enumerate(header):
            if k not in roles and pat.search(h.lower()):
                roles[k] = role
                if role in ("title", "venue", "date"):
                    break
    if "title" not in roles.values():  # "Paper" holds the title when no column is called "Title"
        first = next((k for k, r in sorted(roles.items()) if r == "paper"), None)
        if first is not None:
            roles[first] = "title"
    return roles
