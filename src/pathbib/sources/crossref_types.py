"""Crossref's work types as BibTeX entry types: shared by the Crossref client and the local
CSL-JSON reader (Crossref's content negotiation writes these names into CSL-JSON)."""

from __future__ import annotations

__all__ = ["TYPE_MAP"]

# Crossref work type -> (BibTeX entry type, extra kinds)
TYPE_MAP: dict[str, tuple[str, frozenset[str]]] = {
    "journal-article": ("article", frozenset()),
    "proceedings-article": ("inproceedings", frozenset()),
    "book-chapter": ("incollection", frozenset()),
    "book-part": ("incollection", frozenset()),
    "book-section": ("incollection", frozenset()),
    "reference-entry": ("incollection", frozenset()),
    "book": ("book", frozenset()),
    "monograph": ("book", frozenset()),
    "edited-book": ("book", frozenset()),
    "reference-book": ("book", frozenset()),
    "book-set": ("book", frozenset()),
    "book-series": ("book", frozenset()),
    "proceedings": ("proceedings", frozenset()),
    "report": ("techreport", frozenset()),
    "report-series": ("techreport", frozenset()),
    "dissertation": ("phdthesis", frozenset()),
    "posted-content": ("misc", frozenset({"preprint"})),
    "dataset": ("misc", frozenset()),
    "standard": ("misc", frozenset()),
    "other": ("misc", frozenset()),
    "peer-review": ("misc", frozenset({"peer-review"})),
    "journal-issue": ("misc", frozenset({"issue"})),
    "journal-volume": ("misc", frozenset({"issue"})),
    "journal": ("misc", frozenset({"issue"})),
    "component": ("misc", frozenset({"component"})),
    "grant": ("misc", frozenset({"component"})),
}
