"""Helpers shared by tests/test_enrich.py, tests/sources/test_sources.py and benchmarks/bench_enrich.py:
fixture loading, a seed library built from the README the way `pathbib import` reads it,
and a settings object with short intervals for the local server."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from pathbib.config import EnrichSettings
from pathbib.identifiers import extract_identifiers
from pathbib.model import Entry, Field, Library

DATA = Path(__file__).resolve().parent.parent / "data" / "enrich"


def strip_private(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def load_fixtures() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(Crossref works incl. decoys, arXiv entries incl. decoy DOIs, decoy descriptions)."""
    works = json.loads((DATA / "crossref-works.json").read_text(encoding="utf-8"))
    arxiv = json.loads((DATA / "arxiv-entries.json").read_text(encoding="utf-8"))
    decoys = json.loads((DATA / "decoys.json").read_text(encoding="utf-8"))
    rel = json.loads((DATA / "relations.json").read_text(encoding="utf-8"))
    works = works + [strip_private(d) for d in decoys["crossref"]] + rel["crossref"]
    aim = {k: v for k, v in decoys["arxiv_doi"].items() if not k.startswith("_")}
    arxiv = [dict(a, doi=aim[a["id"]]) if a["id"] in aim else a for a in arxiv] + rel["arxiv"]
    arxiv += [strip_private(a) for a in decoys.get("arxiv", [])]
    return works, arxiv, decoys["crossref"]


def arxiv_decoys() -> list[dict[str, Any]]:
    """The arXiv records aimed at the batched title search (with `_target`, `_reason`)."""
    return list(json.loads((DATA / "decoys.json").read_text(encoding="utf-8")).get("arxiv", []))


# A test-only entry for the two near-equal arXiv candidates of decoys.json (no seed item has them)
ARXIV_TWIN = Entry(
    "misc",
    "arxtwin",
    (Field("title", "Slide-level Foundation Features for Rare Sarcoma Subtyping"), Field("year", "2024")),
)


# Entries reaching the works of relations.json by each path: found by title search (a medRxiv
# preprint whose is-preprint-of names the journal version), by arXiv id (the journal version
# names it in has-preprint) and by its medRxiv DOI (is-preprint-of). Key -> published DOI.
RELATION_PUBLISHED = {
    "relsearch": "10.1000/relfix.2024.001",
    "relarxiv": "10.1000/relfix.2025.002",
    "relmedrxiv": "10.1000/relfix.2024.003",
}


def relation_entries() -> tuple[Entry, ...]:
    return (
        Entry(
            "misc",
            "relsearch",
            (
                Field(
                    "title",
                    "Self-supervised transformers predict microsatellite instability from gastric cancer slides",
                ),
                Field("year", "2023"),
            ),
        ),
        Entry(
            "misc",
            "relarxiv",
            (
                Field("title", "Foundation features for mitosis counting in canine mammary tumours"),
                Field("eprint", "2402.01234"),
                Field("archiveprefix", "arXiv"),
            ),
        ),
        Entry(
            "misc",
            "relmedrxiv",
            (
                Field("title", "Stain-invariant tile embeddings for prostate biopsy grading"),
                Field("howpublished", "medRxiv"),
                Field("doi", "10.1101/2023.06.30.23292003"),
            ),
        ),
    )


_ITEM = re.compile(r"^\s*(\d+)\.\s.*?\*\*(.+?)\*\*")
_PDF = re.compile(r"\[PDF\]\(([^)\s]+)\)")
_BARE_VENUE = re.compile(r"(?:\U0001f4d6|\u011f\u0178\u201c\u2013)\s*(.+?)\s*$")
_VENUE = re.compile(r"(Journal|Proceedings|Preprint|Conference)\*?:\s*\*?(.+?)\*?\s*$")


def seed_library(readme: Path, seed: list[dict[str, Any]]) -> Library:
    """Entries as the list gives them: title, year, venue, link and the ids in the link (no authors)."""
    items: list[dict[str, str]] = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        m = _ITEM.match(line)
        if m:
            items.append({"title": m.group(2)})
            continue
        if not items:
            continue
        cur = items[-1]
        m = _PDF.search(line)
        if m and "url" not in cur:
            cur["url"] = m.group(1)
        m = _VENUE.search(line)
        if m and "venue" not in cur:
            cur["kind"], cur["venue"] = m.group(1), m.group(2)
        m = _BARE_VENUE.search(line)
        if m and "venue" not in cur:  # "📖 CVPR, 2024" without a Journal:/Proceedings: label
            cur["kind"], cur["venue"] = "", m.group(1).strip(" *")
    assert len(items) == 43
    entries = []
    for it, s in zip(items, seed, strict=False):
        fields = [Field("title", it["title"])]
        kind, venue = it.get("kind", ""), it.get("venue", "")
        y = re.search(r"(20\d\d)", venue)
        if y:
            fields.append(Field("year", y.group(1)))
        name = re.sub(r",?\s*20\d\d\s*$", "", venue).strip(" ,*")
        etype = {"Journal": "article", "Proceedings": "inproceedings", "Conference": "inproceedings"}.get(
            kind, "misc"
        )
        if kind == "Journal" and name:
            fields.append(Field("journal", name))
        ids = extract_identifiers(it.get("url", ""))
        if ids.get("doi"):
            fields.append(Field("doi", ids["doi"]))
        if ids.get("arxiv"):
            fields += [Field("eprint", ids["arxiv"]), Field("archiveprefix", "arXiv")]
        if ids.get("pii"):
            fields.append(Field("pii", ids["pii"]))
        fields.append(Field("url", it.get("url", "")))
        if venue:
            fields.append(Field("list-venue", f"{kind}: {venue}" if kind else venue))
        entries.append(Entry(etype, s["id"].replace("-", ""), tuple(fields)))
    return Library(tuple(entries))


def fast_settings(srv: Any, **kw: Any) -> EnrichSettings:
    """EnrichSettings aimed at the fake server with test-speed intervals."""
    base = EnrichSettings(
        crossref_url=srv.crossref_url,
        arxiv_url=srv.arxiv_url,
        timeout=0.5,
        crossref_interval=0.02,
        arxiv_interval=0.03,
        retries=3,
        backoff=0.01,
        cache_days=30,
    )
    return replace(base, **kw)
