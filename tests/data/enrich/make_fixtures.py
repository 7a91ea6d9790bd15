"""Regenerate the enrich fixtures from ../shared/reference/seed-metadata.json (run by hand:
`python tests/data/enrich/make_fixtures.py`). Only fields the seed file confirms are written;
the shapes follow the recorded responses in ../shared/corpora/ (Crossref work items, arXiv
entries rendered by tests/support/fakeserver.py into the 2026 Atom feed shape). Decoys live in
decoys.json, written by hand, each with `_decoy` (what it imitates) and `_target`.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = HERE.parents[2].parent / "shared" / "reference" / "seed-metadata.json"
CSL_TO_CROSSREF = {
    "article-journal": "journal-article",
    "paper-conference": "proceedings-article",
    "article": "posted-content",
}
# arXiv titles that differ from the journal title in the seed file (notes say the README gives the arXiv title)
ARXIV_TITLE_FROM_LIST = {"seed-12"}
# the journal reference PubMed gives (seed notes of seed-26)
JOURNAL_REF = {"seed-26": "Nat Commun 16, 11406 (2025)"}


def crossref_item(s: dict) -> dict:
    year = s["issued"]["date-parts"][0][0]
    ctype = CSL_TO_CROSSREF[s["type"]]
    item: dict = {
        "indexed": {
            "date-parts": [[2026, 6, 1]],
            "date-time": "2026-06-01T00:00:00Z",
            "timestamp": 1780272000000,
        },
        "reference-count": 0,
        "DOI": s["DOI"],
        "type": ctype,
        "created": {"date-parts": [[year]], "date-time": f"{year}-01-01T00:00:00Z", "timestamp": 0},
        "source": "Crossref",
        "title": [s["title"]],
        "prefix": s["DOI"].split("/")[0],
        "author": [
            {
                "given": a["given"],
                "family": a["family"],
                "sequence": "first" if i == 0 else "additional",
                "affiliation": [],
            }
            for i, a in enumerate(s["author"])
        ],
        "container-title": [s["container-title"]] if ctype != "posted-content" else [],
        "issued": {"date-parts": [[year]]},
        "published": {"date-parts": [[year]]},
        "URL": f"https://doi.org/{s['DOI']}",
        "relation": {},
        "score": 1,
    }
    if ctype == "posted-content":
        item["subtype"] = "preprint"
        item["institution"] = [{"name": s["container-title"]}]
        item["posted"] = {"date-parts": [[year]]}
    if s.get("volume"):
        item["volume"] = s["volume"]
    if s.get("issue"):
        item["issue"] = s["issue"]
        item["journal-issue"] = {"issue": s["issue"]}
    if s.get("page"):
        if s["page"].isdigit():
            item["article-number"] = s["page"]
        else:
            item["page"] = s["page"]
    return item


def arxiv_entry(s: dict) -> dict:
    aid = s["arxiv"]
    yymm = aid.split(".")[0]
    published = f"20{yymm[:2]}-{yymm[2:]}-01T00:00:00Z"  # arXiv ids carry the submission month
    title = s["list_title"] if s["id"] in ARXIV_TITLE_FROM_LIST else s["title"]
    e = {
        "id": aid,
        "title": title,
        "published": published,
        "updated": published,
        "authors": [f"{a['given']} {a['family']}".strip() for a in s["author"]],
        "summary": "",
    }
    if s.get("DOI") and not s["DOI"].startswith("10.1101/"):
        e["doi"] = s["DOI"]
    if s["id"] in JOURNAL_REF:
        e["journal_ref"] = JOURNAL_REF[s["id"]]
    return e


def main() -> None:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    works = [crossref_item(s) for s in seed if s.get("DOI") and s.get("title")]
    entries = [arxiv_entry(s) for s in seed if s.get("arxiv") and s.get("title")]
    (HERE / "crossref-works.json").write_text(
        json.dumps(works, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (HERE / "arxiv-entries.json").write_text(
        json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{len(works)} Crossref works, {len(entries)} arXiv entries")


if __name__ == "__main__":
    main()
