"""Enrich never invents or contradicts a date (issue #13 point 1), fed real Crossref shapes
through the local server, and a property test over generated records and libraries (`check` PB306, which
flags contradictions already in a library, is tested in tests/check/test_pb3_dates.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathbib.bibio import read_library
from pathbib.dates import disagreement
from pathbib.enrich import Options, apply, plan
from pathbib.model import Entry, Field, Library
from pathbib.sources.crossref import parse_work
from pathbib.sources.local import LocalIndex
from pathbib.sources.lookup import FileLookup
from support.fakeserver import FakeServer
from support.realshapes import crossref_work, crossref_works, project, run

NO_ISSUED = "10.1109/icdcsw.2003.1203662"  # proceedings paper: issued [[null]], created 2004-06-22
PRINT_LATER = "10.1136/jclinpath-2020-206745"  # online 2020-08-17, print 74(5) 2021-05
PRINT_1997 = "10.1002/jor.1100150407"  # print 15(4) 1997-07, online 2005-02-18 (backfile)


def _enrich(tmp_path: Path, works: list[dict], bib: str, *args: str) -> tuple[Library, dict, int]:
    with FakeServer(works, []) as srv:
        libpath, toml = project(tmp_path, srv, bib)
        code = run(libpath, toml, "enrich", "--source", "crossref", "--json", *args)
    return read_library(libpath)[0], {}, code


def _enrich_json(
    tmp_path: Path, works: list[dict], bib: str, capsys: pytest.CaptureFixture[str]
) -> tuple[Library, dict]:
    lib, _, code = _enrich(tmp_path, works, bib)
    assert code == 0
    return lib, json.loads(capsys.readouterr().out)


def test_no_publication_date_leaves_the_year_empty_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = crossref_work(NO_ISSUED)
    assert work["created"]["date-parts"][0][0] == 2004  # the registration date the old code took
    lib, rep = _enrich_json(tmp_path, [work], f"@inproceedings{{arya,\n  doi = {{{NO_ISSUED}}}\n}}\n", capsys)
    e = lib.get("arya")
    assert e is not None and e.get("pages") == "877--882"  # the record was used ...
    assert e.get("year") is None and e.get("date") is None  # ... but gives no publication date
    msgs = [f["message"] for f in rep["findings"] if f["key"] == "arya"]
    assert any("no publication date" in m for m in msgs), msgs


def test_a_filled_date_never_contradicts_the_kept_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = f"@article{{lieber,\n  year = {{1998}},\n  doi = {{{PRINT_1997}}}\n}}\n"
    lib, rep = _enrich_json(tmp_path, [crossref_work(PRINT_1997)], bib, capsys)
    e = lib.get("lieber")
    assert e is not None and e.get("year") == "1998" and e.get("volume") == "15"
    assert not disagreement(e.get("year"), e.get("date"), e.get("origdate"))
    assert e.get("date") is None
    conflicts = [c for c in rep["changes"] if c["key"] == "lieber" and c["kind"] == "conflict"]
    assert [c["field"] for c in conflicts] == ["year"]
    assert any(f["field"] == "date" and "1997-07" in f["message"] for f in rep["findings"])


def test_the_print_date_goes_with_the_print_volume_and_the_online_date_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib, _ = _enrich_json(
        tmp_path, [crossref_work(PRINT_LATER)], f"@article{{xu,\n  doi = {{{PRINT_LATER}}}\n}}\n", capsys
    )
    e = lib.get("xu")
    assert e is not None
    assert (e.get("volume"), e.get("number"), e.get("year"), e.get("date")) == ("74", "5", "2021", "2021-05")
    prov = json.loads((tmp_path / "library.provenance.json").read_text(encoding="utf-8"))["entries"]["xu"]
    assert prov["year"]["online-first"] == "2020-08-17"


def test_an_online_only_record_takes_its_earliest_date() -> None:
    work = crossref_work(PRINT_LATER, volume=None, issue=None, page=None, journal_issue=None)
    rec = parse_work(work)
    assert (rec.year, rec.date) == ("2020", "2020-08-17")


def _year(item: dict, key: str) -> int | None:
    obj = item
    for part in key.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    parts = obj.get("date-parts") if isinstance(obj, dict) else None
    return parts[0][0] if parts and parts[0] and isinstance(parts[0][0], int) else None


def test_every_recorded_crossref_work_dates_by_the_rules() -> None:
    """All real works in the corpora: the year is a publication year (never created/deposited/indexed),
    and a work with volume/issue/pages whose print and online years differ gets the print year."""
    works = crossref_works()
    no_date = differ = 0
    for item in works:
        rec = parse_work(item)
        pubs = {
            k: y
            for k in (
                "published-print",
                "journal-issue.published-print",
                "issued",
                "published",
                "published-online",
                "journal-issue.published-online",
                "posted",
            )
            if (y := _year(item, k))
        }
        if not pubs:
            no_date += 1
            assert (rec.year, rec.date) == ("", ""), item["DOI"]
            continue
        assert rec.year and int(rec.year) in pubs.values(), item["DOI"]
        printed, online = _year(item, "published-print"), _year(item, "published-online")
        if (
            printed
            and online
            and printed != online
            and (item.get("volume") or item.get("issue") or item.get("page"))
        ):
            differ += 1
            assert rec.year == str(printed), item["DOI"]
    assert len(works) > 100 and no_date >= 5 and differ >= 8  # the corpus has both shapes (see issue #13)


# --------------------------------------------------------------------------- property

_SENTINEL = (1901, 1902, 1903)  # created / deposited / indexed: a value from them shows as one of these years


@st.composite
def crossref_items(draw: st.DrawFn, n: int) -> dict:
    def dp(lo: int = 1990, hi: int = 2025) -> dict:
        parts = [draw(st.integers(lo, hi))]
        if draw(st.booleans()):
            parts.append(draw(st.integers(1, 12)))
            if draw(st.booleans()):
                parts.append(draw(st.integers(1, 28)))
        return {"date-parts": [parts]}

    item: dict = {
        "DOI": f"10.9999/prop.{n}",
        "type": draw(st.sampled_from(["journal-article", "proceedings-article"])),
        "title": [f"Property paper number {n} on stable dates"],
        "author": [{"given": "Ada", "family": f"Author{n}"}],
        "created": {"date-parts": [[_SENTINEL[0], 1, 1]]},
        "deposited": {"date-parts": [[_SENTINEL[1], 2, 2]]},
        "indexed": {"date-parts": [[_SENTINEL[2], 3, 3]]},
    }
    for key in ("issued", "published-print", "published-online", "published"):
        if draw(st.booleans()):
            item[key] = dp()
    if draw(st.booleans()):
        item["issued"] = {"date-parts": [[None]]}
    if draw(st.booleans()):
        item["volume"], item["issue"] = "7", "2"
    if draw(st.booleans()):
        item["journal-issue"] = {"issue": "2", "published-print": dp()}
    return item


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[dict], Library]:
    n = draw(st.integers(1, 4))
    items = [draw(crossref_items(i)) for i in range(n)]
    entries = []
    for i in range(n):
        fields = [Field("doi", f"10.9999/prop.{i}")]
        for name, strat in (
            ("year", st.integers(1990, 2025).map(str)),
            ("date", st.sampled_from(["1997-07", "2021-05", "2020-08-17", "2005"])),
            ("origdate", st.sampled_from(["1990", "2022-01"])),
        ):
            if draw(st.booleans()):
                fields.append(Field(name, draw(strat)))
        entries.append(Entry("article", f"k{i}", tuple(fields)))
    return items, Library(tuple(entries))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.booleans())
def test_after_enrich_dates_agree_or_a_finding_says_why(
    case: tuple[list[dict], Library], prefer: bool
) -> None:
    items, lib = case
    lookup = FileLookup(LocalIndex([parse_work(i) for i in items]))
    p = plan(lib, lookup, Options(search=False, prefer_remote=frozenset({"all"}) if prefer else frozenset()))
    out = apply(lib, p)
    for e in out.entries:
        why = disagreement(e.get("year"), e.get("date"), e.get("origdate"))
        if why:
            assert any(f.key == e.key and f.field in ("year", "date", "origdate") for f in p.findings), (
                e,
                why,
            )
        for f in e.fields:  # no value at all (year, date, or any other field) from those timestamps
            assert not any(str(y) in f.value for y in _SENTINEL), (e.key, f)
