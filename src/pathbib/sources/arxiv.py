"""arXiv through the `arxiv` package: fetch (I/O) and a strict Atom converter (pure).

`arxiv.Client` builds the query URL (pointed at the configured base through
`query_url_format`) and sends it through a `requests` session we give it, which adds a
timeout and keeps the raw response. The package's own delay and retries are switched off:
`http.Gate` does spacing and retries for every source. The feed is converted by
`parse_feed`, a strict parser (the package's parser recovers silently from broken XML,
which would turn a truncated feed into "not found").
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from ..errors import RateLimited, SourceError, SourceNotFound
from ..names import parse_name
from ..record import Record
from .http import BadResponse, TransientSourceError, not_json_message, parse_retry_after
from .markup import has_math, tex_title

SOURCE = "arxiv"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_VERSION = re.compile(r"v\d+$")
_ABS = re.compile(r"arxiv\.org/abs/(.+)$")
_WS = re.compile(r"\s+")


def strip_version(arxiv_id: str) -> str:
    """Return the arXiv id without its `vN` version suffix."""
    return _VERSION.sub("", arxiv_id.strip())


# Capitalised particles that start a family name ("Adrian Del Maestro"): BibTeX's rule only
# knows lower-case von parts, and arXiv gives names as one "Given Family" string.
PARTICLES = {
    "da",
    "das",
    "de",
    "del",
    "della",
    "der",
    "den",
    "di",
    "do",
    "dos",
    "du",
    "la",
    "le",
    "st",
    "st.",
    "ten",
    "ter",
    "van",
    "von",
    "zu",
}


SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


def author_name(full: str) -> str:
    """'Kees A. Schouhamer Immink' -> 'Immink, Kees A. Schouhamer'; 'Adrian Del Maestro' -> 'Del Maestro, Adrian';
    'Donald Hora Jr.' -> 'Hora, Jr., Donald'."""
    full = _WS.sub(" ", full).strip()
    words = full.split(" ")
    if len(words) > 2 and "," not in full and words[-1].lower() in SUFFIXES:
        rest = author_name(" ".join(words[:-1]))
        family, _, given = rest.partition(", ")
        return f"{family}, {words[-1]}, {given}" if given else rest
    i = len(words) - 1
    while i > 1 and words[i - 1].lower() in PARTICLES:
        i -= 1
    if i < len(words) - 1 and "," not in full:
        return f"{' '.join(words[i:])}, {' '.join(words[:i])}"
    n = parse_name(full)
    family = f"{n.von} {n.last}".strip()
    if n.literal:
        return "{" + n.literal + "}"
    if n.jr:
        return f"{family}, {n.jr}, {n.first}"
    return f"{family}, {n.first}" if n.first and family else (family or n.first)


def _text(el: ET.Element, path: str) -> str:
    found = el.find(path, NS)
    return _WS.sub(" ", found.text).strip() if found is not None and found.text else ""


def parse_entry(entry: ET.Element) -> Record:
    """Convert one Atom <entry> to a Record."""
    raw_id = _text(entry, "atom:id")
    m = _ABS.search(raw_id)
    if not m:
        raise BadResponse(f"arXiv entry with unexpected id {raw_id!r}")
    versioned = m.group(1)
    aid = strip_version(versioned)
    published = _text(entry, "atom:published")
    date = published[:10]
    doi = _text(entry, "arxiv:doi").lower()
    prim = entry.find("arxiv:primary_category", NS)
    extra = [("version", versioned)]
    if prim is not None and prim.get("term"):
        extra.append(("primary_category", prim.get("term", "")))
    comment = _text(entry, "arxiv:comment")
    if comment:
        extra.append(("comment", comment))
    title = _text(entry, "atom:title")
    return Record(
        source=SOURCE,
        id=aid,
        title=title,
        title_latex=tex_title(title) if has_math(title) else "",
        authors=tuple(author_name(_text(a, "atom:name")) for a in entry.findall("atom:author", NS)),
        type="misc",
        source_type="arxiv-preprint",
        year=date[:4],
        date=date,
        doi=doi,
        arxiv=aid,
        url=f"https://arxiv.org/abs/{aid}",
        journal_ref=_text(entry, "arxiv:journal_ref"),
        kinds=frozenset({"preprint"}),
        extra=tuple(extra),
    )


def parse_feed(body: bytes | str, status: int = 200) -> list[Record]:
    """Convert an arXiv API Atom feed (2016 or current format) to records.

    The error feed (an entry whose id is `.../api/errors#...`) raises BadResponse with
    arXiv's message; XML that does not parse raises TransientSourceError (a truncated
    body is worth a retry).
    """
    data = body.encode("utf-8") if isinstance(body, str) else body
    if status < 400 and data.strip() and not data.lstrip()[:100].lower().startswith((b"<?xml", b"<feed")):
        raise not_json_message("arXiv", data.decode("utf-8", "replace"), status, "Atom feed")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise TransientSourceError(f"arXiv sent malformed Atom XML ({exc})", "retry later") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise BadResponse("arXiv response is not an Atom feed")
    records = []
    for entry in root.findall("atom:entry", NS):
        eid = _text(entry, "atom:id")
        if "/api/errors" in eid:
            raise BadResponse(f"arXiv: {_text(entry, 'atom:summary') or 'error'}", "check the arXiv id")
        records.append(parse_entry(entry))
    if status >= 400:
        raise BadResponse(f"arXiv answered HTTP {status}")
    return records


# --------------------------------------------------------------------------- I/O


class CapturingSession:
    """A requests.Session with a default timeout that keeps the last response.

    With `user_agent`, every request carries it: arxiv 4.x passes its own
    `user-agent: arxiv.py/x.y.z` header per request (which overrides a session header),
    so the per-request headers are rewritten here, whatever their case.
    """

    def __new__(cls, timeout: float, user_agent: str = "") -> Any:
        import requests

        class _S(requests.Session):
            def __init__(self) -> None:
                super().__init__()
                self.timeout = timeout
                self.user_agent = user_agent
                self.last: Any = None
                self.responses: list[Any] = []
                if user_agent:
                    self.headers["User-Agent"] = user_agent

            def request(self, method: str, url: str, *args: Any, **kw: Any) -> Any:  # type: ignore[override]
                kw.setdefault("timeout", self.timeout)
                if self.user_agent:
                    hdrs = {
                        k: v for k, v in dict(kw.get("headers") or {}).items() if k.lower() != "user-agent"
                    }
                    hdrs["User-Agent"] = self.user_agent
                    kw["headers"] = hdrs
                self.last = None
                resp = super().request(method, url, *args, **kw)
                self.last = resp
                self.responses.append(resp)
                return resp

        return _S()


def make_client(base_url: str, timeout: float, user_agent: str = "") -> Any:
    """Return an arxiv.Client aimed at `base_url` (…/api/query), without its own delay/retries."""
    import arxiv

    client = arxiv.Client(page_size=100, delay_seconds=0.0, num_retries=0)
    client.query_url_format = base_url.split("?")[0] + "?{}"
    session = CapturingSession(timeout, user_agent)
    client._session = session
    return client


def classify_error(exc: BaseException, resp: Any = None) -> SourceError:
    """Map arxiv/requests exceptions (and the captured response) to our error types."""
    if isinstance(exc, SourceError):
        return exc
    status = getattr(exc, "status", None)
    if resp is not None and status is None:
        status = getattr(resp, "status_code", None)
    retry_after = parse_retry_after(resp.headers.get("Retry-After")) if resp is not None else None
    name = type(exc).__name__
    if status == 429:
        return RateLimited(
            "arXiv asked us to slow down (HTTP 429)", "wait and rerun", retry_after=retry_after
        )
    if isinstance(status, int) and status >= 500:
        return TransientSourceError(f"arXiv server error {status}", "retry later", retry_after=retry_after)
    if isinstance(status, int) and status == 404:
        return SourceNotFound("arXiv has no such record")
    if isinstance(status, int) and status >= 400:
        if resp is not None:
            try:
                parse_feed(resp.content, status)
            except SourceError as inner:
                return inner
        return BadResponse(f"arXiv rejected the request (HTTP {status})", "check the arXiv ids")
    if "Timeout" in name:
        return TransientSourceError("arXiv did not answer in time", "retry later or raise enrich.timeout")
    return TransientSourceError(f"arXiv request failed: {name}: {exc}", "check the network and retry")


def fetch_ids(client: Any, ids: Sequence[str]) -> list[Record]:
    """One request for up to 100 arXiv ids: id_list=A,B,... with max_results=len(ids)."""
    import arxiv

    ids = list(ids)
    client.page_size = max(1, len(ids))
    return _run(client, arxiv.Search(id_list=ids, max_results=len(ids)))


# arXiv's search_query is a Lucene-like language: quotes, parentheses, colons, hyphens
# (ANDNOT), backslashes and upper-case AND/OR/ANDNOT mean something. A title phrase keeps
# only lower-case ASCII letters and digits (after matching.normalize_title has folded case,
# accents, LaTeX and punctuation); arXiv's title index ignores the rest anyway.
_UNSAFE = re.compile(r"[^a-z0-9 ]+")
TITLE_QUERY_MAX = 1200  # characters of search_query per request (the URL stays well under 2 kB)
TITLES_PER_REQUEST = 10
RESULTS_PER_TITLE = 5


def title_phrase(title: str) -> str:
    """The title as a safe arXiv phrase: 'Virchow: A Million-Slide…' -> 'virchow a million slide …'."""
    from ..matching import normalize_title

    return _WS.sub(" ", _UNSAFE.sub(" ", normalize_title(title).lower())).strip()


def title_query(phrases: Sequence[str]) -> str:
    """`ti:"a b c" OR ti:"d e f"` for already-safe phrases (see `title_phrase`)."""
    return " OR ".join(f'ti:"{p}"' for p in phrases if p)


def title_chunks(
    phrases: Sequence[str], size: int = TITLES_PER_REQUEST, limit: int = TITLE_QUERY_MAX
) -> list[list[str]]:
    """Group phrases so each request has at most `size` titles and `limit` query characters."""
    out: list[list[str]] = []
    cur: list[str] = []
    for p in phrases:
        if cur and (len(cur) >= size or len(title_query([*cur, p])) > limit):
            out.append(cur)
            cur = []
        cur.append(p)
    if cur:
        out.append(cur)
    return out


def fetch_titles(client: Any, phrases: Sequence[str], per_title: int = RESULTS_PER_TITLE) -> list[Record]:
    """One request for several title phrases: search_query=ti:"…" OR ti:"…", max_results set."""
    import arxiv

    n = max(1, per_title * len(phrases))
    client.page_size = n
    return _run(client, arxiv.Search(query=title_query(phrases), max_results=n))


def _run(client: Any, search: Any) -> list[Record]:
    session = client._session
    session.responses.clear()
    try:
        list(client.results(search))
    except Exception as exc:  # arxiv.HTTPError, requests' ConnectionError/Timeout, ...
        raise classify_error(exc, getattr(session, "last", None)) from exc
    if not session.responses:
        raise TransientSourceError("arXiv sent no response")
    # the package may page when a (broken) first page held fewer entries than announced:
    # every page is parsed strictly, so a truncated one fails the whole call
    out: dict[str, Record] = {}
    for resp in session.responses:
        for r in parse_feed(resp.content, resp.status_code):
            out.setdefault(r.arxiv, r)
    return list(out.values())
