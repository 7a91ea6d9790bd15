"""The data model: a BibTeX library as plain frozen dataclasses (pure, stdlib only).

A `Library` is an ordered tuple of blocks. Concatenating the `raw` text of every block
reproduces the source file byte for byte; a block whose `raw` is None has been changed
(or created) and is rendered by `bibio.format_entry` when the library is written.

Field values are stored as the text between the value's delimiters (`{...}` or `"..."`),
LaTeX and all; a bare value (a number, an @string macro, or a `#` concatenation) is
stored verbatim with `delim=""`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from dataclasses import fields as dc_fields
from typing import Literal

Delim = Literal["{", '"', ""]

#: pseudo-field of a `FieldChange` that changes the entry type (`@misc` -> `@article`)
TYPE_FIELD = "ENTRYTYPE"


@dataclass(frozen=True, slots=True)
class Field:
    """One `name = value` pair of an entry."""

    name: str  # lower-cased field name
    value: str  # text inside the delimiters; verbatim expression when delim == ""
    delim: Delim = "{"


def _field_maker() -> Callable[[str, str, Delim], Field]:
    """`Field(name, value, delim)` at about half the cost (the parser makes one per field).

    perf: a frozen dataclass's `__init__` goes through `object.__setattr__` once per
    attribute; setting the three slots directly gives the same object (equal, same hash).
    """
    if [f.name for f in dc_fields(Field)] != ["name", "value", "delim"] or not hasattr(Field, "__slots__"):
        return Field  # the model changed: the plain constructor is always right
    new = object.__new__
    slots = vars(Field)  # the slot descriptors
    set_name, set_value, set_delim = slots["name"].__set__, slots["value"].__set__, slots["delim"].__set__

    def make(name: str, value: str, delim: Delim) -> Field:
        f = new(Field)
        set_name(f, name)
        set_value(f, value)
        set_delim(f, delim)
        return f

    return make


#: `Field(name, value, delim)` for the parser, which makes one per field (see `_field_maker`)
make_field = _field_maker()


@dataclass(frozen=True, slots=True)
class Entry:
    """A BibTeX entry such as `@article{key, title = {...}}`."""

    entry_type: str  # lower-cased, e.g. "article"
    key: str
    fields: tuple[Field, ...] = ()
    line: int = 0  # 1-based line of the `@` in the source, 0 for new entries
    raw: str | None = None  # exact source text (incl. leading whitespace) while unchanged

    def get(self, name: str, default: str | None = None) -> str | None:
        """Return the value of field `name` (case-insensitive), or `default`."""
        name = name.lower()
        for f in self.fields:
            if f.name == name:
                return f.value
        return default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(f.name == name.lower() for f in self.fields)

    def as_dict(self) -> dict[str, str]:
        """Return the fields as a name → value dict (first occurrence wins)."""
        out: dict[str, str] = {}
        for f in self.fields:
            out.setdefault(f.name, f.value)
        return out

    def set(self, name: str, value: str, delim: Delim = "{") -> Entry:
        """Return a copy with field `name` set (replaced in place, or appended)."""
        name = name.lower()
        new: list[Field] = []
        done = False
        for f in self.fields:
            if f.name == name:
                if not done:
                    new.append(Field(name, value, delim))
                    done = True
                continue
            new.append(f)
        if not done:
            new.append(Field(name, value, delim))
        return self.with_fields(tuple(new))

    def remove(self, name: str) -> Entry:
        """Return a copy without field `name`."""
        name = name.lower()
        if name not in self:
            return self
        return self.with_fields(tuple(f for f in self.fields if f.name != name))

    def with_fields(self, fields: tuple[Field, ...]) -> Entry:
        """Return a copy with new fields; the copy is marked changed (raw=None)."""
        if fields == self.fields:
            return self
        return replace(self, fields=fields, raw=None)

    def with_key(self, key: str) -> Entry:
        return self if key == self.key else replace(self, key=key, raw=None)

    def with_type(self, entry_type: str) -> Entry:
        entry_type = entry_type.lower()
        return self if entry_type == self.entry_type else replace(self, entry_type=entry_type, raw=None)


@dataclass(frozen=True, slots=True)
class StringDef:
    """`@string{name = value}`."""

    name: str
    value: str
    delim: Delim = "{"
    line: int = 0
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class Preamble:
    """`@preamble{...}`; `value` is the text inside the outer delimiters."""

    value: str
    line: int = 0
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class Comment:
    """`@comment{...}` or any text between blocks (whitespace, free-form notes)."""

    text: str
    line: int = 0
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class FailedBlock:
    """A block that could not be parsed; kept verbatim so nothing is lost."""

    raw_text: str
    line: int
    reason: str
    key: str | None = None  # the citation key, when one could be read

    @property
    def raw(self) -> str:
        return self.raw_text


Block = Entry | StringDef | Preamble | Comment | FailedBlock


@dataclass(frozen=True, slots=True)
class Library:
    """An ordered BibTeX library; `path` is informational (for messages)."""

    blocks: tuple[Block, ...] = ()
    path: str = ""
    newline: str = "\n"  # the file's line ending, used for re-rendered blocks

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Entry))

    @property
    def failed(self) -> tuple[FailedBlock, ...]:
        return tuple(b for b in self.blocks if isinstance(b, FailedBlock))

    @property
    def strings(self) -> dict[str, str]:
        return {b.name.lower(): b.value for b in self.blocks if isinstance(b, StringDef)}

    def get(self, key: str) -> Entry | None:
        """Return the entry with citation key `key` (exact match), or None."""
        for b in self.blocks:
            if isinstance(b, Entry) and b.key == key:
                return b
        return None

    def replace_entry(self, key: str, entry: Entry) -> Library:
        """Return a copy where the entry `key` is replaced by `entry`."""
        blocks = list(self.blocks)
        for i, b in enumerate(blocks):
            if isinstance(b, Entry) and b.key == key:
                if b is entry or b == entry:
                    return self
                if entry.raw is None and b.raw is not None:
                    # keep the whitespace that preceded the old block
                    entry = replace(entry, raw=None)
                blocks[i] = entry
                return replace(self, blocks=tuple(blocks))
        raise KeyError(key)

    def update_entries(self, entries: dict[str, Entry]) -> Library:
        """Return a copy with several entries replaced by key."""
        if not entries:
            return self
        blocks = tuple(entries.get(b.key, b) if isinstance(b, Entry) else b for b in self.blocks)
        return replace(self, blocks=blocks)

    def apply(self, changes: Iterable[FieldChange], *, keep_delim: bool = False) -> Library:
        """Return a copy with the field changes applied, in order (only changed entries are re-rendered).

        A change of the pseudo-field `TYPE_FIELD` changes the entry type; `new = None` removes the
        field; conflicts (proposals a curator has not accepted) and changes of unknown keys are
        skipped. A set field is braced, or with `keep_delim` keeps the braces or quotes the
        field already had (a bare number or macro becomes braced either way).
        """
        updated: dict[str, Entry] = {}
        for c in changes:
            e = updated.get(c.key) or self.get(c.key)
            if e is None or c.kind == "conflict":
                continue
            if c.field == TYPE_FIELD:
                e = e.with_type(c.new or e.entry_type)
            elif c.new is None:
                e = e.remove(c.field)
            else:
                old: Delim = (
                    next((f.delim for f in e.fields if f.name == c.field.lower()), "{") if keep_delim else "{"
                )
                e = e.set(c.field, c.new, old or "{")
            updated[c.key] = e
        return self.update_entries(updated)

    def add(self, *entries: Entry) -> Library:
        """Return a copy with `entries` appended."""
        return replace(self, blocks=self.blocks + tuple(entries))

    def remove(self, key: str) -> Library:
        """Return a copy without the entry `key`."""
        return replace(
            self, blocks=tuple(b for b in self.blocks if not (isinstance(b, Entry) and b.key == key))
        )


Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of a check rule, an import or an enrichment: data, not an exception."""

    rule: str  # stable id, e.g. "PB101"
    severity: Severity
    message: str
    key: str | None = None  # citation key concerned
    field: str | None = None
    fix: str | None = None  # human-readable suggested fix
    line: int | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A proposed change of one field of one entry (enrichment, import merge, check --fix)."""

    key: str
    field: str
    old: str | None
    new: str | None
    source: str = ""  # e.g. "crossref:10.1038/..."; "" for local edits
    reason: str = ""
    kind: Literal["fill", "conflict", "update", "remove"] = "fill"
    extra: dict[str, str] = dc_field(default_factory=dict, compare=False, hash=False)
