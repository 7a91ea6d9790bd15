"""The record every source converts its answers into, and the lookup interface enrich calls
(model layer: pure, stdlib only).

`Record` is one work as a source describes it. `Lookup` is what `enrich.plan` asks: batched
questions by DOI, arXiv id, PII, list title and arXiv title, and one bibliographic search;
each answer is a Record, None (the source has no such record) or a SourceError (that
question failed; the rest of the run goes on). Every method is part of the protocol: a
lookup that cannot answer a kind of question (a local file has no arXiv title search, the
network has no list titles) returns an empty result, so enrich never probes for methods.
Implementations live in `sources/lookup.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Protocol

from .errors import SourceError

# Kinds of record that are never accepted as the metadata of a paper.
REFUSED_KINDS = ("correction", "erratum", "retraction", "peer-review", "issue", "component")


@dataclass(frozen=True)
class Record:
    """One work as a source describes it; empty strings mean "the source does not say"."""

    source: str  # "crossref" | "arxiv" | "file:<path>"
    id: str  # the identifier the source knows it by (DOI, arXiv id, file record id)
    title: str = ""
    alt_titles: tuple[str, ...] = ()  # other titles the same work goes by (list title, short title)
    authors: tuple[str, ...] = ()  # "Family, Given" (or just "Family"); literal names verbatim
    container: str = ""  # journal / proceedings / book title
    type: str = ""  # BibTeX entry type: article, inproceedings, incollection, book, misc, ...
    source_type: str = ""  # the source's own type (Crossref/CSL type), e.g. "journal-article"
    year: str = ""
    date: str = ""  # ISO yyyy-mm-dd, yyyy-mm or yyyy
    volume: str = ""
    issue: str = ""
    pages: str = ""  # "first--last" or an article number
    doi: str = ""  # bare, lower-case
    arxiv: str = ""  # arXiv id without version
    pii: str = ""
    url: str = ""
    publisher: str = ""
    issn: str = ""
    isbn: str = ""
    editors: tuple[str, ...] = ()  # same form as `authors`; only for chapters, books and proceedings
    title_latex: str = ""  # the title as LaTeX when the source had markup or TeX math ("" = plain text)
    dates: tuple[tuple[str, str], ...] = ()  # every publication date the source gives: (kind, ISO date)
    journal_ref: str = ""  # arXiv's free-text journal reference
    relations: tuple[
        tuple[str, str, str], ...
    ] = ()  # (relation, id-type, id), e.g. ("is-preprint-of", "doi", "10...")
    kinds: frozenset[str] = frozenset()  # subset of REFUSED_KINDS, plus "preprint"
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # source-specific notes

    @property
    def refused_kind(self) -> str:
        """The first kind that forbids accepting this record, or ""."""
        for k in REFUSED_KINDS:
            if k in self.kinds:
                return k
        return ""

    @property
    def is_preprint(self) -> bool:
        return "preprint" in self.kinds

    @property
    def label(self) -> str:
        """A short human-readable reference, e.g. "crossref:10.1038/x"."""
        return f"{self.source}:{self.id}"

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["kinds"] = sorted(self.kinds)
        d["alt_titles"] = list(self.alt_titles)
        d["authors"] = list(self.authors)
        d["editors"] = list(self.editors)
        d["dates"] = [list(r) for r in self.dates]
        d["relations"] = [list(r) for r in self.relations]
        d["extra"] = [list(r) for r in self.extra]
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Record:
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        kw["kinds"] = frozenset(kw.get("kinds", ()))
        kw["alt_titles"] = tuple(kw.get("alt_titles", ()))
        kw["authors"] = tuple(kw.get("authors", ()))
        kw["editors"] = tuple(kw.get("editors", ()))
        kw["dates"] = tuple(tuple(r) for r in kw.get("dates", ()))
        kw["relations"] = tuple(tuple(r) for r in kw.get("relations", ()))
        kw["extra"] = tuple(tuple(r) for r in kw.get("extra", ()))
        return cls(**kw)


Answer = Record | SourceError | None


class Lookup(Protocol):
    """The questions `enrich.plan` asks (all batched except `search`); see the module docstring."""

    @property
    def sources(self) -> tuple[str, ...]:
        """Names of the sources asked ("crossref", "arxiv", "file"), for messages."""
        ...

    def dois(self, dois: Sequence[str]) -> dict[str, Answer]: ...

    def arxiv(self, ids: Sequence[str]) -> dict[str, Answer]: ...

    def piis(self, piis: Sequence[str]) -> dict[str, Answer]: ...

    def list_titles(self, titles: Sequence[str]) -> dict[str, Answer]:
        """The record a metadata file made for this list knows by the title the list printed."""
        ...

    def arxiv_titles(self, titles: Sequence[str]) -> dict[str, list[Record] | SourceError]:
        """Batched arXiv title search: per title, the arXiv records whose title resembles it."""
        ...

    def search(
        self, title: str, author: str, year: str, *, published: bool = False
    ) -> list[Record] | SourceError:
        """One bibliographic search (`published`: only published versions, year … +2)."""
        ...


class EmptyLookup:
    """A lookup that knows nothing: every question gets an empty answer. Subclass it and override
    the questions a source can answer (a test double, a source with one capability)."""

    @property
    def sources(self) -> tuple[str, ...]:
        return ()

    def dois(self, dois: Sequence[str]) -> dict[str, Answer]:
        return {}

    def arxiv(self, ids: Sequence[str]) -> dict[str, Answer]:
        return {}

    def piis(self, piis: Sequence[str]) -> dict[str, Answer]:
        return {}

    def list_titles(self, titles: Sequence[str]) -> dict[str, Answer]:
        return {}

    def arxiv_titles(self, titles: Sequence[str]) -> dict[str, list[Record] | SourceError]:
        return {}

    def search(
        self, title: str, author: str, year: str, *, published: bool = False
    ) -> list[Record] | SourceError:
        return []
