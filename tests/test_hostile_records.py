"""One bad record is a finding, not the end of the run (issue #16, point 5).

Each mutation below breaks one record -- from a CSL-JSON file (`enrich --source file:`) or
from Crossref (the fake server) -- while a second, good record sits beside it: the run must
exit 0 or 3 without a traceback, the good entry must be enriched, and library.bib must stay
parseable.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pathbib.bibio import read_library
from pathbib.cli.app import main
from support.fakeserver import FakeServer

MUTATIONS: list[dict[str, Any]] = [
    {"issued": {"date-parts": [["x"]]}},
    {"issued": {"date-parts": "x"}},
    {"issued": {"date-parts": [[{"a": 1}]]}},
    {"issued": {"date-parts": [[2020, 13, 45]]}},
    {"issued": {"date-parts": [[10**30]]}},
    {"issued": 5},
    {"issued": {"date-parts": [[True]]}},
    {"published": {"date-parts": [["²"]]}},
    {"published": {"date-parts": [["٣"]]}},
    {"title": 5},
    {"title": ["a", ["b"]]},
    {"title": [None]},
    {"author": "x"},
    {"author": [5]},
    {"author": [{"family": 5, "given": ["x"]}]},
    {"author": [{"family": "A" * 10000}]},
    {"page": ["x"]},
    {"volume": {"a": 1}},
    {"volume": "²"},
    {"container-title": [1, 2]},
    {"type": 5},
    {"URL": 5},
    {"relation": "x"},
    {"relation": {"has-preprint": 5}},
    {"link": "x"},
    {"subtitle": {"a": 1}},
    {"ISSN": 5},
    {"ISBN": [[1]]},
    {"editor": "x"},
    {"abstract": 5},
]


def _good(doi: str, title: str) -> dict[str, Any]:
    return {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "container-title": ["Journal of Tests"],
        "author": [{"given": "Ann", "family": "Smith", "sequence": "first"}],
        "issued": {"date-parts": [[2021, 3, 4]]},
        "published": {"date-parts": [[2021, 3, 4]]},
        "volume": "7",
        "page": "1-10",
    }


def _deep(n: int) -> Any:
    v: Any = "x"
    for _ in range(n):
        v = [v]
    return v


LIB = "@misc{bad,\n  doi = {10.5555/bad},\n}\n\n@misc{good,\n  doi = {10.5555/good},\n}\n"


def _check(tmp_path: Path, code: int, err: str) -> None:
    assert code in (0, 3), err
    lib, _ = read_library(tmp_path / "library.bib")
    assert not lib.failed
    good = lib.get("good")
    assert good is not None and good.get("volume") == "7", err


@pytest.mark.parametrize("mutation", [*MUTATIONS, {"title": _deep(500)}], ids=lambda m: json.dumps(m)[:40])
def test_a_bad_csl_record_leaves_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutation: dict[str, Any]
) -> None:
    (tmp_path / "library.bib").write_text(LIB, encoding="utf-8")
    (tmp_path / "pathbib.toml").write_text('library = "library.bib"\n', encoding="utf-8")
    bad = _good("10.5555/bad", "A bad record") | {"id": "bad"}
    bad.update(mutation)
    good = _good("10.5555/good", "A good record") | {"id": "good"}
    for item in (bad, good):  # CSL-JSON spells the container and page differently
        item["container-title"] = item.get("container-title")
    (tmp_path / "rec.json").write_text(json.dumps([bad, good]), encoding="utf-8")
    code = main(
        ["--config", str(tmp_path / "pathbib.toml"), "enrich", "--source", f"file:{tmp_path / 'rec.json'}"]
    )
    _check(tmp_path, code, capsys.readouterr().err)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: json.dumps(m)[:40])
def test_a_bad_crossref_record_leaves_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutation: dict[str, Any]
) -> None:
    bad = copy.deepcopy(_good("10.5555/bad", "A bad record"))
    bad.update(mutation)
    with FakeServer([bad, _good("10.5555/good", "A good record")], []) as srv:
        (tmp_path / "library.bib").write_text(LIB, encoding="utf-8")
        (tmp_path / "pathbib.toml").write_text(
            f'library = "library.bib"\n[enrich]\ncrossref-url = "{srv.crossref_url}"\narxiv-url = "{srv.arxiv_url}"\n'
            "timeout = 5\ncrossref-interval = 0\narxiv-interval = 0\nretries = 0\n",
            encoding="utf-8",
        )
        code = main(
            ["--config", str(tmp_path / "pathbib.toml"), "enrich", "--source", "crossref", "--no-search"]
        )
    _check(tmp_path, code, capsys.readouterr().err)


def test_a_csl_file_nested_100k_deep_is_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "library.bib").write_text(LIB, encoding="utf-8")
    (tmp_path / "pathbib.toml").write_text('library = "library.bib"\n', encoding="utf-8")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code = main(
        ["--config", str(tmp_path / "pathbib.toml"), "enrich", "--source", f"file:{tmp_path / 'deep.json'}"]
    )
    err = capsys.readouterr().err
    assert code == 4 and "nested too deeply" in err
    assert (tmp_path / "library.bib").read_text(encoding="utf-8") == LIB
