"""`pathbib fmt`: rewrite library.bib in the canonical style (pure core).

The style: entry types lower-case; `@type{key,` on the first line; one field per line,
indented two spaces, `name = {value},` with a trailing comma; fields in
`bibio.CANONICAL_FIELD_ORDER`, others after them in their original order; `"..."` values
and bare numbers become `{...}`; @string macros and `#` concatenations stay as written;
exactly one blank line between blocks; the file ends with one newline. Comments,
@string, @preamble and failed blocks are kept as written (surrounding blank lines aside).
Formatting changes layout only: the parsed values are identical before and after.
"""

from __future__ import annotations

from dataclasses import dataclass

from .bibio import format_library, parse, render
from .model import Entry, Library


@dataclass(frozen=True)
class FmtResult:
    text: str  # the formatted library
    changed_keys: tuple[str, ...]  # entries whose text changes
    changed: bool  # whether the file text changes at all


def format_text(lib: Library) -> FmtResult:
    """Return the canonical text of `lib` and which entries it changes."""
    formatted = format_library(lib)
    text = render(formatted)
    before = {b.key: b.raw for b in lib.entries}
    changed = tuple(
        b.key for b in formatted.entries if isinstance(b, Entry) and before.get(b.key) != b.raw
    )
    return FmtResult(text, changed, text != render(lib))


def reparse(text: str, path: str = "") -> Library:
    return parse(text, path)
