"""End to end on the 16 corpus lists, through the CLI: `pathbib import` into a fresh folder, again, then `pathbib build`.

Issue 11: every paper the reader found has an entry carrying its title, unless the import reported
it as merged into another item of the same work (and then the report names the line); a second
import creates and updates nothing; every link of every item is in the rebuilt README (as written,
or with the characters that could end a Markdown link destination percent-encoded, docs/build.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import shared_path
from pathbib.bibio import parse
from pathbib.cli.app import main
from pathbib.importers.markdown import decode_readme, parse_list
from pathbib.latex import latex_to_unicode
from pathbib.matching import normalize_title
from support.corpus import missing_links

LISTS = sorted(
    p.name
    for p in (Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "awesome-lists").glob(
        "*.md"
    )
    if p.name != "MANIFEST.md"
) or ["(corpus absent)"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.slow
@pytest.mark.parametrize("name", LISTS)
def test_import_twice_then_build(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src = shared_path(f"corpora/awesome-lists/{name}")
    monkeypatch.chdir(tmp_path)
    parsed = parse_list(decode_readme(src.read_bytes(), str(src)), str(src))

    rc, out, err = run(["import", str(src), "--json"], capsys)
    assert rc == 0, err
    first = json.loads(out)
    assert first["created"], "no entry created"
    lib = parse((tmp_path / "library.bib").read_text(encoding="utf-8"))
    titles: set[str] = set()
    for e in lib.entries:
        for f in ("title", "list-title"):
            if e.get(f):
                titles.add(normalize_title(latex_to_unicode(e.get(f) or "")))
    merged_lines = {ln for m in first["merged"] for ln in m["lines"]}
    lost = [
        (it.line, it.title)
        for it in parsed.items
        if normalize_title(it.title) not in titles and it.line not in merged_lines
    ]

    rc, out, err = run(["import", str(src), "--json"], capsys)
    assert rc == 0, err
    second = json.loads(out)

    rc, out, err = run(["build"], capsys)
    assert rc == 0, err + out
    text = (tmp_path / "exports" / "README.md").read_text(encoding="utf-8")
    missing = missing_links(parsed.items, text)

    assert not lost, f"{len(lost)} paper titles have no entry and no merge report, e.g. {lost[:2]}"
    assert not second["created"] and not second["updated"], (second["created"], second["updated"])
    assert not missing, f"{len(missing)} item links not in the rebuilt README, e.g. {missing[:3]}"
