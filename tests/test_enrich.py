"""`pathbib enrich` end to end against the local Crossref/arXiv server, plus the pure core.

The answer key is ../shared/reference/seed-metadata.json: an accepted record is correct when
its DOI or arXiv id is the one the seed file gives for that list item."""

from __future__ import annotations

import json
import math
import re
import time
from pathlib import Path

import pytest

from conftest import shared_path
from pathbib.bibio import parse, read_library, render, write_library
from pathbib.cli.app import main
from pathbib.enrich import Options, abbreviates, apply, entry_ids, plan
from pathbib.model import Entry, Field, Library
from pathbib.record import EmptyLookup
from pathbib.scoring import Query, decide
from pathbib.sources.local import LocalIndex
from pathbib.sources.lookup import FileLookup, open_session
from pathbib.sources.record import Record
from support.enrichkit import (
    ARXIV_TWIN,
    RELATION_PUBLISHED,
    arxiv_decoys,
    fast_settings,
    load_fixtures,
    relation_entries,
    seed_library,
)
from support.fakeserver import FakeServer, Fault


@pytest.fixture(scope="module")
def seed() -> list[dict]:
    return json.loads(shared_path("reference/seed-metadata.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_lib(seed: list[dict]) -> Library:
    return seed_library(shared_path("seed/000_e6471fc22fbee112.txt"), seed[:43])


@pytest.fixture
def server():
    works, arxiv, _ = load_fixtures()
    with FakeServer(works, arxiv) as srv:
        yield srv


def run_plan(
    srv: FakeServer,
    lib: Library,
    cache: Path | None,
    sources: tuple[str, ...] = ("crossref", "arxiv"),
    **kw: object,
):
    sess = open_session(
        fast_settings(srv),
        list(sources),
        cache_path=cache,
        clock=time.monotonic,
        wall=time.time,
        sleep=time.sleep,
        **kw,
    )  # type: ignore[arg-type]
    try:
        return plan(lib, sess.lookup, Options(today="2026-01-01")), sess.requests
    finally:
        sess.close()


def seed_ids(seed: list[dict]) -> dict[str, set[str]]:
    """Entry key -> the identifiers the seed file confirms for that item (lower-case)."""
    out = {}
    for s in seed[:43]:
        ids = {x.lower() for x in (s.get("DOI"), s.get("arxiv")) if x}
        out[s["id"].replace("-", "")] = ids
    return out


# --------------------------------------------------------------------------- acceptance: seed library


def test_seed_library_precision_recall_and_decoys(
    server: FakeServer, seed: list[dict], seed_lib: Library, tmp_path: Path
) -> None:
    lib = Library(seed_lib.blocks + (ARXIV_TWIN,))
    p, _ = run_plan(server, lib, tmp_path / "c.sqlite")
    truth = seed_ids(seed)
    works, arxiv, decoys = load_fixtures()
    servable = {w["DOI"].lower() for w in works} | {a["id"] for a in arxiv}
    accepted = correct = 0
    for r in p.results:
        for label in (r.matched, r.published):
            if not label:
                continue
            accepted += 1
            ident = label.split(":", 1)[1].lower()
            assert ident in truth.get(r.key, set()), f"{r.key}: wrongly accepted {label}"
            correct += 1
    # recall: items whose confirmed identifiers the server can answer
    matched = {r.key for r in p.results if r.matched}
    reachable = [k for k, ids in truth.items() if ids & servable]
    # resolvable: the library entry itself carries an identifier the server can answer
    lib_ids = {e.key: {x for x in (entry_ids(e).doi, entry_ids(e).arxiv) if x} for e in seed_lib.entries}
    resolvable = [k for k in reachable if lib_ids[k] & servable & truth[k]]
    recall = len(matched & set(reachable)) / len(reachable)
    recall_res = len(matched & set(resolvable)) / len(resolvable)
    missed = set(reachable) - matched
    print(
        f"\nauto-accepts: {accepted}, precision {correct / accepted:.0%}; recall {len(matched & set(reachable))}/{len(reachable)}"
        f" = {recall:.0%} of items with a fixture record, {len(matched & set(resolvable))}/{len(resolvable)} = {recall_res:.0%}"
        f" of entries whose own identifier has one; missed: {sorted(missed)}"
    )
    assert accepted > 0 and correct == accepted
    assert recall_res >= 0.9
    # before the batched arXiv title search: 21/37. Every item with a fixture record is found except
    # three the accept rule must not take: seed09 (the list shortens the title: similarity < 0.95),
    # seed16 (no year in the list and no authors: nothing confirms the title) and seed35 (the list
    # links an arXiv id of another work: refused as mixed)
    assert len(matched & set(reachable)) >= 34 and missed <= {"seed09", "seed16", "seed35"}, sorted(missed)
    by_key = {r.key: r for r in p.results}
    assert {
        by_key[k].via
        for k in ("seed01", "seed11", "seed13", "seed14", "seed15", "seed18", "seed24", "seed25")
    } == {"arXiv title search"}
    # no decoy value reaches the library
    decoy_dois = {d["DOI"].lower() for d in decoys}
    decoy_arxiv = {a["id"] for a in arxiv_decoys()}
    for c in p.changes:
        assert (c.new or "").lower() not in decoy_dois and "10.5555" not in c.source
        assert c.source.removeprefix("arxiv:") not in decoy_arxiv and (c.new or "") not in decoy_arxiv
    for f in p.findings:  # a decoy named in a finding is named as refused
        if any(x in f.message.lower() for x in decoy_dois | decoy_arxiv):
            assert f.rule in ("EN101", "EN102", "EN201"), f
    # the arXiv title-search decoys are refused with their reasons; the twins leave the entry unresolved
    for a in arxiv_decoys():
        key = a["_target"].replace("-", "")
        msgs = [
            f.message
            for f in p.findings
            if f.key == key and f.rule == "EN101" and f"arxiv:{a['id']}" in f.message
        ]
        assert msgs and any(a["_reason"] in m for m in msgs), (a["id"], msgs)
    assert by_key["arxtwin"].matched == "" and by_key["arxtwin"].status == "suggested"
    assert by_key["seed01"].matched == "arxiv:2206.02647"
    # each Crossref decoy is refused with its reason: in this run, or (for the targets the arXiv title
    # search now resolves first, whose published-version search need not meet the decoy) when the
    # Crossref bibliographic search meets it, with arXiv off, on the entries without an arXiv id
    no_arxiv = Library(tuple(e for e in seed_lib.entries if not entry_ids(e).arxiv))
    pc, _ = run_plan(server, no_arxiv, None, sources=("crossref",))
    for c in pc.changes:
        assert (c.new or "").lower() not in decoy_dois and "10.5555" not in c.source
    for d in decoys:
        key = d["_target"].replace("-", "")
        msgs = [
            f.message
            for f in p.findings + pc.findings
            if f.key == key and f.rule in ("EN101", "EN102") and d["DOI"].lower() in f.message
        ]
        assert msgs, f"decoy {d['DOI']} not reported for {key}"
        assert any(d["_reason"] in m for m in msgs), (d["_reason"], msgs)
    # with arXiv off, an entry that names its arXiv preprint must not take another posting of it
    # (the bioRxiv twin of PRISM) from the Crossref search
    pa, _ = run_plan(server, seed_lib, None, sources=("crossref",))
    for c in pa.changes:
        assert (c.new or "").lower() not in decoy_dois and "decoy" not in c.source, c
    twin = [f.message for f in pa.findings if f.key == "seed23" and "10.1101/decoy.prism-twin" in f.message]
    assert twin and any("preprint twin" in m for m in twin), twin


def test_seed_fills_authors_venues_and_published_version(
    server: FakeServer, seed: list[dict], seed_lib: Library
) -> None:
    p, _ = run_plan(server, seed_lib, None)
    new = apply(seed_lib, p)
    by_seed = {s["id"].replace("-", ""): s for s in seed[:43]}
    for key in ("seed05", "seed08", "seed10", "seed19", "seed21", "seed40"):  # DOI in the list link
        e, s = new.get(key), by_seed[key]
        assert e is not None
        assert (
            e.get("author", "").split(" and ")[0] == f"{s['author'][0]['family']}, {s['author'][0]['given']}"
        )
        assert e.get("journal") == s["container-title"] or e.get("journal") == "Nature Medicine"
        assert e.get("volume") == s["volume"] and e.get("pages") == s["page"].replace("-", "--")
    mstar = new.get("seed26")  # arXiv link; arXiv's DOI verified against Crossref
    assert mstar is not None and mstar.entry_type == "article"
    assert (
        mstar.get("journal") == "Nature Communications" and mstar.get("doi") == "10.1038/s41467-025-66220-x"
    )
    assert (
        mstar.get("eprint") == "2407.15362" and mstar.get("year") == "2025" and mstar.get("pages") == "11406"
    )
    assert mstar.get("author") is None  # the seed file confirms no author list: the fixtures carry none
    aaai = new.get("seed41")
    assert (
        aaai is not None
        and aaai.get("booktitle", "").startswith("Proceedings of the AAAI")
        and aaai.get("doi") == "10.1609/aaai.v36i2.20110"
    )
    rudolf = new.get("seed07")  # arXiv's DOI points to another work: refused, no DOI written
    assert rudolf is not None and rudolf.get("doi") is None and rudolf.get("author")


def test_request_counts_second_run_and_offline(server: FakeServer, seed_lib: Library, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    # the seed library plus entries whose published version is reached through Crossref relations
    # (one of them found by title search: its relation must be followed, not searched for again)
    seed_lib = Library(seed_lib.blocks + relation_entries())
    p, req = run_plan(server, seed_lib, cache)
    ids = [entry_ids(e) for e in seed_lib.entries]
    arx = {i.arxiv for i in ids if i.arxiv}
    works, arxiv, _ = load_fixtures()
    arxiv_dois = {a["doi"] for a in arxiv if a["id"] in arx and a.get("doi")}
    n = len({i.doi for i in ids if i.doi} | arxiv_dois)
    # DOIs named by `is-preprint-of` of preprint records: looked up in a second batch wave (they are
    # known only once the first answers and the searches are in)
    n_rel = len(
        {
            r["id"]
            for w in works
            if w.get("type") == "posted-content"
            for r in (w.get("relation") or {}).get("is-preprint-of", [])
        }
    )
    assert n_rel >= 2
    m = len(arx)
    piis = {i.pii for i in ids if i.pii and not i.doi}
    searched = sum(1 for r in p.results if r.searched)
    lists = (
        server.requests(kind="doi-list") + server.requests(kind="arxiv-ids") + server.requests(kind="alt-id")
    )
    assert len(server.requests(kind="doi-list")) <= math.ceil(n / 20) + math.ceil(n_rel / 20)
    assert len(server.requests(kind="arxiv-ids")) <= math.ceil(m / 100)
    assert len(server.requests(kind="alt-id")) <= math.ceil(len(piis) / 20)
    # at most one Crossref search per entry (two list items with the same title and year share one)
    crossref_searches = server.requests(kind="search")
    assert len(crossref_searches) <= searched
    # the batched arXiv title search: each title asked once, 10 titles per request, max_results set,
    # short URLs; S titles cost ceil(S/10) requests, asked only for entries without an arXiv id
    from urllib.parse import parse_qs, urlsplit

    title_hits = server.requests(kind="arxiv-search")
    phrases = []
    for h in title_hits:
        q = {k: v[-1] for k, v in parse_qs(urlsplit(h.path).query).items()}
        got = re.findall(r'ti:"([a-z0-9 ]+)"', q["search_query"])
        assert 1 <= len(got) <= 10 and q["search_query"] == " OR ".join(f'ti:"{g}"' for g in got)
        assert int(q["max_results"]) == 5 * len(got) and len(h.path) < 2000
        phrases += got
    s_titles = len(phrases)
    assert len(set(phrases)) == s_titles and 10 <= s_titles <= sum(1 for i in ids if not i.arxiv)
    assert len(title_hits) == math.ceil(s_titles / 10)
    assert (
        len(server.hits)
        == len(lists) + len(crossref_searches) + len(title_hits)
        <= (
            math.ceil(n / 20)
            + math.ceil(n_rel / 20)
            + math.ceil(m / 100)
            + math.ceil(len(piis) / 20)
            + math.ceil(s_titles / 10)
            + searched
        )
    )
    # ... and on the fixture set the searches stay within one per searched entry
    assert len(crossref_searches) + len(title_hits) <= len(
        {r.key for r in p.results if r.searched or r.via == "arXiv title search"}
    )
    by_key = {r.key: r for r in p.results}
    assert {
        k: by_key[k].published.removeprefix("crossref:") for k in RELATION_PUBLISHED
    } == RELATION_PUBLISHED
    assert sum(req.values()) == len(server.hits)
    server.reset_log()
    p2, req2 = run_plan(server, seed_lib, cache)
    assert server.hits == [] and sum(req2.values()) == 0
    assert [c for c in p2.changes] == [c for c in p.changes]
    offline = open_session(
        fast_settings(server),
        ["crossref", "arxiv"],
        cache_path=tmp_path / "empty.sqlite",
        offline=True,
        clock=time.monotonic,
        wall=time.time,
        sleep=time.sleep,
    )
    p3 = plan(seed_lib, offline.lookup, Options())
    offline.close()
    assert server.hits == [] and not p3.applied
    assert any("not in the cache" in f.message for f in p3.findings)


def test_preprint_upgrade_through_crossref_relations(server: FakeServer, tmp_path: Path) -> None:
    """is-preprint-of from a medRxiv DOI and from a searched preprint, has-preprint on the journal record."""
    lib = Library(relation_entries())
    p, _ = run_plan(server, lib, None)
    by_key = {r.key: r for r in p.results}
    assert {
        k: by_key[k].published.removeprefix("crossref:") for k in RELATION_PUBLISHED
    } == RELATION_PUBLISHED
    # each entry was searched at most once; the searched preprint's relation answered, not a second search
    assert len(server.requests(kind="search")) == sum(r.searched for r in p.results) == 2
    assert by_key["relsearch"].via == "search" and by_key["relmedrxiv"].via == "DOI"
    new = apply(lib, p)
    for key, doi in RELATION_PUBLISHED.items():
        e = new.get(key)
        assert e is not None and e.entry_type == "article" and e.get("doi") == doi, (key, e)
        assert e.get("journal", "").endswith("Relation Fixtures") and e.get("volume")
    # the medRxiv DOI of the preprint is replaced by the journal's, not kept beside its venue
    med = new.get("relmedrxiv")
    assert med is not None and med.get("howpublished") is None and med.get("year") == "2024"
    doi_change = next(c for c in p.changes if c.key == "relmedrxiv" and c.field == "doi")
    assert doi_change.kind == "update" and doi_change.old == "10.1101/2023.06.30.23292003"
    assert p.provenance["relmedrxiv"]["doi"]["replaced"] == "10.1101/2023.06.30.23292003"
    assert not [c for c in p.conflicts if c.field == "doi"]
    msg = next(f.message for f in p.findings if f.key == "relmedrxiv" and f.rule == "EN401")
    assert "is-preprint-of" in msg and "10.1101/2023.06.30.23292003 replaced" in msg
    # the arXiv entry keeps its eprint; the journal record named it (as 10.48550/arXiv.ID) in has-preprint
    ax = new.get("relarxiv")
    assert ax is not None and ax.get("eprint") == "2402.01234"
    assert any("has-preprint" in f.message for f in p.findings if f.key == "relarxiv" and f.rule == "EN401")
    assert any(
        "is-preprint-of" in f.message for f in p.findings if f.key == "relsearch" and f.rule == "EN401"
    )


def test_preprint_doi_of_the_matched_preprint_record_is_replaced() -> None:
    """Any DOI the matched preprint record has (not only 10.48550/ or 10.1101/) gives way to the published one."""
    pre = Record(
        "crossref",
        "10.21203/rs.3.rs-1/v1",
        title="Slide encoders at scale",
        authors=("Smith, Ann",),
        type="misc",
        year="2023",
        doi="10.21203/rs.3.rs-1/v1",
        kinds=frozenset({"preprint"}),
        relations=(("is-preprint-of", "doi", "10.1000/pub.9"),),
    )
    pub = Record(
        "crossref",
        "10.1000/pub.9",
        title="Slide encoders at scale",
        authors=("Smith, Ann",),
        container="J Things",
        type="article",
        year="2024",
        doi="10.1000/pub.9",
        volume="2",
    )

    class L(
        EmptyLookup
    ):  # the questions the lookup protocol asks and this test does not answer get empty answers
        def dois(self, ds):  # noqa: ANN001, ANN202
            return {d: {pre.doi: pre, pub.doi: pub}.get(d) for d in ds}

        def arxiv(self, ids):  # noqa: ANN001, ANN202
            return {}

        def piis(self, ps):  # noqa: ANN001, ANN202
            return {}

        def search(self, *a, **k):  # noqa: ANN002, ANN003, ANN202
            raise AssertionError("no search needed")

    lib = Library((Entry("misc", "k", (Field("title", "Slide encoders at scale"), Field("doi", pre.doi))),))
    p = plan(lib, L(), Options())
    e = apply(lib, p).get("k")
    assert e is not None and e.get("doi") == "10.1000/pub.9" and e.entry_type == "article"
    assert p.provenance["k"]["doi"]["replaced"] == pre.doi


def test_batching_many_ids(tmp_path: Path) -> None:
    works = [
        {
            "DOI": f"10.5555/bulk.{i}",
            "type": "journal-article",
            "title": [f"Bulk paper number {i} on pathology"],
            "author": [{"family": f"Author{i}", "given": "A."}],
            "container-title": ["Journal of Bulk"],
            "issued": {"date-parts": [[2020]]},
        }
        for i in range(45)
    ]
    arxiv = [
        {
            "id": f"2401.{i:05d}",
            "title": f"Preprint number {i} about slides",
            "published": "2024-01-01T00:00:00Z",
            "authors": [f"Ann Writer{i}"],
        }
        for i in range(150)
    ]
    entries = [
        Entry(
            "article",
            f"d{i}",
            (Field("title", f"Bulk paper number {i} on pathology"), Field("doi", f"10.5555/bulk.{i}")),
        )
        for i in range(45)
    ]
    entries += [
        Entry(
            "misc",
            f"a{i}",
            (Field("title", f"Preprint number {i} about slides"), Field("eprint", f"2401.{i:05d}")),
        )
        for i in range(150)
    ]
    with FakeServer(works, arxiv) as srv:
        sess = open_session(
            fast_settings(srv),
            ["crossref", "arxiv"],
            cache_path=None,
            clock=time.monotonic,
            wall=time.time,
            sleep=time.sleep,
        )
        p = plan(Library(tuple(entries)), sess.lookup, Options(search=False))
        assert len(srv.requests(kind="doi-list")) == 3 and len(srv.requests(kind="arxiv-ids")) == 2
        assert len(srv.hits) == 5
        assert sum(1 for r in p.results if r.status == "filled") == 195
        for route, interval in (("crossref", 0.02), ("arxiv", 0.03)):
            ts = [h.t for h in srv.requests(route)]
            assert all(b - a >= interval for a, b in zip(ts, ts[1:], strict=False))
        sess.close()


def test_spacing_never_below_the_limit_with_retries(server: FakeServer, seed_lib: Library) -> None:
    server.inject(
        "crossref", Fault("status", 429), Fault("status", 503), Fault("status", 429, {"Retry-After": "0.05"})
    )
    server.inject("arxiv", Fault("status", 500))
    p, _ = run_plan(server, seed_lib, None)
    assert not any(r.status == "error" for r in p.results)
    for route, interval in (("crossref", 0.02), ("arxiv", 0.03)):
        ts = [h.t for h in server.requests(route)]
        gaps = [b - a for a, b in zip(ts, ts[1:], strict=False)]
        assert gaps and min(gaps) >= interval, (route, min(gaps))
    hits = server.requests("crossref")
    after = next(i for i, h in enumerate(hits) if h.fault == "status" and i == 2)
    assert hits[after + 1].t - hits[after].t >= 0.05  # Retry-After honoured


# --------------------------------------------------------------------------- faults through the CLI


def _project(tmp_path: Path, srv: FakeServer, lib: Library, **enrich: object) -> tuple[Path, Path]:
    libpath = tmp_path / "library.bib"
    libpath.write_text(render(lib), encoding="utf-8")
    s = fast_settings(srv, **enrich)  # type: ignore[arg-type]
    toml = tmp_path / "pathbib.toml"
    toml.write_text(
        "[enrich]\n"
        + "".join(
            f"{k.replace('_', '-')} = {json.dumps(getattr(s, k))}\n"
            for k in (
                "crossref_url",
                "arxiv_url",
                "timeout",
                "crossref_interval",
                "arxiv_interval",
                "retries",
                "backoff",
            )
        ),
        encoding="utf-8",
    )
    return libpath, toml


def _cli(libpath: Path, toml: Path, *args: str) -> int:
    return main(["--config", str(toml), "-C", str(libpath), "enrich", *args])


FAULTS = [
    ("crossref", Fault("status", 429, {"Retry-After": "0.05"})),
    ("crossref", Fault("status", 429)),
    ("crossref", Fault("status", 500)),
    ("crossref", Fault("status", 503)),
    ("crossref", Fault("slow", delay=0.8)),
    ("crossref", Fault("truncated")),
    ("crossref", Fault("reset")),
    ("arxiv", Fault("malformed")),
    ("arxiv", Fault("truncated")),
    ("arxiv", Fault("reset")),
    ("arxiv", Fault("status", 503)),
]


@pytest.mark.parametrize(
    ("route", "fault"),
    FAULTS,
    ids=[f"{r}-{f.kind}-{f.status or ''}{'-ra' if f.headers else ''}" for r, f in FAULTS],
)
def test_each_fault_ends_in_a_completed_run_and_a_rerun_finishes(
    server: FakeServer,
    seed_lib: Library,
    tmp_path: Path,
    route: str,
    fault: Fault,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATHBIB_MAILTO", "curator@example.org")
    keep = {"seed01", "seed04", "seed05", "seed07", "seed12", "seed23", "seed26", "seed41"}
    seed_lib = Library(tuple(e for e in seed_lib.entries if e.key in keep))
    libpath, toml = _project(tmp_path, server, seed_lib, retries=1)
    # a transient fault is retried away
    server.inject(route, fault)
    assert _cli(libpath, toml) == 0
    once = libpath.read_text(encoding="utf-8")
    assert "Nature Communications" in once
    # a persistent fault (more than the retries) ends in per-entry errors, the rest is written
    libpath.write_text(render(seed_lib), encoding="utf-8")
    server.faults[route].clear()
    server.inject(route, *([fault] * 4))
    (tmp_path / ".pathbib" / "cache.sqlite").unlink()
    server.reset_log()
    code = _cli(libpath, toml)
    assert code == 3
    partial = read_library(libpath)[0]
    assert not partial.failed and [e.key for e in partial.entries] == [e.key for e in seed_lib.entries]
    answered = {h.path for h in server.hits if not h.fault}
    server.faults[route].clear()  # the source is healthy again
    # rerun: only what failed (and what depended on it) is asked again; the result equals the clean run
    server.reset_log()
    assert _cli(libpath, toml) == 0
    assert libpath.read_text(encoding="utf-8") == once
    assert server.hits and not answered & {h.path for h in server.hits}


def test_breaker_stops_calling_a_dead_source(server: FakeServer, seed_lib: Library, tmp_path: Path) -> None:
    server.inject("crossref", *([Fault("status", 503)] * 200))
    p, req = run_plan(server, seed_lib, None)
    # 3 failed calls x (1 + 3 retries) requests, then the breaker is open for the rest of the run
    assert req["crossref"] == 12 and len(server.requests("crossref")) == 12
    assert any("consecutive failures" in f.message for f in p.findings)
    assert any(r.status == "filled" for r in p.results)  # arXiv-only entries still enriched


def test_dry_run_json_and_provenance(
    server: FakeServer,
    seed_lib: Library,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PATHBIB_MAILTO", raising=False)
    libpath, toml = _project(tmp_path, server, seed_lib)
    before = libpath.read_bytes()
    assert _cli(libpath, toml, "--dry-run", "--json") == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["dry_run"] and rep["summary"]["filled"] > 10 and libpath.read_bytes() == before
    assert not (tmp_path / "library.provenance.json").exists()
    assert _cli(libpath, toml, "--only", "seed26") == 0
    err = capsys.readouterr().err
    assert "public pool" in err
    prov_text = (tmp_path / "library.provenance.json").read_text(encoding="utf-8")
    prov = json.loads(prov_text)
    assert list(prov["entries"]) == ["seed26"]
    assert prov["entries"]["seed26"]["doi"]["source"] == "crossref"
    assert prov["entries"]["seed26"]["doi"]["id"] == "10.1038/s41467-025-66220-x"
    assert prov_text == json.dumps(prov, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    lib = read_library(libpath)[0]
    assert lib.get("seed26").get("journal") == "Nature Communications"  # type: ignore[union-attr]
    assert lib.get("seed05").get("author") is None  # type: ignore[union-attr]  (--only)
    for e in lib.entries:
        assert not any(f.name.startswith("enrich") or f.name == "provenance" for f in e.fields)


def test_add_command(server: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    libpath, toml = _project(tmp_path, server, Library())
    libpath.unlink()
    code = main(
        [
            "--config",
            str(toml),
            "-C",
            str(libpath),
            "add",
            "https://arxiv.org/abs/2407.15362v2",
            "--section",
            "contrastive",
        ]
    )
    assert code == 0, capsys.readouterr().err
    lib = read_library(libpath)[0]
    (e,) = lib.entries
    assert (
        e.entry_type == "article"
        and e.get("doi") == "10.1038/s41467-025-66220-x"
        and e.get("eprint") == "2407.15362"
    )
    assert e.get("list-section") == "contrastive" and e.get("journal") == "Nature Communications"
    assert (
        main(["--config", str(toml), "-C", str(libpath), "add", "10.1038/s41467-025-66220-x"]) == 2
    )  # already there
    assert main(["--config", str(toml), "-C", str(libpath), "add", "10.1038/s41591-024-02857-3"]) == 0
    assert len(read_library(libpath)[0].entries) == 2


def test_add_refuses_the_preprint_of_an_entry_already_there(
    server: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`add ARXIV` after `add DOI` of the same paper: the resolved DOI is already in the library."""
    libpath, toml = _project(tmp_path, server, Library())
    libpath.unlink()
    assert main(["--config", str(toml), "-C", str(libpath), "add", "10.1038/s41591-024-02857-3"]) == 0
    before = libpath.read_text(encoding="utf-8")
    (first,) = read_library(libpath)[0].entries
    capsys.readouterr()
    code = main(["--config", str(toml), "-C", str(libpath), "add", "2308.15474"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert (
        first.key in err
        and "10.1038/s41591-024-02857-3" in err
        and f"pathbib enrich --only {first.key}" in err
    )
    assert libpath.read_text(encoding="utf-8") == before
    # the same paper under a title only (no shared identifier): refused by its normalised title
    lib = Library(
        (
            Entry(
                "article",
                "uni",
                (Field("title", "Towards a General-Purpose Foundation Model for Computational Pathology"),),
            ),
        )
    )
    libpath.write_text(render(lib), encoding="utf-8")
    assert main(["--config", str(toml), "-C", str(libpath), "add", "2308.15474"]) == 2
    assert "uni" in capsys.readouterr().err and len(read_library(libpath)[0].entries) == 1


@pytest.mark.parametrize("mailto", ["curator@example.org", ""])
def test_user_agent_carries_the_configured_contact_only(
    server: FakeServer, tmp_path: Path, mailto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Crossref and arXiv both see pathbib's User-Agent; the address comes from PATHBIB_MAILTO, never built in."""
    monkeypatch.delenv("PATHBIB_MAILTO", raising=False)
    if mailto:
        monkeypatch.setenv("PATHBIB_MAILTO", mailto)
    lib = Library(
        (
            Entry(
                "misc",
                "a",
                (
                    Field("title", "Towards a general-purpose foundation model for computational pathology"),
                    Field("eprint", "2308.15474"),
                    Field("archiveprefix", "arXiv"),
                ),
            ),
        )
    )
    libpath, toml = _project(tmp_path, server, lib)
    assert _cli(libpath, toml, "--dry-run", "--no-search") == 0
    routes = {h.route for h in server.hits}
    assert routes == {"crossref", "arxiv"}
    for h in server.hits:
        ua = h.headers.get("user-agent", "")
        assert "pathbib" in ua and "arxiv.py" not in ua, ua
        if mailto:
            assert f"mailto:{mailto}" in ua, (h.route, ua)
        else:
            assert "mailto" not in ua and "@" not in ua, (h.route, ua)
    # the config's enrich.mailto works the same way
    if not mailto:
        server.reset_log()
        toml.write_text(toml.read_text(encoding="utf-8") + 'mailto = "lab@example.net"\n', encoding="utf-8")
        assert _cli(libpath, toml, "--dry-run", "--no-search", "--refresh") == 0
        assert server.hits and all(
            "mailto:lab@example.net" in h.headers.get("user-agent", "") for h in server.hits
        )


# --------------------------------------------------------------------------- the local file source (issue 7's run)


def test_file_source_on_the_seed_library(seed: list[dict], seed_lib: Library, tmp_path: Path) -> None:
    path = shared_path("reference/seed-metadata.json")
    libpath = tmp_path / "library.bib"
    libpath.write_text(render(seed_lib), encoding="utf-8")
    assert main(["-C", str(libpath), "enrich", "--source", f"file:{path}"]) == 0
    lib = read_library(libpath)[0]
    by_seed = {s["id"].replace("-", ""): s for s in seed[:43]}
    gpfm, mstar = lib.get("seed12"), lib.get("seed26")
    assert gpfm is not None and mstar is not None
    assert gpfm.get("journal") == "Nature Biomedical Engineering" and gpfm.get("eprint") == "2407.18449"
    assert gpfm.get("author", "").startswith("Ma, Jiabo and Guo, Zhengrui") and gpfm.entry_type == "article"
    assert (
        mstar.get("journal") == "Nature Communications" and mstar.get("doi") == "10.1038/s41467-025-66220-x"
    )
    assert mstar.get("volume") == "16" and mstar.get("number") == "1" and mstar.get("pages") == "11406"
    assert (
        mstar.get("eprint") == "2407.15362" and mstar.get("author") is None
    )  # the file leaves authors empty
    # never invent: every filled value is the file's value for that item (or its duplicate target)
    before = {e.key: e for e in seed_lib.entries}
    filled = 0
    for e in lib.entries:
        s = by_seed[e.key]
        src = by_seed.get((s.get("duplicate_of") or "").replace("-", ""), s)
        for f in e.fields:
            if before[e.key].get(f.name) == f.value:
                continue
            filled += 1
            file_vals = {
                "author": " and ".join(f"{a['family']}, {a['given']}" for a in src["author"]),
                "journal": src["container-title"],
                "booktitle": src["container-title"],
                "howpublished": src["container-title"],
                "volume": src["volume"],
                "number": src["issue"],
                "pages": src["page"].replace("-", "--"),
                "doi": src["DOI"],
                "eprint": src["arxiv"],
                "archiveprefix": "arXiv" if src["arxiv"] else "",
                "year": str(src["issued"]["date-parts"][0][0]) if src["issued"] else "",
            }
            assert (
                f.name in file_vals and file_vals[f.name] and f.value == file_vals[f.name].replace("&", "\\&")
            ), (e.key, f.name, f.value)
    assert filled > 100
    assert (tmp_path / "library.provenance.json").exists()


# --------------------------------------------------------------------------- pure core


def rec(**kw: object) -> Record:
    base: dict[str, object] = {"source": "crossref", "id": str(kw.get("doi", "10.5555/x")), "type": "article"}
    base.update(kw)
    return Record(**base)  # type: ignore[arg-type]


Q = Query("k", ("Scaling vision transformers to gigapixel images",), (), "2022")


def test_decide_rules() -> None:
    good = rec(
        doi="10.1/a", title="Scaling Vision Transformers to Gigapixel Images", year="2022", container="CVPR"
    )
    assert decide(Q, [good]).accepted is not None
    other_year = rec(doi="10.1/b", title="Scaling Vision Transformers to Gigapixel Images", year="2019")
    d = decide(Q, [other_year])
    assert d.accepted is None and "another year" in d.refused[0][1]
    twin = rec(
        doi="10.1/c", title="Scaling Vision Transformers to Gigapixel Images.", year="2022", container="Other"
    )
    d = decide(Q, [good, twin])
    assert d.accepted is None and "ambiguous" in d.reason and len(d.suggestions) == 2
    notice = rec(
        doi="10.1/d",
        title="Scaling Vision Transformers to Gigapixel Images",
        year="2022",
        kinds=frozenset({"correction"}),
    )
    d = decide(Q, [notice])
    assert d.accepted is None and "correction" in d.refused[0][1]
    pre = rec(
        doi="10.1/e",
        title="Scaling Vision Transformers to Gigapixel Images",
        year="2022",
        kinds=frozenset({"preprint"}),
    )
    d = decide(Q, [good, pre])
    assert d.accepted is not None and d.accepted.record is good and "preprint twin" in d.refused[0][1]
    near = rec(
        doi="10.1/f", title="Scaling vision transformers to gigapixel images for radiology", year="2022"
    )
    d = decide(Q, [near])
    assert d.accepted is None and d.suggestions and d.suggestions[0].record is near
    qa = Query("k", Q.titles, ("chen", "li"), "")
    assert decide(qa, [rec(doi="10.1/g", title=good.title, authors=("Chen, R.",))]).accepted is not None
    assert (
        decide(qa, [rec(doi="10.1/h", title=good.title, authors=("Doe, J.",), year="2022")]).accepted is None
    )


def _lib(text: str) -> Library:
    return parse(text)


def test_merge_policy_locks_and_prefer_remote() -> None:
    r = Record(
        "file:x",
        "1",
        title="A Study",
        authors=("Doe, Jane", "Roe, Rich"),
        container="Journal of Things",
        type="article",
        year="2021",
        volume="3",
        doi="10.1000/xyz",
        alt_titles=("A study",),
    )
    lookup = FileLookup(LocalIndex([r]))
    lib = _lib(
        "@article{a, title={A study}, doi={10.1000/XYZ}, volume={4}, author={Doe, Jane and others}}\n"
        "@article{b, title={A study}, doi={10.1000/xyz}, list-locked={volume, author}}\n"
    )
    p = plan(lib, lookup, Options())
    kinds = {(c.key, c.field): c.kind for c in p.changes}
    assert (
        kinds[("a", "volume")] == "conflict" and kinds[("a", "author")] == "update"
    )  # "and others" completed
    assert kinds[("a", "journal")] == "fill" and ("a", "doi") not in kinds  # same DOI, other case
    assert ("b", "volume") not in kinds and ("b", "author") not in kinds and kinds[("b", "journal")] == "fill"
    new = apply(lib, p)
    assert new.get("a").get("volume") == "4"  # type: ignore[union-attr]
    p2 = plan(lib, lookup, Options(prefer_remote=frozenset({"a:volume"})))
    assert apply(lib, p2).get("a").get("volume") == "3"  # type: ignore[union-attr]
    p3 = plan(lib, lookup, Options(locked=frozenset({"a"}), prefer_remote=frozenset({"all"})))
    assert all(c.key == "b" for c in p3.changes)
    assert render(apply(lib, plan(lib, lookup, Options(only=frozenset({"b"}))))).startswith(
        lib.blocks[0].raw or ""
    )


def test_write_is_atomic_and_refuses_concurrent_change(tmp_path: Path) -> None:
    libpath = tmp_path / "library.bib"
    libpath.write_text("@article{a, title={A study}, doi={10.1000/xyz}}\n", encoding="utf-8")
    lib, snap = read_library(libpath)
    libpath.write_text("@article{a, title={Changed}}\n", encoding="utf-8")
    r = Record("file:x", "1", title="A study", container="J", type="article", doi="10.1000/xyz")
    new = apply(lib, plan(lib, FileLookup(LocalIndex([r])), Options()))
    with pytest.raises(Exception, match="changed"):
        write_library(new, snap, libpath)
    assert "Changed" in libpath.read_text(encoding="utf-8")


def test_abbreviated_venues_and_since() -> None:
    assert abbreviates("Nature BME", "Nature Biomedical Engineering") and not abbreviates(
        "Nature", "Nature Medicine"
    )
    lib = _lib("@article{old, title={T}, year={2019}}\n@article{new, title={U}, year={2024}}\n")
    p = plan(lib, FileLookup(LocalIndex([])), Options(since="2023"))
    assert [r.key for r in p.results] == ["new"]


# --------------------------------------------------------------------------- the library `pathbib import` makes


@pytest.fixture(scope="module")
def imported() -> Library:
    from pathbib.importer import import_list
    from pathbib.importers.markdown import parse_list

    text = shared_path("seed/000_e6471fc22fbee112.txt").read_text(encoding="utf-8")
    return parse(render(import_list(parse_list(text, "seed.md"), Library(), path="seed.md").library))


def truth_by_title(lib: Library, seed: list[dict]) -> dict[str, list[dict]]:
    """Entry key -> the seed records of that list item (matched on the list's title)."""
    from pathbib.matching import normalize_title

    by_title: dict[str, list[dict]] = {}
    for s in seed:
        for t in {s.get("list_title") or "", s.get("title") or ""}:
            if t:
                by_title.setdefault(normalize_title(t), []).append(s)
    out = {}
    for e in lib.entries:
        recs = [
            s
            for t in (e.get("list-title"), e.get("title"))
            if t
            for s in by_title.get(normalize_title(t), [])
        ]
        out[e.key] = recs
    return out


def test_imported_seed_library_against_the_server(
    server: FakeServer, seed: list[dict], imported: Library
) -> None:
    p, _ = run_plan(server, imported, None)
    truth = truth_by_title(imported, seed)
    accepted = 0
    for r in p.results:
        ids = {x.lower() for s in truth[r.key] for x in (s.get("DOI"), s.get("arxiv")) if x}
        for label in (r.matched, r.published):
            if label:
                accepted += 1
                assert label.split(":", 1)[1].lower() in ids, (r.key, label)
    decoys = load_fixtures()[2]
    for c in p.changes:
        assert "10.5555" not in (c.new or "") and "decoy" not in (c.new or "")
    # every decoy is refused for the entry it imitates: in this run, or (targets the arXiv title
    # search resolves first) by the Crossref search with arXiv off, on the entries without an arXiv id
    pc, _ = run_plan(
        server,
        Library(tuple(e for e in imported.entries if not entry_ids(e).arxiv)),
        None,
        sources=("crossref",),
    )
    for c in pc.changes:
        assert "10.5555" not in (c.new or "") and "decoy" not in (c.new or "")
    for d in decoys:
        keys = [k for k, recs in truth.items() if any(s["id"] == d["_target"] for s in recs)]
        assert any(
            f.key in keys and d["DOI"].lower() in f.message and f.rule in ("EN101", "EN102")
            for f in p.findings + pc.findings
        ), d["DOI"]
    for a in arxiv_decoys():
        keys = [k for k, recs in truth.items() if any(s["id"] == a["_target"] for s in recs)]
        assert not keys or any(
            f.key in keys and f"arxiv:{a['id']}" in f.message and a["_reason"] in f.message
            for f in p.findings
        ), a["id"]
    new = apply(imported, p)
    mstar = next(e for e in new.entries if e.get("eprint") == "2407.15362")
    assert (
        mstar.get("journal") == "Nature Communications" and mstar.get("doi") == "10.1038/s41467-025-66220-x"
    )
    print(f"\nimported seed library: {accepted} auto-accepts, all correct")
    assert accepted >= 36  # 24 before the batched arXiv title search


def test_file_source_on_the_imported_library(seed: list[dict], imported: Library, tmp_path: Path) -> None:
    """Issue 7's run: pathbib enrich --source file:../shared/reference/seed-metadata.json."""
    path = shared_path("reference/seed-metadata.json")
    libpath = tmp_path / "library.bib"
    libpath.write_text(render(imported), encoding="utf-8")
    assert main(["-C", str(libpath), "enrich", "--source", f"file:{path}"]) == 0
    lib = read_library(libpath)[0]
    gpfm = next(e for e in lib.entries if e.get("eprint") == "2407.18449")
    mstar = next(e for e in lib.entries if e.get("eprint") == "2407.15362")
    assert gpfm.entry_type == "article" and gpfm.get("journal") == "Nature Biomedical Engineering"
    assert gpfm.get("author", "").startswith("Ma, Jiabo") and gpfm.get("year") == "2025"
    assert (
        mstar.get("journal") == "Nature Communications" and mstar.get("doi") == "10.1038/s41467-025-66220-x"
    )
    assert (mstar.get("volume"), mstar.get("number"), mstar.get("pages"), mstar.get("year")) == (
        "16",
        "1",
        "11406",
        "2025",
    )
    assert mstar.get("author") is None
    truth = truth_by_title(imported, seed)
    before = {e.key: e for e in imported.entries}
    filled = 0
    for e in lib.entries:
        for f in e.fields:
            old = before[e.key].get(f.name)
            if old == f.value:
                continue
            filled += 1
            # never invented: the new value is what the file says for this item
            vals = set()
            for s in truth[e.key]:
                vals |= {
                    s["container-title"],
                    s["volume"],
                    s["issue"],
                    s["page"].replace("-", "--"),
                    s["DOI"],
                    s["arxiv"],
                    " and ".join(f"{a['family']}, {a['given']}" for a in s["author"]),
                    str(s["issued"]["date-parts"][0][0]) if s.get("issued") else "",
                    "arXiv" if s["arxiv"] else "",
                }
            assert f.value in vals - {""} or f.value.replace("\\&", "&") in vals, (e.key, f.name, f.value)
    assert filled > 80
    # a second run changes nothing
    text = libpath.read_text(encoding="utf-8")
    assert main(["-C", str(libpath), "enrich", "--source", f"file:{path}"]) == 0
    assert libpath.read_text(encoding="utf-8") == text


def test_record_fields_put_a_preprint_server_in_howpublished() -> None:
    from pathbib.enrich import record_fields
    from pathbib.sources.record import Record

    rec = Record(
        source="file:x",
        id="r",
        title="T",
        container="medRxiv",
        type="misc",
        year="2023",
        doi="10.1101/2023.07.21.23292757",
        kinds=frozenset({"preprint"}),
    )
    misc = record_fields(rec, "misc", preprint_source=True)
    assert misc["howpublished"] == "medRxiv" and "journal" not in misc
    pub = Record(
        source="file:x", id="p", title="T", container="Nature Communications", type="article", year="2025"
    )
    assert record_fields(pub, "article", preprint_source=False)["journal"] == "Nature Communications"
    conf = Record(
        source="file:x", id="c", title="T", container="Proc. CVPR", type="inproceedings", year="2024"
    )
    assert record_fields(conf, "inproceedings", preprint_source=False)["booktitle"] == "Proc. CVPR"


def test_arxiv_title_search_record_leads_to_the_published_version() -> None:
    """A preprint found by the arXiv title search: arXiv's DOI is looked up in the relation DOI wave
    and verified; a DOI naming another work is refused, and that preprint gets its one Crossref
    published-version search (the other needs none)."""
    title = "Gigapixel slide encoders for rare tumour subtyping"
    pre = Record(
        source="arxiv",
        id="2401.00011",
        title=title,
        authors=("Lima, Ana", "Park, Jon"),
        type="misc",
        source_type="arxiv-preprint",
        year="2024",
        date="2024-01-05",
        doi="10.1000/pub.1",
        arxiv="2401.00011",
        kinds=frozenset({"preprint"}),
    )
    other = Record(
        source="arxiv",
        id="2402.00022",
        title="Stain normalisation by diffusion",
        authors=("Osei, Kim",),
        type="misc",
        source_type="arxiv-preprint",
        year="2024",
        doi="10.1000/other.2",
        arxiv="2402.00022",
        kinds=frozenset({"preprint"}),
    )
    pub = Record(
        source="crossref",
        id="10.1000/pub.1",
        title=title,
        authors=("Lima, Ana", "Park, Jon"),
        type="article",
        source_type="journal-article",
        container="Journal of Slides",
        year="2025",
        volume="3",
        doi="10.1000/pub.1",
    )
    wrong = Record(
        source="crossref",
        id="10.1000/other.2",
        title="Soil microbes under nitrogen",
        authors=("Roe, Sam",),
        type="article",
        source_type="journal-article",
        container="Soil Journal",
        year="2024",
        doi="10.1000/other.2",
    )

    class Fake(EmptyLookup):  # list titles and sources: the protocol's empty answers
        asked: list[tuple[str, ...]] = []

        def arxiv(self, ids):  # noqa: ANN001, ANN202
            return {}

        def piis(self, piis):  # noqa: ANN001, ANN202
            return {}

        def dois(self, dois):  # noqa: ANN001, ANN202
            self.asked.append(tuple(dois))
            return {d: {"10.1000/pub.1": pub, "10.1000/other.2": wrong}.get(d) for d in dois}

        def arxiv_titles(self, titles):  # noqa: ANN001, ANN202
            return {t: [pre] if "gigapixel" in t.lower() else [other] for t in titles}

        searches: list[tuple[str, bool]] = []

        def search(self, title, author, year, *, published=False):  # noqa: ANN001, ANN202
            self.searches.append((title, published))
            return []

    lib = Library(
        (
            Entry("misc", "a", (Field("title", title), Field("year", "2024"))),
            Entry("misc", "b", (Field("title", "Stain Normalisation by Diffusion"), Field("year", "2024"))),
        )
    )
    fake = Fake()
    p = plan(lib, fake, Options(today="2026-01-01"))
    assert fake.asked == [(), ("10.1000/other.2", "10.1000/pub.1")]  # one DOI batch for both
    assert fake.searches == [("Stain normalisation by diffusion", True)]
    by = {r.key: r for r in p.results}
    assert (
        by["a"].via == "arXiv title search"
        and by["a"].matched == "arxiv:2401.00011"
        and by["a"].published == "crossref:10.1000/pub.1"
    )
    new = apply(lib, p)
    a = new.get("a")
    assert a is not None and a.entry_type == "article" and a.get("journal") == "Journal of Slides"
    assert (
        a.get("doi") == "10.1000/pub.1"
        and a.get("eprint") == "2401.00011"
        and a.get("author") == "Lima, Ana and Park, Jon"
    )
    b = new.get("b")
    assert (
        b is not None and b.get("eprint") == "2402.00022" and b.get("doi") is None and by["b"].published == ""
    )
    assert any(f.key == "b" and f.rule == "EN102" and "10.1000/other.2" in f.message for f in p.findings)
