"""Inline Markdown (markdown-it tokens) → lines of pieces: text with emphasis, links, badges (pure).

A list item, paragraph, heading or table cell is read as `Line`s (split at soft/hard breaks and
`<br>`). Each line is a list of `Piece`s and a *marked* string in which emphasis and links are
replaced by control characters, so that the per-item recognisers (`recognise`) can look at the
shape of one line ("bold, then a colon, then a quote") without re-parsing Markdown:

    \\x01 … \\x02   strong        \\x03 … \\x04   emphasis        \\x05N\\x06   the N-th link/image
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from types import ModuleType
from typing import Any

from markdown_it import MarkdownIt, rules_inline
from markdown_it import helpers as md_helpers
from markdown_it.common.utils import unescapeAll
from markdown_it.helpers.parse_link_destination import _Result as _DestinationResult
from markdown_it.helpers.parse_link_destination import parseLinkDestination
from markdown_it.parser_inline import ParserInline
from markdown_it.token import Token
from markdown_it.utils import EnvType

__all__ = [
    "md",
    "md_for",
    "Piece",
    "Line",
    "read_inline",
    "inline_plain",
    "split_lead",
    "unmark",
    "STRONG",
    "EM",
    "LINK",
]

STRONG = ("\x01", "\x02")
EM = ("\x03", "\x04")
LINK = ("\x05", "\x06")
_MARKS = re.compile(r"[\x01-\x04]|\x05\d+\x06")


@dataclass(slots=True)
class Piece:
    """A link (`url`) or an image (`src`, `alt`); a linked badge has both `url` and `src`."""

    text: str  # link text (plain) or an image's alt text
    url: str = ""
    src: str = ""
    alt: str = ""


@dataclass(slots=True)
class Line:
    marked: str
    line: int  # 1-based source line
    pieces: list[Piece] = field(default_factory=list)

    def plain(self) -> str:
        """Plain text of the line: emphasis dropped, link text kept."""
        return unmark(self.marked, self.pieces)


def unmark(marked: str, pieces: list[Piece]) -> str:
    """Plain text of a marked string (links become their text, images their alt text)."""
    if "\x05" not in marked:  # no link: only the emphasis marks go (as the pattern below would drop them)
        return marked.replace("\x01", "").replace("\x02", "").replace("\x03", "").replace("\x04", "")

    def sub(m: re.Match[str]) -> str:
        s = m.group(0)
        if s.startswith(LINK[0]):
            return pieces[int(s[1:-1])].text
        return ""

    return _MARKS.sub(sub, marked)


#: A URL that markdown-it's `normalizeLink` returns unchanged: http(s), a lower-case ASCII host name
#: (labels of 1-63 letters, digits, hyphens), then only characters `mdurl.encode` keeps as they are
#: (letters, digits, `;/?:@&=+$,-_.!~*'()#`, and `%` followed by two hex digits).
_PLAIN_URL = re.compile(
    r"https?://[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*"
    r"(?:/(?:[A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]|%[0-9A-Fa-f]{2})*)?"
)


class _MarkdownIt(MarkdownIt):
    """markdown-it with a fast path in `normalizeLink` (most links of a paper list need no encoding)
    and one in the inline parser (`_QuickInline`)."""

    def __init__(self, config: str = "commonmark") -> None:
        super().__init__(config)
        self.inline.__class__ = _QuickInline  # (the same parser object: its rules and settings stay)
        self.helpers = _HELPERS

    def normalizeLink(self, url: str) -> str:
        if len(url) < 2000 and _PLAIN_URL.fullmatch(url):
            return url  # (the general path parses, re-encodes and formats it back to the same string)
        return super().normalizeLink(url)


# no space, control character, parenthesis, backslash
_PLAIN_DESTINATION = re.compile(r"[^\x00-\x20\x7f()\\]*")


def _link_destination(string: str, pos: int, maximum: int) -> Any:
    """markdown-it's `parseLinkDestination`, with a shortcut for a destination without `<…>`, parentheses or
    backslashes: it ends at the first space, control character or `)` (the general loop's result)."""
    if pos < maximum and string[pos] != "<":
        end = _PLAIN_DESTINATION.match(string, pos, maximum).end()  # type: ignore[union-attr]
        if end > pos and (end == maximum or string[end] not in "(\\"):
            res = _DestinationResult()
            res.str, res.pos, res.ok = unescapeAll(string[pos:end]), end, True
            return res
    return parseLinkDestination(string, pos, maximum)


_HELPERS = ModuleType("pathbib_markdown_helpers", "markdown-it's link helpers, `parseLinkDestination` faster")
_HELPERS.__dict__.update(vars(md_helpers), parseLinkDestination=_link_destination)


# The characters at which each of markdown-it's inline rules can start (read from its rules); the
# `text` rule takes everything else. `_QuickInline` relies on it only for a chain of these rules.
_INLINE_STARTS: dict[object, str] = {
    rules_inline.text: "",
    rules_inline.linkify: ":",
    rules_inline.newline: "\n",
    rules_inline.escape: "\\",
    rules_inline.backtick: "`",
    rules_inline.strikethrough.tokenize: "~",
    rules_inline.emphasis.tokenize: "*_",
    rules_inline.link: "[",
    rules_inline.image: "!",
    rules_inline.autolink: "<",
    rules_inline.html_inline: "<",
    rules_inline.entity: "&",
}
#: post-processing rules that change nothing in a run of plain text
_INLINE_AFTER = {
    rules_inline.link_pairs,
    rules_inline.strikethrough.postProcess,
    rules_inline.emphasis.postProcess,
    rules_inline.fragments_join,
}


class _QuickInline(ParserInline):
    """markdown-it's inline parser; text in which none of its rules can start is one `text` token.

    (markdown-it gives exactly that: the `text` rule and the pending buffer collect every character
    of such a text, and the post-processing rules have no delimiter to work on.) perf: a list's
    `Authors: …`, `Date: …` and plain headings skip the per-character rule loop."""

    _chain: tuple[list[Any], list[Any], re.Pattern[str] | None] | None = None

    def parse(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> list[Token]:
        if src and (special := self._starts()) is not None and special.search(src) is None:
            token = Token("text", "", 0)
            token.content = src
            tokens.append(token)
            return tokens
        return super().parse(src, md, env, tokens)

    def _starts(self) -> re.Pattern[str] | None:
        """A pattern of the characters where an active rule can start; None when a rule is not known."""
        rules, after = self.ruler.getRules(""), self.ruler2.getRules("")
        chain = self._chain
        if chain is None or chain[0] is not rules or chain[1] is not after:  # (the rulers rebuild on change)
            known = all(r in _INLINE_STARTS for r in rules) and all(r in _INLINE_AFTER for r in after)
            chars = "".join(_INLINE_STARTS.get(r, "") for r in rules)
            chain = self._chain = (
                rules,
                after,
                re.compile(f"[{re.escape(chars)}]") if known and chars else None,
            )
        return chain[2]


@lru_cache(maxsize=1)
def md() -> MarkdownIt:
    """The Markdown parser: CommonMark plus GitHub pipe tables."""
    return _MarkdownIt("commonmark").enable("table")


# perf: markdown-it tries every block rule at the start of every line (and the paragraph
# terminators on every continuation line), every inline rule at every punctuation mark. Each rule
# below can only match where the text contains what its code looks for first (read from
# markdown-it-py's rules): a rule whose condition fails on the whole text returns False everywhere
# in it, so a parser without it gives the same tokens (tests/test_import_scale.py compares them).
_HR_LINE = re.compile(r"([-*_])[ \t]*\1[ \t]*\1[ \t]*$", re.M)  # `***`, `- - -`: 3 markers end a line
_UNDERLINE_END = re.compile(r"[-=][ \t]*$", re.M)  # a setext underline ends its line with `-` or `=`
_RULE_NEEDS: tuple[tuple[str, Callable[[str], object]], ...] = (
    ("table", lambda s: "|" in s),  # the header row holds a `|`
    ("fence", lambda s: "```" in s or "~~~" in s),
    ("blockquote", lambda s: ">" in s),
    ("hr", _HR_LINE.search),
    ("reference", lambda s: "]:" in s),  # `[label]: url`
    ("html_block", lambda s: "<" in s),
    ("lheading", _UNDERLINE_END.search),
    ("html_inline", lambda s: "<" in s),
    ("autolink", lambda s: "<" in s),
    ("entity", lambda s: "&" in s),
    ("backticks", lambda s: "`" in s),
    ("escape", lambda s: "\\" in s),
    # (core) joins the `text_special` tokens that only `escape` and `entity` make; every other run of
    # text is one token already (the inline parser's `fragments_join` merged it)
    ("text_join", lambda s: "\\" in s or "&" in s),
)


def md_for(text: str) -> MarkdownIt:
    """`md()` without the rules that cannot match anywhere in `text`: the same tokens for `text`, faster."""
    if "\r" in text:  # (markdown-it reads CR as a line end; the line patterns above do not)
        return md()
    return _md_without(tuple(name for name, needed in _RULE_NEEDS if not needed(text)))


@lru_cache(maxsize=64)
def _md_without(rules: tuple[str, ...]) -> MarkdownIt:
    parser = _MarkdownIt("commonmark").enable("table")
    return parser.disable(list(rules)) if rules else parser


class _TagReader(HTMLParser):
    """One inline HTML tag → (name, attrs, is_end); the standard library's tokenizer."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[tuple[str, dict[str, str], bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append((tag, {k: v or "" for k, v in attrs}, False))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.out.append((tag, {}, True))

    def handle_data(self, data: str) -> None:
        self.out.append(("#text", {"text": data}, False))


def html_tags(html: str) -> list[tuple[str, dict[str, str], bool]]:
    """The tags (and `#text` runs) of an HTML fragment, in order."""
    r = _TagReader()
    r.feed(html)
    r.close()
    return r.out


class _Builder:
    __slots__ = ("lines", "cur", "link", "src_line")

    def __init__(self, first_line: int) -> None:
        self.cur = Line("", first_line)  # the last of `lines`
        self.lines: list[Line] = [self.cur]
        self.link: tuple[str, int, list[Piece]] | None = None  # (href, start offset, images)
        self.src_line = first_line

    def text(self, s: str) -> None:
        if "\x05" in s or "\x06" in s:
            s = s.replace("\x05", "").replace("\x06", "")
        self.cur.marked += s

    def mark(self, m: str) -> None:
        self.cur.marked += m

    def brk(self, newline: bool) -> None:
        m = self.cur.marked
        if (
            self.link is not None
            or m.count(STRONG[0]) > m.count(STRONG[1])
            or m.count(EM[0]) > m.count(EM[1])
        ):
            self.cur.marked += " "  # a break inside a link or a bold title: keep it on one line
            if newline:
                self.src_line += 1
            return
        if newline:
            self.src_line += 1
        self.cur = Line("", self.src_line)
        self.lines.append(self.cur)

    def open_link(self, href: str) -> None:
        if self.link is None:
            self.link = (href, len(self.cur.marked), [])

    def image(self, src: str, alt: str) -> None:
        if self.link is not None:
            self.link[2].append(Piece(alt, src=src, alt=alt))
            return
        self.add_piece(Piece(alt, src=src, alt=alt))

    def close_link(self) -> None:
        if self.link is None:
            return
        href, start, images = self.link
        self.link = None
        inner = self.cur.marked[start:]
        self.cur.marked = self.cur.marked[:start]
        text = " ".join(_MARKS.sub("", inner).split())
        img = images[0] if images else None
        if not text and img is not None:
            text = img.alt
        strong = inner.startswith(STRONG[0]) and inner.rstrip().endswith(STRONG[1])
        if strong:
            self.mark(STRONG[0])
        self.add_piece(Piece(text, url=href, src=img.src if img else "", alt=img.alt if img else ""))
        if strong:
            self.mark(STRONG[1])

    def add_piece(self, p: Piece) -> None:
        self.cur.pieces.append(p)
        self.cur.marked += f"{LINK[0]}{len(self.cur.pieces) - 1}{LINK[1]}"


def _html_inline(b: _Builder, html: str) -> None:
    for name, attrs, end in html_tags(html):
        if name == "#text":
            b.text(attrs["text"])
        elif name == "a":
            if end:
                b.close_link()
            elif attrs.get("href"):
                b.open_link(attrs["href"])
        elif name == "img" and not end:
            b.image(attrs.get("src", ""), attrs.get("alt", "") or attrs.get("title", ""))
        elif name == "br":
            b.brk(False)
        elif name in ("b", "strong"):
            b.mark(STRONG[1] if end else STRONG[0])
        elif name in ("i", "em"):
            b.mark(EM[1] if end else EM[0])


def read_inline(tok: Token, line_offset: int = 0) -> list[Line]:
    """Read an `inline` token into lines of marked text and pieces."""
    first = (tok.map[0] + 1 + line_offset) if tok.map else line_offset
    children = tok.children or []
    if len(children) == 1 and children[0].type == "text":  # plain text: what the builder below makes of it
        text = children[0].content
        return [
            Line(
                text.replace("\x05", "").replace("\x06", "") if "\x05" in text or "\x06" in text else text,
                first,
            )
        ]
    b = _Builder(first)
    for t in children:
        ty = t.type
        if ty == "text" or ty == "code_inline":
            b.text(t.content)
        elif ty == "softbreak" or ty == "hardbreak":
            b.brk(True)
        elif ty == "strong_open":
            b.mark(STRONG[0])
        elif ty == "strong_close":
            b.mark(STRONG[1])
        elif ty == "em_open":
            b.mark(EM[0])
        elif ty == "em_close":
            b.mark(EM[1])
        elif ty == "link_open":
            b.open_link(str(t.attrGet("href") or ""))
        elif ty == "link_close":
            b.close_link()
        elif ty == "image":
            b.image(str(t.attrGet("src") or ""), t.content)
        elif ty == "html_inline":
            _html_inline(b, t.content)
    b.close_link()
    return b.lines


def inline_plain(tok: Token) -> str:
    """Plain text of an inline token (all its lines joined by a space)."""
    return " ".join(ln.plain() for ln in read_inline(tok))


_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")
_PLAIN_START = frozenset("\x01\x02\x03\x04\x05\x06[(\"'*_“")


def split_lead(text: str) -> tuple[str, str]:
    """Split leading emoji / symbols / shortcodes off `text`: (lead, rest)."""
    if not text or (text[0].isalnum() and text[0] < "\U0001f000") or text[0] in _PLAIN_START:
        return "", text  # (the common case: no lead; none of these characters is skipped below)
    i = 0
    n = len(text)
    while i < n:
        m = _SHORTCODE.match(text, i)
        if m:
            i = m.end()
            continue
        c = text[i]
        cat = unicodedata.category(c)
        if (
            c.isspace()
            or cat in ("So", "Sk", "Cf", "Mn", "Me", "Cn", "Co")
            or c in "\ufe0f\u200d•·-–—|>"
            or 0x1F000 <= ord(c) <= 0x1FAFF
        ):
            i += 1
            continue
        break
    return text[:i], text[i:]
