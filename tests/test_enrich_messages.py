"""What enrich and add say (issue #13 points 4 and 5): arXiv DOIs Crossref does not know, a source
failing during `add`, an HTML page served with 200, a failed arXiv title search that Crossref
makes up for, and a long Retry-After. Real shapes through the local server and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pathbib.bibio import read_library
from support.fakeserver import FakeServer, Fault
from support.realshapes import arxiv_entry, crossref_work, project, run

JCP = "10.1136/jclinpath-2020-206745"
JOR = "10.1002/jor.1100150407"
HTML = (
    b"<!DOCTYPE html>\n<html><head><title>Crossref - maintenance</title></head>\n<body>\n"
    + b"<p>We are performing scheduled maintenance. Please come back later.</p>\n" * 40
    + b"</body></html>\n"
)


def test_arxiv_doi_unknown_to_crossref_is_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = arxiv_entry("1111.2011")
    assert a["doi"] == "10.1103/PhysRevB.85.115117"  # the recorded arXiv answer names a publisher DOI
    with FakeServer([], [a]) as srv:
        libpath, toml = project(tmp_path, srv, "@misc{dm, eprint = {1111.2011}, archiveprefix = {arXiv}}\n")
        assert run(libpath, toml, "enrich", "--json", "--no-search") == 0
        asked = [h.path for h in srv.requests("crossref")]
    rep = json.loads(capsys.readouterr().out)
    assert any("10.1103" in p for p in asked)  # Crossref was asked and does not know it
    sug = [f for f in rep["findings"] if f["rule"] == "EN402"]
    assert (
        len(sug) == 1 and "published version found on arXiv, not confirmed by Crossref" in sug[0]["message"]
    )
    assert "10.1103/physrevb.85.115117" in sug[0]["message"].lower() and "Phys. Rev. B" in sug[0]["message"]
    e = read_library(libpath)[0].get("dm")
    assert e is not None and e.get("doi") is None and e.entry_type == "misc"  # nothing written unconfirmed


def test_add_says_the_source_failed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with FakeServer([crossref_work(JCP)], []) as srv:
        srv.inject("crossref", *[Fault("status", 500)] * 4)
        libpath, toml = project(tmp_path, srv, "")
        assert run(libpath, toml, "add", JCP, "--source", "crossref") == 3
    err = capsys.readouterr().err
    assert "source failed" in err and "server error 500" in err
    assert "no record found" not in err and "check the identifier" not in err
    assert read_library(libpath, missing_ok=True)[0].entries == ()


def test_html_page_with_200_is_one_line_once_without_retries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    works = [crossref_work(JCP), crossref_work(JOR)]
    bib = "".join(f"@article{{k{i}, doi = {{10.9999/missing.{i}}}}}\n" for i in range(25))
    bib += f"@article{{xu, doi = {{{JCP}}}}}\n@article{{lieber, doi = {{{JOR}}}}}\n"
    with FakeServer(works, []) as srv:
        srv.inject("crossref", Fault("body", body=HTML))
        libpath, toml = project(tmp_path, srv, bib)
        assert run(libpath, toml, "enrich", "--json", "--source", "crossref") == 3
        assert len(srv.requests("crossref")) == 1  # not retried, and the next batch is not sent into it
    rep = json.loads(capsys.readouterr().out)
    errors = [f for f in rep["findings"] if f["rule"] == "EN002"]
    assert len(errors) == 27
    for f in errors:
        assert "\n" not in f["message"] and "<" not in f["message"] and len(f["message"]) < 220, f["message"]
    assert "HTML page" in errors[0]["message"]


def test_failed_arxiv_title_search_then_crossref_success_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = (
        "@article{xu,\n  title = {Construction of a reference material panel for detecting "
        "{KRAS}/{NRAS}/{EGFR}/{BRAF}/{MET} mutations in plasma ctDNA},\n  year = {2021}\n}\n"
    )
    with FakeServer([crossref_work(JCP)], []) as srv:
        srv.inject("arxiv", *[Fault("status", 503)] * 4)
        libpath, toml = project(tmp_path, srv, bib)
        code = run(libpath, toml, "enrich", "--json")
        searched = [h.path for h in srv.requests("crossref", "search")]
    rep = json.loads(capsys.readouterr().out)
    assert code == 0
    mine = [f for f in rep["findings"] if f["key"] == "xu"]
    assert not [f for f in mine if f["severity"] == "error"], mine
    assert any(f["severity"] == "warning" and "arXiv title search" in f["message"] for f in mine)
    assert read_library(libpath)[0].get("xu").get("doi") == JCP  # type: ignore[union-attr]
    # point 6: the search text sent to Crossref has the LaTeX removed
    assert (
        len(searched) == 1
        and "%7B" not in searched[0]
        and "{" not in searched[0]
        and "KRAS%2FNRAS" in searched[0]
    )


def test_long_retry_after_says_how_long_the_server_asked_to_wait(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = f"@article{{xu, doi = {{{JCP}}}}}\n" + "".join(
        f"@article{{k{i}, doi = {{10.9999/later.{i}}}}}\n" for i in range(20)
    )
    with FakeServer([crossref_work(JCP)], []) as srv:
        srv.inject("crossref", Fault("status", 429, {"Retry-After": "7200"}))
        libpath, toml = project(tmp_path, srv, bib)
        assert run(libpath, toml, "enrich", "--source", "crossref") == 3
        assert len(srv.requests("crossref")) == 1  # not retried, and the second DOI batch is not sent either
    err = capsys.readouterr().err
    assert "asked to wait 2 h" in err
