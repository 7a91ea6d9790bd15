"""Crossref through habanero: fetch functions (I/O) and the converter to `Record` (pure).

Type and field mappings are tables. Fetch functions raise `SourceError` subclasses only:
habanero's mixed exceptions (its RequestError, RuntimeError wrapping httpx errors, bare
httpx errors, JSON errors on truncated bodies) are classified by `classify_error`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from ..errors import RateLimited, SourceError, SourceNotFound
from .crossref_types import TYPE_MAP
from .http import BadResponse, TransientSourceError, parse_retry_after
from .local import parse_csl_item
from .record import Record

SOURCE = "crossref"


# Crossref `update-to[].type` of a notice -> kind
UPDATE_KINDS: dict[str, str] = {
    "correction": "correction",
    "corrigendum": "correction",
    "addendum": "correction",
    "clarification": "correction",
    "erratum": "erratum",
    "retraction": "retraction",
    "removal": "retraction",
    "withdrawal": "retraction",
    "expression_of_concern": "retraction",
    "expression-of-concern": "retraction",
    "partial_retraction": "retraction",
}

# Title prefixes of notices that are sometimes deposited without `update-to`.
NOTICE_TITLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s*(author|publisher)?\s*correction\b", re.I), "correction"),
    (re.compile(r"^\s*corrigendum\b", re.I), "correction"),
    (re.compile(r"^\s*correction\s+to\b", re.I), "correction"),
    (re.compile(r"^\s*errat(um|a)\b", re.I), "erratum"),
    (re.compile(r"^\s*retract(ion|ed)\b", re.I), "retraction"),
    (re.compile(r"^\s*expression of concern\b", re.I), "retraction"),
    (re.compile(r"^\s*(review of|reviewer report|decision letter|author response)\b", re.I), "peer-review"),
)

# Record field <- first non-empty Crossref key (lists take their first element)
FIELD_MAP: dict[str, tuple[str, ...]] = {
    "container": ("container-title", "short-container-title"),
    "volume": ("volume",),
    "issue": ("issue", "journal-issue.issue"),
    "publisher": ("publisher",),
    "issn": ("ISSN",),
    "url": ("resource.primary.URL", "URL"),
}

DATE_KEYS = ("published-print", "published-online", "issued", "published", "posted", "created")

# Crossref relation names we keep (preprint <-> published, versions)
RELATIONS = ("is-preprint-of", "has-preprint", "is-version-of", "has-version", "is-same-as")

_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Strip JATS/HTML markup and entities, collapse whitespace."""
    return _WS.sub(" ", html.unescape(_TAG.sub("", text))).strip()


def _get(d: dict[str, Any], dotted: str) -> Any:
    cur: Any = d
    for part in dotted.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return clean_text(value) if isinstance(value, str) else ("" if value is None else str(value))


def _date(item: dict[str, Any], keys: Sequence[str] = DATE_KEYS) -> tuple[str, str]:
    # `issued` is Crossref's earliest known publication date; prefer it for the year
    for key in ("issued", *keys):
        parts = _get(item, key + ".date-parts") if isinstance(item.get(key), dict) else None
        if parts and isinstance(parts, list) and parts[0] and parts[0][0] is not None:
            p = [int(x) for x in parts[0] if x is not None]
            date = "-".join([f"{p[0]:04d}", *[f"{x:02d}" for x in p[1:3]]])
            return str(p[0]), date
    return "", ""


def format_author(family: str, given: str) -> str:
    """Format a Crossref author as BibTeX "Family, Given" (or whichever part exists)."""
    family, given = clean_text(family), clean_text(given)
    if family and given:
        return f"{family}, {given}"
    return family or given


def _authors(item: dict[str, Any]) -> tuple[str, ...]:
    out = []
    for a in item.get("author") or ():
        if not isinstance(a, dict):
            continue
        if a.get("family"):
            out.append(format_author(a["family"], a.get("given", "")))
        elif a.get("name"):
            out.append("{" + clean_text(a["name"]) + "}")  # an organisation: a BibTeX literal
    return tuple(out)


def _pages(item: dict[str, Any]) -> str:
    page = _first(item.get("page"))
    if page:
        return re.sub(r"\s*[-\u2013\u2014]+\s*", "--", page)
    return _first(item.get("article-number"))


