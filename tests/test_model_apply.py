"""`Library.apply`: the one place field changes are applied (enrich, check --fix)."""

from __future__ import annotations

from pathbib.bibio import parse, render
from pathbib.model import TYPE_FIELD, FieldChange

TEXT = '@misc{a,\n  title = "Old",\n  year = 2020,\n  note = {n},\n}\n\n@misc{b,\n  title = {B},\n}\n'


def test_sets_removes_retypes_and_leaves_other_entries_byte_identical() -> None:
    lib = parse(TEXT, "l.bib")
    out = lib.apply(
        [
            FieldChange("a", "title", "Old", "New"),
            FieldChange("a", "note", "n", None, kind="remove"),
            FieldChange("a", TYPE_FIELD, "misc", "article", kind="update"),
            FieldChange("a", "journal", None, "J"),
        ]
    )
    a = out.get("a")
    assert a is not None and a.entry_type == "article"
    assert a.get("title") == "New" and a.get("note") is None and a.get("journal") == "J"
    assert [f.delim for f in a.fields if f.name == "title"] == ["{"]  # braced by default
    assert render(out).endswith("@misc{b,\n  title = {B},\n}\n")


def test_conflicts_and_unknown_keys_are_skipped() -> None:
    lib = parse(TEXT, "l.bib")
    out = lib.apply(
        [FieldChange("a", "title", "Old", "Remote", kind="conflict"), FieldChange("zz", "title", None, "x")]
    )
    assert out is lib


def test_keep_delim_keeps_quotes_but_braces_a_bare_value() -> None:
    lib = parse(TEXT, "l.bib")
    out = lib.apply(
        [FieldChange("a", "title", "Old", "New"), FieldChange("a", "year", "2020", "2021")], keep_delim=True
    )
    a = out.get("a")
    assert a is not None
    assert {f.name: f.delim for f in a.fields}["title"] == '"'
    assert {f.name: f.delim for f in a.fields}["year"] == "{"
