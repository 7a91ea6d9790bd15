"""Hostile LaTeX in values from outside never reaches a reader's LaTeX build (issue #16, point 2).

Payloads that read a secret file (`\\input`, `\\openin`/`\\read`, `^^5c` character codes,
`\\csname`, `\\def`, `\\catcode` tricks), write or run something (`\\immediate\\write18`), or break
the file (a trailing backslash, unbalanced braces) go in through every door: a README import,
`pathbib add` (Crossref answer from the fake server), `enrich --source file:` (CSL-JSON and
BibTeX) and a hand-written library.bib. The built exports/library.bib is compiled with
pdflatex+bibtex (plainnat) and pdflatex+biber (biblatex): the compile succeeds, the secret's
content is in neither the PDF text nor the log, and no shell command ran.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pathbib.bibio import parse, read_library
from pathbib.cli.app import main
from pathbib.latex import escape, sanitize, sanitize_report
from support.fakeserver import FakeServer

TOKEN = "PATHBIBSECRETTOKEN"


def _payloads(secret: Path, pwned: Path) -> list[str]:
    s = secret.as_posix()
    return [
        rf"Evil \input{{{s}}} title",
        rf"\immediate\write18{{touch {pwned.as_posix()}}} shell",
        rf"\openin5={s} \read5 to \x \x read",
        rf"^^5cinput{{{s}}} carets",
        rf"\csname input\endcsname{{{s}}} csname",
        rf"\def\x{{\input{{{s}}}}}\x def",
        rf"\catcode`\^^@=0 ^^@input{{{s}}} catcode",
        rf"\include{{{s}}} \usepackage{{{s}}} include",
        r"$\input{" + s + r"}$ math",
        r"title ending in a backslash \\",
    ]


# --------------------------------------------------------------------------- pure


def test_sanitize_keeps_text_markup_and_disarms_the_rest() -> None:
    assert sanitize(r"M{\"u}ller \emph{and} \textit{x} 50\% \& $\alpha$-net {\'\i}") == (
        r"M{\"u}ller \emph{and} \textit{x} 50\% \& $\alpha$-net {\'\i}"
    )
    assert sanitize(r"a \input{/etc/passwd} b") == r"a \textbackslash{}input{/etc/passwd} b"
    assert sanitize("ends in \\") == r"ends in \textbackslash{}"
    assert sanitize("Alice }Evil, Eve {Foo") == r"Alice \textbraceright{}Evil, Eve \textbraceleft{}Foo"
    assert sanitize("^^5cinput") == r"\textasciicircum{}\textasciicircum{}5cinput"
    assert sanitize(r"$\input{x}$") == r"\$\textbackslash{}input{x}\$"
    assert sanitize_report(r"\write18{x}")[1] == [r"\write"]
    assert (
        escape(r"a {b} \c } d")
        == r"a \textbraceleft{}b\textbraceright{} \textbackslash{}c \textbraceright{} d"
    )


def test_the_biblatex_text_commands_the_export_defines_for_bibtex_pass_the_sanitizer() -> None:
    # the BibTeX export gives classic styles a \providecommand for these; the sanitizer must keep them
    from pathbib.exporters.bibtex import _BIBLATEX_ONLY

    for word in sorted(_BIBLATEX_ONLY):
        assert sanitize(rf"a \{word}{{x}} b") == rf"a \{word}{{x}} b", word


@pytest.mark.parametrize(
    "value",
    [
        r"\input{x}",
        r"\immediate\write18{rm -rf x}",
        "^^5cinput{x}",
        r"\csname input\endcsname",
        r"\def\a{b}",
        r"\catcode`\^^M=13",
        r"\usepackage{x}",
        r"\openin1=x",
        r"\read1 to\x",
        r"\include{x}",
    ],
)
def test_no_dangerous_control_sequence_survives(value: str) -> None:
    out = sanitize(value)
    for word in (
        "input",
        "write",
        "csname",
        "def",
        "catcode",
        "usepackage",
        "openin",
        "read",
        "include",
        "immediate",
    ):
        assert "\\" + word not in out.replace(r"\textbackslash{}", "")
    assert "^^" not in out
    assert out.count("{") == out.count("}")


# --------------------------------------------------------------------------- compile helpers


def _tools() -> None:
    from support.latexkit import _tools_or_skip

    _tools_or_skip()
    if shutil.which("pdftotext") is None:
        import os as _os

        if _os.environ.get("CI") == "true" or _os.environ.get("PATHBIB_REQUIRE_LATEX") == "1":
            pytest.fail("pdftotext missing; CI must install poppler-utils (.ci/run)")
        pytest.skip("pdftotext missing")


def _compile_and_inspect(bib: str, tmp: Path, pwned: Path) -> None:
    from support.latexkit import _compile_biber, _compile_bibtex

    for name, compile_ in (("bibtex", _compile_bibtex), ("biber", _compile_biber)):
        d = tmp / name
        d.mkdir(parents=True)
        compile_(bib, d)
        text = subprocess.run(
            ["pdftotext", "doc.pdf", "-"], cwd=d, capture_output=True, text=True, check=True
        ).stdout
        log = (d / "doc.log").read_text(encoding="utf-8", errors="replace")
        assert TOKEN not in text and TOKEN not in log, f"{name}: the secret was read"
        assert "input" in text  # the disarmed payload is printed as text instead
        assert not pwned.exists(), f"{name}: a shell command ran"


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    secret_dir = tmp_path / "outside"
    secret_dir.mkdir()
    secret = secret_dir / "secret.tex"
    secret.write_text(TOKEN + "\n", encoding="utf-8")
    pwned = tmp_path / "PWNED"
    project = tmp_path / "project"
    project.mkdir()
    return project, pwned, _payloads(secret, pwned)


def _build(project: Path) -> str:
    assert main(["--config", str(project / "pathbib.toml"), "build"]) == 0
    return (project / "exports" / "library.bib").read_text(encoding="utf-8")


CONFIG = 'library = "library.bib"\n'


# --------------------------------------------------------------------------- the doors


@pytest.mark.latex
def test_the_probe_detects_an_injection_that_is_not_disarmed(
    tmp_path: Path, hostile: tuple[Path, Path, list[str]]
) -> None:
    """Control: the same payload, written to a .bib by hand, does read the secret."""
    _tools()
    _project, pwned, payloads = hostile
    from support.latexkit import _run

    d = tmp_path / "raw"
    d.mkdir()
    (d / "refs.bib").write_text(
        f"@misc{{a, author = {{A, B}}, title = {{{payloads[0]}}}, year = {{2020}}}}\n", encoding="utf-8"
    )
    (d / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{natbib}\n\\begin{document}\n\\nocite{*}\n"
        "\\bibliographystyle{plainnat}\n\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    _run(["pdflatex", "-interaction=nonstopmode", "doc.tex"], d)
    _run(["bibtex", "doc"], d)
    _run(["pdflatex", "-interaction=nonstopmode", "doc.tex"], d)
    text = subprocess.run(
        ["pdftotext", "doc.pdf", "-"], cwd=d, capture_output=True, text=True, check=True
    ).stdout
    assert TOKEN in text


@pytest.mark.latex
def test_hand_written_library(hostile: tuple[Path, Path, list[str]], tmp_path: Path) -> None:
    _tools()
    project, pwned, payloads = hostile
    (project / "pathbib.toml").write_text(CONFIG, encoding="utf-8")
    blocks = []
    for i, p in enumerate(payloads):
        body = p if p.count("{") == p.count("}") else p.replace("{", "").replace("}", "")
        blocks.append(
            f"@article{{hand{i},\n  author = {{Doe, Jane}},\n  title = {{{body}}},\n"
            f"  journal = {{{body}}},\n  year = {{2020}},\n  note = {{{body}}},\n}}\n"
        )
    (project / "library.bib").write_text("\n".join(blocks), encoding="utf-8")
    lib, _ = read_library(project / "library.bib")
    assert not lib.failed
    # check reports every value the export disarms
    assert main(["--config", str(project / "pathbib.toml"), "check", "--select", "PB505"]) in (0, 1)
    bib = _build(project)
    _compile_and_inspect(bib, tmp_path / "c", pwned)


@pytest.mark.latex
def test_readme_import(hostile: tuple[Path, Path, list[str]], tmp_path: Path) -> None:
    _tools()
    project, pwned, payloads = hostile
    items = []
    for i, p in enumerate(payloads):
        items.append(
            f"{i + 1}. **{p}**\n    - Publication Date: 24th Jul. 2023\n    - Authors: Alice }}Evil, Eve {{Foo, Mallory \\input{{x}}\n"
            f"    - [PDF](https://arxiv.org/abs/2301.{i:05d})\n"
        )
    readme = project / "README.md"
    readme.write_text("# Hostile\n\n## Papers\n\n" + "\n".join(items), encoding="utf-8")
    cfg = ["--config", str(project / "pathbib.toml")]
    (project / "pathbib.toml").write_text(CONFIG, encoding="utf-8")
    assert main([*cfg, "import", str(readme)]) == 0
    first = (project / "library.bib").read_text(encoding="utf-8")
    lib = parse(first)
    assert not lib.failed, [f.reason for f in lib.failed]
    assert len(lib.entries) == len(payloads)
    assert main([*cfg, "import", str(readme)]) == 0  # re-import: no broken copies appended
    again = parse((project / "library.bib").read_text(encoding="utf-8"))
    assert not again.failed and len(again.entries) == len(payloads)
    bib = _build(project)
    _compile_and_inspect(bib, tmp_path / "c", pwned)


def _work(doi: str, title: str, family: str) -> dict[str, object]:
    return {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "container-title": ["Journal of " + title],
        "author": [{"given": "Eve", "family": family, "sequence": "first"}],
        "issued": {"date-parts": [[2024, 1, 2]]},
        "published": {"date-parts": [[2024, 1, 2]]},
        "volume": "1",
        "page": "1-2",
        "URL": f"https://doi.org/{doi}",
    }


@pytest.mark.latex
def test_add_from_crossref_and_enrich_from_files(
    hostile: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    _tools()
    project, pwned, payloads = hostile
    works = [_work(f"10.5555/hostile.{i}", p, p.split()[0]) for i, p in enumerate(payloads)]
    (project / "library.bib").write_text("", encoding="utf-8")
    with FakeServer(works, []) as srv:
        (project / "pathbib.toml").write_text(
            CONFIG + f'[enrich]\ncrossref-url = "{srv.crossref_url}"\narxiv-url = "{srv.arxiv_url}"\n'
            "timeout = 5\ncrossref-interval = 0\narxiv-interval = 0\nretries = 0\n"
            f'cache = "{(project / "cache.sqlite").as_posix()}"\n',
            encoding="utf-8",
        )
        cfg = ["--config", str(project / "pathbib.toml")]
        for i in range(len(payloads)):
            assert main([*cfg, "add", f"10.5555/hostile.{i}"]) == 0
    lib, _ = read_library(project / "library.bib")
    assert not lib.failed and len(lib.entries) == len(payloads)
    # enrich --source file: a CSL-JSON record and a BibTeX record for two bare entries
    with (project / "library.bib").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n@misc{bare1,\n  doi = {10.5555/file.1},\n}\n\n@misc{bare2,\n  doi = {10.5555/file.2},\n}\n"
        )
    (project / "rec.json").write_text(
        json.dumps(
            [
                {
                    "id": "x",
                    "type": "article-journal",
                    "DOI": "10.5555/file.1",
                    "title": payloads[0],
                    "author": [{"family": payloads[1], "given": "Eve"}],
                    "container-title": payloads[3],
                    "issued": {"date-parts": [[2021]]},
                }
            ]
        ),
        encoding="utf-8",
    )
    (project / "rec.bib").write_text(
        f"@article{{y,\n  doi = {{10.5555/file.2}},\n  title = {{{payloads[4]}}},\n  author = {{Doe, Jane}},\n"
        f"  journal = {{{payloads[5]}}},\n  year = {{2022}},\n}}\n",
        encoding="utf-8",
    )
    cfg = ["--config", str(project / "pathbib.toml")]
    assert main([*cfg, "enrich", "--source", "file:" + str(project / "rec.json"), "--no-search"]) == 0
    assert main([*cfg, "enrich", "--source", "file:" + str(project / "rec.bib"), "--no-search"]) == 0
    lib, _ = read_library(project / "library.bib")
    assert not lib.failed
    b1, b2 = lib.get("bare1"), lib.get("bare2")
    assert b1 is not None and "textbackslash{}input" in (b1.get("title") or "")
    assert b2 is not None and "textbackslash{}csname" in (b2.get("title") or "")
    bib = _build(project)
    _compile_and_inspect(bib, tmp_path / "c", pwned)
