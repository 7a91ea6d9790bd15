"""Every corpus list: a second import changes nothing, and the rebuilt README keeps every paper link.

Read in place from ../shared/corpora/awesome-lists/ (never copied). Issue 11 point 4 (idempotent
on every corpus list) and the round-trip acceptance (every link URL of an imported paper's
source item — http(s) or a relative reference — is in the rebuilt README).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SHARED, shared_path
from pathbib.bibio import parse, render
from pathbib.config import parse_settings
from pathbib.exporters.markdown import render_readme
from pathbib.importer import import_list
from pathbib.importers.markdown import decode_readme, parse_list
from pathbib.importers.settings_toml import settings_toml
from pathbib.model import Library
from support.corpus import missing_links

CORPUS = "corpora/awesome-lists"
LISTS = (
    sorted(p.name for p in (SHARED / CORPUS).glob("*.md") if p.name != "MANIFEST.md")
    if (SHARED / CORPUS).is_dir()
    else ["(corpus absent)"]
)


def _read(name: str):  # type: ignore[no-untyped-def]
    path = shared_path(f"{CORPUS}/{name}")
    return parse_list(decode_readme(path.read_bytes(), str(path)), str(path)), str(path)


@pytest.mark.parametrize("name", LISTS)
def test_second_import_creates_and_updates_nothing(name: str) -> None:
    parsed, path = _read(name)
    first = import_list(parsed, Library(), path=path)
    assert first.report.created  # the list gave papers
    lib = parse(render(first.library))  # as written to disk and read back
    again = import_list(parsed, lib, path=path)
    assert again.report.created == () and again.report.updated == () and again.report.changes == ()
    assert again.report.papers == first.report.papers


@pytest.mark.parametrize("name", LISTS)
def test_rebuilt_readme_keeps_every_link_of_every_paper(name: str) -> None:
    parsed, path = _read(name)
    res = import_list(parsed, Library(), path=path)
    settings = parse_settings(settings_toml(res.settings, survey=res.survey_key), Path("."))
    md = render_readme(parse(render(res.library)), settings)
    missing = missing_links(parsed.items, md)
    assert not missing, f"{len(missing)} links lost, first: {missing[:5]}"
