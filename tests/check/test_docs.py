"""Every rule documented, and docs/check.md generated from the registry (moved from tests/test_check.py)."""

from __future__ import annotations

import re

from conftest import ROOT
from pathbib.check import (
    RULES,
    explain,
    update_docs,
)

# --------------------------------------------------------------------------- docs


def test_every_rule_documented_and_docs_up_to_date() -> None:
    for rid, r in RULES.items():
        assert re.fullmatch(r"PB[1-7]\d\d", rid) and r.summary and r.why and r.fix
        text = explain(rid)
        assert rid in text and "Suppress" in text
    docs = ROOT / "docs" / "check.md"
    current = docs.read_text(encoding="utf-8")
    expected = update_docs(current)
    if current != expected and __import__("os").environ.get("PATHBIB_UPDATE_GOLDEN") == "1":
        docs.write_text(expected, encoding="utf-8")
        current = expected
    assert current == expected, (
        "docs/check.md is stale: run PATHBIB_UPDATE_GOLDEN=1 pytest tests/check/test_docs.py"
    )
