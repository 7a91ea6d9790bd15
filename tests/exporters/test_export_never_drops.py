"""`pathbib export` never loses a block silently (issue #12): repeated fields are read as BibTeX
and biber read them (first value wins, with a warning); any block that still cannot be read is
reported on stderr with its line and reason, and the export exits 1 unless --allow-invalid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import shared_path
from pathbib.bibio import first_value_wins, parse
from pathbib.cli.app import main

NBSP = "\u00a0"
BIB = (
    "@article{good, author = {Doe, Jane}, title = {Good}, journal = {J}, year = {2020}}\n"
    "\n"
    f"@article{{nbsp,\n{NBSP}{NBSP}title = {{Indented with non-breaking spaces}},\n{NBSP}{NBSP}year = {{2021}},\n}}\n"
    "\n"
    "@article{dup, author = {Roe, Rick}, title = {First title}, journal = {J},\n"
    "  title = {Second title}, year = {2022}}\n"
)


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_first_value_wins_on_repeated_fields() -> None:
    lib = parse(BIB)
    assert [e.key for e in lib.entries] == ["good"] and len(lib.failed) == 2
    fixed, recovered = first_value_wins(lib)
    assert [e.key for e in fixed.entries] == ["good", "dup"]
    dup = fixed.get("dup")
    assert dup is not None and dup.get("title") == "First title" and dup.get("year") == "2022"
    assert [f.name for f in dup.fields] == ["author", "title", "journal", "year"]  # order kept
    assert [r.key for r in recovered] == ["dup"] and "duplicate field 'title'" in recovered[0].reason
    assert [f.key for f in fixed.failed] == ["nbsp"]  # still reported, never dropped


@pytest.mark.parametrize("fmt", ["csl-json", "bibtex"])
def test_export_reports_skipped_blocks_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    bib = tmp_path / "library.bib"
    bib.write_text(BIB, encoding="utf-8")
    code, out, err = _cli(capsys, "-C", str(bib), "export", fmt)
    assert code == 1
    keys = [d["id"] for d in json.loads(out)] if fmt == "csl-json" else [e.key for e in parse(out).entries]
    assert keys == ["good", "dup"]  # what can be exported is exported
    assert f"error: {bib}:3: block not exported: expected a field name" in err
    assert f"warning: {bib}:8: duplicate field 'title' (lines 8 and 9): the first value is exported" in err
    assert "--allow-invalid" in err


def test_allow_invalid_exits_0_and_still_reports(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bib = tmp_path / "library.bib"
    bib.write_text(BIB, encoding="utf-8")
    out_file = tmp_path / "out.json"
    code, _out, err = _cli(
        capsys, "-C", str(bib), "export", "csl-json", "--allow-invalid", "-o", str(out_file)
    )
    assert code == 0
    assert [d["id"] for d in json.loads(out_file.read_text(encoding="utf-8"))] == ["good", "dup"]
    assert f"warning: {bib}:3: block not exported" in err


def test_clean_library_exits_0_without_messages(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bib = tmp_path / "library.bib"
    bib.write_text(BIB.split("\n\n")[0] + "\n", encoding="utf-8")
    code, out, err = _cli(capsys, "-C", str(bib), "export", "csl-json")
    assert code == 0 and err == "" and len(json.loads(out)) == 1


@pytest.mark.slow
def test_plume_file_exports_every_entry(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = shared_path("corpora/large-bib/plume-bib-combined.bib")
    out_file = tmp_path / "plume.json"
    code, _out, err = _cli(capsys, "-C", str(src), "export", "csl-json", "-o", str(out_file))
    items = json.loads(out_file.read_text(encoding="utf-8"))
    warnings = [
        line for line in err.splitlines() if "duplicate field" in line and "first value is exported" in line
    ]
    assert (code, len(items), len(warnings)) == (0, 4997, 20)
    assert len({d["id"] for d in items}) == 4997


def test_build_reads_repeated_fields_like_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "library.bib").write_text(BIB.replace(BIB.split("\n\n")[1], ""), encoding="utf-8")
    (tmp_path / "pathbib.toml").write_text('[list]\ntitle = "T"\n', encoding="utf-8")
    code, _out, err = _cli(capsys, "--config", str(tmp_path / "pathbib.toml"), "build")
    assert code == 0, err
    assert "duplicate field 'title'" in err and "the first value is exported" in err
    items = json.loads((tmp_path / "exports" / "library.json").read_text(encoding="utf-8"))
    assert [(d["id"], d["title"]) for d in items] == [("good", "Good"), ("dup", "First title")]
