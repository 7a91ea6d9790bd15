"""Field, identifier and URL helpers shared by the check rules (pure)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from urllib.parse import unquote, urlsplit

from ..identifiers import (
    arxiv_year_month,
    extract_identifiers,
    is_valid_doi,
    normalize_arxiv,
    normalize_doi,
    normalize_pii,
)
from ..identifiers import strip_tracking as _strip_tracking_params
from ..model import Entry
from .registry import CheckContext, _memoized

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

