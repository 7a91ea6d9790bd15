"""BibTeX name parsing: the cases of Patashnik's btxdoc and biber's btparse documentation."""

import pytest

from pathbib.names import Name, format_name, parse_name, split_authors, split_names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ludwig van Beethoven", Name(first="Ludwig", von="van", last="Beethoven")),
        ("van Beethoven, Ludwig", Name(first="Ludwig", von="van", last="Beethoven")),
        ("Ford, Jr., Henry", Name(first="Henry", last="Ford", jr="Jr.")),
        ("de la Fontaine, Jean", Name(first="Jean", von="de la", last="Fontaine")),
        ("Jean de La Fontaine", Name(first="Jean", von="de", last="La Fontaine")),
        ("Per Brinch Hansen", Name(first="Per Brinch", last="Hansen")),
        ("Brinch Hansen, Per", Name(first="Per", last="Brinch Hansen")),
        ("{Brinch Hansen}, Per", Name(first="Per", last="{Brinch Hansen}")),
        ("Plato", Name(last="Plato")),
        ("{World Health Organization}", Name(literal="World Health Organization")),
        ("others", Name(literal="others")),
        (r"Catal{\'a}n, Nicol{\'a}s", Name(first=r"Nicol{\'a}s", last=r"Catal{\'a}n")),
        (r"Hans {\"u}ber Meier", Name(first="Hans", von=r"{\"u}ber", last="Meier")),
        (
            "Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin",
            Name(first="Charles Louis Xavier Joseph", von="de la", last="Vall{\\'e}e Poussin"),
        ),
        ("Donald~E. Knuth", Name(first="Donald E.", last="Knuth")),
        ("{von} Neumann, John", Name(first="John", last="{von} Neumann")),
    ],
)
def test_parse_name(text: str, expected: Name) -> None:
    assert parse_name(text) == expected


def test_split_on_and_at_depth_zero_only() -> None:
    assert split_authors("A. One and {Barnes and Noble} and C. Three") == [
        "A. One",
        "{Barnes and Noble}",
        "C. Three",
    ]
    assert split_authors("Anderson, A.  AND\n  Band, B.") == ["Anderson, A.", "Band, B."]
    assert split_authors("") == []
    # "and" inside a word is not a separator
    assert split_authors("Sandy Andrews and Leland Anderson") == ["Sandy Andrews", "Leland Anderson"]


def test_split_names_and_format_back() -> None:
    names = split_names("van Beethoven, Ludwig and Ford, Jr., Henry and {IBM}")
    assert [format_name(n) for n in names] == ["van Beethoven, Ludwig", "Ford, Jr., Henry", "{IBM}"]
