"""One exporter registry for `build` and `export`: the same renderer, the same bytes, and
`export` renders only the format asked for."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA
from pathbib.build import EXPORT_FILES, EXPORTERS, find_exporter
from pathbib.cli.app import main
from pathbib.errors import UsageError


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("sample.bib", "pathbib.toml"):
        shutil.copy(DATA / "export" / name, tmp_path / name)
    return tmp_path


def test_names_aliases_and_files() -> None:
    assert list(EXPORTERS) == [
        "markdown",
        "csl-json",
        "bibtex",
        "survey-bib",
        "cff",
        "apa",
        "timeline",
        "site",
    ]
    assert EXPORT_FILES == (
        "README.md",
        "library.json",
        "library.bib",
        "survey.bib",
        "CITATION.cff",
        "timeline.svg",
        "site/index.html",
    )
    for alias, name in (
        ("MD", "markdown"),
        ("readme", "markdown"),
        ("json", "csl-json"),
        ("csl", "csl-json"),
        ("bib", "bibtex"),
        (" cff ", "cff"),
        ("svg", "timeline"),
        ("html", "site"),
    ):
        assert find_exporter(alias)[0] == name
    with pytest.raises(UsageError) as exc:
        find_exporter("xml")
    assert exc.value.hint == "use one of: markdown, csl-json, bibtex, survey-bib, cff, apa, timeline, site"


def test_export_prints_the_bytes_build_writes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = ["--config", str(project / "pathbib.toml")]
    assert main([*cfg, "build"]) == 0
    capsys.readouterr()
    for name, exp in EXPORTERS.items():
        if exp.filename is None:
            continue
        assert main([*cfg, "export", name]) == 0
        assert capsys.readouterr().out == (project / "exports" / exp.filename).read_text(encoding="utf-8"), (
            name
        )


def _modules_after_export(project: Path, fmt: str) -> set[str]:
    code = (
        "import sys; from pathbib.cli import main\n"
        f"rc = main(['--config', {str(project / 'pathbib.toml')!r}, 'export', {fmt!r}])\n"
        "print('MODULES:' + ' '.join(sorted(sys.modules)), 'RC:%d' % rc)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=project)
    assert r.returncode == 0, r.stderr
    last = r.stdout.strip().splitlines()[-1]
    assert last.endswith("RC:0"), last
    return set(last.split("MODULES:", 1)[1].split()[:-1])


def test_export_renders_only_the_format_asked_for(project: Path) -> None:
    # without a survey, the README needs neither the CSL-JSON nor the APA renderer
    toml = project / "pathbib.toml"
    toml.write_text(re.sub(r"(?m)^survey = .*\n", "", toml.read_text(encoding="utf-8")), encoding="utf-8")
    bib = project / "sample.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("list-survey = {yes},", ""), encoding="utf-8")
    md = _modules_after_export(project, "markdown")
    assert "pathbib.exporters.markdown" in md
    assert not {"pathbib.exporters.csl_json", "citeproc"} & md
    bibtex = _modules_after_export(project, "bibtex")
    assert "pathbib.exporters.bibtex" in bibtex
    assert not {"pathbib.exporters.markdown", "pathbib.exporters.csl_json", "jinja2", "citeproc"} & bibtex
