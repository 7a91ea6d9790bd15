"""A local Crossref REST + arXiv API server for tests and benchmarks (127.0.0.1 only).

It serves work items (Crossref JSON, as recorded) and arXiv entries (rendered into the
2026 Atom feed shape) from memory, answers the routes habanero and arxiv.py call
(`/works?filter=doi:..`, `/works?filter=alternative-id:..`, `/works?query.bibliographic=..`,
`/works/{doi}`, `/api/query?id_list=..`, `/api/query?search_query=ti:".." OR ti:".."`), records every request with its arrival time and headers,
and injects faults per route: HTTP status (429 with/without Retry-After, 500, 503), a
slow answer past the client's timeout, a truncated JSON body, malformed Atom XML and a
connection reset. Optional per-request latency and a server-side minimum spacing
(answering 429 when a client comes too early) make it usable for benchmarks.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

_TOKEN = re.compile(r"[0-9a-z]+")


def tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


@dataclass
class Fault:
    kind: str  # "status" | "slow" | "truncated" | "malformed" | "reset" | "body"
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: bytes = b""  # kind "body": this body (e.g. an HTML page) with `status` (default 200)
    ctype: str = "text/html; charset=utf-8"


@dataclass
class Hit:
    t: float  # time.monotonic() at arrival
    route: str  # "crossref" | "arxiv"
    path: str
    kind: str  # "doi-list" | "alt-id" | "search" | "work" | "arxiv-ids" | "other"
    fault: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # request headers, names lower-cased


class FakeServer:
    """Start with `with FakeServer(works, arxiv) as srv:`; `srv.crossref_url`, `srv.arxiv_url`."""

    def __init__(
        self,
        works: list[dict[str, Any]] | None = None,
        arxiv: list[dict[str, Any]] | None = None,
        *,
        latency: float = 0.0,
        min_spacing: dict[str, float] | None = None,
    ) -> None:
        self.works: dict[str, dict[str, Any]] = {}
        for w in works or []:
            self.works[w["DOI"].lower()] = w
        self.arxiv: dict[str, dict[str, Any]] = {a["id"]: a for a in arxiv or []}
        self.faults: dict[str, deque[Fault]] = {"crossref": deque(), "arxiv": deque()}
        self.hits: list[Hit] = []
        self.latency = latency
        self.min_spacing = min_spacing or {}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ control
    def inject(self, route: str, *faults: Fault) -> None:
        self.faults[route].extend(faults)

    def requests(self, route: str | None = None, kind: str | None = None) -> list[Hit]:
        return [
            h for h in self.hits if (route is None or h.route == route) and (kind is None or h.kind == kind)
        ]

    def reset_log(self) -> None:
        self.hits.clear()

    def __enter__(self) -> FakeServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # one answer = headers + body; no 40 ms delayed-ACK stall

            def log_message(self, *a: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802
                server._handle(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # a short poll: `shutdown()` waits for the loop's next poll (0.5 s by default, in every test)
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def base(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def crossref_url(self) -> str:
        return self.base

    @property
    def arxiv_url(self) -> str:
        return self.base + "/api/query"

    # ------------------------------------------------------------------ serving
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        now = time.monotonic()
        url = urlsplit(h.path)
        q = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        route = "arxiv" if url.path.startswith("/api/query") else "crossref"
        kind = self._kind(url.path, q)
        with self._lock:
            fault = self.faults[route].popleft() if self.faults[route] else None
            too_soon = (
                route in self.min_spacing
                and route in self._last
                and now - self._last[route] < self.min_spacing[route]
            )
            self._last[route] = now
            self.hits.append(
                Hit(
                    now,
                    route,
                    h.path,
                    kind,
                    fault.kind if fault else "",
                    {k.lower(): v for k, v in h.headers.items()},
                )
            )
        if self.latency:
            time.sleep(self.latency)
        if too_soon and fault is None:
            fault = Fault("status", 429, {"Retry-After": "1"})
        if fault is not None:
            if fault.kind == "reset":
                h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                h.connection.close()
                h.close_connection = True
                return
            if fault.kind == "body":
                return self._send(h, fault.status or 200, fault.ctype, fault.body, fault.headers)
            if fault.kind == "slow":
                time.sleep(fault.delay)
            if fault.kind == "status":
                body = (
                    json.dumps({"status": "error", "message": f"injected {fault.status}"}).encode()
                    if fault.status != 429 or route == "crossref"
                    else b"Rate exceeded."
                )
                return self._send(
                    h,
                    fault.status,
                    "application/json" if body.startswith(b"{") else "text/plain",
                    body,
                    fault.headers,
                )
        status, ctype, body = self._crossref(url.path, q) if route == "crossref" else self._arxiv(q)
        if fault is not None and fault.kind == "truncated":
            body = body[: max(1, len(body) // 2)]
        if fault is not None and fault.kind == "malformed":
            body = b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><id>http://arxiv.org/abs/"
        self._send(h, status, ctype, body)

    def _send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        ctype: str,
        body: bytes,
        headers: dict[str, str] | None = None,
    ) -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass

    @staticmethod
    def _kind(path: str, q: dict[str, str]) -> str:
        if path.startswith("/api/query"):
            return "arxiv-ids" if q.get("id_list") else "arxiv-search"
        if path.rstrip("/") == "/works":
            f = q.get("filter", "")
            if "doi:" in f:
                return "doi-list"
            if "alternative-id:" in f:
                return "alt-id"
            return "search"
        return "work" if path.startswith("/works/") else "other"

    # ------------------------------------------------------------------ Crossref
    def _tokens(self, w: dict[str, Any]) -> set[str]:
        key = w["DOI"]
        cache = self.__dict__.setdefault("_tok", {})
        if key not in cache:
            cache[key] = tokens(" ".join(w.get("title", [""])))
        return cache[key]  # type: ignore[no-any-return]

    def _crossref(self, path: str, q: dict[str, str]) -> tuple[int, str, bytes]:
        if path.startswith("/works/"):
            doi = unquote(path[len("/works/") :]).lower()
            w = self.works.get(doi)
            if w is None:
                return 404, "text/plain", b"Resource not found."
            return (
                200,
                "application/json",
                json.dumps(
                    {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": w}
                ).encode(),
            )
        if path.rstrip("/") != "/works":
            return 404, "text/plain", b"Resource not found."
        filters: dict[str, list[str]] = {}
        for part in q.get("filter", "").split(","):
            if ":" in part:
                k, v = part.split(":", 1)
                filters.setdefault(k, []).append(v)
        rows = int(q.get("rows", "20") or 20)
        if rows > 1000:
            body = {
                "status": "failed",
                "message-type": "validation-failure",
                "message": [
                    {"type": "integer-not-valid", "value": str(rows), "message": "rows must be <= 1000"}
                ],
            }
            return 400, "application/json;charset=utf-8", json.dumps(body).encode()
        items = list(self.works.values())
        if "doi" in filters:
            want = {d.lower() for d in filters["doi"]}
            items = [w for w in items if w["DOI"].lower() in want]
        if "alternative-id" in filters:
            want = {a.upper() for a in filters["alternative-id"]}
            items = [w for w in items if want & {str(a).upper() for a in w.get("alternative-id", [])}]
        for key, cmp in (("from-pub-date", lambda y, v: y >= v), ("until-pub-date", lambda y, v: y <= v)):
            if key in filters:
                v = int(filters[key][0][:4])
                items = [w for w in items if cmp(_year(w), v)]
        terms = q.get("query.bibliographic") or q.get("query") or ""
        if terms:
            qt = tokens(terms)
            scored = []
            for w in items:
                tt = self._tokens(w)
                if not tt:
                    continue
                s = len(tt & qt) / len(tt)
                if s >= 0.5:
                    scored.append((s, w))
            scored.sort(key=lambda x: -x[0])
            items = [dict(w, score=round(40 * s, 3)) for s, w in scored]
        total = len(items)
        items = items[:rows]
        msg = {
            "facets": {},
            "total-results": total,
            "items": items,
            "items-per-page": rows,
            "query": {"start-index": 0, "search-terms": terms or None},
        }
        return (
            200,
            "application/json",
            json.dumps(
                {"status": "ok", "message-type": "work-list", "message-version": "1.0.0", "message": msg}
            ).encode(),
        )

    # ------------------------------------------------------------------ arXiv
    def _arxiv(self, q: dict[str, str]) -> tuple[int, str, bytes]:
        if q.get("search_query") and not q.get("id_list"):
            return self._arxiv_search(q)
        ids = [i for i in q.get("id_list", "").split(",") if i]
        for i in ids:
            if not re.fullmatch(r"(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?", i):
                return 400, "application/atom+xml", _error_feed(i)
        found = [self.arxiv[re.sub(r"v\d+$", "", i)] for i in ids if re.sub(r"v\d+$", "", i) in self.arxiv]
        start, maxr = int(q.get("start", "0") or 0), int(q.get("max_results", "10") or 10)
        page = found[start : start + maxr]
        return 200, "application/atom+xml", render_feed(q, page, len(found))

    def _arxiv_search(self, q: dict[str, str]) -> tuple[int, str, bytes]:
        """search_query=ti:"a b" OR ti:"c d" (the only form pathbib sends): entries whose title
        holds every word of one of the phrases, in fixture order; max_results respected.
        Anything else in the query is answered with arXiv's error feed."""
        query = q["search_query"]
        phrases = re.findall(r'ti:"([^"]*)"', query)
        rest = re.sub(r'ti:"[^"]*"', "", query).replace("OR", "").strip()
        if not phrases or rest:
            return 400, "application/atom+xml", _error_feed(query)
        wanted = [tokens(p) for p in phrases if tokens(p)]
        found = [a for a in self.arxiv.values() if any(w <= tokens(a["title"]) for w in wanted)]
        start, maxr = int(q.get("start", "0") or 0), int(q.get("max_results", "10") or 10)
        return 200, "application/atom+xml", render_feed(q, found[start : start + maxr], len(found))


