"""BibTeX export read the same way by Zotero, biblatex and plainnat (issue #12): types kept,
eprints typed, full dates, name suffixes in `von Last, Jr, First` form."""

from __future__ import annotations

import pytest

from pathbib.bibio import parse
from pathbib.exporters.bibtex import export_bibtex


def _entry(text: str) -> dict[str, str]:
    lib = parse(export_bibtex(parse(text)))
    assert len(lib.entries) == 1 and not lib.failed
    e = lib.entries[0]
    return {"@type": e.entry_type, **e.as_dict()}


def test_authorless_article_stays_an_article_with_a_sort_key() -> None:
    f = _entry(
        "@article{m, title = {A multimodal knowledge-enhanced whole-slide pathology foundation model},"
        " journal = {Nature Communications}, volume = {16}, number = {1}, pages = {11406}, year = {2025},"
        " doi = {10.1038/s41467-025-66220-x}, eprint = {2407.15362}, archiveprefix = {arXiv}}"
    )
    assert f["@type"] == "article"
    assert (f["journal"], f["volume"], f["number"], f["pages"]) == (
        "Nature Communications",
        "16",
        "1",
        "11406",
    )
    # plainnat prints the key in the author's place: the journal, so the title is printed once
    assert f["key"] == "Nature Communications"
    assert "howpublished" not in f


def test_article_without_journal_is_misc() -> None:
    assert _entry("@article{k, author = {Doe, Jane}, title = {T}, year = 2020}")["@type"] == "misc"


def test_preprint_gets_eprinttype_and_no_repeated_howpublished() -> None:
    f = _entry(
        "@misc{k, author = {Doe, Jane}, title = {T}, year = {2023}, eprint = {2307.14363},"
        " archiveprefix = {arXiv}, howpublished = {arXiv preprint arXiv:2307.14363}}"
    )
    assert (f["eprint"], f["eprinttype"], f["archiveprefix"]) == ("2307.14363", "arxiv", "arXiv")
    assert "howpublished" not in f


def test_other_server_eprinttype_kept() -> None:
    f = _entry(
        "@online{k, author = {Doe, Jane}, title = {T}, date = {2021}, eprint = {123456}, eprinttype = {jstor}}"
    )
    assert f["eprinttype"] == "jstor" and "archiveprefix" not in f


def test_preprint_server_in_howpublished_is_also_the_publisher() -> None:
    # Zotero keeps a publisher as the item's publisher, a howpublished only as text in Extra
    f = _entry("@misc{k, author = {Doe, Jane}, title = {T}, year = {2023}, howpublished = {medRxiv}}")
    assert (
        f["publisher"] == "medRxiv" and f["howpublished"] == "medRxiv"
    )  # @misc styles print only howpublished
    g = _entry("@misc{k, author = {Doe, Jane}, title = {T}, year = {2023}, howpublished = {Lecture notes}}")
    assert g["howpublished"] == "Lecture notes" and "publisher" not in g


def test_full_date_kept_next_to_year_and_month() -> None:
    f = _entry("@misc{k, author = {Doe, Jane}, title = {T}, year = {2022}, date = {2022-10-19}}")
    assert (f["date"], f["year"], f["month"]) == ("2022-10-19", "2022", "oct")


def test_year_only_date_with_month_keeps_the_month() -> None:
    f = _entry("@article{k, author = {Doe, Jane}, title = {T}, journal = {J}, date = {2020}, month = mar}")
    assert f["year"] == "2020" and f["month"] == "mar" and "date" not in f


@pytest.mark.parametrize(
    "written",
    ["Smith, Jr., John", "John Smith, Jr.", "Smith Jr., John", "John Smith Jr.", "Smith, Jr, John"],
)
def test_name_suffix_in_von_last_jr_first_form(written: str) -> None:
    f = _entry(
        f"@article{{k, author = {{Doe, Jane and {written}}}, title = {{T}}, journal = {{J}}, year = 2020}}"
    )
    jr = "Jr" if written.endswith("Jr, John") else "Jr."
    assert f["author"] == f"Doe, Jane and Smith, {jr}, John"


def test_plain_names_are_left_as_written() -> None:
    f = _entry(
        "@article{k, author = {Jane Doe and van Eck, Alexander}, title = {T}, journal = {J}, year = 2020}"
    )
    assert f["author"] == "Jane Doe and van Eck, Alexander"


def test_biblatex_extended_name_format_made_classic() -> None:
    f = _entry(
        "@book{k, author = {family=Goethe, given=Johann Wolfgang, prefix=von, useprefix=true},"
        " title = {Faust}, publisher = {P}, year = 1808}"
    )
    assert f["author"] == "von Goethe, Johann Wolfgang"
