"""Enrichment planning (pure): which fields of which entries a lookup can fill or correct.

`plan(library, lookup, options)` runs the named steps of `enrich_steps.PIPELINE` over the
selected entries — arXiv ids, DOIs and PIIs, list titles, a batched arXiv title search, one
Crossref search per entry still unresolved, the Crossref relations of the preprints
matched so far, the published-version search — which decide per entry which record is the
entry's work (`scoring`). `_merge` then turns each entry's records into field changes
(fills, updates, conflicts; value rules in `enrich_values`), and `plan` returns a `Plan`:
changes, findings (refusals with reasons, suggestions with scores, not-found, per-entry
errors) and provenance. `apply(library, plan)` returns the new library. Nothing here
touches the network, the disk or the clock: the lookup (`record.Lookup`) does all I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .dates import DATE_FIELDS, fields_disagreement
from .enrich_steps import (
    CONFLICT,
    DATES,
    LOCKED,
    NO_DATE,
    NOT_FOUND,
    PIPELINE,
    PUBLISHED,
    Ids,
    Options,
    Run,
    Work,
)
from .enrich_values import (
    FILL_ONLY,
    PLACEHOLDER,
    VENUE_FIELDS,
    abbreviates,
    bib_escape,
    completes,
    contained,
    container_field,
    field_order,
    norm,
    record_fields,
)
from .identifiers import normalize_doi, normalize_pii
from .identity import ARXIV_DOI_PREFIX, entry_identifiers, field_arxiv, field_doi, is_arxiv_eprint
from .merge import TYPE_LOCK, locked_fields
from .merge import decide as policy
from .model import TYPE_FIELD, Entry, FieldChange, Finding, Library
from .record import Lookup, Record
from .scoring import query_from_entry

_Work = Work  # the name the merge policy (and the identity work replacing it) uses

ONLINE_KEYS = ("published-online", "journal-issue.published-online", "posted")
PREPRINT_TYPES = {"misc", "unpublished", "online", "article", "techreport"}
Kind = Literal["fill", "update", "conflict"]


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
        counts = {
            s: 0
            for s in (
                "filled",
                "unchanged",
                "conflicts",
                "suggested",
                "refused",
                "not-found",
                "error",
                "skipped",
            )
        }
        for r in self.results:
            counts[r.status] = counts.get(r.status, 0) + 1
        counts["fields filled"] = sum(1 for c in self.changes if c.kind == "fill")
        counts["fields updated"] = sum(1 for c in self.changes if c.kind == "update")
        counts["field conflicts"] = len(self.conflicts)
        return counts


# --------------------------------------------------------------------------- identifiers


def entry_ids(e: Entry) -> Ids:
    """The identifiers an entry carries in its fields or links (one value each; `identity.entry_identifiers`).

    A value in the entry's own field comes first; arXiv's DataCite DOI names the preprint, so it
    counts as the arXiv id, not as the DOI.
    """
    ids = entry_identifiers(e)
    doi = field_doi(e.get("doi")) or ""
    if not doi or doi.startswith(ARXIV_DOI_PREFIX):
        doi = min((d for d in ids.get("doi", ()) if not d.startswith(ARXIV_DOI_PREFIX)), default="")
    arxiv = (field_arxiv(e.get("eprint")) if is_arxiv_eprint(e) else None) or min(
        ids.get("arxiv", ()), default=""
    )
    pii = normalize_pii(e.get("pii") or "") or min(ids.get("pii", ()), default="")
    return Ids(doi, arxiv, pii)


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
    extra = [(f or "*") for k, _, f in (item.partition(":") for item in opts.locked) if k == e.key]
    return locked_fields(e, extra)  # the merge policy's reading of list-locked (pathbib.merge)


def _prefers_remote(key: str, fname: str, opts: Options) -> bool:
    p = opts.prefer_remote
    return "all" in p or fname in p or f"{key}:*" in p or f"{key}:{fname}" in p


# --------------------------------------------------------------------------- planning


def plan(library: Library, lookup: Lookup, options: Options | None = None) -> Plan:
    """Decide what enrichment would change; `lookup` does all I/O (see `record.Lookup`)."""
    opts = options or Options()
    works: list[Work] = []
    results: list[EntryResult] = []
    for e in library.entries:
        if not selected(e, opts):
            continue
        if "*" in _locks(e, opts):
            results.append(EntryResult(e.key, "skipped", via="locked"))
            continue
        works.append(Work(e, entry_ids(e), query_from_entry(e)))
    run = Run(works, lookup, opts)
    for _name, step in PIPELINE:
        step(run)
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


# --------------------------------------------------------------------------- merging


def _sources(w: _Work) -> tuple[list[tuple[Record, bool]], bool, str]:
    """The records to merge, in order (record, is the published upgrade), whether this is a
    preprint -> published upgrade, and the entry type to write."""
    btype = w.entry.entry_type
    sources: list[tuple[Record, bool]] = []
    if w.arxiv_rec is not None and w.primary is not w.arxiv_rec and not w.refused:
        sources.append((w.arxiv_rec, False))
    if w.primary is not None:
        sources.append((w.primary, w.published is w.primary))
    upgrade = (
        w.published is not None
        and w.published is not w.primary
        or (w.published is not None and w.ids.arxiv != "" and not w.ids.doi)
    )
    new_type = btype
    if w.published is not None:
        if w.published is not w.primary:
            sources.append((w.published, True))
        if btype in PREPRINT_TYPES and w.published.type and w.published.type != btype:
            new_type = w.published.type
    elif w.primary is not None and btype == "misc" and w.primary.type not in ("", "misc"):
        new_type = w.primary.type
    return sources, upgrade, new_type


def _proposed(
    w: _Work, sources: list[tuple[Record, bool]], new_type: str, upgrade: bool
) -> dict[str, tuple[str, Record, bool]]:
    """Field -> (value, record, is published) from the records; later ones (primary, then published) win."""
    proposed: dict[str, tuple[str, Record, bool]] = {}
    for rec, is_pub in sources:
        for fname, value in record_fields(rec, new_type, preprint_source=rec.is_preprint).items():
            if is_pub or fname not in proposed or not proposed[fname][0]:
                proposed[fname] = (value, rec, is_pub)
            elif rec is w.primary and fname in proposed and proposed[fname][1] is w.arxiv_rec:
                proposed[fname] = (value, rec, is_pub)
    if upgrade and w.published is not None:
        # the published venue replaces the preprint's: drop the other container field
        for other in {"journal", "booktitle", "howpublished"} - {container_field(new_type)}:
            proposed.pop(other, None)
    return proposed


def _kind(
    w: _Work, fname: str, old: str | None, value: str, is_pub: bool, upgrade: bool, opts: Options
) -> tuple[Kind | None, str]:
    """How a record's value meets the library's: (fill | update | conflict, reason), or (None, "") for no change."""
    e = w.entry
    verdict = policy(fname, old, value)  # the one merge policy (pathbib.merge): fill / keep, else below
    if verdict == "fill" or old is None:
        return "fill", ""
    if verdict == "keep" or fname in FILL_ONLY:
        return None, ""
    if fname == "author" and completes(old, value):
        return "update", "completes a truncated author list (and others)"
    if (
        is_pub
        and upgrade
        and fname in VENUE_FIELDS
        and (_preprint_value(fname, old, w) or fname in ("volume", "number", "pages", "date"))
    ):
        return "update", ""
    if fname in ("journal", "booktitle") and PLACEHOLDER.match(old):
        return "update", ""
    if fname in ("journal", "booktitle") and abbreviates(old, value):
        return "update", f"expands the abbreviated venue {old!r}"
    if fname == "booktitle" and contained(old, value):
        return "update", f"the full proceedings title of {old!r}"
    if _prefers_remote(e.key, fname, opts):
        return "update", "remote value preferred (--prefer-remote)"
    return "conflict", ""


def _provenance(
    w: _Work, fname: str, rec: Record, reason: str, old: str | None, is_pub: bool, kind: Kind, opts: Options
) -> dict[str, str]:
    prov = {"source": rec.source, "id": rec.id, "date": opts.today, "via": reason}
    online = next((d for k, d in rec.dates if k in ONLINE_KEYS), "")
    if fname in ("year", "date") and online and online != rec.date:
        prov["online-first"] = online  # the print date was written; the online one stays known
    if fname == "doi" and kind == "update" and old and is_pub and _is_preprint_doi(old, w):
        prov["replaced"] = old.strip()  # the preprint's DOI stays visible to the curator
    return prov


def _field_changes(
    w: _Work, proposed: dict[str, tuple[str, Record, bool]], upgrade: bool, locks: set[str], opts: Options
) -> tuple[list[FieldChange], dict[str, dict[str, str]]]:
    e = w.entry
    changes: list[FieldChange] = []
    prov: dict[str, dict[str, str]] = {}
    for fname in sorted(proposed, key=field_order):
        value, rec, is_pub = proposed[fname]
        old = e.get(fname)
        if rec.is_preprint and not is_pub and fname in ("year", "date") and old and old.strip():
            continue  # a preprint's date says nothing against the library's (often published) year
        if fname in locks:
            if old is None or norm(fname, old) != norm(fname, value):
                w.findings.append(
                    Finding(
                        LOCKED,
                        "info",
                        f"{fname} is locked; {rec.label} has {value!r}",
                        key=e.key,
                        field=fname,
                    )
                )
            continue
        kind, why = _kind(w, fname, old, value, is_pub, upgrade, opts)
        if kind is None:
            continue
        reason = why or (
            f"published version ({w.published_via})" if is_pub else f"matched by {w.via or rec.source}"
        )
        changes.append(FieldChange(e.key, fname, old, value, rec.label, reason, kind))
        if kind == "conflict":
            w.findings.append(
                Finding(
                    CONFLICT,
                    "warning",
                    f"{fname}: library has {old!r}, {rec.label} has {value!r}; kept the library's",
                    key=e.key,
                    field=fname,
                    fix=f"pathbib enrich --only {e.key} --prefer-remote {e.key}:{fname}",
                )
            )
        else:
            prov[fname] = _provenance(w, fname, rec, reason, old, is_pub, kind, opts)
    return changes, prov


def _upgrade_notes(
    w: _Work,
    new_type: str,
    proposed: dict[str, tuple[str, Record, bool]],
    locks: set[str],
    prov: dict[str, dict[str, str]],
    opts: Options,
) -> list[FieldChange]:
    """On a preprint -> published upgrade: drop a preprint-server `howpublished`, and report the upgrade."""
    e, pub = w.entry, w.published
    if pub is None:
        return []
    out = []
    hp = e.get("howpublished")
    if (
        container_field(new_type) != "howpublished"
        and hp
        and PLACEHOLDER.match(hp)
        and "howpublished" not in locks
    ):
        # "medRxiv"/"arXiv" as howpublished would contradict the published venue
        out.append(
            FieldChange(
                e.key,
                "howpublished",
                hp,
                None,
                pub.label,
                "preprint server replaced by the published venue",
                "update",
            )
        )
        prov["howpublished"] = {
            "source": pub.source,
            "id": pub.id,
            "date": opts.today,
            "via": f"published version ({w.published_via})",
            "replaced": hp,
        }
    replaced_doi = prov.get("doi", {}).get("replaced", "")
    kept = "eprint kept" if (e.get("eprint") or "eprint" in proposed) else ""
    gone = (
        f"preprint DOI {replaced_doi} replaced (kept in provenance as doi.replaced)" if replaced_doi else ""
    )
    tail = "; ".join(x for x in (kept, gone) if x)
    w.findings.append(
        Finding(
            PUBLISHED,
            "info",
            f"published version: {pub.label} ({pub.container} {pub.year}) via {w.published_via}"
            + (f"; {tail}" if tail else ""),
            key=e.key,
        )
    )
    return out


def _merge(w: _Work, opts: Options) -> tuple[list[FieldChange], dict[str, dict[str, str]]]:
    """Field changes for one entry: fill empty fields, report conflicts, upgrade preprints."""
    e = w.entry
    if w.primary is None and w.published is None:
        _reconcile_dates(w, [], {})  # nothing written: still say so when the library contradicts itself
        return [], {}
    locks = _locks(e, opts)
    sources, upgrade, new_type = _sources(w)
    proposed = _proposed(w, sources, new_type, upgrade)
    changes: list[FieldChange] = []
    if new_type != e.entry_type and TYPE_LOCK not in locks:
        rec = w.published or w.primary
        label = rec.label if rec is not None else ""
        changes.append(
            FieldChange(
                e.key,
                TYPE_FIELD,
                e.entry_type,
                new_type,
                label,
                "published version" if w.published else "type from source",
                "update",
            )
        )
    fields_, prov = _field_changes(w, proposed, upgrade, locks, opts)
    changes = _reconcile_dates(w, changes + fields_, prov)
    if (
        w.primary is not None
        and not (w.primary.year or e.get("year") or e.get("date"))
        and not (w.published and w.published.year)
    ):
        w.findings.append(
            Finding(
                NO_DATE,
                "warning",
                f"{w.primary.label} gives no publication date; year left empty "
                "(a registration, deposit or index date is not a publication date)",
                key=e.key,
                field="year",
                fix="add the year from the paper itself",
            )
        )
    if upgrade:
        changes += _upgrade_notes(w, new_type, proposed, locks, prov, opts)
    return changes, prov


def _reconcile_dates(
    w: _Work, changes: list[FieldChange], prov: dict[str, dict[str, str]]
) -> list[FieldChange]:
    """Drop a written year/date that would contradict a kept year/date/origdate; report what is left."""
    e = w.entry
    written = {c.field: c for c in changes if c.kind in ("fill", "update") and c.field in DATE_FIELDS}
    kept: dict[str, str | None] = {f: e.get(f) for f in DATE_FIELDS if f not in written}
    drop: set[str] = set()
    for f, c in written.items():
        if fields_disagreement({**kept, f: c.new}):
            drop.add(f)
            held = ", ".join(f"{k} {v}" for k, v in kept.items() if v)
            w.findings.append(
                Finding(
                    DATES,
                    "warning",
                    f"{f}: {c.source} has {c.new!r}, which contradicts the kept {held}; not written",
                    key=e.key,
                    field=f,
                    fix=f"check the {f}; pathbib enrich --only {e.key} --prefer-remote {e.key}:* takes the source's",
                )
            )
            prov.pop(f, None)
    out = [c for c in changes if not (c.field in drop and c is written.get(c.field))]
    final = dict(kept)
    final.update({f: c.new for f, c in written.items() if f not in drop})
    why = fields_disagreement(final)
    if why:
        w.findings.append(
            Finding(
                DATES,
                "warning",
                f"{why} (already in the library)",
                key=e.key,
                field="date",
                fix="make year, date and origdate agree (pathbib check PB306)",
            )
        )
    return out


def _preprint_value(fname: str, old: str, w: _Work) -> bool:
    """Is the library's value the preprint's (so the published one may replace it)?"""
    if fname in ("journal", "booktitle", "publisher"):
        return bool(PLACEHOLDER.match(old))
    if fname == "year":
        pre = w.arxiv_rec.year if w.arxiv_rec else ""
        return old.strip() == pre or (
            w.published is not None and abs(int(w.published.year or 0) - int(old[:4] or 0)) <= 2
            if old[:4].isdigit() and (w.published and w.published.year.isdigit())
            else False
        )
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
    return library.apply(p.applied)


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
            {
                "key": c.key,
                "field": c.field,
                "old": c.old,
                "new": c.new,
                "source": c.source,
                "reason": c.reason,
                "kind": c.kind,
            }
            for c in p.changes
        ],
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "key": f.key,
                "field": f.field,
                "message": f.message,
                "fix": f.fix,
            }
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
    "Options",
    "Plan",
    "EntryResult",
    "Ids",
    "plan",
    "apply",
    "entry_ids",
    "merge_provenance",
    "render_provenance",
    "changes_as_json",
    "record_fields",
    "bib_escape",
    "abbreviates",
]
