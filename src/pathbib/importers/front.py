"""Sections and front matter of a walked list: the heading tree, wrapper headings, intro, badges (pure).

Headings that every paper sits under (the document title, a `# Papers` wrapper) are wrappers,
not sections; a heading that is itself a paper (`### 12. Title` + authors + links) is not a
section either. Blocks before the first section are the front matter (title, badges, intro,
the review-paper line, the citation code fence); paragraphs under a section are its description.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.token import Token

from .inline import Line, read_inline
from .records import FrontMatter, Heading, Item, Link
from .structure import HeadRec, RawItem

# patterns used inside functions, compiled once
_ANCHOR_LINK = re.compile(r"\s*\[[^\]]*\]\(#[^)]*\)\s*")
_PARENTHESISED = re.compile(r"\(.*\)", re.S)
_REVIEW_WORD = re.compile(r"(?i)\b(review|survey|paper|cite|citing)\b")
_LEADING_SPACE = re.compile(r"^\s+")

__all__ = ["Sections", "build_sections", "front_matter", "placed_items"]


class Sections:
    """The section tree: which headings are sections, their paths, and the paper scope."""

    def __init__(self, headings: list[HeadRec], items: list[RawItem], paper_headings: set[HeadRec], n: int):
        headings = [h for h in headings if h not in paper_headings]
        stacks = [tuple(h for h in it.stack if h not in paper_headings) for it in items]
        prefix = list(stacks[0])
        for st in stacks[1:]:
            k = 0
            while k < min(len(prefix), len(st)) and prefix[k] == st[k]:
                k += 1
            prefix = prefix[:k]
        if prefix and all(len(st) == len(prefix) for st in stacks):
            prefix = prefix[:-1]  # every item sits directly under one heading: it is the only section
        wrapper = prefix[-1] if prefix else None
        first_index, last_index = items[0].index, items[-1].index
        if wrapper is not None:
            start = wrapper[0]
            end = next((h[0] for h in headings if h[0] > wrapper[0] and h[1] <= wrapper[1]), n)
        else:
            top = stacks[0][0] if stacks[0] else None
            start = top[0] if top else first_index
            end = n
            if stacks[-1]:
                lvl = stacks[-1][0][1]
                end = next((h[0] for h in headings if h[0] > last_index and h[1] <= lvl), n)
        self.start, self.end, self.first_index = start, end, first_index
        skip = set(prefix)
        # headings before the first paper's own section (contributing notes, the table of contents
        # under the document title) are front matter, not empty sections
        first_top = next((h[0] for h in stacks[0] if h not in skip), first_index)
        self.heads = [h for h in headings if max(start, first_top) <= h[0] < end and h not in skip]
        self.path_of: dict[HeadRec, tuple[str, ...]] = {}
        st2: list[tuple[int, str]] = []
        for h in self.heads:
            while st2 and st2[-1][0] >= h[1]:
                st2.pop()
            st2.append((h[1], h[2]))
            self.path_of[h] = tuple(x[1] for x in st2)
        self.paper_headings = paper_headings
        self.all_headings = headings
        self.stacks = stacks

    def owner(self, stack: tuple[HeadRec, ...]) -> HeadRec | None:
        return next((h for h in reversed(stack) if h in self.path_of and h not in self.paper_headings), None)


def build_sections(secs: Sections, descriptions: dict[HeadRec, list[str]]) -> tuple[Heading, ...]:
    return tuple(
        Heading((h[1] + 1) // 2, h[2], h[3], secs.path_of[h], "\n\n".join(descriptions.get(h, [])))
        for h in secs.heads
    )


def placed_items(secs: Sections, items: list[RawItem]) -> tuple[Item, ...]:
    out = []
    for it, st in zip(items, secs.stacks, strict=True):
        owner = secs.owner(st)
        out.append(
            Item(
                title=it.title,
                line=it.line,
                number=it.number,
                section=secs.path_of[owner] if owner else (),
                fields=tuple(it.fields),
                title_note=it.title_note,
                title_links=tuple(it.title_links),
            )
        )
    return tuple(out)


def _source(tok: Token, lines: list[str]) -> str:
    if not tok.map:
        return ""
    a, b = tok.map
    return "\n".join(lines[a:b]).strip("\n")


def _is_toc(tokens: list[Token], start: int, end: int) -> bool:
    """A bullet list whose items are only links to anchors (#...): the table of contents."""
    if tokens[start].type != "bullet_list_open":
        return False
    hrefs = [
        str(t.attrGet("href") or "")
        for tk in tokens[start:end]
        if tk.type == "inline"
        for t in (tk.children or [])
        if t.type == "link_open"
    ]
    return bool(hrefs) and all(h.startswith("#") for h in hrefs)


def _is_return_link(src: str) -> bool:
    return bool(_ANCHOR_LINK.fullmatch(src))


def _html_only(inline: Token) -> bool:
    kids = inline.children or []
    return bool(kids) and all(
        t.type in ("html_inline", "softbreak") or (t.type == "text" and not t.content.strip()) for t in kids
    )


def _is_badges(kids: list[Token]) -> bool:
    has_image = False
    depth = 0
    for t in kids:
        if t.type == "image":
            has_image = True
        elif t.type == "link_open":
            depth += 1
        elif t.type == "link_close":
            depth -= 1
        elif t.type in ("softbreak", "hardbreak") or (
            t.type == "text" and (not t.content.strip() or depth > 0)
        ):
            continue
        else:
            return False
    return has_image


def _split_around_link(src: str, link: Link) -> tuple[str, str, str]:
    m = re.search(r"\[" + re.escape(link.text) + r"\]\(\s*<?" + re.escape(link.url) + r">?[^)]*\)", src)
    if not m:
        return src, "", ""
    return src[: m.start()], m.group(0), src[m.end() :]


def _plain_links(inline: Token) -> tuple[str, list[Link]]:
    lines: list[Line] = read_inline(inline)
    text = " ".join(ln.plain() for ln in lines)
    links = [Link(p.text, p.url) for ln in lines for p in ln.pieces if p.url]
    return text, links


def front_matter(
    secs: Sections,
    tokens: list[Token],
    lines: list[str],
    blocks: list[tuple[int, Token, int, tuple[HeadRec, ...]]],
    empty_lines: set[str],
    plain_md: Any,
) -> tuple[FrontMatter, dict[HeadRec, list[str]], list[tuple[int, str]]]:
    """Front matter, section descriptions and unplaced notes from the blocks that are not papers."""
    front: dict[str, Any] = {"badges": [], "intro": [], "introduction": []}
    descriptions: dict[HeadRec, list[str]] = {}
    notes: list[tuple[int, str]] = []
    doc_title = next((h for h in secs.all_headings if h[1] == 2 and h[0] <= secs.start), None)
    if doc_title is None and secs.all_headings and secs.all_headings[0][0] <= secs.start:
        doc_title = secs.all_headings[0]
    for idx, tok, end, st in sorted(blocks, key=lambda b: b[0]):
        line = (tok.map[0] + 1) if tok.map else 0
        src = _source(tok, lines)
        if tok.type == "hr" or not src.strip():
            continue
        if idx >= secs.start and tok.type == "paragraph_open" and plain_md(src) in empty_lines:
            continue  # the exporter's "no papers in this section yet" line
        if secs.start <= idx < secs.end:
            if tok.type == "html_block" or _is_toc(tokens, idx, end) or _is_return_link(src):
                continue
            if (
                tok.type == "paragraph_open"
                and _PARENTHESISED.fullmatch(src.strip())
                and not front.get("order_note")
            ):
                front["order_note"] = src.strip()
                continue
            if tok.type == "paragraph_open" and _html_only(tokens[idx + 1]):
                continue
            owner = secs.owner(st)
            if owner is not None:
                descriptions.setdefault(owner, []).append(src)
                continue
            if idx > secs.first_index:
                notes.append((line, src))
                continue
        elif idx >= secs.end:
            if tok.type != "html_block" and not _is_return_link(src):
                notes.append((line, src))
            continue
        _front_block(front, tok, tokens, idx, src, line, st, doc_title)
    fm = FrontMatter(
        title=doc_title[2] if doc_title else "",
        badges=tuple(front["badges"]),
        intro="\n\n".join(front["intro"]),
        review_line=front.get("review_line", ""),
        review_text=front.get("review_text", ""),
        review_url=front.get("review_url", ""),
        review_suffix=front.get("review_suffix", ""),
        review_source=front.get("review_source", ""),
        citation=front.get("citation", ""),
        citation_line=front.get("citation_line", 0),
        introduction="\n\n".join(front["introduction"]),
        order_note=front.get("order_note", ""),
    )
    return fm, descriptions, notes


def _front_block(
    front: dict[str, Any],
    tok: Token,
    tokens: list[Token],
    idx: int,
    src: str,
    line: int,
    st: tuple[HeadRec, ...],
    doc_title: HeadRec | None,
) -> None:
    heading_titles = [h[2].lower() for h in st if h != doc_title]
    if tok.type in ("fence", "code_block"):
        if "@" in tok.content and not front.get("citation"):
            front["citation"] = tok.content.strip("\n")
            front["citation_line"] = line + (1 if tok.type == "fence" else 0)
        else:
            front["intro"].append(src)
        return
    if tok.type == "html_block":
        return
    if any(t in ("introduction", "about", "overview") for t in heading_titles):
        front["introduction"].append(src)
        return
    if tok.type == "paragraph_open":
        inline = tokens[idx + 1]
        if _is_badges(inline.children or []):
            front["badges"].extend(ln.strip() for ln in src.split("\n") if ln.strip())
            return
        text_plain, links = _plain_links(inline)
        if links and not front.get("review_url") and _REVIEW_WORD.search(text_plain):
            lk = links[0]
            pre, sep, post = _split_around_link(src, lk)
            if sep:
                # the suffix keeps its leading space (" :heart:"): it is printed right after the link
                suffix = _LEADING_SPACE.sub(" ", post.rstrip()) if post.strip() else ""
                front.update(
                    review_line=pre.strip(),
                    review_text=lk.text,
                    review_url=lk.url,
                    review_suffix=suffix,
                    review_source=src.strip(),
                )
                return
    front["intro"].append(src)
