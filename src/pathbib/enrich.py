"""Enrichment planning (pure): which fields of which entries a lookup can fill or correct.

`plan(library, lookup, options)` asks the injected lookup in batched waves — arXiv ids,
then DOIs (the entries' own and the DOIs arXiv reports for preprints), PIIs, a batched
arXiv title search (one request per chunk of titles) for entries no identifier resolved, one
Crossref bibliographic search per entry still unresolved, the Crossref `is-preprint-of` relations
of every preprint matched so far (one more DOI batch), then a published-version search for
preprints not searched yet (at most one search per entry) — decides per entry
which record is the entry's work (`scoring`), and returns a `Plan`: field changes
(fills, updates, conflicts), findings (refusals with reasons, suggestions with scores,
not-found, per-entry errors) and provenance. `apply(library, plan)` returns the new
library. Nothing here touches the network, the disk or the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import SourceError
from .identifiers import extract_identifiers, normalize_arxiv, normalize_doi, normalize_pii
from .matching import normalize_title
from .model import Entry, FieldChange, Finding, Library
from .scoring import (
    KIND_REASONS,
    Decision,
    Query,
    decide,
    families_of,
    query_from_entry,
    same_work,
)
from .sources.record import Record

# Finding rules
NOT_FOUND = "EN001"
SOURCE_FAILED = "EN002"
REFUSED = "EN101"  # a candidate that must not be accepted (decoy), with its reason
MIXED = "EN102"  # identifier and other fields describe different works
SUGGESTION = "EN201"
CONFLICT = "EN301"
LOCKED = "EN302"
PUBLISHED = "EN401"  # preprint -> published version found

TYPE_FIELD = "ENTRYTYPE"  # pseudo-field of FieldChange for an entry-type change
# Library values that only say "preprint": a published venue replaces them without conflict
PLACEHOLDER = re.compile(r"^\s*(arxiv|medrxiv|biorxiv|ssrn|preprint|corr|arxiv\s*preprint.*|arxiv\s*e-prints|.*\barxiv:\s*\d.*)\s*$", re.I)
VENUE_FIELDS = ("journal", "booktitle", "volume", "number", "pages", "publisher", "doi", "year", "date")
NO_ESCAPE = {"doi", "url", "eprint", "archiveprefix", "primaryclass", "pii", "date", "year"}
PREPRINT_TYPES = {"misc", "unpublished", "online", "article", "techreport"}


@dataclass(frozen=True)
class Options:
    prefer_remote: frozenset[str] = frozenset()  # field names, "all", or "KEY:FIELD" / "KEY:*"
    locked: frozenset[str] = frozenset()  # config enrich.locked: "KEY" or "KEY:FIELD"
    only: frozenset[str] = frozenset()
    since: str = ""  # ISO date: only entries published on/after it
    search: bool = True
    today: str = ""  # provenance date (the CLI passes today's date)


@dataclass(frozen=True)
class EntryResult:
    key: str
    status: str  # filled | unchanged | conflicts | suggested | refused | not-found | error | skipped
    matched: str = ""  # record label accepted
    via: str = ""  # doi | arxiv | pii | search | file ...
    published: str = ""  # label of the published version found for a preprint
    searched: bool = False  # a bibliographic search was made for this entry


@dataclass(frozen=True)
class Plan:
    changes: tuple[FieldChange, ...] = ()
    findings: tuple[Finding, ...] = ()
    results: tuple[EntryResult, ...] = ()
    provenance: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    @property
    def applied(self) -> tuple[FieldChange, ...]:
        return tuple(c for c in self.changes if c.kind in ("fill", "update"))

    @property
    def conflicts(self) -> tuple[FieldChange, ...]:
        return tuple(c for c in self.changes if c.kind == "conflict")

    def summary(self) -> dict[str, int]:
        counts = {s: 0 for s in ("filled", "unchanged", "conflicts", "suggested", "refused", "not-found", "error", "skipped")}
        for r in self.results:
            counts[r.status] = counts.get(r.status, 0) + 1
        counts["fields filled"] = sum(1 for c in self.changes if c.kind == "fill")
        counts["fields updated"] = sum(1 for c in self.changes if c.kind == "update")
        counts["field conflicts"] = len(self.conflicts)
        return counts


# --------------------------------------------------------------------------- identifiers


@dataclass(frozen=True)
class Ids:
    doi: str = ""
    arxiv: str = ""
    pii: str = ""


def entry_ids(e: Entry) -> Ids:
    """The identifiers an entry carries in its fields or links."""
    doi = normalize_doi(e.get("doi") or "") or ""
    arxiv = ""
    if (e.get("archiveprefix") or "arxiv").lower() == "arxiv" and e.get("eprint"):
        arxiv = normalize_arxiv(e.get("eprint") or "") or ""
    pii = normalize_pii(e.get("pii") or "") or ""
    for f in ("url", "list-links"):
        for url in (e.get(f) or "").split():
            found = extract_identifiers(url)
            doi = doi or found.get("doi", "")
            arxiv = arxiv or found.get("arxiv", "")
            pii = pii or found.get("pii", "")
    if doi.startswith("10.48550/arxiv."):  # arXiv's DataCite DOI names the preprint
        arxiv = arxiv or (normalize_arxiv(doi.split("arxiv.", 1)[1]) or "")
        doi = ""
    return Ids(doi, arxiv, pii)


# --------------------------------------------------------------------------- values


def bib_escape(text: str) -> str:
    """Text from a source -> BibTeX value: LaTeX specials escaped, commands outside the allow-list inert."""
    from .latex import escape

    return escape(text, keep_markup=True)


def _norm(fname: str, value: str) -> str:
    v = value.strip()
    if fname in ("title", "journal", "booktitle", "publisher"):
        return normalize_title(v)
    if fname == "pages":
        return re.sub(r"[\s\-\u2013\u2014]+", "-", v)
    if fname == "doi":
        return normalize_doi(v) or v.lower()
    if fname == "eprint":
        return normalize_arxiv(v) or v.lower()
    return re.sub(r"\s+", " ", v).lower().replace("{", "").replace("}", "")


def _families_value(value: str) -> tuple[str, ...]:
    from .matching import normalize_family
    from .names import split_names

    return tuple(normalize_family(n.last) for n in split_names(value) if not n.literal and normalize_family(n.last))


def _container_field(btype: str) -> str:
    """Where an entry of type `btype` names its venue (a preprint server goes in `howpublished`)."""
    if btype == "article":
        return "journal"
    if btype in ("misc", "unpublished", "online"):
        return "howpublished"
    return "booktitle"


def record_fields(rec: Record, btype: str, *, preprint_source: bool) -> dict[str, str]:
    """The BibTeX fields a record can give, for an entry of type `btype` (values escaped)."""
    latex = ("format", "latex") in rec.extra
    out: dict[str, str] = {}
    if rec.title:
        out["title"] = rec.title
    if rec.authors:
        out["author"] = " and ".join(rec.authors)
    if rec.container and not (rec.is_preprint and rec.container.lower().startswith("arxiv")):
        out[_container_field(btype)] = rec.container
    if rec.year:
        out["year"] = rec.year
    if rec.date and len(rec.date) > 4 and not preprint_source:
        out["date"] = rec.date
    # arXiv's DOI field names the published version and is typed by authors: used only after verification
    doi = "" if rec.source == "arxiv" else rec.doi
    for f, v in (("volume", rec.volume), ("number", rec.issue), ("pages", rec.pages), ("doi", doi)):
        if v:
            out[f] = v
    if rec.arxiv:
        out["eprint"] = rec.arxiv
        out["archiveprefix"] = "arXiv"
        prim = dict(rec.extra).get("primary_category")
        if prim:
            out["primaryclass"] = prim
    if rec.publisher and btype in ("book", "incollection", "inproceedings", "proceedings", "techreport"):
        out["publisher"] = rec.publisher
    if not latex:
        out = {k: (v if k in NO_ESCAPE else bib_escape(v)) for k, v in out.items()}
    else:  # LaTeX from a BibTeX file: keep its markup, but only the text commands
        from .latex import sanitize

        out = {k: (v if k in NO_ESCAPE else sanitize(v)) for k, v in out.items()}
    return out


# --------------------------------------------------------------------------- selection


def selected(e: Entry, opts: Options) -> bool:
    """Return whether `--only`/`--since` select entry `e` for enrichment."""
    if opts.only and e.key not in opts.only:
        return False
    if opts.since:
        when = (e.get("date") or e.get("year") or "").strip()
        if not when or when < opts.since[: len(when)]:
            return False
    return True


def _locks(e: Entry, opts: Options) -> set[str]:
    locks = {x.strip().lower() for x in re.split(r"[,\s]+", e.get("list-locked") or "") if x.strip()}
    for item in opts.locked:
        k, _, f = item.partition(":")
        if k == e.key:
            locks.add((f or "*").lower())
    return locks


def _prefers_remote(key: str, fname: str, opts: Options) -> bool:
    p = opts.prefer_remote
    return "all" in p or fname in p or f"{key}:*" in p or f"{key}:{fname}" in p


# --------------------------------------------------------------------------- planning


@dataclass
class _Work:
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


def _preprint_ids(w: _Work) -> set[str]:
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


def _finding(w: _Work, rule: str, severity: str, message: str, fix: str | None = None, fname: str | None = None) -> None:
    w.findings.append(Finding(rule, severity, message, key=w.entry.key, field=fname, fix=fix, line=w.entry.line or None))  # type: ignore[arg-type]


def _answer(w: _Work, ans: Any, what: str) -> Record | None:
    if isinstance(ans, SourceError):
        w.error = True
        _finding(w, SOURCE_FAILED, "error", f"{what}: {ans.message}", ans.hint or None)
        return None
    return ans if isinstance(ans, Record) else None


def _accept_identified(w: _Work, rec: Record, via: str) -> None:
    """An identifier lookup answered: refuse notices and records of another work."""
    kind = rec.refused_kind
    if kind:
        w.refused = True
        _finding(w, REFUSED, "warning", f"{rec.label} refused: {KIND_REASONS[kind]}", "check the identifier in the entry")
        return
    ident = same_work(w.query.titles, w.query.families, rec)
    if not ident.ok:
        w.refused = True
        _finding(
            w, MIXED, "warning",
            f"{rec.label} refused: the {via} identifies a different work ({ident.reason}: "
            f"{rec.title!r}); the entry mixes fields of different works",
            "check the identifier and the title of the entry",
        )
        return
    w.primary, w.via = rec, via


def _report_decision(w: _Work, d: Decision, what: str) -> None:
    for s, why in d.refused:
        w.refused = w.refused or d.accepted is None
        _finding(w, REFUSED, "info", f"{what}: candidate {s.describe()} refused: {why}")
    if d.accepted is None and d.suggestions:
        w.suggested = True
        for s in d.suggestions:
            _finding(w, SUGGESTION, "info", f"{what}: not accepted ({d.reason}); candidate {s.describe()}: {s.record.title!r}",
                     f"add doi = {{{s.record.doi}}} if this is the paper" if s.record.doi else None)


def _is_published(rec: Record) -> bool:
    return not rec.is_preprint and not rec.refused_kind and bool(rec.container) and not PLACEHOLDER.match(rec.container)


def _verify_published(w: _Work, base: Record | None, cand: Record, via: str) -> bool:
    """Check a published-version candidate against the preprint (authors type arXiv DOIs by hand)."""
    if cand.refused_kind:
        _finding(w, REFUSED, "warning", f"{via} {cand.label} refused as published version: {KIND_REASONS[cand.refused_kind]}")
        return False
    if cand.is_preprint:
        return False
    titles = tuple(t for t in ((base.title if base else ""), *w.query.titles) if t)
    fams = families_of(base.authors) if base and base.authors else w.query.families
    ident = same_work(titles, fams, cand)
    if not ident.ok:
        _finding(w, MIXED, "warning",
                 f"{via} {cand.label} refused as published version: different work ({ident.reason}: {cand.title!r})",
                 "check the DOI/journal reference given on arXiv")
        return False
    return True


def plan(library: Library, lookup: Any, options: Options | None = None) -> Plan:
    """Decide what enrichment would change; `lookup` does all I/O (see sources.lookup)."""
    opts = options or Options()
    works: list[_Work] = []
    results: list[EntryResult] = []
    for e in library.entries:
        if not selected(e, opts):
            continue
        if "*" in _locks(e, opts):
            results.append(EntryResult(e.key, "skipped", via="locked"))
            continue
        works.append(_Work(e, entry_ids(e), query_from_entry(e)))

    # wave A: arXiv ids
    arx = lookup.arxiv(sorted({w.ids.arxiv for w in works if w.ids.arxiv}))
    for w in works:
        if w.ids.arxiv:
            w.arxiv_rec = _answer(w, arx.get(w.ids.arxiv), f"arXiv:{w.ids.arxiv}")
    # wave B: DOIs — the entries' own, and the published DOIs arXiv reports for preprints
    want = {w.ids.doi for w in works if w.ids.doi}
    want |= {w.arxiv_rec.doi for w in works if w.arxiv_rec and w.arxiv_rec.doi and not w.ids.doi}
    dois = lookup.dois(sorted(want))
    # wave C: PIIs of entries without DOI
    piis = lookup.piis(sorted({w.ids.pii for w in works if w.ids.pii and not w.ids.doi}))

    for w in works:
        if w.ids.doi:
            rec = _answer(w, dois.get(w.ids.doi), f"doi:{w.ids.doi}")
            if rec:
                _accept_identified(w, rec, "DOI")
            elif not w.error and w.ids.doi not in dois:
                pass
            elif not w.error:
                _finding(w, NOT_FOUND, "warning", f"doi:{w.ids.doi}: no record in the sources asked", "check the DOI")
        if w.primary is None and w.arxiv_rec is not None and not w.refused:
            _accept_identified(w, w.arxiv_rec, "arXiv id")
        if w.primary is None and not w.ids.doi and w.ids.pii and not w.refused:
            rec = _answer(w, piis.get(w.ids.pii), f"pii:{w.ids.pii}")
            if rec:
                _accept_identified(w, rec, "PII")
        # a record found by its arXiv id may itself be the published version (local files)
        if w.primary is not None and w.ids.arxiv and not w.ids.doi and _is_published(w.primary):
            w.published, w.published_via = w.primary, f"{w.primary.source} record of arXiv:{w.ids.arxiv}"
        # preprint -> published through arXiv's DOI (verified against Crossref)
        a = w.arxiv_rec
        if w.published is None and a is not None and a.doi and not w.ids.doi and a.doi in dois:
            cand = _answer(w, dois.get(a.doi), f"doi:{a.doi} (from arXiv)")
            if cand and _verify_published(w, a, cand, f"arXiv's DOI ({a.journal_ref or 'no journal ref'}) ->"):
                w.published, w.published_via = cand, f"DOI given by arXiv:{a.arxiv}"

    # a local metadata file made for this list knows each item by the title the list printed
    if hasattr(lookup, "list_titles"):
        todo = [w for w in works if w.primary is None and not w.refused and not w.error and w.query.titles]
        by_title = lookup.list_titles(sorted({w.query.titles[-1] for w in todo}))
        for w in todo:
            rec = by_title.get(w.query.titles[-1])
            if isinstance(rec, Record):
                _accept_identified(w, rec, "list title")
                if w.primary is not None and w.ids.arxiv and not w.ids.doi and _is_published(w.primary):
                    w.published, w.published_via = w.primary, f"{w.primary.source} record of the list item"

    # wave E0: batched arXiv title search for entries with no identifier at all (one request
    # per chunk of titles); a record accepted here is the entry's preprint, and the
    # preprint -> published logic below applies to it
    title_failed: set[str] = set()
    title_refused: set[str] = set()
    if opts.search and hasattr(lookup, "arxiv_titles"):
        # (an entry whose DOI/PII no source knows counts as unidentified: Springer and ScienceDirect
        # links give identifiers of articles whose preprint may be the only record found)
        todo = [w for w in works if w.primary is None and not (w.error or w.refused or w.ids.arxiv) and w.query.titles]
        got_t = lookup.arxiv_titles(sorted({w.query.titles[0] for w in todo})) if todo else {}
        for w in todo:
            ans = got_t.get(w.query.titles[0])
            if isinstance(ans, SourceError):  # Crossref may still find it; an error only if nothing does
                title_failed.add(w.entry.key)
                _finding(w, SOURCE_FAILED, "error", f"arXiv title search: {ans.message}", ans.hint or None)
                continue
            if not ans:
                continue
            d = decide(w.query, ans)
            was_refused = w.refused
            _report_decision(w, d, "arXiv title search")
            if w.refused and not was_refused:  # a refused arXiv candidate must not stop the Crossref search
                w.refused = False
                title_refused.add(w.entry.key)
            if d.accepted is not None:
                w.primary = w.arxiv_rec = d.accepted.record
                w.via = "arXiv title search"
                w.suggested = False

    # wave E1: one bibliographic search per entry that nothing identified
    if opts.search:
        for w in works:
            if w.error or w.refused or w.primary is not None or w.ids.doi or not w.query.titles:
                continue
            first = w.query.families[0] if w.query.families else ""
            found = lookup.search(w.query.titles[0], first, w.query.year)
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

    for w in works:
        if w.primary is None and w.entry.key in title_failed:
            w.error = True  # the arXiv title search failed and nothing else found it: a rerun asks again
        if w.primary is None and w.entry.key in title_refused:
            w.refused = True

    # wave D: Crossref relations of the preprint records matched so far (by identifier or by
    # search): one batch of DOI lookups for every `is-preprint-of` target, together with the
    # DOIs arXiv gives for preprints found by the arXiv title search
    rel_want: dict[str, list[_Work]] = {}
    arx_doi_want: dict[str, list[_Work]] = {}
    for w in works:
        a = w.arxiv_rec
        if w.via == "arXiv title search" and a is not None and a.doi and w.published is None:
            arx_doi_want.setdefault(a.doi, []).append(w)
    for w in works:
        p = w.primary
        if w.published is None and p is not None and p.is_preprint:
            for name, idt, rid in p.relations:
                if name == "is-preprint-of" and idt == "doi" and rid:
                    rel_want.setdefault(rid, []).append(w)
    if rel_want or arx_doi_want:
        rel = lookup.dois(sorted(set(rel_want) | set(arx_doi_want)))
        for adoi, ws in arx_doi_want.items():
            for w in ws:
                a = w.arxiv_rec
                cand = _answer(w, rel.get(adoi), f"doi:{adoi} (from arXiv)")
                if a is not None and cand and _verify_published(w, a, cand, f"arXiv's DOI ({a.journal_ref or 'no journal ref'}) ->"):
                    w.published, w.published_via = cand, f"DOI given by arXiv:{a.arxiv}"
        for rid, ws in rel_want.items():
            for w in ws:
                if w.published is not None:
                    continue
                cand = _answer(w, rel.get(rid), f"doi:{rid} (relation)")
                if cand and _verify_published(w, w.primary, cand, "Crossref relation is-preprint-of ->"):
                    w.published, w.published_via = cand, f"relation is-preprint-of of {w.primary.label if w.primary else ''}"

    # wave E2: the published version of preprints. An entry already searched in E1 is not
    # searched again (at most one search per entry): its first results are examined instead.
    if opts.search:
        for w in works:
            if w.error or w.refused or w.published is not None:
                continue
            p = w.primary
            if p is None or not (p.is_preprint or w.query.is_preprint) or w.ids.doi or p.source == "file" or p.source.startswith("file:"):
                continue
            base = w.arxiv_rec or p
            fams = families_of(base.authors) or w.query.families
            q = Query(w.entry.key, tuple(t for t in (base.title, *w.query.titles) if t), fams, base.year or w.query.year, True)
            if not q.titles:
                continue
            got: list[Record]
            if w.searched:
                got = [r for r in w.candidates if r is not p]
                what = "published version among the search results"
            else:
                res = lookup.search(q.titles[0], fams[0] if fams else "", q.year, published=True)
                w.searched = True
                what = "published-version search"
                if isinstance(res, SourceError):
                    _answer(w, res, what)
                    continue
                got = list(res)
            # a record that names this preprint in has-preprint is the published version
            names = _preprint_ids(w)
            linked = [r for r in got if any(n == "has-preprint" and _rel_id(idt, rid) in names for n, idt, rid in r.relations)]
            if linked and _verify_published(w, base, linked[0], "Crossref relation has-preprint ->"):
                w.published, w.published_via = linked[0], f"relation has-preprint of {linked[0].label}"
                continue
            if not got:
                continue
            d = decide(q, got, want_published=True)
            _report_decision(w, d, what)
            if d.accepted is not None and _verify_published(w, base, d.accepted.record, "title search ->"):
                w.published, w.published_via = d.accepted.record, "title search"

    changes: list[FieldChange] = []
    findings: list[Finding] = []
    provenance: dict[str, dict[str, dict[str, str]]] = {}
    for w in works:
        ch, prov = _merge(w, opts)
        changes += ch
        findings += w.findings
        if prov:
            provenance[w.entry.key] = prov
        results.append(_result(w, ch))
    return Plan(tuple(changes), tuple(findings), tuple(results), provenance)


def _result(w: _Work, ch: Sequence[FieldChange]) -> EntryResult:
    matched = w.primary.label if w.primary else ""
    pub = w.published.label if w.published else ""
    if w.error and w.primary is None:
        status = "error"
    elif any(c.kind in ("fill", "update") for c in ch):
        status = "filled"
    elif any(c.kind == "conflict" for c in ch):
        status = "conflicts"
    elif w.primary is not None:
        status = "unchanged"
    elif w.suggested:
        status = "suggested"
    elif w.refused:
        status = "refused"
    else:
        status = "not-found"
        if not any(f.rule == NOT_FOUND for f in w.findings):
            w.findings.append(Finding(NOT_FOUND, "info", "no record found", key=w.entry.key))
    return EntryResult(w.entry.key, status, matched, w.via, pub, w.searched)


def _merge(w: _Work, opts: Options) -> tuple[list[FieldChange], dict[str, dict[str, str]]]:
    """Field changes for one entry: fill empty fields, report conflicts, upgrade preprints."""
    e = w.entry
    if w.primary is None and w.published is None:
        return [], {}
    locks = _locks(e, opts)
    btype = e.entry_type
    sources: list[tuple[Record, bool]] = []  # (record, is the published upgrade)
    if w.arxiv_rec is not None and w.primary is not w.arxiv_rec and not w.refused:
        sources.append((w.arxiv_rec, False))
    if w.primary is not None:
        sources.append((w.primary, w.published is w.primary))
    upgrade = w.published is not None and w.published is not w.primary or (
        w.published is not None and w.ids.arxiv != "" and not w.ids.doi
    )
    new_type = btype
    if w.published is not None:
        if w.published is not w.primary:
            sources.append((w.published, True))
        if btype in PREPRINT_TYPES and w.published.type and w.published.type != btype:
            new_type = w.published.type
    elif w.primary is not None and btype == "misc" and w.primary.type not in ("", "misc"):
        new_type = w.primary.type
    changes: list[FieldChange] = []
    prov: dict[str, dict[str, str]] = {}
    proposed: dict[str, tuple[str, Record, bool]] = {}
    replaced_doi = ""
    for rec, is_pub in sources:  # later sources (primary, then published) override earlier ones
        for fname, value in record_fields(rec, new_type, preprint_source=rec.is_preprint).items():
            if is_pub or fname not in proposed or not proposed[fname][0]:
                proposed[fname] = (value, rec, is_pub)
            elif rec is w.primary and fname in proposed and proposed[fname][1] is w.arxiv_rec:
                proposed[fname] = (value, rec, is_pub)
    if upgrade and w.published is not None:
        # the published venue replaces the preprint's: drop the other container field
        for other in {"journal", "booktitle", "howpublished"} - {_container_field(new_type)}:
            proposed.pop(other, None)
    if new_type != btype and "type" not in locks:
        changes.append(FieldChange(e.key, TYPE_FIELD, btype, new_type, (w.published or w.primary).label,  # type: ignore[union-attr]
                                   "published version" if w.published else "type from source", "update"))
    for fname in sorted(proposed, key=_field_order):
        value, rec, is_pub = proposed[fname]
        old = e.get(fname)
        source = rec.label
        reason = f"published version ({w.published_via})" if is_pub else f"matched by {w.via or rec.source}"
        if rec.is_preprint and not is_pub and fname in ("year", "date") and old and old.strip():
            continue  # a preprint's date says nothing against the library's (often published) year
        if fname in locks:
            if old is None or _norm(fname, old) != _norm(fname, value):
                w.findings.append(Finding(LOCKED, "info", f"{fname} is locked; {source} has {value!r}", key=e.key, field=fname))
            continue
        if old is None or not old.strip():
            kind = "fill"
        elif _same(fname, old, value):
            continue
        elif fname == "author" and _completes(old, value):
            kind = "update"
            reason = "completes a truncated author list (and others)"
        elif is_pub and upgrade and fname in VENUE_FIELDS and (_preprint_value(fname, old, w) or fname in ("volume", "number", "pages", "date")):
            kind = "update"
        elif fname in ("journal", "booktitle") and PLACEHOLDER.match(old):
            kind = "update"
        elif fname in ("journal", "booktitle") and abbreviates(old, value):
            kind = "update"
            reason = f"expands the abbreviated venue {old!r}"
        elif fname == "booktitle" and _contained(old, value):
            kind = "update"
            reason = f"the full proceedings title of {old!r}"
        elif _prefers_remote(e.key, fname, opts):
            kind = "update"
            reason = "remote value preferred (--prefer-remote)"
        else:
            kind = "conflict"
        changes.append(FieldChange(e.key, fname, old, value, source, reason, kind))  # type: ignore[arg-type]
        if kind == "conflict":
            w.findings.append(Finding(CONFLICT, "warning", f"{fname}: library has {old!r}, {source} has {value!r}; kept the library's",
                                      key=e.key, field=fname, fix=f"pathbib enrich --only {e.key} --prefer-remote {e.key}:{fname}"))
        else:
            prov[fname] = {"source": rec.source, "id": rec.id, "date": opts.today, "via": reason}
            if fname == "doi" and kind == "update" and old and is_pub and _is_preprint_doi(old, w):
                prov[fname]["replaced"] = old.strip()  # the preprint's DOI stays visible to the curator
                replaced_doi = old.strip()
    hp = e.get("howpublished")
    if (upgrade and w.published is not None and _container_field(new_type) != "howpublished" and hp
            and PLACEHOLDER.match(hp) and "howpublished" not in locks):
        # "medRxiv"/"arXiv" as howpublished would contradict the published venue
        changes.append(FieldChange(e.key, "howpublished", hp, None, w.published.label, "preprint server replaced by the published venue", "update"))
        prov["howpublished"] = {"source": w.published.source, "id": w.published.id, "date": opts.today,
                                "via": f"published version ({w.published_via})", "replaced": hp}
    if upgrade and w.published is not None:
        kept = "eprint kept" if (e.get("eprint") or "eprint" in proposed) else ""
        gone = f"preprint DOI {replaced_doi} replaced (kept in provenance as doi.replaced)" if replaced_doi else ""
        tail = "; ".join(x for x in (kept, gone) if x)
        w.findings.append(Finding(PUBLISHED, "info", f"published version: {w.published.label} "
                                  f"({w.published.container} {w.published.year}) via {w.published_via}"
                                  + (f"; {tail}" if tail else ""), key=e.key))
    return changes, prov


_ORDER = {n: i for i, n in enumerate(("author", "title", "journal", "booktitle", "year", "date", "volume", "number",
                                       "pages", "publisher", "doi", "eprint", "archiveprefix", "primaryclass"))}


def _field_order(name: str) -> int:
    return _ORDER.get(name, 99)


_STOP = {"of", "the", "and", "on", "for", "in", "de", "a", "an"}


def _contained(old: str, new: str) -> bool:
    """Every word of `old` is in the longer `new` ("CVPR" in "Proceedings of the IEEE/CVF ... (CVPR)")."""
    ot = set(normalize_title(old).split()) - _STOP
    nt = set(normalize_title(new).split())
    # words that make it another venue, not a longer name of the same one
    if (nt - ot) & {"workshop", "workshops", "companion", "adjunct", "supplement", "demo", "demos", "findings"}:
        return False
    return bool(ot) and ot < nt


def _abbrev_token(a: str, words: list[str]) -> int:
    """Number of leading `words` that token `a` abbreviates ("bme" -> biomedical engineering), or 0."""
    if not words:
        return 0
    if words[0] == a or (len(a) >= 3 and words[0].startswith(a)):
        return 1
    for k in range(len(words), 1, -1):
        span = words[:k]
        pos, ok = 0, True
        for idx, w_ in enumerate(span):  # each word gives its first letter, in order
            if pos >= len(a) or a[pos] != w_[0]:
                ok = False
                break
            pos += 1
            rest = w_[1:]
            nxt = span[idx + 1][0] if idx + 1 < len(span) else None
            while pos < len(a) and a[pos] != nxt:  # then any of its letters, in order
                i = rest.find(a[pos])
                if i < 0:
                    break
                rest = rest[i + 1 :]
                pos += 1
        if ok and pos == len(a):
            return k
    return 0


def abbreviates(old: str, new: str) -> bool:
    """True when `old` is an abbreviation of `new` ("Nature BME" of "Nature Biomedical Engineering")."""
    ot = normalize_title(old).split()
    nt = [w_ for w_ in normalize_title(new).split() if w_ not in _STOP]
    if not ot or ot == nt:
        return False
    j = 0
    for a in ot:
        if a in _STOP:
            continue
        k = _abbrev_token(a, nt[j:])
        if not k:
            return False
        j += k
    return j == len(nt)


def _same(fname: str, old: str, new: str) -> bool:
    if fname == "author":
        return _families_value(old) == _families_value(new)
    return _norm(fname, old) == _norm(fname, new)


def _completes(old: str, new: str) -> bool:
    fo, fn = _families_value(old), _families_value(new)
    return bool(re.search(r"\band\s+others\s*$", old.strip())) and fn[: len(fo)] == fo and len(fn) > len(fo)


def _preprint_value(fname: str, old: str, w: _Work) -> bool:
    """Is the library's value the preprint's (so the published one may replace it)?"""
    if fname in ("journal", "booktitle", "publisher"):
        return bool(PLACEHOLDER.match(old))
    if fname == "year":
        pre = w.arxiv_rec.year if w.arxiv_rec else ""
        return old.strip() == pre or (w.published is not None and abs(int(w.published.year or 0) - int(old[:4] or 0)) <= 2
                                      if old[:4].isdigit() and (w.published and w.published.year.isdigit()) else False)
    if fname == "doi":
        return _is_preprint_doi(old, w)
    return False


def _is_preprint_doi(old: str, w: _Work) -> bool:
    """The library's DOI names the preprint: arXiv's DataCite DOI, or the DOI of the record
    matched as the preprint (a medRxiv/bioRxiv 10.1101/..., a Research Square DOI, ...)."""
    doi = normalize_doi(old) or old.strip().lower()
    if doi.startswith("10.48550/"):
        return True
    p = w.primary
    return p is not None and p is not w.published and p.is_preprint and bool(p.doi) and p.doi.lower() == doi


# --------------------------------------------------------------------------- applying


def apply(library: Library, p: Plan) -> Library:
    """Return the library with the plan's fills and updates applied (conflicts are not)."""
    by_key: dict[str, Entry] = {}
    for c in p.applied:
        e = by_key.get(c.key) or library.get(c.key)
        if e is None:
            continue
        if c.field == TYPE_FIELD:
            e = e.with_type(c.new or e.entry_type)
        elif c.new is None:
            e = e.remove(c.field)
        else:
            e = e.set(c.field, c.new)
        by_key[c.key] = e
    return library.update_entries(by_key)


