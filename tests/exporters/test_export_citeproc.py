"""citeproc reads library.json as meant (issue #12): `pandoc --citeproc` with the APA and IEEE
styles of ../shared/corpora/csl on exports/library.json (built fresh from library.bib) and on
an authored entry with a name suffix, a particle, math and LaTeX markup.

Every expected string was written by hand from the bibliographic facts of the entry (authors,
year, title in sentence case, journal, volume/issue/pages, preprint server and id), not copied
from the output. Needs pandoc >= 2.11 (Debian: pandoc); skipped without it, failed under CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, shared_path
from pathbib.bibio import parse
from pathbib.exporters.csl_json import export_csl_json

pytestmark = pytest.mark.slow


def _pandoc(csl_json: Path, style: str, to: str = "plain") -> str:
    if shutil.which("pandoc") is None:
        msg = "pandoc is missing"
        if os.environ.get("CI") == "true" or os.environ.get("PATHBIB_REQUIRE_LATEX") == "1":
            pytest.fail(msg + "; CI must install it (.ci/run)")
        pytest.skip(msg)
    csl = shared_path(f"corpora/csl/styles/{style}.csl")
    p = subprocess.run(
        ["pandoc", "--citeproc", "--bibliography", str(csl_json), "--csl", str(csl), "-t", to, "--wrap=none"],
        input='---\nnocite: "@*"\n---\n',
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0 and p.stderr == "", p.stderr
    return p.stdout


@pytest.fixture(scope="module")
def library_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pathbib.build import build_exports
    from pathbib.config import load_settings

    settings = load_settings(ROOT / "pathbib.toml")
    out = build_exports(parse(settings.library.read_text(encoding="utf-8")), settings)
    path = tmp_path_factory.mktemp("csl") / "library.json"
    path.write_text(out["library.json"], encoding="utf-8")
    return path


def _refs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]


def _ref(refs: list[str], needle: str) -> str:
    found = [r for r in refs if needle in r]
    assert len(found) == 1, (needle, found)
    return found[0]


APA = {
    # authorless journal article: title in the author position, journal, volume(issue), article number
    "A multimodal knowledge-enhanced whole-slide": (
        "A multimodal knowledge-enhanced whole-slide pathology foundation model. (2025). Nature Communications, "
        "16(1), 11406. https://doi.org/10.1038/s41467-025-66220-x"
    ),
    # arXiv preprint: server once as publisher, id once
    "RudolfV": (
        "(2024). RudolfV: A foundation model by pathologists for pathologists (Preprint 2401.04079). arXiv. "
        "https://arxiv.org/abs/2401.04079"
    ),
    # medRxiv preprint without an id: [Preprint] + the server as publisher
    "Scaling self-supervised learning for histopathology": (
        "(2023). Scaling self-supervised learning for histopathology with masked image modeling [Preprint]. "
        "medRxiv. https://doi.org/10.1101/2023.07.21.23292757"
    ),
    # conference paper with a track number (NeurIPS 36, Datasets and Benchmarks): pages, no "Article DB1"
    "Quilt-1M": (
        "Ikezogwo, W. O., Seyfioglu, M. S., Ghezloo, F., Geva, D., Mohammed, F. S., Anand, P. K., Krishna, R., "
        "& Shapiro, L. G. (2023). Quilt-1M: One million image-text pairs for histopathology. Advances in Neural "
        "Information Processing Systems, 36, 37995–38017."
    ),
    # particle: "van Eck" sorts and prints with its particle
    "clinical-grade computational pathology": "Mathieu, P., van Eck, A., Lee, D.,",
}
IEEE = {
    "A multimodal knowledge-enhanced whole-slide": (
        "“A multimodal knowledge-enhanced whole-slide pathology foundation model,” Nature Communications, "
        "vol. 16, no. 1, p. 11406, 2025, doi: 10.1038/s41467-025-66220-x."
    ),
    "RudolfV": "J. Dippel et al., “RudolfV: A foundation model by pathologists for pathologists,” 2024, arXiv: 2401.04079.",
    "Quilt-1M": (
        "W. O. Ikezogwo et al., “Quilt-1M: One million image-text pairs for histopathology,” in Advances in "
        "Neural Information Processing Systems, 2023, pp. 37995–38017."
    ),
    "Scaling self-supervised learning for histopathology": (
        "A. Filiot et al., “Scaling self-supervised learning for histopathology with masked image modeling,” "
        "2023, medRxiv. doi: 10.1101/2023.07.21.23292757."
    ),
}


@pytest.mark.parametrize(("style", "expected"), [("apa", APA), ("ieee", IEEE)])
def test_tricky_entries_render_as_expected(library_json: Path, style: str, expected: dict[str, str]) -> None:
    refs = _refs(_pandoc(library_json, style))
    assert len(refs) == 43
    for needle, want in expected.items():
        assert want in _ref(refs, needle), (style, needle)


@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_no_article_number_and_no_doubled_arxiv_label(library_json: Path, style: str) -> None:
    text = _pandoc(library_json, style)
    assert "Article DB1" not in text and not re.search(r"Article \d+\b", text)
    assert not re.search(r"arXiv:? ?arXiv", text), "the arXiv label is printed twice"
    for ref in _refs(text):
        assert (
            ref.count("arXiv:") <= 1
            and len(re.findall(r"\b\d{4}\.\d{4,5}\b(?!v)", ref.split("http")[0])) <= 1
        ), ref


def test_titles_are_in_sentence_case(library_json: Path) -> None:
    refs = _refs(_pandoc(library_json, "apa"))
    for title in (
        "Scaling vision transformers to gigapixel images via hierarchical self-supervised learning.",
        "Transcriptomics-guided slide representation learning in computational pathology.",
        "PathoDuet: Foundation models for pathological slide analysis of H&E and IHC stains.",
        "PRISM: A multi-modal generative foundation model for slide-level histopathology",
    ):
        assert any(title in r for r in refs), title


TRICKY = r"""
@article{suffix2020,
  author = {Smith, Jr., John and van Eck, Alexander},
  title = {\textit{H. pylori} Infection in {CD8}$^+$ T Cells and \mkbibquote{Quoted} Methodology\hyph Independent Results},
  journal = {Journal of Tests},
  volume = {1}, number = {2}, pages = {3--4},
  date = {2020-03-04},
}
"""


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "apa",
            "Smith, J., Jr., &amp; van Eck, A. (2020). <em>H. pylori</em> infection in "
            '<span class="nocase">CD8</span><sup>+</sup> <span class="nocase">T</span> cells and '
            "<span>“Quoted”</span> methodology-independent results. <em>Journal of Tests</em>, <em>1</em>(2), 3–4.",
        ),
        (
            "ieee",
            "J. Smith Jr. and A. van Eck, <span>“<em>H. pylori</em> infection in "
            '<span class="nocase">CD8</span><sup>+</sup> <span class="nocase">T</span> cells and '
            "<span>‘Quoted’</span> methodology-independent results,”</span> <em>Journal of Tests</em>, "
            "vol. 1, no. 2, pp. 3–4, Mar. 2020.",
        ),
    ],
)
def test_suffix_particle_math_and_markup(tmp_path: Path, style: str, expected: str) -> None:
    path = tmp_path / "tricky.json"
    path.write_text(export_csl_json(parse(TRICKY)), encoding="utf-8")
    assert expected in " ".join(_pandoc(path, style, "html").split())
