"""The typer application object, the global options (`State`) and the options shared by commands.

The bottom of the CLI layer: command modules import `app`, `state`, `err` and the shared
option declarations from here; `app.py` imports the command modules and runs the app.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .. import __version__

if TYPE_CHECKING:
    from ..config import Settings

app = typer.Typer(
    name="pathbib",
    help=(
        "Manage a curated paper list whose single source of truth is library.bib: "
        "import the awesome-list Markdown, enrich from Crossref/arXiv, check, and build exports.\n\n"
        "Exit codes: 0 ok, 1 findings at error level or stale files, 2 usage or config error, "
        "3 network/source failure, 4 unreadable or invalid input, 5 another pathbib is writing the library (locked)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain click help: typer's rich help imports rich + markdown-it (~85 ms, more than typer
    # itself), which would make `pathbib --help` 3x slower than `import typer`
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    """Global options, shared by every command through click's context object."""

    library: Path | None = None
    config: Path | None = None
    debug: bool = False
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    _settings: Settings | None = None
    allow_outside_paths: bool = False

    def settings(self) -> Settings:
        """Load pathbib.toml once; -C/--library overrides its library path."""
        if self._settings is None:
            from ..config import load_settings

            s = load_settings(self.config)
            if not self.allow_outside_paths:
                from ..config_check import check_paths_inside

                check_paths_inside(s)
            if self.library is not None:
                from dataclasses import replace

                s = replace(s, library=self.library)
            self._settings = s
        return self._settings


def state(ctx: typer.Context) -> State:
    """Return the global-options State stored on the root context."""
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def err(message: str) -> None:
    """Print a line to stderr."""
    typer.echo(message, err=True)


# --------------------------------------------------------------------------- options shared by commands


def dry_run_option(help: str = "Write nothing; show what would change.") -> Any:
    """`--dry-run`: every command that writes accepts it and then writes nothing."""
    return typer.Option(False, "--dry-run", help=help)


def json_option(help: str = "Print the result as JSON on stdout.") -> Any:
    """`--json`: machine-readable output on stdout (messages stay on stderr)."""
    return typer.Option(False, "--json", help=help)


def check_option(help: str) -> Any:
    """`--check`: write nothing; exit 1 (`ExitCode.FINDINGS`) when something would change."""
    return typer.Option(False, "--check", help=help)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pathbib {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    library: Path | None = typer.Option(
        None,
        "-C",
        "--library",
        help="library.bib to work on (default: from pathbib.toml, else ./library.bib).",
    ),
    config: Path | None = typer.Option(
        None, "--config", help="pathbib.toml to use (default: found in the current folder or its parents)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
    allow_outside_paths: bool = typer.Option(
        False,
        "--allow-outside-paths",
        help="Let pathbib.toml name a library, exports folder, template or cache outside its own folder.",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    st = ctx.ensure_object(State)
    st.library = library
    st.config = config
    st.debug = debug
    st.allow_outside_paths = allow_outside_paths
