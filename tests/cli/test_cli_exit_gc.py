"""A console run freezes the heap before the interpreter exits; an in-process call does not (perf-csl2).

The interpreter's shutdown runs full collections even with GC disabled; `main()` as the console
entry point (argv None) ends with `gc.freeze()` so that they skip what the command left alive.
`main([...])` is for in-process callers: GC is enabled again and nothing is frozen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import gc, json, sys
from pathbib.cli import main
argv = json.loads(sys.argv[1])
if argv is None:
    sys.argv = ["pathbib", *json.loads(sys.argv[2])]
    rc = main()
else:
    rc = main(argv)
print(json.dumps({"rc": rc, "frozen": gc.get_freeze_count(), "enabled": gc.isenabled()}))
"""

BIB = "@article{a, author = {Ann Smith}, title = {Masked Autoencoders That Listen}, year = {2020}}\n"


def _probe(tmp_path: Path, console: bool) -> dict[str, object]:
    lib = tmp_path / "library.bib"
    lib.write_text(BIB, encoding="utf-8")
    args = ["-C", str(lib), "export", "csl-json", "-o", str(tmp_path / "out.json")]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run(
        [sys.executable, "-c", PROBE, "null" if console else json.dumps(args), json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    out: dict[str, object] = json.loads(r.stdout.strip().splitlines()[-1])
    assert (
        json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))[0]["title"]
        == "Masked autoencoders that listen"
    )
    return out


def test_console_run_freezes_the_heap(tmp_path: Path) -> None:
    got = _probe(tmp_path, console=True)
    assert got["rc"] == 0
    assert isinstance(got["frozen"], int) and got["frozen"] > 1000


def test_in_process_call_keeps_gc(tmp_path: Path) -> None:
    got = _probe(tmp_path, console=False)
    assert got == {"rc": 0, "frozen": 0, "enabled": True}
