"""`check --fix` planning and applying: safe fixes only, untouched entries byte-identical
(moved from tests/test_check.py)."""

from __future__ import annotations

from pathbib.bibio import parse, render
from pathbib.check import (
    apply_fixes,
    plan_fixes,
)
from support.checkkit import run


def test_plan_and_apply_safe_fixes_only() -> None:
    text = (
        "@inproceedings{a,\n  title = {T},\n  url = {https://openaccess.thecvf.com/x.html?trk=public_post_comment-text},\n"
        "  doi = {https://doi.org/10.1109/CVPR52688.2022.01567},\n}\n\n@misc{b,\n  title = {U},\n  url = {https://x.org/p},\n}\n"
    )
    lib = parse(text, "l.bib")
    changes = plan_fixes(lib)
    assert {(c.key, c.field, c.new) for c in changes} == {
        ("a", "url", "https://openaccess.thecvf.com/x.html"),
        ("a", "doi", "10.1109/cvpr52688.2022.01567"),
    }
    out = render(apply_fixes(lib, changes))
    assert "trk=" not in out and "10.1109/cvpr52688.2022.01567" in out
    assert out.endswith(
        "@misc{b,\n  title = {U},\n  url = {https://x.org/p},\n}\n"
    )  # untouched entry byte-identical
    assert run(parse(out), "PB105", "PB403").findings == ()
