"""`pathbib check` on the command line: exit codes, JSON and GitHub output, suppressed findings, --fix, the seed
with README and records, the scope-rule notice (moved from tests/test_check.py)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import shared_path
from pathbib.bibio import render
from pathbib.cli import main
from support.checkkit import SEED_META, SEED_README, SEED_TERMS

# --------------------------------------------------------------------------- CLI


def _write(tmp: Path, bib: str, toml: str = "") -> None:
    (tmp / "library.bib").write_text(bib, encoding="utf-8")
    (tmp / "pathbib.toml").write_text('library = "library.bib"\n' + toml, encoding="utf-8")


CLEAN = "@article{a,\n  author = {X, Y},\n  title = {T},\n  journal = {J},\n  year = {2024},\n  doi = {10.1038/x},\n}\n"


def test_cli_exit_codes(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, CLEAN)
    assert main(["check", "--today", "2026-06-01"]) == 0
    _write(tmp_path, CLEAN.replace("2024", "2031"))
    assert main(["check", "--today", "2026-06-01"]) == 1
    assert main(["check", "--select", "PB9"]) == 2
    assert main(["check", "--explain", "PB999"]) == 2
    assert main(["check", "--format", "xml"]) == 2
    assert main(["check", "--today", "June"]) == 2
    assert main(["check", "--readme", "missing.md"]) == 4
    (tmp_path / "library.bib").write_bytes(b"@article{a, title={\xff}}\n")
    assert main(["check"]) == 4
    assert main(["-C", "nothere.bib", "check"]) == 4
    capsys.readouterr()
    assert main(["check", "--explain", "pb105"]) == 0
    assert "### PB105 tracking-parameters" in capsys.readouterr().out


def test_cli_json_and_github_output(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path,
        CLEAN + "\n@article{b,\n  title = {T2},\n  year = {2031},\n  url = {https://tinyurl.com/x},\n}\n",
    )
    capsys.readouterr()
    assert main(["check", "--json", "--today", "2026-06-01"]) == 1
    data = json.loads(capsys.readouterr().out)
    rules = {(f["rule"], f["key"]) for f in data["findings"]}
    assert {("PB304", "b"), ("PB104", "b"), ("PB402", "b")} <= rules
    assert data["summary"]["errors"] == sum(f["severity"] == "error" for f in data["findings"]) >= 1
    f = next(f for f in data["findings"] if f["rule"] == "PB304")
    assert f["line"] == 9 and f["path"].endswith("library.bib") and f["field"] == "year"
    assert main(["check", "--format", "github", "--today", "2026-06-01", "--select", "PB304"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert (
        len(out) == 1
        and out[0].startswith("::error file=")
        and ",line=9,title=PB304 future-date::b: year 2031" in out[0]
    )


def test_cli_show_suppressed_and_human_output(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    bib = CLEAN.replace(
        "title = {T},",
        "title = {T},\n  check-ignore = {PB104: the project's own short link},\n  "
        "list-code = {https://bit.ly/abc},",
    )
    _write(tmp_path, bib)
    capsys.readouterr()
    assert main(["check", "--today", "2026-06-01"]) == 0
    out = capsys.readouterr().out
    assert "1 suppressed" in out and "bit.ly" not in out
    assert main(["check", "--today", "2026-06-01", "--show-suppressed"]) == 0
    out = capsys.readouterr().out
    assert "PB104" in out and "the project's own short link" in out


def test_cli_fix_shows_then_writes(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    bib = CLEAN.replace(
        "doi = {10.1038/x}", "doi = {DOI:10.1038/ABC},\n  url = {https://x.org/p?utm_source=t&id=3}"
    )
    _write(
        tmp_path,
        bib + "\n@misc{keep,\n  title = {Kept   as is},\n  url = {https://y.org/?fbclid=1},\n  "
        "check-ignore = {PB105: deliberate},\n}\n",
    )
    capsys.readouterr()
    assert main(["check", "--fix", "--today", "2026-06-01"]) == 0
    out = capsys.readouterr().out
    assert "fix a: doi: DOI:10.1038/ABC -> 10.1038/abc" in out and "applied 2 fixes" in out
    text = (tmp_path / "library.bib").read_text(encoding="utf-8")
    assert "doi = {10.1038/abc}" in text and "url = {https://x.org/p?id=3}" in text
    assert "title = {Kept   as is},\n  url = {https://y.org/?fbclid=1}" in text  # suppressed: not fixed


def test_cli_on_the_seed_with_readme_and_records(seed, tmp_path, monkeypatch, capsys) -> None:
    lib, _ = seed
    monkeypatch.chdir(tmp_path)
    (tmp_path / "library.bib").write_text(render(lib), encoding="utf-8")
    terms = ", ".join(json.dumps(t) for t in SEED_TERMS)
    (tmp_path / "pathbib.toml").write_text(
        f'survey = "molaei2023implicit"\n[scope]\nterms = [{terms}]\n', encoding="utf-8"
    )
    capsys.readouterr()
    rc = main(
        [
            "check",
            "--json",
            "--readme",
            str(shared_path(SEED_README)),
            "--records",
            str(shared_path(SEED_META)),
            "--today",
            "2026-06-01",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert rc == 1
    got = {f["rule"] for f in data["findings"]}
    assert {"PB201", "PB602", "PB603", "PB701", "PB702", "PB703", "PB704", "PB705", "PB707"} <= got
    assert data["summary"]["readme_parser"] == "pathbib.importers.markdown"
    assert sum(f["rule"] == "PB201" for f in data["findings"]) == 17  # 16 list items + the INR survey itself


def test_cli_says_when_the_scope_rule_is_off(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, CLEAN)
    capsys.readouterr()
    assert main(["check", "--today", "2026-06-01"]) == 0
    assert "PB201 is off" in capsys.readouterr().err
    _write(tmp_path, CLEAN, '[scope]\nterms = ["pathology"]\n')
    main(["check", "--today", "2026-06-01"])
    assert "PB201 is off" not in capsys.readouterr().err
