"""Repair of UTF-8 text mis-decoded as Windows-1254/1252 (pathbib.importers.mojibake)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import shared_path
from pathbib.importers.mojibake import detect, find_mis_decoded, find_mojibake, looks_mis_decoded, repair

# The mis-decoding simulated independently of the code under test: UTF-8 bytes read with the
# code page, with the bytes it does not define dropped, and soft hyphens stripped.


def misdecode(text: str, codepage: str = "cp1254") -> str:
    out = []
    for b in text.encode("utf-8"):
        try:
            ch = bytes([b]).decode(codepage)
        except UnicodeDecodeError:
            continue  # the byte is lost
        if ch != "\u00ad":
            out.append(ch)
    return "".join(out)


def _chars(codepage: str, lo: int, hi: int) -> set[str]:
    out = set()
    for b in range(lo, hi + 1):
        try:
            out.add(bytes([b]).decode(codepage))
        except UnicodeDecodeError:
            pass
    return out


def _lead_chars(codepage: str) -> set[str]:
    return _chars(codepage, 0xC2, 0xF4)


def _cont_chars(codepage: str) -> set[str]:
    return _chars(codepage, 0x80, 0xBF)


def test_examples_from_the_issue() -> None:
    assert repair("ğŸ“œ Title").text == "📜 Title"
    assert repair("ğŸ“œ x ğŸ—“ï¸ Date").text == "📜 x 🗓️ Date"  # VS16 byte lost
    assert repair("ğŸ“œ ğŸ§‘â€ğŸ”¬ Authors").text == "📜 🧑\u200d🔬 Authors"  # ZWJ byte lost
    assert repair("ğŸ“œ CatalÃ¡n").text == "📜 Catalán"
    assert repair("ğŸ“œ MatÃas").text == "📜 Matías"  # í lost its second byte


@pytest.mark.parametrize(
    "original",
    [
        "📜 Tabita Catalán, Matías Courdurier, René Botnar, Carola-Bibiane Schönlieb",
        "🗓️ Publication Date: 19th Oct. 2022 — 🧑‍🔬 Authors: Ruimin Feng",
        "💻 Code 🖥️ GitHub 📌 Highlight: “quoted“ – dash… ‘single’",
        "Ångström, Øresund, Straße, naïve, façade, Dvořák 📄",
    ],
)
def test_round_trip_of_simulated_misdecoding(original: str) -> None:
    res = repair(misdecode(original))
    assert res.detected
    assert res.text == original
    assert res.ambiguities == ()


def test_cp1252_is_detected_too() -> None:
    original = "📜 Catalán and Schönlieb"
    bad = misdecode(original, "cp1252")
    assert bad != original
    res = repair(bad)
    assert res.codepage == "cp1252"
    assert res.text == original


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ASCII only",
        "📜 **Title** — Catalán, Matías, René, Schönlieb, Ğ ğ ı ş",
        "“quoted” and ‘single’ – dash… © ® ™",
        "SÃO PAULO is Portuguese; Ã alone is fine",
        "Turkish: ağaç, değil, İstanbul, ışık",
    ],
)
def test_correct_text_passes_through_untouched(text: str) -> None:
    res = repair(text)
    assert res.text == text
    assert not res.detected
    assert res.repairs == () and res.ambiguities == ()
    assert detect(text) == ""


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.characters(min_codepoint=0x20, max_codepoint=0x2FFF, whitelist_categories=("Lu", "Ll", "Nd")),
            st.sampled_from(list(" ,.;:!?()-'\"") + ["📜", "🗓️", "🧑\u200d🔬", "“", "”", "–", "…"]),
        )
    ).map("".join)
)
def test_correct_text_without_misdecoding_markers_is_never_changed(text: str) -> None:
    # written text: letters, digits, punctuation, emoji. Text where a character that reads as
    # a UTF-8 lead byte in cp1254/cp1252 is followed by one that reads as a continuation byte
    # is what mis-decoding looks like, and is left out.
    for cp in ("cp1254", "cp1252"):
        if any(a in _lead_chars(cp) and b in _cont_chars(cp) for a, b in zip(text, text[1:], strict=False)):
            return
    assert repair(text).text == text


def test_ambiguous_character_is_reported_not_guessed() -> None:
    # "Ã" followed by an upper-case letter: Á, Í, Î, Ï, Ð, Ý, Þ all fit; there is clear
    # evidence of mis-decoding elsewhere on the first line.
    text = "ğŸ“œ Title\nJOSÃ\u00a0X\nSÃO\n"
    res = repair(text)
    assert res.detected
    assert res.text.startswith("📜 Title\n")
    assert "SÃO" in res.text  # left as it was
    amb = [a for a in res.ambiguities if a.original == "Ã" and a.line == 3]
    assert amb and len(amb[0].candidates) > 1
    assert "Á" in amb[0].candidates
    assert "left unchanged" in amb[0].message()


def test_lost_byte_with_several_readings_is_listed_with_its_line() -> None:
    # ” is E2 80 9D; 9D is undefined in cp1254, so it is lost. Several characters fit.
    res = repair(misdecode("📜 ok\nsay “hi” now"))
    assert "“hi" in res.text and "📜" in res.text
    assert [(a.line, a.original) for a in res.ambiguities] == [(2, "â€")]
    assert "”" in res.ambiguities[0].candidates


def test_repairs_carry_line_numbers() -> None:
    res = repair("ok\nğŸ“œ a\r\nx CatalÃ¡n\n")
    assert [(r.line, r.repaired) for r in res.repairs] == [(2, "📜"), (3, "á")]
    assert res.text == "ok\n📜 a\r\nx Catalán\n"


def test_seed_has_no_mojibake_left_and_names_are_right() -> None:
    text = shared_path("seed/000_e6471fc22fbee112.txt").read_text(encoding="utf-8")
    assert find_mojibake(text)  # the seed really is mis-decoded
    res = repair(text)
    assert res.detected and res.codepage == "cp1254"
    assert res.ambiguities == ()
    for marker in ("Ã", "â€", "ğŸ", "ï¸", "Ä", "Å"):
        assert marker not in res.text, marker
    for name in ("Tabita Catalán", "Matías Courdurier", "René Botnar", "Carola-Bibiane Schönlieb"):
        assert name in res.text
    assert res.text.count("🗓️") == 8 and res.text.count("🧑\u200d🔬") == 16 and res.text.count("📜") == 43
    # lost bytes were recovered (🗓️/🖥️ variation selectors, ZWJs, and í)
    assert sum(r.recovered_bytes for r in res.repairs) == 8 + 2 + 16 + 1
    # repairing twice changes nothing more
    assert repair(res.text).text == res.text


_ALPHABET = st.sampled_from(
    list("abcXYZ .,:-")
    + list("áéíóúñçöüÁÉÍÓÚÑÇÖÜßøåæ")
    + ["📜", "📖", "🗓️", "🧑\u200d🔬", "📄", "💻", "📌", "–", "“", "’", "…"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, min_size=1, max_size=30).map("".join))
def test_misdecoded_text_is_restored_or_the_doubt_reported(original: str) -> None:
    # a capital right after a small letter ("aÁ") is not how words are written; the repair
    # relies on that to read a lost byte in "MatÃas" as í
    assume(not re.search(r"[a-zß-ÿ][A-ZÀ-Þ]", original))
    bad = misdecode("📜 " + original)
    res = repair(bad)
    if not res.ambiguities:
        assert res.text == "📜 " + original
    else:
        # every undecided spot is left as it was and listed with its line
        assert all(a.line == 1 and a.original in bad for a in res.ambiguities)


# --------------------------------------------------------------------------- short texts (one field)


@pytest.mark.parametrize(
    ("original", "where"),
    [
        ("Catalán", "á"),  # Ã¡: a single Latin-1 letter
        ("Paweł Nowak", "ł"),  # Å‚: Latin Extended-A, too weak for `detect` on its own
        ("it’s", "’"),
        ("📜 Scaling", "📜"),
        ("Привет", "П"),  # Cyrillic
    ],
)
def test_find_mis_decoded_judges_each_sequence_of_a_short_text(original: str, where: str) -> None:
    for cp in ("cp1254", "cp1252"):
        bad = misdecode(original, cp)
        if bad == original:
            continue
        hits = find_mis_decoded(bad)
        assert hits, (cp, bad)
        h = hits[0]
        assert bad[h.start : h.end] == h.original and h.reading == where[0]
        assert looks_mis_decoded(bad)


def test_find_mis_decoded_lost_bytes_and_replacement_character() -> None:
    (h,) = find_mis_decoded(misdecode("Matías"))  # í lost its second byte: one plausible reading
    assert (h.original, h.reading) == ("Ã", "í")
    (q,) = find_mis_decoded(misdecode("say ”hi"))  # ” lost its last byte: several readings
    assert q.original == "â€" and q.reading is None
    assert [(m.start, m.reading) for m in find_mis_decoded("a\ufffdb")] == [(1, None)]


@pytest.mark.parametrize(
    "text",
    [
        "Catalán, Schönlieb, C.",
        "São Paulo ÃO CAPS test — “quoted”",
        "„Die Straße“",
        "Café” and Ö’ and É—",
        "Turkish: ağaç, değil, İstanbul, ışık",
        "Ångström, Øresund, naïve, Dvořák 📄",
        "",
    ],
)
def test_find_mis_decoded_leaves_correct_text_alone(text: str) -> None:
    assert find_mis_decoded(text) == []
    assert not looks_mis_decoded(text)
