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
from ..names import EMPTY_FIRST
from ..record import Record
from .crossref_types import TYPE_MAP
from .http import BadResponse, TransientSourceError, not_json_message, parse_retry_after
from .local import parse_csl_item
from .markup import has_markup, jats_to_latex

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
    "volume": ("volume",),
    "issue": ("issue", "journal-issue.issue"),
    "publisher": ("publisher",),
    "url": ("resource.primary.URL",),  # the landing page; `URL` is the DOI resolver's
}
_ASCII_DIGITS = re.compile(r"[0-9]+")
_RESOLVER = re.compile(r"^https?://(dx\.)?doi\.org/", re.I)

# Publication dates, in the order they are preferred. A record that gives a volume, issue or
# pages is cited by its print issue: the print date belongs with them (an article online in
# 2020 in issue 74(5) of May 2021 is 2021). Without them, `issued` (Crossref's earliest
# publication date) is the date. `created`, `deposited` and `indexed` are registration,
# deposit and index timestamps, never publication dates: they are not read at all.
PRINT_FIRST = (
    "published-print",
    "journal-issue.published-print",
    "issued",
    "published",
    "published-online",
    "journal-issue.published-online",
    "posted",
)
EARLIEST_FIRST = (
    "issued",
    "published",
    "published-print",
    "published-online",
    "posted",
    "journal-issue.published-print",
    "journal-issue.published-online",
)
ONLINE_KEYS = ("published-online", "journal-issue.published-online", "posted")

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


def _iso(item: dict[str, Any], key: str) -> str:
    """The ISO date (yyyy, yyyy-mm or yyyy-mm-dd) of Crossref date object `key`, or ""."""
    obj = _get(item, key)
    parts = obj.get("date-parts") if isinstance(obj, dict) else None
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]):
        return ""
    p: list[int] = []
    for x in parts[0][:3]:
        if (
            isinstance(x, bool)
            or not isinstance(x, (int, str))
            or not _ASCII_DIGITS.fullmatch(str(x).strip())
        ):
            break  # `²` and `٣` are digits to str.isdigit, not years
        p.append(int(x))
    if not p or not 1000 <= p[0] <= 2999:
        return ""
    return "-".join([f"{p[0]:04d}", *[f"{x:02d}" for x in p[1:3]]])


