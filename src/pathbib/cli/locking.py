"""The one helper every writing command calls first: hold the library's write lock (CLI edge).

`lock_library(ctx, path)` takes the advisory lock beside `path` (waiting, with a note on
stderr, while another pathbib writes), finishes a write unit a killed pathbib had committed,
and releases the lock when the command ends. See docs/concurrency.md.
"""

from __future__ import annotations

from pathlib import Path

import typer

from .base import err, state


def lock_timeout(env: dict[str, str]) -> float:
    """Seconds to wait for another writer: PATHBIB_LOCK_TIMEOUT, else the default."""
    from ..errors import UsageError
    from ..lock import DEFAULT_TIMEOUT

    raw = env.get("PATHBIB_LOCK_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400 or value != value:
        raise UsageError(
            f"PATHBIB_LOCK_TIMEOUT={raw!r} is not a number of seconds between 0 and 86400",
            "set it to e.g. 120, or unset it",
        )
    return value


def lock_library(ctx: typer.Context, path: Path) -> None:
    """Hold the write lock of `path` until the command ends; complete an interrupted write first."""
    from ..journal import clean_temp_files, journal_path, recover
    from ..lock import acquire, release

    st = state(ctx)
    held = acquire(path, timeout=lock_timeout(st.env), on_wait=lambda m: err(f"note: {m}"))
    ctx.call_on_close(lambda: release(held))
    if recover(journal_path(path)):
        err(f"note: {path}: finished a write that an interrupted pathbib had started")
    sidecar = path.with_name(path.stem + ".provenance.json")
    clean_temp_files(path.parent, [path.name, sidecar.name])
