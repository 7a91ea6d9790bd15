"""`pathbib build` and `pathbib export` (CLI edge: options in, one library call, text out)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..errors import ExitCode
from .base import app, check_option, err, state
from .locking import lock_library

if TYPE_CHECKING:
    from ..model import Library


@app.command("build")
def build_command(
    ctx: typer.Context,
    check: bool = check_option("Write nothing; exit 1 and list the files of exports/ that are stale."),
    allow_invalid: bool = typer.Option(
        False,
        "--allow-invalid",
        help="Build even when library.bib has blocks that cannot be parsed (they are left out).",
    ),
    open_page: bool = typer.Option(
        False, "--open", help="Open exports/site/index.html in the web browser afterwards."
    ),
) -> int:
    """Write exports/ (README.md, library.json, library.bib, survey.bib, CITATION.cff, timeline.svg, site/) from library.bib.

    Refuses (exit 4) when library.bib has blocks that cannot be parsed, since the exports would
    silently miss them; `--allow-invalid` builds anyway and names what was left out.
    """
    from ..bibio import first_value_wins, read_library
    from ..build import build_exports, read_exports, read_template, stale_files, write_exports
    from ..errors import InputError

    settings = state(ctx).settings()
    if not check:  # one build at a time, never between a library write and its sidecar
        lock_library(ctx, settings.library)
    lib, _ = read_library(settings.library)
    lib, recovered = first_value_wins(lib)  # as BibTeX and biber read a repeated field
    for fb in recovered:
        err(
            f"warning: {settings.library}:{fb.line}: {fb.reason}: the first value is exported (as BibTeX and biber do)"
        )
    for fb in lib.failed:
        err(
            f"{'warning' if allow_invalid else 'error'}: {settings.library}:{fb.line}: block not exported: {fb.reason}"
        )
    if lib.failed and not allow_invalid:
        raise InputError(
            f"has {len(lib.failed)} block(s) that cannot be parsed; the exports would miss them",
            "fix the blocks at the lines above (pathbib check lists them too), or pass --allow-invalid",
            path=str(settings.library),
        )
    files = build_exports(lib, settings, template=read_template(settings))
    out_dir = settings.exports
    if check:
        stale = stale_files(files, read_exports(out_dir, files))
        if not stale:
            typer.echo(f"{out_dir}: {len(files)} files up to date")
            return ExitCode.OK
        for name in stale:
            typer.echo(f"stale: {out_dir / name}")
        err(f"{out_dir}: {len(stale)} stale file(s); run `pathbib build`")
        return ExitCode.FINDINGS
    written = write_exports(out_dir, files)
    typer.echo(f"{out_dir}: wrote {written} of {len(files)} files")
    if open_page and "site/index.html" in files:
        import webbrowser

        webbrowser.open((out_dir / "site" / "index.html").resolve().as_uri())
    return ExitCode.OK


def _report_unmapped(name: str, lib: Library) -> None:
    """`export --report`: the fields with no home in CSL-JSON, on stderr."""
    from ..exporters.csl_json import to_csl

    if name != "csl-json":
        err(f"note: --report lists unmapped fields for csl-json only; {name} keeps every exported field")
        return
    _, findings = to_csl(lib)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.field or ""] = counts.get(f.field or "", 0) + 1
    for f in findings:
        err(f"{f.key}: {f.field}: no CSL-JSON home, not exported")
    if counts:
        err("summary: " + ", ".join(f"{k} x{v}" for k, v in sorted(counts.items())))
    else:
        err("every field has a CSL-JSON home")


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: str = typer.Argument(
        ..., metavar="FORMAT", help="markdown | csl-json | bibtex | survey-bib | cff | apa"
    ),
    output: Path | None = typer.Option(None, "-o", "--output", help="File to write (default: stdout)."),
    ascii_: bool = typer.Option(
        False, "--ascii", help="bibtex/survey-bib: non-ASCII characters as LaTeX macros, for classic BibTeX."
    ),
    report: bool = typer.Option(
        False, "--report", help="List, on stderr, the fields that have no home in the format (csl-json)."
    ),
    strict_csl: bool = typer.Option(
        False,
        "--strict-csl",
        help="csl-json: plain CSL names (non-dropping-particle, suffix) and types (software) instead of Zotero's form.",
    ),
    allow_invalid: bool = typer.Option(
        False,
        "--allow-invalid",
        help="Exit 0 even when blocks of library.bib cannot be parsed (they are reported).",
    ),
) -> int:
    """Export the library in one FORMAT to stdout or a file (blocks that cannot be read: exit 1)."""
    from ..bibio import read_library, write_text_atomic
    from ..build import RenderOptions, csl_options, find_exporter, read_template

    name, exporter = find_exporter(fmt)
    settings = state(ctx).settings()
    raw, _ = read_library(settings.library)
    lib, status = _readable(raw, settings.library, allow_invalid)
    del raw
    if name == "csl-json" and output is not None and not report:
        from ..exporters.csl_json import export_csl_json_bytes

        # streamed into UTF-8: about half the peak memory on large libraries
        data = export_csl_json_bytes(lib, csl_options(settings, strict=strict_csl))
        del lib
        write_text_atomic(output, data)
        err(f"wrote {output}")
        return status
    template = read_template(settings) if name == "markdown" else None
    text = exporter.render(
        lib, settings, RenderOptions(template=template, ascii=ascii_, strict_csl=strict_csl)
    )
    if report:
        _report_unmapped(name, lib)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text_atomic(output, text)
        err(f"wrote {output}")
    return status


def _readable(lib: Library, path: Path, allow_invalid: bool) -> tuple[Library, ExitCode]:
    """Recover repeated fields (first value wins) and report every block left out, on stderr."""
    from ..bibio import first_value_wins

    lib, recovered = first_value_wins(lib)
    for fb in recovered:
        err(f"warning: {path}:{fb.line}: {fb.reason}: the first value is exported (as BibTeX and biber do)")
    for fb in lib.failed:
        err(f"{'warning' if allow_invalid else 'error'}: {path}:{fb.line}: block not exported: {fb.reason}")
    if lib.failed and not allow_invalid:
        err(
            f"hint: {len(lib.failed)} block(s) of {path} were left out of the export (exit 1); fix them "
            "(pathbib check lists them too), or pass --allow-invalid to accept the export without them"
        )
        return lib, ExitCode.FINDINGS
    return lib, ExitCode.OK