def dates_of(item: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Every publication date the work gives, as (key, ISO date); never created/deposited/indexed."""
    return tuple((k, d) for k in PRINT_FIRST if (d := _iso(item, k)))


def _date(item: dict[str, Any], print_first: bool) -> tuple[str, str]:
    """(year, date) of the version a citation of this record means (see PRINT_FIRST)."""
    known = dict(dates_of(item))
    for key in PRINT_FIRST if print_first else EARLIEST_FIRST:
        if key in known:
            return known[key][:4], known[key]
    return "", ""


def format_author(family: str, given: str, suffix: str = "") -> str:
    """Format a Crossref person as BibTeX "von Last, Jr, First" (or whichever parts exist)."""
    family, given, suffix = clean_text(family), clean_text(given), clean_text(suffix)
    if "," in family:  # a comma inside the family name would split it: protect it
        family = "{" + family + "}"
    if suffix and given:
        return f"{family}, {suffix}, {given}"
    if suffix:  # no given name: `{}` keeps the third part (a trailing comma is dropped by BibTeX)
        return f"{family}, {suffix}, {EMPTY_FIRST}"
    if family and given:
        return f"{family}, {given}"
    return family or given


def _people(item: dict[str, Any], role: str) -> tuple[str, ...]:
    out = []
    for a in item.get(role) or ():
        if not isinstance(a, dict):
            continue
        family = a.get("family")
        if isinstance(family, str) and family.strip():
            given, suffix = a.get("given"), a.get("suffix")
            out.append(
                format_author(
                    family, given if isinstance(given, str) else "", suffix if isinstance(suffix, str) else ""
                )
            )
        elif isinstance(a.get("name"), str) and a["name"].strip():
            out.append("{" + clean_text(a["name"]) + "}")  # an organisation: a BibTeX literal
    return tuple(out)


def _authors(item: dict[str, Any]) -> tuple[str, ...]:
    return _people(item, "author")


def join_subtitle(title: str, subtitle: str) -> str:
    """ "Title: Subtitle", but no colon after a title that ends in "?", "!", ":" or "." already."""
    if not subtitle:
        return title
    if title.rstrip().endswith(("?", "!", ":", ".", ";", "\u2014", "-")):
        return f"{title.rstrip()} {subtitle}"
    return f"{title}: {subtitle}"


def _raw_first(value: Any) -> str:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return value if isinstance(value, str) else ""


def _isbn(item: dict[str, Any]) -> str:
    """The print ISBN when typed, else the first."""
    typed = [
        t for t in item.get("isbn-type") or () if isinstance(t, dict) and isinstance(t.get("value"), str)
    ]
    for t in typed:
        if t.get("type") == "print":
            return str(t["value"])
    return _first(item.get("ISBN"))


def _issn(item: dict[str, Any]) -> str:
    """The print ISSN when typed, else the first."""
    for t in item.get("issn-type") or ():
        if isinstance(t, dict) and t.get("type") == "print" and isinstance(t.get("value"), str):
            return str(t["value"])
    return _first(item.get("ISSN"))


def _container(item: dict[str, Any], ctype: str) -> str:
    """The journal/book/proceedings title; for posted content, the preprint server (`institution`)."""
    for key in ("container-title", "short-container-title"):
        v = _first(item.get(key))
        if v:
            return v
    if ctype == "posted-content":
        for inst in item.get("institution") or ():
            if isinstance(inst, dict) and isinstance(inst.get("name"), str) and inst["name"].strip():
                return clean_text(inst["name"])
    return ""


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
            got = rel.get(name) or ()
            for r in got if isinstance(got, list) else ():
                if isinstance(r, dict) and r.get("id"):
                    idt = str(r.get("id-type", "")).lower()
                    rid = str(r["id"]).strip()
                    out.append((name, idt, rid.lower() if idt == "doi" else rid))
    return tuple(out)


def _titles(item: dict[str, Any]) -> tuple[str, tuple[str, ...], str]:
    """(plain title with subtitle, alternative titles, LaTeX title when the source has markup)."""
    raw_title, raw_sub = _raw_first(item.get("title")), _raw_first(item.get("subtitle"))
    title, subtitle = clean_text(raw_title), clean_text(raw_sub)
    alt = tuple(t for t in (_first(item.get("short-title")), _first(item.get("original-title"))) if t)
    latex = ""
    if has_markup(raw_title) or has_markup(raw_sub):
        sub_latex = jats_to_latex(raw_sub) if subtitle and not title.endswith(subtitle) else ""
        latex = join_subtitle(jats_to_latex(raw_title), sub_latex)
    if subtitle and title and not title.endswith(subtitle):
        alt = (title, *alt)
        title = join_subtitle(title, subtitle)
    return title, alt, latex


def _parse_or_fail(item: dict[str, Any]) -> Record:
    """`parse_work`, with a record pathbib cannot read reported as a bad response (not a traceback)."""
    try:
        return parse_work(item)
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
        raise BadResponse(
            f"Crossref answered a work pathbib cannot read ({type(exc).__name__}: {exc})",
            "the entry is left as it is; report the DOI if this persists",
        ) from None


def parse_work(item: dict[str, Any]) -> Record:
    """Convert one Crossref work (the `message` of /works/DOI, an item of a list) to a Record."""
    if not isinstance(item, dict) or not item.get("DOI"):
        raise BadResponse("Crossref returned a work without a DOI", "the response is not a Crossref work")
    doi = str(item["DOI"]).strip().lower()
    title, alt, title_latex = _titles(item)
    ctype = str(item.get("type", ""))
    btype = TYPE_MAP.get(ctype, ("misc", frozenset()))[0]
    fields = {name: "" for name in FIELD_MAP}
    for name, keys in FIELD_MAP.items():
        for key in keys:
            v = _first(_get(item, key))
            if v:
                fields[name] = v
                break
    pages = _pages(item)
    year, date = _date(item, print_first=bool(fields["volume"] or fields["issue"] or pages))
    url = fields["url"] if not _RESOLVER.match(fields["url"]) else ""
    pii = next(
        (
            str(a)
            for a in item.get("alternative-id") or ()
            if re.fullmatch(r"S?\d{4}-?\d{3}[\dX]\(?\d{2}\)?\d{5}-?[\dX]|S[\dX]{16}", str(a))
        ),
        "",
    )
    return Record(
        source=SOURCE,
        id=doi,
        title=title,
        alt_titles=alt,
        authors=_authors(item),
        editors=_people(item, "editor")
        if btype in ("incollection", "book", "inproceedings", "proceedings")
        else (),
        type=btype,
        source_type=ctype,
        year=year,
        date=date,
        dates=dates_of(item),
        pages=pages,
        doi=doi,
        pii=pii,
        relations=_relations(item),
        kinds=_kinds(item, ctype, title),
        container=_container(item, ctype),
        volume=fields["volume"],
        issue=fields["issue"],
        publisher=fields["publisher"],
        issn=_issn(item),
        isbn=_isbn(item),
        url=url,
        title_latex=title_latex,
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
                raise not_json_message("Crossref", text, status) from None
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
        return [_parse_or_fail(msg)]
    if mtype == "work-list":
        items = msg.get("items", []) if isinstance(msg, dict) else []
        out = []
        for i in items if isinstance(items, list) else ():
            if isinstance(i, dict) and i.get("DOI"):
                try:
                    out.append(parse_work(i))
                except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
                    continue  # one unreadable work of a list is left out; the others are used
        return out
    if "DOI" in data and "type" in data and mtype is None:  # content-negotiated CSL-JSON
        return [parse_csl_item(data, source=SOURCE)]
    raise BadResponse(
        f"unsupported Crossref message-type {mtype!r}", "pathbib reads work and work-list messages"
    )


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
    doc: str | None = next(
        (
            d
            for e in chain
            if type(e).__name__ == "JSONDecodeError" and isinstance(d := getattr(e, "doc", None), str)
        ),
        None,
    )
    for e in chain:  # habanero's check_json: RequestError(200, <the whole body>) for a non-JSON content type
        err_text = getattr(e, "error", None)
        if (
            type(e).__name__ == "RequestError"
            and isinstance(err_text, str)
            and isinstance(status, int)
            and status < 400
        ):
            doc = err_text
    if doc is not None and (status is None or status < 400) and not doc.lstrip().startswith(("{", "[")):
        return not_json_message("Crossref", doc, status or 200)
    if status == 404:
        return SourceNotFound("Crossref has no such work", "check the DOI")
    if status == 429:
        return RateLimited(
            "Crossref asked us to slow down (HTTP 429)", "wait and rerun", retry_after=retry_after
        )
    if status is not None and status >= 500:
        return TransientSourceError(f"Crossref server error {status}", "retry later", retry_after=retry_after)
    if status is not None and status >= 400:
        return BadResponse(
            f"Crossref rejected the request (HTTP {status}): {text}", "report this as a pathbib bug"
        )
    if names & {
        "ReadTimeout",
        "ConnectTimeout",
        "TimeoutException",
        "WriteTimeout",
        "PoolTimeout",
        "Timeout",
    }:
        return TransientSourceError("Crossref did not answer in time", "retry later or raise enrich.timeout")
    if names & {"JSONDecodeError"} or isinstance(exc, ValueError):
        return TransientSourceError("Crossref sent a truncated or invalid JSON body", "retry later")
    if names & {
        "ConnectError",
        "ReadError",
        "RemoteProtocolError",
        "NetworkError",
        "TransportError",
        "ConnectionResetError",
        "ConnectionError",
        "ProtocolError",
        "IncompleteRead",
    }:
        return TransientSourceError(f"connection to Crossref failed: {text}", "check the network and retry")
    return TransientSourceError(f"Crossref request failed: {type(exc).__name__}: {text}", "retry later")


def make_client(base_url: str, mailto: str | None, timeout: float) -> Any:
    """Return a habanero Crossref client (polite pool when `mailto` is given)."""
    from habanero import Crossref

    return Crossref(
        base_url=base_url.rstrip("/"), mailto=mailto or None, timeout=timeout, ua_string="pathbib"
    )


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
