"""Candidate scoring and the auto-accept decision for enrichment (pure).

Thresholds (see docs/enrich.md for why):

- TITLE_ACCEPT = 0.95: normalised title similarity needed for an automatic accept. Case,
  punctuation, LaTeX and accents are already folded away by `matching.normalize_title`, so
  0.95 leaves room only for a hyphen or a word of difference, never for a different paper
  with a similar title ("... for pathology" vs "... for radiology" scores ~0.9).
- and at least one of: authors agree (first-author family equal or half the shorter author
  list shared) or year within YEAR_WINDOW (= 1: online-first vs issue year). Authors that
  are known on both sides and share nobody veto the accept.
- CLOSE_MARGIN = 0.05: when a second acceptable candidate's total score is within 0.05 of
  the best, nothing is accepted and both are reported as suggestions.
- Corrections, errata, retractions, peer reviews, journal issues and components are
  never accepted; preprint twins are never accepted in place of a published version.
- TITLE_SUGGEST = 0.75: the floor for reporting a candidate as a suggestion.

An identifier lookup (DOI, arXiv id, PII) is checked with `same_work`: a record whose title
and authors both disagree with the entry is refused as "mixed" (the entry's identifier and
its other fields describe different works).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .matching import normalize_family, normalize_title, title_similarity
from .model import Entry
from .names import split_names
from .record import Record

TITLE_ACCEPT = 0.95
TITLE_SUGGEST = 0.75
TITLE_SAME_WORK = 0.8  # identifier lookups: title alone confirms the identifier
TITLE_RETITLED = 0.5  # ... or a retitled version when authors agree too
AUTHOR_AGREE = 0.5
YEAR_WINDOW = 1
CLOSE_MARGIN = 0.05
W_TITLE, W_AUTHOR, W_YEAR = 0.6, 0.25, 0.15

KIND_REASONS = {
    "correction": "a correction notice, not the paper",
    "erratum": "an erratum, not the paper",
    "retraction": "a retraction notice, not the paper",
    "peer-review": "a peer review of the paper, not the paper",
    "issue": "a journal issue, not a paper",
    "component": "a component (figure/supplement), not the paper",
}


@dataclass(frozen=True)
class Query:
    """What an entry says about itself, for matching."""

    key: str
    titles: tuple[str, ...] = ()  # title, then list-title
    families: tuple[str, ...] = ()  # normalised family names
    year: str = ""
    is_preprint: bool = False


def families_of(authors: Iterable[str]) -> tuple[str, ...]:
    """Normalised family names of "Family, Given" / "{Literal}" strings."""
    out = []
    for a in authors:
        if a.startswith("{"):
            continue
        for n in split_names(a):
            k = normalize_family(f"{n.last}")
            if k:
                out.append(k)
    return tuple(out)


def query_from_entry(entry: Entry, families: Sequence[str] = ()) -> Query:
    """Build the lookup Query (titles, author families, year, preprint flag) for an entry."""
    from .matching import author_families

    titles = tuple(t for t in (entry.get("title") or "", entry.get("list-title") or "") if t.strip())
    year = (entry.get("year") or entry.get("date") or "")[:4]
    preprint = bool(entry.get("eprint")) and not entry.get("doi")
    return Query(
        entry.key, titles, tuple(families or author_families(entry)), year if year.isdigit() else "", preprint
    )


def author_agreement(a: Sequence[str], b: Sequence[str]) -> float | None:
    """1.0 when the first authors match, else the shared fraction of the shorter list; None if unknown."""
    if not a or not b:
        return None
    if a[0] == b[0]:
        return 1.0
    sa, sb = set(a), set(b)
    return len(sa & sb) / min(len(sa), len(sb))


def best_title(titles: Sequence[str], rec: Record) -> float:
    """Return the best similarity between any query title and the record's titles."""
    cands = [t for t in (rec.title, *rec.alt_titles) if t]
    return max((title_similarity(q, c) for q in titles for c in cands), default=0.0)


@dataclass(frozen=True)
class Scored:
    record: Record
    title: float
    authors: float | None
    year_delta: int | None
    total: float
    acceptable: bool
    why: str  # why it is (not) acceptable

    def describe(self) -> str:
        a = "?" if self.authors is None else f"{self.authors:.2f}"
        y = "?" if self.year_delta is None else str(self.year_delta)
        return (
            f"{self.record.label} (score {self.total:.3f}: title {self.title:.3f}, authors {a}, year Δ {y})"
        )


def score(q: Query, rec: Record) -> Scored:
    """Score one candidate against the entry and say whether it clears the accept line."""
    t = best_title(q.titles, rec)
    auth = author_agreement(q.families, families_of(rec.authors))
    dy = abs(int(q.year) - int(rec.year)) if q.year and rec.year[:4].isdigit() else None
    ys = 0.5 if dy is None else 1.0 if dy == 0 else 0.7 if dy <= YEAR_WINDOW else 0.0
    total = W_TITLE * t + W_AUTHOR * (0.5 if auth is None else auth) + W_YEAR * ys
    author_ok = auth is not None and auth >= AUTHOR_AGREE
    year_ok = dy is not None and dy <= YEAR_WINDOW
    if t < TITLE_ACCEPT:
        ok, why = False, f"title similarity {t:.3f} < {TITLE_ACCEPT}"
    elif auth is not None and auth == 0.0:
        ok, why = False, "no author in common"
    elif not (author_ok or year_ok):
        if dy is not None and dy > YEAR_WINDOW:
            why = f"same title but another year ({rec.year} vs {q.year}) and no author agreement"
        else:
            why = "title matches but neither authors nor year confirm it"
        ok = False
    else:
        ok, why = True, f"title ≥ {TITLE_ACCEPT:.2f} and {'authors' if author_ok else 'year'} agree"
    return Scored(rec, t, auth, dy, round(total, 6), ok, why)


