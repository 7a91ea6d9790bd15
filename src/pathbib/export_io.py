"""Write the files of `exports/` as one set (I/O edge).

`write_exports` writes every changed file to a temp file inside the exports folder and swaps
them in with one journal (`journal.commit`): a kill leaves either the old set or, once the
next pathbib finishes the journal, the new set -- never `library.json` new and `library.bib`
old. Temp files of an earlier killed build are removed first. The caller holds the library
lock, so two builds never interleave.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .errors import ConfigError
from .journal import clean_temp_files, commit, recover

__all__ = ["write_exports"]


def _prepare_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(
            f"the exports path {out_dir} is a file, not a folder",
            "set `exports` in pathbib.toml to a folder (default: exports)",
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"the exports folder {out_dir} cannot be created: {exc.strerror}",
            "set `exports` in pathbib.toml to a writable folder",
        ) from None


def write_exports(out_dir: Path, files: Mapping[str, str]) -> int:
    """Write the changed files of `files` into `out_dir` as one unit; return how many changed."""
    _prepare_dir(out_dir)
    journal = out_dir / ".pathbib-build.journal"
    recover(journal)
    by_dir: dict[Path, list[str]] = {}
    for name in files:  # a name may sit in a subfolder (site/index.html)
        by_dir.setdefault((out_dir / name).parent, []).append(Path(name).name)
    for d, names in by_dir.items():
        clean_temp_files(d, names)
    changed: list[tuple[Path, bytes]] = []
    for name, text in files.items():
        p = out_dir / name
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"the exports folder {p.parent} cannot be created: {exc.strerror}",
                "set `exports` in pathbib.toml to a writable folder",
            ) from None
        data = text.encode("utf-8")
        try:
            if p.is_file() and p.read_bytes() == data:
                continue
        except OSError:
            pass
        changed.append((p, data))
    commit(changed, journal)
    return len(changed)
