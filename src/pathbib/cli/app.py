"""The console entry point: registers every command and is the one place errors become exit codes.

Only the `pathbib.cli` package imports typer/rich or reads argv and the environment.
Each command lives in its own module of this package and calls one library function.
Library modules are imported inside the commands so that `pathbib --help` starts fast.
Imports go one way: `base` <- the command modules (`*_cmd`, via `commands`) <- `app`.
"""

from __future__ import annotations

import gc
import sys

import typer

from ..errors import ExitCode, PathbibError
from . import commands  # noqa: F401  (registers the commands on `app`)
from .base import State, app, err, state

try:  # typer >= 0.22 vendors click as typer._click
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover - older typer depends on click
    from click import exceptions as _cx  # type: ignore[no-redef]

# typer's own Exit/Abort, plus click's where typer still re-exports those
_EXIT: tuple[type[BaseException], ...] = tuple({typer.Exit, getattr(_cx, "Exit", typer.Exit)})
_ABORT: tuple[type[BaseException], ...] = tuple({typer.Abort, getattr(_cx, "Abort", typer.Abort)})

__all__ = ["app", "main", "State", "state", "err"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 findings, 2 usage, 3 network, 4 bad input)."""
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
        return ExitCode.INTERRUPTED
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
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        return ExitCode.OK
    finally:
        # a console run (argv None) exits right after this: a collection now would only walk
        # objects the exit frees anyway (~0.1 s on a large library); in-process callers get GC back
        if gc_was_enabled and argv is not None:
            gc.enable()
        elif argv is None:
            # perf: the interpreter's exit runs full collections even with GC disabled; what is
            # still alive (pylatexenc's end-of-stream exception keeps the frames that called it,
            # and so a whole library, in a cycle) would be walked again: ~0.3 s on 24k entries.
            # Frozen objects are skipped by those collections; the process ends right after.
            gc.freeze()
    if isinstance(rv, int):
        return rv
    return ExitCode.OK
