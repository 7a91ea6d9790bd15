"""biblatex's data model as it is really written (issue #12), each point from biblatex's own
examples (../shared/corpora/bib-samples/biblatex-examples.bib) or its manual: bibstrings,
title/booktitle addons and addendum, list fields, the extended name format, @xdata, years
before 1000 and negative years, open ranges, EDTF seasons and approximate dates, langid."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import shared_path
from pathbib.bibio import parse
from pathbib.exporters.bibtex import export_bibtex
from pathbib.exporters.csl_json import CslOptions, csl_items


@pytest.fixture(scope="module")
def bx() -> dict[str, dict[str, Any]]:
    lib = parse(shared_path("corpora/bib-samples/biblatex-examples.bib").read_text(encoding="utf-8"))
    return {d["id"]: d for d in csl_items(lib)}


def _one(bib: str, strict: bool = False) -> dict[str, Any]:
    items = csl_items(parse(bib), CslOptions(strict=strict))
    assert len(items) == 1
    return items[0]


def test_bibstring_series(bx: dict[str, Any]) -> None:
    # gillies: series = {newseries} is biblatex's localisation key, printed "new series"
    assert bx["gillies"]["collection-title"] == "new series"


def test_pubstate_bibstring() -> None:
    assert (
        _one("@article{k, title = {T}, journaltitle = {J}, date = {2024}, pubstate = {inpress}}")["status"]
        == "in press"
    )


def test_booktitleaddon_and_titleaddon(bx: dict[str, Any]) -> None:
    assert bx["salam"]["container-title"] == (
        "Elementary particle theory: Relativistic groups and analyticity. "
        'Proceedings of the <span class="nocase">Eighth Nobel Symposium</span>'
    )
    item = _one("@book{k, title = {Opera}, titleaddon = {Edited from the manuscripts}, date = {1900}}")
    assert item["title"] == "Opera. Edited from the manuscripts"


def test_addendum_goes_to_note() -> None:
    item = _one("@book{k, title = {T}, date = {1900}, addendum = {Reprint of the 1850 edition}}")
    assert item["note"] == "Reprint of the 1850 edition"


def test_list_fields_are_joined_with_semicolons(bx: dict[str, Any]) -> None:
    # gerhardt: location = {Durham and London}
    assert bx["gerhardt"]["publisher-place"] == "Durham; London"
    assert bx["hammond"]["publisher"] == "International Union of Crystallography; Oxford University Press"


@pytest.mark.parametrize("strict", [True, False])
def test_extended_name_format(strict: bool) -> None:
    item = _one(
        "@book{k, author = {family=Goethe, given=Johann Wolfgang, prefix=von, useprefix=true and "
        "given={Jean}, family={de la Fontaine}}, title = {T}, date = {1800}}",
        strict,
    )
    if strict:
        assert item["author"] == [
            {"family": "Goethe", "given": "Johann Wolfgang", "non-dropping-particle": "von"},
            {"family": "de la Fontaine", "given": "Jean"},
        ]
    else:
        assert item["author"] == [
            {"family": "von Goethe", "given": "Johann Wolfgang"},
            {"family": "de la Fontaine", "given": "Jean"},
        ]


XDATA = """
@xdata{hostkey,
  publisher = {Publisher},
  location = {Location},
}
@xdata{nested,
  xdata = {hostkey},
  series = {Series},
}
@book{key1,
  author = {Author, Anne},
  title = {Title},
  date = {2000},
  xdata = {nested},
  location = {Own Location},
}
"""


def test_xdata_fields_are_merged_and_xdata_entries_not_exported() -> None:
    items = csl_items(parse(XDATA))
    assert [i["id"] for i in items] == ["key1"]
    assert (items[0]["publisher"], items[0]["publisher-place"], items[0]["collection-title"]) == (
        "Publisher",
        "Own Location",
        "Series",
    )
    bib = parse(export_bibtex(parse(XDATA)))
    assert [e.key for e in bib.entries] == ["key1"]
    e = bib.entries[0]
    assert e.get("publisher") == "Publisher" and e.get("series") == "Series" and "xdata" not in e


@pytest.mark.parametrize(
    ("date", "issued"),
    [
        ("0850", {"date-parts": [[850]]}),  # years before 1000: not `literal`
        ("0850-05-01", {"date-parts": [[850, 5, 1]]}),
        ("-0379", {"date-parts": [[-380]]}),  # astronomical -379 is 380 BCE; CSL has no year 0
        ("1999-10-14/", {"date-parts": [[1999, 10, 14], [0]]}),  # open range: "1999–"
        ("1999-10-14/..", {"date-parts": [[1999, 10, 14], [0]]}),
        ("2014-21", {"date-parts": [[2014]], "season": 1}),  # EDTF season: spring
        ("2014-24", {"date-parts": [[2014]], "season": 4}),
        ("1590~", {"date-parts": [[1590]], "circa": True}),
        ("19XX", {"date-parts": [[1900], [1999]]}),
        ("2016-07-01T12:00:00", {"date-parts": [[2016, 7, 1]]}),
        ("13th century", {"literal": "13th century"}),
    ],
)
def test_biblatex_dates(date: str, issued: dict[str, Any]) -> None:
    assert _one(f"@book{{k, title = {{T}}, date = {{{date}}}}}")["issued"] == issued


def test_year_field_before_1000() -> None:
    assert _one("@book{k, title = {T}, year = {850}}")["issued"] == {"date-parts": [[850]]}


def test_langid_and_language(bx: dict[str, Any]) -> None:
    assert bx["angenendt"]["language"] == "de"  # langid = {german}
    assert _one("@book{k, title = {T}, date = {2000}, language = {english and german}}")["language"] == "en"
    # a German title is not sentence-cased
    german = _one("@book{k, title = {Die Rolle Der Sprache}, date = {2000}, langid = {ngerman}}")
    assert german["title"] == "Die Rolle Der Sprache"
