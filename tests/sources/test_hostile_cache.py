"""Cache faults never end a run (issue #16, point 5): a damaged cache (garbage, a directory in
its place) is moved aside and rebuilt; an unwritable one (read-only file system, full disk)
is read where possible, and the run goes on without storing; `--offline` reads what it can.

Full and read-only file systems are real: a small tmpfs mounted on the project's `.pathbib/`
when the test may mount (root), else a real OSError source (a cache path under /proc).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pathbib.bibio import read_library
from pathbib.cli.app import main
from support.fakeserver import FakeServer

DOI = "10.5555/cache.1"
WORK = {
    "DOI": DOI,
    "type": "journal-article",
    "title": ["A cached paper about caches"],
    "container-title": ["Journal of Caches"],
    "author": [{"given": "Ann", "family": "Smith", "sequence": "first"}],
    "issued": {"date-parts": [[2021, 3, 4]]},
    "published": {"date-parts": [[2021, 3, 4]]},
    "volume": "7",
    "page": "1-10",
    "URL": f"https://doi.org/{DOI}",
}
LIB = f"@misc{{c1,\n  doi = {{{DOI}}},\n}}\n"


def _project(tmp_path: Path, srv: FakeServer, cache: str = ".pathbib/cache.sqlite") -> Path:
    (tmp_path / "library.bib").write_text(LIB, encoding="utf-8")
    (tmp_path / "pathbib.toml").write_text(
        f'library = "library.bib"\n[enrich]\ncrossref-url = "{srv.crossref_url}"\narxiv-url = "{srv.arxiv_url}"\n'
        f'timeout = 5\ncrossref-interval = 0\narxiv-interval = 0\nretries = 0\ncache = "{cache}"\n',
        encoding="utf-8",
    )
    return tmp_path


def _enrich(proj: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = (
        main(
            [
                "--config",
                str(proj / "pathbib.toml"),
                *extra[:1],
                "enrich",
                "--source",
                "crossref",
                "--no-search",
                *extra[1:],
            ]
        )
        if extra and extra[0].startswith("--allow")
        else main(
            ["--config", str(proj / "pathbib.toml"), "enrich", "--source", "crossref", "--no-search", *extra]
        )
    )
    return code, capsys.readouterr().err


def _volume(proj: Path) -> str | None:
    lib, _ = read_library(proj / "library.bib")
    e = lib.get("c1")
    return e.get("volume") if e else None


def test_garbage_cache_is_moved_aside_and_rebuilt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with FakeServer([WORK], []) as srv:
        proj = _project(tmp_path, srv)
        (proj / ".pathbib").mkdir()
        (proj / ".pathbib" / "cache.sqlite").write_bytes(b"this is not a database\x00\xff" * 100)
        code, err = _enrich(proj, capsys)
    assert code == 0, err
    assert "damaged" in err and "moved it to cache.sqlite.damaged-1" in err
    assert (proj / ".pathbib" / "cache.sqlite.damaged-1").read_bytes().startswith(b"this is not")
    assert _volume(proj) == "7"
    # the new cache works: an offline run finds the record
    (proj / "library.bib").write_text(LIB, encoding="utf-8")
    code, err = _enrich(proj, capsys, "--offline")
    assert code == 0 and _volume(proj) == "7", err


def test_a_directory_in_place_of_the_cache_is_moved_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeServer([WORK], []) as srv:
        proj = _project(tmp_path, srv)
        (proj / ".pathbib" / "cache.sqlite").mkdir(parents=True)
        (proj / ".pathbib" / "cache.sqlite" / "keep.txt").write_text("mine", encoding="utf-8")
        code, err = _enrich(proj, capsys)
    assert code == 0, err
    assert (proj / ".pathbib" / "cache.sqlite.damaged-1" / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (proj / ".pathbib" / "cache.sqlite").is_file()
    assert _volume(proj) == "7"


def test_an_empty_or_truncated_cache_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with FakeServer([WORK], []) as srv:
        proj = _project(tmp_path, srv)
        code, err = _enrich(proj, capsys)
        assert code == 0, err
        cache = proj / ".pathbib" / "cache.sqlite"
        data = cache.read_bytes()
        cache.write_bytes(data[: len(data) // 3])
        (proj / "library.bib").write_text(LIB, encoding="utf-8")
        code, err = _enrich(proj, capsys)
    assert code == 0, err
    assert _volume(proj) == "7"


def _can_mount() -> bool:
    return os.geteuid() == 0 and subprocess.run(["which", "mount"], capture_output=True).returncode == 0


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path | None]:
    """A 256 KiB tmpfs on tmp_path/.pathbib, or None when this machine may not mount."""
    mnt = tmp_path / ".pathbib"
    mnt.mkdir()
    if (
        not _can_mount()
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True
        ).returncode
        != 0
    ):
        yield None
        return
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_read_only_file_system_offline_still_reads(
    tmp_path: Path, tmpfs: Path | None, capsys: pytest.CaptureFixture[str]
) -> None:
    if tmpfs is None:
        pytest.skip("cannot mount a tmpfs here; the /proc case below covers an unwritable cache")
    with FakeServer([WORK], []) as srv:
        proj = _project(tmp_path, srv)
        code, err = _enrich(proj, capsys)
        assert code == 0 and _volume(proj) == "7", err
        assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True).returncode == 0
        (proj / "library.bib").write_text(LIB, encoding="utf-8")
        code, err = _enrich(proj, capsys, "--offline")
        assert code == 0, err
        assert "cannot be written" in err and "reading it" in err
        assert _volume(proj) == "7"  # read from the read-only cache
        (proj / "library.bib").write_text(LIB.replace(DOI, DOI + "x"), encoding="utf-8")
        code, err = _enrich(proj, capsys)  # online: a miss is fetched, not stored, no traceback
        assert code in (0, 3), err


def test_full_disk_is_a_warning_not_the_end_of_the_run(
    tmp_path: Path, tmpfs: Path | None, capsys: pytest.CaptureFixture[str]
) -> None:
    if tmpfs is None:
        pytest.skip("cannot mount a tmpfs here; the /proc case below covers an unwritable cache")
    with FakeServer([WORK], []) as srv:
        proj = _project(tmp_path, srv)
        filler = tmpfs / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)  # fill the file system to the last byte
        try:
            for size in (65536, 4096, 512, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(fd)
        code, err = _enrich(proj, capsys)
    assert code == 0, err
    assert "enrichment cache" in err and "warning" in err
    assert _volume(proj) == "7"


def test_an_unwritable_cache_location_runs_without_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeServer([WORK], []) as srv:
        proj = _project(tmp_path, srv, cache="/proc/pathbib-no-such/cache.sqlite")
        code, err = _enrich(proj, capsys, "--allow-outside-paths")
    assert code == 0, err
    assert "cannot be used" in err and "running without it" in err
    assert _volume(proj) == "7"
