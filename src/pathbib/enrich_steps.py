"""The steps of `enrich.plan`: which record is each entry's work (pure; all I/O through the `Lookup`).

`PIPELINE` names the steps in the order they run. Each step takes the `Run` (the entries
being enriched, one `Work` each, and the lookup) and asks the lookup one batch of
questions: arXiv ids; DOIs and PIIs (with the DOIs arXiv gives for preprints); the list
titles a local metadata file knows; a batched arXiv title search; one Crossref search per
entry still unresolved; the Crossref relations of the preprints matched so far; the
published version of preprints (at most one search per entry). Every lookup method is
part of `record.Lookup`: a lookup without a capability answers empty, no step probes for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .enrich_values import PLACEHOLDER
from .errors import SourceError
from .identifiers import normalize_arxiv, normalize_doi
from .model import Entry, Finding, Severity
from .record import Answer, Lookup, Record
from .scoring import KIND_REASONS, Decision, Query, decide, families_of, same_work

# Finding rules
NOT_FOUND = "EN001"
SOURCE_FAILED = "EN002"
NO_DATE = "EN003"  # the matched record gives no publication date
REFUSED = "EN101"  # a candidate that must not be accepted (decoy), with its reason
MIXED = "EN102"  # identifier and other fields describe different works
SUGGESTION = "EN201"
CONFLICT = "EN301"
LOCKED = "EN302"
DATES = "EN303"  # a date the record gives was not written: it contradicts a kept year/date/origdate
PUBLISHED = "EN401"  # preprint -> published version found
UNCONFIRMED = "EN402"  # arXiv names a published DOI that Crossref does not know


@dataclass(frozen=True)
class Ids:
    doi: str = ""
    arxiv: str = ""
    pii: str = ""


@dataclass(frozen=True)
class Options:
    prefer_remote: frozenset[str] = frozenset()  # field names, "all", or "KEY:FIELD" / "KEY:*"
    locked: frozenset[str] = frozenset()  # config enrich.locked: "KEY" or "KEY:FIELD"
    only: frozenset[str] = frozenset()
    since: str = ""  # ISO date: only entries published on/after it
    search: bool = True
    today: str = ""  # provenance date (the CLI passes today's date)


@dataclass
class Work:
    """One entry being enriched: what it says, and what the steps found for it so far."""

    entry: Entry
    ids: Ids
    query: Query
    primary: Record | None = None
    via: str = ""
    published: Record | None = None
    published_via: str = ""
    arxiv_rec: Record | None = None
    findings: list[Finding] = field(default_factory=list)
    error: bool = False
    refused: bool = False
    suggested: bool = False
    searched: bool = False
    candidates: list[Record] = field(default_factory=list)  # the results of this entry's search


@dataclass
class Run:
    """The state the steps share: the works, the lookup, and what one step leaves for a later one."""

    works: list[Work]
    lookup: Lookup
    opts: Options
    dois: dict[str, Answer] = field(default_factory=dict)
    title_failed: dict[str, SourceError] = field(
        default_factory=dict
    )  # key -> the arXiv title search's error
    title_refused: set[str] = field(default_factory=set)


# --------------------------------------------------------------------------- helpers


def finding(
    w: Work, rule: str, severity: Severity, message: str, fix: str | None = None, fname: str | None = None
) -> None:
    w.findings.append(
        Finding(rule, severity, message, key=w.entry.key, field=fname, fix=fix, line=w.entry.line or None)
    )


def _preprint_ids(w: Work) -> set[str]:
    """Identifiers naming this entry's preprint: arXiv id (bare and as arXiv's DOI), preprint DOIs."""
    out: set[str] = set()
    arx = w.ids.arxiv or (w.arxiv_rec.arxiv if w.arxiv_rec else "") or (w.primary.arxiv if w.primary else "")
    if arx:
        out |= {arx.lower(), f"10.48550/arxiv.{arx.lower()}"}
    if w.ids.doi:
        out.add(w.ids.doi)
    p = w.primary
    if p is not None and p.is_preprint and p.source != "arxiv" and p.doi:
        out.add(p.doi.lower())
    return out


def _rel_id(idt: str, rid: str) -> str:
    """A relation's target as a comparable identifier (arXiv ids lose their version)."""
    rid = rid.strip().lower()
    if idt == "arxiv" or rid.startswith("arxiv:"):
        return normalize_arxiv(rid.removeprefix("arxiv:")) or rid
    return normalize_doi(rid) or rid


