"""`pathbib import`: awesome-list Markdown → library.bib (importers.markdown, importer); the command line
itself is tested in tests/cli/test_import_cmd.py."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from conftest import DATA, shared_path
from pathbib.bibio import parse, render
from pathbib.config import ListSettings, Section, Settings, Subsection, parse_settings
from pathbib.errors import InputError
from pathbib.importer import (
    bibtex_authors,
    import_list,
    latex_escape,
    latex_unescape,
    parse_date,
    parse_venue,
    section_ids,
)
from pathbib.importers.markdown import classify_label, decode_readme, parse_list
from pathbib.importers.mojibake import repair
from pathbib.importers.settings_toml import settings_toml
from pathbib.matching import normalize_title
from pathbib.model import Entry, Field, Library

IMPORT = DATA / "import"
SEED = "seed/000_e6471fc22fbee112.txt"
# byte patterns of UTF-8 read as Windows-1252/1254 (independent of the code under test)
MOJIBAKE = ("Ã", "Â", "â€", "ğŸ", "ðŸ", "ï¸", "Ä±", "Å", "\ufffd")


@cache
def seed_text() -> str:
    return shared_path(SEED).read_text(encoding="utf-8")


@cache
def seed_library() -> Library:
    res = import_list(parse_list(seed_text(), "seed.md"), Library(), path="seed.md")
    return parse(render(res.library))  # as written to disk and read back


@cache
def seed_result():  # type: ignore[no-untyped-def]
    return import_list(parse_list(seed_text(), "seed.md"), Library(), path="seed.md")


def text_of(e: Entry, name: str) -> str:
    return latex_unescape(e.get(name) or "")


def papers(lib: Library) -> list[Entry]:
    return [e for e in lib.entries if e.get("list-survey") != "yes"]


# The list's own text, read with plain regular expressions over the repaired README: the oracle
# for "everything the list says is in the library".
def seed_lines() -> list[str]:
    return repair(seed_text()).text.splitlines()


def seed_items() -> list[tuple[str, str]]:
    """(number, title) of each numbered item, in order."""
    out = []
    for line in seed_lines():
        m = re.match(r"^\s*(\d+)\.\s+\S+\s+\*\*(.+)\*\*\s*$", line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


# ----------------------------------------------------------------------------- the seed


def test_seed_counts_43_items_42_papers_plus_survey() -> None:
    res = seed_result()
    lib = seed_library()
    assert len(seed_items()) == 43
    assert res.report.items_seen == 43
    assert len(lib.entries) == 43
    assert len(papers(lib)) == 42
    assert len(res.report.created) == 43
    surveys = [e for e in lib.entries if e.get("list-survey") == "yes"]
    assert [e.key for e in surveys] == ["molaei2023implicit"]
    # no. 6 and no. 15 are the same CVPR 2024 paper: merged and reported
    assert len(res.report.merged) == 1
    m = res.report.merged[0]
    assert m.numbers == ("6", "15")
    assert "cvf" in m.reason
    merged = lib.get(m.key)
    assert merged is not None and merged.get("list-number") == "6, 15"
    assert set((merged.get("list-code") or "").split()) == {
        "https://kimialabmayo.github.io/PathDino-Page/",
        "https://github.com/KimiaLabMayo/PathDino",
    }
    assert any(f.rule == "import-duplicate" and "no. 15" in f.message for f in res.report.findings)


def test_seed_titles_equal_the_list_text() -> None:
    lib = seed_library()
    titles = [text_of(e, "title") for e in papers(lib)]
    items = seed_items()
    for number, title in items:
        if number == "15" and title.startswith("Rotation-agnostic"):
            # the repeated item: same paper, merged into no. 6's entry
            assert normalize_title(title) in {normalize_title(t) for t in titles}
            continue
        assert title in titles, title
    assert len(titles) == len(items) - 1


def test_seed_every_link_is_in_the_library() -> None:
    lib = seed_library()
    stored: set[str] = set()
    for e in lib.entries:
        for name in ("url", "list-code", "list-links"):
            stored.update((e.get(name) or "").split())
    text = "\n".join(seed_lines())
    body = text[text.index("### Large Vision Models") :]
    links = [u for u in re.findall(r"\]\((https?://[^)\s]+)\)", body)]
    assert len(links) == 43 + 30  # 43 PDF links, 30 code links
    for u in links:
        clean = re.sub(r"\?(trk|ref)=.*$", "", u)
        assert clean in stored, u
    assert not any("trk=" in u or "ref=" in u for u in stored)


def test_seed_tracking_parameters_are_reported() -> None:
    msgs = [f for f in seed_result().report.findings if f.rule == "import-tracking"]
    assert sorted(f.line for f in msgs) == [52, 64, 141]
    assert "trk" in msgs[0].message


_MON = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def test_seed_every_date_author_list_and_highlight_is_present() -> None:
    lib = seed_library()
    entries = papers(lib)
    dates = {e.get("date") for e in entries} | {e.get("origdate") for e in entries}
    authors = [text_of(e, "author") for e in entries]
    highlights = [text_of(e, "list-highlight") for e in entries]
    n_dates = n_auth = n_high = 0
    for line in seed_lines():
        m = re.search(r"Publication Date:\s*\*?(\d+)\w*\s+(\w{3})\w*\.?,?\s+(\d{4})", line)
        if m:
            n_dates += 1
            iso = f"{m.group(3)}-{_MON[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
            assert iso in dates, line
        m = re.search(r"Authors:\s*\*?(.+?)\.?\*?\s*$", line)
        if m:
            n_auth += 1
            names = [n.strip() for n in re.split(r",|&", m.group(1)) if n.strip()]
            hit = [a for a in authors if all(n.split()[-1].rstrip(".") in a for n in names)]
            assert hit, line
            assert hit[0].count(" and ") == len(names) - 1
        m = re.search(r"Highlight:\s*(.+?)\s*$", line)
        if m:
            n_high += 1
            assert any(m.group(1) in h for h in highlights), line
    assert (n_dates, n_auth, n_high) == (16, 16, 11)


def test_seed_names_are_repaired_and_no_mojibake_is_left() -> None:
    lib = seed_library()
    for e in lib.entries:
        for f in e.fields:
            for marker in MOJIBAKE:
                assert marker not in f.value, (e.key, f.name, f.value)
    all_authors = " ".join(e.get("author") or "" for e in lib.entries)
    for name in ("Catalán, Tabita", "Courdurier, Matías", "Botnar, René", "Schönlieb, Carola-Bibiane"):
        assert name in all_authors
    rep = seed_result().report
    assert rep.repaired_chars > 200 and rep.ambiguities == ()


def test_seed_survey_entry_from_the_review_line_and_citation_block() -> None:
    e = seed_library().get("molaei2023implicit")
    assert e is not None and e.entry_type == "inproceedings"
    assert e.get("list-survey") == "yes"
    assert e.get("list-review-text") == "Foundation Models in Pathology Image Analysis"
    assert e.get("title") == "Implicit neural representation in medical imaging: A comparative survey"
    assert e.get("pages") == "2381--2391"
    assert e.get("eprint") == "2307.16142" and e.get("url") == "https://arxiv.org/abs/2307.16142"
    assert (e.get("author") or "").startswith("Molaei, Amirali and Aminimehr, Amirhossein")


def _metadata() -> list[dict]:  # type: ignore[type-arg]
    return json.loads(shared_path("reference/seed-metadata.json").read_text(encoding="utf-8"))


# DOI of a link, as the publisher's URL scheme states it (nature.com/articles/<suffix> is 10.1038/<suffix>)
_DOI_IN_LINK = re.compile(r"nature\.com/articles/(?P<n>[^/?#]+)|/(?P<d>10\.\d{4,9}/[^\s?#]+?)(v\d+)?$")


def test_seed_spot_check_against_the_reference_metadata() -> None:
    lib = seed_library()
    by_title = {normalize_title(text_of(e, "title")): e for e in papers(lib)}
    checked = 0
    doi_checked = arxiv_checked = 0
    for rec in _metadata():
        if not rec["id"].startswith("seed-"):
            continue
        e = by_title[normalize_title(rec["list_title"])]
        if not rec.get("duplicate_of"):
            assert text_of(e, "title") == rec["list_title"], rec["id"]
        assert e.get("list-number") and rec["list_number"] in (e.get("list-number") or "").split(", ")
        section, sub = rec["list_section"].split(" > ")
        assert [section, sub] == [k.strip() for k in text_of(e, "keywords").split(",")][:2]
        # arXiv ids the list's links give must agree with the reference
        if e.get("eprint"):
            assert e.get("eprint") == rec["arxiv"], rec["id"]
            arxiv_checked += 1
        # DOIs the list's links give
        m = _DOI_IN_LINK.search(e.get("url") or "")
        if m and rec.get("DOI"):
            assert e.get("doi") == rec["DOI"].lower(), rec["id"]
            doi_checked += 1
        if rec.get("DOI") and e.get("doi"):
            assert e.get("doi") == rec["DOI"].lower()
        checked += 1
    assert checked == 43
    assert arxiv_checked == 18 and doi_checked >= 6


def test_seed_second_import_changes_nothing() -> None:
    lib = seed_library()
    again = import_list(parse_list(seed_text(), "seed.md"), lib, path="seed.md")
    assert again.report.created == () and again.report.updated == () and again.report.changes == ()
    assert again.report.conflicts == ()
    assert render(again.library) == render(lib)


def test_seed_sections_and_settings() -> None:
    res = seed_result()
    ls = res.settings
    assert ls.title == "Awesome-Foundation-Models-for-Pathology-Image-Analysis"
    assert len(ls.badges) == 3 and ls.badges[0].startswith("[![Awesome]")
    assert ls.intro.startswith(":fire::fire: This is a collection")
    assert ls.review_line == ":loudspeaker: Our review paper published on arXiv:"
    assert ls.introduction.startswith("Foundation models have gained popularity")
    assert ls.order_note == "(Each section is ordered by the publication dates)"
    assert [s.title for s in ls.sections] == [
        "Large-scale Pre-trained Models",
        "Adapt Foundation Models for Specific Tasks",
    ]
    assert [x.id for x in ls.sections[0].subsections] == [
        "large-vision-models",
        "contrastive-multi-modal-models",
        "multi-modal-large-language-models",
    ]
    assert [x.title for x in ls.sections[1].subsections] == [
        "Pathological Classification",
        "Pathological Component Segmentation",
        "Other Applications",
    ]
    text = settings_toml(ls, survey=res.survey_key)
    back = parse_settings(text, Path("."))
    assert back.list == ls and back.survey == "molaei2023implicit"


# ----------------------------------------------------------------------------- Markdown variants


@cache
def variants() -> Library:
    text = (IMPORT / "variants.md").read_text(encoding="utf-8")
    return import_list(parse_list(text, "variants.md"), Library(), path="variants.md").library


def by_title(lib: Library, title: str) -> Entry:
    hits = [e for e in lib.entries if text_of(e, "title") == title]
    assert len(hits) == 1, title
    return hits[0]


def test_variant_plain_emoji_labels_and_latex_escaping() -> None:
    e = by_title(variants(), "Plain Emoji Paper")
    assert e.entry_type == "article" and e.get("journal") == "Medical Image Analysis"
    assert e.get("year") == "2023" and e.get("date") == "2023-01-03"
    assert e.get("author") == "López, Ana María and Picard, Jean-Luc and van Gogh, Vincent"
    assert e.get("doi") == "10.1016/j.media.2023.102345"
    assert e.get("list-highlight") == r"Uses H\&E stains at 100\% resolution."
    assert e.key == "lopez2023plain"


def test_variant_no_emoji_and_two_code_links_in_one_bullet() -> None:
    e = by_title(variants(), "No Emoji Paper")
    assert e.entry_type == "inproceedings" and e.get("booktitle") == "MICCAI"
    assert e.get("date") == "2022-09-18" and e.get("author") == "Li, Bo"
    assert e.get("eprint") == "2209.01234" and e.get("archiveprefix") == "arXiv"
    assert e.get("list-code") == "https://github.com/example/noemoji https://gitlab.com/example/noemoji"


def test_variant_italic_labels() -> None:
    e = by_title(variants(), "Italic Labels Paper")
    assert e.entry_type == "misc" and e.get("year") == "2024" and e.get("date") == "2024-09-06"
    assert e.get("author") == "Wei, Chen and Neve, Olaf M."
    assert e.get("list-highlight") == "An italic summary."
    assert e.get("list-venue") == "Preprint: arXiv, 2024"


def test_variant_item_without_links_keeps_unknown_text_as_note() -> None:
    e = by_title(variants(), "Paper Without Links")
    assert e.entry_type == "article" and e.get("journal") == "Nature" and e.get("year") == "2021"
    assert "url" not in e
    assert e.get("list-note") == "Dataset: 10,000 slides"


def test_variant_item_with_two_code_bullets_and_tracking() -> None:
    e = by_title(variants(), "Two Code Links Paper")
    assert e.get("list-code") == "https://github.com/example/one https://github.com/example/two"
    assert e.get("cvf") == "Doe_Two_Code_Links_Paper_CVPR_2023_paper"
    assert e.entry_type == "inproceedings" and e.get("booktitle") == "CVPR"


@pytest.mark.parametrize(
    ("title", "field", "value"),
    [
        ("Deeply Nested Paper", "list-code", "https://github.com/example/deep"),  # nested deeper
        ("Deeply Nested Paper", "doi", "10.1038/s41467-024-12345-6"),
        ("Sub-bullets Without Indentation", "openreview", "AbCdEf123"),  # bullets at column 0
        ("Over-indented Paper", "doi", "10.1148/radiol.2020200001"),  # an indented code block
        ("Over-indented Paper", "journal", "Radiology"),
        ("Lazy Continuation Paper", "pii", "S0092867419300012"),  # lazy continuation lines
        ("Lazy Continuation Paper", "journal", "Cell"),
        ("A numbered item without a bold title", "pmid", "12345678"),
    ],
)
def test_variant_indentation_and_shapes(title: str, field: str, value: str) -> None:
    assert by_title(variants(), title).get(field) == value


def test_variant_duplicate_across_sections_has_both_sections_and_links() -> None:
    e = by_title(variants(), "Plain Emoji Paper")
    assert e.get("list-section") == "sub-a, section-two"
    assert e.get("keywords") == "Section One, Sub A, Section Two"
    assert e.get("list-code") == "https://github.com/example/plain https://github.com/example/plain-v2"
    assert e.get("list-number") == "1, 9"
    assert len(variants().entries) == 10 + 1  # 11 items, one repeated, plus the survey link


def test_variant_heading_without_items_and_front_matter() -> None:
    text = (IMPORT / "variants.md").read_text(encoding="utf-8")
    parsed = parse_list(text)
    res = import_list(parsed, Library())
    secs = res.settings.sections
    assert [s.id for s in secs] == ["section-one", "section-two", "contributing"]
    assert [x.id for x in secs[0].subsections] == ["sub-a", "sub-empty", "sub-b"]
    assert secs[0].description == "Papers of the first section."
    assert res.settings.title == "Awesome Variants"
    assert res.settings.badges == ("[![Awesome](https://awesome.re/badge.svg)](https://awesome.re)",)
    survey = res.library.get(res.survey_key)
    assert survey is not None and survey.get("list-survey") == "yes"
    assert survey.get("title") == "A Survey of Variants" and survey.get("eprint") == "2101.00001"


def test_windows_line_endings_give_the_same_entries() -> None:
    text = (IMPORT / "variants.md").read_text(encoding="utf-8")
    crlf = text.replace("\n", "\r\n")
    assert "\r\n" in crlf
    a = import_list(parse_list(text), Library()).library
    b = import_list(parse_list(crlf), Library()).library
    assert render(a) == render(b)
    assert parse_list(crlf).items[1].line == parse_list(text).items[1].line


def test_correct_utf8_readme_passes_through() -> None:
    text = (IMPORT / "correct_utf8.md").read_text(encoding="utf-8")
    parsed = parse_list(text)
    assert not parsed.repair.detected and parsed.repair.repairs == ()
    lib = import_list(parsed, Library()).library
    e = by_title(lib, "Unsupervised reconstruction of cardiac MRI — with “Neural Fields”")
    assert (
        e.get("author")
        == "Catalán, Tabita and Courdurier, Matías and Botnar, René and Schönlieb, Carola-Bibiane"
    )
    assert e.get("list-highlight") == "Ğ, ğ and ı are Turkish letters; SÃO is not mojibake here."


def test_mojibake_ambiguity_is_reported_with_line() -> None:
    text = "# L\n\n## S\n\n1. 📜 **Fine Title**\n   - 🧑‍🔬 Authors: JOSÃ\u00a0X\n\n2. ğŸ“œ **SÃO Paper**\n"
    res = import_list(parse_list(text), Library())
    amb = [f for f in res.report.findings if f.rule == "import-encoding"]
    assert amb and amb[0].line == 8 and amb[0].severity == "warning"


# ----------------------------------------------------------------------------- small pure parts


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("19th Oct. 2022", "2022-10-19"),
        ("2th May. 2023", "2023-05-02"),
        ("*6th Sep., 2023*", "2023-09-06"),
        ("1st Jan 2020", "2020-01-01"),
        ("Oct 19, 2022", "2022-10-19"),
        ("2022-10-19", "2022-10-19"),
        ("2022/10", "2022-10"),
        ("October 2022", "2022-10"),
        ("2022", "2022"),
        ("sometime", None),
        ("32nd Jan 2020", None),
        ("2022-13-01", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("label", "value", "expected"),
    [
        ("Journal", "Nature Medicine, 2024", ("article", "Nature Medicine", "2024")),
        (
            "Proceedings",
            "IEEE/CVF Conference on Computer Vision and Pattern Recognition, 2022",
            ("inproceedings", "IEEE/CVF Conference on Computer Vision and Pattern Recognition", "2022"),
        ),
        ("Preprint", "arXiv, 2024", ("misc", "arXiv", "2024")),
        ("Preprint", "MedRxiv, 2023", ("misc", "MedRxiv", "2023")),
        ("Preprint", "arxiv", ("misc", "arxiv", "")),
        (
            "Preprint",
            "IEEE Transactions on Neural Networks and Learning Systems, 2022",
            ("article", "IEEE Transactions on Neural Networks and Learning Systems", "2022"),
        ),
        ("Conference", "ICCV, 2023", ("inproceedings", "ICCV", "2023")),
        ("", "Nature 2024", ("article", "Nature", "2024")),
        ("", "CVPR, 2024", ("inproceedings", "CVPR", "2024")),
        ("", "AAAI 2024 Spring Symposium", ("inproceedings", "AAAI 2024 Spring Symposium", "2024")),
        ("", "ICML 2024 FM-Wild Workshop", ("inproceedings", "ICML 2024 FM-Wild Workshop", "2024")),
        ("Journal", "Nature BME 2025", ("article", "Nature BME", "2025")),
        (
            "Journal",
            "Computers in Biology and Medicine",
            ("article", "Computers in Biology and Medicine", ""),
        ),
    ],
)
def test_parse_venue(label: str, value: str, expected: tuple[str, str, str]) -> None:
    assert parse_venue(label, value) == expected


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Journal", "venue"),
        ("*Preprint*", "venue"),
        ("Publication Date", "date"),
        ("Date", "date"),
        ("Authors", "authors"),
        ("PDF", "pdf"),
        ("Paper", "pdf"),
        ("Code", "code"),
        ("GitHub", "code"),
        ("Github", "code"),
        ("Project Page", "code"),
        ("Highlight", "highlight"),
        ("TL;DR", "highlight"),
        ("Dataset", None),
    ],
)
def test_classify_label(label: str, kind: str | None) -> None:
    assert classify_label(label) == kind


def test_bibtex_authors() -> None:
    assert bibtex_authors("Muhammad Osama Khan & Yi Fang") == "Khan, Muhammad Osama and Fang, Yi"
    assert (
        bibtex_authors("*Liyue Shen, John Pauly, Lei Xing.*") == "Shen, Liyue and Pauly, John and Xing, Lei"
    )
    assert bibtex_authors("A. B, C D and E F") == "B, A. and D, C and F, E"
    assert bibtex_authors("") == ""


def test_latex_escape_round_trip() -> None:
    s = r"H&E at 100% for $5 #1 a_b {x} ~ ^ \ end"
    assert latex_unescape(latex_escape(s)) == s
    assert latex_escape("H&E") == r"H\&E"
    # braces as written before issue 16 (`\{`) and since (`\textbraceleft{}`)
    assert latex_unescape(r"set \{a\} and \textbraceleft{}b\textbraceright{}") == "set {a} and {b}"


def test_section_ids_follow_the_configuration() -> None:
    text = (IMPORT / "variants.md").read_text(encoding="utf-8")
    parsed = parse_list(text)
    configured = (Section("Section One", "one", "", (Subsection("Sub A", "a-papers"),)),)
    ids = section_ids(parsed, configured)
    assert ids[("Section One",)] == "one"
    assert ids[("Section One", "Sub A")] == "a-papers"
    assert ids[("Section One", "Sub B")] == "sub-b"
    settings = Settings(list=ListSettings(sections=configured))
    lib = import_list(parsed, Library(), settings).library
    assert by_title(lib, "No Emoji Paper").get("list-section") == "a-papers"


def test_settings_toml_escapes_and_parses_back() -> None:
    ls = ListSettings(
        title='A "quoted" \\ title',
        badges=("[![b](https://x/y.svg)](https://x)",),
        intro="line 1\nline 2\ttab",
        review_line="Our review:",
        introduction="",
        order_note="(ordered)",
        sections=(Section("S", "s", "desc", (Subsection("T", "t"),)), Section("U", "u")),
    )
    back = parse_settings(settings_toml(ls, survey="k"), Path("."))
    assert back.list == ls and back.survey == "k"


# ----------------------------------------------------------------------------- merging into a library


def _entry(key: str, etype: str = "article", **fields: str) -> Entry:
    return Entry(etype, key, tuple(Field(k.replace("_", "-"), v) for k, v in fields.items()))


def test_curated_fields_win_and_keys_never_change() -> None:
    text = (IMPORT / "variants.md").read_text(encoding="utf-8")
    curated = _entry(
        "MyKey-Deep",
        title="Deeply nested paper: the published version",
        journal="Nat. Commun.",
        doi="10.1038/S41467-024-12345-6",
        year="2024",
        note="curated",
    )
    lib = Library((curated,))
    res = import_list(parse_list(text), lib)
    e = res.library.get("MyKey-Deep")
    assert e is not None
    assert e.get("title") == "Deeply nested paper: the published version"
    assert e.get("list-title") == "Deeply Nested Paper"
    assert e.get("journal") == "Nat. Commun." and e.get("note") == "curated"
    assert e.get("list-code") == "https://github.com/example/deep"  # filled
    assert e.get("url") == "https://www.nature.com/articles/s41467-024-12345-6"
    assert "MyKey-Deep" in res.report.updated
    assert {(c.key, c.field) for c in res.report.conflicts} == {("MyKey-Deep", "journal")}
    assert not any(
        e2.get("title") == "Deeply Nested Paper" for e2 in res.library.entries if e2.key != "MyKey-Deep"
    )
    # and a second import changes nothing
    again = import_list(parse_list(text), parse(render(res.library)))
    assert again.report.changes == () and again.report.created == ()


def test_match_by_title_when_no_identifier() -> None:
    text = (IMPORT / "variants.md").read_text(encoding="utf-8")
    lib = Library((_entry("kept", title="Paper without LINKS", year="2021"),))
    res = import_list(parse_list(text), lib)
    assert res.library.get("kept") is not None
    assert not any(k.startswith("paper2021") for k in res.report.created)


def test_list_locked_fields_are_not_touched() -> None:
    text = (IMPORT / "variants.md").read_text(encoding="utf-8")
    lib = Library((_entry("locked", title="Paper Without Links", list_locked="*"),))
    res = import_list(parse_list(text), lib)
    assert res.library.get("locked") == lib.entries[0]


def _edit_seed(text: str) -> str:
    # a newer README: one item removed (no. 7), one added, one highlight edited
    text = re.sub(r"\n7\. .*?\n\n", "\n", text, count=1, flags=re.S)
    text = text.replace(
        "ğŸ“Œ Highlight: Focuses on delineating the pedunculopontine nucleus (PPN).",
        "ğŸ“Œ Highlight: Delineates the PPN.",
    )
    return text.replace(
        "[<sub>Return to List</sub>](#return-to-list)\n\n## Adapt",
        "99. ğŸ“œ **A Brand New Paper**\n    - ğŸ“– Preprint: arXiv, 2025\n"
        "    - ğŸ“„ [PDF](https://arxiv.org/abs/2501.01234)\n\n"
        "[<sub>Return to List</sub>](#return-to-list)\n\n## Adapt",
        1,
    )


def test_newer_readme_reports_added_changed_removed() -> None:
    lib = seed_library()
    newer = _edit_seed(seed_text())
    assert newer != seed_text() and "A Brand New Paper" in newer
    res = import_list(parse_list(newer), lib)
    rep = res.report
    assert len(rep.created) == 1 and res.library.get(rep.created[0]).get("eprint") == "2501.01234"
    removed = [lib.get(k) for k in rep.removed]
    assert [text_of(e, "title") for e in removed] == [
        "RudolfV: A Foundation Model by Pathologists for Pathologists"
    ]
    assert res.library.get(rep.removed[0]) == lib.get(rep.removed[0])  # reported, not changed
    assert [c.field for c in rep.changes] == ["list-highlight"]
    assert rep.changes[0].new == "Delineates the PPN."
    assert len(rep.updated) == 1
    pruned = import_list(parse_list(newer), lib, prune=True)
    assert pruned.library.get(rep.removed[0]).get("list-exclude")


def test_decode_readme_messages() -> None:
    with pytest.raises(InputError, match="empty"):
        decode_readme(b"")
    with pytest.raises(InputError, match="binary"):
        decode_readme(b"# x\x00y")
    with pytest.raises(InputError, match="UTF-8"):
        decode_readme(b"# caf\xe9\n")
    with pytest.raises(InputError, match="MB"):
        decode_readme(b"#" * (6 * 1024 * 1024))
    assert decode_readme("\ufeff# t\n".encode()) == "# t\n"


# ----------------------------------------------------------------------------- round trip


def test_round_trip_through_the_markdown_exporter() -> None:
    pytest.importorskip("pathbib.latex", reason="the LaTeX decoder (pathbib.latex) is not there yet")
    from pathbib.exporters.markdown import render_readme

    first = import_list(parse_list(seed_text()), Library())
    settings = Settings(survey=first.survey_key, list=first.settings)
    readme = render_readme(first.library, settings)
    second = import_list(parse_list(readme), Library(), settings)
    core = (
        "title",
        "author",
        "year",
        "doi",
        "eprint",
        "url",
        "list-code",
        "list-section",
        "list-highlight",
        "journal",
        "booktitle",
        "pii",
        "cvf",
        "openreview",
        "neurips-hash",
    )

    def view(lib: Library) -> dict[str, dict[str, str | None]]:
        return {
            normalize_title(text_of(e, "title")): {f: e.get(f) for f in core}
            for e in lib.entries
            if e.get("list-survey") != "yes"
        }

    assert view(second.library) == view(first.library)


@pytest.mark.parametrize(
    ("bullet", "kind", "value"),
    [
        ("📖 ICLR 2025: main track", "venue", "ICLR 2025: main track"),
        ("📄 Slides: [deck](https://example.org/s.pdf)", "note", "deck"),
        ("[GitHub](https://github.com/x/y)", "code", "GitHub"),
        ("**Code**: [repo](https://github.com/x/y)", "code", "repo"),
        ("🔗 https://example.org/paper.pdf", "pdf", "https://example.org/paper.pdf"),
        ("Venue unknown to anyone", "note", "Venue unknown to anyone"),
    ],
)
def test_sub_bullet_classification(bullet: str, kind: str, value: str) -> None:
    # the journal line makes the item a paper (a title plus a venue, a year or a paper link; issue 11)
    parsed = parse_list(f"# L\n\n## S\n\n1. 📜 **T**\n   - {bullet}\n   - 📖 Journal: Nature, 2024\n")
    (f, d) = parsed.items[0].fields
    assert (f.kind, f.value) == (kind, value)
    assert (d.kind, d.label, d.value) == ("venue", "Journal", "Nature, 2024")


# ----------------------------------------------------------------------------- exporter additions read back


def _export_settings() -> Settings:
    from pathbib.config import load_settings

    return load_settings(DATA / "export" / "pathbib.toml")


def test_seed_review_suffix_is_kept_and_written_to_pathbib_toml() -> None:
    res = seed_result()
    assert res.settings.review_suffix == " :heart:"  # the seed's line ends "...](url) :heart:"
    back = parse_settings(settings_toml(res.settings, survey=res.survey_key), Path("."))
    assert back.list.review_suffix == " :heart:"
    from pathbib.exporters.markdown import render_readme

    readme = render_readme(res.library, Settings(list=res.settings, survey=res.survey_key))
    assert "](https://arxiv.org/abs/2307.16142) :heart:\n" in readme
    assert parse_list(readme).front.review_suffix == " :heart:"


def test_empty_section_line_is_neither_description_nor_note() -> None:
    from dataclasses import replace

    from pathbib.exporters.markdown import render_readme

    base = _export_settings()
    lib = parse(
        "@article{a, author = {Doe, Jane}, title = {Only}, journal = {J}, year = 2020,"
        " url = {https://example.org/a}, list-section = {large-vision}}"
    )
    for text_setting in ("", "*Nothing here yet.*"):
        lst = replace(base.list, empty_section=text_setting) if text_setting else base.list
        settings = replace(base, survey="", list=lst)
        readme = render_readme(lib, settings)
        assert (text_setting or "No papers in this section yet") in readme
        parsed = parse_list(readme, empty_section=lst.empty_section)
        assert parsed.notes == ()
        assert [h.description for h in parsed.sections] == [""] * len(parsed.sections)
        assert len(parsed.items) == 1
        res = import_list(parsed, Library(), settings)
        (e,) = res.library.entries
        assert e.get("list-note") is None and e.get("list-section") == "large-vision"
        assert all(s.description == "" for s in res.settings.sections)
        assert all(x.description == "" for s in res.settings.sections for x in s.subsections)


MSTAR = (
    "@article{mstar, author = {Xu, Yingxue and Chen, Hao}, title = {A multimodal knowledge-enhanced whole-slide"
    " pathology foundation model}, journal = {Nature Communications}, year = 2025,"
    " doi = {10.1038/s41467-025-66220-x}, eprint = {2407.15362}, archiveprefix = {arXiv},"
    " url = {https://arxiv.org/abs/2407.15362}, list-section = {large-vision}}"
)


def test_doi_link_and_preprint_link_map_back_to_doi_url_eprint() -> None:
    from dataclasses import replace

    from pathbib.exporters.markdown import render_readme

    settings = replace(_export_settings(), survey="")
    lib = parse(MSTAR)
    readme = render_readme(lib, settings)
    assert (
        "[PDF](https://doi.org/10.1038/s41467-025-66220-x) · [arXiv](https://arxiv.org/abs/2407.15362)"
        in readme
    )
    (e,) = import_list(parse_list(readme), Library(), settings).library.entries
    assert e.get("doi") == "10.1038/s41467-025-66220-x"
    assert e.get("url") == "https://arxiv.org/abs/2407.15362"
    assert e.get("eprint") == "2407.15362" and e.get("archiveprefix") == "arXiv"
    assert e.get("list-links") is None and e.get("list-note") is None
    assert e.entry_type == "article" and e.get("journal") == "Nature Communications"
    # into the library it came from: no conflict, no new field
    again = import_list(parse_list(readme), lib, settings)
    assert again.report.conflicts == ()
    assert {c.field for c in again.report.changes} <= {"keywords", "list-venue", "list-number"}


def test_book_venue_label_reads_back_as_incollection() -> None:
    assert parse_venue("Book", "Handbook of Medical Imaging, 2019") == (
        "incollection",
        "Handbook of Medical Imaging",
        "2019",
    )
    parsed = parse_list("# L\n\n## S\n\n1. 📜 **T**\n   - 📖 Book: Handbook of Medical Imaging, 2019\n")
    (e,) = import_list(parsed, Library()).library.entries
    assert e.entry_type == "incollection" and e.get("booktitle") == "Handbook of Medical Imaging"
