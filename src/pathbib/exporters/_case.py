"""CSL titles: LaTeX -> CSL rich text, English Title Case -> sentence case (pure).

CSL-JSON stores titles in sentence case and lets styles change them (APA prints article titles
as stored; a style may title-case them); words that must keep their case are wrapped in
`<span class="nocase">`. `csl_title(value, sentence=True)`:

- converts LaTeX markup to CSL rich text (`pathbib.latex.latex_to_csl_pieces`): `\\textit` ->
  `<i>`, `$^+$` -> `<sup>`, `\\mkbibquote` -> quotes, brace-protected groups -> nocase;
- for titles (`sentence=True`) wraps, outside protected groups and markup, acronyms (`CLIP`, `H&E`), words with an inner
  capital or a digit (`PathDino`, `3D`) and the proper nouns of `words` (Gaussian, Markov, ...,
  `list.protect_words`) in nocase spans, the same rule as the BibTeX export's brace protection;
- when `sentence` and the title is in English Title Case (most significant words capitalised),
  lower-cases the other words, except the first word and the first word after `:`, `?`, `!`.
  Text inside markup (`<i>H. pylori</i>`) is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..latex import RichPiece, latex_to_csl_pieces, needs_decoding

__all__ = ["csl_title", "is_title_case", "ENGLISH"]

#: langid / language values that mean English (the only language whose Title Case is undone)
ENGLISH = frozenset(
    {
        "",
        "english",
        "american",
        "british",
        "canadian",
        "australian",
        "newzealand",
        "usenglish",
        "ukenglish",
        "en",
        "en-us",
        "en-gb",
        "en-ca",
        "en-au",
    }
)
_MINOR = frozenset(
    "a an the and but or nor for so yet as at by in of off on per to up via vs with from into onto "
    "over than that upon out about after under".split()
)
_WORD = re.compile(r"[^\W_](?:[\w'’.\-&]*[^\W_])?")
_STOP = re.compile(r"[:?!]")  # the next word starts a (sub)title: it keeps its capital
_NOCASE_OPEN = '<span class="nocase">'
_MEMO: dict[tuple[str, bool, frozenset[str]], str] = {}


def _depth_change(markup: str) -> int:
    """+1 for an opening tag or quote, -1 for a closing one: text inside keeps its case."""
    if markup.startswith("</") or markup in ("\u201d", "\u2019"):
        return -1
    return 1 if markup.startswith("<") or markup in ("\u201c", "\u2018") else 0


_LOW = "a-z\u00df-\u00f6\u00f8-\u00ff"
_EDGE = r"\w'’.&"  # word characters; "-" and "/" separate the parts of a compound
# a capitalised plain word (Title), a lower-case word, and any word with a capital or digit
_CAP_WORD = re.compile(rf"(?<![{_EDGE}])[A-Z\u00c0-\u00d6\u00d8-\u00de][{_LOW}]+(?![{_EDGE}])")


_MINOR_ALT = "|".join(sorted(_MINOR, key=len, reverse=True))
# a lower-case word that is not a minor word (counted against Title Case)
_LOW_SIG = re.compile(rf"(?<![{_EDGE}])(?!(?:{_MINOR_ALT})(?![{_EDGE}]))[{_LOW}]+(?![{_EDGE}])")
# a capitalised word that starts a (sub)title: its capital says nothing about the case style
_START_CAP = re.compile(rf"(?:^|[:?!])[\s\"“‘'(\[]*[A-Z\u00c0-\u00d6\u00d8-\u00de][{_LOW}]+(?![{_EDGE}])")
_START_POS = re.compile(r"[:?!][\s\"“‘'(\[]*")


def is_title_case(pieces: list[RichPiece], words: frozenset[str] = frozenset()) -> bool:
    """True when at least 3/4 of the significant words (two or more) start with a capital.

    Significant: unprotected, outside markup, not a sentence start (the first word, the first
    after `:` `?` `!`), not a minor word (articles, conjunctions, short prepositions); words
    with inner capitals or digits (acronyms) are not counted.
    """
    total = caps = 0
    depth = 0
    first = True
    for kind, text in pieces:
        if kind == "m":
            depth += _depth_change(text)
            continue
        if kind == "t" and not depth:
            cap_words, low = _word_counts(text, words)
            c = (
                cap_words
                - _start_caps(text)
                + (0 if first or not _START_CAP.match(text) or _STOP.match(text) else 1)
            )
            caps += c
            total += c + low
        first = False
    return total >= 2 and caps * 4 >= total * 3


def _start_caps(text: str) -> int:
    """`len(_START_CAP.findall(text))`: capitalised words that start the text or a subtitle."""
    if ":" in text or "?" in text or "!" in text:
        return len(_START_CAP.findall(text))
    return 1 if _START_CAP.match(text) else 0


def _plain_title_case(text: str, bits: int | None = None) -> bool:
    """`is_title_case([("t", text)])`: the same counts for one unprotected piece at the start."""
    cap_words, low = _word_counts(text, frozenset(), bits)
    caps = cap_words - _start_caps(text)
    total = caps + low
    return total >= 2 and caps * 4 >= total * 3


# perf: the counts of `_CAP_WORD` and `_LOW_SIG` and whether `_keep_pattern` can match at all,
# read from the runs of word characters (`[\w'’.&]+`, the characters those patterns' edges test).
# No run crosses whitespace, so a text's runs are those of its `split()` tokens; each token is
# classified once and memoised (titles share most of their words): a title costs one `split`
# and one C-level sum instead of three scans with look-arounds at every position.
_RUN = re.compile(r"[\w'’.&]+")
_CAP_RUN = re.compile(rf"[A-Z\u00c0-\u00d6\u00d8-\u00de][{_LOW}]+")
_LOW_RUN = re.compile(rf"[{_LOW}]+")
_DIGIT = re.compile(r"\d")
_UPPER_CHAR = re.compile("[A-Z\u00c0-\u00d6\u00d8-\u00de]")
_SINGLE_CAPS = frozenset(map(chr, [*range(0x42, 0x5B), *range(0xC0, 0xD7), *range(0xD8, 0xDF)]))
_ONE_CAP, _ONE_LOW, _ONE_KEEP = 1, 1 << 21, 1 << 42  # bit fields of a run's value
_COUNT = (1 << 21) - 1


class _TokenKinds(dict[str, int]):
    """Whitespace-free token -> the sum over its runs of `_ONE_CAP` (a whole `_CAP_WORD`
    match), `_ONE_LOW` (a whole `_LOW_SIG` match) and `_ONE_KEEP` (a `_keep_pattern(words)`
    match may start there)."""

    def __init__(self, words: frozenset[str]) -> None:
        super().__init__()
        # a keep match starts at a run's start (its look-behind) with a letter or digit, so
        # it needs a digit in the run, a capital after the run's first character, a single
        # capital (then nothing or "."), or a protected word (`_scan` takes no shortcut when
        # one has a character outside the runs: it could match where no run starts)
        ok = all(_RUN.fullmatch(w) for w in words)
        self.words: tuple[str, ...] | None = tuple(words) if ok else None

    def _run(self, run: str) -> int:
        v = 0
        if _CAP_RUN.fullmatch(run):
            v = _ONE_CAP
        elif _LOW_RUN.fullmatch(run) and run not in _MINOR:
            v = _ONE_LOW
        if (
            _DIGIT.search(run)
            or _UPPER_CHAR.search(run, 1)
            or (run[0] in _SINGLE_CAPS and (len(run) == 1 or run[1] == "."))
            or (self.words and run.startswith(self.words))
        ):
            v |= _ONE_KEEP
        return v

    def __missing__(self, token: str) -> int:
        v = sum(self._run(r) for r in _RUN.findall(token))
        if len(token) <= 64:  # memo bounded in size: long tokens (URLs, garbage) are not kept
            if len(self) >= 1 << 16:
                self.clear()
            self[token] = v
        return v


_KINDS: dict[frozenset[str], _TokenKinds] = {}


def _scan(text: str, words: frozenset[str]) -> int | None:
    """The sum of the values of `text`'s runs (see `_TokenKinds`); None for a text so long
    (2**22 - 1 characters) that a count could overflow its bit field, or when a protected word
    is not made of runs."""
    if len(text) >= (1 << 22) - 1:  # runs are separated: 2**21 of them need 2**22 - 1 characters
        return None
    kinds = _KINDS.get(words)
    if kinds is None:
        if len(_KINDS) > 8:
            _KINDS.clear()
        kinds = _KINDS[words] = _TokenKinds(words)
    if kinds.words is None:  # a protected word outside the runs ("C++", "(+)") may match where no
        return None  # run is: no shortcut, the patterns decide
    return sum(map(kinds.__getitem__, text.split()))


def _word_counts(text: str, words: frozenset[str], bits: int | None = None) -> tuple[int, int]:
    """`(len(_CAP_WORD.findall(text)), len(_LOW_SIG.findall(text)))`."""
    if bits is None:
        bits = _scan(text, words)
        if bits is None:  # a count could overflow its bit field: the patterns themselves
            return len(_CAP_WORD.findall(text)), len(_LOW_SIG.findall(text))
    return bits & _COUNT, (bits >> 21) & _COUNT


_FIRST = re.compile(r"[^\W_]")  # where the first word starts
_CLOSERS = " \t\r\n\"'“‘([–—-"  # what may follow a ":" before the next word


_PART = r"[\w'’.&]"
_START_EDGE = r"(?<![\w'’.&])"
_END_EDGE = r"(?![\w'’&]|[.][\w'’&])"  # a final "." followed by a space ends the word ("H. pylori")
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_KEEP_RE: dict[frozenset[str], re.Pattern[str]] = {}


def _keep_pattern(words: frozenset[str]) -> re.Pattern[str]:
    """Words (hyphen/slash parts) that keep their case: acronyms, inner capitals, digits, single capitals, proper nouns."""
    pat = _KEEP_RE.get(words)
    if pat is None:
        alts = [
            rf"(?=[\w'’.&]*\d)(?=[\w'’.&]*[^\W\d_])[^\W_](?:{_PART}*[^\W_])?",  # letters and a digit: 3D, GPT4
            rf"[^\W_]{_PART}*?[{_UPPER}](?:{_PART}*[^\W_])?",  # a capital after the first letter
            r"[B-Z\u00c0-\u00d6\u00d8-\u00de]",  # a single capital other than the article "A"
        ]
        if words:
            alts.append(
                "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")(?:s|'s|’s)?"
            )
        if len(_KEEP_RE) > 8:
            _KEEP_RE.clear()
        pat = _KEEP_RE[words] = re.compile(_START_EDGE + "(?:" + "|".join(alts) + ")" + _END_EDGE)
    return pat


def _case_text(
    text: str, lower: bool, at_start: bool, words: frozenset[str] | None, bits: int | None = None
) -> tuple[str, bool]:
    """Lower-case (if `lower`) and nocase-wrap (unless `words` is None) one unprotected text piece.

    Lower-casing is `str.lower()` on the text between the words that keep their case, with the
    first letter of each sentence start (the piece's first word when `at_start`, the first word
    after `:` `?` `!`) restored: a handful of regex passes, no Python work per word. `bits` is
    `_scan(text, words)` when the caller has it.
    """
    first = _FIRST.search(text)
    out: list[str] = []
    if words is None:
        out.append(text.lower() if lower else text)
        keeps: list[re.Match[str]] = []
    else:
        if bits is None:
            bits = _scan(text, words)
        # perf: in most titles no run can start a keep match, and the pattern is not run
        keeps = list(_keep_pattern(words).finditer(text)) if bits is None or bits >= _ONE_KEEP else []
    if lower:
        starts = (
            [m.end() for m in _START_POS.finditer(text)] if ":" in text or "?" in text or "!" in text else []
        )
        if first is not None and at_start:
            starts.append(first.start())
        low = text.lower()
        for p in starts:
            if p < len(text) and low[p] != text[p]:
                low = low[:p] + text[p] + low[p + 1 :]
    else:
        low = text
    if words is not None:
        pos = 0
        for m in keeps:
            out += [low[pos : m.start()], _NOCASE_OPEN, m.group(), "</span>"]
            pos = m.end()
        out.append(low[pos:])
    if first is None:
        return "".join(out), at_start or bool(_STOP.search(text))
    return "".join(out), text.rstrip(_CLOSERS).endswith((":", "?", "!"))


def csl_title(value: str, *, sentence: bool = True, words: Iterable[str] = ()) -> str:
    """Return the CSL rich-text title for LaTeX `value` (see the module docstring)."""
    wset = words if isinstance(words, frozenset) else frozenset(words)
    memo_key = (value, sentence, wset)
    r = _MEMO.get(memo_key)
    if r is not None:
        return r
    if value and not needs_decoding(value):
        # perf: nothing to decode and no markup, the common case: `latex_to_csl_pieces` would
        # give the one text piece `value`; `_plain_title_case` is `is_title_case` on it
        if sentence:
            bits = _scan(value, wset)
            r = _case_text(value, _plain_title_case(value, bits), True, wset, bits)[0]
        else:
            r = value
        r = r if "  " not in r and r.isprintable() and r == r.strip() else " ".join(r.split())
        _MEMO[memo_key] = r
        return r
    pieces = latex_to_csl_pieces(value)
    lower = sentence and is_title_case(pieces, wset)
    if len(pieces) == 1 and pieces[0][0] == "t":  # perf: plain text after decoding
        r = _case_text(pieces[0][1], lower, True, wset)[0] if sentence else pieces[0][1]
        r = r if "  " not in r and r.isprintable() and r == r.strip() else " ".join(r.split())
        _MEMO[memo_key] = r
        return r
    out: list[str] = []
    depth = 0
    at_start = True
    for kind, text in pieces:
        if kind == "m":
            out.append(text)
            depth += _depth_change(text)
        elif kind == "n":
            if out and out[-1] == "</span>" and len(out) >= 3 and out[-3] == _NOCASE_OPEN:
                out[-2] += text  # adjacent protected groups: one span
            else:
                out += [_NOCASE_OPEN, text, "</span>"]
            at_start = bool(_STOP.search(text))
        elif depth:
            out.append(text)
            at_start = False
        elif sentence:
            cased, at_start = _case_text(text, lower, at_start, wset)
            out.append(cased)
        else:  # a name (journal, series, event): kept as written, braces are its only protection
            out.append(text)
    r = " ".join("".join(out).split())
    if len(_MEMO) > 1 << 17:
        _MEMO.clear()
    _MEMO[memo_key] = r
    return r