def _answer(w: Work, ans: Answer | list[Record], what: str) -> Record | None:
    if isinstance(ans, SourceError):
        w.error = True
        finding(w, SOURCE_FAILED, "error", f"{what}: {ans.message}", ans.hint or None)
        return None
    return ans if isinstance(ans, Record) else None


def _accept_identified(w: Work, rec: Record, via: str) -> None:
    """An identifier lookup answered: refuse notices and records of another work."""
    kind = rec.refused_kind
    if kind:
        w.refused = True
        finding(
            w,
            REFUSED,
            "warning",
            f"{rec.label} refused: {KIND_REASONS[kind]}",
            "check the identifier in the entry",
        )
        return
    ident = same_work(w.query.titles, w.query.families, rec)
    if not ident.ok:
        w.refused = True
        finding(
            w,
            MIXED,
            "warning",
            f"{rec.label} refused: the {via} identifies a different work ({ident.reason}: "
            f"{rec.title!r}); the entry mixes fields of different works",
            "check the identifier and the title of the entry",
        )
        return
    w.primary, w.via = rec, via


def _report_decision(w: Work, d: Decision, what: str) -> None:
    for s, why in d.refused:
        w.refused = w.refused or d.accepted is None
        finding(w, REFUSED, "info", f"{what}: candidate {s.describe()} refused: {why}")
    if d.accepted is None and d.suggestions:
        w.suggested = True
        for s in d.suggestions:
            finding(
                w,
                SUGGESTION,
                "info",
                f"{what}: not accepted ({d.reason}); candidate {s.describe()}: {s.record.title!r}",
                f"add doi = {{{s.record.doi}}} if this is the paper" if s.record.doi else None,
            )


def _unconfirmed(w: Work, a: Record, sources: Sequence[str]) -> None:
    """arXiv names a published DOI that Crossref (asked, and answering) does not know: say so, write nothing."""
    ref = f" ({a.journal_ref})" if a.journal_ref else ""
    by = "Crossref" if "crossref" in sources else "the sources asked"
    finding(
        w,
        UNCONFIRMED,
        "info",
        f"published version found on arXiv, not confirmed by {by}: doi:{a.doi}{ref} (given by arXiv:{a.arxiv}; "
        "the DOI may be registered with another agency)",
        f"add doi = {{{a.doi}}} and the venue if this is the published version",
    )
    w.suggested = True


def _is_published(rec: Record) -> bool:
    return (
        not rec.is_preprint
        and not rec.refused_kind
        and bool(rec.container)
        and not PLACEHOLDER.match(rec.container)
    )


def _verify_published(w: Work, base: Record | None, cand: Record, via: str) -> bool:
    """Check a published-version candidate against the preprint (authors type arXiv DOIs by hand)."""
    if cand.refused_kind:
        finding(
            w,
            REFUSED,
            "warning",
            f"{via} {cand.label} refused as published version: {KIND_REASONS[cand.refused_kind]}",
        )
        return False
    if cand.is_preprint:
        return False
    titles = tuple(t for t in ((base.title if base else ""), *w.query.titles) if t)
    fams = families_of(base.authors) if base and base.authors else w.query.families
    ident = same_work(titles, fams, cand)
    if not ident.ok:
        finding(
            w,
            MIXED,
            "warning",
            f"{via} {cand.label} refused as published version: different work ({ident.reason}: {cand.title!r})",
            "check the DOI/journal reference given on arXiv",
        )
        return False
    return True


def _arxiv_doi(w: Work, a: Record, answers: dict[str, Answer], sources: Sequence[str]) -> None:
    """Preprint -> published through the DOI arXiv gives, verified against the record Crossref has."""
    cand = _answer(w, answers.get(a.doi), f"doi:{a.doi} (from arXiv)")
    if cand and _verify_published(w, a, cand, f"arXiv's DOI ({a.journal_ref or 'no journal ref'}) ->"):
        w.published, w.published_via = cand, f"DOI given by arXiv:{a.arxiv}"
    elif a.doi in answers and answers.get(a.doi) is None:
        _unconfirmed(w, a, sources)


# --------------------------------------------------------------------------- steps


def step_arxiv_ids(run: Run) -> None:
    """Ask arXiv for every entry's arXiv id (one batch)."""
    arx = run.lookup.arxiv(sorted({w.ids.arxiv for w in run.works if w.ids.arxiv}))
    for w in run.works:
        if w.ids.arxiv:
            w.arxiv_rec = _answer(w, arx.get(w.ids.arxiv), f"arXiv:{w.ids.arxiv}")


