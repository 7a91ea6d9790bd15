"""`pathbib enrich` and `pathbib add` (CLI edge: file I/O happens here)."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import typer

from .app import app, err, state
from .locking import lock_library

SOURCES_HELP = "crossref, arxiv or file:PATH (CSL-JSON or BibTeX); repeatable. Default: crossref and arxiv."


def _mailto(st: Any) -> str:
    return (st.env.get("PATHBIB_MAILTO") or st.settings().enrich.mailto or "").strip()


def _open(st: Any, sources: list[str], offline: bool, refresh: bool, progress: Any = None) -> Any:
    from ..sources.lookup import open_session

    s = st.settings()
    mailto = _mailto(st)
    cache = Path(s.enrich.cache)
    if not cache.is_absolute():
        cache = s.root / cache
    sess = open_session(
        s.enrich, sources or ["crossref", "arxiv"], mailto=mailto, offline=offline, refresh=refresh,
        cache_path=cache, clock=time.monotonic, wall=time.time, sleep=time.sleep,
        progress=progress or (lambda n: None),
    )
    if sess.public_pool and not offline:
        err("note: no contact address set: using Crossref's public pool (slower). "
            "Set enrich.mailto in pathbib.toml or PATHBIB_MAILTO to use the polite pool.")
    return sess


def _provenance_path(library: Path) -> Path:
    return library.with_name(library.stem + ".provenance.json")


def _provenance_sidecar(library: Path, p: Any) -> list[tuple[Path, str]]:
    """The provenance file's new text, to be written together with the library."""
    from ..enrich import merge_provenance, render_provenance

    if not p.provenance:
        return []
    path = _provenance_path(library)
    existing: Any = {}
    if path.exists():
        try:
            existing = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            existing = {}
    if not isinstance(existing, dict):
        existing = {}
    return [(path, render_provenance(merge_provenance(existing, p)))]


def _show_diff(p: Any) -> None:
    cur = None
    for c in p.changes:
        if c.key != cur:
            typer.echo(f"@{c.key}")
            cur = c.key
        mark = {"fill": "+", "update": "~", "conflict": "!"}.get(c.kind, "?")
        old = "" if c.old is None else f"{c.old!r} -> "
        typer.echo(f"  {mark} {c.field}: {old}{c.new!r}  [{c.source}{'; ' + c.reason if c.reason else ''}]")


def _summary(p: Any, requests: dict[str, int]) -> None:
    from rich.console import Console
    from rich.table import Table

    s = p.summary()
    t = Table(title="pathbib enrich", show_header=True)
    t.add_column("result")
    t.add_column("entries", justify="right")
    for label, k in (("filled", "filled"), ("conflicts only", "conflicts"), ("unchanged", "unchanged"),
                     ("suggestions", "suggested"), ("refused", "refused"), ("not found", "not-found"),
                     ("errors", "error"), ("skipped (locked)", "skipped")):
        t.add_row(label, str(s.get(k, 0)))
    t.add_row("fields filled / updated / in conflict",
              f"{s['fields filled']} / {s['fields updated']} / {s['field conflicts']}")
    if requests:
        t.add_row("requests", ", ".join(f"{k} {v}" for k, v in sorted(requests.items())))
    Console(stderr=True).print(t)


