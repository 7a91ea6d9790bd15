"""The check runner: suppression (library and config, by prefix), rule selection and ignoring
(moved from tests/test_check.py)."""

from __future__ import annotations

from pathbib.check import (
    CheckContext,
    parse_check_ignore,
    run_check,
)
from pathbib.config import CheckSettings, Settings
from pathbib.model import Library
from support.checkkit import TODAY, E, run

# --------------------------------------------------------------------------- suppression, selection, fixes


def test_suppression_in_library_and_config_with_prefixes() -> None:
    assert parse_check_ignore("PB201: general model; PB405: old id") == {
        "PB201": "general model",
        "PB405": "old id",
    }
    a = E("article", "a", title="t", check_ignore="PB3: dates checked by hand")
    b = E("article", "b", title="t")
    s = Settings(check=CheckSettings(suppress=({"rule": "PB305", "key": "b", "reason": "undated report"},)))
    r = run([a, b], "PB305", settings=s)
    assert r.findings == ()
    assert sorted((x.finding.key, x.reason) for x in r.suppressed) == [
        ("a", "dates checked by hand"),
        ("b", "undated report"),
    ]
    assert {x.where for x in r.suppressed} == {"library.bib check-ignore", "pathbib.toml [[check.suppress]]"}


def test_select_and_ignore_prefixes() -> None:
    e = E("article", "a", title="t")  # PB305, PB401, PB402
    lib = Library((e,), "library.bib")
    ctx = CheckContext(today=TODAY)
    assert {f.rule for f in run_check(lib, ctx, select=["PB4"]).findings} == {"PB401", "PB402"}
    assert {f.rule for f in run_check(lib, ctx, select=["PB4"], ignore=["PB402"]).findings} == {"PB401"}
    cfg = CheckContext(settings=Settings(check=CheckSettings(ignore=("PB4",))), today=TODAY)
    assert {f.rule for f in run_check(lib, cfg).findings} == {"PB305"}
