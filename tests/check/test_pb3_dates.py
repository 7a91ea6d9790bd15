"""`pathbib check` PB3xx (dates and venues): every rule positive and negative (moved from tests/test_check.py)."""

from __future__ import annotations

from datetime import date

from pathbib.bibio import parse
from pathbib.check import CheckContext, run_check
from support.checkkit import E, keys, run
from support.csl_records import SimpleRecord

# --------------------------------------------------------------------------- PB3xx


def test_pb301_preprint_with_published_version() -> None:
    rec = SimpleRecord(
        title="A multimodal knowledge-enhanced whole-slide pathology foundation model",
        container="Nature Communications",
        doi="10.1038/s41467-025-66220-x",
        arxiv="2407.15362",
    )
    lookup = lambda scheme, ident: rec if (scheme, ident) == ("arxiv", "2407.15362") else None  # noqa: E731
    e = E(
        "misc",
        "mstar",
        title="mSTAR",
        eprint="2407.15362",
        archiveprefix="arXiv",
        list_venue="Preprint: arXiv, 2024",
    )
    r = run([e], "PB301", lookup=lookup)
    assert keys(r) == ["mstar"] and "10.1038/s41467-025-66220-x" in r.findings[0].message
    assert run([e], "PB301").findings == ()  # offline: nothing known
    own = E(
        "misc",
        "nerp",
        title="NeRP",
        journal="IEEE Transactions on Neural Networks and Learning Systems",
        list_venue="Preprint: IEEE Transactions on Neural Networks and Learning Systems, 2022",
    )
    assert keys(run([own], "PB301")) == ["nerp"]
    plain = E(
        "misc",
        "rudolf",
        title="RudolfV",
        eprint="2401.04079",
        archiveprefix="arXiv",
        list_venue="Preprint: arXiv, 2024",
    )
    assert run([plain], "PB301", lookup=lookup).findings == ()
    published = E(
        "article",
        "pub",
        title="mSTAR",
        journal="Nature Communications",
        list_venue="Journal: Nature Communications",
    )
    assert run([published], "PB301", lookup=lookup).findings == ()


def test_pb302_venue_kind_contradictions() -> None:
    a = E(
        "article", "a", title="t", journal="Nature Medicine", list_venue="Conference: Nature Medicine, 2024"
    )
    b = E("article", "b", title="t", journal="IEEE/CVF Conference on Computer Vision and Pattern Recognition")
    c = E("inproceedings", "c", title="t", booktitle="Journal of Pathology Informatics")
    d = E("inproceedings", "d", title="t", booktitle="CVPR", list_venue="Journal: CVPR, 2024")
    assert keys(run([a, b, c, d], "PB302")) == ["a", "b", "c", "d"]
    ok = [
        E("article", "e", title="t", journal="Nature Medicine", list_venue="Journal: Nature Medicine, 2024"),
        E(
            "inproceedings",
            "f",
            title="t",
            booktitle="Proceedings of the IEEE/CVF Conference on Computer Vision",
            list_venue="Conference: CVPR, 2024",
        ),
        E(
            "inproceedings",
            "g",
            title="t",
            booktitle="NeurIPS Datasets and Benchmarks",
            list_venue="Conference: NeurIPS 2023",
        ),
    ]
    assert run(ok, "PB302").findings == ()


def test_pb303_year_contradicts_identifier_or_url() -> None:
    neurips = E(
        "inproceedings",
        "q",
        title="Quilt",
        year="2024",
        url="https://proceedings.neurips.cc/paper_files/paper/2023/hash/775ec-Abstract-Datasets_and_Benchmarks.html",
    )
    arx = E("misc", "a", title="t", year="2022", eprint="2307.16142", archiveprefix="arXiv")
    cvf = E(
        "inproceedings",
        "c",
        title="t",
        year="2023",
        url="https://openaccess.thecvf.com/content/CVPR2024/html/Alfasly_CVPR_2024_paper.html",
    )
    nat = E("article", "n", title="t", year="2021", doi="10.1038/s41591-024-03141-0")
    r = run([neurips, arx, cvf, nat], "PB303")
    assert keys(r) == ["q", "a", "c", "n"]
    assert "2023" in r.findings[0].message
    ok = [
        E(
            "inproceedings",
            "q2",
            title="Quilt",
            year="2023",
            url="https://proceedings.neurips.cc/paper_files/paper/2023/hash/775ec-Abstract.html",
        ),
        E("article", "a2", title="t", year="2024", eprint="2308.15474", archiveprefix="arXiv"),
        E("article", "n2", title="t", year="2025", doi="10.1038/s41591-024-03141-0"),
        E("misc", "m", title="t", year="2023", doi="10.1101/2023.07.21.23292757"),
    ]
    assert run(ok, "PB303").findings == ()
    # dblp escapes underscores in URLs: still read
    esc = E(
        "inproceedings",
        "e",
        title="t",
        year="2021",
        url=r"http://papers.nips.cc/paper\_files/paper/2022/hash/b89-Abstract.html",
    )
    assert keys(run([esc], "PB303")) == ["e"]


def test_pb304_future_date_uses_the_given_today() -> None:
    e = E("article", "f", title="t", year="2027")
    d = E("article", "g", title="t", year="2026", date="2026-07-15")
    ok = E("article", "h", title="t", year="2026", date="2026-05")
    assert keys(run([e, d, ok], "PB304")) == ["f", "g"]
    assert run([e], "PB304", today=date(2027, 1, 1)).findings == ()
    assert run([e], "PB304", today=None).findings == ()


def test_pb305_missing_year() -> None:
    assert keys(
        run(
            [
                E("article", "a", title="t"),
                E("article", "b", title="t", year="n.d."),
                E("article", "c", title="t", year="2024"),
                E("online", "d", title="t", date="2023-04-01"),
            ],
            "PB305",
        )
    ) == ["a", "b"]


# PB306 (moved from tests/test_enrich_dates.py)


def test_check_flags_date_year_and_origdate_contradictions() -> None:
    lib = parse(
        "@article{a, year = {1998}, date = {1997-07}, title = {A}}\n"
        "@book{b, date = {1990}, origdate = {1995-03}, title = {B}}\n"
        "@article{c, year = {1997}, date = {1997-07}, origdate = {1990}, title = {C}}\n"
    )
    found = [f for f in run_check(lib, CheckContext(), select=["PB306"]).findings if f.rule == "PB306"]
    assert sorted((f.key, f.field) for f in found) == [("a", "date"), ("b", "origdate")]
