"""A persistent SQLite cache of parsed records, keyed by (source, query key), with expiry (I/O: disk).

A key is what was asked ("doi:10.1038/x", "arxiv:2306.11207", "search:<digest>"); the value
is the list of records the source returned (an empty list records "not found", so a rerun
does not ask again). The wall clock is a parameter. Modes: normal (read and write),
`offline` (read only; the CLI never calls a source), `refresh` (ignore what is stored,
overwrite it with fresh answers).
"""

from __future__ import annotations

import errno
import json
import os
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
        warn: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.path = Path(path) if path else None
        self.warn = warn
        self.writable = True
        self._db = self._open()
        self.max_age = max_age_days * 86400.0
        self.now = now
        self.refresh = refresh
        self.hits = 0
        self.misses = 0

    def _open(self) -> sqlite3.Connection:
        """Open the cache file; move a damaged one aside; fall back to memory when it cannot be written."""
        if self.path is None:
            return self._memory()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.is_file() and not (
                os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
            ):
                raise OSError(errno.EROFS, "read-only file or folder")
            db = sqlite3.connect(str(self.path))
            db.execute(_SCHEMA)
            db.commit()
            db.execute("SELECT count(*) FROM records").fetchone()
            return db
        except sqlite3.DatabaseError as exc:
            if self.path.is_dir() or (
                self.path.exists() and not _unwritable(exc)
            ):  # garbage, or a directory in its place
                aside = _move_aside(self.path)
                if aside is not None:
                    self.warn(
                        f"warning: {self.path}: the enrichment cache was damaged ({exc}); moved it to "
                        f"{aside.name} and started a new one"
                    )
                    try:
                        db = sqlite3.connect(str(self.path))
                        db.execute(_SCHEMA)
                        db.commit()
                        return db
                    except sqlite3.Error as exc2:
                        return self._readonly_or_memory(exc2)
            return self._readonly_or_memory(exc)
        except OSError as exc:
            return self._readonly_or_memory(exc)

    def _readonly_or_memory(self, exc: BaseException) -> sqlite3.Connection:
        """The cache cannot be written: read what it holds (for --offline), store nothing new."""
        assert self.path is not None
        self.writable = False
        reason = getattr(exc, "strerror", None) or str(exc)
        if self.path.is_file():
            try:
                db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
                db.execute("SELECT count(*) FROM records").fetchone()
                self.warn(
                    f"warning: {self.path}: the enrichment cache cannot be written ({reason}); "
                    "reading it, storing nothing new"
                )
                return db
            except sqlite3.Error:
                pass
        self.warn(f"warning: {self.path}: the enrichment cache cannot be used ({reason}); running without it")
        return self._memory()

    @staticmethod
    def _memory() -> sqlite3.Connection:
        db = sqlite3.connect(":memory:")
        db.execute(_SCHEMA)
        return db

    def get(self, source: str, key: str) -> list[Record] | None:
        """Return the stored records (possibly []), or None when absent, expired or refreshing."""
        if self.refresh:
            self.misses += 1
            return None
        try:
            row = self._db.execute(
                "SELECT fetched, payload FROM records WHERE source = ? AND key = ?", (source, key)
            ).fetchone()
        except sqlite3.Error as exc:
            self.misses += 1
            self._fault(exc)
            return None
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
        if not self.writable:
            return
        payload = json.dumps({"v": VERSION, "records": [r.to_json() for r in records]}, sort_keys=True)
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO records (source, key, fetched, payload) VALUES (?, ?, ?, ?)",
                (source, key, self.now(), payload),
            )
            self._db.commit()
        except sqlite3.Error as exc:  # full disk, read-only file system, file removed meanwhile
            self.writable = False
            self._fault(exc)

    def _fault(self, exc: sqlite3.Error) -> None:
        self.warn(f"warning: {self.path}: the enrichment cache failed ({exc}); continuing without storing")

    def close(self) -> None:
        try:
            self._db.close()
        except sqlite3.Error:
            pass

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unwritable(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("readonly", "read-only", "disk i/o", "full", "unable to open", "locked"))


def _move_aside(path: Path) -> Path | None:
    """Rename a damaged cache (file or directory) to `NAME.damaged-N`; None when that fails too."""
    for n in range(1, 1000):
        aside = path.with_name(f"{path.name}.damaged-{n}")
        if not aside.exists():
            try:
                path.rename(aside)
            except OSError:
                return None
            return aside
    return None
