"""Sources: golden conversion of every recorded response in ../shared/corpora/, error
classification of habanero/arxiv failures against the local server, the request gate
(spacing, backoff, Retry-After, circuit breaker) and the SQLite cache."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from conftest import shared_path
from pathbib.errors import RateLimited, SourceError, SourceNotFound
from pathbib.sources import arxiv as ax
from pathbib.sources import crossref as cr
from pathbib.sources.cache import Cache
from pathbib.sources.http import (
    BadResponse,
    Gate,
    Policy,
    SourceDisabled,
    TransientSourceError,
    parse_retry_after,
)
from pathbib.sources.local import parse_bibtex, parse_csl, read_local
from pathbib.sources.record import Record
from support.enrichkit import DATA
from support.fakeserver import FakeServer, Fault

GOLDEN = DATA / "golden-conversions.json"
UPDATE = os.environ.get("PATHBIB_UPDATE_GOLDEN") == "1"


# --------------------------------------------------------------------------- golden conversions


def _convert(path: Path, status: int) -> object:
    body = path.read_bytes()
    try:
        if path.suffix == ".bib":
            recs = parse_bibtex(body.decode("utf-8"), "crossref")
        elif path.suffix == ".xml" and b"<feed" in body[:400]:
            recs = ax.parse_feed(body, status)
        else:
            recs = cr.parse_response(body, status)
    except SourceError as exc:
        return {"error": type(exc).__name__, "message": exc.message}
    keep = (
        "id",
        "title",
        "container",
        "type",
        "source_type",
        "year",
        "date",
        "volume",
        "issue",
        "pages",
        "doi",
        "arxiv",
        "pii",
        "journal_ref",
        "kinds",
        "relations",
    )
    return [
        {
            **{k: v for k, v in r.to_json().items() if k in keep},
            "authors": list(r.authors[:3]),
            "n_authors": len(r.authors),
        }
        for r in recs
    ]


def _corpus_files() -> list[tuple[str, Path, int]]:
    root = shared_path("corpora")
    out = []
    for index in sorted((root / "crossref").glob("*/index.json")):
        for it in json.loads(index.read_text())["interactions"]:
            out.append(
                (
                    f"crossref/{index.parent.name}/{it['body_file']}",
                    index.parent / it["body_file"],
                    int(it["status"]),
                )
            )
    for f in sorted((root / "crossref" / "papis-resources").glob("test_?_*[!t].json")):
        out.append((f"crossref/papis-resources/{f.name}", f, 200))
    idx = json.loads((root / "arxiv" / "index.json").read_text())
    for it in idx["current"] + idx["legacy"]:
        out.append((f"arxiv/{it['file']}", root / "arxiv" / it["file"], int(it.get("status", 200))))
    return out


def test_golden_conversions_of_every_recorded_response() -> None:
    files = _corpus_files()
    got = {name: _convert(path, status) for name, path, status in files}
    if UPDATE or not GOLDEN.exists():
        GOLDEN.write_text(
            json.dumps(got, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if not UPDATE:
            pytest.fail("golden file was missing and has been written; rerun")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(want), "corpus files changed; refresh with PATHBIB_UPDATE_GOLDEN=1"
    for name in got:
        assert got[name] == want[name], name


def test_crossref_conversions_agree_with_the_recorded_requests() -> None:
    """Independent checks: a work answer is the DOI asked for; lists keep every item; errors are typed."""
    root = shared_path("corpora/crossref")
    for index in sorted(root.glob("*/index.json")):
        for it in json.loads(index.read_text())["interactions"]:
            path, status = index.parent / it["body_file"], int(it["status"])
            uri = it["uri"]
            if path.suffix != ".json" or "/transform" in uri:
                continue
            data = json.loads(path.read_text())
            mtype = data.get("message-type")
            if mtype == "work":
                recs = cr.parse_response(path.read_bytes(), status)
                asked = uri.split("/works/")[1].split("?")[0].lower()
                assert [r.doi for r in recs] == [asked]
                assert recs[0].title
            elif mtype == "work-list":
                recs = cr.parse_response(path.read_bytes(), status)
                assert len(recs) == len(data["message"]["items"])
            elif mtype in ("validation-failure", "resource-failure"):
                with pytest.raises(SourceError) as ei:
                    cr.parse_response(path.read_bytes(), status)
                assert isinstance(ei.value, SourceNotFound if status == 404 else BadResponse)
    with pytest.raises(SourceNotFound):
        cr.parse_response(
            (root / "habanero-cassettes" / "10_works_doi_notfound_404.body.txt").read_bytes(), 404
        )


def test_crossref_fields_match_papis_reference_output() -> None:
    root = shared_path("corpora/crossref/papis-resources")
    for src in sorted(root.glob("test_?_*.json")):
        if src.stem.endswith("_out"):
            continue
        ref = json.loads((root / f"{src.stem}_out.json").read_text())
        rec = cr.parse_response(src.read_bytes())[0]
        if "doi" in ref:
            assert rec.doi == ref["doi"].lower()
        if "title" in ref:
            assert rec.title.lower().startswith(ref["title"].lower()[:40])
        if "volume" in ref:
            assert rec.volume == str(ref["volume"])
        if "author_list" in ref:
            assert [a.split(",")[0] for a in rec.authors][: len(ref["author_list"])] == [
                a["family"] for a in ref["author_list"] if a.get("family")
            ]


def test_crossref_type_and_notice_tables() -> None:
    base = {"DOI": "10.1/X", "title": ["A paper"], "type": "journal-article"}
    assert cr.parse_work(base).type == "article"
    assert cr.parse_work(dict(base, type="proceedings-article")).type == "inproceedings"
    assert cr.parse_work(dict(base, type="peer-review")).refused_kind == "peer-review"
    assert cr.parse_work(dict(base, type="journal-issue")).refused_kind == "issue"
    assert cr.parse_work(dict(base, type="component")).refused_kind == "component"
    assert cr.parse_work(dict(base, type="posted-content", subtype="preprint")).is_preprint
    assert (
        cr.parse_work(dict(base, **{"update-to": [{"type": "retraction", "DOI": "10.1/y"}]})).refused_kind
        == "retraction"
    )
    assert cr.parse_work(dict(base, title=["Author Correction: A paper"])).refused_kind == "correction"
    assert cr.parse_work(dict(base, title=["Erratum to: A paper"])).refused_kind == "erratum"
    rec = cr.parse_work(
        dict(
            base, page="2924-2935", author=[{"family": "Lu", "given": "Ming Y."}, {"name": "The Consortium"}]
        )
    )
    assert rec.pages == "2924--2935" and rec.authors == ("Lu, Ming Y.", "{The Consortium}")
    rec = cr.parse_work(dict(base, relation={"is-preprint-of": [{"id-type": "doi", "id": "10.1038/ABC"}]}))
    assert rec.relations == (("is-preprint-of", "doi", "10.1038/abc"),)


def test_arxiv_feeds_both_formats_and_error_feed() -> None:
    root = shared_path("corpora/arxiv")
    idx = json.loads((root / "index.json").read_text())
    for it in idx["current"] + idx["legacy"]:
        body = (root / it["file"]).read_bytes()
        status = int(it.get("status", 200))
        if "id_abc" in it["file"]:
            with pytest.raises(BadResponse, match="incorrect id format for abc"):
                ax.parse_feed(body, status)
            continue
        recs = ax.parse_feed(body, status)
        assert len(recs) == it["entries"], it["file"]
        for r in recs:
            assert r.arxiv and "v" not in r.arxiv.split(".")[-1] and r.title and r.year.isdigit()
    legacy = ax.parse_feed((root / "arxiv.py-fixtures-2016-legacy" / "id_list=1111.2011v2.xml").read_bytes())[
        0
    ]
    assert legacy.arxiv == "1111.2011" and legacy.doi == "10.1103/physrevb.85.115117"
    assert legacy.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert legacy.authors[:2] == ("Murray, James M.", "Del Maestro, Adrian")
    old = ax.parse_feed(
        (root / "arxiv.py-fixtures-2026" / "id_astro-ph_0601001_s0_m100_3150dca9dc76.atom.xml").read_bytes()
    )[0]
    assert old.arxiv == "astro-ph/0601001"
    with pytest.raises(TransientSourceError, match="malformed"):
        ax.parse_feed(body[: len(body) // 2])


def test_local_csl_and_bibtex() -> None:
    seed = shared_path("reference/seed-metadata.json")
    recs = read_local(seed)
    by_id = {r.id: r for r in recs}
    gpfm = by_id["seed-12"]
    assert gpfm.container == "Nature Biomedical Engineering" and gpfm.arxiv == "2407.18449" and gpfm.doi == ""
    assert gpfm.alt_titles[0].startswith("Towards A Generalizable")
    mstar = by_id["seed-26"]
    assert mstar.authors == () and mstar.doi == "10.1038/s41467-025-66220-x" and mstar.pages == "11406"
    assert by_id["seed-04"].is_preprint and by_id["seed-28"].title == ""
    bib = parse_bibtex(
        '@article{k, title={A {GPU} \\& you}, author={M{\\"u}ller, Hans and Doe, J.}, doi={10.1000/ABC}, year=2020}'
    )
    assert (
        bib[0].title == "A {GPU} \\& you"
        and bib[0].doi == "10.1000/abc"
        and bib[0].authors[0] == 'M{\\"u}ller, Hans'
    )
    assert parse_csl({"items": [{"id": "x", "type": "book", "title": "T"}]})[0].type == "book"


# --------------------------------------------------------------------------- gate and cache


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.t += s


def test_gate_spacing_backoff_retry_after_and_breaker() -> None:
    clk = FakeClock()
    g = Gate(
        "X",
        Policy(interval=1.0, retries=2, backoff=0.5, breaker_threshold=2, breaker_cooldown=60),
        clk,
        clk.sleep,
    )
    starts: list[float] = []

    def ok() -> int:
        starts.append(clk.t)
        clk.t += 0.2  # latency
        return 1

    g.call(ok)
    g.call(ok)
    assert starts[1] - (starts[0] + 0.2) >= 1.0  # spaced from the end of the previous request
    # Retry-After is honoured, then success
    answers = iter([RateLimited("slow down", retry_after=7.0), TransientSourceError("503"), None])

    def flaky() -> int:
        a = next(answers)
        if a is not None:
            raise a
        return 2

    clk.sleeps.clear()
    assert g.call(flaky) == 2
    assert max(clk.sleeps) >= 7.0  # waited at least Retry-After
    # exhausted retries raise; two failed calls open the breaker; no request while open
    calls = []

    def down() -> int:
        calls.append(1)
        raise TransientSourceError("500")

    for _ in range(2):
        with pytest.raises(TransientSourceError):
            g.call(down)
    assert len(calls) == 6
    with pytest.raises(SourceDisabled):
        g.call(down)
    assert len(calls) == 6
    clk.t += 61  # half-open after the cooldown
    assert g.call(ok) == 1
    # a Retry-After beyond the cap fails at once instead of sleeping for it
    with pytest.raises(RateLimited):
        g.call(lambda: (_ for _ in ()).throw(RateLimited("x", retry_after=10_000)))


def test_backoff_is_exponential_with_jitter() -> None:
    clk = FakeClock()
    g = Gate("X", Policy(interval=0, retries=4, backoff=1.0, backoff_max=100), clk, clk.sleep)
    with pytest.raises(TransientSourceError):
        g.call(lambda: (_ for _ in ()).throw(TransientSourceError("x")))
    waits = [s for s in clk.sleeps if s > 0]
    assert len(waits) == 4
    for i, w in enumerate(waits):
        assert 2**i / 2 <= w <= 2**i


def test_retry_after_parsing() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_cache_expiry_refresh_and_negative_answers(tmp_path: Path) -> None:
    now = [1000.0]
    rec = Record(
        "crossref",
        "10.1/x",
        title="T",
        authors=("A, B",),
        kinds=frozenset({"preprint"}),
        relations=(("has-preprint", "arxiv", "1"),),
    )
    with Cache(tmp_path / "c.sqlite", max_age_days=1, now=lambda: now[0]) as c:
        c.put("crossref", "doi:10.1/x", [rec])
        c.put("crossref", "doi:10.1/none", [])
    with Cache(tmp_path / "c.sqlite", max_age_days=1, now=lambda: now[0]) as c:
        assert c.get("crossref", "doi:10.1/x") == [rec]
        assert c.get("crossref", "doi:10.1/none") == []
        assert c.get("crossref", "doi:10.1/other") is None
        now[0] += 2 * 86400
        assert c.get("crossref", "doi:10.1/x") is None  # expired
    with Cache(tmp_path / "c.sqlite", max_age_days=10, now=lambda: now[0], refresh=True) as c:
        assert c.get("crossref", "doi:10.1/x") is None


# --------------------------------------------------------------------------- real clients against the local server

WORK = {
    "DOI": "10.1038/s41591-024-02857-3",
    "type": "journal-article",
    "title": ["Towards a general-purpose foundation model"],
    "issued": {"date-parts": [[2024]]},
    "container-title": ["Nature Medicine"],
}


@pytest.fixture
def server():
    with FakeServer(
        [WORK],
        [
            {
                "id": "2308.15474",
                "title": "UNI",
                "published": "2023-08-01T00:00:00Z",
                "authors": ["Richard J. Chen"],
            }
        ],
    ) as srv:
        yield srv


def test_habanero_batched_doi_lookup_is_one_url_encoded_request(server: FakeServer) -> None:
    client = cr.make_client(server.crossref_url, "curator@example.org", 1.0)
    recs = cr.fetch_dois(client, ["10.1038/s41591-024-02857-3", "10.1/missing"])
    assert [r.doi for r in recs] == ["10.1038/s41591-024-02857-3"]
    (hit,) = server.hits
    assert (
        hit.kind == "doi-list"
        and "filter=doi%3A10.1038%2Fs41591-024-02857-3%2Cdoi%3A10.1%2Fmissing" in hit.path
    )
    assert "rows=2" in hit.path


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault("status", 429, {"Retry-After": "2"}), RateLimited),
        (Fault("status", 429), RateLimited),
        (Fault("status", 500), TransientSourceError),
        (Fault("status", 503), TransientSourceError),
        (Fault("status", 400), BadResponse),
        (Fault("slow", delay=1.0), TransientSourceError),
        (Fault("truncated"), TransientSourceError),
        (Fault("reset"), TransientSourceError),
    ],
)
def test_crossref_failures_become_our_errors(server: FakeServer, fault: Fault, error: type) -> None:
    client = cr.make_client(server.crossref_url, None, 0.3)
    server.inject("crossref", fault)
    with pytest.raises(error) as ei:
        cr.fetch_dois(client, ["10.1038/s41591-024-02857-3"])
    if fault.headers.get("Retry-After"):
        assert ei.value.retry_after == 2.0  # type: ignore[attr-defined]


def test_crossref_single_work_404(server: FakeServer) -> None:
    client = cr.make_client(server.crossref_url, None, 1.0)
    assert cr.fetch_dois(client, ["10.1/with,comma"]) == []  # asked as /works/{doi}, 404 -> nothing


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault("status", 429, {"Retry-After": "1"}), RateLimited),
        (Fault("status", 503), TransientSourceError),
        (Fault("malformed"), TransientSourceError),
        (Fault("truncated"), TransientSourceError),
        (Fault("slow", delay=1.0), TransientSourceError),
        (Fault("reset"), TransientSourceError),
    ],
)
def test_arxiv_failures_become_our_errors(server: FakeServer, fault: Fault, error: type) -> None:
    client = ax.make_client(server.arxiv_url, 0.3)
    server.inject("arxiv", fault)
    with pytest.raises(error):
        ax.fetch_ids(client, ["2308.15474"])


def test_arxiv_id_list_request(server: FakeServer) -> None:
    client = ax.make_client(server.arxiv_url, 1.0, "pathbib (mailto:curator@example.org)")
    recs = ax.fetch_ids(client, ["2308.15474", "2401.00001"])
    assert [r.arxiv for r in recs] == ["2308.15474"] and recs[0].authors == ("Chen, Richard J.",)
    (hit,) = server.hits
    assert "id_list=2308.15474%2C2401.00001" in hit.path and "max_results=2" in hit.path
    # arxiv 4.x sends `user-agent: arxiv.py/...` per request; ours must be what arrives
    assert hit.headers["user-agent"] == "pathbib (mailto:curator@example.org)"
    with pytest.raises(BadResponse, match="incorrect id format"):
        ax.fetch_ids(client, ["abc"])


def test_gate_spacing_against_the_server(server: FakeServer) -> None:
    client = cr.make_client(server.crossref_url, None, 1.0)
    g = Gate("Crossref", Policy(interval=0.05), time.monotonic, time.sleep)
    for _ in range(5):
        g.call(lambda: cr.fetch_dois(client, ["10.1038/s41591-024-02857-3"]))
    ts = [h.t for h in server.hits]
    assert min(b - a for a, b in zip(ts, ts[1:], strict=False)) >= 0.05


# --------------------------------------------------------------------------- arXiv title search


def test_arxiv_title_phrase_query_and_chunks() -> None:
    ph = ax.title_phrase('PathoDuet: "Foundation" (models) AND\\or ANDNOT H&E — IHC-stains: Über-{\\"a}ll')
    assert set(ph) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ") and '"' not in ph
    assert (
        ph.startswith("pathoduet foundation models and")
        and "andnot" in ph
        and "  " not in ph
        and "uber" in ph
    )
    assert ax.title_query(["a b", "c d"]) == 'ti:"a b" OR ti:"c d"'
    phrases = [f"title number {i} of the list" for i in range(25)]
    assert [len(c) for c in ax.title_chunks(phrases)] == [10, 10, 5]
    assert sum(ax.title_chunks(phrases), []) == phrases
    long = ["x" * 500, "y" * 500, "z" * 500]
    assert [len(c) for c in ax.title_chunks(long)] == [2, 1]  # the query stays under TITLE_QUERY_MAX
    assert all(len(ax.title_query(c)) <= ax.TITLE_QUERY_MAX for c in ax.title_chunks(long))


TITLED = [
    {
        "id": "2308.15474",
        "title": "Towards a General-Purpose Foundation Model for Computational Pathology",
        "published": "2023-08-01T00:00:00Z",
        "authors": ["Richard J. Chen"],
    },
    {
        "id": "2310.00001",
        "title": "Towards a General-Purpose Foundation Model for Computational Pathology: a Review of Reviews",
        "published": "2023-10-01T00:00:00Z",
        "authors": ["Ann Other"],
    },
    {
        "id": "2405.07905",
        "title": "PLUTO: Pathology-Universal Transformer",
        "published": "2024-05-01T00:00:00Z",
        "authors": ["Dinkar Juyal"],
    },
]


def test_arxiv_title_search_request_and_empty_feed() -> None:
    with FakeServer([], TITLED) as srv:
        client = ax.make_client(srv.arxiv_url, 1.0)
        phrases = [
            ax.title_phrase(TITLED[0]["title"]),
            ax.title_phrase("PLUTO: Pathology-Universal Transformer"),
        ]
        recs = ax.fetch_titles(client, phrases)
        assert sorted(r.arxiv for r in recs) == ["2308.15474", "2310.00001", "2405.07905"]
        (hit,) = srv.hits
        assert hit.kind == "arxiv-search" and "max_results=10" in hit.path and "id_list=&" in hit.path
        assert (
            "search_query=ti%3A%22towards+a+general+purpose+foundation+model+for+computational+pathology%22"
            "+OR+ti%3A%22pluto+pathology+universal+transformer%22"
        ) in hit.path
        assert ax.fetch_titles(client, ["no such title anywhere at all"]) == []  # an empty result feed
        srv.inject("arxiv", Fault("malformed"))
        with pytest.raises(TransientSourceError):
            ax.fetch_titles(client, phrases)


def test_arxiv_title_lookup_batches_caches_and_goes_offline(tmp_path: Path) -> None:
    from pathbib.sources.lookup import OfflineMiss, open_session
    from support.enrichkit import fast_settings

    titles = [TITLED[0]["title"], "PLUTO: pathology universal transformer", "An unknown paper nobody wrote"]
    titles += [f"Filler title number {i} for batching" for i in range(9)]
    with FakeServer([], TITLED) as srv:

        def session(**kw: object) -> object:
            return open_session(
                fast_settings(srv),
                ["arxiv"],
                cache_path=tmp_path / "c.sqlite",
                clock=time.monotonic,
                wall=time.time,
                sleep=time.sleep,
                **kw,
            )  # type: ignore[arg-type]

        srv.inject(
            "arxiv", *[Fault("status", 503)] * 4
        )  # more than the retries: every title of chunk 1 fails
        s = session()
        got = s.lookup.arxiv_titles(titles)  # type: ignore[attr-defined]
        s.close()  # type: ignore[attr-defined]
        assert len(srv.requests(kind="arxiv-search")) == 4 + 1  # chunk 1 tried 4 times, chunk 2 once
        assert sum(isinstance(v, SourceError) for v in got.values()) == 10
        s = session()
        got = s.lookup.arxiv_titles(titles)  # type: ignore[attr-defined]
        s.close()  # type: ignore[attr-defined]
        assert (
            len(srv.requests(kind="arxiv-search")) == 5 + 1
        )  # errors were not cached: only they are asked again
        # a title gets the results that resemble it (the matcher in scoring decides among them)
        assert [r.arxiv for r in got[titles[0]]] == ["2308.15474", "2310.00001"]
        assert [r.arxiv for r in got[titles[1]]] == ["2405.07905"] and got[titles[2]] == []
        srv.reset_log()
        s = session()
        assert s.lookup.arxiv_titles(titles) == got and srv.hits == []  # type: ignore[attr-defined]
        s.close()  # type: ignore[attr-defined]
        s = session(offline=True, refresh=False)
        assert s.lookup.arxiv_titles(titles[:2]) == {t: got[t] for t in titles[:2]}  # type: ignore[attr-defined]
        s.close()  # type: ignore[attr-defined]
        off = open_session(
            fast_settings(srv),
            ["arxiv"],
            cache_path=tmp_path / "empty.sqlite",
            offline=True,
            clock=time.monotonic,
            wall=time.time,
            sleep=time.sleep,
        )
        assert all(isinstance(v, OfflineMiss) for v in off.lookup.arxiv_titles(titles).values())
        off.close()
        assert srv.hits == []
