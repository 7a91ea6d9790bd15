"""The implementations of the lookup interface `enrich.plan` calls (`pathbib.record.Lookup`; I/O edge).

A lookup answers batched questions; each answer is a Record, None (not found), or a
SourceError (that id failed; the rest of the run goes on). A question a lookup cannot
answer gets an empty result. `NetworkLookup` batches
(20 DOIs or PIIs per Crossref request, up to 100 arXiv ids per arXiv request, 10 titles per
arXiv title search), goes
through the cache and one `Gate` per source. `FileLookup` answers from a local file.
`ChainLookup` asks several sources in order (the first answer wins).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING

from ..errors import SourceError, SourceNotFound
from ..record import Answer, Lookup, Record
from .cache import Cache
from .http import Gate
from .local import LocalIndex

if TYPE_CHECKING:
    from ..config import EnrichSettings
DOI_BATCH = 20
ARXIV_BATCH = 100
TITLE_CANDIDATE = 0.75  # an arXiv title-search result is a candidate for a title this close (scoring decides)


class OfflineMiss(SourceError):
    """--offline and the cache has no answer."""


def chunks(items: Sequence[str], n: int) -> list[list[str]]:
    """Split `items` into consecutive lists of at most `n`."""
    return [list(items[i : i + n]) for i in range(0, len(items), n)]


@dataclass
class FileLookup:
    """Answers from a local CSL-JSON/BibTeX file (pure once loaded)."""

    index: LocalIndex
    name: str = "file"

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.name,)

    def _one(self, table: dict[str, list[Record]], k: str) -> Answer:
        recs = table.get(k)
        if not recs:
            return None
        # a file may hold the same work twice (a duplicate list item): prefer the fuller record
        return max(
            recs, key=lambda r: sum(bool(getattr(r, f)) for f in ("authors", "container", "pages", "doi"))
        )

    def dois(self, dois: Sequence[str]) -> dict[str, Answer]:
        return {d: self._one(self.index.by_doi, d) for d in dois}

    def arxiv(self, ids: Sequence[str]) -> dict[str, Answer]:
        return {i: self._one(self.index.by_arxiv, i) for i in ids}

    def piis(self, piis: Sequence[str]) -> dict[str, Answer]:
        return {p: self._one(self.index.by_pii, p.upper()) for p in piis}

    def search(
        self, title: str, author: str, year: str, *, published: bool = False
    ) -> list[Record] | SourceError:
        return self.index.search(title)

    def list_titles(self, titles: Sequence[str]) -> dict[str, Answer]:
        return {t: self.index.by_list_title(t) for t in titles}

    def arxiv_titles(self, titles: Sequence[str]) -> dict[str, list[Record] | SourceError]:
        return {}  # a file has no arXiv title search (its records are found by `search`)


@dataclass
class ChainLookup:
    """Ask each lookup in turn for what the previous ones did not answer."""

    lookups: list[Lookup]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(s for lk in self.lookups for s in lk.sources)

    def _chain(self, method: str, keys: Sequence[str]) -> dict[str, Answer]:
        out: dict[str, Answer] = {}
        todo = list(keys)
        for lk in self.lookups:
            if not todo:
                break
            got = getattr(lk, method)(todo)  # method is one of the batched Lookup questions
            for k in todo:
                a = got.get(k)
                if isinstance(a, Record) or k not in out or (out[k] is None and a is not None):
                    out[k] = a
            todo = [k for k in todo if not isinstance(out.get(k), Record)]
        return out

    def dois(self, dois: Sequence[str]) -> dict[str, Answer]:
        return self._chain("dois", dois)

    def arxiv(self, ids: Sequence[str]) -> dict[str, Answer]:
        return self._chain("arxiv", ids)

    def piis(self, piis: Sequence[str]) -> dict[str, Answer]:
        return self._chain("piis", piis)

    def list_titles(self, titles: Sequence[str]) -> dict[str, Answer]:
        out: dict[str, Answer] = {}
        for lk in self.lookups:
            for k, v in lk.list_titles([t for t in titles if not isinstance(out.get(t), Record)]).items():
                if isinstance(v, Record):
                    out[k] = v
        return out

    def arxiv_titles(self, titles: Sequence[str]) -> dict[str, list[Record] | SourceError]:
        out: dict[str, list[Record] | SourceError] = {}
        for lk in self.lookups:
            out.update(lk.arxiv_titles(titles))
        return out

    def search(
        self, title: str, author: str, year: str, *, published: bool = False
    ) -> list[Record] | SourceError:
        err: SourceError | None = None
        out: list[Record] = []
        for lk in self.lookups:
            got = lk.search(title, author, year, published=published)
            if isinstance(got, SourceError):
                err = err or got
            else:
                out += got
        return out if out or err is None else err


@dataclass
class NetworkLookup:
    """Crossref and/or arXiv over the network, through the cache and the gates."""

    cache: Cache
    crossref: object | None = None  # habanero.Crossref, or None when --source excludes it
    arxiv_client: object | None = None  # arxiv.Client
    gates: dict[str, Gate] = field(default_factory=dict)
    offline: bool = False
    search_rows: int = 5
    progress: Callable[[int], None] = field(default=lambda n: None)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(
            n for n, c in (("crossref", self.crossref), ("arxiv", self.arxiv_client)) if c is not None
        )

    def _cached(self, source: str, keys: Sequence[str], prefix: str) -> tuple[dict[str, Answer], list[str]]:
        out: dict[str, Answer] = {}
        todo = []
        for k in dict.fromkeys(keys):
            hit = self.cache.get(source, prefix + k)
            if hit is not None:
                out[k] = hit[0] if hit else None
            elif self.offline:
                out[k] = OfflineMiss(f"{prefix}{k} is not in the cache", "run without --offline to fetch it")
            else:
                todo.append(k)
        return out, todo

    def _batched(
        self,
        source: str,
        keys: Sequence[str],
        prefix: str,
        size: int,
        fetch: Callable[[list[str]], list[Record]],
        match: Callable[[Record], str],
    ) -> dict[str, Answer]:
        out, todo = self._cached(source, keys, prefix)
        for chunk in chunks(todo, size):
            try:
                recs = self.gates[source].call(lambda chunk=chunk: fetch(chunk))  # type: ignore[misc]
            except SourceNotFound:
                recs = []
            except SourceError as exc:
                for k in chunk:
                    out[k] = exc
                self.progress(len(chunk))
                continue
            found = {match(r): r for r in recs}
            for k in chunk:
                r = found.get(k.lower()) or found.get(k)
                self.cache.put(source, prefix + k, [r] if r else [])
                out[k] = r
            self.progress(len(chunk))
        return out

    def dois(self, dois: Sequence[str]) -> dict[str, Answer]:
        if self.crossref is None:
            return {}
        from .crossref import fetch_dois

        return self._batched(
            "crossref", dois, "doi:", DOI_BATCH, lambda c: fetch_dois(self.crossref, c), lambda r: r.doi
        )

    def piis(self, piis: Sequence[str]) -> dict[str, Answer]:
        if self.crossref is None:
            return {}
        from .crossref import fetch_alternative_ids

        return self._batched(
            "crossref",
            piis,
            "pii:",
            DOI_BATCH,
            lambda c: fetch_alternative_ids(self.crossref, c),
            lambda r: r.pii.upper(),
        )

    def arxiv(self, ids: Sequence[str]) -> dict[str, Answer]:
        if self.arxiv_client is None:
            return {}
        from .arxiv import fetch_ids

        return self._batched(
            "arxiv", ids, "arxiv:", ARXIV_BATCH, lambda c: fetch_ids(self.arxiv_client, c), lambda r: r.arxiv
        )

    def list_titles(self, titles: Sequence[str]) -> dict[str, Answer]:
        return {}  # Crossref and arXiv do not know the titles a list printed

    def arxiv_titles(self, titles: Sequence[str]) -> dict[str, list[Record] | SourceError]:
        """Batched arXiv title search: one `ti:"…" OR ti:"…"` request per chunk of titles.

        Each title gets the returned records whose title resembles it (the matcher in
        `scoring` decides); the answer per title is cached as "title:<phrase>".
        """
        if self.arxiv_client is None:
            return {}
        from ..matching import title_similarity
        from .arxiv import fetch_titles, title_chunks, title_phrase

        out: dict[str, list[Record] | SourceError] = {}
        by_phrase: dict[str, list[str]] = {}
        for t in dict.fromkeys(titles):
            ph = title_phrase(t)
            if len(ph) < 8:  # too short to search for safely
                out[t] = []
            else:
                by_phrase.setdefault(ph, []).append(t)
        todo: list[str] = []
        for ph, ts in by_phrase.items():
            hit = self.cache.get("arxiv", "title:" + ph)
            if hit is not None:
                out.update({t: hit for t in ts})
            elif self.offline:
                out.update(
                    {
                        t: OfflineMiss(
                            f"arXiv title search {ph!r} is not in the cache",
                            "run without --offline to search",
                        )
                        for t in ts
                    }
                )
            else:
                todo.append(ph)
        for chunk in title_chunks(todo):
            try:
                recs = self.gates["arxiv"].call(lambda chunk=chunk: fetch_titles(self.arxiv_client, chunk))  # type: ignore[misc]
            except SourceNotFound:
                recs = []
            except SourceError as exc:
                for ph in chunk:
                    out.update({t: exc for t in by_phrase[ph]})
                continue
            for ph in chunk:
                cands = [r for r in recs if title_similarity(ph, r.title) >= TITLE_CANDIDATE]
                self.cache.put("arxiv", "title:" + ph, cands)
                self._cache_by_identifier("arxiv", "arxiv:", cands, lambda r: r.arxiv)
                out.update({t: cands for t in by_phrase[ph]})
        return out

    def search(
        self, title: str, author: str, year: str, *, published: bool = False
    ) -> list[Record] | SourceError:
        if self.crossref is None or not title:
            return []
        from ..latex import latex_to_unicode
        from .crossref import fetch_search

        title = " ".join(
            latex_to_unicode(title).split()
        )  # "{KRAS}/{NRAS}" -> "KRAS/NRAS": Crossref gets plain text
        window = (0, 2) if published else (-2, 2)
        params = json.dumps([title, author, year, window, self.search_rows])
        key = "search:" + hashlib.sha1(params.encode("utf-8")).hexdigest()
        hit = self.cache.get("crossref", key)
        if hit is not None:
            return hit
        if self.offline:
            return OfflineMiss("this search is not in the cache", "run without --offline to search")
        try:
            recs = self.gates["crossref"].call(
                lambda: fetch_search(self.crossref, title, author, year, rows=self.search_rows, window=window)
            )
        except SourceNotFound:
            recs = []
        except SourceError as exc:
            return exc
        self.cache.put("crossref", key, recs)
        self._cache_by_identifier("crossref", "doi:", recs, lambda r: r.doi)
        return recs

    def _cache_by_identifier(
        self, source: str, prefix: str, recs: Sequence[Record], ident: Callable[[Record], str]
    ) -> None:
        """A record found by a search is also the answer for its identifier: the next run, which asks
        by the DOI/arXiv id enrich wrote, is answered from the cache."""
        for r in recs:
            if ident(r):
                self.cache.put(source, prefix + ident(r), [r])


@dataclass
class Session:
    """Everything one enrich run opened: the lookup, its gates and cache (close it when done)."""

    lookup: Lookup
    gates: dict[str, Gate]
    cache: Cache | None
    public_pool: bool = False

    @property
    def requests(self) -> dict[str, int]:
        return {name: g.requests for name, g in self.gates.items()}

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def open_session(
    settings: EnrichSettings,
    sources: Sequence[str],
    *,
    mailto: str = "",
    offline: bool = False,
    refresh: bool = False,
    cache_path: str | Path | None = None,
    clock: Callable[[], float],
    wall: Callable[[], float],
    sleep: Callable[[float], None],
    rng: Random | None = None,
    progress: Callable[[int], None] = lambda n: None,
    warn: Callable[[str], None] = lambda message: None,
) -> Session:
    """Build the lookup for `sources` ("crossref", "arxiv", "file:PATH") from EnrichSettings."""
    import random

    from ..errors import UsageError
    from .http import Policy
    from .local import read_local

    files: list[Lookup] = []
    net = set()
    for s in sources:
        if s.startswith("file:"):
            files.append(FileLookup(LocalIndex(read_local(s[5:], warn))))
        elif s in ("crossref", "arxiv"):
            net.add(s)
        else:
            raise UsageError(
                f"unknown source {s!r}", "use --source crossref, --source arxiv or --source file:PATH"
            )
    gates: dict[str, Gate] = {}
    cache = None
    parts: list[Lookup] = list(files)
    if net:
        rng = rng or random.Random()
        cache = Cache(cache_path, max_age_days=settings.cache_days, now=wall, refresh=refresh, warn=warn)

        def policy(interval: float) -> Policy:
            return Policy(
                interval=interval,
                timeout=settings.timeout,
                retries=settings.retries,
                backoff=settings.backoff,
                breaker_threshold=settings.breaker_threshold,
            )

        crossref = arxiv_client = None
        if "crossref" in net:
            from .crossref import make_client

            crossref = make_client(settings.crossref_url, mailto or None, settings.timeout)
            gates["crossref"] = Gate("Crossref", policy(settings.crossref_interval), clock, sleep, rng)
        if "arxiv" in net:
            from .arxiv import make_client as make_arxiv

            ua = f"pathbib (mailto:{mailto})" if mailto else "pathbib"
            arxiv_client = make_arxiv(settings.arxiv_url, settings.timeout, ua)
            gates["arxiv"] = Gate("arXiv", policy(settings.arxiv_interval), clock, sleep, rng)
        parts.append(
            NetworkLookup(cache, crossref, arxiv_client, gates, offline, settings.search_rows, progress)
        )
    lookup = parts[0] if len(parts) == 1 else ChainLookup(parts)
    return Session(lookup, gates, cache, public_pool=bool(net & {"crossref"}) and not mailto)
