"""`pathbib rename-key OLD NEW` (CLI edge: file I/O happens here)."""

from __future__ import annotations

import typer

from ..errors import ExitCode
from .base import app, dry_run_option, state
from .locking import lock_library


@app.command("rename-key")
def rename_key_command(
    ctx: typer.Context,
    old: str = typer.Argument(..., help="The citation key to rename."),
    new: str = typer.Argument(..., help="The new citation key."),
    dry_run: bool = dry_run_option("Write nothing; list what would change."),
) -> int:
    """Rename a citation key on purpose (keys never change on their own); references follow."""
    from ..bibio import read_library
    from ..config import rename_survey_key
    from ..journal import write_library_unit
    from ..keys import rename_key

    st = state(ctx)
    settings = st.settings()
    if not dry_run:
        lock_library(ctx, settings.library)
    lib, snap = read_library(settings.library)
    new_lib, changes = rename_key(lib, old, new)
    config_text = None
    if settings.path is not None and settings.survey == old:
        text = settings.path.read_text(encoding="utf-8")
        config_text = rename_survey_key(
            text, old, new, settings.root, settings.path
        )  # None: left to the user
    for c in changes:
        where = c.key if c.field == "@key" else f"{c.key}.{c.field}"
        typer.echo(f"{'would change' if dry_run else 'changed'} {where}: {c.old} -> {c.new}")
    if settings.path is not None and settings.survey == old:
        if config_text is None:
            typer.echo(f'note: update `survey = "{new}"` in {settings.path} by hand')
        else:
            typer.echo(f"{'would change' if dry_run else 'changed'} {settings.path}: survey = {new!r}")
    if dry_run:
        return ExitCode.OK
    # the library and pathbib.toml's `survey` key change together (docs/concurrency.md)
    sidecars = [(settings.path, config_text)] if config_text is not None and settings.path is not None else []
    write_library_unit(new_lib, snap, settings.library, sidecars)
    return ExitCode.OK