@dataclass(frozen=True)
class Decision:
    accepted: Scored | None
    suggestions: tuple[Scored, ...] = ()
    refused: tuple[tuple[Scored, str], ...] = ()  # candidates that looked like the work but were refused
    reason: str = ""  # why nothing was accepted


def _same_identity(a: Record, b: Record) -> bool:
    if a.doi and a.doi == b.doi:
        return True
    if a.doi and b.doi:  # two DOIs are two registrations, even with identical metadata: never merged silently
        return False
    if a.arxiv and a.arxiv == b.arxiv and a.type == b.type:
        return True
    return (
        bool(a.title)
        and normalize_title(a.title) == normalize_title(b.title)
        and a.year == b.year
        and (a.container == b.container)
    )


def _same_metadata(a: Record, b: Record) -> bool:
    """Same title, authors, year, venue, volume and pages (but, presumably, another identifier)."""
    return all(
        getattr(a, f) == getattr(b, f)
        for f in ("title", "authors", "year", "container", "volume", "pages", "type")
    )


def decide(q: Query, records: Sequence[Record], *, want_published: bool = False) -> Decision:
    """Pick the candidate to accept automatically, or none (with suggestions and refusals)."""
    scored = [score(q, r) for r in records]
    refused: list[tuple[Scored, str]] = []
    eligible: list[Scored] = []
    published_match = any(
        s.title >= TITLE_ACCEPT and not s.record.is_preprint and not s.record.refused_kind for s in scored
    )
    for s in scored:
        kind = s.record.refused_kind
        if kind:
            if s.title >= TITLE_SUGGEST:
                refused.append((s, KIND_REASONS[kind]))
            continue
        if s.record.is_preprint and (want_published or published_match):
            if s.title >= TITLE_SUGGEST:
                refused.append((s, "a preprint twin, not the published version"))
            continue
        eligible.append(s)
    # collapse records that describe the same work (duplicates in a local file)
    uniq: list[Scored] = []
    for s in sorted(eligible, key=lambda s: -s.total):
        if not any(_same_identity(s.record, u.record) for u in uniq):
            uniq.append(s)
    for s in uniq:
        if not s.acceptable and s.title >= TITLE_ACCEPT:
            refused.append((s, s.why))
    acceptable = [s for s in uniq if s.acceptable]
    refused_ids = {id(s) for s, _ in refused}
    suggestions = tuple(s for s in uniq if s.title >= TITLE_SUGGEST and id(s) not in refused_ids)[:3]
    if not acceptable:
        reason = uniq[0].why if uniq else ("only refused candidates" if refused else "no candidate")
        return Decision(None, suggestions, tuple(refused), reason)
    best = acceptable[0]
    rivals = [
        s for s in uniq if s is not best and s.title >= TITLE_SUGGEST and s.total >= best.total - CLOSE_MARGIN
    ]
    if rivals:
        why = f"ambiguous: {len(rivals) + 1} candidates within {CLOSE_MARGIN} of each other"
        twins = [r for r in rivals if _same_metadata(best.record, r.record)]
        if twins:
            why = (
                f"{len(twins) + 1} DOIs with identical metadata ({', '.join(r.record.doi for r in (best, *twins))}): "
                "the same work registered twice? pick the one the publisher links"
            )
        for r in (best, *rivals):
            other = rivals[0] if r is best else best
            refused.append(
                (r, f"too close to {other.record.label} (scores {r.total:.3f} vs {other.total:.3f})")
            )
        return Decision(None, (best, *rivals)[:3], tuple(refused), why)
    return Decision(best, (), tuple(refused), best.why)


@dataclass(frozen=True)
class Identity:
    ok: bool
    reason: str
    title: float = 0.0
    authors: float | None = None
    notes: tuple[str, ...] = field(default=())


def same_work(titles: Sequence[str], families: Sequence[str], rec: Record) -> Identity:
    """Check that a record found by identifier describes the work the entry (or record) describes."""
    if not titles or not rec.title:
        return Identity(True, "no title to compare; identifier trusted")
    t = best_title(titles, rec)
    auth = author_agreement(families, families_of(rec.authors))
    if t >= TITLE_SAME_WORK:
        if auth == 0.0:
            return Identity(False, f"same title ({t:.2f}) but no author in common", t, auth)
        return Identity(True, f"title {t:.2f}", t, auth)
    if t >= TITLE_RETITLED and auth is not None and auth >= AUTHOR_AGREE:
        return Identity(True, f"retitled version: title {t:.2f}, authors {auth:.2f}", t, auth)
    return Identity(
        False, f"title similarity {t:.2f} and authors {'unknown' if auth is None else f'{auth:.2f}'}", t, auth
    )
