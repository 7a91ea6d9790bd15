"""Write several files as one unit: temp files, a journal, then renames (I/O edge).

Used for library.bib together with its provenance sidecar, and for the files of `exports/`.
`commit` works in three steps (docs/concurrency.md):

1. every new file is written to a temp file beside its target and fsynced;
2. the journal -- a JSON list of (temp, target) pairs -- is written atomically (temp + rename):
   this is the commit point;
3. each temp file is renamed over its target, then the journal is removed.

A kill before step 2 leaves only temp files: the old set is intact and `recover` deletes them.
A kill during step 3 leaves the journal: `recover` (run under the library lock by the next
command) finishes the renames, so the set is all new. Readers never see a half-written file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .bibio import fsync_dir
from .errors import ConcurrentModificationError, InputError

if TYPE_CHECKING:
    from .bibio import Snapshot
    from .model import Library

__all__ = ["commit", "recover", "journal_path", "check_unchanged", "clean_temp_files", "write_library_unit"]

_TMP_SUFFIX = ".tmp"


def journal_path(anchor: Path) -> Path:
    """Return the journal file that belongs to `anchor` (the library, or the exports folder)."""
    return anchor.with_name(f".{anchor.name}.journal")


def _write_temp(target: Path, data: bytes) -> Path:
    directory = target.parent if str(target.parent) else Path(".")
    try:
        mode: int | None = target.stat().st_mode & 0o7777
    except OSError:
        mode = None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_TMP_SUFFIX, dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return Path(tmp)


def _roll_forward(journal: Path, pairs: Sequence[tuple[Path, Path]]) -> None:
    for tmp, target in pairs:
        if tmp.exists():
            os.replace(tmp, target)
    for d in {target.parent for _tmp, target in pairs}:
        fsync_dir(d)
    journal.unlink(missing_ok=True)
    fsync_dir(journal.parent)


def commit(files: Sequence[tuple[Path, bytes]], journal: Path) -> None:
    """Replace each target of `files` with its bytes, all or none (see the module docstring)."""
    if not files:
        return
    targets = [Path(os.path.realpath(t)) if Path(t).is_symlink() else Path(t) for t, _d in files]
    pairs: list[tuple[Path, Path]] = []
    try:
        for target, (_t, data) in zip(targets, files, strict=True):
            pairs.append((_write_temp(target, data), target))
        body = json.dumps([[str(t), str(g)] for t, g in pairs]).encode("utf-8")
        jtmp = _write_temp(journal, body)
        os.replace(jtmp, journal)
        fsync_dir(journal.parent)
    except BaseException as exc:
        for tmp, _target in pairs:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise InputError(
                f"cannot be written: {exc.strerror}",
                "check free disk space and permissions; the old files are unchanged",
                path=str(targets[0]),
            ) from None
        raise
    _roll_forward(journal, pairs)


def recover(journal: Path) -> bool:
    """Finish a unit a killed pathbib had committed; return whether there was one.

    Call it while holding the lock of the files the journal names.
    """
    try:
        raw = journal.read_bytes()
    except FileNotFoundError:
        return False
    except OSError:
        return False
    try:
        pairs = [(Path(t), Path(g)) for t, g in json.loads(raw.decode("utf-8"))]
    except (ValueError, TypeError, UnicodeDecodeError):
        # not ours or damaged: keep it for a human, out of the way
        os.replace(journal, journal.with_name(journal.name + ".damaged"))
        return False
    _roll_forward(journal, pairs)
    return True


def clean_temp_files(directory: Path, names: Sequence[str]) -> list[Path]:
    """Remove temp files that a killed write of one of `names` left in `directory`.

    Call it while holding the lock of those files, after `recover`.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    prefixes = tuple(f".{n}." for n in names)
    for de in entries:
        if (
            de.name.startswith(prefixes)
            and de.name.endswith(_TMP_SUFFIX)
            and de.is_file(follow_symlinks=False)
        ):
            try:
                os.unlink(de.path)
                removed.append(Path(de.path))
            except OSError:
                pass
    return removed


def check_unchanged(path: Path, digest: str) -> bytes | None:
    """Return the bytes of `path` (None if absent); raise if its sha256 is no longer `digest`.

    `digest` is "" for a file that did not exist when it was read.
    """
    try:
        current: bytes | None = path.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", "check its permissions", path=str(path)) from None
    now = hashlib.sha256(current).hexdigest() if current is not None else ""
    if now != digest:
        raise ConcurrentModificationError(
            "changed on disk after pathbib read it (edited outside pathbib?); nothing was written",
            "run the command again so it starts from the current file",
            path=str(path),
        )
    return current


def write_library_unit(
    lib: Library,
    snapshot: Snapshot | None,
    path: Path,
    sidecars: Sequence[tuple[Path, str]] = (),
    rendered: str | None = None,
) -> bool:
    """Write `lib` to `path` and each (path, text) sidecar as one unit; return whether `path` changed.

    With a `snapshot`, refuse (ConcurrentModificationError) when `path` is no longer what was read.
    `rendered`: `render(lib)` when the caller has it already.
    """
    from .bibio import render

    bom = "\ufeff" if snapshot is not None and snapshot.bom else ""
    if snapshot is not None:
        current = check_unchanged(path, snapshot.digest)
    else:
        current = path.read_bytes() if path.exists() else None
    new = (bom + (render(lib) if rendered is None else rendered)).encode("utf-8")
    files: list[tuple[Path, bytes]] = []
    if new != current:
        files.append((path, new))
    for side, text in sidecars:
        data = text.encode("utf-8")
        try:
            if side.read_bytes() == data:
                continue
        except OSError:
            pass
        files.append((side, data))
    commit(files, journal_path(path))
    return new != current
