"""`pathbib fmt`: rewrite library.bib in the canonical style (pure core).

The style (documented in docs/fmt.md): entry types lower-case; `@type{key,` on the first line;
one field per line, indented two spaces, `name = {value},` with a trailing comma; fields in
`bibio.CANONICAL_FIELD_ORDER`, others after them in their original order; `"..."` values
and bare numbers become `{...}`; @string macros and `#` concatenations stay as written;
exactly one blank line between blocks; the file ends with one newline. Comments,
@string, @preamble and failed blocks are kept as written (surrounding blank lines aside);
an entry with `%` comments between its fields is kept as written too, since re-rendering
it would drop the comments. Formatting changes layout only: the parsed values are identical
before and after, apart from the delimiter normalisations above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .bibio import entry_has_comments, format_entry, render
from .model import Block, Comment, Entry, FailedBlock, Library

_BLANK_RUN = re.compile(r"\r?\n(?:[ \t]*\r?\n){2,}")
_COMMENT_BLOCK = re.compile(r"@[ \t]*comment[ \t\r\n]*[{(]", re.I)


@dataclass(frozen=True)
class FmtResult:
    text: str  # the formatted library
    changed_keys: tuple[str, ...]  # entries whose text changes
    changed: bool  # whether the file text changes at all
    changed_lines: tuple[int, ...] = ()  # source line of each entry in `changed_keys`
    kept_keys: tuple[str, ...] = ()  # entries left as written (they hold %-comments)


def format_text(lib: Library) -> FmtResult:
    """Return the canonical text of `lib` and which entries it changes."""
    formatted = format_library(lib)
    text = render(formatted)
    before = {b.key: b for b in lib.entries}
    changed = [
        before[b.key]
        for b in formatted.entries
        if isinstance(b, Entry) and b.key in before and before[b.key].raw != b.raw
    ]
    kept = tuple(b.key for b in lib.entries if entry_has_comments(b))
    return FmtResult(
        text,
        tuple(e.key for e in changed),
        text != render(lib),
        tuple(e.line for e in changed),
        kept,
    )


def format_library(lib: Library) -> Library:
    """Return `lib` in the canonical style: every entry re-rendered, one blank line between blocks."""
    nl = lib.newline
    blocks: list[Block] = []
    for b in lib.blocks:
        if isinstance(b, Comment) and not (b.raw is not None and _COMMENT_BLOCK.match(b.raw)):
            text = b.text.strip("\r\n\t ")
            if not text:
                continue
            text = _BLANK_RUN.sub(nl + nl, text)  # at most one blank line inside free text too
            blocks.append(Comment(text, b.line, text))
            continue
        if isinstance(b, Entry):
            # an entry with %-comments between its fields is kept as written: re-rendering would drop them
            blocks.append(b if entry_has_comments(b) else replace(b, raw=format_entry(b, nl)))
        elif isinstance(b, FailedBlock):
            blocks.append(replace(b, raw_text=b.raw_text.rstrip("\r\n\t ")))
        else:
            blocks.append(b)
    sep = nl + nl
    out_blocks: list[Block] = []
    for i, b in enumerate(blocks):
        if i:
            out_blocks.append(Comment(sep, 0, sep))
        out_blocks.append(b)
    if out_blocks:
        out_blocks.append(Comment(nl, 0, nl))
    return replace(lib, blocks=tuple(out_blocks))
