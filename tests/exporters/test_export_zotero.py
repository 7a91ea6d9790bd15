"""Zotero reads the exports as meant (issue #12): Zotero's own import translators (BibTeX.js and
CSL JSON.js, run under node by ../shared/tools/zotero-import) on exports/library.bib and
exports/library.json built fresh from library.bib, every item compared with the library: item
type, title, creators (particles, suffixes), full date, container, volume, issue, pages, DOI,
URL and arXiv id.

The expected values are read from library.bib here (LaTeX decoded, names split by BibTeX's
rules), not from the exports. Known translator limit: Zotero's BibTeX.js maps no BibTeX type to
"preprint", so through BibTeX a preprint is a "document" that keeps its arXiv id in Extra
(through CSL JSON it is a "preprint" with repository and archive id).

Needs node + npm (the tool installs its dependencies into ~/.cache on first use): skipped when
node is missing, failed under CI (CI=true or PATHBIB_REQUIRE_SHARED=1).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, shared_path
from pathbib.bibio import parse
from pathbib.exporters._resolve import Resolver, month_number
from pathbib.latex import latex_to_unicode
from pathbib.model import Entry
from pathbib.names import parse_name_any, split_authors

pytestmark = pytest.mark.slow

_SERVERS = {"arxiv": "arXiv", "medrxiv": "medRxiv", "biorxiv": "bioRxiv"}
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def _zotero(translator: str, path: Path) -> dict[str, Any]:
    if shutil.which("node") is None or shutil.which("npm") is None:
        msg = "node/npm missing: Zotero's translators cannot run"
        if os.environ.get("CI") == "true" or os.environ.get("PATHBIB_REQUIRE_SHARED") == "1":
            pytest.fail(msg + "; CI must install them (.ci/run)")
        pytest.skip(msg)
    tool = shared_path("tools/zotero-import/run")
    # to a file, not a pipe: node's process.exit() cuts piped output at 64 KiB
    out = path.with_name(path.name + ".zotero.json")
    with out.open("w", encoding="utf-8") as fh:
        p = subprocess.run(
            [str(tool), translator, str(path)], stdout=fh, stderr=subprocess.PIPE, text=True, timeout=900
        )
    assert p.returncode == 0, p.stderr[-3000:]
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from pathbib.build import build_exports
    from pathbib.config import load_settings

    settings = load_settings(ROOT / "pathbib.toml")
    lib = parse(settings.library.read_text(encoding="utf-8"))
    out = build_exports(lib, settings)
    d = tmp_path_factory.mktemp("exports")
    for name in ("library.bib", "library.json"):
        (d / name).write_text(out[name], encoding="utf-8")
    return {"bib": d / "library.bib", "json": d / "library.json"}


def _text(value: str) -> str:
    return " ".join(latex_to_unicode(value).split())


def _iso(value: str) -> str:
    """A Zotero date string ("2022-10-19", "October 19, 2022", "2023") as ISO yyyy[-mm[-dd]]."""
    v = value.strip()
    if re.fullmatch(r"\d{4}(-\d{2}){0,2}", v):
        return v
    m = re.fullmatch(r"([A-Za-z]+)(?: (\d{1,2}))?,? (\d{4})", v)
    assert m, f"unexpected Zotero date {value!r}"
    mo = _MONTHS.index(m.group(1).lower()) + 1
    return f"{m.group(3)}-{mo:02d}" + (f"-{int(m.group(2)):02d}" if m.group(2) else "")


def _arxiv(f: dict[str, str]) -> str | None:
    if f.get("archiveprefix", f.get("eprinttype", "")).lower() == "arxiv" and f.get("eprint"):
        return f["eprint"].strip()
    return None


def _server(e: Entry, f: dict[str, str]) -> str | None:
    """The preprint server of a library entry: a @misc with an arXiv eprint or a named server."""
    if e.entry_type != "misc":
        return None
    if _arxiv(f):
        return "arXiv"
    return _SERVERS.get(_text(f.get("howpublished", "")).lower())


def _expected(e: Entry, f: dict[str, str], route: str) -> dict[str, Any]:
    server = _server(e, f)
    kind = {"article": "journalArticle", "inproceedings": "conferencePaper"}.get(e.entry_type)
    if server:
        kind = "preprint" if route == "csl" else "document"
    creators = []
    for raw in split_authors(f.get("author", "")):
        n = parse_name_any(raw)
        last = " ".join(_text(p) for p in (n.von, n.last) if p)
        first = _text(n.first) + (f", {_text(n.jr)}" if n.jr else "")
        creators.append((first, last))
    if f.get("date"):
        when = f["date"].strip()
    else:
        mo = month_number(f.get("month", ""))
        when = f["year"].strip() + (f"-{mo:02d}" if mo else "")
    container = _text(f.get("journal") or f.get("booktitle") or "") or server
    if route == "bib" and server == "arXiv":
        container = None  # BibTeX.js keeps the eprint in Extra; a publisher would print twice in biblatex
    return {
        "itemType": kind,
        "title": _text(f["title"]),
        "creators": creators,
        "date": when,
        "container": container,
        "volume": f.get("volume"),
        "issue": f.get("number") if e.entry_type == "article" else None,
        "pages": re.sub(r"-+|–", "-", f["pages"]) if f.get("pages") else None,
        "DOI": f.get("doi"),
        "url": f.get("url"),
        "arxiv": _arxiv(f),
    }


def _got(it: dict[str, Any], route: str) -> dict[str, Any]:
    title = re.sub(r"</?(?:span|i|b|sup|sub)[^>]*>", "", it.get("title", ""))
    container = (
        it.get("publicationTitle")
        or it.get("proceedingsTitle")
        or it.get("repository")
        or it.get("publisher")
    )
    extra = it.get("extra", "")
    ids = re.findall(r"^arXiv: (\S+)$", extra, re.M)
    if it.get("archiveID") and it.get("repository") == "arXiv":
        ids.append(it["archiveID"].removeprefix("arXiv:"))
    return {
        "itemType": it["itemType"],
        "title": title,
        "creators": [(c.get("firstName", ""), c.get("lastName", "")) for c in it.get("creators", [])],
        "date": _iso(it["date"]) if it.get("date") else None,
        "container": container,
        "volume": it.get("volume"),
        "issue": it.get("issue"),
        "pages": re.sub(r"-+|–", "-", it["pages"]) if it.get("pages") else None,
        "DOI": it.get("DOI"),
        "url": it.get("url"),
        "arxiv": ids[0] if len(ids) == 1 else (ids or None),
    }


def _compare(route: str, path: Path) -> list[str]:
    data = _zotero("BibTeX" if route == "bib" else "CSL JSON", path)
    assert data["errors"] == []
    assert data["detected"], "Zotero would say 'no translator' for this file"
    items = [it for it in data["items"] if it["itemType"] not in ("note", "attachment")]
    lib = parse((ROOT / "library.bib").read_text(encoding="utf-8"))
    resolver = Resolver(lib)
    assert len(items) == len(lib.entries) == 43
    diffs = []
    for e, it in zip(lib.entries, items, strict=True):
        exp, got = _expected(e, resolver.fields(e), "csl" if route == "json" else route), _got(it, route)
        for field, want in exp.items():
            have = got[field]
            if field == "title" and route == "json":  # CSL titles are stored in sentence case
                ok = have.casefold() == want.casefold()
            else:
                ok = have == want
            if not ok:
                diffs.append(f"{e.key}.{field}: library {want!r}, Zotero {have!r}")
    return diffs


def test_zotero_bibtex_route_every_item_every_field(built: dict[str, Path]) -> None:
    assert _compare("bib", built["bib"]) == []


def test_zotero_csl_route_every_item_every_field(built: dict[str, Path]) -> None:
    assert _compare("json", built["json"]) == []


def test_zotero_keeps_particles_and_suffixes_in_both_routes(tmp_path: Path) -> None:
    from pathbib.exporters.bibtex import export_bibtex
    from pathbib.exporters.csl_json import export_csl_json

    lib = parse(
        "@article{k, author = {van Eck, Alexander and Smith, Jr., John and family=Goethe, given=Johann Wolfgang,"
        " prefix=von, useprefix=true}, title = {T}, journal = {J}, year = {2020}, date = {2020-03-04}}\n"
        "@software{s, author = {Doe, Jane}, title = {Tool}, version = {1.2}, date = {2021}}\n"
    )
    (tmp_path / "a.bib").write_text(export_bibtex(lib), encoding="utf-8")
    (tmp_path / "a.json").write_text(export_csl_json(lib), encoding="utf-8")
    want = [("Alexander", "van Eck"), ("John, Jr.", "Smith"), ("Johann Wolfgang", "von Goethe")]
    for translator, name in (("BibTeX", "a.bib"), ("CSL JSON", "a.json")):
        data = _zotero(translator, tmp_path / name)
        assert data["detected"], translator  # a software item must not make Zotero refuse the file
        items = [it for it in data["items"] if it["itemType"] != "note"]
        got = [(c["firstName"], c["lastName"]) for c in items[0]["creators"]]
        assert got == want, translator
        assert _iso(items[0]["date"]) == date(2020, 3, 4).isoformat(), translator
    csl = _zotero("CSL JSON", tmp_path / "a.json")["items"]
    assert csl[1]["itemType"] == "computerProgram" and csl[1]["versionNumber"] == "1.2"


@pytest.mark.parametrize(
    "name", ["biblatex-examples.bib", "xampl.bib", "btxdoc.bib", "biblatex-apa-test-references.bib"]
)
def test_zotero_detects_the_csl_of_every_corpus_file(tmp_path: Path, name: str) -> None:
    from pathbib.exporters.csl_json import export_csl_json

    lib = parse(shared_path(f"corpora/bib-samples/{name}").read_text(encoding="utf-8"))
    out = tmp_path / "x.json"
    out.write_text(export_csl_json(lib), encoding="utf-8")
    data = _zotero("CSL JSON", out)
    assert data["detected"] == ["CSL JSON"] and data["errors"] == []
    assert len([it for it in data["items"] if it["itemType"] != "note"]) == len(lib.entries)
