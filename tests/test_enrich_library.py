"""The shipped library.bib re-enriched from the reference metadata, the way docs/curation.md made it
(`enrich --source file:seed-metadata.json --prefer-remote all`), changes nothing: the enrich rules
of issue #13 (dates, names, fields) add no difference to what tests/test_library.py compares."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, shared_path
from pathbib.bibio import read_library
from pathbib.cli.app import main
from pathbib.dates import disagreement


def test_reenriching_the_shipped_library_from_the_reference_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = shared_path("reference/seed-metadata.json")
    for name in ("library.bib", "library.provenance.json", "pathbib.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    before = (tmp_path / "library.bib").read_bytes()
    code = main(
        [
            "--config",
            str(tmp_path / "pathbib.toml"),
            "enrich",
            "--source",
            f"file:{seed}",
            "--prefer-remote",
            "all",
            "--json",
        ]
    )
    rep = json.loads(capsys.readouterr().out)
    assert code == 0
    assert rep["changes"] == [] and (tmp_path / "library.bib").read_bytes() == before
    lib = read_library(tmp_path / "library.bib")[0]
    assert lib.entries and all(
        not disagreement(e.get("year"), e.get("date"), e.get("origdate")) for e in lib.entries
    )
    assert not [f for f in rep["findings"] if f["rule"] in ("EN303", "EN003")]
