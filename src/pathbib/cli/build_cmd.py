"""`pathbib build` and `pathbib export` (CLI edge: file I/O happens here)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from ..config import Settings
    from ..model import Finding, Library

from .app import app, err, state

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
    from ..bibio import read_library, write_text_atomic
    from ..build import build_exports, stale_files

    st = state(ctx)
    settings = st.settings()
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
    out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for name, text in files.items():
        p = out_dir / name
        try:
            if p.is_file() and p.read_text(encoding="utf-8") == text:
                continue
        except (OSError, UnicodeDecodeError):
            pass
        write_text_atomic(p, text)
        written += 1
    typer.echo(f"{out_dir}: wrote {written} of {len(files)} files")
    return 0


def _readable(lib: Library, path: Path, allow_invalid: bool) -> tuple[Library, int]:
    """Recover repeated fields (first value wins) and report every block left out, on stderr."""
    from ..bibio import first_value_wins
    from ..errors import ExitCode

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
        return lib, int(ExitCode.FINDINGS)
    return lib, 0


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
    strict_csl: bool = typer.Option(
        False, "--strict-csl",
        help="csl-json: plain CSL names (non-dropping-particle, suffix) and types (software) instead of Zotero's form.",
    ),
    allow_invalid: bool = typer.Option(
        False, "--allow-invalid", help="Exit 0 even when blocks of library.bib cannot be parsed (they are reported)."
    ),
) -> int:
    """Export the library in one FORMAT to stdout or a file (blocks that cannot be read: exit 1)."""
    from ..bibio import read_library, write_text_atomic
    from ..errors import UsageError
    name = _ALIASES.get(fmt.lower(), fmt.lower())
    if name not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", f"use one of: {', '.join(FORMATS)}")
    st = state(ctx)
    settings = st.settings()
    raw, _ = read_library(settings.library)
    lib, status = _readable(raw, settings.library, allow_invalid)
    del raw
    findings: list[Finding] = []
    if name == "csl-json":
        from ..exporters.csl_json import CslOptions, dumps_items, export_csl_json_bytes, to_csl

        opts = CslOptions(strict=strict_csl, protect_words=_csl_words(settings.list.protect_words))
        if report or output is None:
            items, findings = to_csl(lib, opts)
            text = dumps_items(items)
        else:  # streams items into UTF-8: about half the peak memory on large libraries
            data = export_csl_json_bytes(lib, opts)
            del lib
            write_text_atomic(output, data)
            err(f"wrote {output}")
            return status
    else:
        text = _export_text(name, lib, settings, ascii_)
    if report:
        _report(name, findings)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text_atomic(output, text)
        err(f"wrote {output}")
    return status


def _csl_words(extra: Iterable[str]) -> tuple[str, ...]:
    from ..exporters.bibtex import DEFAULT_PROTECTED_WORDS

    return DEFAULT_PROTECTED_WORDS + tuple(extra)


def _export_text(name: str, lib: Library, settings: Settings, ascii_: bool) -> str:
    if name == "bibtex":
        from ..exporters.bibtex import export_bibtex

        return export_bibtex(lib, ascii=ascii_, protect_words=settings.list.protect_words)
    if name == "survey-bib":
        from ..exporters.citation import survey_bib

        return survey_bib(lib, settings, ascii=ascii_)
    if name == "cff":
        from ..exporters.citation import citation_cff

        return citation_cff(lib, settings)
    if name == "apa":
        from ..exporters.citation import apa_reference

        return apa_reference(lib, settings) + "\n"
    from ..build import build_exports

    return build_exports(lib, settings, template=_template(settings))["README.md"]


def _report(name: str, findings: list[Finding]) -> None:
    if name != "csl-json":
        err(f"note: --report lists unmapped fields for csl-json only; {name} keeps every exported field")
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.field or ""] = counts.get(f.field or "", 0) + 1
        err(f"{f.key}: {f.field}: no CSL-JSON home, not exported")
    if counts:
        err("summary: " + ", ".join(f"{k} x{v}" for k, v in sorted(counts.items())))
    else:
        err("every field has a CSL-JSON home")
