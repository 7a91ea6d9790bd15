"""What LaTeX prints for the tricky entries of exports/library.bib (issue #12), three ways:
(a) natbib + plainnat + bibtex, (b) biblatex + biber (authoryear), (c) `--ascii` + plain + bibtex.

Each document is compiled on a very wide page without hyphenation, the PDF is turned into text
(pdftotext) and every tricky entry's reference is compared with a string written by hand from
the bibliographic facts and the style's known format: the authorless article, an arXiv and a
medRxiv preprint, the conference paper with a track number, a particle (van Eck), and an
authored entry with a name suffix, math, italics, biblatex quotes and \\hyph.
The only warning allowed is plainnat's "empty author" for the article whose authors are
unknown (see support.latexkit._missing_author_warnings). Needs pdflatex, bibtex, biber and
pdftotext (poppler-utils).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT
from pathbib.bibio import parse
from pathbib.exporters.bibtex import export_bibtex
from support.latexkit import _latex_problems, _missing_author_warnings, _run, _tools_or_skip

pytestmark = [pytest.mark.latex, pytest.mark.slow]

TRICKY = r"""
@article{suffix2020,
  author = {Smith, Jr., John and van Eck, Alexander},
  title = {\textit{H. pylori} Infection in {CD8}$^+$ T Cells and \mkbibquote{Quoted} Methodology\hyph Independent Results},
  journal = {Journal of Tests},
  volume = {1}, number = {2}, pages = {3--4},
  date = {2020-03-04},
}
"""

_PAGE = "\\usepackage[paperwidth=150cm,paperheight=80cm,margin=1cm]{geometry}\n\\hyphenpenalty=10000\\exhyphenpenalty=10000\n"


def _library(ascii: bool = False) -> str:
    from pathbib.config import load_settings

    settings = load_settings(ROOT / "pathbib.toml")
    lib = parse(settings.library.read_text(encoding="utf-8") + TRICKY)
    return export_bibtex(lib, ascii=ascii, protect_words=settings.list.protect_words)


def _text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is missing")
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = unicodedata.normalize("NFKC", out)  # ligatures (ﬁ) -> fi
    return re.sub(r"-\s+(?=\S)", "-", " ".join(text.split()))  # a hyphen at a line end


def _bibtex_doc(bib: str, tmp: Path, style: str, natbib: bool) -> str:
    (tmp / "refs.bib").write_text(bib, encoding="utf-8")
    pre = (
        "\\usepackage[utf8]{inputenc}\n"
        + _PAGE
        + ("\\usepackage{natbib}\n" if natbib else "")
        + "\\usepackage{url}\n"
    )
    (tmp / "doc.tex").write_text(
        f"\\documentclass{{article}}\n{pre}\\begin{{document}}\n\\nocite{{*}}\n\\bibliographystyle{{{style}}}\n"
        "\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    _run(latex, tmp)
    out = _run(["bibtex", "doc"], tmp)
    problems = [line for line in out.splitlines() if "Warning--" in line or "error message" in line]
    assert problems == _missing_author_warnings(bib), "\n".join(problems)
    _run(latex, tmp)
    _run(latex, tmp)
    assert _latex_problems((tmp / "doc.log").read_text(encoding="utf-8", errors="replace")) == []
    return _text(tmp / "doc.pdf")


def _biber_doc(bib: str, tmp: Path) -> str:
    (tmp / "refs.bib").write_text(bib, encoding="utf-8")
    (tmp / "doc.tex").write_text(
        "\\documentclass{article}\n" + _PAGE + "\\usepackage[backend=biber,style=authoryear]{biblatex}\n"
        "\\addbibresource{refs.bib}\n\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n",
        encoding="utf-8",
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    _run(latex, tmp)
    out = _run(["biber", "doc"], tmp)
    assert [line for line in out.splitlines() if re.search(r"\b(WARN|ERROR)\b", line)] == []
    _run(latex, tmp)
    _run(latex, tmp)
    assert _latex_problems((tmp / "doc.log").read_text(encoding="utf-8", errors="replace")) == []
    return _text(tmp / "doc.pdf")


# (a) plainnat: authors "First von Last", title lower-cased by the style except braces and the
# first letter (and after ": "), journal volume(number):pages, "doi:" and "URL".
PLAINNAT = [
    "Nature Communications. A multimodal knowledge-enhanced whole-slide pathology foundation model. "
    "Nature Communications, 16(1):11406, 2025. doi: 10.1038/s41467-025-66220-x. URL https://arxiv.org/abs/2407.15362.",
    "Frederick Klauschen, and Maximilian Alber. RudolfV: A foundation model by pathologists for pathologists, "
    "2024. URL https://arxiv.org/abs/2401.04079.",
    # plainnat's @misc prints howpublished and the URL, no DOI
    "Jean-Baptiste Schiratti. Scaling self-supervised learning for histopathology with masked image modeling. "
    "medRxiv, 2023. URL https://www.medrxiv.org/content/10.1101/2023.07.21.23292757v3.",
    "Linda G. Shapiro. Quilt-1M: One million image-text pairs for histopathology. In Advances in Neural "
    "Information Processing Systems, volume 36, pages 37995–38017, 2023.",
    "Philippe Mathieu, Alexander van Eck, Donghun Lee,",
    "John Smith, Jr. and Alexander van Eck. H. pylori infection in CD8+ T cells and “Quoted” "
    "methodology-independent results. Journal of Tests, 1(2):3–4, March 2020.",
]
# (b) biblatex authoryear: "Last, First" for the first name ("von Last" kept with the given name
# after it, "Last Jr., First"), more than three authors "et al.", the full date in parentheses,
# article titles in quotes (nested quotes flipped), "In:" journal volume.number, "p."/"pp.",
# then doi, eprint ("arXiv: id", once) and url; an authorless article starts with its title.
BIBLATEX = [
    "“A multimodal knowledge-enhanced whole-slide pathology foundation model” (2025). In: Nature Communications "
    "16.1, p. 11406. doi: 10.1038/s41467-025-66220-x. arXiv: 2407.15362. url: https://arxiv.org/abs/2407.15362.",
    "Dippel, Jonas et al. (2024). RudolfV: A Foundation Model by Pathologists for Pathologists. arXiv: 2401.04079. "
    "url: https://arxiv.org/abs/2401.04079.",
    "Filiot, Alexandre et al. (2023). Scaling Self-Supervised Learning for Histopathology with Masked Image Modeling. "
    "medRxiv. doi: 10.1101/2023.07.21.23292757. url: https://www.medrxiv.org/content/10.1101/2023.07.21.23292757v3.",
    "Ikezogwo, Wisdom O. et al. (2023). “Quilt-1M: One Million Image-Text Pairs for Histopathology”. In: Advances "
    "in Neural Information Processing Systems. Vol. 36. no. DB1, pp. 37995–38017.",
    "Feng, Ruimin et al. (Oct. 19, 2022). A scan-specific unsupervised method for parallel MRI reconstruction",
    "Smith Jr., John and Alexander van Eck (Mar. 4, 2020). “H. pylori Infection in CD8+ T Cells and ‘Quoted’ "
    "Methodology-Independent Results”. In: Journal of Tests 1.2, pp. 3–4.",
]
# (c) plain: like plainnat without URLs and DOIs, names "First von Last", numbered labels
PLAIN = [
    "A multimodal knowledge-enhanced whole-slide pathology foundation model. Nature Communications, 16(1):11406, 2025.",
    "Maximilian Alber. RudolfV: A foundation model by pathologists for pathologists, 2024.",
    "Linda G. Shapiro. Quilt-1M: One million image-text pairs for histopathology. In Advances in Neural "
    "Information Processing Systems, volume 36, pages 37995–38017, 2023. no. DB1.",
    "Philippe Mathieu, Alexander van Eck, Donghun Lee,",
    "John Smith, Jr. and Alexander van Eck. H. pylori infection in CD8+ T cells and “Quoted” "
    "methodology-independent results. Journal of Tests, 1(2):3–4, March 2020.",
]


def _missing(text: str, expected: list[str]) -> list[str]:
    return [e for e in expected if e not in text]


def test_plainnat_bibtex_renders_tricky_entries(tmp_path: Path) -> None:
    _tools_or_skip()
    assert _missing(_bibtex_doc(_library(), tmp_path, "plainnat", natbib=True), PLAINNAT) == []


def test_biblatex_authoryear_renders_tricky_entries(tmp_path: Path) -> None:
    _tools_or_skip()
    assert _missing(_biber_doc(_library(), tmp_path), BIBLATEX) == []


def test_ascii_plain_bibtex_renders_tricky_entries(tmp_path: Path) -> None:
    _tools_or_skip()
    bib = _library(ascii=True)
    assert bib.isascii()
    assert _missing(_bibtex_doc(bib, tmp_path, "plain", natbib=False), PLAIN) == []