def _findings(p: Any) -> None:
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
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the changes; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON report on stdout."),
    only: list[str] | None = typer.Option(None, "--only", help="Enrich only this citation key (repeatable)."),
    since: str = typer.Option("", "--since", help="Only entries published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
    prefer_remote: list[str] | None = typer.Option(
        None, "--prefer-remote", help="Take the source's value on conflict: a FIELD, 'all', or KEY:FIELD / KEY:* (repeatable)."
    ),
    no_search: bool = typer.Option(False, "--no-search", help="Resolve identifiers only; no bibliographic search."),
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
        prefer_remote=frozenset(prefer_remote or ()), locked=frozenset(s.enrich.locked), only=frozenset(only or ()),
        since=since, search=not no_search, today=date.today().isoformat(),
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
        write_library_unit(apply(lib, p), snap, path, _provenance_sidecar(path, p))
    if not as_json:
        _summary(p, sess.requests)
        if dry_run:
            err("dry run: nothing written")
    return 3 if any(r.status == "error" for r in p.results) else 0


def _already_there(lib: Any, new: Any) -> tuple[str, str] | None:
    """The key of a library entry for the same work as the resolved `new` entry, and why."""
    from ..enrich import entry_ids
    from ..matching import normalize_title

    ids = entry_ids(new)
    title = normalize_title(new.get("title") or "")
    for e in lib.entries:
        other = entry_ids(e)
        if ids.doi and other.doi == ids.doi:
            return e.key, f"same DOI {ids.doi}"
        if ids.arxiv and other.arxiv == ids.arxiv:
            return e.key, f"same arXiv id {ids.arxiv}"
        if title and len(title) > 20 and title in {normalize_title(e.get(f) or "") for f in ("title", "list-title")}:
            return e.key, "same title"
    return None


@app.command("add")
def add_command(
    ctx: typer.Context,
    identifier: str = typer.Argument(..., help="A DOI, an arXiv id, or a URL containing one."),
    section: str = typer.Option("", "--section", help="list-section id of the new entry."),
    source: list[str] | None = typer.Option(None, "--source", help=SOURCES_HELP),
    offline: bool = typer.Option(False, "--offline", help="Use only cached records."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the entry; write nothing."),
) -> int:
    """Create a complete entry from a DOI, arXiv id or URL and append it to library.bib."""
    from ..bibio import format_entry, read_library
    from ..enrich import Ids, Options, apply, entry_ids, new_entry_fields, plan
    from ..errors import SourceNotFound, UsageError
    from ..identifiers import extract_identifiers, normalize_arxiv, normalize_doi
    from ..journal import write_library_unit
    from ..keys import make_key
    from ..model import Entry, Field, Library
    from ..scoring import families_of

    st = state(ctx)
    s = st.settings()
    ident = identifier.strip()
    found = extract_identifiers(ident) if "://" in ident else {}
    ids = Ids(
        found.get("doi") or normalize_doi(ident) or "",
        found.get("arxiv") or ("" if normalize_doi(ident) else normalize_arxiv(ident) or ""),
        found.get("pii", ""),
    )
    if not (ids.doi or ids.arxiv or ids.pii):
        raise UsageError(f"{identifier!r} is not a DOI, an arXiv id or a URL with one", "e.g. pathbib add 10.1038/s41591-024-02857-3")
    if not dry_run:
        lock_library(ctx, s.library)
    lib, snap = read_library(s.library, missing_ok=True)
    for e in lib.entries:
        other = entry_ids(e)
        if (ids.doi and other.doi == ids.doi) or (ids.arxiv and other.arxiv == ids.arxiv):
            raise UsageError(f"already in the library as {e.key}", f"run `pathbib enrich --only {e.key}` to complete it")
    draft = Entry("misc", "pathbib-new", tuple(Field(n, v) for n, v in new_entry_fields(ids)))
    sess = _open(st, list(source or ()), offline, False)
    try:
        p = plan(Library((draft,)), sess.lookup, Options(search=False, today=date.today().isoformat()))
    finally:
        sess.close()
    res = p.results[0]
    if not res.matched:
        for f in p.findings:
            err(f"{f.severity}: {f.message}")
        raise SourceNotFound(f"no record found for {identifier}", "check the identifier, or try another --source")
    entry = apply(Library((draft,)), p).entries[0]
    dup = _already_there(lib, entry)
    if dup is not None:
        dup_key, why = dup
        raise UsageError(f"{identifier} resolves to a work already in the library as {dup_key} ({why})",
                         f"nothing added; run `pathbib enrich --only {dup_key}` to complete {dup_key}")
    fams = families_of([a.strip() for a in (entry.get("author") or "").split(" and ")])
    key = make_key(fams[0] if fams else None, entry.get("year"), entry.get("title"), {e.key for e in lib.entries})
    entry = entry.with_key(key)
    if section:
        entry = entry.set("list-section", section)
    if dry_run:
        typer.echo(format_entry(entry))
        return 0
    prov = next(iter(p.provenance.values()), {})
    sidecar = _provenance_sidecar(s.library, type(p)(p.changes, p.findings, p.results, {key: prov} if prov else {}))
    write_library_unit(lib.add(entry), snap, s.library, sidecar)
    typer.echo(f"added {key} ({res.matched}{'; published: ' + res.published if res.published else ''})")
    return 0
