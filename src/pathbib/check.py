"""`pathbib check`: lint rules over a library (and the list README) that return findings (pure).

Every rule is a small function `(library, context) -> list[Finding]` registered under a
stable id (PB1xx duplicates and links, PB2xx scope, PB3xx contradictions and dates, PB4xx
identifiers and required fields, PB5xx keys and encoding, PB6xx the list's own survey,
PB7xx README). The same registry feeds `pathbib check --explain` and docs/check.md.

Nothing here touches the disk, the network or the clock: the current date, an optional
record lookup (a local CSL-JSON file, the enrichment cache) and the README text are passed
in through `CheckContext`. Duplicate detection is blocked (identifier and title-token keys),
never an all-pairs fuzzy comparison, so 10,000 entries take well under a second or two.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import unquote, urlsplit

from .config import Settings
from .exporters.markdown import github_slug as _slug_text
from .identifiers import (
    arxiv_year_month,
    extract_identifiers,
    is_valid_doi,
    normalize_arxiv,
    normalize_doi,
    normalize_pii,
)
from .identifiers import strip_tracking as _strip_tracking_params
from .importers.mojibake import MisDecoded, find_mis_decoded
from .matching import author_families, fold, normalize_family, normalize_title, title_similarity
from .model import Delim, Entry, FieldChange, Finding, Library, Severity
from .names import parse_name

__all__ = [
    "Rule",
    "RULES",
    "CheckContext",
    "CheckResult",
    "Suppressed",
    "run_check",
    "select_rules",
    "plan_fixes",
    "apply_fixes",
    "explain",
    "rules_markdown",
    "update_docs",
    "ScopeMatcher",
    "parse_readme",
    "read_readme",
    "records_from_csl",
    "RecordLike",
    "Lookup",
]


# --------------------------------------------------------------------------- context and registry


class RecordLike(Protocol):
    """What a record lookup returns (pathbib.sources.record.Record satisfies it)."""

    @property
    def title(self) -> str: ...
    @property
    def authors(self) -> tuple[str, ...]: ...
    @property
    def container(self) -> str: ...
    @property
    def doi(self) -> str: ...
    @property
    def journal_ref(self) -> str: ...


#: (scheme, identifier) -> record or None; scheme is "doi" or "arxiv".
Lookup = Callable[[str, str], "RecordLike | None"]


@dataclass(frozen=True)
class CheckContext:
    """Everything a rule may consult besides the library (all optional)."""

    settings: Settings = field(default_factory=Settings)
    today: date | None = None  # None: the future-date rule is skipped
    lookup: Lookup | None = None
    readme: str | None = None  # README text for the PB7xx rules
    readme_path: str = "README.md"
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


RuleFunc = Callable[[Library, CheckContext], list[Finding]]
_T = TypeVar("_T")


def _memoized(ctx: CheckContext, key: str, make: Callable[[], _T]) -> _T:
    """`make()`, computed once per check run (`run_check` gives every run a fresh memo)."""
    if key not in ctx._memo:
        ctx._memo[key] = make()
    return cast(_T, ctx._memo[key])


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str  # what it finds
    why: str
    fix: str  # how to fix
    func: RuleFunc
    fixable: bool = False  # `check --fix` can apply it
    readme: bool = False  # needs --readme


RULES: dict[str, Rule] = {}


def _rule(id: str, name: str, severity: Severity, summary: str, why: str, fix: str, *,
          fixable: bool = False, readme: bool = False) -> Callable[[RuleFunc], RuleFunc]:
    def deco(func: RuleFunc) -> RuleFunc:
        assert id not in RULES, id
        RULES[id] = Rule(id, name, severity, summary, why, fix, func, fixable, readme)
        return func

    return deco


def _f(rule: str, message: str, entry: Entry | None = None, field: str | None = None,
       fix: str | None = None, *, lib: Library | None = None, severity: Severity | None = None,
       line: int | None = None, path: str | None = None, key: str | None = None) -> Finding:
    sev = severity or RULES[rule].severity
    return Finding(
        rule=rule,
        severity=sev,
        message=message,
        key=entry.key if entry is not None else key,
        field=field,
        fix=fix,
        line=line if line is not None else (entry.line or None if entry is not None else None),
        path=path if path is not None else (lib.path or None if lib is not None else None),
    )


# --------------------------------------------------------------------------- field helpers

_LATEX_URL_ESC = re.compile(r"\\([_%#&~$])")
_URL_RE = re.compile(r"https?://[^\s{}<>\"']+", re.I)
_URL_FIELDS = ("url", "list-code", "list-links", "howpublished", "note")
_YEAR_RE = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


def _clean(value: str | None) -> str:
    """Field text without outer braces/whitespace noise (LaTeX kept)."""
    if not value:
        return ""
    return " ".join(value.split())


def _plain(value: str | None) -> str:
    """Lower-case text with single spaces, for keyword tests (accents kept: the keywords are ASCII)."""
    return " ".join(value.split()).lower() if value else ""


def _urls(entry: Entry, fields: Iterable[str] = _URL_FIELDS) -> Iterator[tuple[str, str]]:
    """(field, url) for every URL in the entry's URL-carrying fields; LaTeX escapes undone."""
    for name in fields:
        v = entry.get(name)
        if not v:
            continue
        v = _LATEX_URL_ESC.sub(r"\1", v).replace("\\url{", " ").replace("\\href{", " ")
        for m in _URL_RE.finditer(v):
            yield name, m.group().rstrip(".,;)")


def entry_year(entry: Entry) -> int | None:
    """The entry's year from `year` (or `date`), or None when absent or not a year."""
    y = _clean(entry.get("year"))
    if re.fullmatch(r"\d{4}", y):
        return int(y)
    d = _clean(entry.get("date"))
    if re.match(r"\d{4}(-|$)", d):
        return int(d[:4])
    return None


def _is_survey(entry: Entry, settings: Settings) -> bool:
    return (bool(settings.survey) and entry.key == settings.survey) or \
        _clean(entry.get("list-survey")).lower() in ("yes", "true", "1")


# --------------------------------------------------------------------------- identifiers

_PREPRINT_DOI = ("10.48550/", "10.1101/", "10.21203/", "10.2139/", "10.20944/", "10.31219/", "10.36227/")
_PREPRINT_WORDS = re.compile(r"\b(arxiv|medrxiv|biorxiv|preprint|ssrn|research square|techrxiv|chemrxiv)\b")
_DOI_FIELD_PREFIX = re.compile(r"^(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)", re.I)


def field_doi(value: str | None) -> str | None:
    """The DOI a `doi` field holds, bare and lower-case, or None when it holds anything else.

    Accepted around the DOI: a `doi:` or doi.org prefix, %-escapes, LaTeX escapes (`\\_`) and
    trailing punctuation; a DOI inside other text ("see 10.1000/x") is not a `doi` field value.
    """
    if not value:
        return None
    v = unquote(_LATEX_URL_ESC.sub(r"\1", value)).strip()
    bare = _DOI_FIELD_PREFIX.sub("", v, count=1)
    doi = normalize_doi(bare)
    if doi is not None and bare.lower().startswith(doi) and not bare[len(doi):].strip(".,;:)"):
        return doi
    # normalize_doi reads DOIs out of running text and stops at "<": old Wiley (SICI) DOIs such as
    # 10.1002/(SICI)1097-4555(199707)28:7<487::AID-JRS115>3.0.CO;2-V are whole field values
    return bare.lower() if is_valid_doi(bare) else None


def field_arxiv(value: str | None) -> str | None:
    """The arXiv id (no version) an `eprint` field holds — bare, `arXiv:`, arXiv URL or 10.48550 DOI
    form, one token — or None."""
    if not value or len(value.split()) != 1:
        return None
    ax = normalize_arxiv(value)
    return ax if ax and arxiv_year_month(ax) else None


def _is_arxiv_eprint(entry: Entry) -> bool:
    ap = _plain(entry.get("archiveprefix") or entry.get("eprinttype"))
    return bool(entry.get("eprint")) and ap in ("arxiv", "")


#: Identifier kinds read from URLs (others, e.g. a DOI from a publisher page, are PB102's business).
_URL_ID_KINDS = ("arxiv", "pii", "openreview")


def identifiers(entry: Entry) -> dict[str, set[str]]:
    """Identifiers of the work an entry describes: doi, arxiv, pii, openreview, pmid.

    From the fields `doi`, `eprint` (arXiv), `pii`, `openreview`, `pmid`, and from the arXiv,
    ScienceDirect, OpenReview and doi.org links in `url`/`list-links` (pathbib.identifiers).
    PIIs are compared in their compact upper-case form.
    """
    ids: dict[str, set[str]] = defaultdict(set)
    if d := field_doi(entry.get("doi")):
        ids["doi"].add(d)
    if _is_arxiv_eprint(entry) and (a := field_arxiv(_clean(entry.get("eprint")))):
        ids["arxiv"].add(a)
    if pii := _clean(entry.get("pii")):
        ids["pii"].add(normalize_pii(pii) or re.sub(r"[^0-9A-Z]", "", pii.upper()))
    if openreview := _clean(entry.get("openreview")):
        ids["openreview"].add(openreview)
    if pmid := _clean(entry.get("pmid")):
        ids["pmid"].add(pmid.lower())
    for _fname, u in _urls(entry, ("url", "list-links")):
        found = extract_identifiers(u)
        for kind in _URL_ID_KINDS:
            if kind in found:
                ids[kind].add(found[kind])
        if "doi" in found and _host(u).endswith("doi.org"):
            ids["doi"].add(found["doi"])
    for d in list(ids.get("doi", ())):
        if d.startswith("10.48550/arxiv.") and (a := normalize_arxiv(d)):
            ids["arxiv"].add(a)
    return dict(ids)


