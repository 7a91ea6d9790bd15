"""`pathbib enrich` and `pathbib add` (CLI edge: file I/O happens here)."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..errors import ExitCode
from .base import app, dry_run_option, err, json_option, state
from .locking import lock_library

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..enrich import Plan
    from ..sources.lookup import Session
    from .base import State

SOURCES_HELP = "crossref, arxiv or file:PATH (CSL-JSON or BibTeX); repeatable. Default: crossref and arxiv."


def _mailto(st: State) -> str:
    import re

    from ..config_check import CONSTRAINTS
    from ..errors import UsageError

    env = st.env.get("PATHBIB_MAILTO", "").strip()
    rule = CONSTRAINTS["enrich.mailto"]
    if (
        env and isinstance(rule, str) and not re.fullmatch(rule, env)
    ):  # pathbib.toml's value is checked on load
        raise UsageError(
            f"PATHBIB_MAILTO={env!r} is not an e-mail address in ASCII",
            "set it to an address such as you@example.org, or unset it",
        )
    return (env or st.settings().enrich.mailto or "").strip()


def _open(
    st: State, sources: list[str], offline: bool, refresh: bool, progress: Callable[[int], None] | None = None
) -> Session:
    from ..sources.lookup import open_session

    s = st.settings()
    mailto = _mailto(st)
    sess = open_session(
        s.enrich,
        sources or ["crossref", "arxiv"],
        mailto=mailto,
        offline=offline,
        refresh=refresh,
        cache_path=s.cache_path,
        clock=time.monotonic,
        wall=time.time,
        sleep=time.sleep,
        progress=progress or (lambda n: None),
        warn=err,
    )
    if sess.public_pool and not offline:
        err(
            "note: no contact address set: using Crossref's public pool (slower). "
            "Set enrich.mailto in pathbib.toml or PATHBIB_MAILTO to use the polite pool."
        )
    return sess


def _provenance_sidecar(path: Path, p: Plan) -> list[tuple[Path, str]]:
    """The sidecar at `path` (`Settings.provenance_path`) merged with the plan's provenance: its
    new text, written together with the library (`journal.write_library_unit`)."""
    from ..enrich import merge_provenance, render_provenance

    if not p.provenance:
        return []
    existing: Any = {}
    if path.exists():
        try:
            existing = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            existing = {}
    if not isinstance(existing, dict):
        existing = {}
    return [(path, render_provenance(merge_provenance(existing, p)))]


def _show_diff(p: Plan) -> None:
    cur = None
    for c in p.changes:
        if c.key != cur:
            typer.echo(f"@{c.key}")
            cur = c.key
        mark = {"fill": "+", "update": "~", "conflict": "!"}.get(c.kind, "?")
        old = "" if c.old is None else f"{c.old!r} -> "
        typer.echo(f"  {mark} {c.field}: {old}{c.new!r}  [{c.source}{'; ' + c.reason if c.reason else ''}]")


def _summary(p: Plan, requests: dict[str, int]) -> None:
    from rich.console import Console
    from rich.table import Table

    s = p.summary()
    t = Table(title="pathbib enrich", show_header=True)
    t.add_column("result")
    t.add_column("entries", justify="right")
    for label, k in (
        ("filled", "filled"),
        ("conflicts only", "conflicts"),
        ("unchanged", "unchanged"),
        ("suggestions", "suggested"),
        ("refused", "refused"),
        ("not found", "not-found"),
        ("errors", "error"),
        ("skipped (locked)", "skipped"),
    ):
        t.add_row(label, str(s.get(k, 0)))
    t.add_row(
        "fields filled / updated / in conflict",
        f"{s['fields filled']} / {s['fields updated']} / {s['field conflicts']}",
    )
    if requests:
        t.add_row("requests", ", ".join(f"{k} {v}" for k, v in sorted(requests.items())))
    Console(stderr=True).print(t)


def _findings(p: Plan) -> None:
    for f in p.findings:
        if f.rule == "EN301":
            continue  # conflicts are listed in the diff
        err(f"{f.severity}: {f.key}: {f.message}" + (f" (fix: {f.fix})" if f.fix else ""))


@app.command("enrich")
def enrich_command(
    ctx: typer.Context,
    source: list[str] | None = typer.Option(None, "--source", help=SOURCES_HELP),
    offline: bool = typer.Option(False, "--offline", help="Use only cached records; make no request."),
    refresh: bool = typer.Option(False, "--refresh", help="Ignore cached records and fetch again."),
    dry_run: bool = dry_run_option("Show the changes; write nothing."),
    as_json: bool = json_option("Print a JSON report on stdout."),
    only: list[str] | None = typer.Option(None, "--only", help="Enrich only this citation key (repeatable)."),
    since: str = typer.Option(
        "", "--since", help="Only entries published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."
    ),
    prefer_remote: list[str] | None = typer.Option(
        None,
        "--prefer-remote",
        help="Take the source's value on conflict: a FIELD, 'all', or KEY:FIELD / KEY:* (repeatable).",
    ),
    no_search: bool = typer.Option(
        False, "--no-search", help="Resolve identifiers only; no bibliographic search."
    ),
) -> int:
    """Complete entries from Crossref, arXiv or a local metadata file (conflicts keep the library's value)."""
    from ..bibio import read_library
    from ..enrich import Options, apply, changes_as_json, plan
    from ..errors import UsageError
    from ..journal import write_library_unit

    if offline and refresh:
        raise UsageError("--offline and --refresh contradict each other", "use one of them")
    st = state(ctx)
    s = st.settings()
    path = s.library
    if not dry_run:
        lock_library(ctx, path)
    lib, snap = read_library(path)
    opts = Options(
        prefer_remote=frozenset(prefer_remote or ()),
        locked=frozenset(s.enrich.locked),
        only=frozenset(only or ()),
        since=since,
        search=not no_search,
        today=date.today().isoformat(),
    )
    missing = sorted(set(only or ()) - {e.key for e in lib.entries})
    if missing:
        raise UsageError(f"--only: no entry with key {', '.join(missing)}", "check the citation keys")
    show_progress = not as_json and sys.stderr.isatty()
    progress_ctx: Any = None
    tick: Any = None
    if show_progress:
        from rich.progress import Progress

        progress_ctx = Progress(transient=True)
        task = progress_ctx.add_task("looking up", total=None)
        tick = lambda n: progress_ctx.advance(task, n)  # noqa: E731
        progress_ctx.start()
    sess = _open(st, list(source or ()), offline, refresh, tick)
    try:
        p = plan(lib, sess.lookup, opts)
    finally:
        sess.close()
        if progress_ctx is not None:
            progress_ctx.stop()
    if as_json:
        rep = changes_as_json(p)
        rep["requests"] = sess.requests
        rep["dry_run"] = dry_run
        typer.echo(json.dumps(rep, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        _show_diff(p)
        _findings(p)
    if not dry_run and p.applied:
        write_library_unit(apply(lib, p), snap, path, _provenance_sidecar(s.provenance_path, p))
    if not as_json:
        _summary(p, sess.requests)
        if dry_run:
            err("dry run: nothing written")
    return ExitCode.NETWORK if any(r.status == "error" for r in p.results) else ExitCode.OK


@app.command("add")
def add_command(
    ctx: typer.Context,
    identifier: str = typer.Argument(..., help="A DOI, an arXiv id, or a URL containing one."),
    section: str = typer.Option("", "--section", help="list-section id of the new entry."),
    source: list[str] | None = typer.Option(None, "--source", help=SOURCES_HELP),
    offline: bool = typer.Option(False, "--offline", help="Use only cached records."),
    dry_run: bool = dry_run_option("Print the entry; write nothing."),
) -> int:
    """Create a complete entry from a DOI, arXiv id or URL and append it to library.bib."""
    from ..add import add_entry, parse_identifier, refuse_known
    from ..bibio import format_entry, read_library
    from ..enrich import Plan
    from ..journal import write_library_unit

    st = state(ctx)
    s = st.settings()
    ids = parse_identifier(identifier)  # usage errors before any source is opened
    if not dry_run:
        lock_library(ctx, s.library)
    lib, snap = read_library(s.library, missing_ok=True)
    refuse_known(lib, ids)
    sess = _open(st, list(source or ()), offline, False)
    try:
        added = add_entry(lib, identifier, sess.lookup, section=section, today=date.today().isoformat())
    finally:
        sess.close()
    if dry_run:
        typer.echo(format_entry(added.entry))
        return ExitCode.OK
    sidecar = _provenance_sidecar(
        s.provenance_path, Plan(added.plan.changes, added.plan.findings, added.plan.results, added.provenance)
    )
    write_library_unit(lib.add(added.entry), snap, s.library, sidecar)
    typer.echo(
        f"added {added.entry.key} ({added.matched}{'; published: ' + added.published if added.published else ''})"
    )
    return ExitCode.OK
