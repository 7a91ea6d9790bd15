"""Import at scale (issue 16): the reader's speed-ups give exactly what the general code gives.

`inline.md_for(text)` leaves out the markdown-it rules that cannot match anywhere in `text`, and
its inline parser makes one `text` token of a text in which no inline rule can start (and reads a
plain link destination with one pattern); its tokens must equal those of stock markdown-it
(CommonMark + tables) on every corpus list, the seed, and random documents built from the
characters those rules look for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination

from conftest import shared_path
from pathbib.importers.inline import _RULE_NEEDS, _link_destination, md, md_for

RULES = [name for name, _needed in _RULE_NEEDS]
STOCK = MarkdownIt("commonmark").enable("table")


def _dump(tokens: list[Any]) -> list[dict[str, Any]]:
    return [t.as_dict() for t in tokens]


def _lists() -> list[Path]:
    folder = shared_path("corpora/awesome-lists")
    return [shared_path("seed/000_e6471fc22fbee112.txt"), *sorted(folder.glob("*__*.md"))]


def _rules_left_out(text: str) -> set[str]:
    parser = md_for(text)
    on = {name for chain in parser.get_active_rules().values() for name in chain}
    return {name for name in RULES if name not in on}


@pytest.mark.slow  # ~7 s: every corpus list tokenized twice (random documents below stay in the fast run)
def test_corpus_lists_tokenize_the_same() -> None:
    left_out: set[str] = set()
    for path in _lists():
        text = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        assert _dump(md_for(text).parse(text)) == _dump(STOCK.parse(text)), path.name
        assert _dump(md().parse(text)) == _dump(STOCK.parse(text)), path.name
        left_out |= _rules_left_out(text)
    assert left_out == set(RULES)  # every rule is left out for some real list: each shortcut is exercised


@pytest.mark.parametrize(
    ("text", "needed"),
    [
        ("a\n---\n", {"lheading", "hr"}),  # a setext heading; `---` alone is also a rule
        ("a\n===  \n", {"lheading"}),
        ("- a\n  - b\n\n* * *\n", {"hr"}),
        ("- a\n- b\n", set()),
        ("x **bold** y\n", set()),  # `**` ends no line with three markers
        ("a | b\n--|--\n1 | 2\n", {"table", "lheading"}),
        ("> quote <b>\n", {"blockquote", "html_inline", "autolink", "html_block"}),
        ("```\ncode\n```\n", {"fence", "backticks"}),
        ("[a]: https://x.org\n\n[a]\n", {"reference"}),
        ("[a]:/u\n[a]\n", {"reference"}),
        ("a &amp; b \\* c\n", {"entity", "escape", "text_join"}),
        ("a &amp; b\n", {"entity", "text_join"}),
    ],
)
def test_a_rule_stays_where_its_characters_occur(text: str, needed: set[str]) -> None:
    assert needed <= set(RULES) - _rules_left_out(text)
    assert _dump(md_for(text).parse(text)) == _dump(STOCK.parse(text))


def test_carriage_returns_keep_every_rule() -> None:
    text = "a\r---\r\n- b\r"
    assert _rules_left_out(text) == set()
    assert _dump(md_for(text).parse(text)) == _dump(STOCK.parse(text))


# pieces that start, nearly start or end each rule's construct, at any indentation
# fmt: off
_PIECES = [
    "-", "- ", "*", "**", "_", "=", "==", "---", "- - -", "***", "___", " ", "  ", "    ", "\t", "\n", "\n\n",
    "1. ", "2) ", "+ ", "#", "# ", "## ", ">", "> ", "|", " | ", "|---|", ":--", "```", "~~~", "`", "[", "]",
    "]:", "(", ")", "<", "<div>", "</div>", "<br>", "<https://x.org>", "&", "&amp;", "&#35;", "\\", "\\*",
    "![", "word", "Title", "https://arxiv.org/abs/1", "[a](b)", "**T**", "*e*",
]
# fmt: on


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40))
def test_random_documents_tokenize_the_same(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _dump(md_for(text).parse(text)) == _dump(STOCK.parse(text))


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab 1.:-_*[]()!<>&`\\~\n\t#|é📄"), max_size=30))
def test_inline_text_reads_as_markdown_it_reads_it(text: str) -> None:
    for parser in (md(), md_for(text)):
        assert _dump(parser.inline.parse(text, parser, {}, [])) == _dump(
            STOCK.inline.parse(text, STOCK, {}, [])
        )


def test_plain_text_is_one_text_token_and_markup_is_parsed() -> None:
    (tok,) = md().inline.parse("Authors: A. Lopez, B. Li (2024)", md(), {}, [])
    assert (tok.type, tok.content) == ("text", "Authors: A. Lopez, B. Li (2024)")
    marked = "**T** [p](https://x.org)"
    types = [t.type for t in md().inline.parse(marked, md(), {}, [])]
    assert {"strong_open", "strong_close", "link_open", "link_close"} <= set(types)
    assert types == [t.type for t in STOCK.inline.parse(marked, STOCK, {}, [])]


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab/.:(<>)\\ \t\n&;é\x7f\x01"), max_size=20), st.integers(0, 6))
def test_link_destination_shortcut_equals_markdown_it(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    for maximum in {len(text), max(pos, len(text) - 2)}:
        ours, stock = _link_destination(text, pos, maximum), parseLinkDestination(text, pos, maximum)
        assert (ours.ok, ours.pos, ours.str) == (stock.ok, stock.pos, stock.str)


_TEXT = st.text(alphabet=st.sampled_from("aZ 1-{}\\&%$#_~^\x01\x02\x03\x04\x05\x060éßø–\u0301"), max_size=25)


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_plain_text_shortcuts_equal_the_general_code(text: str) -> None:
    import unicodedata

    from pathbib.importers.inline import _MARKS, Piece, unmark
    from pathbib.latex_safe import _ESCAPE_TABLE, _MARKUP_SPECIALS, escape, sanitize
    from pathbib.matching import _CMD, _SPECIAL, _TEX_LETTER, fold

    assert escape(text) == text.translate(_ESCAPE_TABLE)
    assert escape(text, keep_markup=True) == sanitize(_MARKUP_SPECIALS.sub(r"\1\\\2", text))
    general = _CMD.sub(lambda m: _TEX_LETTER.get(m.group(), ""), text).replace("{", "").replace("}", "")
    general = unicodedata.normalize("NFKD", general.translate(_SPECIAL))
    assert fold(text) == "".join(c for c in general if not unicodedata.combining(c)).lower()
    pieces = [Piece("link text")]
    marked = text.replace("\x05", "\x050\x06")
    general_plain = _MARKS.sub(lambda m: pieces[0].text if m.group().startswith("\x05") else "", marked)
    assert unmark(marked, pieces) == general_plain
