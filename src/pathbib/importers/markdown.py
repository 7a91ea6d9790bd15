"""Awesome-list Markdown → records: front matter, sections and paper items (pure).

The text is parsed with markdown-it-py (CommonMark) and walked by structure: headings give
sections and subsections, list items whose first paragraph starts with a bold title are
papers, and their sub-bullets are classified by label wording and emoji ("📖 Journal: ...",
"🗓️ Publication Date: ...", "🧑‍🔬 Authors: ...", "📄 [PDF](...)", "💻 [Code](...)",
"📌 Highlight: ..."). Nothing is dropped: a sub-bullet that fits no known label is kept as a
note, its links as other links. Mis-decoded text (see `mojibake`) is repaired first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..config import ListSettings
from ..errors import InputError
from .mojibake import RepairResult, repair

__all__ = ["Link", "SubField", "Item", "Heading", "FrontMatter", "ParsedList", "parse_list", "classify_label"]


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True, slots=True)
class SubField:
    """One labelled sub-bullet: kind is venue/date/authors/pdf/code/highlight/note."""

    kind: str
    label: str  # the label as written ("Journal", "Publication Date", "" when none)
    value: str  # plain text after the label (Markdown emphasis removed)
    links: tuple[Link, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class Item:
    """A paper as the list shows it."""

    title: str
    line: int
    number: str = ""  # as printed ("17"); "" for a bullet item
    section: tuple[str, ...] = ()  # heading titles, outermost first (wrapper headings removed)
    fields: tuple[SubField, ...] = ()
    title_note: str = ""  # other text on the title line
    title_links: tuple[Link, ...] = ()  # links on the title line

    def first(self, kind: str) -> SubField | None:
        for f in self.fields:
            if f.kind == kind:
                return f
        return None

    def all(self, kind: str) -> list[SubField]:
        return [f for f in self.fields if f.kind == kind]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    title: str  # plain text, trailing ":" removed
    line: int
    path: tuple[str, ...] = ()  # section path (wrapper headings removed), this heading last
    description: str = ""  # Markdown of the paragraphs right under it


@dataclass(frozen=True, slots=True)
class FrontMatter:
    title: str = ""
    badges: tuple[str, ...] = ()
    intro: str = ""
    review_line: str = ""  # Markdown before the review link
    review_text: str = ""  # the link text
    review_url: str = ""
    review_suffix: str = ""  # Markdown after the link, with its leading space (" :heart:")
    review_source: str = ""  # the whole line
    citation: str = ""  # BibTeX inside the citation code fence
    citation_line: int = 0
    introduction: str = ""
    order_note: str = ""


@dataclass(frozen=True)
class ParsedList:
    front: FrontMatter
    sections: tuple[Heading, ...]  # section/subsection headings in order (incl. empty ones)
    items: tuple[Item, ...]
    repair: RepairResult
    newline: str = "\n"
    notes: tuple[tuple[int, str], ...] = field(default=())  # (line, text) kept but unplaced


# --------------------------------------------------------------------------- labels

_EMOJI_KIND: dict[str, str] = {}
for _k, _chars in {
    "venue": "📖📘📗📕📙📚📰🏛🎓🏆",
    "date": "🗓📅📆⏰🕒",
    "authors": "🧑👨👩👥👤✍🖊",
    "pdf": "📄📃📑🔗📝📜",
    "code": "💻🖥⌨🛠🔧🐙📦",
    "highlight": "📌✨💡⭐🌟🔑📍❗",
}.items():
    for _c in _chars:
        _EMOJI_KIND[_c] = _k

_LABEL_KIND: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(publication |publish(ed)? |release |submission )?date|^published( on)?$|^year$|^date published$"), "date"),
    (re.compile(r"^(journal|proceedings|conference|preprint|venue|workshop|book|booktitle|"
                r"published (in|at)|accepted (at|by|in)|publication|symposium|in|source)$"), "venue"),
    (re.compile(r"^(authors?|by|written by|researchers?)$"), "authors"),
    (re.compile(r"^(pdf|paper|arxiv|link|url|article|full text|preprint link|doi|publication link)$"), "pdf"),
    (re.compile(r"^(code|github|gitlab|repo|repository|project( page)?|website|homepage|page|"
                r"hugging ?face|model|weights|demo|source code|implementation)$"), "code"),
    (re.compile(r"^(highlights?|summary|tl;? ?dr|key ideas?|contributions?|main idea|note)$"), "highlight"),
]


def classify_label(label: str) -> str | None:
    """Return the kind of a sub-bullet label ("Journal" → "venue"), or None."""
    lab = " ".join(re.sub(r"[*_`]", "", label).lower().split()).rstrip(":. ")
    for pat, kind in _LABEL_KIND:
        if pat.search(lab):
            return kind
    return None


_SHORTCODE = re.compile(r"^:[a-z0-9_+-]+:\s*")


def _split_lead(text: str) -> tuple[str, str]:
    """Split leading emoji / symbols / shortcodes off `text`: (lead, rest)."""
    i = 0
    n = len(text)
    while i < n:
        m = _SHORTCODE.match(text, i)
        if m:
            i = m.end()
            continue
        c = text[i]
        cat = unicodedata.category(c)
        if c.isspace() or cat in ("So", "Sk", "Cf", "Mn", "Me", "Cn", "Co") or c in "\ufe0f\u200d•·-–—|>" or \
                0x1F000 <= ord(c) <= 0x1FAFF:
            i += 1
            continue
        break
    return text[:i], text[i:]


def _emoji_kind(lead: str) -> str | None:
    for c in lead:
        if c in _EMOJI_KIND:
            return _EMOJI_KIND[c]
    m = re.search(r":([a-z_]+):", lead)
    if m:
        name = m.group(1)
        for words, kind in (
            (("book", "books", "closed_book", "green_book", "blue_book", "newspaper", "mortar_board"), "venue"),
            (("date", "calendar", "spiral_calendar"), "date"),
            (("scientist", "man_scientist", "woman_scientist", "busts_in_silhouette", "writing_hand"), "authors"),
            (("page_facing_up", "page_with_curl", "link", "bookmark_tabs", "scroll"), "pdf"),
            (("computer", "desktop_computer", "keyboard", "hammer_and_wrench", "octocat"), "code"),
            (("pushpin", "sparkles", "bulb", "star", "key", "round_pushpin"), "highlight"),
        ):
            if name in words:
                return kind
    return None


# --------------------------------------------------------------------------- inline helpers


def _inline_plain(children: list[Token]) -> tuple[str, list[Link]]:
    """Plain text of inline tokens (emphasis dropped, link text kept) and the links in it."""
    out: list[str] = []
    links: list[Link] = []
    stack: list[tuple[str, int]] = []
    for t in children:
        if t.type == "text" or t.type == "code_inline":
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif t.type == "image":
            out.append(t.content)
        elif t.type == "link_open":
            stack.append((str(t.attrGet("href") or ""), len(out)))
        elif t.type == "link_close" and stack:
            href, start = stack.pop()
            links.append(Link("".join(out[start:]).strip(), href))
    return "".join(out), links


def _strong_title(children: list[Token]) -> tuple[str, list[Token], list[Token]] | None:
    """If the inline starts (after emoji) with bold text, return (title, before, after)."""
    depth = 0
    start = end = -1
    for i, t in enumerate(children):
        if t.type == "strong_open":
            if depth == 0 and start < 0:
                before, _ = _inline_plain(children[:i])
                if _split_lead(before)[1].strip():
                    return None
                start = i
            depth += 1
        elif t.type == "strong_close":
            depth -= 1
            if depth == 0 and start >= 0:
                end = i
                break
    if start < 0 or end < 0:
        return None
    title, _ = _inline_plain(children[start + 1 : end])
    return " ".join(title.split()), children[:start], children[end + 1 :]


def _heading_title(text: str) -> str:
    return " ".join(text.split()).rstrip(":").strip()


# --------------------------------------------------------------------------- walking


def _md() -> MarkdownIt:
    return MarkdownIt("commonmark")


def _classify(text: str, links: list[Link], line: int) -> SubField:
    """Classify one sub-bullet's plain text."""
    lead, rest = _split_lead(text)
    rest = rest.strip()
    label = ""
    value = rest
    m = re.match(r"^([^:\[\]()]{1,40}?)\s*:\s*(?!//)(.*)$", rest)
    if m and len(m.group(1).split()) <= 4:
        label = m.group(1).strip(" *_")
        value = m.group(2)
    value = value.strip().strip("*_").strip()
    kind = classify_label(label) if label else None
    if kind is None and not label and links and value.strip() == " ".join(lk.text for lk in links).strip():
        # a bullet that is only links: their text is the label ("[GitHub](...)")
        kinds = {classify_label(lk.text) for lk in links}
        if len(kinds) == 1 and None not in kinds:
            kind = kinds.pop()
    if kind is None:
        ek = _emoji_kind(lead)
        if ek is not None and label:
            # an unknown label with a known emoji ("📖 ICLR 2025: main track"): the whole text is
            # the value; a link under an unknown label ("📄 Slides: ...") is only kept as a note
            if ek in ("venue", "date", "authors", "highlight"):
                return SubField(ek, "", rest.strip("*_ "), tuple(links), line)
            ek = None
        kind = ek
    if kind is None:
        return SubField("note", label, value if label else rest, tuple(links), line)
    if kind in ("pdf", "code") and not links:
        urls = re.findall(r"https?://\S+", value)
        links = [Link("", u.rstrip(").,")) for u in urls]
        if not links:
            return SubField("note", label, value, (), line)
    return SubField(kind, label, value, tuple(links), line)


