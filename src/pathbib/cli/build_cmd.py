"""`pathbib build` and `pathbib export` (CLI edge: file I/O happens here)."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import app, err, state
from .locking import lock_library

FORMATS = ("markdown", "csl-json", "bibtex", "survey-bib", "cff", "apa")
_ALIASES = {"md": "markdown", "readme": "markdown", "json": "csl-json", "csl": "csl-json", "bib": "bibtex"}


def _template(settings: object) -> str | None:
    from ..config import Settings
    from ..errors import ConfigError

    assert isinstance(settings, Settings)
    if not settings.list.template:
        return None
    path = Path(settings.list.template)
    if not path.is_absolute():
        path = settings.root / path
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"the README template {path} cannot be read: {exc}",
            "fix `list.template` in pathbib.toml or remove it to use the shipped template",
        ) from None


@app.command("build")
def build_command(
    ctx: typer.Context,
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 and list the files of exports/ that are stale."
    ),
    allow_invalid: bool = typer.Option(
        False, "--allow-invalid", help="Build even when library.bib has blocks that cannot be parsed (they are left out)."
    ),
) -> int:
    """Write exports/ (README.md, library.json, library.bib, survey.bib, CITATION.cff) from library.bib.

    Refuses (exit 4) when library.bib has blocks that cannot be parsed, since the exports would
    silently miss them; `--allow-invalid` builds anyway and names what was left out.
    """
    from ..bibio import read_library
    from ..build import build_exports, stale_files
    from ..export_io import write_exports

    st = state(ctx)
    settings = st.settings()
    if not check:  # one build at a time, never between a library write and its sidecar
        lock_library(ctx, settings.library)
    lib, _ = read_library(settings.library)
    for fb in lib.failed:
        err(f"{'warning' if allow_invalid else 'error'}: {settings.library}:{fb.line}: block not exported: {fb.reason}")
    if lib.failed and not allow_invalid:
        from ..errors import InputError

        raise InputError(
            f"has {len(lib.failed)} block(s) that cannot be parsed; the exports would miss them",
            "fix the blocks at the lines above (pathbib check lists them too), or pass --allow-invalid",
            path=str(settings.library),
        )
    files = build_exports(lib, settings, template=_template(settings))
    out_dir = settings.exports
    if check:
        actual: dict[str, str | None] = {}
        for name in files:
            p = out_dir / name
            try:
                actual[name] = p.read_text(encoding="utf-8") if p.is_file() else None
            except (OSError, UnicodeDecodeError):
                actual[name] = None
        stale = stale_files(files, actual)
        if not stale:
            typer.echo(f"{out_dir}: {len(files)} files up to date")
            return 0
        for name in stale:
            typer.echo(f"stale: {out_dir / name}")
        err(f"{out_dir}: {len(stale)} stale file(s); run `pathbib build`")
        return 1
    written = write_exports(out_dir, files)
    typer.echo(f"{out_dir}: wrote {written} of {len(files)} files")
    return 0


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: str = typer.Argument(..., metavar="FORMAT", help="markdown | csl-json | bibtex | survey-bib | cff | apa"),
    output: Path | None = typer.Option(None, "-o", "--output", help="File to write (default: stdout)."),
    ascii_: bool = typer.Option(
        False, "--ascii", help="bibtex/survey-bib: non-ASCII characters as LaTeX macros, for classic BibTeX."
    ),
    report: bool = typer.Option(
        False, "--report", help="List, on stderr, the fields that have no home in the format (csl-json)."
    ),
) -> int:
    """Export the library in one FORMAT to stdout or a file."""
    from ..bibio import read_library, write_text_atomic
    from ..errors import UsageError
    from ..model import Finding

    name = _ALIASES.get(fmt.lower(), fmt.lower())
    if name not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", f"use one of: {', '.join(FORMATS)}")
    st = state(ctx)
    settings = st.settings()
    lib, _ = read_library(settings.library)
    findings: list[Finding] = []
    if name == "csl-json":
        from ..exporters.csl_json import dumps_items, export_csl_json_bytes, to_csl

        if report or output is None:
            items, findings = to_csl(lib)
            text = dumps_items(items)
        else:  # streams items into UTF-8: about half the peak memory on large libraries
            data = export_csl_json_bytes(lib)
            del lib
            write_text_atomic(output, data)
            err(f"wrote {output}")
            return 0
    elif name == "bibtex":
        from ..exporters.bibtex import export_bibtex

        text = export_bibtex(lib, ascii=ascii_, protect_words=settings.list.protect_words)
    elif name == "survey-bib":
        from ..exporters.citation import survey_bib

        text = survey_bib(lib, settings, ascii=ascii_)
    elif name == "cff":
        from ..exporters.citation import citation_cff

        text = citation_cff(lib, settings)
    elif name == "apa":
        from ..exporters.citation import apa_reference

        text = apa_reference(lib, settings) + "\n"
    else:
        from ..build import build_exports

        text = build_exports(lib, settings, template=_template(settings))["README.md"]
    if report:
        if name != "csl-json":
            err(f"note: --report lists unmapped fields for csl-json only; {name} keeps every exported field")
        counts: dict[str, int] = {}
        for f in findings:
            counts[f.field or ""] = counts.get(f.field or "", 0) + 1
        for f in findings:
            err(f"{f.key}: {f.field}: no CSL-JSON home, not exported")
        if counts:
            err("summary: " + ", ".join(f"{k} x{v}" for k, v in sorted(counts.items())))
        else:
            err("every field has a CSL-JSON home")
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text_atomic(output, text)
        err(f"wrote {output}")
    return 0