def step_identifiers(run: Run) -> None:
    """DOIs (the entries' own and those arXiv reports for preprints) and PIIs; accept what they identify."""
    works = run.works
    want = {w.ids.doi for w in works if w.ids.doi}
    want |= {w.arxiv_rec.doi for w in works if w.arxiv_rec and w.arxiv_rec.doi and not w.ids.doi}
    run.dois = dois = run.lookup.dois(sorted(want))
    piis = run.lookup.piis(sorted({w.ids.pii for w in works if w.ids.pii and not w.ids.doi}))
    for w in works:
        if w.ids.doi:
            rec = _answer(w, dois.get(w.ids.doi), f"doi:{w.ids.doi}")
            if rec:
                _accept_identified(w, rec, "DOI")
            elif not w.error and w.ids.doi in dois:
                finding(
                    w,
                    NOT_FOUND,
                    "warning",
                    f"doi:{w.ids.doi}: no record in the sources asked",
                    "check the DOI",
                )
        if w.primary is None and w.arxiv_rec is not None and not w.refused:
            _accept_identified(w, w.arxiv_rec, "arXiv id")
        if w.primary is None and not w.ids.doi and w.ids.pii and not w.refused:
            rec = _answer(w, piis.get(w.ids.pii), f"pii:{w.ids.pii}")
            if rec:
                _accept_identified(w, rec, "PII")
        # a record found by its arXiv id may itself be the published version (local files)
        if w.primary is not None and w.ids.arxiv and not w.ids.doi and _is_published(w.primary):
            w.published, w.published_via = w.primary, f"{w.primary.source} record of arXiv:{w.ids.arxiv}"
        a = w.arxiv_rec
        if w.published is None and a is not None and a.doi and not w.ids.doi and a.doi in dois:
            _arxiv_doi(w, a, dois, run.lookup.sources)


def step_list_titles(run: Run) -> None:
    """A local metadata file made for this list knows each item by the title the list printed."""
    todo = [w for w in run.works if w.primary is None and not w.refused and not w.error and w.query.titles]
    by_title = run.lookup.list_titles(sorted({w.query.titles[-1] for w in todo}))
    for w in todo:
        rec = by_title.get(w.query.titles[-1])
        if isinstance(rec, Record):
            _accept_identified(w, rec, "list title")
            if w.primary is not None and w.ids.arxiv and not w.ids.doi and _is_published(w.primary):
                w.published, w.published_via = w.primary, f"{w.primary.source} record of the list item"


def step_arxiv_title_search(run: Run) -> None:
    """Batched arXiv title search for entries no identifier resolved; an accepted record is the preprint.

    (An entry whose DOI/PII no source knows counts as unidentified: Springer and ScienceDirect
    links give identifiers of articles whose preprint may be the only record found.)"""
    if not run.opts.search:
        return
    todo = [
        w
        for w in run.works
        if w.primary is None and not (w.error or w.refused or w.ids.arxiv) and w.query.titles
    ]
    got = run.lookup.arxiv_titles(sorted({w.query.titles[0] for w in todo})) if todo else {}
    for w in todo:
        ans = got.get(w.query.titles[0])
        if isinstance(ans, SourceError):  # Crossref may still find it: settled in step_settle_title_search
            run.title_failed[w.entry.key] = ans
            continue
        if not ans:
            continue
        d = decide(w.query, ans)
        was_refused = w.refused
        _report_decision(w, d, "arXiv title search")
        if w.refused and not was_refused:  # a refused arXiv candidate must not stop the Crossref search
            w.refused = False
            run.title_refused.add(w.entry.key)
        if d.accepted is not None:
            w.primary = w.arxiv_rec = d.accepted.record
            w.via = "arXiv title search"
            w.suggested = False


def step_search(run: Run) -> None:
    """One bibliographic search per entry that nothing identified."""
    if not run.opts.search:
        return
    for w in run.works:
        if w.error or w.refused or w.primary is not None or w.ids.doi or not w.query.titles:
            continue
        first = w.query.families[0] if w.query.families else ""
        found = run.lookup.search(w.query.titles[0], first, w.query.year)
        w.searched = True
        if isinstance(found, SourceError):
            _answer(w, found, "search")
            continue
        w.candidates = list(found)
        # an entry that already names its arXiv preprint is only looking for the published
        # version: another posting of the preprint (a bioRxiv/medRxiv twin) is refused
        d = decide(w.query, found, want_published=bool(w.ids.arxiv))
        _report_decision(w, d, "search")
        if d.accepted is not None:
            w.primary, w.via = d.accepted.record, "search"


