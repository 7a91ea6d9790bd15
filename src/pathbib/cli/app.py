"""The typer application, global options and the one place errors become exit codes.

Only the `pathbib.cli` package imports typer/rich or reads argv and the environment.
Each command lives in its own module of this package and calls one library function.
Library modules are imported inside the commands so that `pathbib --help` starts fast.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .. import __version__
from ..errors import ExitCode, PathbibError

try:  # typer >= 0.22 vendors click as typer._click
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover - older typer depends on click
    from click import exceptions as _cx  # type: ignore[no-redef]

# typer's own Exit/Abort, plus click's where typer still re-exports those
_EXIT: tuple[type[BaseException], ...] = tuple({typer.Exit, getattr(_cx, "Exit", typer.Exit)})
_ABORT: tuple[type[BaseException], ...] = tuple({typer.Abort, getattr(_cx, "Abort", typer.Abort)})


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
    _settings: Any = None

    def settings(self) -> Settings:
        """Load pathbib.toml once; -C/--library overrides its library path."""
        if self._settings is None:
            from ..config import load_settings

            s = load_settings(self.config)
            if self.library is not None:
                from dataclasses import replace

                s = replace(s, library=self.library)
            self._settings = s
        return self._settings  # type: ignore[no-any-return]


def state(ctx: typer.Context) -> State:
    """Return the global-options State stored on the root context."""
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pathbib {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    library: Path | None = typer.Option(
        None, "-C", "--library", help="library.bib to work on (default: from pathbib.toml, else ./library.bib)."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="pathbib.toml to use (default: found in the current folder or its parents)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    st = ctx.ensure_object(State)
    st.library = library
    st.config = config
    st.debug = debug


def err(message: str) -> None:
    """Print a line to stderr."""
    typer.echo(message, err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 findings, 2 usage, 3 network, 4 bad input)."""
    from . import commands  # noqa: F401  (registers the commands)

    args = list(sys.argv[1:] if argv is None else argv)
    st = State(debug="--debug" in args)
    # perf: commands build large acyclic structures (a 24k-entry library is ~2M objects);
    # cyclic GC passes over them cost ~30% of a build. A CLI run is short: pause GC, restore after.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        rv = app(args=args, prog_name="pathbib", standalone_mode=False, obj=st)
    except _EXIT as exc:
        return int(getattr(exc, "exit_code", 0))
    except _ABORT:
        err("error: interrupted; nothing was written")
        return 130
    except _cx.ClickException as exc:
        exc.show()
        return ExitCode.USAGE
    except PathbibError as exc:
        if st.debug:  # the traceback, then the usual message and exit code
            import traceback

            traceback.print_exc()
        err(f"error: {exc}")
        if exc.hint:
            err(f"hint: {exc.hint}")
        return int(getattr(exc, "exit_code", 0))
    except KeyboardInterrupt:
        err("error: interrupted; library.bib is unchanged unless a write had completed")
        return 130
    except BrokenPipeError:
        return 0
    finally:
        if gc_was_enabled:
            gc.enable()
    if isinstance(rv, int):
        return rv
    return 0
