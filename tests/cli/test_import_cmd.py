"""`pathbib import` on the command line (cli/import_cmd.py): writes library.bib and pathbib.toml then is idempotent,
--dry-run, --json, bad input refused with the library untouched, a missing file (moved from tests/test_import.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATA, shared_path
from pathbib.bibio import parse
from pathbib.cli.app import main
from pathbib.config import parse_settings

IMPORT = DATA / "import"
SEED = "seed/000_e6471fc22fbee112.txt"


# ----------------------------------------------------------------------------- the command


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


def test_cli_import_writes_library_and_settings_then_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = shared_path(SEED)
    monkeypatch.chdir(tmp_path)
    rc, out, err = run(["import", str(seed)], capsys)
    assert rc == 0, err
    assert "items seen" in out and "43" in out and "merged no. 6, no. 15" in out
    lib = parse((tmp_path / "library.bib").read_text(encoding="utf-8"))
    assert len(lib.entries) == 43
    settings = parse_settings((tmp_path / "pathbib.toml").read_text(encoding="utf-8"), tmp_path)
    assert settings.survey == "molaei2023implicit" and len(settings.list.sections) == 2
    before = (tmp_path / "library.bib").read_bytes()
    toml_before = (tmp_path / "pathbib.toml").read_bytes()
    rc, out, err = run(["import", str(seed)], capsys)
    assert rc == 0 and "no changes" in out
    assert (tmp_path / "library.bib").read_bytes() == before
    assert (tmp_path / "pathbib.toml").read_bytes() == toml_before  # never rewritten once it exists


def test_cli_dry_run_shows_diff_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    rc, out, _ = run(["import", "--dry-run", str(IMPORT / "variants.md")], capsys)
    assert rc == 0
    assert "+@article{lopez2023plain," in out and "(dry run)" in out
    assert not (tmp_path / "library.bib").exists() and not (tmp_path / "pathbib.toml").exists()


def test_cli_json_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    rc, out, _ = run(["import", "--json", str(IMPORT / "variants.md")], capsys)
    assert rc == 0
    data = json.loads(out)
    assert data["items_seen"] == 11 and data["written"] is True
    assert data["merged"][0]["numbers"] == ["1", "9"]
    assert any(f["rule"] == "import-tracking" for f in data["findings"])


_BAD = {
    "empty": b"",
    "blank": b"  \n\n",
    "binary": bytes(range(256)) * 64,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100,
    "bibtex": b"@article{a,\n  title = {Not Markdown},\n}\n",
    "json": b'{"items": [1, 2, 3]}\n',
    "latin1": "# T\n\n1. **Caf\xe9**\n".encode("latin-1"),
    "no-items": b"# Title\n\nJust a paragraph.\n\n## Section\n\nMore text.\n",
}


def _bad_input(tmp_path: Path, name: str) -> Path:
    p = tmp_path / f"{name}.md"
    if name == "20MB":  # 20 MB of valid Markdown
        line = b"1. **A title**\n   - \xf0\x9f\x93\x96 Journal: Nature, 2024\n"
        p.write_bytes(line * (20 * 1024 * 1024 // len(line) + 1))
    else:
        p.write_bytes(_BAD[name])
    return p


@pytest.mark.parametrize(
    "name", ["empty", "blank", "binary", "png", "bibtex", "json", "latin1", "no-items", "20MB"]
)
def test_cli_bad_input_is_refused_and_library_untouched(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    original = b"@article{keep,\n  title = {Keep me},\n}\n"
    (tmp_path / "library.bib").write_bytes(original)
    path = _bad_input(tmp_path, name)
    rc, out, err = run(["import", str(path)], capsys)
    assert rc == 4
    assert err.startswith("error: ") and str(path) in err and "hint: " in err
    assert (tmp_path / "library.bib").read_bytes() == original
    assert not (tmp_path / "pathbib.toml").exists()


def test_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    rc, _, err = run(["import", "nope.md"], capsys)
    assert rc == 4 and "no such file" in err
