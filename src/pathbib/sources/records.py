"""Read-only record lookups by identifier, for `pathbib check`: a `--records` file and/or the
enrichment cache, never the network (the file edge of check's `Lookup`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .record import Record

__all__ = ["RecordLookup", "record_lookup"]

#: (scheme, identifier) -> record or None; scheme is "doi" or "arxiv"
RecordLookup = Callable[[str, str], Record | None]


def record_lookup(records: Path | None, cache_path: Path, warn: Callable[[str], None]) -> RecordLookup | None:
    """A lookup over the records of `records` (CSL-JSON or BibTeX), then the enrichment cache at
    `cache_path` when it exists; None when there is neither. An unreadable cache is reported
    through `warn` and left out (it only makes check less sharp)."""
    lookups: list[RecordLookup] = []
    if records is not None:
        from .local import LocalIndex, read_local

        idx = LocalIndex(read_local(records))

        def file_lookup(scheme: str, ident: str) -> Record | None:
            table = idx.by_doi if scheme == "doi" else idx.by_arxiv
            got = table.get(ident)
            return got[0] if got else None

        lookups.append(file_lookup)
    if cache_path.is_file():
        try:
            from .cache import Cache

            cache = Cache(cache_path, max_age_days=1e6, now=time.time)

            def cache_lookup(scheme: str, ident: str) -> Record | None:
                hit = (
                    cache.get("crossref", f"doi:{ident}")
                    if scheme == "doi"
                    else cache.get("arxiv", f"arxiv:{ident}")
                )
                return hit[0] if hit else None

            lookups.append(cache_lookup)
        except Exception:  # noqa: BLE001 - an unreadable cache only makes check less sharp
            warn(f"warning: {cache_path}: enrichment cache not readable; checking without it")
    if not lookups:
        return None

    def chain(scheme: str, ident: str) -> Record | None:
        for lk in lookups:
            got = lk(scheme, ident)
            if got is not None:
                return got
        return None

    return chain
