"""Import scales linearly: N synthetic list items → library.bib, against bibtexparser reading the result.

Usage: python benchmarks/bench_import_scale.py [--items N] [--repeat R] [--cli-only]

Makes an awesome-list README of N items in the seed's layout (numbered bold titles, venue,
date, authors, PDF and code sub-bullets; 40 sections; every 50th item repeats an earlier paper,
every 97th shares its paper link
with another paper under a different title; 20,000 items stay under the reader's 5 MB limit), then times:

- `import`: `parse_list` (the Markdown reader) and `import_list` (items → entries, merged) into
  an empty library (every entry created), timed separately;
- `re-import`: `import_list` of the same list into the library it produced (every item matched,
  0 changes);
- the peer: bibtexparser 2 parsing the library.bib text that import wrote (the cost of merely
  reading the result with the most used Python BibTeX library).

Issue 16 measured the old importer at 1,000 items 19 s and 4,000 items 229 s (a scan of the library
per item); the target is N = 20,000 in < 10 s. Prints medians, items per second and the ratios
import / peer at N and at N/4 (a linear import keeps the time per item flat). Not a test.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pathbib.bibio import render  # noqa: E402
from pathbib.importer import import_list  # noqa: E402
from pathbib.importers.markdown import parse_list  # noqa: E402
from pathbib.model import Library  # noqa: E402

WORDS = (
    "pathology slide tissue gland nucleus foundation model transformer contrastive stain cancer survival "
    "graph attention multiple instance learning segmentation detection grading prognosis atlas"
).split()


def title(i: int) -> str:
    """A distinct title for paper i (words chosen by the digits of i, plus the number spelled in letters)."""
    words = [WORDS[(i * 7 + k * 13) % len(WORDS)] for k in range(6)]
    tag = "".join(chr(97 + int(d)) for d in str(i))
    return f"{' '.join(words).capitalize()} {tag}"


def arxiv(i: int) -> str:
    return f"https://arxiv.org/abs/{2001 + (i // 90000) % 12:04d}.{10000 + i % 90000:05d}"


def readme(n: int) -> str:
    out = ["# Awesome synthetic list", "", "## Papers", ""]
    per = max(1, n // 40)
    for i in range(n):
        if i % per == 0:
            out += [f"### Section {i // per}", ""]
        paper = i - 7 if i % 50 == 49 else i  # a repeated item: the same paper again
        link = arxiv(i - 3) if i % 97 == 96 else arxiv(paper)  # a copy-paste slip: another paper's link
        ind = " " * len(f"{i + 1}. ")  # sub-bullets nest under the item's text (CommonMark)
        out += [
            f"{i + 1}. **{title(paper)}**",
            f"{ind}- Journal: MedIA, {2015 + paper % 10}",
            f"{ind}- Date: {2015 + paper % 10}-03-{1 + paper % 28:02d}",
            f"{ind}- Authors: A. Lopez{paper % 300}, B. Li",
            f"{ind}- [PDF]({link})",
            f"{ind}- [Code](https://github.com/l{paper % 500}/r{paper})",
        ]
    return "\n".join(out) + "\n"


def median_time(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Median wall time of `fn()` with the cyclic GC paused, as the CLI runs every command (cli/app.py)."""
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
        finally:
            gc.enable()
    return statistics.median(times), out


def cli_time(text: str) -> tuple[float, float]:
    """(wall, CPU) seconds of `pathbib import README.md` in a fresh folder (reads, merges, writes library.bib).

    CPU is the child's user + system time: on a shared machine it varies far less than the wall time."""
    with tempfile.TemporaryDirectory() as d:
        Path(d, "README.md").write_text(text, encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pathbib", "import", "README.md"], cwd=d, capture_output=True, text=True
        )
        took = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        assert proc.returncode == 0, proc.stderr[-2000:]
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(n: int, repeat: int) -> dict[str, float]:
    text = readme(n)
    t_parse, parsed_list = median_time(lambda: parse_list(text, "synthetic.md"), repeat)
    t_merge, res = median_time(lambda: import_list(parsed_list, Library(), path="synthetic.md"), repeat)
    t_import = t_parse + t_merge
    lib = res.library  # type: ignore[attr-defined]
    bib = render(lib)
    t_again, again = median_time(lambda: import_list(parsed_list, lib, path="synthetic.md"), repeat)
    rep = again.report  # type: ignore[attr-defined]
    assert not rep.created and not rep.updated, "re-import must change nothing"
    import bibtexparser

    t_peer, parsed = median_time(lambda: bibtexparser.parse_string(bib), repeat)
    n_entries = len(lib.entries)
    assert len(parsed.entries) == n_entries  # type: ignore[attr-defined]
    print(
        f"items {n:>6}: entries {n_entries:>6} | read Markdown {t_parse:6.2f} s + import_list {t_merge:6.2f} s "
        f"= {t_import:6.2f} s | re-import_list {t_again:6.2f} s | bibtexparser parse {t_peer:6.2f} s | "
        f"import_list / peer {t_merge / t_peer:5.2f}, whole import / peer {t_import / t_peer:5.2f}"
    )
    return {"import": t_import, "merge": t_merge, "parse": t_parse, "again": t_again, "peer": t_peer}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--cli-only", action="store_true", help="only time `pathbib import` end to end (--repeat runs)"
    )
    args = ap.parse_args()
    if args.cli_only:
        runs = [cli_time(readme(args.items)) for _ in range(args.repeat)]
        for wall, cpu in runs:
            print(f"`pathbib import` of {args.items} items: wall {wall:.2f} s, CPU {cpu:.2f} s")
        wall = statistics.median(w for w, _c in runs)
        print(
            f"{'PASS' if wall < 10 else 'FAIL'}: median wall {wall:.2f} s, median CPU "
            f"{statistics.median(c for _w, c in runs):.2f} s (target < 10 s)"
        )
        return 0 if wall < 10 else 1
    small = run(args.items // 4, args.repeat)
    big = run(args.items, args.repeat)
    names = {"merge": "import_list", "again": "re-import_list", "parse": "read Markdown"}
    for part, name in names.items():
        per_small, per_big = small[part] / (args.items // 4), big[part] / args.items
        print(
            f"{name}: time per item at N/4 and N: "
            f"{per_small * 1e6:.0f} us, {per_big * 1e6:.0f} us (ratio {per_big / per_small:.2f}; "
            "1.0 = linear, 4.0 = quadratic)"
        )
    cli, cpu = cli_time(readme(args.items))
    print(
        f"`pathbib import` of {args.items} items, end to end (read, merge, write library.bib): {cli:.2f} s "
        f"(CPU {cpu:.2f} s) = {cli / big['peer']:.2f} x bibtexparser parsing the result"
    )
    verdict = "PASS" if cli < 10 else "FAIL"
    print(f"{verdict}: {args.items} items imported in {cli:.2f} s (target < 10 s)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
