"""A persistent SQLite cache of parsed records, keyed by (source, query key), with expiry (I/O: disk).

A key is what was asked ("doi:10.1038/x", "arxiv:2306.11207", "search:<digest>"); the value
is the list of records the source returned (an empty list records "not found", so a rerun
does not ask again). The wall clock is a parameter. Modes: normal (read and write),
`offline` (read only; the CLI never calls a source), `refresh` (ignore what is stored,
overwrite it with fresh answers).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from ..record import Record

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
  source TEXT NOT NULL,
  key TEXT NOT NULL,
  fetched REAL NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (source, key)
)
"""
VERSION = 2  # 2: records carry dates/editors/isbn/title_latex; no year from `created`


class Cache:
    """Records by (source, key). Use as a context manager or call `close()`."""

    def __init__(
        self,
        path: str | Path | None,
        *,
        max_age_days: float = 30.0,
        now: Callable[[], float],
        refresh: bool = False,
    ) -> None:
        self.path = Path(path) if path else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path) if self.path else ":memory:")
        self._db.execute(_SCHEMA)
        self._db.commit()
        self.max_age = max_age_days * 86400.0
        self.now = now
        self.refresh = refresh
        self.hits = 0
        self.misses = 0

    def get(self, source: str, key: str) -> list[Record] | None:
        """Return the stored records (possibly []), or None when absent, expired or refreshing."""
        if self.refresh:
            self.misses += 1
            return None
        row = self._db.execute(
            "SELECT fetched, payload FROM records WHERE source = ? AND key = ?", (source, key)
        ).fetchone()
        if row is None or self.now() - row[0] > self.max_age:
            self.misses += 1
            return None
        try:
            data = json.loads(row[1])
            if data.get("v") != VERSION:
                self.misses += 1
                return None
            recs = [Record.from_json(r) for r in data["records"]]
        except (ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return recs

    def put(self, source: str, key: str, records: list[Record]) -> None:
        """Store (and commit at once, so an interrupted run keeps what it fetched)."""
        payload = json.dumps({"v": VERSION, "records": [r.to_json() for r in records]}, sort_keys=True)
        self._db.execute(
            "INSERT OR REPLACE INTO records (source, key, fetched, payload) VALUES (?, ?, ?, ?)",
            (source, key, self.now(), payload),
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
