"""Shared fixtures: where ../shared/ is, and how tests that need it skip (or fail in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: fixtures shared by tests in several folders (the `seed` of the check tests)
pytest_plugins = ("support.checkkit",)
# helpers that assert, outside a test module: keep pytest's assertion messages
pytest.register_assert_rewrite("support.latexkit")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(os.environ.get("PATHBIB_SHARED", ROOT.parent / "shared"))


def shared_path(rel: str) -> Path:
    """Return ../shared/<rel>; skip when absent, but fail under CI (CI=true or PATHBIB_REQUIRE_SHARED=1)."""
    p = SHARED / rel
    if not p.exists():
        msg = f"{p} is absent (the ../shared/ data folder is not beside this clone)"
        if os.environ.get("CI") == "true" or os.environ.get("PATHBIB_REQUIRE_SHARED") == "1":
            pytest.fail(msg + "; CI requires it")
        pytest.skip(msg)
    return p


@pytest.fixture
def shared() -> type[SharedAccess]:
    return SharedAccess


class SharedAccess:
    path = staticmethod(shared_path)


def say(request: pytest.FixtureRequest, text: str, newline: bool = True) -> None:
    """Print a measured number on the terminal even while output is captured."""
    capman = request.config.pluginmanager.getplugin("capturemanager")
    tr = request.config.pluginmanager.getplugin("terminalreporter")
    if tr is None or capman is None:
        return
    with capman.global_and_fixture_disabled():
        tr.write_line(("\n" if newline else "") + text)
