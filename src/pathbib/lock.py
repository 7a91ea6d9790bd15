"""An advisory lock file beside library.bib, held around every read-modify-write (I/O edge).

Two pathbib processes that both read library.bib, change it and write it back would lose
one change (the later write wins). Every command that writes the library therefore holds
`.library.bib.lock` (an `flock` on a file in the same folder) from before it reads until after
it writes; a second writer waits for it, up to a timeout, and then reads the current file.

The lock is an `flock`, so the kernel releases it when a process dies (a `kill -9` never
leaves a stale lock). The file holds the owner's pid, for the "waiting" message. It is removed
on release; a waiter that locked a file which was removed meanwhile retries on the new one.
On systems without `fcntl` (Windows) writes are not serialised: the digest check in
`bibio.write_library` still refuses to overwrite a file that changed since it was read.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, LockedError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["LibraryLock", "acquire", "lock_path", "release", "DEFAULT_TIMEOUT"]

#: seconds a writer waits for another pathbib before giving up (PATHBIB_LOCK_TIMEOUT overrides)
DEFAULT_TIMEOUT = 120.0


@dataclass
class LibraryLock:
    """A held lock: release it with `release` (or let the process end)."""

    path: Path
    fd: int


def lock_path(target: Path) -> Path:
    """Return the lock file of `target` (hidden, in the same folder)."""
    return target.with_name(f".{target.name}.lock")


def _holder(fd: int) -> str:
    try:
        data = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return "?"
    return data if data.isdigit() else "?"


def _open(lp: Path, target: Path) -> int:
    try:
        return os.open(lp, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise InputError(
            f"cannot create the lock file {lp.name}: {exc.strerror}",
            "check that the folder of the library exists and is writable",
            path=str(target),
        ) from None


def acquire(
    target: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_wait: Callable[[str], None] = lambda message: None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> LibraryLock | None:
    """Lock `target` for writing, waiting up to `timeout` s; raise `LockedError` after that.

    Returns None where the platform has no `flock`.
    """
    if fcntl is None:  # pragma: no cover - Windows
        return None
    lp = lock_path(target)
    deadline = clock() + max(timeout, 0.0)
    announced = False
    delay = 0.02
    while True:
        fd = _open(lp, target)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _holder(fd)
            os.close(fd)
            who = f"another pathbib is writing {target} (pid {holder})"
            if clock() >= deadline:
                raise LockedError(
                    f"{who}; giving up after {timeout:g} s",
                    "run the command again when the other one has finished "
                    "(PATHBIB_LOCK_TIMEOUT sets how long to wait, in seconds)",
                ) from None
            if not announced:
                on_wait(f"{who}; waiting up to {timeout:g} s ...")
                announced = True
            sleep(delay)
            delay = min(delay * 2, 0.25)
            continue
        try:
            same = os.stat(lp).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if not same:  # the previous holder removed the file after we opened it: lock the new one
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        return LibraryLock(lp, fd)


def release(lock: LibraryLock | None) -> None:
    """Remove the lock file and unlock (in this order, so no waiter locks a removed file for good)."""
    if lock is None:
        return
    try:
        os.unlink(lock.path)
    except OSError:
        pass
    os.close(lock.fd)
