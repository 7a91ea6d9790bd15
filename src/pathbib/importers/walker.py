"""One pass over markdown-it's token stream: sections, candidate items, papers, skipped candidates (pure).

The walker follows the document's structure — headings (with `<details>` summaries as
sub-sections), lists at any depth, paragraphs, GitHub pipe tables, raw HTML tables — and asks
`recognise` about each candidate. A list item, paragraph, table row or heading becomes a paper
when it has a title and a scholarly link, a venue or a year (`recognise.is_paper`); its
sub-bullets, continuation lines and following paragraphs become its fields. A field-only bullet
list or paragraph right after a paper (sub-bullets written without indentation) belongs to it.
Every candidate that is not taken is recorded with its line and shape. Linear in the tokens.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from markdown_it.token import Token

from .htmlblocks import HtmlReader, Row
from .inline import Line, md, read_inline, split_lead, unmark
from .labels import is_label_text, is_scholarly
from .recognise import Head, find_year, is_paper, link_field, read_field_line, read_head, venue_like
from .records import Link, SubField
from .structure import HeadRec, RawItem, block_ends, column_roles, heading_text

# patterns used inside functions, compiled once
_HEADING_WITHOUT_SPACE = re.compile(r"(#{1,6})([^#\s].*)")
_LINK_REF = re.compile(r"\x05\d+\x06")
_LONE_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
_YEAR_WITH_MORE = re.compile(r"\d{4}\D+\d")

__all__ = ["Walk"]


@dataclass
class _Pending:
    rec: HeadRec
    head: Head | None
    stack: tuple[HeadRec, ...]
    items_before: int
    fields: list[SubField] = field(default_factory=list)
    blocks: list[tuple[int, Token, int, tuple[HeadRec, ...]]] = field(default_factory=list)


_NEWS = re.compile(
    r"(?i)\b(news|updates?|update (log|note)s?|change ?log|what'?s new|release notes|to-?do|"
    r"contribut\w*|how to (add|cite)|citations?|cite|acknowledge?ments?|licen[cs]e|star history)\b"
)
_BARE_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_YEAR_ONLY = re.compile(r"(19|20)\d\d")


class Walk:
    """Walk the tokens once; results in `items`, `headings`, `blocks`, `skipped`, `paper_headings`."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.ends = block_ends(tokens)
        self.stack: list[HeadRec] = []
        self.details: list[HeadRec] = []
        self.headings: list[HeadRec] = []
        self.paper_headings: set[HeadRec] = set()
        self.items: list[RawItem] = []
        self.blocks: list[tuple[int, Token, int, tuple[HeadRec, ...]]] = []
        self.skipped: list[tuple[int, str, str]] = []
        self.list_candidates = 0  # link-bearing list items
        self.list_papers = 0
        self.list_skipped: dict[str, int] = {}
        self.last: RawItem | None = None
        self.tentative = False  # `last` is a titled item still waiting for its evidence
        self.list_indices: set[int] = set()
        self.context_cache: dict[HeadRec, SubField | None] = {}
        self.nested_years: set[HeadRec] = set()
        self.news_cache: dict[HeadRec, bool] = {}
        self.pending: _Pending | None = None
        self.html = HtmlReader()
        self.header: list[str] = []
        # memos (nested lists are looked at by the parent item and again when walked themselves):
        self._inline: dict[int, list[Line]] = {}  # token index → its lines
        self._first_paper: dict[int, bool] = {}  # token index → its first line is a paper on its own
        self._fields: dict[int, tuple[Line, list[SubField]]] = {}  # id(line) → (line kept alive, its fields)
        self.run()

    def lines_of(self, k: int) -> list[Line]:
        """`read_inline(tokens[k])`, read once (the lists returned are not mutated by the walker)."""
        got = self._inline.get(k)
        if got is None:
            got = self._inline[k] = read_inline(self.tokens[k])
        return got

    def fields_of(self, ln: Line) -> list[SubField]:
        """`read_field_line(ln)`, read once per line object."""
        got = self._fields.get(id(ln))
        if got is None or got[0] is not ln:
            got = self._fields[id(ln)] = (ln, read_field_line(ln))
        return got[1]

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        tokens = self.tokens
        i, n = 0, len(tokens)
        while i < n:
            t = tokens[i]
            end = self.ends[i]
            if t.type == "heading_open":
                self.heading(i, int(t.tag[1]), read_inline(tokens[i + 1]), (t.map[0] + 1) if t.map else 0)
            elif t.type == "paragraph_open":
                self.paragraph(i, t, end)
            elif t.type in ("bullet_list_open", "ordered_list_open"):
                self.top_list(i, t, end)
            elif t.type == "table_open":
                self.table(i, end)
                self.block(i, t, end)
            elif t.type == "html_block":
                self.html_block(i, t)
            else:
                if t.type not in ("hr",):
                    self.last = None
                self.block(i, t, end)
            i = end
        self.finish_pending()

    def snapshot(self) -> tuple[HeadRec, ...]:
        return tuple(self.stack)

    def block(self, i: int, t: Token, end: int) -> None:
        if self.pending is not None and t.type in ("paragraph_open", "html_block", "hr"):
            self.pending.blocks.append((i, t, end, self.snapshot()))
        else:
            self.blocks.append((i, t, end, self.snapshot()))

    def unskip_from(self, line: int) -> None:
        """Forget the candidates recorded from `line` on: they turned out to be a paper's fields."""
        while self.skipped and self.skipped[-1][0] >= line > 0:
            popped = self.skipped.pop()
            if popped[1] in self.list_skipped:
                self.list_skipped[popped[1]] = max(0, self.list_skipped[popped[1]] - 1)

    def skip(self, line: int, shape: str, lines: list[Line], in_list: bool) -> None:
        text = " ".join(" ".join(ln.plain() for ln in lines).split())
        self.skipped.append((line, shape, text[:100]))
        if in_list:
            self.list_skipped[shape] = self.list_skipped.get(shape, 0) + 1

    # ------------------------------------------------------------------ headings
    def heading(self, i: int, level: int, lines: list[Line], line: int) -> None:
        """A Markdown heading of `level` (1-6); stored at level 2 × `level` (see `HeadRec`)."""
        adjacent = (
            self.pending is not None
            and not self.pending.blocks
            and not self.pending.fields
            and len(self.items) == self.pending.items_before
        )
        self.finish_pending(2 * level)
        self.last = None
        title = heading_text(lines)
        level *= 2  # internal levels are doubled: a sub-section that Markdown puts at the same level gets +1
        if _YEAR_ONLY.fullmatch(title) and self.stack:
            # "## Avatars:" then "## 2024:" at the same level: the year is a sub-section of the topic
            top = self.stack[-1]
            if (top[1] == level and adjacent and not _YEAR_ONLY.fullmatch(top[2])) or (
                top in self.nested_years and top[1] == level + 1
            ):
                level += 1
                self.nested_years.add((i, level, title, line))
        rec = (i, level, title, line)
        while self.stack and self.stack[-1][1] >= level:
            popped = self.stack.pop()
            if popped in self.details:
                self.details.remove(popped)
        before = self.snapshot()
        self.stack.append(rec)
        self.headings.append(rec)
        self.pending = _Pending(rec, read_head(lines), before, len(self.items))

    def finish_pending(self, next_level: int = 0) -> None:
        """Decide whether the heading just closed is a paper (`### 12. Title` + authors + links)."""
        p, self.pending = self.pending, None
        if p is None:
            return
        h = p.head
        body_links = [lk for f in p.fields for lk in f.links]
        authors = any(f.kind == "authors" and f.label for f in p.fields)
        leaf = next_level <= p.rec[1]  # the next heading is not its child
        paper_link = any(
            f.kind == "pdf" and is_label_text(f.label) and is_scholarly(lk.url)
            for f in p.fields
            for lk in f.links
        )
        if (
            h is not None
            and len(self.items) == p.items_before
            and body_links
            and (
                authors
                or (h.number and is_paper(h.title, p.fields, ()))
                or (leaf and paper_link and p.rec[1] >= 6)
            )
        ):
            self.paper_headings.add(p.rec)
            self.unskip_from(p.rec[3])  # its `**Authors**:` line and link line are its fields
            if self.stack and self.stack[-1] == p.rec:
                self.stack.pop()
            self.items.append(
                RawItem(
                    p.rec[0],
                    h.title,
                    p.rec[3],
                    h.number,
                    h.fields + p.fields,
                    h.title_note,
                    h.title_links,
                    p.stack,
                    "heading per paper",
                )
            )
            return
        self.blocks.extend(p.blocks)

    # ------------------------------------------------------------------ paragraphs
    def paragraph(self, i: int, t: Token, end: int) -> None:
        inline = self.tokens[i + 1]
        m = _HEADING_WITHOUT_SPACE.fullmatch(inline.content.strip())
        if m and "\n" not in inline.content.strip():  # "#2 Deep Learning Method": a heading without its space
            self.heading(i, len(m.group(1)), read_inline(inline), (t.map[0] + 1) if t.map else 0)
            self.headings[-1] = (
                i,
                self.headings[-1][1],
                " ".join(m.group(2).split()).rstrip(":"),
                self.headings[-1][3],
            )
            rec = self.headings[-1]
            self.stack[-1] = rec
            assert self.pending is not None
            self.pending.rec = rec
            return
        lines = read_inline(inline)
        prev = (self.last, self.tentative)
        if self.candidate(i, lines, "", in_list=False, body=[], plain_ok=False):
            return
        if self.last is not None:  # a title waiting for its links (`**Title**` then `- Paper: url`)
            self.block(i, t, end)
            return
        self.last, self.tentative = prev
        if (
            self.last is not None
            and not (self.tentative and self.last.index in self.list_indices)
            and self.attach(lines)
        ):
            self.unskip_from(lines[0].line)
            return  # (a paragraph after a list completes no list item: "- Added 3 papers" + a date)
        if self.pending is not None:
            self.pending.fields.extend(f for ln in lines for f in read_field_line(ln))
        self.last = None
        self.block(i, t, end)

    def attach(self, lines: list[Line]) -> bool:
        """Fields written after a paper without indentation: keep them on the paper."""
        if any(p.url.startswith("#") for ln in lines for p in ln.pieces):
            return False
        fields = [f for ln in lines for f in read_field_line(ln)]
        if not fields or sum(1 for f in fields if f.kind != "note") < max(1, (len(fields) + 1) // 2):
            return False
        last = self.last
        assert last is not None
        if self.tentative:
            if not is_paper(last.title, last.fields + fields, last.title_links):
                return False
            self.items.append(last)
            self.list_papers += last.index in self.list_indices
            for blocks in (self.blocks, self.pending.blocks if self.pending else []):
                if blocks and blocks[-1][0] == last.index:
                    blocks.pop()
            self.skipped = [sk for sk in self.skipped if sk[0] != last.line]
            self.tentative = False
        last.fields.extend(fields)
        return True

    # ------------------------------------------------------------------ candidates
    def candidate(
        self,
        i: int,
        lines: list[Line],
        number: str,
        *,
        in_list: bool,
        body: list[SubField],
        shape_prefix: str = "",
        plain_ok: bool = True,
        head: Head | None = None,
    ) -> bool:
        """Take `lines` (+ body fields) as a paper if they are one; else record why not.

        `head`: `read_head(lines)` when the caller has it already."""
        line = lines[0].line if lines else 0
        pieces = [p for ln in lines for p in ln.pieces]
        has_link = any(p.url or p.src for p in pieces)
        head = head if head is not None else read_head(lines)
        if head is not None and not plain_ok and head.shape == "plain title":
            head = None
        if (
            pieces
            and all(p.url.startswith("#") for p in pieces if p.url or p.src)
            and any(p.url for p in pieces)
        ):
            head = None  # links to anchors only: the table of contents
        if head is not None and self.in_news():
            self.last, self.tentative = None, False
            self.skip(line, shape_prefix + "news / contributing section", lines, in_list and has_link)
            return False
        paper = head is not None and is_paper(head.title, head.fields + body, head.title_links)
        if head is not None and not paper:
            ctx = self.context() if pieces else None  # under a venue or year heading ("### ICLR 2024")
            if ctx is not None and is_paper(head.title, [ctx], ()):
                body = [*body, ctx]
                paper = is_paper(head.title, head.fields + body, head.title_links)
        self.last, self.tentative = None, False
        if head is not None:
            item = RawItem(
                i,
                head.title,
                line,
                number or head.number,
                head.fields + body,
                head.title_note,
                head.title_links,
                self.snapshot(),
                shape_prefix + head.shape,
            )
            if paper:
                self.items.append(item)
                self.last = item
                return True
            # a title whose evidence may follow (sub-bullets without indentation)
            self.last, self.tentative = item, True
        plain = " ".join(ln.plain() for ln in lines).strip()
        starts_bold = split_lead(lines[0].marked)[1].startswith("\x01") if lines else False
        if not has_link and not starts_bold:
            return False
        if pieces and all(p.url.startswith("#") for p in pieces if p.url) and any(p.url for p in pieces):
            shape = "table-of-contents link"
        elif head is not None:
            shape = "no scholarly link, venue or year"
        elif pieces and not unmark(_LINK_REF.sub("", "".join(ln.marked for ln in lines)), []).strip():
            shape = "links or badges only"
        else:
            shape = "labelled line" if ":" in plain[:40] else "no title"
        self.skip(line, shape_prefix + shape, lines, in_list and has_link)
        return False

    def in_news(self) -> bool:
        """True under a heading (or `<details>` summary) for news, updates, contributing, citation."""
        for rec in self.stack:
            if rec not in self.news_cache:
                self.news_cache[rec] = bool(_NEWS.search(rec[2]))
            if self.news_cache[rec]:
                return True
        return False

    def context(self) -> SubField | None:
        """The venue or year the nearest enclosing heading names, as a field labelled "section"."""
        for rec in reversed(self.stack):
            if rec in self.context_cache:
                f = self.context_cache[rec]
            else:
                title = rec[2]
                f = None
                if len(title.split()) <= 6:
                    if venue_like(title):
                        f = SubField("venue", "section", title, (), rec[3])
                    elif find_year(title) and _LONE_YEAR.search(title):
                        f = SubField("year", "section", find_year(title), (), rec[3])
                self.context_cache[rec] = f
            if f is not None:
                return f
        return None

    # ------------------------------------------------------------------ lists
    def top_list(self, i: int, t: Token, end: int) -> None:
        before = len(self.items)
        last, tentative = self.last, self.tentative
        field_lines = self.walk_list(i, end, t.type == "ordered_list_open")
        if len(self.items) > before:
            return
        if last is not None:
            self.last, self.tentative = last, tentative
            if self.attach(field_lines):
                self.unskip_from(field_lines[0].line if field_lines else 0)
                return
        if self.pending is not None:
            self.pending.fields.extend(f for ln in field_lines for f in read_field_line(ln))
        self.last = None
        self.blocks.append((i, t, end, self.snapshot()))

    def walk_list(self, start: int, end: int, ordered: bool) -> list[Line]:
        """Papers of one list (recursing into non-paper items); returns every item's lines."""
        tokens = self.tokens
        all_lines: list[Line] = []
        j = start + 1
        while j < end - 1:
            li = tokens[j]
            li_end = self.ends[j]
            if li.type != "list_item_open":
                j = li_end
                continue
            k = j + 1
            head_lines: list[Line] = []
            if k < li_end and tokens[k].type == "paragraph_open":
                head_lines = self.lines_of(k + 1)
                k = self.ends[k]
            body, sub_lists = self.item_body(k, li_end - 1)
            all_lines.extend(head_lines)
            all_lines.extend(ln for _s, _e, lines in sub_lists for ln in lines)
            link_bearing = any(p.url and not p.url.startswith("#") for ln in head_lines for p in ln.pieces)
            self.list_indices.add(j)
            fields = [f for ln in body for f in self.fields_of(ln)]
            sub_fields = [f for _s, _e, lines in sub_lists for ln in lines for f in self.fields_of(ln)]
            number = (li.info or "") if ordered else ""
            own = read_head(head_lines) if head_lines else None
            taken = False
            if own is not None and is_paper(own.title, own.fields + fields, own.title_links):
                taken = self.candidate(
                    j, head_lines, number, in_list=True, body=fields + sub_fields, head=own
                )
            elif head_lines and not any(self.has_paper(s, e) for s, e, _l in sub_lists):
                taken = self.candidate(
                    j, head_lines, number, in_list=True, body=fields + sub_fields, head=own
                )
            if taken:
                self.list_papers += 1
            else:
                for s, e, _lines in sub_lists:
                    self.walk_list(s, e, tokens[s].type == "ordered_list_open")
            self.list_candidates += link_bearing or taken
            j = li_end
        return all_lines

    def has_paper(self, start: int, end: int) -> bool:
        """True when some item of the list tokens[start:end] is a paper on its own (its first line)."""
        for x in range(start, end):
            t = self.tokens[x]
            if t.type == "inline" and self.tokens[x - 1].type == "paragraph_open":
                known = self._first_paper.get(x)
                if known is None:
                    h = read_head(self.lines_of(x)[:1])
                    known = self._first_paper[x] = h is not None and is_paper(
                        h.title, h.fields, h.title_links
                    )
                if known:
                    return True
        return False

    def item_body(self, k: int, stop: int) -> tuple[list[Line], list[tuple[int, int, list[Line]]]]:
        """Paragraph lines and nested lists (with all their lines) of one list item's body."""
        tokens = self.tokens
        body: list[Line] = []
        subs: list[tuple[int, int, list[Line]]] = []
        while k < stop:
            t = tokens[k]
            e = self.ends[k]
            if t.type == "paragraph_open":
                body.extend(self.lines_of(k + 1))
            elif t.type in ("bullet_list_open", "ordered_list_open"):
                subs.append(
                    (k, e, [ln for x in range(k, e) if tokens[x].type == "inline" for ln in self.lines_of(x)])
                )
            elif t.type in ("code_block", "fence"):
                # over-indented sub-bullets become a code block: read them as Markdown
                off = (t.map[0] + (1 if t.type == "fence" else 0)) if t.map else 0
                body.extend(
                    ln
                    for x in md().parse(textwrap.dedent(t.content))
                    if x.type == "inline"
                    for ln in read_inline(x, off)
                )
            elif t.type == "html_block":
                for ev in self.html.read(t.content, (t.map[0] + 1) if t.map else 0):
                    if ev[0] == "inline" and ev[2]:
                        body.append(
                            Line(f"{ev[1]}: {ev[2]}" if ev[1] else ev[2], (t.map[0] + 1) if t.map else 0)
                        )
            k = e
        return body, subs

    # ------------------------------------------------------------------ tables
    def table(self, i: int, end: int) -> None:
        tokens = self.tokens
        header: list[str] = []
        row: Row | None = None
        for x in range(i, end):
            t = tokens[x]
            if t.type == "tr_open":
                row = Row(line=(t.map[0] + 1) if t.map else 0)
            elif t.type == "inline" and row is not None:
                row.cells.append(read_inline(t))
            elif t.type in ("th_open",) and row is not None:
                row.header = True
            elif t.type == "tr_close" and row is not None:
                if row.header:
                    header = [" ".join(ln.plain() for ln in c) for c in row.cells]
                else:
                    self.row(x, row, header)
                row = None

    def row(self, i: int, row: Row, header: list[str]) -> None:
        roles = column_roles(header)
        tk = next((k for k, r in roles.items() if r == "title"), None)
        if header and tk is None:  # a header without a title / paper column: a table of datasets, tools …
            lines = [ln for c in row.cells for ln in c]
            if lines:
                self.skip(row.line, "table row: no title or paper column", lines, False)
            return
        if tk is None or tk >= len(row.cells):
            tk = next((k for k, c in enumerate(row.cells) if any(ln.plain().strip() for ln in c)), 0)
        if tk >= len(row.cells):
            return
        body: list[SubField] = []
        for k, cell in enumerate(row.cells):
            if k == tk:
                continue
            role = roles.get(k, "")
            label = header[k] if k < len(header) else ""
            for ln in cell:
                text = " ".join(unmark(_LINK_REF.sub(" ", ln.marked), ln.pieces).split()).strip(" -/|")
                body.extend(link_field(p, ln.line) for p in ln.pieces if p.url or p.src)
                if not text:
                    continue
                if role == "venue" and (venue_like(text) or find_year(text)):
                    body.append(SubField("venue", label, text, (), ln.line))
                elif role == "date":
                    body.append(
                        SubField("date" if _YEAR_WITH_MORE.search(text) else "year", label, text, (), ln.line)
                    )
                else:
                    body.append(SubField("note", label, text, (), ln.line))
        cell = row.cells[tk]
        if not self.candidate(i, cell, "", in_list=False, body=body, shape_prefix="table row: "):
            return
        item = self.items[-1]
        item.line = row.line or item.line

    # ------------------------------------------------------------------ html
    def html_block(self, i: int, t: Token) -> None:
        line = (t.map[0] + 1) if t.map else 0
        heading = False
        for kind, a, b in self.html.read(t.content, line):
            if kind == "open":
                level = (self.stack[-1][1] if self.stack else 0) + 1
                rec = (i, level, " ".join(str(a).split()).rstrip(":"), int(b))
                self.stack.append(rec)
                self.details.append(rec)
                self.headings.append(rec)
            elif kind == "close" and self.details:
                d = self.details.pop()
                while self.stack and self.stack[-1] != d:
                    self.stack.pop()
                if self.stack:
                    self.stack.pop()
            elif kind == "inline" and b:
                target = (
                    self.pending.fields
                    if self.pending is not None
                    else (self.last.fields if self.last is not None else None)
                )
                if target is not None:  # an abstract: its text, and any URL written in it as a link
                    urls = dict.fromkeys(u.rstrip(".,;") for u in _BARE_URL.findall(str(b)))
                    target.append(SubField("note", str(a), str(b), tuple(Link("", u) for u in urls), line))
            elif kind == "heading" and str(b).strip():  # `<h2 id="x">Technique</h2>`
                self.heading(i, int(a), [Line(" ".join(str(b).split()), line)], line)
                heading = True
            elif kind == "row":
                assert isinstance(a, Row)
                if a.header:
                    self.header = [" ".join(ln.plain() for ln in c) for c in a.cells]
                else:
                    self.row(i, a, self.header)
        if heading:  # the block is the heading itself, not a body under it
            self.blocks.append((i, t, self.ends[i], self.snapshot()))
        else:
            self.block(i, t, self.ends[i])
