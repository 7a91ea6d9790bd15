"""Field, identifier and URL helpers shared by the check rules (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from ..identifiers import extract_identifiers
from ..identifiers import strip_tracking as _strip_tracking_params
from ..identity import entry_identifiers, is_arxiv_eprint
from ..identity import field_arxiv as field_arxiv
from ..identity import field_doi as field_doi
from ..model import Entry
from .registry import CheckContext, _memoized

_is_arxiv_eprint = is_arxiv_eprint  # the rules' name for it
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


def identifiers(entry: Entry) -> dict[str, set[str]]:
    """Identifiers of the work an entry describes (`identity.entry_identifiers`, the one definition)."""
    return {k: set(v) for k, v in entry_identifiers(entry).items()}


def _arxiv_url(url: str) -> bool:
    return "arxiv" in extract_identifiers(url)


def is_preprint(entry: Entry) -> bool:
    """True when the entry describes a preprint (arXiv/medRxiv/... record, not a journal/proceedings)."""
    doi = field_doi(entry.get("doi")) or ""
    if doi.startswith(_PREPRINT_DOI):
        return True
    venue = " ".join(
        _plain(entry.get(n)) for n in ("journal", "journaltitle", "booktitle", "howpublished", "publisher")
    )
    if _PREPRINT_WORDS.search(venue):
        return True
    if venue.strip():
        return False
    if _clean(entry.get("doi")):
        return False
    return entry.entry_type in ("misc", "unpublished", "online", "preprint", "article") and (
        _is_arxiv_eprint(entry)
        or any(_arxiv_url(u) for _, u in _urls(entry, ("url",)))
        or "medrxiv.org" in (entry.get("url") or "")
        or "biorxiv.org" in (entry.get("url") or "")
    )


def _venue_label(entry: Entry) -> str:
    """The label of the list's venue line ("journal", "conference", "preprint", ...), or ""."""
    m = re.match(
        r"\s*\W*\s*(journal|conference|proceedings|preprint|workshop)s?\s*:",
        entry.get("list-venue") or "",
        re.I,
    )
    return m.group(1).lower() if m else ""


def _presented_as_preprint(entry: Entry, ctx: CheckContext) -> bool:
    memo: dict[str, bool] = _memoized(ctx, "preprint", dict)
    if entry.key not in memo:
        memo[entry.key] = is_preprint(entry) or _venue_label(entry) == "preprint"
    return memo[entry.key]


# --------------------------------------------------------------------------- URLs

SHORTENERS = frozenset(
    """
bit.ly bitly.com tinyurl.com t.co goo.gl ow.ly is.gd buff.ly rebrand.ly cutt.ly shorturl.at tiny.cc
lnkd.in rb.gy t.ly bit.do v.gd shorte.st adf.ly tr.im cli.gs qr.ae x.co u.to s.id youtu.be tinyurl.ca
""".split()
)


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
