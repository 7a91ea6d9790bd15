"""Citation keys (pathbib.keys)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathbib.bibio import parse, render
from pathbib.cli.app import main
from pathbib.errors import UsageError
from pathbib.keys import KEY_RE, ascii_fold, base_key, make_key, rename_key, significant_words, unique_key


def test_scheme_family_year_first_significant_word() -> None:
    assert base_key("Chen", "2022", "Scaling Vision Transformers to Gigapixel Images") == "chen2022scaling"
    assert (
        base_key("Catalán", "2023", "Unsupervised reconstruction of cardiac MRI") == "catalan2023unsupervised"
    )
    assert base_key("Schönlieb", "2023", "The Implicit neural thing") == "schonlieb2023implicit"
    assert base_key("van Gogh", "2021", "A Towards-style title") == "vangogh2021style"
    assert base_key("Łukasz-Øre", "2020", "Straße") == "lukaszore2020strasse"


def test_fallbacks() -> None:
    assert base_key("", "2024", "RudolfV: A Foundation Model by Pathologists") == "rudolfv2024foundation"
    assert base_key(None, None, "Tissue Concepts: supervised models") == "tissueconcepts"
    assert base_key("Li", None, "Batch Implicit Neural Representation") == "libatch"
    assert base_key(None, "2020", None) == "anon2020"
    assert base_key("Li", "20xx", "Title") == "lititle"  # a year that is not four digits is left out


def test_significant_words_skip_stop_words_and_numbers() -> None:
    assert significant_words("A visual–language foundation model for 3D pathology") == [
        "visual",
        "language",
        "foundation",
        "model",
        "3d",
        "pathology",
    ]
    assert significant_words("Towards the 1.6 Million Pairs") == ["million", "pairs"]


def test_unique_key_appends_a_counter() -> None:
    assert unique_key("chen2022scaling", set()) == "chen2022scaling"
    assert unique_key("chen2022scaling", {"chen2022scaling"}) == "chen2022scaling-2"
    assert unique_key("chen2022scaling", {"Chen2022Scaling", "chen2022scaling-2"}) == "chen2022scaling-3"


def test_ascii_fold_drops_latex_and_accents() -> None:
    assert ascii_fold(r"Sch{\"o}nlieb") == "Schonlieb"
    assert ascii_fold("Matías") == "Matias"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(max_size=12),
            st.one_of(st.none(), st.from_regex(r"\A(19|20)\d\d\Z")),
            st.text(max_size=40),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_keys_are_ascii_valid_and_never_collide(rows: list[tuple[str, str | None, str]]) -> None:
    taken: set[str] = set()
    for family, year, title in rows:
        key = make_key(family, year, title, taken)
        assert key.isascii() and KEY_RE.match(key) and re.fullmatch(r"[a-z0-9-]+", key)
        assert key.lower() not in {k.lower() for k in taken}
        taken.add(key)


# ----------------------------------------------------------------------------- rename-key

BIB = """@inproceedings{child,
  title = {Child},
  crossref = {parent},
}

@proceedings{parent,
  title = {Parent Proceedings},
  related = {other, parent},
}

@misc{other,
  title = {Other},
}
"""


def test_rename_key_updates_references_and_keeps_other_blocks() -> None:
    lib = parse(BIB)
    new, changes = rename_key(lib, "parent", "proc2024")
    assert new.get("parent") is None and new.get("proc2024") is not None
    assert new.get("child").get("crossref") == "proc2024"  # type: ignore[union-attr]
    assert new.get("proc2024").get("related") == "other, proc2024"  # type: ignore[union-attr]
    assert new.get("other") == lib.get("other")  # untouched, byte for byte
    assert render(new).count("@misc{other,\n  title = {Other},\n}") == 1
    assert {(c.key, c.field) for c in changes} == {
        ("parent", "@key"),
        ("child", "crossref"),
        ("proc2024", "related"),
    }


@pytest.mark.parametrize(
    ("old", "new", "msg"),
    [
        ("missing", "x", "no entry"),
        ("child", "Other", "already exists"),
        ("child", "a b", "not a valid"),
        ("child", "a,b", "not a valid"),
    ],
)
def test_rename_key_refusals(old: str, new: str, msg: str) -> None:
    with pytest.raises(UsageError, match=msg):
        rename_key(parse(BIB), old, new)


def test_rename_key_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "library.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "pathbib.toml").write_text('library = "library.bib"\nsurvey = "parent"\n', encoding="utf-8")
    assert main(["rename-key", "--dry-run", "parent", "proc"]) == 0
    assert (tmp_path / "library.bib").read_text(encoding="utf-8") == BIB
    assert main(["rename-key", "parent", "proc"]) == 0
    text = (tmp_path / "library.bib").read_text(encoding="utf-8")
    assert "@proceedings{proc," in text and "crossref = {proc}" in text
    assert 'survey = "proc"' in (tmp_path / "pathbib.toml").read_text(encoding="utf-8")
    assert main(["rename-key", "nope", "x"]) == 2
    assert "no entry" in capsys.readouterr().err
