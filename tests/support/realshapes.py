"""Real Crossref and arXiv answer shapes for the enrich tests, read in place from ../shared/corpora/.

`crossref_work(doi)` returns the recorded work item (as Crossref sent it) for a DOI;
`arxiv_entries()` turns every recorded arXiv Atom entry into the dict the fake server
renders. `project(...)` writes a library + pathbib.toml aimed at a `FakeServer`, and `run`
calls the CLI on it, so the tests go through habanero/arxiv and the real HTTP stack.
"""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path
from typing import Any

from conftest import shared_path
from pathbib.cli.app import main
from support.enrichkit import fast_settings

NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


def _items(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict) and isinstance(data.get("message"), dict):
        msg = data["message"]
        return [i for i in msg.get("items", [msg]) if isinstance(i, dict)]
    if isinstance(data, dict) and "DOI" in data:
        return [data]
    return []


@lru_cache(maxsize=1)
def _crossref_index() -> dict[str, dict[str, Any]]:
    root = shared_path("corpora/crossref")
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(root.rglob("*.json")):
        if p.name.endswith(".meta.json") or p.name == "index.json" or p.name.endswith("_out.json"):
            continue
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except ValueError:
            continue
        for it in _items(data):
            doi = str(it.get("DOI", "")).lower()
            if doi and "type" in it and "title" in it:  # a full work, not a `select`ed stub
                out.setdefault(doi, it)
    return out


def crossref_works() -> list[dict[str, Any]]:
    """Every full work recorded in ../shared/corpora/crossref/ (deep copies)."""
    return [copy.deepcopy(w) for w in _crossref_index().values()]


def crossref_work(doi: str, **changes: Any) -> dict[str, Any]:
    """The recorded Crossref work for `doi` (a deep copy), with `changes` applied (None deletes a key)."""
    w = copy.deepcopy(_crossref_index()[doi.lower()])
    for k, v in changes.items():
        k = k.replace("_", "-")
        if v is None:
            w.pop(k, None)
        else:
            w[k] = v
    return w


def _text(el: ET.Element, path: str) -> str:
    found = el.find(path, NS)
    return re.sub(r"\s+", " ", found.text).strip() if found is not None and found.text else ""


@lru_cache(maxsize=1)
def _arxiv_index() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(shared_path("corpora/arxiv").rglob("*.xml")):
        root = ET.fromstring(p.read_bytes())
        for e in root.findall("atom:entry", NS):
            m = re.search(r"arxiv\.org/abs/(.+?)(v\d+)?$", _text(e, "atom:id"))
            if not m:
                continue
            prim = e.find("arxiv:primary_category", NS)
            out.setdefault(
                m.group(1),
                {
                    "id": m.group(1),
                    "version": m.group(2) or "v1",
                    "title": _text(e, "atom:title"),
                    "published": _text(e, "atom:published"),
                    "updated": _text(e, "atom:updated"),
                    "authors": [_text(a, "atom:name") for a in e.findall("atom:author", NS)],
                    "doi": _text(e, "arxiv:doi"),
                    "journal_ref": _text(e, "arxiv:journal_ref"),
                    "primary_category": prim.get("term", "") if prim is not None else "",
                    "summary": "",
                },
            )
    return out


def arxiv_entry(arxiv_id: str) -> dict[str, Any]:
    return dict(_arxiv_index()[arxiv_id])


def arxiv_with_title(fragment: str) -> dict[str, Any]:
    return dict(next(a for a in _arxiv_index().values() if fragment in a["title"]))


def arxiv_with_doi() -> list[dict[str, Any]]:
    return [dict(a) for a in _arxiv_index().values() if a["doi"]]


def project(tmp_path: Path, srv: Any, bib: str, **enrich: Any) -> tuple[Path, Path]:
    """library.bib with `bib` and a pathbib.toml aimed at the fake server (short intervals)."""
    libpath = tmp_path / "library.bib"
    libpath.write_text(bib, encoding="utf-8")
    s = fast_settings(srv, **enrich)
    toml = tmp_path / "pathbib.toml"
    keys = (
        "crossref_url",
        "arxiv_url",
        "timeout",
        "crossref_interval",
        "arxiv_interval",
        "retries",
        "backoff",
    )
    toml.write_text(
        "[enrich]\n"
        + "".join(f"{k.replace('_', '-')} = {json.dumps(getattr(s, k))}\n" for k in keys)
        + f"cache = {json.dumps(str(tmp_path / 'cache.sqlite'))}\n",
        encoding="utf-8",
    )
    return libpath, toml


def run(libpath: Path, toml: Path, *args: str) -> int:
    """`pathbib --config TOML -C LIB ARGS…` in process."""
    return main(["--config", str(toml), "-C", str(libpath), *args])
