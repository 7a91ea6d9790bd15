"""Detect and reverse UTF-8 text that was mis-decoded as Windows-1254/1252 (pure).

When UTF-8 bytes are decoded with a Windows code page, every byte becomes one character:
📜 (F0 9F 93 9C) reads `ğŸ“œ`, á (C3 A1) reads `Ã¡`. Bytes the code page does not define
(cp1254: 81 8D 8E 8F 90 9D 9E) are dropped, and so, in practice, is the invisible soft
hyphen (AD): 🗓️ loses the last byte of its variation selector (`ğŸ—“ï¸`), 🧑‍🔬 the last
byte of its zero-width joiner, í (C3 AD) its second byte (`MatÃas`).

`repair(text)` finds maximal runs of non-ASCII characters, encodes each run back to the code
page and decodes it as UTF-8. A sequence that is one byte short is completed by trying every
byte that can have been dropped, at every position inside the sequence; the repair is made
only when exactly one candidate is valid UTF-8 *and* plausible text in its context (see
`_plausible`). Anything else stays as it was and is reported with its line number.

Detection is per document: repairs are made only when runs that reverse to UTF-8 with no
help at all give clear evidence of mis-decoding (see `_evidence`). Correct UTF-8 text is returned untouched.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import product

__all__ = [
    "Repair",
    "Ambiguity",
    "RepairResult",
    "repair",
    "detect",
    "MOJIBAKE_MARKERS",
    "find_mojibake",
    "MisDecoded",
    "find_mis_decoded",
    "looks_mis_decoded",
]

#: Code pages tried, in order; the one with the most evidence wins.
CODEPAGES: tuple[str, ...] = ("cp1254", "cp1252")

#: Character pairs that (almost) only occur in mis-decoded UTF-8; used by tests and `check`.
MOJIBAKE_MARKERS: tuple[str, ...] = ("Ã", "Â", "â€", "ğŸ", "ðŸ", "ï¸", "Å", "Ä±", "Ä")


def _lost_bytes(codepage: str) -> tuple[int, ...]:
    undefined = []
    for b in range(0x80, 0xC0):
        try:
            bytes([b]).decode(codepage)
        except UnicodeDecodeError:
            undefined.append(b)
    return tuple(undefined) + (0xAD,)  # soft hyphen: defined, but invisible and often stripped


@dataclass(frozen=True, slots=True)
class Repair:
    """One run of mis-decoded characters and what it was turned back into."""

    line: int
    original: str
    repaired: str
    recovered_bytes: int = 0  # lost bytes put back (0 when the run reversed cleanly)


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """A mis-decoded character that could not be decided: left as it was."""

    line: int
    column: int
    original: str  # the characters left in the text
    candidates: tuple[str, ...]  # the plausible readings (empty: none was plausible)

    def message(self) -> str:
        if self.candidates:
            cands = ", ".join(f"{c!r} (U+{ord(c[0]):04X})" for c in self.candidates)
            return f"mis-decoded text {self.original!r} could be any of {cands}; left unchanged"
        return f"mis-decoded text {self.original!r} has no plausible reading; left unchanged"


@dataclass(frozen=True, slots=True)
class RepairResult:
    text: str
    detected: bool
    codepage: str = ""
    repairs: tuple[Repair, ...] = ()
    ambiguities: tuple[Ambiguity, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.repairs)

    @property
    def repaired_chars(self) -> int:
        """Number of characters in the repaired text that came out of a repair."""
        return sum(len(r.repaired) for r in self.repairs)


# --------------------------------------------------------------------------- plausibility

_PICTO_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2300, 0x23FF),
    (0x2B00, 0x2BFF),
    (0x2190, 0x21FF),
    (0x1FC00, 0x1FFFD),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3299),
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
)
ZWJ = "\u200d"
VS16 = "\ufe0f"


def _pictographic(ch: str | None) -> bool:
    if not ch:
        return False
    cp = ord(ch[0])
    return any(lo <= cp <= hi for lo, hi in _PICTO_RANGES)


def _emoji_modifier(ch: str | None) -> bool:
    return bool(ch) and (ch == VS16 or 0x1F3FB <= ord(ch[0]) <= 0x1F3FF)  # type: ignore[index]


def _plausible(ch: str, left: str | None, right: str | None, left2: str | None = None) -> bool:
    """Is `ch` a believable character between `left` and `right` in human-written text?

    Rules (each one rules a candidate out):
    - unassigned, private-use, surrogate, control and compatibility characters never occur;
    - a zero-width joiner only joins two emoji; a variation selector only follows an emoji,
      and only VS16 (emoji presentation) occurs in a fully-qualified emoji;
    - other invisible format characters and unusual spaces (soft hyphen, LRM, em quad) never
      occur in list text; a combining mark only follows a letter;
    - between two emoji only a joiner is plausible;
    - a letter right after a small letter is small; one between two capitals is a capital.
    """
    cat = unicodedata.category(ch)
    if cat in ("Cn", "Co", "Cs", "Cc"):
        return False
    if unicodedata.decomposition(ch).startswith("<"):
        return False
    emoji_left = _pictographic(left) or (_emoji_modifier(left) and _pictographic(left2))
    if ch == ZWJ:
        return emoji_left and _pictographic(right)
    if 0xFE00 <= ord(ch) <= 0xFE0F:
        return ch == VS16 and _pictographic(left)
    if cat in ("Cf", "Zs", "Zl", "Zp"):
        return False
    if cat.startswith("M") and not (left and unicodedata.category(left[0])[0] in "LM"):
        return False
    if emoji_left and _pictographic(right):
        return False
    if cat in ("Lu", "Ll", "Lt"):
        lower_left = bool(left) and unicodedata.category(left[0]) == "Ll"  # type: ignore[index]
        upper_left = bool(left) and unicodedata.category(left[0]) == "Lu"  # type: ignore[index]
        upper_right = bool(right) and unicodedata.category(right[0]) == "Lu"  # type: ignore[index]
        if lower_left and cat != "Ll":
            return False
        if upper_left and upper_right and cat != "Lu":
            return False
    return True


# --------------------------------------------------------------------------- decoding a run


def _seq_len(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _is_cont(b: int) -> bool:
    return 0x80 <= b <= 0xBF


def _utf8(bs: bytes) -> str | None:
    try:
        s = bs.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return s if len(s) == 1 else None


@dataclass
class _Unit:
    """A decoded piece of a run: `chars` (original characters) → `text`, or a gap to decide."""

    chars: str
    text: str | None  # None: keep `chars` (not mis-decoded, or undecided)
    gap: bytes | None = None  # the incomplete sequence, when one byte is missing
    candidates: tuple[str, ...] = ()


def _decode_run(run: str, raw: bytes, lost: tuple[int, ...]) -> list[_Unit]:
    units: list[_Unit] = []
    i = 0
    n = len(raw)
    while i < n:
        b = raw[i]
        need = _seq_len(b)
        if need == 0:
            units.append(_Unit(run[i], None))
            i += 1
            continue
        j = i + 1
        while j < n and j - i < need and _is_cont(raw[j]):
            j += 1
        have = j - i
        seq = raw[i:j]
        if have == need:
            ch = _utf8(seq)
            units.append(_Unit(run[i:j], ch))
            i = j
            continue
        if have == need - 1:
            units.append(_Unit(run[i:j], None, gap=seq))
            i = j
            continue
        units.append(_Unit(run[i], None))  # two or more bytes short: not ours to guess
        i += 1
    return units


def _gap_candidates(seq: bytes, lost: tuple[int, ...]) -> list[str]:
    out: list[str] = []
    for pos, byte in product(range(1, len(seq) + 1), lost):
        ch = _utf8(seq[:pos] + bytes([byte]) + seq[pos:])
        if ch is not None and ch not in out:
            out.append(ch)
    return out


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _runs(text: str, codepage: str) -> list[tuple[int, str, bytes]]:
    """Maximal runs of non-ASCII characters encodable in `codepage`: (start, run, bytes)."""
    out: list[tuple[int, str, bytes]] = []
    for m in _NON_ASCII.finditer(text):  # perf: only the non-ASCII stretches are looked at
        start = -1
        buf: list[int] = []
        base = m.start()
        for off, ch in enumerate(m.group()):
            try:
                b: bytes | None = ch.encode(codepage)
            except UnicodeEncodeError:
                b = None
            if b is not None and len(b) == 1:
                if start < 0:
                    start, buf = base + off, []
                buf.append(b[0])
            elif start >= 0:
                out.append((start, text[start : base + off], bytes(buf)))
                start = -1
        if start >= 0:
            out.append((start, text[start : m.end()], bytes(buf)))
    return out


def _evidence(runs: list[tuple[int, str, bytes]], lost: tuple[int, ...]) -> int:
    """Strength of the evidence that the text was mis-decoded (0: none).

    A sequence that decodes without help to an emoji, typographic punctuation or a symbol
    counts 2 (`ğŸ“œ`, `â€œ`); one starting with C2/C3 counts 1 (`Ã©`, `Â°`: Latin-1 letters
    and signs); any other ¼ (a Latin letter followed by symbols of the code page's
    continuation range can be correct text). The text counts as mis-decoded from 1.
    """
    score = 0.0
    for _start, run, raw in runs:
        for u in _decode_run(run, raw, lost):
            if u.text is None or u.gap is not None:
                continue
            cp = ord(u.text)
            if len(u.chars) == 4 or 0x2000 <= cp <= 0x2BFF or cp in (0xFE0F, 0xFEFF):
                score += 2  # emoji, typographic punctuation, symbols
            elif u.chars[0] in "ÂÃ":
                score += 1  # Latin-1 letters and signs
            else:
                score += 0.25
    return int(score)


def _line_col(pos: int, line_starts: list[int]) -> tuple[int, int]:
    import bisect

    i = bisect.bisect_right(line_starts, pos) - 1
    return i + 1, pos - line_starts[i] + 1


def detect(text: str) -> str:
    """Return the code page `text` was mis-decoded with, or "" when it looks like correct text."""
    if text.isascii():  # perf: no non-ASCII run, no evidence for any code page (one C pass over the text)
        return ""
    best, best_n = "", 0
    for cp in CODEPAGES:
        lost = _lost_bytes(cp)
        n = _evidence(_runs(text, cp), lost)
        if n > best_n:
            best, best_n = cp, n
    return best


def _shown(text: str, start: int, run: str, units: list[_Unit], k: int) -> str | None:
    """The character at unit position `k` of a run (negative/after the end: the text around it)."""
    if k < 0:
        before = start + k
        return text[before] if before >= 0 else None
    if k >= len(units):
        after = start + len(run) + (k - len(units))
        return text[after] if after < len(text) else None
    u = units[k]
    return u.text if u.text is not None else (u.chars if u.gap is None else None)


def _decide_gaps(
    text: str,
    start: int,
    run: str,
    units: list[_Unit],
    positions: list[int],
    lost: tuple[int, ...],
    line_starts: list[int],
) -> list[Ambiguity]:
    """Fill each one-byte gap whose only plausible reading is certain; return the others."""
    out: list[Ambiguity] = []
    for k, u in enumerate(units):
        if u.gap is None:
            continue
        left = _shown(text, start, run, units, k - 1)
        left2 = _shown(text, start, run, units, k - 2)
        right = _shown(text, start, run, units, k + 1)
        cands = [c for c in _gap_candidates(u.gap, lost) if _plausible(c, left, right, left2)]
        if len(cands) == 1:
            u.text = cands[0]
        else:
            line, col = _line_col(positions[k], line_starts)
            out.append(Ambiguity(line, col, u.chars, tuple(cands)))
    return out


def _segments(units: list[_Unit], positions: list[int]) -> list[tuple[int, list[_Unit]]]:
    """Runs of consecutive decoded units: (start position, units); each becomes one `Repair`."""
    segs: list[tuple[int, list[_Unit]]] = []
    cur: list[_Unit] = []
    for k, u in enumerate(units):
        if u.text is not None:
            if not cur:
                segs.append((positions[k], cur))
            cur.append(u)
        else:
            cur = []
    return [s for s in segs if s[1]]


def repair(text: str) -> RepairResult:
    """Reverse the mis-decoding of `text` where it is certain; report what stays ambiguous."""
    codepage = detect(text)
    if not codepage:
        return RepairResult(text, False)
    lost = _lost_bytes(codepage)
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    out: list[str] = []
    repairs: list[Repair] = []
    ambiguities: list[Ambiguity] = []
    prev = 0
    for start, run, raw in _runs(text, codepage):
        units = _decode_run(run, raw, lost)
        positions = []
        pos = start
        for u in units:
            positions.append(pos)
            pos += len(u.chars)
        ambiguities += _decide_gaps(text, start, run, units, positions, lost, line_starts)
        for seg_start, seg in _segments(units, positions):
            line, _ = _line_col(seg_start, line_starts)
            repairs.append(
                Repair(
                    line,
                    "".join(u.chars for u in seg),
                    "".join(u.text or "" for u in seg),
                    sum(1 for u in seg if u.gap is not None),
                )
            )
        out.append(text[prev:start])
        out.extend(u.text if u.text is not None else u.chars for u in units)
        prev = start + len(run)
    out.append(text[prev:])
    return RepairResult("".join(out), True, codepage, tuple(repairs), tuple(ambiguities))


def find_mojibake(text: str) -> list[str]:
    """Return the mis-decoding markers present in `text` (empty list: looks clean)."""
    return [m for m in MOJIBAKE_MARKERS if m in text]


# --------------------------------------------------------------------------- short texts (one field)


@dataclass(frozen=True, slots=True)
class MisDecoded:
    """A mis-decoded sequence in a short text: `text[start:end]` is `original`."""

    start: int
    end: int
    original: str
    reading: str | None  # the character it was, when certain (None: several or none fit)


#: Lead bytes of 2-byte sequences whose mis-decoding counts on its own: Latin-1 supplement and
#: Latin Extended-A (C2-C5: `Ã¡`, `Å‚`, `Ä±`), Greek (CE CF), Cyrillic (D0 D1). Other leads read
#: as letters that correct text can put before a quote or a dash (`Straße“` is DF 93).
_STRONG_LEADS = frozenset((0xC2, 0xC3, 0xC4, 0xC5, 0xCE, 0xCF, 0xD0, 0xD1))
#: A one-byte-short 3/4-byte sequence counts when it starts like typographic punctuation or an emoji.
_STRONG_PREFIXES = (b"\xe2\x80", b"\xf0\x9f")


_LOST_BYTES = {cp: _lost_bytes(cp) for cp in CODEPAGES}


def _mis_decoded_units(text: str, codepage: str) -> list[MisDecoded]:
    lost = _LOST_BYTES[codepage]
    out: list[MisDecoded] = []
    for start, run, raw in _runs(text, codepage):
        units = _decode_run(run, raw, lost)
        pos, off = start, 0
        for k, u in enumerate(units):
            n = len(u.chars)
            seq = raw[off : off + n]
            reading: str | None = None
            hit = False
            if u.text is not None and n > 1:
                hit = n > 2 or seq[0] in _STRONG_LEADS
                reading = u.text
            elif u.gap is not None:
                cands = [
                    c
                    for c in _gap_candidates(u.gap, lost)
                    if _plausible(
                        c,
                        _shown(text, start, run, units, k - 1),
                        _shown(text, start, run, units, k + 1),
                        _shown(text, start, run, units, k - 2),
                    )
                ]
                reading = cands[0] if len(cands) == 1 else None
                hit = (n > 1 and seq.startswith(_STRONG_PREFIXES)) or (
                    n == 1 and seq[0] in _STRONG_LEADS and reading is not None
                )
            if hit:
                out.append(MisDecoded(pos, pos + n, u.chars, reading))
            pos += n
            off += n
    return out


def find_mis_decoded(text: str) -> list[MisDecoded]:
    """The mis-decoded sequences in a short text such as one BibTeX field, in order.

    Unlike `detect`/`repair`, which weigh the evidence of a whole document, each sequence is
    judged on its own: a complete 3-4 byte sequence (`â€™`, `ğŸ“œ`, the BOM `ï»¿`), a 2-byte one
    with a Latin/Greek/Cyrillic lead (`Ã¡`, `Å‚`), a punctuation or emoji sequence one byte short
    (`â€`), or a 2-byte sequence one byte short with a single plausible reading (`MatÃas`).
    The replacement character U+FFFD (bytes a decoder could not read) is reported too, without a
    reading. The code page with the most findings wins (ties: the first of `CODEPAGES`).
    """
    if text.isascii():  # the common case, e.g. every field of a clean library
        return []
    best: list[MisDecoded] = []
    for cp in CODEPAGES:
        got = _mis_decoded_units(text, cp)
        if len(got) > len(best):
            best = got
    bad = [MisDecoded(i, i + 1, c, None) for i, c in enumerate(text) if c == "\ufffd"]
    return sorted(best + bad, key=lambda m: m.start)


def looks_mis_decoded(text: str) -> bool:
    """True when `find_mis_decoded(text)` finds anything."""
    return bool(find_mis_decoded(text))
