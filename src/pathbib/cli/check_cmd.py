"""`pathbib check`: lint library.bib (and the README with --readme); output for humans, JSON or GitHub (CLI edge: file I/O happens here)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..errors import ExitCode, UsageError
from .base import app, err, json_option, state
from .locking import lock_library

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..bibio import Snapshot
    from ..check import CheckContext, CheckResult
    from ..config import Settings
    from ..model import FieldChange, Library


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


def _validate(prefixes: list[str], option: str) -> None:
    from ..check import RULES

    for p in prefixes:
        if not any(r.startswith(p.upper()) for r in RULES):
            raise UsageError(
                f"{option} {p!r} matches no rule", "see `pathbib check --list-rules` for the rule ids"
            )


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return s.replace(":", "%3A").replace(",", "%2C") if prop else s


def _print_github(result: CheckResult, show_suppressed: bool) -> None:
    from ..check import RULES

    level = {"error": "error", "warning": "warning", "info": "notice"}
    for f in result.findings:
        props = [f"file={_gh_escape(f.path or '', True)}"] if f.path else []
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_gh_escape(f'{f.rule} {RULES[f.rule].name}', True)}")
        msg = (f"{f.key}: " if f.key else "") + f.message + (f" (fix: {f.fix})" if f.fix else "")
        typer.echo(f"::{level[f.severity]} {','.join(props)}::{_gh_escape(msg)}")
    if show_suppressed:
        for s in result.suppressed:
            typer.echo(f"suppressed {s.finding.rule} {s.finding.key}: {s.reason} ({s.where})")


def _print_human(result: CheckResult, show_suppressed: bool, readme_parser: str | None) -> None:
    from rich.console import Console
    from rich.markup import escape

    from ..check import RULES

    con = Console(highlight=False, soft_wrap=True)
    style = {"error": "bold red", "warning": "yellow", "info": "dim"}
    groups: dict[tuple[str, str], list[Any]] = {}
    paths = list(dict.fromkeys(f.path or "library" for f in result.findings))
    ordered = sorted(
        result.findings, key=lambda f: (paths.index(f.path or "library"), f.line or 0, f.key or "", f.rule)
    )
    for f in ordered:
        where = f.key if f.key else (f"line {f.line}" if f.line else "")
        groups.setdefault((f.path or "library", where), []).append(f)
    # one print for the whole report: rich's per-call overhead dominated on 35,000 findings
    out: list[str] = []
    last_path = None
    for (path, where), fs in groups.items():
        if path != last_path:
            out.append(f"[bold]{escape(path)}[/bold]")
            last_path = path
        line = fs[0].line if fs[0].key and fs[0].line else None
        out.append(f"  [cyan]{escape(where)}[/cyan]" + (f" [dim](line {line})[/dim]" if line else ""))
        for f in fs:
            out.append(
                f"    [{style[f.severity]}]{f.severity:<7}[/] {f.rule} [dim]{RULES[f.rule].name}[/dim]  "
                f"{escape(f.message)}"
            )
            if f.fix:
                out.append(f"            [dim]fix: {escape(f.fix)}[/dim]")
    if show_suppressed and result.suppressed:
        out.append("[bold]suppressed[/bold]")
        for s in result.suppressed:
            out.append(
                f"  {s.finding.rule} {escape(s.finding.key or '')}: {escape(s.reason)} [dim]({escape(s.where)})[/dim]"
            )
    info = len(result.findings) - result.errors - result.warnings
    summary = f"{result.errors} errors, {result.warnings} warnings, {info} info"
    if result.suppressed:
        summary += f", {len(result.suppressed)} suppressed" + (
            "" if show_suppressed else " (--show-suppressed lists them)"
        )
    if readme_parser:
        summary += f"; README read with {readme_parser}"
    out.append(("[bold red]" if result.errors else "[bold green]") + escape(summary) + "[/]")
    con.print("\n".join(out))


def _context(
    settings: Settings, readme: Path | None, records: Path | None, today: str | None
) -> CheckContext:
    """What the rules may consult: settings, the date, authoritative records, the README."""
    from ..check import CheckContext
    from ..sources.records import record_lookup

    try:
        now = date.fromisoformat(today) if today else date.today()
    except ValueError:
        raise UsageError(f"--today {today!r} is not a date", "use YYYY-MM-DD") from None
    return CheckContext(
        settings=settings,
        today=now,
        lookup=record_lookup(records, settings.cache_path, err),
        readme=_read_readme(readme) if readme is not None else None,
        readme_path=str(readme) if readme else "README.md",
    )


def _print_rules(explain_rule: str | None) -> None:
    """`--explain RULE` (its documentation) or `--list-rules` (one line per rule)."""
    from ..check import RULES, explain

    if explain_rule is not None:
        rid = explain_rule.strip().upper()
        if rid not in RULES:
            raise UsageError(f"unknown rule {explain_rule!r}", "see `pathbib check --list-rules`")
        typer.echo(explain(rid))
        return
    for r in RULES.values():
        flags = ("  (fixable)" if r.fixable else "") + ("  (--readme)" if r.readme else "")
        typer.echo(f"{r.id}  {r.severity:<7}  {r.name}{flags}")


def _write_fixes(lib: Library, snap: Snapshot, changes: Sequence[FieldChange], fmt: str) -> None:
    """Show the `--fix` changes and write them (the report goes to stderr when stdout is JSON)."""
    from ..bibio import write_library
    from ..check import apply_fixes

    out = err if fmt != "human" else typer.echo
    for c in changes:
        out(f"fix {c.key}: {c.field}: {c.old} -> {c.new}  [{c.reason}]")
    write_library(apply_fixes(lib, changes), snap, snap.path)
    out(f"{snap.path}: applied {len(changes)} fixes")


@app.command("check")
def check_command(
    ctx: typer.Context,
    readme: Path | None = typer.Option(
        None, "--readme", help="Also check this awesome-list README (numbering, counts, order, anchors)."
    ),
    as_json: bool = json_option("Print the findings as JSON (same as --format json)."),
    fmt: str = typer.Option(
        "human", "--format", help="Output: human, json or github (GitHub Actions annotations)."
    ),
    select: list[str] | None = typer.Option(
        None,
        "--select",
        help="Only these rule ids or prefixes (comma-separated or repeated), e.g. PB1,PB201.",
    ),
    ignore: list[str] | None = typer.Option(None, "--ignore", help="Skip these rule ids or prefixes."),
    fix: bool = typer.Option(
        False,
        "--fix",
        help="Apply the safe mechanical fixes (tracking parameters, DOI form) after showing them.",
    ),
    show_suppressed: bool = typer.Option(
        False, "--show-suppressed", help="List suppressed findings with their reasons."
    ),
    explain_rule: str | None = typer.Option(
        None, "--explain", metavar="RULE", help="Print the documentation of a rule and exit."
    ),
    list_rules: bool = typer.Option(False, "--list-rules", help="List the rule ids and names and exit."),
    records: Path | None = typer.Option(
        None,
        "--records",
        help="CSL-JSON or BibTeX file of authoritative records (survey and preprint rules).",
    ),
    today: str | None = typer.Option(
        None, "--today", metavar="YYYY-MM-DD", help="Date used by the future-date rule (default: today)."
    ),
) -> int:
    """Lint library.bib: duplicates, links, scope, contradictions, identifiers, keys, the survey; exit 1 on errors."""
    from ..check import apply_fixes, fixes_for, run_check

    if explain_rule is not None or list_rules:
        _print_rules(explain_rule)
        return ExitCode.OK
    fmt = "json" if as_json else fmt.lower()
    if fmt not in ("human", "json", "github"):
        raise UsageError(f"unknown --format {fmt!r}", "use human, json or github")
    sel, ign = _split(select), _split(ignore)
    _validate(sel, "--select")
    _validate(ign, "--ignore")

    from ..bibio import read_library

    st = state(ctx)
    settings = st.settings()
    path = settings.library
    if fix:
        lock_library(ctx, path)
    lib, snap = read_library(path)
    cctx = _context(settings, readme, records, today)
    result = run_check(lib, cctx, sel, ign)
    if not settings.scope.terms and not sel:
        err(
            "note: [scope] terms are not set in pathbib.toml, so the off-topic rule PB201 is off "
            "(see `pathbib check --explain PB201`)"
        )

    if fix:
        changes = fixes_for(lib, result)
        if changes:
            _write_fixes(lib, snap, changes, fmt)
            result = run_check(apply_fixes(lib, changes), cctx, sel, ign)
        elif fmt == "human":
            typer.echo("nothing to fix")

    _print_result(result, fmt, show_suppressed)
    return ExitCode.FINDINGS if result.errors else ExitCode.OK


def _read_readme(readme: Path) -> str:
    """The text of the --readme file; `InputError` naming it when it cannot be read."""
    from ..errors import InputError

    try:
        return readme.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", "pass the README with --readme PATH", path=str(readme)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot be read: {exc}", "pass a UTF-8 Markdown file", path=str(readme)) from None


def _print_result(result: CheckResult, fmt: str, show_suppressed: bool) -> None:
    """The findings as JSON, GitHub annotations or the human report, on stdout."""
    from ..check import to_json

    if fmt == "json":
        data = to_json(result)
        if result.readme_parser is not None:
            data["summary"]["readme_parser"] = result.readme_parser
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif fmt == "github":
        _print_github(result, show_suppressed)
    else:
        _print_human(result, show_suppressed, result.readme_parser)