class _Walker:
    def __init__(self, tokens: list[Token], lines: list[str]):
        self.tokens = tokens
        self.lines = lines

    def source(self, tok: Token) -> str:
        if not tok.map:
            return ""
        a, b = tok.map
        return "\n".join(self.lines[a:b]).strip("\n")


def _block_end(tokens: list[Token], i: int) -> int:
    """Index just past the block opened at tokens[i]."""
    t = tokens[i]
    if t.nesting != 1:
        return i + 1
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j + 1
    return len(tokens)


def _item_fields(tokens: list[Token], line_offset: int) -> list[SubField]:
    """Classify every paragraph of a token range (sub-bullets, continuation paragraphs)."""
    out: list[SubField] = []
    for j, t in enumerate(tokens):
        if t.type == "inline":
            text, links = _inline_plain(t.children or [])
            if not text.strip() and not links:
                continue
            line = (t.map[0] + 1 + line_offset) if t.map else 0
            out.append(_classify(text, links, line))
        elif t.type in ("code_block", "fence"):
            # over-indented sub-bullets become a code block: parse them as Markdown
            sub = _md().parse(t.content)
            off = line_offset + (t.map[0] + (1 if t.type == "fence" else 0) if t.map else 0)
            out.extend(_item_fields(sub, off))
        del j
    return out


