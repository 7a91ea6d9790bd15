"""A record lookup over CSL-JSON items, for the check tests (the CLI reads `--records` with
`pathbib.sources.local`; this small shim builds lookups from inline test data)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pathbib.check import Lookup, RecordLike
from pathbib.identifiers import extract_identifiers, normalize_arxiv, normalize_doi

__all__ = ["SimpleRecord", "records_from_csl"]


@dataclass(frozen=True)
class SimpleRecord:
    """A record read from a CSL-JSON file (satisfies `RecordLike`)."""

    title: str = ""
    authors: tuple[str, ...] = ()
    container: str = ""
    year: str = ""
    doi: str = ""
    arxiv: str = ""
    journal_ref: str = ""


def records_from_csl(items: Sequence[Mapping[str, Any]]) -> Lookup:
    """A lookup over CSL-JSON items, by DOI and by arXiv id (`arxiv` key, `number`, or an arXiv URL)."""
    table: dict[tuple[str, str], SimpleRecord] = {}
    for it in items:
        issued = (it.get("issued") or {}).get("date-parts") or [[]]
        year = str(issued[0][0]) if issued and issued[0] else ""
        authors = tuple(
            ", ".join(x for x in (a.get("family", ""), a.get("given", "")) if x) or a.get("literal", "")
            for a in it.get("author") or ()
        )
        doi = normalize_doi(str(it.get("DOI") or "")) or ""
        arx = str(it.get("arxiv") or "").strip()
        arx = (
            (normalize_arxiv(arx) or arx)
            if arx
            else extract_identifiers(str(it.get("URL") or "")).get("arxiv", "")
        )
        rec = SimpleRecord(
            str(it.get("title") or ""), authors, str(it.get("container-title") or ""), year, doi, arx
        )
        if doi:
            table.setdefault(("doi", doi), rec)
        if arx:
            table.setdefault(("arxiv", arx), rec)

    def lookup(scheme: str, ident: str) -> RecordLike | None:
        norm = normalize_doi(ident) if scheme == "doi" else normalize_arxiv(ident)
        return table.get((scheme, norm or ident.strip().lower()))

    return lookup
