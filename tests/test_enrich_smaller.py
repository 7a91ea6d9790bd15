"""Issue #13 point 8: one-letter abbreviations, plain search text, identifiers found by a search
cached under the identifier, and two DOIs with identical metadata. Real shapes, local server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pathbib.bibio import read_library
from pathbib.enrich import abbreviates
from support.fakeserver import FakeServer
from support.realshapes import arxiv_with_title, crossref_work, project, run

JCP = "10.1136/jclinpath-2020-206745"
JOR = "10.1002/jor.1100150407"
ORG = "10.4095/110861"


@pytest.mark.parametrize(
    ("short", "full", "ok"),
    [
        ("J Clin Pathol", "Journal of Clinical Pathology", True),
        ("J. Orthop. Res.", "Journal of Orthopaedic Research", True),
        ("J Clin Pathol", "Journal of Clinical Oncology", False),
        ("J", "Journal", False),
        ("J Clin", "Journal of Clinical Pathology", False),
    ],
)
def test_abbreviations_whose_first_word_is_one_letter(short: str, full: str, ok: bool) -> None:
    assert abbreviates(short, full) is ok


def test_abbreviated_journals_are_expanded_not_conflicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = (
        f"@article{{xu, journal = {{J Clin Pathol}}, doi = {{{JCP}}}}}\n"
        f"@article{{lieber, journal = {{J. Orthop. Res.}}, year = {{1997}}, doi = {{{JOR}}}}}\n"
    )
    with FakeServer([crossref_work(JCP), crossref_work(JOR)], []) as srv:
        libpath, toml = project(tmp_path, srv, bib)
        assert run(libpath, toml, "enrich", "--json", "--source", "crossref") == 0
    rep = json.loads(capsys.readouterr().out)
    journal = {c["key"]: c for c in rep["changes"] if c["field"] == "journal"}
    assert journal["xu"]["kind"] == "update" and journal["xu"]["new"] == "Journal of Clinical Pathology"
    assert (
        journal["lieber"]["kind"] == "update"
        and journal["lieber"]["new"] == "Journal of Orthopaedic Research"
    )


def test_identifiers_found_by_a_search_answer_the_next_run_from_the_cache(tmp_path: Path) -> None:
    omega = arxiv_with_title("Test: WebView-Oriented")
    year = omega["published"][:4]
    bib = (
        "@article{xu, title = {Construction of a reference material panel for detecting "
        "{KRAS}/{NRAS}/{EGFR}/{BRAF}/{MET} mutations in plasma ctDNA}, year = {2021}}\n"
        f"@misc{{omega, title = {{{omega['title']}}}, year = {{{year}}}}}\n"
    )
    with FakeServer([crossref_work(JCP)], [omega]) as srv:
        libpath, toml = project(tmp_path, srv, bib)
        assert run(libpath, toml, "enrich") == 0
        lib = read_library(libpath)[0]
        assert lib.get("xu").get("doi") == JCP and lib.get("omega").get("eprint") == omega["id"]  # type: ignore[union-attr]
        first = len(srv.hits)
        srv.reset_log()
        assert run(libpath, toml, "enrich") == 0
        assert first > 0 and srv.hits == []


def test_two_dois_with_identical_metadata_are_reported_not_picked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = crossref_work(ORG)
    two = crossref_work(ORG, DOI="10.4095/110862")
    bib = "@techreport{gsc, title = {Fargey Creek, Manitoba}, year = {1964}}\n"
    with FakeServer([one, two], []) as srv:
        libpath, toml = project(tmp_path, srv, bib)
        assert run(libpath, toml, "enrich", "--json", "--source", "crossref") == 0
    rep = json.loads(capsys.readouterr().out)
    assert read_library(libpath)[0].get("gsc").get("doi") is None  # type: ignore[union-attr]
    sug = [f for f in rep["findings"] if f["rule"] == "EN201"]
    assert {f["fix"] for f in sug} == {
        "add doi = {10.4095/110861} if this is the paper",
        "add doi = {10.4095/110862} if this is the paper",
    }
    assert all("identical metadata" in f["message"] for f in sug)