def _year(w: dict[str, Any]) -> int:
    for key in ("issued", "published", "published-print", "published-online"):
        parts = (w.get(key) or {}).get("date-parts")
        if parts and parts[0] and parts[0][0]:
            return int(parts[0][0])
    return 0


def _error_feed(bad: str) -> bytes:
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/</id>
  <title>arXiv Search Results</title>
  <updated>2026-04-12T22:59:06Z</updated>
  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>
  <opensearch:totalResults>1</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <entry>
    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{escape(bad)}</id>
    <title>Error</title>
    <updated>2026-04-12T22:59:06Z</updated>
    <link href="https://arxiv.org/api/errors#incorrect_id_format_for_{escape(bad)}" rel="alternate" type="text/html"/>
    <summary>incorrect id format for {escape(bad)}</summary>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>""".encode()


def render_entry(a: dict[str, Any]) -> str:
    """One arXiv entry in the 2026 feed shape."""
    v = a.get("version", "v1")
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{a['id']}{v}</id>",
        f"    <title>{escape(a['title'])}</title>",
        f"    <updated>{a.get('updated', a['published'])}</updated>",
        f'    <link href="https://arxiv.org/abs/{a["id"]}{v}" rel="alternate" type="text/html"/>',
        f'    <link href="https://arxiv.org/pdf/{a["id"]}{v}" rel="related" type="application/pdf" title="pdf"/>',
        f"    <summary>{escape(a.get('summary', ''))}</summary>",
    ]
    if a.get("doi"):
        lines.append(f'    <link href="https://doi.org/{escape(a["doi"])}" rel="related" title="doi"/>')
    cat = a.get("primary_category", "")
    if cat:
        lines.append(f'    <category term="{cat}" scheme="http://arxiv.org/schemas/atom"/>')
    lines.append(f"    <published>{a['published']}</published>")
    if a.get("journal_ref"):
        lines.append(f"    <arxiv:journal_ref>{escape(a['journal_ref'])}</arxiv:journal_ref>")
    if a.get("doi"):
        lines.append(f"    <arxiv:doi>{escape(a['doi'])}</arxiv:doi>")
    if cat:
        lines.append(f'    <arxiv:primary_category term="{cat}"/>')
    for name in a.get("authors", []):
        lines += ["    <author>", f"      <name>{escape(name)}</name>", "    </author>"]
    lines.append("  </entry>")
    return "\n".join(lines)


def render_feed(q: dict[str, str], entries: list[dict[str, Any]], total: int) -> bytes:
    head = f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/fake</id>
  <title>arXiv Query: search_query={escape(q.get("search_query", ""))}&amp;id_list={escape(q.get("id_list", ""))}&amp;start={q.get("start", "0")}&amp;max_results={q.get("max_results", "10")}</title>
  <updated>2026-04-12T22:10:26Z</updated>
  <opensearch:itemsPerPage>{q.get("max_results", "10")}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{q.get("start", "0")}</opensearch:startIndex>
"""
    return (head + "\n".join(render_entry(e) for e in entries) + "\n</feed>").encode("utf-8")
