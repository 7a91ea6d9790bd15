"""The CSL-JSON export's fast paths give exactly what the general code gives (perf-csl).

Each fast path skips work for a common plain case (a `First Last` name, a title with nothing
to decode, one C JSON encoder for all items); these tests compare it with the general code on
hand-picked edge cases and on every name and title of the bib-samples corpus.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import shared_path
from pathbib.bibio import parse
from pathbib.exporters import _case, _csl_names
from pathbib.exporters.csl_json import _ENCODE, dumps_items
from pathbib.latex import latex_to_csl_pieces
from pathbib.names import parse_name_any, split_authors

NAMES = [
    "John Smith",
    "Mary Ann Evans",
    "John Smith Jr.",
    "John Smith Jr",
    "John Smith III",
    "Jr Smith",
    "Ivan Vi",
    "Sam Ovi",
    "Olga Alvii",
    "Ann Iii",
    "Smith Jr., John",
    "John Smith, Jr.",
    "Ludwig van Beethoven",
    "Family=Goethe Given",
    "John O'Neil",
    "José Müller",
    "Ana Dias-Silva",
    "Anne $x$ Berg",
    "Anne B`erg",
    "Anne Ber--g",
    "Anne Ber''g",
    "Po{-}Yao Huang",
    "A B",
    "A. B. Cee",
    "John  Smith",
    "John\tSmith",
    "{World Health Organization}",
    "others",
    "JOHN SMITH",
    "John S.",
    'Kurt G{\\"o}del',
    "John~Smith",
    "Jean-Paul Sartre",
    "Sven Iv",
    "Sven Viii",
    "Sven Jnr.",
]
TITLES = [
    "Masked Autoencoders that Listen",
    "On Kernelized Multi-Armed Bandits with Constraints",
    "A study of things",
    "BERT: Pre-training of Deep Bidirectional Transformers",
    "Why? Because! And: Then",
    "Gaussian Processes for 3D Vision in PubMed",
    "H. pylori and You",
    "İstanbul Is Big",
    "Straße Und Weg",
    "  Leading Space Title",
    "Two  Spaces Here",
    "Tab\tIn Title",
    "Mixed case Title with words",
    "X",
    "A",
    "'Quoted' Title Words",
    "“Smart” Quotes Matter Here",
    "Über Alles In Der Welt",
    "The Lipschitz Constant's Role",
    "GPT-4 and LLaMA-2 Models Compared",
    "Ends With Colon:",
    "Vision/Language Models",
    "Self-Supervised Learning of Speech",
]


@pytest.mark.parametrize("strict", [False, True])
def test_plain_name_path_equals_bibtex_rules(strict: bool) -> None:
    taken = 0
    for p in NAMES:
        fast = _csl_names._plain_name(p)
        if fast is not None:
            taken += 1
            assert fast == _csl_names._name(parse_name_any(p), strict), p
    assert taken >= 8  # the fast path is really taken for plain names


def test_name_lists_are_fresh_and_equal_to_per_name_conversion() -> None:
    value = " and ".join(NAMES[:8])
    first = _csl_names.csl_names(value)
    first.append({"family": "Intruder"})  # a caller may extend the list it gets
    again = _csl_names.csl_names(value)
    expected = [d for d in (_csl_names._name(parse_name_any(p), False) for p in split_authors(value)) if d]
    assert again == expected


def test_plain_title_case_equals_is_title_case() -> None:
    for t in TITLES:
        assert latex_to_csl_pieces(t) == [("t", t)], t  # what the fast path relies on
        assert _case._plain_title_case(t) == _case.is_title_case([("t", t)]), t
    assert _case._plain_title_case("Masked Autoencoders That Listen To Sounds")
    assert not _case._plain_title_case("Masked autoencoders that listen to sounds")


def _general_title(value: str, sentence: bool, words: frozenset[str]) -> str:
    """`csl_title` through the general (pieces) code only: the fast path's reference."""
    pieces = latex_to_csl_pieces(value)
    lower = sentence and _case.is_title_case(pieces, words)
    if len(pieces) == 1 and pieces[0][0] == "t":
        r = _case._case_text(pieces[0][1], lower, True, words)[0] if sentence else pieces[0][1]
        return r if "  " not in r and r.isprintable() and r == r.strip() else " ".join(r.split())
    raise AssertionError(f"not a plain title: {value!r}")


@pytest.mark.parametrize("sentence", [True, False])
def test_plain_titles_equal_general_path(sentence: bool) -> None:
    words = frozenset({"Gaussian", "PubMed", "Lipschitz"})
    for t in TITLES:
        assert _case.csl_title(t, sentence=sentence, words=words) == _general_title(t, sentence, words), t


def test_corpus_names_and_titles_equal_general_path() -> None:
    words = frozenset({"Gaussian", "Markov", "English"})
    seen = 0
    for name in ("biblatex-examples.bib", "xampl.bib", "btxdoc.bib", "biblatex-apa-test-references.bib"):
        lib = parse(shared_path(f"corpora/bib-samples/{name}").read_text(encoding="utf-8"))
        for e in lib.entries:
            for p in split_authors(e.get("author") or ""):
                fast = _csl_names._plain_name(p)
                if fast is not None:
                    assert fast == _csl_names._name(parse_name_any(p), False), p
            t = e.get("title") or ""
            if t and latex_to_csl_pieces(t) == [("t", t)]:
                seen += 1
                assert _case.csl_title(t, words=words) == _general_title(t, True, words), t
    assert seen > 50


ITEMS: list[dict[str, Any]] = [
    {
        "id": "a",
        "type": "book",
        "title": 'Ünïcödé “quotes” \\ back "slash"',
        "issued": {"date-parts": [[2020, 1, 2]]},
    },
    {
        "id": "b",
        "author": [{"family": "Smith", "given": "J"}],
        "note": "line\nbreak\ttab \u2028 sep",
        "x": 1.5,
    },
    {"id": "c", "title": "astral \U0001f600 emoji", "list": [], "empty": {}, "n": None, "t": True},
]


def test_item_encoder_equals_json_encoder() -> None:
    std = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    for item in ITEMS:
        assert _ENCODE(item) == std(item)
    text = dumps_items(ITEMS)
    assert json.loads(text) == ITEMS
    lines = [std(it) + "," for it in ITEMS]
    lines[-1] = lines[-1][:-1]
    assert text.split("\n") == ["[", *lines, "]", ""]  # one item per line


def test_make_field_gives_the_same_frozen_field() -> None:
    from dataclasses import FrozenInstanceError

    from pathbib.model import Field, make_field

    for args in (("title", "A {B}", "{"), ("year", "2020", ""), ("note", 'x "y"', '"')):
        made, plain_field = make_field(*args), Field(*args)  # type: ignore[arg-type]
        assert made == plain_field and hash(made) == hash(plain_field) and repr(made) == repr(plain_field)
        assert type(made) is Field
        with pytest.raises(FrozenInstanceError):
            made.value = "changed"  # type: ignore[misc]
