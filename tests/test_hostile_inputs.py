"""Lesser hostile inputs (issue #16, point 6): NUL anywhere, huge titles as keys, YAML-unsafe
characters in CITATION.cff, non-ASCII digits in a survey's volume."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pathbib.bibio import read_library
from pathbib.cli.app import main
from pathbib.keys import MAX_KEY_LENGTH, make_key

SURVEY = "@article{s,\n  author = {Doe, Jane},\n  title = {{TITLE}},\n  journal = {J},\n  volume = {VOL},\n  number = {VOL},\n  year = {2020},\n}\n"


def _project(tmp_path: Path, lib: str) -> Path:
    (tmp_path / "pathbib.toml").write_text('library = "library.bib"\nsurvey = "s"\n', encoding="utf-8")
    (tmp_path / "library.bib").write_text(lib, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("where", [0, 100, 2 << 20])
def test_a_nul_anywhere_in_the_library_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: int
) -> None:
    body = "@misc{a,\n  title = {x},\n}\n" + "% padding\n" * (where // 10)
    data = body.encode() + b"\x00" + b"\n@misc{b,\n  title = {y},\n}\n"
    (tmp_path / "library.bib").write_bytes(data)
    (tmp_path / "pathbib.toml").write_text('library = "library.bib"\n', encoding="utf-8")
    for cmd in (["check"], ["fmt"], ["build"]):
        assert main(["--config", str(tmp_path / "pathbib.toml"), *cmd]) == 4
        err = capsys.readouterr().err
        assert "NUL byte at line" in err, err
    assert (tmp_path / "library.bib").read_bytes() == data


def test_a_nul_deep_in_a_readme_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_bytes(b"# List\n\n" + b"Some text.\n" * 20000 + b"\x00\n")
    (tmp_path / "pathbib.toml").write_text('library = "library.bib"\n', encoding="utf-8")
    assert main(["--config", str(tmp_path / "pathbib.toml"), "import", str(readme)]) == 4
    assert "NUL byte at line 20003" in capsys.readouterr().err
    assert not (tmp_path / "library.bib").exists()


def test_keys_are_bounded() -> None:
    assert len(make_key("A" * 100_000, "2024", "Title " * 40_000)) <= MAX_KEY_LENGTH
    assert len(make_key(None, None, "W" * 200_000)) <= MAX_KEY_LENGTH
    taken = {make_key(None, None, "W" * 200_000)}
    assert len(make_key(None, None, "W" * 200_000, taken)) <= MAX_KEY_LENGTH


def test_a_200k_character_title_from_a_readme_gives_a_short_key(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# List\n\n## Papers\n\n1. **"
        + "Longword" * 25_000
        + "**\n    - [PDF](https://arxiv.org/abs/2301.00001)\n",
        encoding="utf-8",
    )
    (tmp_path / "pathbib.toml").write_text('library = "library.bib"\n', encoding="utf-8")
    assert main(["--config", str(tmp_path / "pathbib.toml"), "import", str(readme)]) == 0
    lib, _ = read_library(tmp_path / "library.bib")
    assert [len(e.key) <= MAX_KEY_LENGTH for e in lib.entries] == [True]


def test_rename_key_refuses_a_key_over_the_bound(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(tmp_path, "@misc{a,\n  title = {x},\n}\n")
    assert main(["--config", str(tmp_path / "pathbib.toml"), "rename-key", "a", "k" * 65]) == 2
    assert "at most 64" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["\x7f", "\x80", "\x85", "\x9f", "\ufffe", "\uffff", "\x01", "\x1b[31m"])
def test_citation_cff_stays_valid_yaml(tmp_path: Path, bad: str) -> None:
    title = f"A{bad}survey"
    _project(tmp_path, SURVEY.replace("TITLE", title).replace("VOL", "3"))
    assert main(["--config", str(tmp_path / "pathbib.toml"), "build"]) == 0
    data = yaml.safe_load((tmp_path / "exports" / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["preferred-citation"]["title"] == " ".join(title.split())  # NEL is whitespace: one space


@pytest.mark.parametrize("vol", ["²", "٣", "Ⅳ", "12"])
def test_non_ascii_digits_in_a_survey_volume_are_kept_as_written(tmp_path: Path, vol: str) -> None:
    _project(tmp_path, SURVEY.replace("TITLE", "A survey").replace("VOL", vol))
    assert main(["--config", str(tmp_path / "pathbib.toml"), "build"]) == 0
    cff = yaml.safe_load((tmp_path / "exports" / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["preferred-citation"]["volume"]) == vol  # never 3 for `٣`
    csl = (tmp_path / "exports" / "library.json").read_text(encoding="utf-8")
    assert f'"volume": "{vol}"' in csl
