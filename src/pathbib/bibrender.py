"""Render a `Library` back into BibTeX text (pure): unchanged blocks byte for byte, changed
entries in the canonical style (`format_entry`). Re-exported by `pathbib.bibio`."""

from __future__ import annotations

import re

from .model import Block, Comment, Entry, FailedBlock, Field, Library, Preamble, StringDef

__all__ = ["CANONICAL_FIELD_ORDER", "format_entry", "render"]

#: Field order of the canonical style; fields not listed keep their relative order after these.
CANONICAL_FIELD_ORDER: tuple[str, ...] = (
    "author",
    "editor",
    "title",
    "subtitle",
    "booktitle",
    "journal",
    "journaltitle",
    "series",
    "volume",
    "number",
    "issue",
    "pages",
    "eid",
    "articleno",
    "publisher",
    "organization",
    "institution",
    "school",
    "address",
    "location",
    "edition",
    "month",
    "year",
    "date",
    "eventdate",
    "doi",
    "eprint",
    "archiveprefix",
    "eprinttype",
    "primaryclass",
    "eprintclass",
    "isbn",
    "issn",
    "pmid",
    "pmcid",
    "url",
    "urldate",
    "note",
    "howpublished",
    "abstract",
    "keywords",
)
_ORDER = {name: i for i, name in enumerate(CANONICAL_FIELD_ORDER)}
_DIGITS = re.compile(r"\d+")


def _render_value(f: Field) -> str:
    if f.delim == "":
        if _DIGITS.fullmatch(f.value):
            return "{" + f.value + "}"
        return f.value
    return "{" + f.value + "}"


def format_entry(entry: Entry, newline: str = "\n", *, reorder: bool = True) -> str:
    """Render `entry` in the canonical style (see README, "library.bib style")."""
    fields = entry.fields
    if reorder:
        fields = tuple(sorted(fields, key=lambda f: (_ORDER.get(f.name, len(_ORDER)),)))
    lines = [f"@{entry.entry_type}{{{entry.key},"]
    for f in fields:
        lines.append(f"  {f.name} = {_render_value(f)},")
    lines.append("}")
    return newline.join(lines)


def _render_block(b: Block, newline: str) -> str:
    if isinstance(b, Entry):
        return b.raw if b.raw is not None else format_entry(b, newline)
    if isinstance(b, FailedBlock):
        return b.raw_text
    if b.raw is not None:
        return b.raw
    if isinstance(b, StringDef):
        return f"@string{{{b.name} = {_render_value(Field(b.name, b.value, b.delim))}}}"
    if isinstance(b, Preamble):
        return f"@preamble{{{b.value}}}"
    return b.text


def render(lib: Library) -> str:
    """Return the text of `lib`: unchanged blocks verbatim, changed entries canonical."""
    nl = lib.newline
    out: list[str] = []
    tail = ""  # the last few characters written, to decide on separators
    prev_fresh = False
    for b in lib.blocks:
        s = _render_block(b, nl)
        # a block new to the file (line 0) has no whitespace of its own around it; an entry changed
        # in place keeps the whitespace that surrounded it in the source (separate Comment blocks)
        fresh = b.raw is None and not isinstance(b, Comment) and b.line == 0
        if out and (fresh or prev_fresh) and not isinstance(b, Comment) and not tail.endswith(nl + nl):
            # a new block, and the block after it, start on their own line after a blank line
            sep = nl if tail.endswith(nl) else nl + nl
            out.append(sep)
            tail = (tail + sep)[-4:]
        out.append(s)
        tail = (tail + s)[-4:]
        prev_fresh = fresh
    text = "".join(out)
    if lib.blocks and lib.blocks[-1].raw is None and not text.endswith(nl):
        text += nl
    return text
