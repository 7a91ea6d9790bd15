"""Compile LaTeX documents citing every entry of exported BibTeX with bibtex and with biber.

Needs pdflatex, bibtex and biber (Debian: texlive-latex-base, texlive-latex-recommended,
texlive-latex-extra, texlive-bibtex-extra, biber). Skipped when they are absent, except under
CI (CI=true or PATHBIB_REQUIRE_LATEX=1), where their absence fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, ROOT
from pathbib.bibio import parse
from pathbib.exporters.bibtex import export_bibtex
from support.latexkit import (
    _compile_biber,
    _compile_bibtex,
    _tools_or_skip,
)

pytestmark = pytest.mark.latex

HOSTILE = r"""
@article{hostile,
  author = {O'Brien, Seán and {AT\&T Research} and M{\"u}ller, Jr., Hans and de la Cruz, María},
  title = {50% of #hashtags & snake_case names cost $5 in H&E {WSI}s: CLIP vs. PathDino},
  journal = {Journal of A & B},
  volume = {1},
  pages = {1--10},
  year = {2024},
  month = feb,
  doi = {10.1000/a_b%c},
  url = {https://example.org/a_b?x=1&y=%20#frag},
  note = {Underscore_note with ~tilde},
}
@online{webonly,
  title = {A web page without author},
  date = {2021-05-04},
  url = {https://example.org/page},
}
@article{preprint,
  author = {Doe, Jane},
  title = {An arXiv-only article},
  year = {2023},
  eprint = {2301.00001},
  archiveprefix = {arXiv},
}
"""


def _libraries() -> list[tuple[str, str]]:
    out = [("sample", (DATA / "export" / "sample.bib").read_text(encoding="utf-8")), ("hostile", HOSTILE)]
    return out


@pytest.fixture(params=["sample", "hostile"])
def bib_source(request: pytest.FixtureRequest) -> str:
    return dict(_libraries())[request.param]


def test_plainnat_bibtex(bib_source: str, tmp_path: Path) -> None:
    _tools_or_skip()
    _compile_bibtex(export_bibtex(parse(bib_source)), tmp_path)


def test_plainnat_bibtex_ascii(bib_source: str, tmp_path: Path) -> None:
    _tools_or_skip()
    _compile_bibtex(export_bibtex(parse(bib_source), ascii=True), tmp_path)


def test_biblatex_biber(bib_source: str, tmp_path: Path) -> None:
    _tools_or_skip()
    _compile_biber(export_bibtex(parse(bib_source)), tmp_path)


def _repo_export() -> str:
    """exports/library.bib of this repository, built fresh from its library.bib."""
    from pathbib.build import build_exports
    from pathbib.config import load_settings

    cfg = ROOT / "pathbib.toml"
    if not cfg.is_file():
        pytest.skip("the repository has no pathbib.toml / library.bib yet")
    settings = load_settings(cfg)
    if not settings.library.is_file():
        pytest.skip(f"{settings.library} does not exist yet")
    lib = parse(settings.library.read_text(encoding="utf-8"))
    return build_exports(lib, settings)["library.bib"]


def test_repository_library_bibtex(tmp_path: Path) -> None:
    _tools_or_skip()
    _compile_bibtex(_repo_export(), tmp_path)


def test_repository_library_biber(tmp_path: Path) -> None:
    _tools_or_skip()
    _compile_biber(_repo_export(), tmp_path)


def test_survey_bib_compiles(tmp_path: Path) -> None:
    from pathbib.config import load_settings
    from pathbib.exporters.citation import survey_bib

    _tools_or_skip()
    settings = load_settings(DATA / "export" / "pathbib.toml")
    lib = parse(settings.library.read_text(encoding="utf-8"))
    text = survey_bib(lib, settings)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _compile_bibtex(text, tmp_path / "a")
    _compile_biber(text, tmp_path / "b")


def test_checker_catches_unescaped_input(tmp_path: Path) -> None:
    """The same hostile library, not passed through the exporter, must make the checks fail."""
    _tools_or_skip()
    with pytest.raises((pytest.fail.Exception, AssertionError)):
        _compile_bibtex(HOSTILE, tmp_path)
