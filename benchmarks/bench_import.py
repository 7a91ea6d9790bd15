"""Time reading + importing the largest corpus list against a plain Markdown parse of the same file.

Usage: python benchmarks/bench_import.py [--readme PATH] [--repeat R] [--all]

Input: ../shared/corpora/awesome-lists/MrNeRF__awesome-3D-gaussian-splatting.md (385 KB, ~220
papers, one heading per paper, abstracts in <details>) unless --readme is given. Measured in one
process, median CPU time (user + system, child processes included) of R runs each — wall time on
a shared machine mostly measures the other processes:

- `read`:   decode + `parse_list` (markdown-it tokens, structure walk, recognisers, HTML blocks);
- `import`: `read` + `import_list` into an empty library (entries, keys, merge) — the target
            is < 2 s;
- peer `markdown-it-py`: `MarkdownIt("commonmark").enable("table").parse(text)` on the same text,
  the floor any token-based reader pays; ratio = read / peer;
- peer `pandoc -f gfm -t json` (a separate process, startup included) when pandoc is on PATH or in
  benchmarks/.peers.

It then reads the list repeated 1, 2 and 4 times (the time per copy stays flat when reading is
linear), and --all times `read` on every corpus list (one line each).
Prints a table; not a test.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from markdown_it import MarkdownIt  # noqa: E402

from pathbib.importer import import_list  # noqa: E402
from pathbib.importers.markdown import decode_readme, parse_list  # noqa: E402
from pathbib.model import Library  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "awesome-lists"
DEFAULT = CORPUS / "MrNeRF__awesome-3D-gaussian-splatting.md"


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of `fn` (this process and its children): robust to a loaded machine."""
    times = []
    for _ in range(repeat):
        t0 = _cpu()
        fn()
        times.append(_cpu() - t0)
    return statistics.median(times)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def pandoc() -> str | None:
    local = (
        next(iter(sorted((HERE / ".peers").rglob("pandoc"))), None) if (HERE / ".peers").exists() else None
    )
    if local is not None and local.is_file():
        return str(local)
    return shutil.which("pandoc")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readme", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--all", action="store_true", help="also time the reader on every corpus list")
    args = ap.parse_args()
    if not args.readme.exists():
        print(f"{args.readme} is absent (../shared/ is not beside this clone)", file=sys.stderr)
        return 2
    data = args.readme.read_bytes()
    text = decode_readme(data, str(args.readme))
    md = MarkdownIt("commonmark").enable("table")
    parsed = parse_list(text, str(args.readme))
    res = import_list(parsed, Library(), path=str(args.readme))

    t_read = median_time(lambda: parse_list(decode_readme(data, "x"), "x"), args.repeat)
    t_import = median_time(
        lambda: import_list(parse_list(decode_readme(data, "x"), "x"), Library(), path="x"), args.repeat
    )
    t_md = median_time(lambda: md.parse(text), args.repeat)
    rows = [
        ("read (decode + parse_list)", t_read),
        ("read + import_list", t_import),
        ("peer: markdown-it-py parse", t_md),
    ]
    pd = pandoc()
    if pd:
        t_pd = median_time(
            lambda: subprocess.run(
                [pd, "-f", "gfm", "-t", "json", str(args.readme)], capture_output=True, check=True
            ),
            args.repeat,
        )
        rows.append(("peer: pandoc -f gfm -t json (process)", t_pd))
    print(
        f"{args.readme.name}: {len(data) / 1024:.0f} KB, {len(parsed.items)} papers, "
        f"{len(res.report.created)} entries created, median CPU time of {args.repeat} runs"
    )
    for name, t in rows:
        print(f"  {name:<40} {t * 1000:8.1f} ms")
    print(f"  ratio read / markdown-it-py parse        {t_read / t_md:8.2f}x")
    if pd:
        print(f"  ratio read / pandoc                      {t_read / rows[-1][1]:8.2f}x")
    print(f"  target: read + import < 2 s             {'met' if t_import < 2 else 'NOT MET'}")
    # linear in the size: the same list 1, 2 and 4 times over (CPU ms per copy should stay flat)
    print("\nscaling (the list repeated n times): n, KB, CPU ms, ms per copy")
    for n in (1, 2, 4):
        big = (text + "\n\n") * n
        t = median_time(lambda big=big: parse_list(big, "x"), max(1, args.repeat // 2))
        print(f"  {n}  {len(big.encode()) / 1024:7.0f}  {t * 1000:8.1f}  {t * 1000 / n:8.1f}")
    if args.all:
        print("\nper list (read only): KB, ms, µs per KB")
        for p in sorted(CORPUS.glob("*.md")):
            if p.name == "MANIFEST.md":
                continue
            b = p.read_bytes()
            t = median_time(lambda b=b: parse_list(decode_readme(b, "x"), "x"), max(1, args.repeat // 2))
            print(f"  {p.name:<62} {len(b) / 1024:6.0f} {t * 1000:7.1f} {t * 1e6 / (len(b) / 1024):7.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