def step_settle_title_search(run: Run) -> None:
    """A failed arXiv title search is an error only if nothing else found the entry (else a warning)."""
    for w in run.works:
        failed = run.title_failed.get(w.entry.key)
        if failed is not None:
            finding(
                w,
                SOURCE_FAILED,
                "error" if w.primary is None else "warning",
                f"arXiv title search: {failed.message}"
                + ("" if w.primary is None else f" (found by {w.via})"),
                failed.hint or None,
            )
            w.error = w.error or w.primary is None  # an error: a rerun asks again
        if w.primary is None and w.entry.key in run.title_refused:
            w.refused = True


def step_relations(run: Run) -> None:
    """One more DOI batch: `is-preprint-of` targets of the preprints matched so far (by identifier
    or by search), and the DOIs arXiv gives for preprints found by the arXiv title search."""
    rel_want: dict[str, list[Work]] = {}
    arx_doi_want: dict[str, list[Work]] = {}
    for w in run.works:
        a, p = w.arxiv_rec, w.primary
        if w.via == "arXiv title search" and a is not None and a.doi and w.published is None:
            arx_doi_want.setdefault(a.doi, []).append(w)
        if w.published is None and p is not None and p.is_preprint:
            for name, idt, rid in p.relations:
                if name == "is-preprint-of" and idt == "doi" and rid:
                    rel_want.setdefault(rid, []).append(w)
    if not (rel_want or arx_doi_want):
        return
    rel = run.lookup.dois(sorted(set(rel_want) | set(arx_doi_want)))
    for ws in arx_doi_want.values():
        for w in ws:
            if w.arxiv_rec is not None:
                _arxiv_doi(w, w.arxiv_rec, rel, run.lookup.sources)
    for rid, ws in rel_want.items():
        for w in ws:
            if w.published is not None:
                continue
            cand = _answer(w, rel.get(rid), f"doi:{rid} (relation)")
            if cand and _verify_published(w, w.primary, cand, "Crossref relation is-preprint-of ->"):
                w.published, w.published_via = (
                    cand,
                    f"relation is-preprint-of of {w.primary.label if w.primary else ''}",
                )


def _published_candidates(run: Run, w: Work, q: Query) -> tuple[list[Record], str] | None:
    """The records to examine for a preprint's published version: the results of the entry's one
    search if it had one, else one published-version search (None when it failed)."""
    if w.searched:
        return [r for r in w.candidates if r is not w.primary], "published version among the search results"
    what = "published-version search"
    res = run.lookup.search(q.titles[0], q.families[0] if q.families else "", q.year, published=True)
    w.searched = True
    if isinstance(res, SourceError):
        _answer(w, res, what)
        return None
    return list(res), what


def step_published_search(run: Run) -> None:
    """The published version of preprints still without one (at most one search per entry)."""
    if not run.opts.search:
        return
    for w in run.works:
        p = w.primary
        if w.error or w.refused or w.published is not None or p is None:
            continue
        if (
            not (p.is_preprint or w.query.is_preprint)
            or w.ids.doi
            or p.source == "file"
            or p.source.startswith("file:")
        ):
            continue
        base = w.arxiv_rec or p
        fams = families_of(base.authors) or w.query.families
        q = Query(
            w.entry.key,
            tuple(t for t in (base.title, *w.query.titles) if t),
            fams,
            base.year or w.query.year,
            True,
        )
        if not q.titles:
            continue
        found = _published_candidates(run, w, q)
        if found is None:
            continue
        got, what = found
        # a record that names this preprint in has-preprint is the published version
        names = _preprint_ids(w)
        linked = [
            r
            for r in got
            if any(n == "has-preprint" and _rel_id(idt, rid) in names for n, idt, rid in r.relations)
        ]
        if linked and _verify_published(w, base, linked[0], "Crossref relation has-preprint ->"):
            w.published, w.published_via = linked[0], f"relation has-preprint of {linked[0].label}"
            continue
        if not got:
            continue
        d = decide(q, got, want_published=True)
        _report_decision(w, d, what)
        if d.accepted is not None and _verify_published(w, base, d.accepted.record, "title search ->"):
            w.published, w.published_via = d.accepted.record, "title search"


Step = Callable[[Run], None]

#: The named steps of `enrich.plan`, in order (docs/enrich.md "Resolution order").
PIPELINE: tuple[tuple[str, Step], ...] = (
    ("arxiv-ids", step_arxiv_ids),
    ("identifiers", step_identifiers),
    ("list-titles", step_list_titles),
    ("arxiv-title-search", step_arxiv_title_search),
    ("search", step_search),
    ("settle-title-search", step_settle_title_search),
    ("relations", step_relations),
    ("published-search", step_published_search),
)