def _looks_like_fields(tokens: list[Token]) -> bool:
    fields = _item_fields(tokens, 0)
    return bool(fields) and sum(1 for f in fields if f.kind != "note") >= max(1, len(fields) // 2)


#: The exporter's default line under a section with no papers (`list.empty_section`).
DEFAULT_EMPTY_SECTION = ListSettings().empty_section


def _plain_md(text: str) -> str:
    """Plain text of one Markdown paragraph, whitespace collapsed (emphasis markers dropped)."""
    tokens = _md().parse(text)
    out = " ".join(_inline_plain(t.children or [])[0] for t in tokens if t.type == "inline")
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
    tokens = _md().parse(text)

    # pass 1: headings, items, other blocks, in document order (top level and list level)
    headings: list[tuple[int, int, str, int]] = []  # (token index, level, title, line)
    raw_items: list[dict[str, Any]] = []
    blocks: list[tuple[int, Token, int]] = []  # top-level non-heading blocks: (index, token, end)
    i = 0
    n = len(tokens)
    last_item: dict[str, Any] | None = None
    while i < n:
        t = tokens[i]
        if t.type == "heading_open":
            inline = tokens[i + 1]
            title, _ = _inline_plain(inline.children or [])
            headings.append((i, int(t.tag[1]), _heading_title(title), (t.map[0] + 1) if t.map else 0))
            last_item = None
            i = _block_end(tokens, i)
            continue
        if t.type in ("ordered_list_open", "bullet_list_open"):
            end = _block_end(tokens, i)
            found = _collect_items(tokens, i, end, raw_items)
            if found:
                last_item = raw_items[-1]
            elif t.type == "bullet_list_open" and last_item is not None and _looks_like_fields(tokens[i + 1 : end - 1]):
                # sub-bullets written without indentation: they belong to the item above
                last_item["fields"].extend(_item_fields(tokens[i + 1 : end - 1], 0))
            else:
                blocks.append((i, t, end))
                last_item = None
            i = end
            continue
        end = _block_end(tokens, i)
        blocks.append((i, t, end))
        if t.type not in ("hr", "html_block"):
            last_item = None
        i = end

    if not raw_items:
        if not headings:
            raise InputError(
                "does not look like an awesome-list README: no headings and no list items with a bold title",
                "pass the Markdown list (numbered items such as `1. **Title**` with sub-bullets)",
                path=path,
            )
        raise InputError(
            "has no paper items: no list item starts with a bold title (`1. 📜 **Title**`)",
            "check that this is the awesome-list README; each paper must be a list item with a bold title",
            path=path,
        )

    # pass 2: section structure
    def stack_at(tok_index: int) -> list[tuple[int, int, str, int]]:
        stack: list[tuple[int, int, str, int]] = []
        for h in headings:
            if h[0] > tok_index:
                break
            while stack and stack[-1][1] >= h[1]:
                stack.pop()
            stack.append(h)
        return stack

    item_stacks = [stack_at(it["index"]) for it in raw_items]
    prefix = list(item_stacks[0])
    for st in item_stacks[1:]:
        k = 0
        while k < min(len(prefix), len(st)) and prefix[k] == st[k]:
            k += 1
        prefix = prefix[:k]
    if prefix and all(len(st) == len(prefix) for st in item_stacks):
        # every item sits directly under the same heading: that heading is the (only) section
        prefix = prefix[:-1]
    wrapper = prefix[-1] if prefix else None
    first_item_index = raw_items[0]["index"]
    last_item_index = raw_items[-1]["index"]
    if wrapper is not None:
        scope_start = wrapper[0]
        scope_end = next((h[0] for h in headings if h[0] > wrapper[0] and h[1] <= wrapper[1]), n)
    else:
        top = item_stacks[0][0] if item_stacks[0] else None
        scope_start = top[0] if top else first_item_index
        last_stack = item_stacks[-1]
        scope_end = n
        if last_stack:
            lvl = last_stack[0][1]
            scope_end = next((h[0] for h in headings if h[0] > last_item_index and h[1] <= lvl), n)
    skip = {h for h in prefix}
    section_heads = [h for h in headings if scope_start <= h[0] < scope_end and h not in skip]
    sections: list[Heading] = []
    path_of: dict[int, tuple[str, ...]] = {}
    stack2: list[tuple[int, str]] = []
    for h in section_heads:
        while stack2 and stack2[-1][0] >= h[1]:
            stack2.pop()
        stack2.append((h[1], h[2]))
        p = tuple(x[1] for x in stack2)
        path_of[h[0]] = p
        sections.append(Heading(h[1], h[2], h[3], p))

    # descriptions and front matter from the remaining blocks
    front: dict[str, Any] = {"badges": [], "intro": [], "introduction": []}
    descriptions: dict[int, list[str]] = {}
    notes: list[tuple[int, str]] = []
    walker = _Walker(tokens, lines)
    doc_title_index = next((h[0] for h in headings if h[1] == 1 and h[0] <= scope_start), None)
    if doc_title_index is None and headings and headings[0][0] <= scope_start:
        doc_title_index = headings[0][0]
    empty_lines = {_plain_md(x) for x in (DEFAULT_EMPTY_SECTION, empty_section) if x.strip()}
    for idx, tok, _end in blocks:
        st = stack_at(idx)
        line = (tok.map[0] + 1) if tok.map else 0
        src = walker.source(tok)
        if tok.type == "hr" or not src.strip():
            continue
        if idx >= scope_start and tok.type == "paragraph_open" and _plain_md(src) in empty_lines:
            continue  # the exporter's "no papers in this section yet" line
        if scope_start <= idx < scope_end:
            if tok.type == "html_block" or _is_toc(tokens, idx, _end) or _is_return_link(src):
                continue
            if tok.type == "paragraph_open" and re.fullmatch(r"\(.*\)", src.strip(), re.S) and not front.get("order_note"):
                front["order_note"] = src.strip()
                continue
            if tok.type == "paragraph_open" and _html_only(tokens[idx + 1]):
                continue
            owner = next((h for h in reversed(st) if h[0] in path_of), None)
            if owner is not None:
                descriptions.setdefault(owner[0], []).append(src)
                continue
            if idx > first_item_index:
                notes.append((line, src))
                continue
            # before the first section: front matter (intro, review line, citation)
        elif idx >= scope_end:
            if tok.type == "html_block" or _is_return_link(src):
                continue
            notes.append((line, src))
            continue
        # front matter
        heading_titles = [h[2].lower() for h in st if h[0] != doc_title_index]
        if tok.type == "fence" or tok.type == "code_block":
            if "@" in tok.content and not front.get("citation"):
                front["citation"] = tok.content.strip("\n")
                front["citation_line"] = line + (1 if tok.type == "fence" else 0)
            else:
                front["intro"].append(src)
            continue
        if tok.type == "html_block":
            continue
        if any(t in ("introduction", "about", "overview") for t in heading_titles):
            front["introduction"].append(src)
            continue
        if tok.type == "paragraph_open":
            inline = tokens[idx + 1]
            kids = inline.children or []
            if _is_badges(kids):
                front["badges"].extend(ln.strip() for ln in src.split("\n") if ln.strip())
                continue
            text_plain, links = _inline_plain(kids)
            if links and not front.get("review_url") and re.search(r"(?i)\b(review|survey|paper|cite|citing)\b", text_plain):
                lk = links[0]
                pre, sep, post = _split_around_link(src, lk)
                if sep:
                    # the suffix keeps its leading space (" :heart:"): it is printed right after the link
                    suffix = re.sub(r"^\s+", " ", post.rstrip()) if post.strip() else ""
                    front.update(review_line=pre.strip(), review_text=lk.text, review_url=lk.url,
                                 review_suffix=suffix, review_source=src.strip())
                    continue
        front["intro"].append(src)
    doc_title = ""
    if doc_title_index is not None:
        doc_title = next(h[2] for h in headings if h[0] == doc_title_index)

    fm = FrontMatter(
        title=doc_title,
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
    sections = [
        Heading(s.level, s.title, s.line, s.path, "\n\n".join(descriptions.get(h[0], [])))
        for s, h in zip(sections, section_heads, strict=True)
    ]
    items: list[Item] = []
    for it, st in zip(raw_items, item_stacks, strict=True):
        owner = next((h for h in reversed(st) if h[0] in path_of), None)
        items.append(Item(
            title=it["title"], line=it["line"], number=it["number"],
            section=path_of[owner[0]] if owner else (),
            fields=tuple(it["fields"]), title_note=it["title_note"], title_links=tuple(it["title_links"]),
        ))
    return ParsedList(fm, tuple(sections), tuple(items), fixed, newline, tuple(notes))


def _collect_items(tokens: list[Token], start: int, end: int, out: list[dict[str, Any]]) -> bool:
    """Append the paper items of the list tokens[start:end]; False when it has none."""
    found = False
    depth_level = tokens[start].level
    j = start + 1
    while j < end - 1:
        t = tokens[j]
        if t.type == "list_item_open" and t.level == depth_level + 1:
            item_end = _block_end(tokens, j)
            body = tokens[j + 1 : item_end - 1]
            rec = _item_record(t, body, tokens[start].type == "ordered_list_open")
            if rec is not None:
                rec["index"] = j
                out.append(rec)
                found = True
            j = item_end
            continue
        j += 1
    return found


def _item_record(li: Token, body: list[Token], ordered: bool) -> dict[str, Any] | None:
    if not body or body[0].type != "paragraph_open" or len(body) < 2 or body[1].type != "inline":
        return None
    kids = body[1].children or []
    st = _strong_title(kids)
    line = (li.map[0] + 1) if li.map else 0
    if st is None:
        if not ordered:
            return None
        # a numbered item without a bold title is still a paper: never drop an item
        text, links = _inline_plain(kids)
        lead, rest = _split_lead(text)
        title = " ".join(rest.split())
        if links and rest.strip() == links[0].text:
            title = links[0].text
        before: list[Token] = []
        after: list[Token] = []
        title_links = links
        title_note = ""
    else:
        title, before, after = st
        del before
    lazy: list[SubField] = []
    if st is not None:
        # sub-bullets without indentation after the title line are lazy continuation lines of
        # the title paragraph: split them off at the line breaks and classify each one
        chunks: list[list[Token]] = [[]]
        for t in after:
            if t.type in ("softbreak", "hardbreak"):
                chunks.append([])
            else:
                chunks[-1].append(t)
        after_text, title_links = _inline_plain(chunks[0])
        title_note = after_text.strip()
        for k, chunk in enumerate(chunks[1:], start=1):
            text, links = _inline_plain(chunk)
            text = re.sub(r"^\s*[-*+]\s+", "", text)
            if text.strip() or links:
                lazy.append(_classify(text, links, line + k))
    fields = lazy + _item_fields(body[3:], 0)
    return {
        "title": title,
        "line": line,
        "number": (li.info or "") if ordered else "",
        "fields": fields,
        "title_note": title_note,
        "title_links": list(title_links),
    }


def _html_only(inline: Token) -> bool:
    kids = inline.children or []
    return bool(kids) and all(t.type in ("html_inline", "softbreak") or (t.type == "text" and not t.content.strip())
                              for t in kids)


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
        elif t.type in ("softbreak", "hardbreak"):
            continue
        elif t.type == "text" and not t.content.strip():
            continue
        elif t.type == "text" and depth > 0:
            continue
        else:
            return False
    return has_image


def _is_toc(tokens: list[Token], start: int, end: int) -> bool:
    """A bullet list whose items are only links to anchors (#...): the table of contents."""
    if tokens[start].type != "bullet_list_open":
        return False
    hrefs = [str(t.attrGet("href") or "") for tk in tokens[start:end] if tk.type == "inline"
             for t in (tk.children or []) if t.type == "link_open"]
    return bool(hrefs) and all(h.startswith("#") for h in hrefs)


def _is_return_link(src: str) -> bool:
    return bool(re.fullmatch(r"\s*\[[^\]]*\]\(#[^)]*\)\s*", src))


def _split_around_link(src: str, link: Link) -> tuple[str, str, str]:
    m = re.search(r"\[" + re.escape(link.text) + r"\]\(\s*<?" + re.escape(link.url) + r">?[^)]*\)", src)
    if not m:
        return src, "", ""
    return src[: m.start()], m.group(0), src[m.end():]


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
        raise InputError(f"contains a NUL byte at line {line}: not a Markdown text file",
                         "remove the NUL bytes, or pass the right file", path=path, line=line)
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
