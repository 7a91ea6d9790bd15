"""The reader's speed-ups return exactly what the general code returns (perf-import)."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from pathbib.importers.inline import _PLAIN_URL, md, split_lead
from pathbib.keys import _first_significant, ascii_fold, base_key, significant_words

STOCK = MarkdownIt("commonmark").enable("table")

URLS = [
    "https://arxiv.org/abs/2401.01234",
    "https://github.com/a-b/c_d.e~f?tab=readme#install",
    "http://example.com",
    "https://openreview.net/forum?id=AbC-12_x&noteId=9",
    "https://doi.org/10.1145/3592433",
    "https://x.org/a%20b",  # an escape kept
    "https://x.org/a%zzb",  # a lone % is escaped by the general path
    "https://x.org/a b",
    "https://x.org/[x]",
    "https://EXAMPLE.com/Path",  # upper-case host: the general path
    "https://münchen.de/",
    "https://x.org/é",
    "https://user@x.org/",
    "https://x.org:8080/a",
    "mailto:a@b.org",
    "//x.org/a",
    "https://a..b/",
    "https://" + "a" * 70 + ".org/",
]


@pytest.mark.parametrize("url", URLS)
def test_normalize_link_fast_path_equals_markdown_it(url: str) -> None:
    assert md().normalizeLink(url) == STOCK.normalizeLink(url)


def test_fast_path_is_taken_for_plain_links_only() -> None:
    assert _PLAIN_URL.fullmatch("https://arxiv.org/abs/2401.01234")
    assert not _PLAIN_URL.fullmatch("https://x.org/a b")
    assert not _PLAIN_URL.fullmatch("https://EXAMPLE.com/")


def test_token_stream_equals_stock_parser() -> None:
    text = (
        "# List\n\n1. **Title** [[pdf]](https://arxiv.org/abs/1) ![b](https://img.shields.io/x.svg)\n"
        "   - Code: <https://github.com/a/b>\n   - [x](https://x.org/a b) [y](<https://x.org/[y]>)\n\n"
        "| Title | Paper |\n|---|---|\n| T | [p](https://doi.org/10.1/x%41) |\n"
    )
    assert [t.as_dict() for t in md().parse(text)] == [t.as_dict() for t in STOCK.parse(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Title",
        "📄 Paper",
        ":memo: Paper",
        "\x01Bold\x02",
        "- x",
        "`code`",
        "",
        " a",
        "\U0001f100 x",
        "٣ digits",
        "“Quoted”",
    ],
)
def test_split_lead(text: str) -> None:
    # the loop the fast path skips: nothing is split off a text starting with a letter, digit or markup
    lead, rest = split_lead(text)
    assert lead + rest == text
    if text[:1].isalnum() and text[:1] < "\U0001f000":
        assert lead == ""


def test_split_lead_keeps_leading_symbols() -> None:
    assert split_lead("📄 Paper") == ("📄 ", "Paper")
    assert split_lead(":memo: Paper") == (":memo: ", "Paper")
    assert split_lead("\U0001f100 x") == ("\U0001f100 ", "x")


@pytest.mark.parametrize(
    "title",
    [
        "Attention Is All You Need",
        "A Study of the {BERT} Model",
        'Über \\"uber Straße',
        "the of and",
        "2024: 3D Gaussians",
        "",
    ],
)
def test_key_words(title: str) -> None:
    words = significant_words(title)
    assert _first_significant(title, 2) == words[:2]
    assert base_key("", "2024", title).startswith(words[0] if words else "anon")


def test_ascii_fold_plain_and_latex() -> None:
    assert ascii_fold("plain ascii") == "plain ascii"
    assert ascii_fold("Stra{\\ss}e") == "Strae"
    assert ascii_fold("Straße {X}") == "Strasse X"