def _arxiv_url(url: str) -> bool:
    return "arxiv" in extract_identifiers(url)


def is_preprint(entry: Entry) -> bool:
    """True when the entry describes a preprint (arXiv/medRxiv/... record, not a journal/proceedings)."""
    doi = field_doi(entry.get("doi")) or ""
    if doi.startswith(_PREPRINT_DOI):
        return True
    venue = " ".join(_plain(entry.get(n)) for n in ("journal", "journaltitle", "booktitle", "howpublished", "publisher"))
    if _PREPRINT_WORDS.search(venue):
        return True
    if venue.strip():
        return False
    if _clean(entry.get("doi")):
        return False
    return entry.entry_type in ("misc", "unpublished", "online", "preprint", "article") and (
        _is_arxiv_eprint(entry) or any(_arxiv_url(u) for _, u in _urls(entry, ("url",)))
        or "medrxiv.org" in (entry.get("url") or "") or "biorxiv.org" in (entry.get("url") or "")
    )


def _venue_label(entry: Entry) -> str:
    """The label of the list's venue line ("journal", "conference", "preprint", ...), or ""."""
    m = re.match(r"\s*\W*\s*(journal|conference|proceedings|preprint|workshop)s?\s*:", entry.get("list-venue") or "", re.I)
    return m.group(1).lower() if m else ""


def _presented_as_preprint(entry: Entry, ctx: CheckContext) -> bool:
    memo: dict[str, bool] = _memoized(ctx, "preprint", dict)
    if entry.key not in memo:
        memo[entry.key] = is_preprint(entry) or _venue_label(entry) == "preprint"
    return memo[entry.key]


# --------------------------------------------------------------------------- URLs

SHORTENERS = frozenset("""
bit.ly bitly.com tinyurl.com t.co goo.gl ow.ly is.gd buff.ly rebrand.ly cutt.ly shorturl.at tiny.cc
lnkd.in rb.gy t.ly bit.do v.gd shorte.st adf.ly tr.im cli.gs qr.ae x.co u.to s.id youtu.be tinyurl.ca
""".split())
def strip_tracking(url: str) -> str:
    """`url` without tracking query parameters (utm_*, trk, fbclid, ref=<site>, ...; see
    `pathbib.identifiers.TRACKING_PARAMS`); the other parameters are kept verbatim."""
    clean, removed = _strip_tracking_params(url)
    return clean if removed else url


def _tracked_urls(entry: Entry, fields: Iterable[str] = _URL_FIELDS) -> Iterator[tuple[str, str, str]]:
    """(field, url, url without tracking parameters) for every URL of `entry` that has tracking parameters."""
    for name, u in _urls(entry, fields):
        clean = strip_tracking(u)
        if clean != u:
            yield name, u, clean


def _host(url: str) -> str:
    h = urlsplit(url).netloc.lower()
    return h[4:] if h.startswith("www.") else h


def _url_key(url: str) -> str:
    """Comparison key of a URL: no scheme, www, fragment, tracking params or trailing slash."""
    u = strip_tracking(url)
    p = urlsplit(u)
    path = p.path.rstrip("/")
    path = re.sub(r"\.html?$", "", path)
    q = f"?{p.query}" if p.query else ""
    return f"{_host(u)}{path}{q}".lower()


_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co", "codeberg.org")


def _repo_key(url: str) -> str | None:
    """owner/repo of a code-hosting URL (lower-case), else None."""
    h = _host(url)
    if h not in _CODE_HOSTS:
        return None
    segs = [s for s in urlsplit(url).path.split("/") if s]
    if h == "huggingface.co" and segs and segs[0] in ("datasets", "spaces"):
        segs = segs[1:]
    if len(segs) < 2:
        return None
    repo = re.sub(r"\.git$", "", segs[1])
    return f"{h}/{segs[0]}/{repo}".lower()


# --------------------------------------------------------------------------- index (shared by rules)


@dataclass
class _Index:
    entries: tuple[Entry, ...]
    ntitle: dict[str, str]  # key -> normalised title
    ids: dict[str, dict[str, set[str]]]
    dup_pairs: list[tuple[Entry, Entry, str, str]]  # (first, later, how, detail)
    dup_keys: set[frozenset[str]]
    by_key: dict[str, Entry]


def _title(entry: Entry) -> str:
    return entry.get("title") or entry.get("list-title") or ""


_DIGITS = re.compile(r"\d+")
_STOP = frozenset("a an and the of for in on with to from by via at as is are using towards toward".split())


def _index(lib: Library, ctx: CheckContext) -> _Index:
    memo_key = f"index:{id(lib)}"
    got = ctx._memo.get(memo_key)
    if got is not None and got[0] is lib:
        return got[1]  # type: ignore[no-any-return]
    entries = lib.entries
    ntitle = {e.key: normalize_title(_title(e)) for e in entries}
    ids = {e.key: identifiers(e) for e in entries}
    pairs = _find_duplicates(entries, ntitle, ids)
    idx = _Index(entries, ntitle, ids, pairs, {frozenset((a.key, b.key)) for a, b, _, _ in pairs},
                 {e.key: e for e in entries})
    ctx._memo[memo_key] = (lib, idx)
    return idx


def _same_authors(a: Entry, b: Entry) -> bool:
    """False only when both entries list authors and no family name is shared."""
    fa, fb = author_families(a), author_families(b)
    return not fa or not fb or bool(set(fa) & set(fb))


def _find_duplicates(entries: Sequence[Entry], ntitle: Mapping[str, str],
                     ids: Mapping[str, Mapping[str, set[str]]]) -> list[tuple[Entry, Entry, str, str]]:
    """Pairs of entries describing the same work, found by blocking (no all-pairs comparison).

    Blocks: each identifier; the exact normalised title; and for near-identical titles every
    pair of a title's four rarest words (so two titles meet only if they share rare words).
    Title matches also need a shared author family name when both entries list authors.
    """
    found: dict[frozenset[str], tuple[Entry, Entry, str, str]] = {}
    order = {e.key: i for i, e in enumerate(entries)}

    def add(a: Entry, b: Entry, how: str, detail: str) -> None:
        if a.key == b.key:
            return
        if order[a.key] > order[b.key]:
            a, b = b, a
        k = frozenset((a.key, b.key))
        if k not in found:
            found[k] = (a, b, how, detail)

    # 1. shared identifiers
    by_id: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        for scheme, vals in ids[e.key].items():
            for v in vals:
                by_id[(scheme, v)].append(e)
    for (scheme, v), group in by_id.items():
        if len(group) > 1:
            for other in group[1:]:
                add(group[0], other, "identifier", f"{'arXiv' if scheme == 'arxiv' else scheme.upper()} {v}")
    # 2. identical normalised titles
    by_title: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        t = ntitle[e.key]
        if len(t) >= 12:  # "introduction", "editorial" ... are not evidence
            by_title[t].append(e)
    for group in by_title.values():
        if len(group) > 1:
            for other in group[1:]:
                if _same_authors(group[0], other):
                    add(group[0], other, "title", "same normalised title")
    # 3. near-identical titles: candidates share a block key made of two of their rarest tokens
    df: dict[str, int] = defaultdict(int)
    toks: dict[str, list[str]] = {}
    for e in entries:
        ts = [t for t in dict.fromkeys(ntitle[e.key].split()) if t not in _STOP]
        toks[e.key] = ts
        for t in ts:
            df[t] += 1
    blocks: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        ts = toks[e.key]
        if len(ts) < 3:
            continue
        rare = sorted(ts, key=lambda t: (df[t], t))[:4]
        for i in range(len(rare)):
            for j in range(i + 1, len(rare)):
                lo, hi = sorted((rare[i], rare[j]))
                blocks[(lo, hi)].append(e)
    seen: set[frozenset[str]] = set(found)
    for group in blocks.values():
        if len(group) < 2 or len(group) > 60:  # a huge block is a common word pair, not a work
            continue
        for i in range(len(group)):
            a = group[i]
            for b in group[i + 1:]:
                k = frozenset((a.key, b.key))
                if k in seen:
                    continue
                seen.add(k)
                ta, tb = ntitle[a.key], ntitle[b.key]
                if abs(len(ta) - len(tb)) > 0.1 * max(len(ta), len(tb)):
                    continue
                s = title_similarity(ta, tb)
                # "Part 1" / "Part 2", "YOLOv7" / "YOLOv8": numbers must agree
                if s >= 0.93 and _DIGITS.findall(ta) == _DIGITS.findall(tb) and _same_authors(a, b):
                    add(a, b, "title", f"titles {s:.0%} similar")
    return sorted(found.values(), key=lambda p: (order[p[1].key], order[p[0].key]))


# --------------------------------------------------------------------------- PB1xx duplicates and links

_EXPLAIN_SUPPRESS = "check-ignore"


@_rule("PB101", "duplicate-work", "error",
       "Two entries describe the same work: same DOI, arXiv id, PII or OpenReview id, or a (near-)identical "
       "normalised title, whatever their entry types. A preprint and its published version are named as such.",
       "A list that shows a paper twice looks unmaintained, and two entries drift apart when only one is corrected.",
       "Keep one entry (the published version when there is one), move any identifier it lacks (e.g. the arXiv "
       "`eprint`) into it, and delete the other. If they really are different works, suppress the finding on one "
       "of them with a reason.")
