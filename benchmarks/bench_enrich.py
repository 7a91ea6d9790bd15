"""Enrich 500 synthetic entries against the local Crossref/arXiv server (127.0.0.1 only).

The server adds latency to every answer and answers 429 to a client that comes sooner than
the source's limit, so the run is held to realistic spacing. Limits are the published ones
scaled by --scale (default 1/10: Crossref public pool 5 req/s -> 0.02 s, arXiv one request
per 3 s -> 0.3 s) to keep the benchmark short; ratios do not depend on the scale.

Prints requests per entry, wall time as a ratio of the rate-limit floor (the least time the
limits allow for the requests made, sources one after another as pathbib calls them), and
the same against a naive one-request-per-entry client, whose floor is computed (it would
only be slower in practice).

    python -m benchmarks.bench_enrich [--entries 500] [--scale 0.1] [--latency 0.03]   (from the repository root)
"""

from __future__ import annotations

import argparse
import time

from tests.support.enrichkit import fast_settings
from tests.support.fakeserver import FakeServer

from pathbib.enrich import Options, plan
from pathbib.model import Entry, Field, Library
from pathbib.sources.lookup import open_session

WORDS = (
    "slide tissue stain tumour graph patch vision language model survival grading mitosis nuclei gland "
    "prostate breast colon lung kidney liver transformer contrastive attention multiple instance learning "
    "segmentation detection retrieval zero shot prompt foundation scale gigapixel whole cohort biopsy "
    "immunohistochemistry spatial transcriptomics genomic prognosis benchmark dataset annotation weakly "
    "supervised self distillation masked autoencoder diffusion generative report caption"
).split()


def title(i: int) -> str:
    import random

    w = random.Random(i).sample(WORDS, 8)
    return f"{w[0].capitalize()} {w[1]} {w[2]} for {w[3]} {w[4]} with {w[5]} {w[6]} {w[7]}"


def synthetic(n: int) -> tuple[list[dict], list[dict], Library]:
    works, arxiv, entries = [], [], []
    for i in range(n):
        t, fam = title(i), f"Author{i}"
        kind = i % 5  # 2/5 DOI, 1/5 arXiv with DOI, 1/5 arXiv without, 1/5 title only
        doi = f"10.5555/bench.{i}"
        works.append(
            {
                "DOI": doi,
                "type": "journal-article",
                "title": [t],
                "container-title": ["Journal of Benchmarks"],
                "author": [{"given": "Ann", "family": fam}],
                "issued": {"date-parts": [[2023]]},
                "volume": str(i),
            }
        )
        fields = [Field("title", t), Field("year", "2023")]
        if kind in (0, 1):
            fields.append(Field("doi", doi))
        elif kind in (2, 3):
            aid = f"2301.{i:05d}"
            arxiv.append(
                {
                    "id": aid,
                    "title": t,
                    "published": "2023-01-01T00:00:00Z",
                    "authors": [f"Ann {fam}"],
                    **({"doi": doi} if kind == 2 else {}),
                }
            )
            fields += [Field("eprint", aid), Field("archiveprefix", "arXiv")]
        entries.append(Entry("misc", f"e{i}", tuple(fields)))
    return works, arxiv, Library(tuple(entries))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=500)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--latency", type=float, default=0.03)
    a = ap.parse_args()
    intervals = {"crossref": 0.2 * a.scale, "arxiv": 3.0 * a.scale}
    works, arxiv, lib = synthetic(a.entries)
    with FakeServer(works, arxiv, latency=a.latency, min_spacing=intervals) as srv:
        settings = fast_settings(
            srv, crossref_interval=intervals["crossref"], arxiv_interval=intervals["arxiv"], timeout=5.0
        )
        sess = open_session(
            settings,
            ["crossref", "arxiv"],
            cache_path=None,
            clock=time.monotonic,
            wall=time.time,
            sleep=time.sleep,
        )
        t0 = time.monotonic()
        p = plan(lib, sess.lookup, Options())
        wall = time.monotonic() - t0
        sess.close()
        hits = {r: len(srv.requests(r)) for r in intervals}
        throttled = sum(1 for h in srv.hits if h.fault)
    n = a.entries
    floor = sum(max(0, hits[r] - 1) * intervals[r] for r in intervals)
    # naive: one request per entry to its own source (DOI/search -> Crossref, arXiv id -> arXiv)
    naive = {"crossref": n - len(arxiv), "arxiv": len(arxiv)}
    naive_floor = sum(max(0, naive[r] - 1) * intervals[r] + naive[r] * a.latency for r in intervals)
    filled = sum(1 for r in p.results if r.status == "filled")
    print(
        f"entries: {n}  filled: {filled}  requests: crossref {hits['crossref']}, arxiv {hits['arxiv']}  (429s: {throttled})"
    )
    print(f"requests per entry: {sum(hits.values()) / n:.3f}   (naive: 1.000)")
    floor_lat = floor + sum(hits.values()) * a.latency
    print(
        f"wall time: {wall:.2f} s; rate-limit floor for these requests: {floor:.2f} s (ratio {wall / floor:.2f}); "
        f"floor + server latency: {floor_lat:.2f} s (ratio {wall / floor_lat:.2f})"
    )
    print(
        f"naive one-request-per-entry floor (+latency): {naive_floor:.2f} s; pathbib takes {wall / naive_floor:.2f}x of it"
    )


if __name__ == "__main__":
    main()
