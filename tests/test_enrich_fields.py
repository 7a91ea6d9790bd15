"""Enrich keeps every fact a record gives (issue #13 points 2 and 3): name parts, chapter editors
and ISBN, ISSN, the landing URL, the preprint server of posted content, subtitles, title markup
and arXiv TeX math. Real Crossref/arXiv shapes through the local server and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathbib.bibio import read_library
from pathbib.model import Entry
from pathbib.names import format_name, split_names
from pathbib.sources.local import parse_csl_item
from support.fakeserver import FakeServer
from support.realshapes import arxiv_entry, arxiv_with_title, crossref_work, project, run

JOR = "10.1002/jor.1100150407"  # an author with suffix "Jr."
ORG = "10.4095/110861"  # report by an organisation (`name`, no family)
CHAPTER = "10.1007/978-3-0348-8720-5_13"  # book chapter with print and electronic ISBN
JCP = "10.1136/jclinpath-2020-206745"  # article with typed ISSNs and a landing page
BIORXIV = "10.1101/014852"  # posted-content, institution bioRxiv
WIDGET = "10.1145/3027385.3027428"  # title ending in "!" plus a subtitle
RU = "10.1039/d0ce00680g"  # <sub>/<sup> in the title


def _enrich(
    tmp_path: Path,
    works: list[dict],
    bib: str,
    arxiv: list[dict] | None = None,
    sources: tuple[str, ...] = ("crossref",),
) -> dict[str, Entry]:
    with FakeServer(works, arxiv or []) as srv:
        libpath, toml = project(tmp_path, srv, bib)
        args = [a for s in sources for a in ("--source", s)]
        assert run(libpath, toml, "enrich", *args) == 0
    return {e.key: e for e in read_library(libpath)[0].entries}


# --------------------------------------------------------------------------- point 2: names


def test_crossref_suffix_is_kept_as_the_jr_part(tmp_path: Path) -> None:
    e = _enrich(tmp_path, [crossref_work(JOR)], f"@article{{lieber, doi = {{{JOR}}}}}\n")["lieber"]
    names = split_names(e.get("author") or "")
    hora = next(n for n in names if n.last == "Hora")
    assert (hora.first, hora.jr) == ("Donald", "Jr.")
    assert len(names) == 12


def test_organisation_authors_are_protected_and_particles_round_trip(tmp_path: Path) -> None:
    work = crossref_work(JOR)
    work["author"][1] = {
        "given": "Mark J.",
        "family": "van der Laan",
        "sequence": "additional",
        "affiliation": [],
    }
    works = [crossref_work(ORG), work]
    got = _enrich(
        tmp_path, works, f"@techreport{{gsc, doi = {{{ORG}}}}}\n@article{{lieber, doi = {{{JOR}}}}}\n"
    )
    (org,) = split_names(got["gsc"].get("author") or "")
    assert org.literal == "Geological Survey of Canada"
    laan = split_names(got["lieber"].get("author") or "")[1]
    assert (laan.von, laan.last, laan.first) == ("van der", "Laan", "Mark J.")
    assert format_name(laan) == "van der Laan, Mark J."


def test_arxiv_and_csl_names_keep_particles_and_suffixes() -> None:
    from pathbib.sources.arxiv import author_name

    assert author_name("Adrian Del Maestro") == "Del Maestro, Adrian"
    assert author_name("Donald Hora Jr.") == "Hora, Jr., Donald"
    rec = parse_csl_item(
        {
            "id": "x",
            "type": "article-journal",
            "title": "T",
            "author": [
                {"family": "Laan", "non-dropping-particle": "van der", "given": "Mark J."},
                {"family": "Hora", "given": "Donald", "suffix": "Jr."},
            ],
        }
    )
    parts = [split_names(a)[0] for a in rec.authors]
    assert (parts[0].von, parts[0].last) == ("van der", "Laan")
    assert (parts[1].last, parts[1].jr, parts[1].first) == ("Hora", "Jr.", "Donald")


# --------------------------------------------------------------------------- point 3: fields


def test_chapter_gets_editor_isbn_publisher_and_the_article_its_issn_and_landing_page(tmp_path: Path) -> None:
    chapter = crossref_work(CHAPTER)
    chapter["editor"] = [
        {"given": "Michael", "family": "Fey", "sequence": "first", "affiliation": []},
        {"given": "Rolf", "family": "Jeltsch", "sequence": "additional", "affiliation": []},
    ]
    bib = f"@incollection{{bouchut, doi = {{{CHAPTER}}}}}\n@article{{xu, doi = {{{JCP}}}}}\n"
    got = _enrich(tmp_path, [chapter, crossref_work(JCP)], bib)
    ch = got["bouchut"]
    assert ch.get("editor") == "Fey, Michael and Jeltsch, Rolf"
    assert ch.get("isbn") == "9783034897426"  # the print ISBN (isbn-type), not the electronic one
    assert ch.get("booktitle") == "Hyperbolic Problems: Theory, Numerics, Applications"
    assert ch.get("publisher") == "Birkhäuser Basel"
    art = got["xu"]
    assert art.get("issn") == "0021-9746"
    assert art.get("url") == "https://jcp.bmj.com/lookup/doi/10.1136/jclinpath-2020-206745"
    assert art.get("editor") is None


def test_journal_article_academic_editors_are_not_written(tmp_path: Path) -> None:
    plos = "10.1371/journal.pone.0033693"
    work = crossref_work(plos)
    assert work.get("editor")
    e = _enrich(tmp_path, [work], f"@article{{plos, doi = {{{plos}}}}}\n")["plos"]
    assert e.get("editor") is None and e.get("author")
    assert not (e.get("url") or "").startswith(("https://doi.org", "http://dx.doi.org"))


def test_add_posted_content_names_its_preprint_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeServer([crossref_work(BIORXIV)], []) as srv:
        libpath, toml = project(tmp_path, srv, "")
        assert run(libpath, toml, "add", BIORXIV, "--source", "crossref") == 0, capsys.readouterr().err
    (e,) = read_library(libpath)[0].entries
    assert e.entry_type == "misc" and e.get("doi") == BIORXIV
    assert e.get("howpublished") == "bioRxiv"
    assert e.get("author") and e.get("title") and e.get("year")


def test_subtitle_punctuation_markup_and_arxiv_math(tmp_path: Path) -> None:
    omega = arxiv_with_title("Test: WebView-Oriented")
    bib = (
        f"@inproceedings{{widget, doi = {{{WIDGET}}}}}\n@article{{ru, doi = {{{RU}}}}}\n"
        f"@misc{{omega, eprint = {{{omega['id']}}}, archiveprefix = {{arXiv}}}}\n"
    )
    got = _enrich(tmp_path, [crossref_work(WIDGET), crossref_work(RU)], bib, [omega], ("crossref", "arxiv"))
    title = got["widget"].get("title") or ""
    assert "indeed! using results" in title and "!:" not in title
    assert "[Ru(bpy)$_3$]$^{2+}$" in (got["ru"].get("title") or "")
    assert (got["omega"].get("title") or "").startswith("$ω$Test: WebView-Oriented")


def test_subtitle_joins_with_a_colon_otherwise() -> None:
    from pathbib.sources.crossref import join_subtitle, parse_work

    assert join_subtitle("Scaling", "a study") == "Scaling: a study"
    assert join_subtitle("Why?", "An answer") == "Why? An answer"
    science = parse_work(crossref_work("10.1126/science.169.3946.635"))
    assert ": New data and interpretations" in science.title


def test_a_real_arxiv_record_keeps_its_math_through_the_feed() -> None:
    from pathbib.sources.arxiv import parse_feed
    from support.fakeserver import render_feed

    omega = arxiv_with_title("Test: WebView-Oriented")
    (rec,) = parse_feed(render_feed({}, [omega], 1))
    assert rec.title_latex.startswith("$ω$Test") and arxiv_entry(omega["id"])["title"] == rec.title
