"""Smoke test of benchmarks/run.py: quick mode, tiny input, no peers, no network."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import DATA, ROOT

RUN = ROOT / "benchmarks" / "run.py"
TINY = DATA / "bench" / "tiny.bib"


def test_benchmark_quick_smoke(tmp_path: Path) -> None:
    results = tmp_path / "results"
    proc = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--quick",
            "--no-peers",
            "--no-install",
            "--input",
            str(TINY),
            "--sizes",
            "1,2,3",
            "--build-size",
            "3",
            "--results",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((results / "latest.json").read_text(encoding="utf-8"))
    by = {(r["task"], r["tool"]): r for r in report["results"]}
    expected = [
        ("csl", "pathbib"),
        ("rw", "pathbib"),
        ("fmt", "pathbib"),
        ("check", "pathbib"),
        ("build", "pathbib build"),
        ("build", "pathbib csl"),
        ("startup", "pathbib --help"),
        ("startup", "import typer"),
        ("memory-1", "pathbib"),
        ("memory-2", "pathbib"),
        ("memory-3", "pathbib"),
    ]
    for key in expected:
        r = by[key]
        assert r["ok"], (key, r["error"])
        assert r["wall_median"] > 0 and r["rss_mb_max"] > 0, key
    # no peer ran: --no-peers means pathbib only
    assert {tool for _task, tool in by} <= {t for _k, t in expected} | {"pathbib --version"}
    assert by[("csl", "pathbib")]["notes"]["items"] == 3
    assert by[("rw", "pathbib")]["notes"]["byte_identical"] is True
    assert by[("memory-3", "pathbib")]["entries"] == 3
    points = {a["point"]: a for a in report["acceptance"]}
    assert any(p.startswith("startup:") for p in points)
    assert "pathbib --help" in proc.stdout and "wall s" in proc.stdout
    assert TINY.read_text(encoding="utf-8").startswith("@string")  # fmt worked on a copy


# --------------------------------------------------------------------------- fast paths keep outputs


def test_csl_bytes_export_equals_text_export() -> None:
    """`export csl-json -o` builds UTF-8 bytes item by item; same bytes as the str export."""
    from conftest import shared_path
    from pathbib.bibio import parse
    from pathbib.exporters.csl_json import export_csl_json, export_csl_json_bytes

    texts = [
        TINY.read_text(encoding="utf-8"),
        "",
        "@comment{nothing}\n",
        "@misc{astral, title = {A $\\mathscr{l}$ and \U0001d4c1 title}}\n",
    ]
    texts.append(shared_path("corpora/bib-samples/biblatex-examples.bib").read_text(encoding="utf-8"))
    for text in texts:
        lib = parse(text)
        assert export_csl_json_bytes(lib) == export_csl_json(lib).encode("utf-8")


def test_cli_restores_garbage_collection() -> None:
    """The CLI pauses the cyclic GC while a command runs and restores it afterwards."""
    import gc

    from pathbib.cli import main

    assert gc.isenabled()
    assert main(["--version"]) == 0
    assert gc.isenabled()
