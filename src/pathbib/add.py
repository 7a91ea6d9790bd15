"""`pathbib add`: a complete new entry from a DOI, an arXiv id or a URL with one (pure; the lookup does I/O).

`add_entry(library, identifier, lookup)` parses the identifier, refuses one the library
already has, resolves it with the enrich pipeline (identifiers only, no search), refuses a
work already in the library under another identifier, and returns the new entry with a
key from `keys.make_key`, the plan (for the report) and the provenance under the new key.
Failures are exceptions: `UsageError` (not an identifier, already there), `SourceError`
(a source failed: exit 3), `SourceNotFound` (the sources have no such record).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .enrich import Ids, Options, Plan, apply, entry_ids, new_entry_fields, plan
from .errors import SourceError, SourceNotFound, UsageError
from .identifiers import extract_identifiers, normalize_arxiv, normalize_doi
from .keys import make_key
from .matching import normalize_title
from .model import Entry, Field, Library
from .record import Lookup
from .scoring import families_of


@dataclass(frozen=True)
class Added:
    entry: Entry
    plan: Plan
    provenance: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # {new key: {field: ...}}

    @property
    def matched(self) -> str:
        return self.plan.results[0].matched

    @property
    def published(self) -> str:
        return self.plan.results[0].published


def parse_identifier(identifier: str) -> Ids:
    """A DOI, an arXiv id, or a URL containing one (or a ScienceDirect PII) -> Ids."""
    ident = identifier.strip()
    found = extract_identifiers(ident) if "://" in ident else {}
    ids = Ids(
        found.get("doi") or normalize_doi(ident) or "",
        found.get("arxiv") or ("" if normalize_doi(ident) else normalize_arxiv(ident) or ""),
        found.get("pii", ""),
    )
    if not (ids.doi or ids.arxiv or ids.pii):
        raise UsageError(
            f"{identifier!r} is not a DOI, an arXiv id or a URL with one",
            "e.g. pathbib add 10.1038/s41591-024-02857-3",
        )
    return ids


def refuse_known(lib: Library, ids: Ids) -> None:
    """Raise UsageError when an entry of `lib` already carries one of these identifiers."""
    for e in lib.entries:
        other = entry_ids(e)
        if (ids.doi and other.doi == ids.doi) or (ids.arxiv and other.arxiv == ids.arxiv):
            raise UsageError(
                f"already in the library as {e.key}", f"run `pathbib enrich --only {e.key}` to complete it"
            )


def already_there(lib: Library, new: Entry) -> tuple[str, str] | None:
    """The key of a library entry for the same work as the resolved `new` entry, and why."""
    ids = entry_ids(new)
    title = normalize_title(new.get("title") or "")
    for e in lib.entries:
        other = entry_ids(e)
        if ids.doi and other.doi == ids.doi:
            return e.key, f"same DOI {ids.doi}"
        if ids.arxiv and other.arxiv == ids.arxiv:
            return e.key, f"same arXiv id {ids.arxiv}"
        if (
            title
            and len(title) > 20
            and title in {normalize_title(e.get(f) or "") for f in ("title", "list-title")}
        ):
            return e.key, "same title"
    return None


def _resolve(draft: Entry, identifier: str, lookup: Lookup, today: str) -> tuple[Entry, Plan]:
    p = plan(Library((draft,)), lookup, Options(search=False, today=today))
    res = p.results[0]
    if not res.matched and res.status == "error":
        failed = next((f for f in p.findings if f.rule == "EN002"), None)
        raise SourceError(
            f"could not look up {identifier}: a source failed ({failed.message if failed else 'no answer'})",
            (failed.fix if failed and failed.fix else "retry later") + "; nothing was added",
        )
    if not res.matched:
        detail = "; ".join(f.message for f in p.findings if f.severity != "info")
        raise SourceNotFound(
            f"no record found for {identifier}" + (f" ({detail})" if detail else ""),
            "check the identifier, or try another --source",
        )
    return apply(Library((draft,)), p).entries[0], p


def add_entry(
    library: Library, identifier: str, lookup: Lookup, *, section: str = "", today: str = ""
) -> Added:
    """Resolve `identifier` into a complete entry for `library` (which is not changed)."""
    ids = parse_identifier(identifier)
    refuse_known(library, ids)
    draft = Entry("misc", "pathbib-new", tuple(Field(n, v) for n, v in new_entry_fields(ids)))
    entry, p = _resolve(draft, identifier, lookup, today)
    dup = already_there(library, entry)
    if dup is not None:
        dup_key, why = dup
        raise UsageError(
            f"{identifier} resolves to a work already in the library as {dup_key} ({why})",
            f"nothing added; run `pathbib enrich --only {dup_key}` to complete {dup_key}",
        )
    fams = families_of([a.strip() for a in (entry.get("author") or "").split(" and ")])
    key = make_key(
        fams[0] if fams else None, entry.get("year"), entry.get("title"), {e.key for e in library.entries}
    )
    entry = entry.with_key(key)
    if section:
        entry = entry.set("list-section", section)
    prov = next(iter(p.provenance.values()), {})
    return Added(entry, p, {key: prov} if prov else {})
