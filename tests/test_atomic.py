"""Atomic, safe writes: a writer killed at random moments never leaves a partial library.bib."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import say
from pathbib.bibio import parse, read_library, render, write_library, write_text_atomic
from pathbib.errors import ConcurrentModificationError, InputError

WRITER = r"""
import sys
from pathbib.bibio import parse, read_library, write_library
path, other = sys.argv[1], sys.argv[2]
lib, snap = read_library(path)
new = parse(open(other, encoding="utf-8").read(), path)
print("writing", flush=True)
write_library(new, snap, path)
print("done", flush=True)
"""


def _big_library(n: int = 6000) -> str:
    rnd = random.Random(7)
    out = []
    for i in range(n):
        words = " ".join(
            rnd.choice(["Foundation", "Model", "Pathology", "{WSI}", "Ünïcode", "Slide"]) for _ in range(8)
        )
        out.append(
            f"@article{{key{i},\n  author = {{Family{i}, Given and Other, A.}},\n  title = {{{words}}},\n"
            f"  journal = {{Journal {i % 50}}},\n  year = {{{2000 + i % 25}}},\n  doi = {{10.1000/x{i}}},\n}}\n"
        )
    return "\n".join(out)


@pytest.mark.slow
def test_killed_writer_leaves_the_complete_old_or_new_file(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    a = _big_library()
    lib = parse(a)
    b = render(lib.update_entries({e.key: e.set("note", f"edited {e.key}") for e in lib.entries[::3]}))
    assert a != b and len(a) > 1_000_000
    texts = {"old": a, "new": b}
    files = {k: tmp_path / f"{k}.src" for k in texts}
    for k, t in texts.items():
        files[k].write_text(t, encoding="utf-8")
    target = tmp_path / "library.bib"
    target.write_text(a, encoding="utf-8")
    os.chmod(target, 0o640)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

    def run(other: Path, kill_after: float | None) -> str:
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), str(other)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "writing": read and parse are done
        assert line == "writing\n", proc.stderr.read() if proc.stderr else ""
        if kill_after is None:
            t0 = time.perf_counter()
            assert proc.stdout.readline() == "done\n"  # printed right after the rename
            timing.append(time.perf_counter() - t0)
            proc.wait(30)
            return "finished"
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        return "killed" if proc.returncode == -signal.SIGKILL else "finished"

    # how long one write takes here (render + temp file + write + fsync + rename), best of 3
    timing: list[float] = []
    for k in ("new", "old", "new"):
        run(files[k], None)
    write_time = sorted(timing)[1]
    assert target.read_text(encoding="utf-8") == b
    target.write_text(a, encoding="utf-8")
    rnd = random.Random(20240611)
    outcomes = {"old": 0, "new": 0}
    killed = 0
    current = "old"
    iterations = 30
    # random points over the whole write; the first two are "at once" and "surely after the rename"
    delays = [0.0, write_time * 3] + [
        rnd.uniform(0, min(write_time, 0.5) * 1.5) for _ in range(iterations - 2)
    ]
    for delay in delays:
        other = "new" if current == "old" else "old"
        killed += run(files[other], delay) == "killed"
        data = target.read_bytes().decode("utf-8")  # must be complete UTF-8, too
        assert data in (texts[current], texts[other]), f"partial file after kill at {delay:.4f}s"
        result = current if data == texts[current] else other
        outcomes["old" if result == current else "new"] += 1
        assert stat.S_IMODE(target.stat().st_mode) == 0o640  # mode kept
        current = result
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in {"library.bib", "old.src", "new.src"}]
    assert all(n.startswith(".library.bib.") and n.endswith(".tmp") for n in leftovers), leftovers
    assert killed >= iterations // 2
    # with kills spread over the write, both outcomes occur
    assert outcomes["old"] > 0 and outcomes["new"] > 0, outcomes
    say(
        request,
        f"atomic write: {iterations} writers, {killed} killed mid-run (write takes {write_time:.3f} s): "
        f"old file kept {outcomes['old']}x, new file complete {outcomes['new']}x, never partial",
    )


def test_write_refuses_when_the_file_changed_on_disk(tmp_path: Path) -> None:
    p = tmp_path / "library.bib"
    p.write_text("@misc{a, title = {A}}\n", encoding="utf-8")
    lib, snap = read_library(p)
    p.write_text("@misc{a, title = {A}}\n@misc{b, title = {someone else's edit}}\n", encoding="utf-8")
    changed = lib.replace_entry("a", lib.get("a").set("year", "2020"))  # type: ignore[union-attr]
    with pytest.raises(ConcurrentModificationError) as ei:
        write_library(changed, snap, p)
    assert "changed on disk" in ei.value.message and ei.value.hint
    assert "someone else's edit" in p.read_text(encoding="utf-8")  # untouched
    # the file deleted meanwhile is a change too
    p.unlink()
    with pytest.raises(ConcurrentModificationError):
        write_library(changed, snap, p)
    assert not p.exists()


def test_write_keeps_mode_and_reports_no_change(tmp_path: Path) -> None:
    p = tmp_path / "library.bib"
    p.write_text("@misc{a, title = {A}}\n", encoding="utf-8")
    os.chmod(p, 0o600)
    lib, snap = read_library(p)
    assert write_library(lib, snap, p) is False
    lib2 = lib.replace_entry("a", lib.get("a").set("year", "2020"))  # type: ignore[union-attr]
    assert write_library(lib2, snap, p) is True
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert parse(p.read_text(encoding="utf-8")).get("a").get("year") == "2020"  # type: ignore[union-attr]
    assert [x.name for x in tmp_path.iterdir()] == ["library.bib"]  # no temp file left


def test_new_file_gets_default_mode_and_symlinks_are_followed(tmp_path: Path) -> None:
    real = tmp_path / "real.bib"
    write_text_atomic(real, "@misc{a,}\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(real.stat().st_mode) == 0o666 & ~umask
    link = tmp_path / "library.bib"
    link.symlink_to(real)
    lib, snap = read_library(link)
    write_library(lib.add(parse("@misc{b, title = {B}}").entries[0]), snap, link)
    assert link.is_symlink()
    assert "@misc{b" in real.read_text(encoding="utf-8")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    d = tmp_path / "ro"
    d.mkdir()
    p = d / "library.bib"
    p.write_text("@misc{a,}\n", encoding="utf-8")
    os.chmod(d, 0o500)
    try:
        with pytest.raises(InputError) as ei:
            write_text_atomic(p, "@misc{b,}\n")
        assert "cannot be written" in ei.value.message
    finally:
        os.chmod(d, 0o700)


def test_write_to_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as ei:
        write_text_atomic(tmp_path / "no" / "such" / "library.bib", "x\n")
    assert "cannot be written" in ei.value.message and ei.value.hint