def _kinds(item: dict[str, Any], ctype: str, title: str) -> frozenset[str]:
    kinds = set(TYPE_MAP.get(ctype, ("misc", frozenset()))[1])
    if item.get("subtype") == "preprint":
        kinds.add("preprint")
    for upd in item.get("update-to") or ():
        if isinstance(upd, dict):
            kinds.add(UPDATE_KINDS.get(str(upd.get("type", "")).lower(), "correction"))
    for pat, kind in NOTICE_TITLES:
        if pat.search(title):
            kinds.add(kind)
    return frozenset(kinds)


def _relations(item: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
    rel = item.get("relation")
    out: list[tuple[str, str, str]] = []
    if isinstance(rel, dict):
        for name in RELATIONS:
            for r in rel.get(name) or ():
                if isinstance(r, dict) and r.get("id"):
                    idt = str(r.get("id-type", "")).lower()
                    rid = str(r["id"]).strip()
                    out.append((name, idt, rid.lower() if idt == "doi" else rid))
    return tuple(out)


def parse_work(item: dict[str, Any]) -> Record:
    """Convert one Crossref work (the `message` of /works/DOI, an item of a list) to a Record."""
    if not isinstance(item, dict) or not item.get("DOI"):
        raise BadResponse("Crossref returned a work without a DOI", "the response is not a Crossref work")
    doi = str(item["DOI"]).strip().lower()
    title = _first(item.get("title"))
    subtitle = _first(item.get("subtitle"))
    alt = tuple(t for t in (_first(item.get("short-title")), _first(item.get("original-title"))) if t)
    if subtitle and title and not title.endswith(subtitle):
        alt = (title, *alt)
        title = f"{title}: {subtitle}"
    ctype = str(item.get("type", ""))
    btype = TYPE_MAP.get(ctype, ("misc", frozenset()))[0]
    year, date = _date(item)
    fields = {name: "" for name in FIELD_MAP}
    for name, keys in FIELD_MAP.items():
        for key in keys:
            v = _first(_get(item, key))
            if v:
                fields[name] = v
                break
    pii = next(
        (str(a) for a in item.get("alternative-id") or () if re.fullmatch(r"S?\d{4}-?\d{3}[\dX]\(?\d{2}\)?\d{5}-?[\dX]|S[\dX]{16}", str(a))),
        "",
    )
    return Record(
        source=SOURCE,
        id=doi,
        title=title,
        alt_titles=alt,
        authors=_authors(item),
        type=btype,
        source_type=ctype,
        year=year,
        date=date,
        pages=_pages(item),
        doi=doi,
        pii=pii,
        relations=_relations(item),
        kinds=_kinds(item, ctype, title),
        container=fields["container"],
        volume=fields["volume"],
        issue=fields["issue"],
        publisher=fields["publisher"],
        issn=fields["issn"],
        url=fields["url"],
    )


def parse_response(body: bytes | str | dict[str, Any], status: int = 200) -> list[Record]:
    """Convert a Crossref REST response body to records; error bodies raise SourceError subclasses.

    Handles `work` and `work-list` messages, the JSON error shapes (`validation-failure`,
    `resource-failure`) and the plain-text 404 body ("Resource not found.").
    """
    data: Any = body
    if isinstance(body, (bytes, str)):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        try:
            data = json.loads(text)
        except ValueError:
            if status == 404 or text.strip().lower().startswith("resource not found"):
                raise SourceNotFound("Crossref has no such work", "check the DOI") from None
            if status >= 500:
                raise TransientSourceError(f"Crossref server error {status}") from None
            if not text.lstrip().startswith(("{", "[")):
                raise BadResponse("Crossref answered with something other than JSON", "this is not a REST API response") from None
            raise TransientSourceError(
                "Crossref sent a body that is not valid JSON (truncated?)", "retry later"
            ) from None
    if not isinstance(data, dict):
        raise BadResponse("Crossref response is not a JSON object", "this is not a Crossref REST response")
    mtype = data.get("message-type")
    if data.get("status") == "failed" or mtype in ("validation-failure", "resource-failure"):
        msgs = data.get("message")
        detail = "; ".join(
            str(m.get("message", m)) for m in (msgs if isinstance(msgs, list) else [msgs]) if m
        )
        if status == 404 or mtype == "resource-failure":
            raise SourceNotFound(f"Crossref: {detail}", "check the identifier")
        raise BadResponse(f"Crossref rejected the request: {detail}", "report this as a pathbib bug")
    msg = data.get("message")
    if mtype == "work" and isinstance(msg, dict):
        return [parse_work(msg)]
    if mtype == "work-list":
        items = msg.get("items", []) if isinstance(msg, dict) else []
        return [parse_work(i) for i in items if isinstance(i, dict) and i.get("DOI")]
    if "DOI" in data and "type" in data and mtype is None:  # content-negotiated CSL-JSON
        return [parse_csl_item(data, source=SOURCE)]
    raise BadResponse(f"unsupported Crossref message-type {mtype!r}", "pathbib reads work and work-list messages")


# --------------------------------------------------------------------------- I/O


def classify_error(exc: BaseException) -> SourceError:
    """Map an exception raised inside habanero/httpx to our error types."""
    if isinstance(exc, SourceError):
        return exc
    status: int | None = None
    retry_after: float | None = None
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in chain:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    names = {type(e).__name__ for e in chain}
    for e in chain:
        resp = getattr(e, "response", None)
        if resp is not None and getattr(resp, "status_code", None):
            status = int(resp.status_code)
            retry_after = parse_retry_after(resp.headers.get("Retry-After"))
            break
        sc = getattr(e, "status_code", None)
        if isinstance(sc, int):
            status = sc
    text = str(exc)
    if status == 404:
        return SourceNotFound("Crossref has no such work", "check the DOI")
    if status == 429:
        return RateLimited("Crossref asked us to slow down (HTTP 429)", "wait and rerun", retry_after=retry_after)
    if status is not None and status >= 500:
        return TransientSourceError(f"Crossref server error {status}", "retry later", retry_after=retry_after)
    if status is not None and status >= 400:
        return BadResponse(f"Crossref rejected the request (HTTP {status}): {text}", "report this as a pathbib bug")
    if names & {"ReadTimeout", "ConnectTimeout", "TimeoutException", "WriteTimeout", "PoolTimeout", "Timeout"}:
        return TransientSourceError("Crossref did not answer in time", "retry later or raise enrich.timeout")
    if names & {"JSONDecodeError"} or isinstance(exc, ValueError):
        return TransientSourceError("Crossref sent a truncated or invalid JSON body", "retry later")
    if names & {"ConnectError", "ReadError", "RemoteProtocolError", "NetworkError", "TransportError",
                "ConnectionResetError", "ConnectionError", "ProtocolError", "IncompleteRead"}:
        return TransientSourceError(f"connection to Crossref failed: {text}", "check the network and retry")
    return TransientSourceError(f"Crossref request failed: {type(exc).__name__}: {text}", "retry later")


def make_client(base_url: str, mailto: str | None, timeout: float) -> Any:
    """Return a habanero Crossref client (polite pool when `mailto` is given)."""
    from habanero import Crossref

    return Crossref(base_url=base_url.rstrip("/"), mailto=mailto or None, timeout=timeout, ua_string="pathbib")


def _run(fn: Callable[[], Any]) -> list[Record]:
    try:
        raw = fn()
    except Exception as exc:  # habanero raises RequestError, RuntimeError, httpx errors, ValueError...
        raise classify_error(exc) from exc
    if isinstance(raw, list):  # cursor paging (never requested) would give a list of pages
        return [r for page in raw for r in parse_response(page)]
    return parse_response(raw)


def fetch_dois(cr: Any, dois: Sequence[str]) -> list[Record]:
    """One request for up to 20 DOIs: /works?filter=doi:A,doi:B&rows=N."""
    plain = [d for d in dois if "," not in d]
    odd = [d for d in dois if "," in d]
    out: list[Record] = []
    if plain:
        out += _run(lambda: cr.works(filter={"doi": list(plain)}, limit=len(plain)))
    for d in odd:  # a comma would split the filter: ask for the work itself, URL-encoded
        try:
            out += _run(lambda d=d: cr.works(ids=quote(d, safe="/")))  # type: ignore[misc]
        except SourceNotFound:
            pass
    return out


def fetch_alternative_ids(cr: Any, ids: Sequence[str]) -> list[Record]:
    """One request for up to 20 publisher ids (e.g. Elsevier PII): filter=alternative-id:..."""
    return _run(lambda: cr.works(filter={"alternative_id": list(ids)}, limit=max(len(ids) * 2, 2)))


def fetch_search(
    cr: Any, title: str, author: str = "", year: str = "", *, rows: int = 5, window: tuple[int, int] = (-1, 1)
) -> list[Record]:
    """query.bibliographic search (title + first author + year), a few rows, optional year window."""
    q = " ".join(x for x in (title, author, year) if x)
    kw: dict[str, Any] = {"query_bibliographic": q, "limit": rows}
    if year.isdigit() and window:
        y = int(year)
        kw["filter"] = {"from_pub_date": str(y + window[0]), "until_pub_date": str(y + window[1])}
    return _run(lambda: cr.works(**kw))
