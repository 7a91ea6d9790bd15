"""`pathbib fmt` (CLI edge: file I/O happens here)."""

from __future__ import annotations

import typer

from ..errors import ExitCode
from .base import app, check_option, err, state
from .locking import lock_library


@app.command("fmt")
def fmt_command(
    ctx: typer.Context,
    check: bool = check_option("Write nothing; exit 1 and list the entries that would change."),
) -> int:
    """Rewrite library.bib in the canonical style (layout only, never values)."""
    from ..bibio import parse, read_library, write_library
    from ..fmt import format_text

    st = state(ctx)
    path = st.settings().library
    if not check:
        lock_library(ctx, path)
    lib, snap = read_library(path)
    res = format_text(lib)
    for fb in lib.failed:
        err(f"warning: {path}:{fb.line}: kept verbatim, not formatted: {fb.reason}")
    for key in res.kept_keys:
        e = lib.get(key)
        line = e.line if e else 0
        err(f"warning: {path}:{line}: {key}: kept as written: it has %-comments between its fields")
    verb = "would reformat" if check else "reformatted"
    n = len(res.changed_keys)
    entries = f"{n} {'entry' if n == 1 else 'entries'}"
    for key, line in zip(res.changed_keys, res.changed_lines, strict=True):
        typer.echo(f"{verb}: {path}:{line}: {key}")
    if not res.changed:
        typer.echo(f"{path}: already formatted")
        return ExitCode.OK
    if check:
        if not res.changed_keys:
            typer.echo("would change blank lines or comments between entries")
        err(f"{path}: not formatted ({entries} would change); run `pathbib fmt`")
        return ExitCode.FINDINGS
    write_library(parse(res.text, str(path)), snap, path)
    typer.echo(f"{path}: reformatted {entries}")
    return ExitCode.OK