def rule_duplicate_work(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for a, b, _how, detail in _index(lib, ctx).dup_pairs:
        pa, pb = _presented_as_preprint(a, ctx), _presented_as_preprint(b, ctx)
        if pa != pb:
            pre, pub = (a, b) if pa else (b, a)
            msg = (f"preprint {pre.key!r} and published {pub.key!r} are the same work ({detail}); "
                   f"keep {pub.key!r}")
            fix = f"merge {pre.key!r} into {pub.key!r} (keep its eprint) and delete {pre.key!r}"
        else:
            msg = f"same work as {a.key!r} ({detail})"
            fix = f"merge into {a.key!r} and delete {b.key!r}"
        out.append(_f("PB101", msg, b, "doi" if "DOI" in detail else "eprint" if "arXiv" in detail else "title",
                      fix, lib=lib))
    for e in lib.entries:  # the import merged repeated list items into one entry: the list shows it twice
        nums = [n for n in re.split(r"[,;\s]+", e.get("list-number") or "") if n]
        if len(nums) > 1:
            out.append(_f("PB101", f"the list shows this paper {len(nums)} times (nos. {', '.join(nums)})", e,
                          "list-number", f"keep one number ({nums[0]}) and rebuild the README", lib=lib,
                          severity="warning"))
    return out


@_rule("PB102", "duplicate-url", "error",
       "The same URL (ignoring scheme, `www.`, tracking parameters and a trailing slash) is the `url` of two "
       "entries that are not already reported as the same work.",
       "A URL identifies one paper; on two entries at least one of them points at the wrong paper.",
       "Open the URL, decide which entry it belongs to, and correct the other entry's `url`.")
def rule_duplicate_url(lib: Library, ctx: CheckContext) -> list[Finding]:
    idx = _index(lib, ctx)
    first: dict[str, Entry] = {}
    out = []
    for e in idx.entries:
        for _, u in _urls(e, ("url",)):
            k = _url_key(u)
            if _host(u) in SHORTENERS:
                continue
            prev = first.get(k)
            if prev is None:
                first[k] = e
            elif prev.key != e.key and frozenset((prev.key, e.key)) not in idx.dup_keys:
                out.append(_f("PB102", f"url {u} is also the url of {prev.key!r}", e, "url",
                              "point each entry at its own paper", lib=lib))
    return out


@_rule("PB103", "shared-code-repository", "warning",
       "The same code repository (GitHub/GitLab/Hugging Face owner/repo) is given for papers with different titles.",
       "Usually a copy-paste slip; sometimes legitimate (one repository for a paper series, a toolbox).",
       "Correct the `list-code` of the wrong entry, or suppress the warning on one entry with the reason.")
def rule_shared_code(lib: Library, ctx: CheckContext) -> list[Finding]:
    idx = _index(lib, ctx)
    by_repo: dict[str, list[Entry]] = defaultdict(list)
    for e in idx.entries:
        repos = {r for _, u in _urls(e, ("list-code",)) if (r := _repo_key(u))}
        for r in repos:
            by_repo[r].append(e)
    out = []
    for repo, group in by_repo.items():
        for e in group[1:]:
            a = group[0]
            if frozenset((a.key, e.key)) in idx.dup_keys:
                continue
            if title_similarity(idx.ntitle[a.key], idx.ntitle[e.key]) >= 0.93:
                continue
            out.append(_f("PB103", f"code repository {repo} is also given for {a.key!r}, a paper with another title",
                          e, "list-code", "check which paper the repository belongs to", lib=lib))
    return out


@_rule("PB104", "link-shortener", "warning",
       "A URL goes through a link shortener (bit.ly, tinyurl.com, t.co, goo.gl, ...).",
       "Shortened links hide where they lead, break when the service stops, and cannot be checked or deduplicated.",
       "Replace the link with the address it redirects to.")
def rule_shortener(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        for name, u in _urls(e):
            if _host(u) in SHORTENERS:
                out.append(_f("PB104", f"{name} uses the link shortener {_host(u)}: {u}", e, name,
                              "replace it with the address it redirects to", lib=lib))
    return out


@_rule("PB105", "tracking-parameters", "warning",
       "A URL carries tracking or referrer query parameters (`utm_*`, `trk`, `fbclid`, `gclid`, `ref=<site>`, ...).",
       "They leak where the link was copied from, make equal links look different, and are noise in the list.",
       "`pathbib check --fix` removes them (other parameters and GitHub `ref=<branch>` are kept).",
       fixable=True)
def rule_tracking(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        for name, u, clean in _tracked_urls(e):
            out.append(_f("PB105", f"{name} has tracking parameters: {u}", e, name, f"use {clean}", lib=lib))
    return out


# --------------------------------------------------------------------------- PB2xx scope


class ScopeMatcher:
    """Finds the list's scope terms in text: case- and accent-insensitive, on word boundaries.

    Text and terms are folded to lower-case ASCII, `&` reads as "and" and every other
    non-alphanumeric character as a space, so "H&E", "whole-slide" and "Whole Slide" match
    the terms `H&E` and `whole-slide`; the words of a term may also be written together
    ("wholeslide"). The last word of a term also matches its regular plural (`image` →
    images, `study` → studies, `diagnosis` → diagnoses) and, for a plural term, its singular
    (`glands` → gland), and a term ending in `-logy` also
    matches `-logies/-logic/-logical/-logically/-logist(s)` (pathology → pathological,
    pathologists). No other stemming: `nuclei` does not match "nucleus", `tissue` does not
    match "tissular". A trailing "(s)" in a term is accepted and ignored.
    """

    def __init__(self, terms: Iterable[str]):
        self.terms: tuple[str, ...] = tuple(t for t in terms if t.strip())
        pats: list[str] = []
        for t in self.terms:
            p = self._pattern(t)
            if p:
                pats.append(f"(?P<t{len(pats)}>{p})")
        self._names = [t for t in self.terms if self._pattern(t)]
        self._re = re.compile("|".join(pats)) if pats else None

    @staticmethod
    def normalize(text: str) -> str:
        t = fold(text.replace("\\&", "&").replace("&", " and "))
        return " " + re.sub(r"[^0-9a-z]+", " ", t).strip() + " "

    @staticmethod
    def _pattern(term: str) -> str:
        term = re.sub(r"\((?:e?s)\)\s*$", "", term.strip())
        words = ScopeMatcher.normalize(term).split()
        if not words:
            return ""
        *head, last = words
        if last.endswith("ies") and len(last) > 4:  # a plural term also matches its singular
            last = last[:-3] + "y"
        elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
            last = last[:-1]
        if last.endswith("logy"):
            tail = re.escape(last[:-1]) + r"(?:y|ies|ic|ical|ically|ist|ists)"
        elif last.endswith("is"):
            tail = re.escape(last[:-2]) + r"(?:is|es)"
        elif re.search(r"[^aeiou]y$", last):
            tail = re.escape(last[:-1]) + r"(?:y|ies)"
        elif last.endswith(("s", "x", "ch", "sh")):
            tail = re.escape(last) + r"(?:es)?"
        else:
            tail = re.escape(last) + r"s?"
        body = "".join(re.escape(w) + " ?" for w in head) + tail
        return r"(?<=[ ])" + body + r"(?=[ ])"

    def find(self, text: str) -> str | None:
        """The first scope term found in `text`, or None."""
        if self._re is None or not text:
            return None
        m = self._re.search(self.normalize(text))
        if not m:
            return None
        return self._names[int(m.lastgroup[1:])] if m.lastgroup else None


def _scope_matcher(ctx: CheckContext) -> ScopeMatcher:
    return _memoized(ctx, "scope", lambda: ScopeMatcher(ctx.settings.scope.terms))


def _section_names(entry: Entry, settings: Settings) -> set[str]:
    names = {normalize_title(s) for s in (entry.get("list-section") or "").split(",")}
    for sec in settings.list.sections:
        names |= {normalize_title(sec.title), normalize_title(sec.id)}
        for sub in sec.subsections:
            names |= {normalize_title(sub.title), normalize_title(sub.id)}
    names.discard("")
    return names


def scope_evidence(entry: Entry, ctx: CheckContext) -> tuple[str, str] | None:
    """(field, term) of the first scope term in the entry's scope fields, or None."""
    matcher = _scope_matcher(ctx)
    fields = list(ctx.settings.scope.fields)
    if "title" in fields and "list-title" not in fields:
        fields.insert(fields.index("title") + 1, "list-title")
    sections = None
    for name in fields:
        v = entry.get(name)
        if not v:
            continue
        if name == "keywords":  # keywords that name list sections are the list's claim, not evidence
            sections = sections if sections is not None else _section_names(entry, ctx.settings)
            v = ", ".join(k for k in v.split(",") if normalize_title(k) not in sections)
        t = matcher.find(v)
        if t:
            return name, t
    return None


@_rule("PB201", "off-topic", "error",
       "An entry whose title, abstract, venue, keywords or highlight (the fields in `[scope] fields`) contain none "
       "of the list's scope terms (`[scope] terms` in pathbib.toml). Section keywords do not count as evidence. "
       "The list's survey entry is checked too; entries with `list-exclude` are not. Without `[scope] terms` the "
       "rule does nothing.",
       "Papers copied in from another list, or added by mistake, make a curated list untrustworthy.",
       "Remove the entry, mark it `list-exclude = {reason}`, or — when it does belong (e.g. a general "
       "medical-imaging model evaluated on pathology whose record does not say so) — add the evidence "
       "(abstract, highlight) or suppress with the reason.")
def rule_off_topic(lib: Library, ctx: CheckContext) -> list[Finding]:
    terms = ctx.settings.scope.terms
    if not terms:
        return []
    shown = ", ".join(terms[:6]) + (f", ... ({len(terms)} terms)" if len(terms) > 6 else "")
    out = []
    for e in lib.entries:
        if e.get("list-exclude"):
            continue
        if scope_evidence(e, ctx) is not None:
            continue
        searched = [n for n in ctx.settings.scope.fields if e.get(n)]
        title = _clean(_title(e))
        msg = (f"off-topic? no scope term ({shown}) in {', '.join(searched) or 'any scope field'}"
               + (f"; title: {title[:90]!r}" if title else ""))
        out.append(_f("PB201", msg, e, "title", "remove it, set list-exclude, or suppress with a reason", lib=lib))
    return out


# --------------------------------------------------------------------------- PB3xx contradictions and dates

_JOURNALISH = re.compile(r"\b(journal|transactions|letters|nature|science|reviews?|magazine|annals|bulletin|"
                         r"medical image analysis|computers in biology|communications)\b")
_PROCEEDINGSISH = re.compile(r"\b(proceedings|proc|conference|symposium|workshops?|congress|cvpr|iccv|eccv|"
                             r"neurips|nips|icml|iclr|miccai|aaai|ijcai|wacv|isbi|midl|acl|emnlp|kdd)\b")


def _published_elsewhere(entry: Entry, ctx: CheckContext, ids: Mapping[str, set[str]]) -> str | None:
    """Evidence that a preprint-presented entry has a published version, or None."""
    doi = field_doi(entry.get("doi"))
    if doi and not doi.startswith(_PREPRINT_DOI):
        return f"it has the DOI {doi} of a published version"
    for name in ("journal", "booktitle"):
        v = _clean(entry.get(name))
        if v and not _PREPRINT_WORDS.search(fold(v)):
            return f"its {name} is {v!r}"
    if ctx.lookup is not None:
        for a in sorted(ids.get("arxiv", ())):
            rec = ctx.lookup("arxiv", a)
            if rec is None:
                continue
            rdoi = (getattr(rec, "doi", "") or "").lower()
            cont = getattr(rec, "container", "") or ""
            if rdoi and not rdoi.startswith(_PREPRINT_DOI):
                return f"the record of arXiv:{a} gives the published version {rdoi}" + (f" ({cont})" if cont else "")
            jref = getattr(rec, "journal_ref", "") or ""
            if jref:
                return f"arXiv:{a} has the journal reference {jref!r}"
            if cont and not _PREPRINT_WORDS.search(fold(cont)):
                return f"the record of arXiv:{a} says it appeared in {cont!r}"
    return None


@_rule("PB301", "preprint-published", "warning",
       "An entry presented as a preprint (arXiv/medRxiv record, or a list venue line starting `Preprint:`) whose "
       "published version is known: its own DOI/journal/booktitle, or the record of its arXiv id (the "
       "enrichment cache or `--records`). A published version that is a separate entry is reported by PB101.",
       "Readers should cite and find the peer-reviewed version; a stale \"Preprint\" label undersells the paper.",
       "Run `pathbib enrich` (or fill journal/booktitle, volume, pages and doi by hand), change the entry type, "
       "and update `list-venue`.")
def rule_preprint_published(lib: Library, ctx: CheckContext) -> list[Finding]:
    idx = _index(lib, ctx)
    paired = {k for pair in idx.dup_keys for k in pair}
    out = []
    for e in lib.entries:
        if e.key in paired or not _presented_as_preprint(e, ctx):
            continue
        why = _published_elsewhere(e, ctx, idx.ids[e.key])
        if why:
            out.append(_f("PB301", f"presented as a preprint, but {why}", e, "list-venue" if e.get("list-venue") else "journal",
                          "cite the published version (pathbib enrich) and update list-venue", lib=lib))
    return out


@_rule("PB302", "venue-kind", "warning",
       "The kind of venue contradicts itself: the list's venue line says `Conference:`/`Proceedings:` for a "
       "journal or `Journal:` for proceedings, an `@article` whose journal is a conference, or an "
       "`@inproceedings` whose booktitle is a journal.",
       "Wrong venue kinds produce wrong citations (BibTeX styles format journals and proceedings differently).",
       "Fix the entry type and the journal/booktitle field, or the `list-venue` label.")
def rule_venue_kind(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        label = _venue_label(e)
        journal = _plain(e.get("journal") or e.get("journaltitle"))
        book = _plain(e.get("booktitle"))
        if e.entry_type == "article" and journal and _PROCEEDINGSISH.search(journal) and not _JOURNALISH.search(journal):
            out.append(_f("PB302", f"@article whose journal {_clean(e.get('journal'))!r} is a conference", e,
                          "journal", "use @inproceedings with booktitle", lib=lib))
        elif e.entry_type in ("inproceedings", "conference") and book and _JOURNALISH.search(book) \
                and not _PROCEEDINGSISH.search(book):
            out.append(_f("PB302", f"@inproceedings whose booktitle {_clean(e.get('booktitle'))!r} is a journal", e,
                          "booktitle", "use @article with journal", lib=lib))
        elif label in ("conference", "proceedings") and journal and not _PROCEEDINGSISH.search(journal) \
                and not is_preprint(e):
            out.append(_f("PB302", f"the list's venue line says {label.title()!r} but {_clean(e.get('journal'))!r} "
                          "is a journal", e, "list-venue", "change the venue line to 'Journal:'", lib=lib))
        elif label == "journal" and (book or e.entry_type in ("inproceedings", "conference")) and not journal:
            out.append(_f("PB302", f"the list's venue line says 'Journal' but the entry is @{e.entry_type} "
                          f"in {_clean(e.get('booktitle'))!r}", e, "list-venue",
                          "change the venue line to 'Conference:'", lib=lib))
    return out


_CVF_URL = re.compile(r"thecvf\.com/content(?:_|/)(?:cvpr|iccv|wacv|eccv|accv)_?(\d{4})", re.I)
_NEURIPS_URL = re.compile(r"(?:neurips\.cc|nips\.cc)/paper(?:_files/paper)?/(\d{4})/", re.I)
_ECVA_URL = re.compile(r"ecva\.net/papers/eccv_(\d{4})", re.I)
_ACL_URL = re.compile(r"aclanthology\.org/(\d{4})\.", re.I)
_NATURE_DOI = re.compile(r"^10\.1038/s\d{5}-(0\d\d)-")
_RXIV_DOI = re.compile(r"^10\.1101/(\d{4})\.\d\d\.\d\d")


def _year_evidence(entry: Entry, ids: Mapping[str, set[str]]) -> Iterator[tuple[str, str, int, int]]:
    """(field, what, lowest, highest) years the entry's identifiers and URLs allow."""
    for name, u in _urls(entry, ("url", "list-links")):
        for rx, what in ((_CVF_URL, "CVF proceedings URL"), (_NEURIPS_URL, "NeurIPS proceedings URL"),
                         (_ECVA_URL, "ECCV proceedings URL"), (_ACL_URL, "ACL Anthology URL")):
            m = rx.search(u)
            if m:
                y = int(m.group(1))
                yield name, f"the {what} is for {y}", y, y
    for a in sorted(ids.get("arxiv", ())):
        if ym := arxiv_year_month(a):
            yield "eprint", f"arXiv:{a} was first posted in {ym[0]}", ym[0], 9999
    doi = field_doi(entry.get("doi")) or ""
    m = _NATURE_DOI.match(doi)
    if m:
        y = 2000 + int(m.group(1)[1:])
        yield "doi", f"the DOI {doi} was assigned in {y}", y, y + 1
    m = _RXIV_DOI.match(doi)
    if m:
        y = int(m.group(1))
        yield "doi", f"the preprint DOI {doi} was posted in {y}", y, 9999


@_rule("PB303", "year-contradiction", "error",
       "The year contradicts the entry's identifiers or URLs: a CVF/NeurIPS/ECCV/ACL proceedings URL of another "
       "year, a year before the arXiv id's (yymm) or the medRxiv/bioRxiv DOI's posting year, a Nature-family DOI "
       "(s41591-024-...) more than a year off.",
       "One of the two is wrong: either the year (the list's ordering and span are computed from it) or the link.",
       "Correct the year, or the URL/identifier if it points at another paper or edition.")
def rule_year_contradiction(lib: Library, ctx: CheckContext) -> list[Finding]:
    idx = _index(lib, ctx)
    out = []
    for e in idx.entries:
        y = entry_year(e)
        if y is None:
            continue
        for name, what, lo, hi in _year_evidence(e, idx.ids[e.key]):
            if not lo <= y <= hi:
                out.append(_f("PB303", f"year {y} contradicts the {name}: {what}", e, "year",
                              f"check the year (expected {lo}" + ("" if hi == lo else f"..{hi}" if hi < 9999 else " or later") + ")",
                              lib=lib))
                break
    return out


@_rule("PB304", "future-date", "error",
       "The year or date is later than today (today is passed in by the command, `--today` overrides it).",
       "Usually a typo; a paper cannot have been published in the future.",
       "Correct the year/date.")
def rule_future_date(lib: Library, ctx: CheckContext) -> list[Finding]:
    if ctx.today is None:
        return []
    today = ctx.today.isoformat()
    out = []
    for e in lib.entries:
        y = _clean(e.get("year"))
        d = _clean(e.get("date"))
        if re.fullmatch(r"\d{4}", y) and int(y) > ctx.today.year:
            out.append(_f("PB304", f"year {y} is in the future (today is {today})", e, "year", "correct the year", lib=lib))
        elif re.match(r"\d{4}(-\d\d){0,2}$", d) and d > today[: len(d)]:
            out.append(_f("PB304", f"date {d} is in the future (today is {today})", e, "date", "correct the date", lib=lib))
    return out


@_rule("PB305", "missing-year", "warning",
       "Neither `year` nor `date` gives a four-digit year.",
       "The list is ordered and its year span computed by date; BibTeX styles print \"n.d.\".",
       "Add the year of the version cited (`pathbib enrich` fills it from the DOI/arXiv record).")
def rule_missing_year(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        if entry_year(e) is None:
            y = _clean(e.get("year"))
            msg = f"year {y!r} is not a four-digit year" if y else "no year"
            out.append(_f("PB305", msg, e, "year", "add the year", lib=lib))
    return out


@_rule("PB306", "date-contradiction", "error",
       "`year` and `date` give different years, or `origdate` is later than the date (or year) of the version cited.",
       "biblatex prints `date` when both are given, so a `date` next to a conflicting `year` silently overrides "
       "the year; an original publication cannot come after the version that reprints it.",
       "Make them agree: correct or remove `date` (or `year`), or fix `origdate`.")
def rule_date_contradiction(lib: Library, ctx: CheckContext) -> list[Finding]:
    from .dates import fields_disagreement

    out = []
    for e in lib.entries:
        why = fields_disagreement({f: e.get(f) for f in ("year", "date", "origdate")})
        if why:
            field = "origdate" if why.startswith("origdate") else "date"
            out.append(_f("PB306", why, e, field, f"correct the {field} or the year", lib=lib))
    return out


# --------------------------------------------------------------------------- PB4xx identifiers and required fields

REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal"),
    "inproceedings": ("author", "title", "booktitle"),
    "conference": ("author", "title", "booktitle"),
    "incollection": ("author", "title", "booktitle", "publisher"),
    "book": ("author|editor", "title", "publisher"),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher"),
    "phdthesis": ("author", "title", "school"),
    "mastersthesis": ("author", "title", "school"),
    "techreport": ("author", "title", "institution"),
    "misc": ("title",),
    "online": ("title", "url"),
    "unpublished": ("author", "title"),
    "manual": ("title",),
    "proceedings": ("title",),
}
_ALIASES = {"journal": ("journal", "journaltitle"), "school": ("school", "institution")}


@_rule("PB401", "missing-identifier", "warning",
       "No DOI, arXiv id (`eprint`), PMID, OpenReview id, ISBN or URL (other than a link shortener).",
       "Without an identifier the paper cannot be found, enriched or deduplicated reliably.",
       "Add the DOI or arXiv id (or a stable URL of the paper).")
def rule_missing_identifier(lib: Library, ctx: CheckContext) -> list[Finding]:
    idx = _index(lib, ctx)
    out = []
    for e in idx.entries:
        if idx.ids[e.key] or e.get("isbn") or e.get("eprint"):
            continue
        if any(_host(u) not in SHORTENERS for _, u in _urls(e, ("url", "list-links", "howpublished"))):
            continue
        out.append(_f("PB401", "no DOI, arXiv id or stable URL", e, "doi", "add a DOI, eprint or url", lib=lib))
    return out


@_rule("PB402", "missing-required-field", "warning",
       "A field BibTeX requires for the entry type is missing (article: author, title, journal; inproceedings: "
       "author, title, booktitle; ...). The year is checked by PB305.",
       "BibTeX prints warnings and incomplete references.",
       "Fill the field (`pathbib enrich` does it from the DOI/arXiv record), or change the entry type.")
def rule_missing_required(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        missing = []
        for req in REQUIRED.get(e.entry_type, ()):
            alts = [a for r in req.split("|") for a in _ALIASES.get(r, (r,))]
            if not any(_clean(e.get(a)) for a in alts):
                missing.append(req.replace("|", " or "))
        if missing:
            out.append(_f("PB402", f"@{e.entry_type} without {', '.join(missing)}", e, missing[0].split(" ")[0],
                          f"add {', '.join(missing)}", lib=lib))
    return out


def _doi_fix(value: str) -> str | None:
    """The bare lower-case form of a `doi` field value, when it differs (PB403), else None."""
    n = field_doi(value)
    return n if n is not None and n != value else None


@_rule("PB403", "doi-form", "warning",
       "The DOI is not in the bare lower-case form `10.xxxx/...` (it is a doi.org URL, has a `doi:` prefix, "
       "upper-case letters or spaces).",
       "One form makes DOIs comparable (duplicates, enrichment) and lets styles build the link themselves.",
       "`pathbib check --fix` rewrites it (DOIs are case-insensitive, so lower-casing is safe).",
       fixable=True)
def rule_doi_form(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        v = e.get("doi")
        if v and (n := _doi_fix(v)):
            out.append(_f("PB403", f"DOI {v!r} is not in bare lower-case form", e, "doi", f"use {n}", lib=lib))
    return out


@_rule("PB404", "malformed-doi", "error",
       "The `doi` field is not a DOI (`10.` + 4-9 digit registrant + `/` + suffix), even after removing a "
       "doi.org/`doi:` prefix.",
       "A malformed DOI links nowhere and blocks enrichment.",
       "Copy the DOI from the publisher's page or Crossref.")
def rule_malformed_doi(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        v = e.get("doi")
        if v is not None and field_doi(v) is None:
            out.append(_f("PB404", f"{v!r} is not a DOI", e, "doi", "copy the DOI from the publisher", lib=lib))
    return out


@_rule("PB405", "malformed-arxiv-id", "error",
       "An arXiv `eprint` that is not an arXiv identifier (`yymm.nnnnn` or `archive/yymmnnn`, optional `vN`), "
       "or whose month is not 01-12.",
       "A malformed id links nowhere and blocks enrichment.",
       "Copy the id from the arXiv abstract page, without the `arXiv:` prefix.")
def rule_malformed_arxiv(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        if not _is_arxiv_eprint(e):
            continue
        raw = _clean(e.get("eprint"))
        if field_arxiv(raw) is None:
            out.append(_f("PB405", f"eprint {raw!r} is not an arXiv id", e, "eprint",
                          "use the id from the arXiv abstract page, e.g. 2307.16142", lib=lib))
    return out


# --------------------------------------------------------------------------- PB5xx keys and encoding

def _repaired(text: str, hits: Sequence[MisDecoded], offset: int = 0) -> str | None:
    """`text` (starting at `offset` of the field) with the mis-decoded sequences in it read back,
    or None when one of them has no certain reading."""
    out, pos = [], 0
    for h in hits:
        start, end = h.start - offset, h.end - offset
        if start < 0 or end > len(text):
            continue
        if h.reading is None:
            return None
        out += [text[pos:start], h.reading]
        pos = end
    return "".join(out) + text[pos:]


@_rule("PB501", "mojibake", "error",
       "A field contains mis-decoded characters: UTF-8 read as Windows-1252/1254 (`CatalÃ¡n`, `ğŸ“œ`, `â€™`) "
       "or the replacement character U+FFFD.",
       "Mangled names and titles are wrong in every export and defeat matching and deduplication.",
       "Retype the text (the suggested repair is shown when the bytes survived), or re-import with the "
       "importer's mojibake repair.")
def rule_mojibake(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        for f in e.fields:
            hits = find_mis_decoded(f.value)
            if hits:
                a = f.value.rfind(" ", 0, hits[0].start) + 1
                b = f.value.find(" ", hits[0].end)
                snippet = f.value[a: b if b >= 0 else len(f.value)]
                fixed = _repaired(snippet, hits, a)
                out.append(_f("PB501", f"{f.name} has mis-decoded text {hits[0].original!r} in {snippet!r}", e,
                              f.name, f"probably {fixed!r}" if fixed else "retype the damaged characters", lib=lib))
                break
    return out


@_rule("PB502", "duplicate-key", "error",
       "Two blocks use the same citation key (the second is kept verbatim but ignored by pathbib), or two keys "
       "differ only in letter case (`JianGV22` / `JiangV22`), which BibTeX and biber treat as the same key.",
       "`\\cite{key}` can only mean one of them; the other entry is silently lost in every export.",
       "Rename one of the keys (and its citations), or merge the entries.")
def rule_duplicate_key(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for fb in lib.failed:
        if fb.reason.startswith("duplicate citation key"):
            out.append(_f("PB502", fb.reason, None, None, "rename or merge", lib=lib, line=fb.line, key=fb.key))
    seen: dict[str, Entry] = {}
    for e in lib.entries:
        first = seen.setdefault(e.key.lower(), e)
        if first is not e:
            out.append(_f("PB502", f"citation key {e.key!r} differs from {first.key!r} only in letter case", e, None,
                          "rename one of them", lib=lib))
    return out


@_rule("PB503", "unparseable-block", "error",
       "A block could not be parsed as BibTeX (unbalanced braces, missing comma, ...). It is kept verbatim.",
       "The entry is missing from every export.",
       "Fix the syntax at the line shown.")
def rule_unparseable(lib: Library, ctx: CheckContext) -> list[Finding]:
    return [_f("PB503", fb.reason, None, None, "fix the BibTeX syntax", lib=lib, line=fb.line, key=fb.key)
            for fb in lib.failed if not fb.reason.startswith("duplicate citation key")]


_KEY_OK = re.compile(r"[A-Za-z0-9_\-:./+@!?*;<>=\[\]|$^`&']+")


@_rule("PB504", "bad-key", "error",
       "A citation key LaTeX/BibTeX cannot use: empty, non-ASCII, or containing spaces, commas, braces, quotes, "
       "`%`, `#`, `~`, `\\` or parentheses.",
       "`\\cite{...}` fails or cites the wrong entry; bibtex (8-bit) chokes on non-ASCII keys.",
       "Rename the key (e.g. `pathbib fmt` style: author + year + first title word) and update citations.")
def rule_bad_key(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        if not e.key:
            out.append(_f("PB504", "empty citation key", e, None, "give the entry a key", lib=lib))
        elif not _KEY_OK.fullmatch(e.key):
            bad = sorted({c for c in e.key if not _KEY_OK.fullmatch(c)})
            out.append(_f("PB504", f"citation key {e.key!r} contains {' '.join(repr(c) for c in bad)}", e, None,
                          "use letters, digits and - _ : . / only", lib=lib))
    return out


# --------------------------------------------------------------------------- PB6xx the list's survey


def survey_entries(lib: Library, settings: Settings) -> list[Entry]:
    """The list's own survey entries: `survey` in pathbib.toml and entries with `list-survey = {yes}`."""
    return [e for e in lib.entries if _is_survey(e, settings)]


def _survey_record(entry: Entry, ctx: CheckContext) -> tuple[str, Any] | None:
    if ctx.lookup is None:
        return None
    ids = identifiers(entry)
    for scheme in ("doi", "arxiv"):
        for v in sorted(ids.get(scheme, ())):
            rec = ctx.lookup(scheme, v)
            if rec is not None:
                return (f"DOI {v}" if scheme == "doi" else f"arXiv:{v}"), rec
    return None


def _record_families(authors: Iterable[str]) -> list[str]:
    """Family-name keys of a record's "Family, Given" authors, compared like `author_families`."""
    return [k for a in authors if not (n := parse_name(a)).literal and (k := normalize_family(n.last))]


def _id_label(entry: Entry) -> str:
    ids = identifiers(entry)
    if ids.get("doi"):
        return "DOI " + sorted(ids["doi"])[0]
    if ids.get("arxiv"):
        return "arXiv:" + sorted(ids["arxiv"])[0]
    return f"entry {entry.key!r}"


_WORKSHOP_URL = re.compile(r"/(?:ICCV|CVPR|ECCV|WACV)\d{4}W/|_(?:ICCVW|CVPRW|ECCVW|WACVW)_|workshop", re.I)


@_rule("PB601", "survey-missing", "error",
       "`survey` in pathbib.toml names a citation key that is not in the library.",
       "The list's header and citation block are built from that entry.",
       "Add the survey entry or correct `survey` in pathbib.toml.")
def rule_survey_missing(lib: Library, ctx: CheckContext) -> list[Finding]:
    key = ctx.settings.survey
    if key and lib.get(key) is None:
        return [_f("PB601", f"survey entry {key!r} (pathbib.toml `survey`) is not in the library", None, None,
                   "add it or fix `survey`", lib=lib, key=key)]
    return []


@_rule("PB602", "survey-link-text", "error",
       "Text that presents the list's survey — the review link text (`list-review-text`) or `list-title` — names "
       "another work than the survey entry's identifier (its record's title when a record lookup is available, "
       "else the entry's title).",
       "The list's own citation is the one readers copy; a link whose text names one paper and leads to another "
       "misleads everyone who cites the list.",
       "Make the link text, the identifier and the citation block name the same paper (correct whichever is "
       "wrong), then rebuild the README.")
def rule_survey_link_text(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in survey_entries(lib, ctx.settings):
        got = _survey_record(e, ctx)
        ref_title = _clean(getattr(got[1], "title", "")) if got else ""
        ref_what = f"{got[0]} is" if got and ref_title else f"the entry ({_id_label(e)}) is titled"
        if not ref_title:
            ref_title = _clean(e.get("title"))
        if not ref_title:
            continue
        for name in ("list-review-text", "list-title"):
            text = _clean(e.get(name))
            if text and title_similarity(text, ref_title) < 0.85:
                out.append(_f("PB602", f"the review link text says {text!r} but {ref_what} {ref_title!r}", e, name,
                              "make the link text and the identifier name the same work", lib=lib))
    return out


@_rule("PB603", "survey-record", "error",
       "The survey entry disagrees with its own identifiers: title, first author or author count differ from the "
       "record of its DOI/arXiv id (needs a record lookup: enrichment cache or `--records FILE`), or it is cited "
       "as a main-conference paper while its record or its own URL says workshop.",
       "The citation block of the list is copied by every reader who cites the list.",
       "Correct the survey entry from the publisher's record (`pathbib enrich --only KEY`), e.g. booktitle "
       "\"... Conference on Computer Vision (ICCV) Workshops\".")
def rule_survey_record(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in survey_entries(lib, ctx.settings):
        venue = _clean(e.get("booktitle") or e.get("journal"))
        got = _survey_record(e, ctx)
        workshop_evidence = ""
        for _, u in _urls(e, ("url", "list-links", "cvf")):
            if _WORKSHOP_URL.search(u):
                workshop_evidence = f"its URL {u} is a workshop paper"
        if got:
            what, rec = got
            rt = _clean(getattr(rec, "title", ""))
            if rt and _clean(e.get("title")) and title_similarity(rt, e.get("title") or "") < 0.9:
                out.append(_f("PB603", f"title {_clean(e.get('title'))!r} differs from {what}: {rt!r}", e, "title",
                              f"use {rt!r}", lib=lib))
            rauth = _record_families(getattr(rec, "authors", ()) or ())
            eauth = author_families(e)
            if rauth and eauth and (rauth[0] != eauth[0] or len(rauth) != len(eauth)):
                out.append(_f("PB603", f"authors ({len(eauth)}, first {eauth[0]!r}) differ from {what} "
                              f"({len(rauth)}, first {rauth[0]!r})", e, "author", "copy the record's authors", lib=lib))
            rc = _clean(getattr(rec, "container", ""))
            if rc and re.search(r"workshop", rc, re.I) and venue and not re.search(r"workshop", venue, re.I):
                workshop_evidence = f"{what} appeared in {rc!r}"
        if workshop_evidence and venue and not re.search(r"workshop", venue, re.I):
            out.append(_f("PB603", f"cited as a main-conference paper ({venue!r}) but {workshop_evidence}", e,
                          "booktitle", "cite the workshop proceedings", lib=lib))
    return out


# --------------------------------------------------------------------------- PB7xx README


@dataclass(frozen=True)
class ReadmeItem:
    number: int
    title: str
    line: int
    section: str  # innermost heading above the item
    years: tuple[int, ...]  # years on the item's venue/date lines
    links: tuple[str, ...]

    @property
    def year(self) -> int | None:
        return min(self.years) if self.years else None


@dataclass(frozen=True)
class Readme:
    items: tuple[ReadmeItem, ...]
    headings: tuple[tuple[int, str, int], ...]  # (level, text, line)
    anchors: tuple[tuple[str, int], ...]  # (#anchor, line) of in-page links
    html_anchors: frozenset[str]
    text: str
    parser: str  # which parser read it


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s{0,3}(\d+)[.)]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"", re.I)


def _unfenced_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of the Markdown lines outside fenced code blocks (fences left out)."""
    fenced = False
    for i, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            yield i, line


def parse_readme(text: str) -> Readme:
    """Read the structure the PB7xx rules need from an awesome-list README (pure).

    A minimal structural reader: ATX headings, numbered items (`12. ... **Title**`) with their
    indented sub-bullets (venue and date lines give the years, links give the URLs), in-page
    `(#anchor)` links and `<a name=...>` anchors; fenced code blocks are skipped.
    """
    items: list[ReadmeItem] = []
    headings: list[tuple[int, str, int]] = []
    anchors: list[tuple[str, int]] = []
    html: set[str] = set()
    section = ""
    cur: dict[str, Any] | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None:
            items.append(ReadmeItem(cur["number"], cur["title"], cur["line"], cur["section"],
                                    tuple(cur["years"]), tuple(cur["links"])))
            cur = None

    for i, line in _unfenced_lines(text):
        html.update(_HTML_ANCHOR.findall(line))
        h = _HEADING.match(line)
        if h:
            close()
            headings.append((len(h.group(1)), h.group(2), i))
            section = h.group(2).strip().rstrip(":").strip()
            continue
        m = _ITEM.match(line)
        if m:
            close()
            b = _BOLD.search(m.group(2))
            title = b.group(1) if b else _MD_LINK.sub(r"\1", m.group(2)).strip()
            cur = {"number": int(m.group(1)), "title": title.strip(), "line": i, "section": section,
                   "years": [], "links": []}
            continue
        for a in re.findall(r"\]\((#[^)\s]*)\)", line):
            anchors.append((a, i))
        if cur is not None and line.startswith((" ", "\t")) and line.strip():
            for _, url in _MD_LINK.findall(line):
                if not url.startswith("#"):
                    cur["links"].append(url)
            if not _MD_LINK.search(line):
                cur["years"].extend(int(y) for y in _YEAR_RE.findall(line))
        elif cur is not None and line.strip() and not line.startswith((" ", "\t")):
            close()
    close()
    return Readme(tuple(items), tuple(headings), tuple(anchors), frozenset(html), text, "pathbib.check (structural)")


def github_slug(heading: str) -> str:
    """Return the anchor GitHub gives a Markdown heading (HTML tags and link syntax removed first)."""
    t = re.sub(r"<[^>]+>", "", heading)
    return _slug_text(_MD_LINK.sub(r"\1", t))


def read_readme(text: str) -> Readme:
    """Parse the README with the importer's Markdown parser (items) when it is available.

    Headings and anchors always come from `parse_readme` (the TOC rule needs every heading,
    including the ones the importer treats as wrappers); the items — numbers, titles, venue and
    date lines, links — come from `pathbib.importers.markdown.parse_list`, which also repairs
    mis-decoded text. Without the importer (or if it rejects the text) the structural reader's
    items are used; `Readme.parser` says which.
    """
    base = parse_readme(text)
    try:
        from .importers.markdown import parse_list
    except ImportError:  # pragma: no cover - the importer ships with pathbib
        return base
    try:
        pl = parse_list(text)
    except Exception:  # noqa: BLE001 - any failure: fall back to the structural reader
        return base
    items = []
    for it in pl.items:
        if not str(it.number).isdigit():
            continue
        years = tuple(int(y) for f in it.fields if f.kind in ("venue", "date") for y in _YEAR_RE.findall(f.value))
        links = tuple(link.url for f in it.fields if f.kind == "pdf" for link in f.links) + tuple(
            link.url for link in it.title_links)
        items.append(ReadmeItem(int(it.number), it.title, it.line, it.section[-1] if it.section else "", years, links))
    return replace(base, items=tuple(items), parser="pathbib.importers.markdown")


def _readme(ctx: CheckContext) -> Readme | None:
    text = ctx.readme
    return None if text is None else _memoized(ctx, "readme", lambda: read_readme(text))


def _rf(rule: str, message: str, ctx: CheckContext, line: int | None, fix: str | None = None,
        severity: Severity | None = None) -> Finding:
    return _f(rule, message, None, None, fix, line=line, path=ctx.readme_path, severity=severity)


@_rule("PB701", "numbering-gap", "error",
       "README: the item numbers do not run on (a number jumps ahead, leaving a gap, or restarts lower).",
       "Readers use the numbers to count and refer to papers; gaps and restarts are leftovers of deleted or "
       "copied items.",
       "Regenerate the README with `pathbib build` (numbers come from the library), or renumber by hand.",
       readme=True)
def rule_numbering_gap(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None or not rd.items:
        return []
    out = []
    prev: ReadmeItem | None = None
    for it in rd.items:
        expected = 1 if prev is None else prev.number + 1
        if it.number != expected:
            if prev is None:
                msg = f"numbering starts at {it.number}, not 1"
            elif it.number > expected:
                gap = f"{expected}" if it.number == expected + 1 else f"{expected}-{it.number - 1}"
                msg = f"numbering jumps from {prev.number} to {it.number} (missing {gap})"
            else:
                msg = f"numbering restarts: {it.number} follows {prev.number}"
            out.append(_rf("PB701", msg + f" at {it.title[:60]!r}", ctx, it.line, f"number it {expected}"))
        prev = it
    return out


@_rule("PB702", "numbering-repeat", "error",
       "README: the same item number is used more than once.",
       "An ambiguous number cannot be referred to, and the item count cannot be read off the last number.",
       "Regenerate the README with `pathbib build`, or renumber by hand.",
       readme=True)
def rule_numbering_repeat(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None:
        return []
    by: dict[int, list[ReadmeItem]] = defaultdict(list)
    for it in rd.items:
        by[it.number].append(it)
    return [_rf("PB702", f"number {n} is used {len(g)} times (lines {', '.join(str(i.line) for i in g)})", ctx,
                g[1].line, "renumber the items") for n, g in sorted(by.items()) if len(g) > 1]


_COUNT_RE = re.compile(r"(?:sum|total)\s+of\s+`?(\d+)`?\s+(?:\w+\s+){0,2}(?:papers|articles|works)|"
                       r"`?(\d+)`?\s+(?:research\s+)?(?:papers|articles)\b", re.I)
_SPAN_RE = re.compile(r"(?:from|between)\s+`?(\d{4})`?\s+(?:to|and|-|–)\s+`?(\d{4})`?", re.I)


def _claim_lines(text: str) -> Iterator[tuple[int, str]]:
    for i, line in _unfenced_lines(text):
        if not _ITEM.match(line) and not line.startswith((" ", "\t")):
            yield i, line


@_rule("PB703", "stated-count", "error",
       "README: a sentence states a number of papers (\"a sum of `81` research papers\") that differs from the "
       "number of items in the list.",
       "A false count is the first thing readers see and quote.",
       "Let `pathbib build` write the count, or correct the sentence.",
       readme=True)
def rule_stated_count(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None:
        return []
    n = len(rd.items)
    out = []
    for i, line in _claim_lines(rd.text):
        m = _COUNT_RE.search(line)
        if m:
            stated = int(m.group(1) or m.group(2))
            if stated != n:
                out.append(_rf("PB703", f"states {stated} papers but the list has {n} items", ctx, i, f"say {n}"))
    return out


@_rule("PB704", "stated-year-span", "error",
       "README: a sentence states a year span (\"spanning from 2022 to 2025\") that differs from the earliest and "
       "latest years on the items' venue/date lines.",
       "A false span misdescribes the list.",
       "Let `pathbib build` write the span, or correct the sentence (or the items' dates).",
       readme=True)
def rule_stated_span(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None:
        return []
    years = [y for it in rd.items for y in it.years]
    if not years:
        return []
    lo, hi = min(years), max(years)
    out = []
    for i, line in _claim_lines(rd.text):
        m = _SPAN_RE.search(line)
        if m and (int(m.group(1)), int(m.group(2))) != (lo, hi):
            early = [it for it in rd.items if lo in it.years][:3]
            ex = "; ".join(f"no. {it.number} {it.title[:40]!r} ({lo})" for it in early) if int(m.group(1)) != lo else ""
            out.append(_rf("PB704", f"states {m.group(1)}-{m.group(2)} but the items span {lo}-{hi}"
                           + (f" (e.g. {ex})" if ex else ""), ctx, i, f"say {lo} to {hi}"))
    return out


@_rule("PB705", "section-order", "error",
       "README: the list says its sections are ordered by publication date, but an item's year is earlier than "
       "the year of an item above it in the same section (items without a year are skipped).",
       "The ordering promise is how readers find recent work.",
       "Let `pathbib build` order the sections, or move the item (or fix its year).",
       readme=True)
def rule_section_order(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None or not re.search(r"order(?:ed)?\s+by\s+(?:the\s+)?(?:publication\s+)?dates?", rd.text, re.I):
        return []
    out = []
    by: dict[str, list[ReadmeItem]] = defaultdict(list)
    for it in rd.items:
        by[it.section].append(it)
    for section, its in by.items():
        latest: ReadmeItem | None = None
        for it in its:
            y = it.year
            if y is None:
                continue
            if latest is not None and latest.year is not None and y < latest.year:
                out.append(_rf("PB705", f"section {section!r} is not in date order: no. {it.number} "
                               f"({y}) comes after no. {latest.number} ({latest.year})", ctx, it.line,
                               "order the section by date"))
                break
            if latest is None or (latest.year or 0) <= y:
                latest = it
    return out


@_rule("PB706", "toc-anchor", "error",
       "README: an in-page link `(#anchor)` matches no heading's GitHub anchor (lower-case, punctuation removed, "
       "spaces to hyphens, `-1`, `-2` for repeats) and no `<a name=...>`. A link that differs only in letter case "
       "is reported at info level (GitHub's page script resolves it, other renderers may not).",
       "A table-of-contents entry that leads nowhere.",
       "Use the heading's anchor, e.g. `[Other applications](#other-applications)`.",
       readme=True)
def rule_toc_anchor(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None:
        return []
    slugs: set[str] = set()
    counts: dict[str, int] = defaultdict(int)
    for _, text, _ in rd.headings:
        s = github_slug(text)
        slugs.add(s if counts[s] == 0 else f"{s}-{counts[s]}")
        counts[s] += 1
    targets = slugs | set(rd.html_anchors)
    lower = {t.lower() for t in targets}
    out = []
    for a, line in rd.anchors:
        name = a[1:]
        if name in targets:
            continue
        if name.lower() in lower:
            out.append(_rf("PB706", f"anchor {a} matches a heading only when case is ignored", ctx, line,
                           f"use #{name.lower()}", severity="info"))
        else:
            out.append(_rf("PB706", f"anchor {a} matches no heading", ctx, line, "use the heading's GitHub anchor"))
    return out


@_rule("PB707", "repeated-item", "error",
       "README: the same paper is listed twice (same normalised title, or the same paper link).",
       "Duplicates inflate the count and split corrections.",
       "Delete one of the items (and its library entry, see PB101).",
       readme=True)
def rule_repeated_item(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None:
        return []
    seen_t: dict[str, ReadmeItem] = {}
    seen_u: dict[str, ReadmeItem] = {}
    out = []
    for it in rd.items:
        t = normalize_title(it.title)
        first = seen_t.get(t) if len(t) >= 12 else None
        if first is None:
            for u in it.links[:1]:
                first = seen_u.get(_url_key(u))
        if first is not None:
            out.append(_rf("PB707", f"no. {it.number} {it.title[:70]!r} repeats no. {first.number} "
                           f"(line {first.line})", ctx, it.line, f"delete no. {it.number}"))
            continue
        seen_t.setdefault(t, it)
        for u in it.links[:1]:
            seen_u.setdefault(_url_key(u), it)
    return out


# --------------------------------------------------------------------------- running, selection, suppression


@dataclass(frozen=True)
class Suppressed:
    finding: Finding
    reason: str
    where: str  # "library.bib check-ignore" or "pathbib.toml"


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]
    suppressed: tuple[Suppressed, ...] = ()
    rules_run: tuple[str, ...] = ()

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def _matches(rule_id: str, patterns: Iterable[str]) -> bool:
    return any(rule_id.upper().startswith(p.strip().upper()) for p in patterns if p.strip())


def select_rules(select: Sequence[str] = (), ignore: Sequence[str] = (), *, readme: bool = True) -> list[Rule]:
    """The rules to run: those matching a `select` prefix (all if empty) and no `ignore` prefix."""
    out = []
    for rid, r in RULES.items():
        if select and not _matches(rid, select):
            continue
        if ignore and _matches(rid, ignore):
            continue
        if r.readme and not readme:
            continue
        out.append(r)
    return out


def parse_check_ignore(value: str) -> dict[str, str]:
    """`check-ignore` field → {rule prefix: reason}; `PB201: reason; PB405: reason` (a bare id has reason "")."""
    out: dict[str, str] = {}
    for part in re.split(r"[;\n]", value):
        part = part.strip()
        if not part:
            continue
        rid, _, reason = part.partition(":")
        for r in re.split(r"[,\s]+", rid.strip()):
            if r:
                out[r.upper()] = reason.strip()
    return out


def _suppression(f: Finding, lib: Library, settings: Settings, by_key: Mapping[str, Entry]) -> tuple[str, str] | None:
    if f.key:
        e = by_key.get(f.key)
        if e is not None and e.get("check-ignore"):
            for rid, reason in parse_check_ignore(e.get("check-ignore") or "").items():
                if f.rule.upper().startswith(rid):
                    return reason or "(no reason given)", f"{lib.path or 'library'} check-ignore"
    for s in settings.check.suppress:
        rid = str(s.get("rule", "")).upper()
        key = str(s.get("key", "*"))
        if rid and f.rule.upper().startswith(rid) and (key == "*" or key == f.key):
            return str(s.get("reason", "")) or "(no reason given)", "pathbib.toml [[check.suppress]]"
    return None


def run_check(lib: Library, ctx: CheckContext, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> CheckResult:
    """Run the selected rules (plus pathbib.toml [check] select/ignore) and apply suppressions."""
    ctx = replace(ctx, _memo={})  # derived data is shared by the rules of this run only
    sel = tuple(select) or ctx.settings.check.select
    ign = tuple(ignore) + tuple(ctx.settings.check.ignore)
    rules = select_rules(sel, ign, readme=ctx.readme is not None)
    found: list[Finding] = []
    for r in rules:
        found.extend(r.func(lib, ctx))
    kept: list[Finding] = []
    supp: list[Suppressed] = []
    by_key = _index(lib, ctx).by_key if found else {}
    for f in found:
        s = _suppression(f, lib, ctx.settings, by_key)
        if s:
            supp.append(Suppressed(f, s[0], s[1]))
        else:
            kept.append(f)
    return CheckResult(tuple(kept), tuple(supp), tuple(r.id for r in rules))


# --------------------------------------------------------------------------- fixes


def plan_fixes(lib: Library) -> list[FieldChange]:
    """Safe mechanical fixes: tracking parameters stripped from URLs, DOIs in bare lower-case form."""
    out: list[FieldChange] = []
    for e in lib.entries:
        for name in _URL_FIELDS:
            v = e.get(name)
            if not v:
                continue
            new = v
            for _, u, clean in _tracked_urls(e, (name,)):
                for variant in (u, u.replace("_", "\\_")):
                    if variant in new:
                        new = new.replace(variant, clean if variant == u else clean.replace("_", "\\_"))
                        break
            if new != v:
                out.append(FieldChange(e.key, name, v, new, "", "strip tracking parameters (PB105)", "update",
                                       {"rule": "PB105"}))
        d = e.get("doi")
        if d and (n := _doi_fix(d)):
            out.append(FieldChange(e.key, "doi", d, n, "", "bare lower-case DOI (PB403)", "update", {"rule": "PB403"}))
    return out


def apply_fixes(lib: Library, changes: Sequence[FieldChange]) -> Library:
    """Return `lib` with the changes applied (only entries with changes are re-rendered)."""
    updated: dict[str, Entry] = {}
    by_key = {e.key: e for e in lib.entries}
    for c in changes:
        e = updated.get(c.key) or by_key.get(c.key)
        if e is None or c.new is None:
            continue
        delim: Delim = next((f.delim for f in e.fields if f.name == c.field), "{") or "{"
        updated[c.key] = e.set(c.field, c.new, delim)
    return lib.update_entries(updated)


# --------------------------------------------------------------------------- lookups


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
        arx = (normalize_arxiv(arx) or arx) if arx else extract_identifiers(str(it.get("URL") or "")).get("arxiv", "")
        rec = SimpleRecord(str(it.get("title") or ""), authors, str(it.get("container-title") or ""), year,
                           doi, arx)
        if doi:
            table.setdefault(("doi", doi), rec)
        if arx:
            table.setdefault(("arxiv", arx), rec)

    def lookup(scheme: str, ident: str) -> RecordLike | None:
        norm = normalize_doi(ident) if scheme == "doi" else normalize_arxiv(ident)
        return table.get((scheme, norm or ident.strip().lower()))

    return lookup


# --------------------------------------------------------------------------- docs


def explain(rule_id: str) -> str:
    """The documentation of one rule as plain Markdown (KeyError when unknown)."""
    r = RULES[rule_id.upper()]
    how_suppress = (
        f"Only through `[check] ignore = [\"{r.id}\"]` or `--ignore {r.id}` (README findings have no entry)."
        if r.readme else
        f"For one entry: `check-ignore = {{{r.id}: reason}}` in library.bib, or in pathbib.toml\n"
        f"`[[check.suppress]]` with `rule = \"{r.id}\"`, `key = \"...\"`, `reason = \"...\"`. "
        f"Everywhere: `--ignore {r.id}` or `[check] ignore`."
    )
    return (
        f"### {r.id} {r.name}\n\n"
        f"Severity: {r.severity}{' · fixable with `--fix`' if r.fixable else ''}"
        f"{' · needs `--readme`' if r.readme else ''}\n\n"
        f"**What.** {r.summary}\n\n**Why.** {r.why}\n\n**Fix.** {r.fix}\n\n**Suppress.** {how_suppress}\n"
    )


_GROUPS = (("PB1", "Duplicates and links"), ("PB2", "Scope"), ("PB3", "Contradictions and dates"),
           ("PB4", "Identifiers and required fields"), ("PB5", "Keys and encoding"),
           ("PB6", "The list's own survey"), ("PB7", "README (with `--readme`)"))


def rules_markdown() -> str:
    """All rules as the Markdown section of docs/check.md."""
    parts = ["| id | name | severity | fixable |", "|---|---|---|---|"]
    parts += [f"| {r.id} | {r.name} | {r.severity} | {'yes' if r.fixable else ''} |" for r in RULES.values()]
    parts.append("")
    for prefix, title in _GROUPS:
        parts.append(f"## {prefix}xx — {title}\n")
        for r in RULES.values():
            if r.id.startswith(prefix):
                parts.append(explain(r.id))
    return "\n".join(parts).rstrip() + "\n"


DOC_START = "<!-- rules:start (generated from pathbib.check.RULES; do not edit by hand) -->"
DOC_END = "<!-- rules:end -->"


def update_docs(text: str) -> str:
    """`text` (docs/check.md) with the generated rules section replaced."""
    a, b = text.find(DOC_START), text.find(DOC_END)
    if a < 0 or b < a:
        return text.rstrip() + "\n\n" + DOC_START + "\n\n" + rules_markdown() + "\n" + DOC_END + "\n"
    return text[: a + len(DOC_START)] + "\n\n" + rules_markdown() + "\n" + text[b:]


def to_json(result: CheckResult) -> dict[str, Any]:
    """The result as JSON-ready data (used by `check --json`)."""
    def fd(f: Finding) -> dict[str, Any]:
        return {"rule": f.rule, "name": RULES[f.rule].name if f.rule in RULES else "", "severity": f.severity,
                "key": f.key, "field": f.field, "message": f.message, "fix": f.fix, "path": f.path, "line": f.line}
    return {
        "findings": [fd(f) for f in result.findings],
        "suppressed": [{**fd(s.finding), "reason": s.reason, "where": s.where} for s in result.suppressed],
        "summary": {"errors": result.errors, "warnings": result.warnings,
                    "info": len(result.findings) - result.errors - result.warnings,
                    "suppressed": len(result.suppressed), "rules": list(result.rules_run)},
    }

