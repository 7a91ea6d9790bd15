"""Command-line interface (see `app.py`); `main` is the console-script entry point."""

import gc

# perf: importing typer, click and pydantic allocates ~100k objects and no garbage cycles; cyclic
# GC passes during that import cost ~0.1 s of every run. Paused for the import, then restored.
_gc_was_enabled = gc.isenabled()
gc.disable()
try:
    from .app import app, main
finally:
    if _gc_was_enabled:
        gc.enable()

__all__ = ["app", "main"]