def resolve_conflicts(p: Plan, prefer: Iterable[str]) -> Plan:
    """Turn conflicts named by `prefer` (fields, "all", "KEY:FIELD", "KEY:*") into updates."""
    opts = Options(prefer_remote=frozenset(prefer))
    out = []
    for c in p.changes:
        if c.kind == "conflict" and _prefers_remote(c.key, c.field, opts):
            out.append(FieldChange(c.key, c.field, c.old, c.new, c.source, "remote value preferred", "update"))
        else:
            out.append(c)
    return Plan(tuple(out), p.findings, p.results, p.provenance)


# --------------------------------------------------------------------------- provenance


def merge_provenance(existing: dict[str, Any], p: Plan) -> dict[str, Any]:
    """Add the plan's provenance to an existing sidecar document (pure)."""
    entries = dict(existing.get("entries", {})) if isinstance(existing, dict) else {}
    for key, fields_ in p.provenance.items():
        cur = dict(entries.get(key, {}))
        cur.update(fields_)
        entries[key] = cur
    return {"format": "pathbib-provenance", "version": 1, "entries": entries}


def render_provenance(doc: dict[str, Any]) -> str:
    """Render the provenance document as stable, sorted JSON text."""
    import json

    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def changes_as_json(p: Plan) -> dict[str, Any]:
    """A machine-readable report (for --json)."""
    return {
        "summary": p.summary(),
        "entries": [r.__dict__ for r in p.results],
        "changes": [
            {"key": c.key, "field": c.field, "old": c.old, "new": c.new, "source": c.source, "reason": c.reason, "kind": c.kind}
            for c in p.changes
        ],
        "findings": [
            {"rule": f.rule, "severity": f.severity, "key": f.key, "field": f.field, "message": f.message, "fix": f.fix}
            for f in p.findings
        ],
    }


def new_entry_fields(ids: Ids) -> list[tuple[str, str]]:
    """Fields of a bare entry for `pathbib add`, before enrichment."""
    out = []
    if ids.doi:
        out.append(("doi", ids.doi))
    if ids.arxiv:
        out += [("eprint", ids.arxiv), ("archiveprefix", "arXiv")]
    if ids.pii:
        out.append(("pii", ids.pii))
    return out


__all__ = [
    "Options", "Plan", "EntryResult", "Ids", "plan", "apply", "entry_ids", "resolve_conflicts",
    "merge_provenance", "render_provenance", "changes_as_json", "record_fields", "bib_escape",
]

