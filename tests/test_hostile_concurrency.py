"""Two pathbib processes writing one library at once lose nothing (issue #16, point 1).

Real processes (subprocess), started together on a large library: rename x rename, import x
rename, enrich --source file: x fmt. Every command must exit 0 (or 5, the documented "locked"
code) and every change of a command that exited 0 must be in the final file. The default run
is small; the `slow` variant is the issue's 50 rounds on a 10,000-entry library.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from pathbib.bibio import read_library
from pathbib.errors import ExitCode
from pathbib.journal import _write_temp, journal_path
from pathbib.lock import acquire, release

LOCKED = int(ExitCode.LOCKED)

CONFIG = 'library = "library.bib"\n\n[list]\ntitle = "A List"\n\n[[list.sections]]\ntitle = "Papers"\nid = "papers"\n'


def _library_text(n: int, *, unformatted: bool = False) -> str:
    out = []
    for i in range(n):
        if unformatted:  # fields out of canonical order, odd spacing: `fmt` rewrites every entry
            out.append(
                f"@article{{k{i:05d},\n doi={{10.1234/test.{i}}},\n  year = {{{2000 + i % 25}}},\n"
                f"  title = {{Study number {i} of things}},\n  author = {{Smith, Ann and Doe, Bob{i}}},\n"
                f"  journal = {{Journal {i % 50}}}}}\n"
            )
        else:
            out.append(
                f"@article{{k{i:05d},\n  author = {{Smith, Ann and Doe, Bob{i}}},\n"
                f"  title = {{Study number {i} of things}},\n  journal = {{Journal {i % 50}}},\n"
                f"  year = {{{2000 + i % 25}}},\n  doi = {{10.1234/test.{i}}},\n}}\n"
            )
    return "\n".join(out)


def _start(cwd: Path, *args: str) -> subprocess.Popen[str]:
    """Start pathbib; output goes to files, so a process holding the lock never blocks on a full pipe."""
    env = dict(os.environ, PATHBIB_LOCK_TIMEOUT="300", COLUMNS="200")
    log = tempfile.TemporaryFile("w+", encoding="utf-8")
    p = subprocess.Popen(
        [sys.executable, "-m", "pathbib", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )
    p.log = log  # type: ignore[attr-defined]
    return p


def _finish(p: subprocess.Popen[str]) -> tuple[int, str]:
    p.wait(timeout=600)
    log = p.log  # type: ignore[attr-defined]
    log.seek(0)
    errtext = log.read()
    log.close()
    assert "Traceback" not in errtext, errtext
    assert p.returncode in (0, LOCKED), (p.args, p.returncode, errtext)
    return p.returncode, errtext


def _keys(path: Path) -> set[str]:
    lib, _ = read_library(path)
    assert not lib.failed, [f.reason for f in lib.failed]
    return {e.key for e in lib.entries}


def _readme(tag: int) -> str:
    return (
        "# A List\n\n## Papers\n\n"
        f"1. **Imported paper number {tag} about concurrency**\n"
        f"    - Authors: Carol Zed{tag}, Dan Young\n"
        f"    - [PDF](https://arxiv.org/abs/2301.{tag:05d})\n"
    )


def _record(i: int) -> str:
    return json.dumps(
        [
            {
                "id": f"r{i}",
                "type": "article-journal",
                "DOI": f"10.1234/test.{i}",
                "title": f"Study number {i} of things",
                "author": [{"family": "Smith", "given": "Ann"}, {"family": "Doe", "given": f"Bob{i}"}],
                "issued": {"date-parts": [[2000 + i % 25]]},
                "container-title": f"Journal {i % 50}",
                "volume": str(100 + i),
                "page": "1-9",
            }
        ]
    )


def _rounds(tmp_path: Path, n_entries: int, rounds: int) -> dict[str, int]:
    (tmp_path / "pathbib.toml").write_text(CONFIG, encoding="utf-8")
    lib = tmp_path / "library.bib"
    stats = {"rounds": 0, "exit0": 0, "locked": 0}
    for r in range(rounds):
        a, b = 2 * r + 1, 2 * r + 2
        # rename x rename
        lib.write_text(_library_text(n_entries), encoding="utf-8")
        procs = [
            _start(tmp_path, "rename-key", f"k{a:05d}", f"xa{a}"),
            _start(tmp_path, "rename-key", f"k{b:05d}", f"xb{b}"),
        ]
        codes = [_finish(p)[0] for p in procs]
        keys = _keys(lib)
        for code, old, new in zip(codes, (f"k{a:05d}", f"k{b:05d}"), (f"xa{a}", f"xb{b}"), strict=True):
            if code == 0:
                assert new in keys and old not in keys, f"round {r}: rename {old} -> {new} lost"
        # import x rename
        (tmp_path / "README.md").write_text(_readme(a), encoding="utf-8")
        procs = [
            _start(tmp_path, "import", "README.md"),
            _start(tmp_path, "rename-key", f"k{b + 7:05d}", f"xc{b}"),
        ]
        codes = [_finish(p)[0] for p in procs]
        lib_now, _ = read_library(lib)
        if codes[0] == 0:
            assert any(e.get("eprint") == f"2301.{a:05d}" for e in lib_now.entries), f"round {r}: import lost"
        if codes[1] == 0:
            assert lib_now.get(f"xc{b}") is not None and lib_now.get(f"k{b + 7:05d}") is None, (
                f"round {r}: rename lost"
            )
        # enrich --source file: x fmt
        lib.write_text(_library_text(n_entries, unformatted=True), encoding="utf-8")
        (tmp_path / "rec.json").write_text(_record(a), encoding="utf-8")
        procs = [_start(tmp_path, "enrich", "--source", "file:rec.json"), _start(tmp_path, "fmt")]
        codes = [_finish(p)[0] for p in procs]
        lib_now, _ = read_library(lib)
        if codes[0] == 0:
            e = lib_now.get(f"k{a:05d}")
            assert e is not None and e.get("volume") == str(100 + a), f"round {r}: enrich lost"
            prov = json.loads((tmp_path / "library.provenance.json").read_text(encoding="utf-8"))
            assert f"k{a:05d}" in json.dumps(prov), f"round {r}: provenance of the enrich lost"
        if codes[1] == 0:
            check = subprocess.run(
                [sys.executable, "-m", "pathbib", "fmt", "--check"],
                cwd=tmp_path,
                capture_output=True,
                text=True,
            )
            assert check.returncode == 0, f"round {r}: fmt lost: {check.stdout[-300:]}"
        stats["rounds"] += 1
        stats["exit0"] += sum(1 for c in codes if c == 0)
        stats["locked"] += sum(1 for c in codes if c == LOCKED)
        assert not list(tmp_path.glob(".*.tmp")) and not journal_path(lib).exists()
    return stats


def test_two_writers_lose_nothing(tmp_path: Path) -> None:
    stats = _rounds(tmp_path, 500, 1)
    assert stats["rounds"] == 1


@pytest.mark.slow
def test_two_writers_lose_nothing_10k_entries_50_rounds(tmp_path: Path) -> None:
    stats = _rounds(tmp_path, 10_000, 50)
    assert stats["rounds"] == 50


def test_a_held_lock_makes_a_writer_wait_then_give_up_with_exit_5(tmp_path: Path) -> None:
    lib = tmp_path / "library.bib"
    lib.write_text(_library_text(3), encoding="utf-8")
    held = acquire(lib, timeout=1)
    try:
        env = dict(os.environ, PATHBIB_LOCK_TIMEOUT="0.5")
        t0 = time.monotonic()
        r = subprocess.run(
            [sys.executable, "-m", "pathbib", "rename-key", "k00000", "z"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        waited = time.monotonic() - t0
    finally:
        release(held)
    assert r.returncode == LOCKED, r.stderr
    assert f"another pathbib is writing {lib} (pid {os.getpid()}); waiting up to 0.5 s" in r.stderr
    assert f"(pid {os.getpid()}); giving up after 0.5 s" in r.stderr
    assert waited >= 0.5
    assert "k00000" in _keys(lib)  # nothing written
    assert not (tmp_path / ".library.bib.lock").exists()


def test_a_writer_waits_for_the_lock_and_then_works_on_the_new_file(tmp_path: Path) -> None:
    lib = tmp_path / "library.bib"
    lib.write_text(_library_text(3), encoding="utf-8")
    held = acquire(lib, timeout=1)
    p = _start(tmp_path, "rename-key", "k00001", "renamed")
    try:
        log = p.log  # type: ignore[attr-defined]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until the process reports that it waits
            log.seek(0)
            if "waiting up to" in log.read():
                break
            time.sleep(0.05)
        # a change made while the other process waits must survive its write
        lib.write_text(_library_text(3).replace("k00002", "byhand"), encoding="utf-8")
    finally:
        release(held)
    code, errtext = _finish(p)
    assert code == 0, errtext
    assert "waiting up to" in errtext
    assert _keys(lib) == {"k00000", "renamed", "byhand"}


def test_an_interrupted_unit_is_finished_by_the_next_writer(tmp_path: Path) -> None:
    """The state a kill between the journal and the renames leaves: the next command completes it."""
    lib = tmp_path / "library.bib"
    prov = tmp_path / "library.provenance.json"
    lib.write_text(_library_text(3), encoding="utf-8")
    prov.write_text("{}\n", encoding="utf-8")
    new_lib = _library_text(3).replace("k00000", "fromjournal")
    pairs = [(_write_temp(lib, new_lib.encode()), lib), (_write_temp(prov, b'{"fromjournal": {}}\n'), prov)]
    journal_path(lib).write_text(json.dumps([[str(t), str(g)] for t, g in pairs]), encoding="utf-8")
    stale = tmp_path / ".library.bib.killed.tmp"
    stale.write_text("half a file", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "pathbib", "rename-key", "k00001", "after"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert "finished a write that an interrupted pathbib had started" in r.stderr
    assert _keys(lib) == {"fromjournal", "after", "k00002"}
    assert json.loads(prov.read_text(encoding="utf-8")) == {"fromjournal": {}}
    assert not journal_path(lib).exists() and not stale.exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_killed_build_never_leaves_a_mixed_export_set(tmp_path: Path) -> None:
    _kill_builds(tmp_path, [0.6])


@pytest.mark.slow
def test_builds_killed_at_many_points_never_leave_a_mixed_export_set(tmp_path: Path) -> None:
    _kill_builds(tmp_path, [0.2 + 0.15 * i for i in range(12)])


def _kill_builds(tmp_path: Path, delays: list[float]) -> None:
    """SIGKILL `build` after each delay: after each kill the set is all old or all new
    (or a journal is pending), and the next build completes it and removes every temp file."""
    (tmp_path / "pathbib.toml").write_text(CONFIG, encoding="utf-8")
    lib = tmp_path / "library.bib"
    lib.write_text(_library_text(1000), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pathbib", "build"], cwd=tmp_path, check=True, capture_output=True)
    exports = tmp_path / "exports"
    names = sorted(
        str(p.relative_to(exports)) for p in exports.rglob("*") if p.is_file() and not p.name.startswith(".")
    )
    kinds = {"old": 0, "new": 0, "journal": 0}
    for i, delay in enumerate(delays):
        old = {n: (exports / n).read_bytes() for n in names}
        lib.write_text(_library_text(1000).replace("Study number", f"Work {i} number"), encoding="utf-8")
        p = _start(tmp_path, "build")
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        now = {n: (exports / n).read_bytes() for n in names}
        if (exports / ".pathbib-build.journal").exists():
            kinds["journal"] += 1
        elif now == old:
            kinds["old"] += 1
        else:
            kinds["new"] += 1
            assert all(now[n] != old[n] for n in names if n.endswith((".bib", ".json"))), "mixed set"
        r = subprocess.run(
            [sys.executable, "-m", "pathbib", "build"], cwd=tmp_path, capture_output=True, text=True
        )
        assert r.returncode == 0, r.stderr
        assert not [p.name for p in exports.rglob(".*")], "temp files left"
        assert f"Work {i} number".encode() in (exports / "library.bib").read_bytes()
    assert sum(kinds.values()) == len(delays)
