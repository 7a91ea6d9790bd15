"""`pathbib build` / `pathbib export`: files, determinism, --check, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA
from pathbib.bibio import parse
from pathbib.build import EXPORT_FILES, build_exports, stale_files
from pathbib.cli.app import main
from pathbib.config import load_settings


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("sample.bib", "pathbib.toml"):
        shutil.copy(DATA / "export" / name, tmp_path / name)
    return tmp_path


def _run(project: Path, *args: str) -> int:
    return main(["--config", str(project / "pathbib.toml"), *args])


def test_build_exports_pure_and_identical() -> None:
    settings = load_settings(DATA / "export" / "pathbib.toml")
    lib = parse(settings.library.read_text(encoding="utf-8"))
    a = build_exports(lib, settings)
    b = build_exports(parse(settings.library.read_text(encoding="utf-8")), settings)
    assert list(a) == list(EXPORT_FILES)
    assert a == b


def test_stale_files() -> None:
    assert stale_files({"a": "x", "b": "y", "c": "z"}, {"a": "x", "b": "changed", "c": None}) == ["b", "c"]


def test_build_twice_identical_bytes_and_check(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(project, "build") == 0
    out = project / "exports"
    first = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(EXPORT_FILES)
    assert _run(project, "build") == 0
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == first
    assert f"wrote 0 of {len(EXPORT_FILES)}" in capsys.readouterr().out
    assert _run(project, "build", "--check") == 0
    # every export decodes as UTF-8, ends with one newline, has no timestamps
    for name, data in first.items():
        text = data.decode("utf-8")
        assert text.endswith("\n") and not text.endswith("\n\n"), name
    json.loads(first["library.json"])


def test_check_fails_after_library_change(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(project, "build") == 0
    bib = project / "sample.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Quilt-1M", "Quilt-2M"), encoding="utf-8")
    capsys.readouterr()
    assert _run(project, "build", "--check") == 1
    out = capsys.readouterr()
    stale = {line.split("/")[-1] for line in out.out.splitlines() if line.startswith("stale: ")}
    assert stale == {"README.md", "library.json", "library.bib", "index.html"}  # index.html: site/
    assert "run `pathbib build`" in out.err
    # --check wrote nothing
    assert "Quilt-2M" not in (project / "exports" / "library.json").read_text(encoding="utf-8")
    assert _run(project, "build") == 0
    assert _run(project, "build", "--check") == 0


def test_unparseable_block_stops_the_build(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = project / "sample.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8") + "\n@article{broken, title = {no end}\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert _run(project, "build") == 4
    err = capsys.readouterr().err
    assert "block not exported" in err and "--allow-invalid" in err
    assert not (project / "exports").exists()  # nothing written
    assert _run(project, "build", "--allow-invalid") == 0
    assert "block not exported" in capsys.readouterr().err


def test_check_fails_when_exports_missing(project: Path) -> None:
    assert _run(project, "build", "--check") == 1


@pytest.mark.parametrize(
    ("fmt", "needle"),
    [
        ("csl-json", '"id": "chen2022scaling"'),
        ("json", '"type": "paper-conference"'),
        ("bibtex", "@inproceedings{chen2022scaling,"),
        ("markdown", "# Awesome-Foundation-Models-for-Pathology-Image-Analysis"),
        ("survey-bib", "@inproceedings{molaei2023implicit,"),
        ("cff", 'cff-version: "1.2.0"'),
        ("apa", "Molaei, A., Aminimehr, A."),
    ],
)
def test_export_formats_to_stdout(
    project: Path, capsys: pytest.CaptureFixture[str], fmt: str, needle: str
) -> None:
    assert _run(project, "export", fmt) == 0
    assert needle in capsys.readouterr().out


def test_export_to_file_ascii(project: Path) -> None:
    target = project / "out.bib"
    assert _run(project, "export", "bibtex", "--ascii", "-o", str(target)) == 0
    text = target.read_text(encoding="utf-8")
    assert text.isascii()
    assert "Catal{\\'a}n" in text


def test_export_report_lists_unmapped_fields(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(project, "export", "csl-json", "--report") == 0
    err = capsys.readouterr().err
    assert "chen2022scaling: list-code: no CSL-JSON home" in err
    assert "summary:" in err and "cvf x1" in err


def test_unknown_format_is_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(project, "export", "docx") == 2
    assert "use one of" in capsys.readouterr().err


def test_missing_survey_key_is_input_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = project / "pathbib.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace('survey = "molaei2023implicit"', 'survey = "nobody"'),
        encoding="utf-8",
    )
    assert _run(project, "build") == 4
    err = capsys.readouterr().err
    assert "nobody" in err and "hint:" in err
    assert not (project / "exports").exists()


def test_template_override_from_settings(project: Path) -> None:
    (project / "mine.md.j2").write_text("{{ count }} papers\n", encoding="utf-8")
    cfg = project / "pathbib.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("[list]\n", '[list]\ntemplate = "mine.md.j2"\n'),
        encoding="utf-8",
    )
    assert _run(project, "build") == 0
    assert (project / "exports" / "README.md").read_text(encoding="utf-8") == "11 papers\n"


def test_missing_template_is_config_error(project: Path) -> None:
    cfg = project / "pathbib.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("[list]\n", '[list]\ntemplate = "nope.j2"\n'),
        encoding="utf-8",
    )
    assert _run(project, "build") == 2


def test_template_is_package_data() -> None:
    from importlib import resources

    files = resources.files("pathbib.exporters")
    assert (files / "templates" / "readme.md.j2").is_file()
    assert (files / "csl" / "apa.csl").is_file() and (files / "csl" / "locales-en-US.xml").is_file()
