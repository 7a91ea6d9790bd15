"""Helpers shared by the `pathbib check` tests (tests/check/, tests/cli/test_check_cmd.py): entry and run
shorthands, the scope vocabularies, and the `seed` fixture (the library `pathbib import` makes from the seed
README, with the reference metadata). The fixture is registered by tests/conftest.py (`pytest_plugins`)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conftest import shared_path
from pathbib.bibio import read_library
from pathbib.check import CheckContext, run_check
from pathbib.cli import main
from pathbib.config import ScopeSettings, Settings
from pathbib.model import Entry, Field, Library

TODAY = date(2026, 6, 1)

#: the vocabulary the issue names for this list ("..." completed with obvious synonyms)
LEAD_TERMS = (
    "pathology",
    "histology",
    "histopathology",
    "whole-slide image(s)",
    "WSI",
    "H&E",
    "IHC",
    "nuclei",
    "glands",
    "tissue",
    "cancer diagnosis",
)
SEED_TERMS = LEAD_TERMS + (
    "whole-slide",
    "hematoxylin and eosin",
    "immunohistochemistry",
    "cytology",
    "stain",
)


def E(entry_type: str, key: str, **fields: str) -> Entry:
    return Entry(entry_type, key, tuple(Field(k.replace("_", "-"), v) for k, v in fields.items()))


def run(
    entries: list[Entry] | Library,
    *rules: str,
    terms: tuple[str, ...] = (),
    lookup=None,
    readme=None,
    today: date | None = TODAY,
    settings: Settings | None = None,
):
    lib = entries if isinstance(entries, Library) else Library(tuple(entries), "library.bib")
    s = settings or Settings(scope=ScopeSettings(terms=terms))
    ctx = CheckContext(settings=s, today=today, lookup=lookup, readme=readme)
    return run_check(lib, ctx, select=rules)


def keys(result, rule: str | None = None) -> list[str | None]:
    return [f.key for f in result.findings if rule is None or f.rule == rule]


SEED_README = "seed/000_e6471fc22fbee112.txt"
SEED_META = "reference/seed-metadata.json"


def _import_seed(tmp_path: Path) -> Library:
    """The library `pathbib import` makes from the seed."""
    readme = shared_path(SEED_README)
    import os

    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["import", str(readme)]) == 0
    finally:
        os.chdir(old)
    lib, _ = read_library(tmp_path / "library.bib")
    return lib


@pytest.fixture(scope="session")  # read-only; one import of the seed for every module that uses it
def seed(tmp_path_factory):
    lib = _import_seed(tmp_path_factory.mktemp("seed"))
    meta = json.loads(shared_path(SEED_META).read_text(encoding="utf-8"))
    return lib, meta
