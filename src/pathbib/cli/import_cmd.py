"""`pathbib import README.md` (CLI edge: file I/O happens here)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..errors import ExitCode
from .base import app, dry_run_option, err, json_option, state
from .locking import lock_library

if TYPE_CHECKING:
    from ..config import Settings
    from ..importer import ImportResult
    from ..importers.markdown import ParsedList


@app.command("import")
def import_command(
    ctx: typer.Context,
    readme: Path = typer.Argument(..., help="The awesome-list README (Markdown) to import."),
    dry_run: bool = dry_run_option("Write nothing; show the diff of library.bib."),
    as_json: bool = json_option("Print the report as JSON."),
    prune: bool = typer.Option(
        False,
        "--prune",
        help="Mark entries that are no longer in the list with list-exclude (default: only report them).",
    ),
) -> int:
    """Import an awesome-list README into library.bib (merge; curated fields win)."""
    import difflib
    import json

    from ..bibio import read_library, render
    from ..importer import import_list
    from ..importers.markdown import decode_readme, parse_list
    from ..journal import write_library_unit

    st = state(ctx)
    settings = st.settings()
    src = str(readme)
    parsed = parse_list(
        decode_readme(_read_readme(readme), src), src, empty_section=settings.list.empty_section
    )

    lib_path = settings.library
    if not dry_run:
        lock_library(ctx, lib_path)
    lib, snap = read_library(lib_path, missing_ok=True)
    res = import_list(parsed, lib, settings, path=src, prune=prune)
    rep = res.report
    old_text = render(lib)
    new_text = render(res.library)
    write_config = settings.path is None
    config_path = settings.config_path
    config_text = _new_config(res, settings) if write_config else ""

    wrote = False
    if not dry_run:  # library.bib and a new pathbib.toml as one unit (docs/concurrency.md)
        sidecars = [(config_path, config_text)] if write_config else []
        if new_text != old_text or not lib_path.exists() or sidecars:
            wrote = write_library_unit(res.library, snap, lib_path, sidecars, rendered=new_text)

    if as_json:
        out = rep.to_json() | {
            "library": str(lib_path),
            "written": wrote,
            "dry_run": dry_run,
            "settings_written": str(config_path) if write_config and not dry_run else "",
            "skipped": [{"line": ln, "shape": shape, "text": text} for ln, shape, text in parsed.skipped],
            "warnings": list(parsed.warnings),
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return ExitCode.OK

    if dry_run:
        diff = difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"{lib_path} (current)",
            tofile=f"{lib_path} (after import)",
        )
        typer.echo("".join(diff), nl=False)
        if write_config:
            typer.echo(f"would write {config_path}:")
            typer.echo(config_text)
    _print_report(res, parsed, src, lib_path, dry_run, prune)
    if not dry_run:
        if wrote:
            typer.echo(f"wrote {lib_path}")
        else:
            typer.echo(f"{lib_path}: no changes")
        if write_config:
            typer.echo(f"wrote {config_path}")
    return ExitCode.OK


def _read_readme(readme: Path) -> bytes:
    """The bytes of the README; `InputError` naming the file when it cannot be read."""
    from ..errors import InputError
    from ..importers.markdown import check_size

    src = str(readme)
    try:
        check_size(readme.stat().st_size, src)  # before reading a huge file into memory
        return readme.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", "pass the path of the awesome-list README.md", path=src) from None
    except IsADirectoryError:
        raise InputError("is a directory", "pass the path of the README.md file", path=src) from None
    except OSError as exc:
        raise InputError(
            f"cannot be read: {exc.strerror}", "check the path and its permissions", path=src
        ) from None


def _new_config(res: ImportResult, settings: Settings) -> str:
    """The text of a new pathbib.toml for the imported list (checked to read back)."""
    import os

    from ..config import parse_settings
    from ..importers.settings_toml import settings_toml

    lib_path = settings.library
    try:
        rel = os.path.relpath(lib_path, settings.root)
    except ValueError:
        rel = str(lib_path)
    config_text = settings_toml(res.settings, survey=res.survey_key, library=Path(rel).as_posix())
    parse_settings(config_text, settings.root, settings.config_path)  # never write a file pathbib cannot read
    return config_text


def _print_report(
    res: ImportResult, parsed: ParsedList, src: str, lib_path: Path, dry_run: bool, prune: bool
) -> None:
    """The import report for humans: counts, merges, removals, conflicts and skipped candidates on stdout,
    warnings and findings on stderr."""
    rep = res.report
    rows = [
        ("items seen", str(rep.items_seen)),
        ("entries in the list", f"{rep.entries} (survey included)" if rep.survey else str(rep.entries)),
        ("papers (distinct works)", str(rep.papers)),
        ("created", str(len(rep.created))),
        ("merged duplicates", str(len(rep.merged))),
        ("updated", f"{len(rep.updated)} ({len(rep.changes)} field changes)"),
        ("unchanged", str(len(rep.unchanged))),
        ("removed from the list", str(len(rep.removed))),
        ("conflicts (library kept)", str(len(rep.conflicts))),
        (
            "repaired characters",
            f"{rep.repaired_chars} in {rep.repairs} places ({rep.codepage})" if rep.codepage else "0",
        ),
        ("ambiguous characters", str(len(rep.ambiguities))),
        ("skipped candidates", str(len(parsed.skipped))),
    ]
    width = max(len(r[0]) for r in rows)
    typer.echo(f"import {src} -> {lib_path}" + (" (dry run)" if dry_run else ""))
    for name, value in rows:
        typer.echo(f"  {name:<{width}}  {value}")
    for m in rep.merged:
        nums = ", ".join(
            f"no. {n}" if n else f"line {ln}" for n, ln in zip(m.numbers, m.lines, strict=True)
        )  # bullets: no number
        typer.echo(f"  merged {nums} into {m.key} ({m.reason})")
    for k in rep.removed:
        typer.echo(f"  not in the list any more: {k}" + (" (marked list-exclude)" if prune else ""))
    for c in rep.conflicts:
        typer.echo(f"  kept {c.key}.{c.field} = {c.old!r}; the list says {c.new!r}")
    for ln, shape, text in parsed.skipped[:5]:  # all of them with --json
        typer.echo(f"  skipped line {ln} ({shape}): {text}")
    if len(parsed.skipped) > 5:
        typer.echo(f"  ... and {len(parsed.skipped) - 5} more skipped candidates (--json lists them all)")
    for w in parsed.warnings:
        err(f"warning: {src}: {w}")
    for f in rep.findings:
        if f.rule == "import-duplicate":
            continue
        where = f"{f.path}:{f.line}: " if f.line else ""
        err(f"{f.severity}: {where}{f.message}")
