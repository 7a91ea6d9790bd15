"""`pathbib check` PB5xx (keys, mojibake, unparseable blocks): every rule positive and negative
(moved from tests/test_check.py)."""

from __future__ import annotations

from pathbib.bibio import parse
from support.checkkit import E, keys, run

# --------------------------------------------------------------------------- PB5xx


def test_pb501_mojibake_with_repair_hint() -> None:
    a = E("misc", "a", title="t", author="CatalÃ¡n, Tabita and SchÃ¶nlieb, Carola")
    b = E("misc", "b", title="ğŸ“œ Scaling")
    c = E("misc", "c", title="itâ€™s")
    r = run([a, b, c], "PB501")
    assert keys(r) == ["a", "b", "c"]
    assert "Catalán" in (r.findings[0].fix or "")
    ok = [
        E("misc", "d", author="Catalán, Tabita and Schönlieb, C.", title="São Paulo ÃO CAPS test — “quoted”"),
        E("misc", "e", title=r"Sch{\"o}nlieb"),
    ]
    assert run(ok, "PB501").findings == ()
    # single weak sequences in one field still count; a quote after ß is correct German
    weak = [
        E("misc", "p", title="t", author="Nowak, PaweÅ‚"),
        E("misc", "m", title="t", author="MatÃas, A."),
        E("misc", "g", title="„Die Straße“ und das Café”"),
    ]
    r = run(weak, "PB501")
    assert (
        keys(r) == ["p", "m"]
        and "Paweł" in (r.findings[0].fix or "")
        and "Matías" in (r.findings[1].fix or "")
    )


def test_pb502_pb503_duplicate_keys_and_unparseable_blocks() -> None:
    lib = parse(
        "@article{a, title={One}}\n@article{a, title={Two}}\n@article{b, title={broken}\n@misc{c, title={ok}}\n",
        "x.bib",
    )
    r = run(lib, "PB5")
    by = {f.rule: f for f in r.findings}
    assert by["PB502"].key == "a" and by["PB502"].line == 2
    assert by["PB503"].line == 3
    assert run(parse("@article{a, title={One}}\n@article{b, title={Two}}\n"), "PB502", "PB503").findings == ()
    # keys that differ only in case (found in the dblp corpus by bibtex-tidy): the same key for BibTeX
    r = run(
        parse(
            "@inproceedings{DBLP:conf/nips/JianGV22, title={A}}\n@inproceedings{DBLP:conf/nips/JiangV22, title={B}}\n"
        ),
        "PB502",
    )
    assert keys(r) == ["DBLP:conf/nips/JiangV22"] and "letter case" in r.findings[0].message


def test_pb504_keys_latex_cannot_use() -> None:
    bad = [
        E("misc", "a b", title="t"),
        E("misc", "Müller2020", title="t"),
        E("misc", "x{y", title="t"),
        E("misc", "p%q", title="t"),
        E("misc", "", title="t"),
    ]
    good = [
        E("misc", "DBLP:conf/nips/000100BAGMF22", title="t"),
        E("misc", "visual2023language-2", title="t"),
        E("misc", "smith_2020.v2", title="t"),
    ]
    assert keys(run(bad + good, "PB504")) == ["a b", "Müller2020", "x{y", "p%q", ""]
