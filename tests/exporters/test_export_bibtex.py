"""LaTeX-ready BibTeX export: list fields stripped, escaping, title protection, ASCII variant."""

from __future__ import annotations

import pytest

from conftest import DATA, shared_path
from pathbib.bibio import parse
from pathbib.exporters.bibtex import escape_latex, export_bibtex, protect_title, to_ascii

SAMPLE = DATA / "export" / "sample.bib"


def _entry(text: str, **kw: object) -> dict[str, str]:
    lib = parse(export_bibtex(parse(text), **kw))  # type: ignore[arg-type]
    assert len(lib.entries) == 1 and not lib.failed
    e = lib.entries[0]
    return {"@type": e.entry_type, **e.as_dict()}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("PathDino for WSI analysis", "{PathDino} for {WSI} analysis"),
        ("H&E and IHC stains", "{H&E} and {IHC} stains"),
        ("H\\&E stains", "{H\\&E} stains"),
        ("CLIP-based models: a survey", "{CLIP}-based models: a survey"),
        ("Quilt-1M: One Million Pairs", "Quilt-{1M}: One Million Pairs"),
        ("3D segmentation (MRI)", "{3D} segmentation ({MRI})"),
        ("mSTAR and iPhone", "{mSTAR} and {iPhone}"),
        ("A Gaussian process", "A {Gaussian} process"),
        ("Already {Protected} and {\\'E}cole", "Already {Protected} and {\\'E}cole"),
        ("Math $O(N^2)$ stays", "Math $O(N^2)$ stays"),
        ("\\emph{BERT} inside a command", "\\emph{BERT} inside a command"),
        ("A title in Title Case", "A title in Title Case"),
    ],
)
def test_protect_title(title: str, expected: str) -> None:
    assert protect_title(title) == expected


def test_protect_title_extra_words() -> None:
    assert protect_title("Digital pathology", ["Digital"]) == "{Digital} pathology"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A & B", "A \\& B"),
        ("50% of #1 snake_case", "50\\% of \\#1 snake\\_case"),
        ("Costs $5", "Costs \\$5"),
        ("Math $a_1$ and x_2", "Math $a_1$ and x\\_2"),
        ("Already \\& \\% \\_ escaped", "Already \\& \\% \\_ escaped"),
        ("See \\url{http://x.org/a_b%20c}", "See \\url{http://x.org/a_b%20c}"),
        ("Nothing special", "Nothing special"),
    ],
)
def test_escape_latex(value: str, expected: str) -> None:
    assert escape_latex(value) == expected


def test_list_fields_removed_standard_kept() -> None:
    f = _entry(
        "@article{k, author = {Doe, Jane}, title = {T}, journal = {J}, year = 2024, doi = {10.1/x_y},"
        " url = {https://x.org/a_b}, eprint = {2401.00001}, archiveprefix = {arXiv}, pmid = {123},"
        " keywords = {a, b}, list-section = {s}, list-code = {https://github.com/x}, list-highlight = {h},"
        " list-venue = {v}, list-exclude = {r}, list-survey = {yes}, check-ignore = {PB1: x}, pii = {S1},"
        " openreview = {abc}, cvf = {c}, ieee = {1}, neurips-hash = {h}, list-locked = {*}}"
    )
    assert set(f) == {
        "@type",
        "author",
        "title",
        "journal",
        "year",
        "doi",
        "url",
        "eprint",
        "archiveprefix",
        "eprinttype",
        "pmid",
        "keywords",
    }
    assert f["doi"] == "10.1/x_y" and f["url"] == "https://x.org/a_b"  # verbatim fields untouched


def test_biblatex_spelling_made_classic() -> None:
    f = _entry(
        "@online{k, author = {Doe, Jane}, title = {T}, journaltitle = {J}, date = {2023-08-17},"
        " location = {Berlin}, url = {https://x.org}}"
    )
    assert f["@type"] == "misc"
    # biblatex reads the full date, plainnat year + month (issue #12)
    assert f["year"] == "2023" and f["month"] == "aug" and f["date"] == "2023-08-17"
    assert f["address"] == "Berlin"


def test_article_without_journal_becomes_misc_with_arxiv() -> None:
    f = _entry(
        "@article{k, author = {Doe, Jane}, title = {T}, year = 2024, eprint = {2401.00001}, archiveprefix = {arXiv}}"
    )
    assert f["@type"] == "misc"
    # biblatex prints the eprint; a howpublished repeating it would print it twice (issue #12)
    assert f["eprinttype"] == "arxiv" and f["eprint"] == "2401.00001" and "howpublished" not in f


def test_proceedings_volume_and_number_keep_the_number_in_note() -> None:
    f = _entry(
        "@inproceedings{k, author = {Doe, Jane}, title = {T}, booktitle = {NeurIPS}, year = 2023,"
        " volume = {36}, number = {DB1}, pages = {1--2}}"
    )
    assert f["volume"] == "36" and "number" not in f and f["note"] == "no. DB1"
    g = _entry(
        "@article{k, author = {Doe, Jane}, title = {T}, journal = {J}, year = 2023, volume = {3}, number = {2}}"
    )
    assert g["volume"] == "3" and g["number"] == "2" and "note" not in g  # articles keep both


def test_macros_and_crossref_resolved() -> None:
    bib = (
        "@string{nm = {Nature Medicine}}\n"
        "@article{a, author = {Doe, Jane}, title = {T}, journal = nm, year = 2024, month = mar}\n"
        "@inproceedings{c, author = {Doe, Jane}, title = {Paper}, crossref = {p}}\n"
        "@proceedings{p, title = {Proc. of {X}}, year = 2020, publisher = {P}}\n"
    )
    lib = parse(export_bibtex(parse(bib)))
    a, c = lib.get("a"), lib.get("c")
    assert a is not None and c is not None
    assert a.get("journal") == "Nature Medicine"
    assert [f.delim for f in a.fields if f.name == "month"] == [""] and a.get("month") == "mar"
    assert c.get("booktitle") == "Proc. of {X}" and c.get("year") == "2020" and "crossref" not in c
    assert not lib.strings


def test_authorless_entry_gets_sort_key() -> None:
    f = _entry("@misc{k, title = {The {\\TeX}book}, year = 2000}")
    assert f["key"] == "The book"


def test_dotless_i_normalised_for_biber() -> None:
    f = _entry("@misc{k, author = {Mat{\\'\\i}as, Co}, title = {T}, year = 2000}")
    assert f["author"] == "Mat{\\'{i}}as, Co"


def test_ascii_variant() -> None:
    f = _entry(
        "@misc{k, author = {Catalán, Tabita and Schönlieb, Carola}, title = {Über – “x”}, year = 2000}",
        ascii=True,
    )
    assert f["author"] == "Catal{\\'a}n, Tabita and Sch{\\\"o}nlieb, Carola"
    assert f["title"].isascii()
    assert to_ascii("plain") == "plain"
    # the Unicode variant keeps the characters for biber
    g = _entry("@misc{k, author = {Catalán, Tabita}, title = {T}, year = 2000}")
    assert g["author"] == "Catalán, Tabita"


def test_sample_export_is_parseable_and_deterministic() -> None:
    lib = parse(SAMPLE.read_text(encoding="utf-8"))
    out = export_bibtex(lib)
    assert out == export_bibtex(lib)
    again = parse(out)
    assert not again.failed
    assert [e.key for e in again.entries] == [e.key for e in lib.entries]
    names = {f.name for e in again.entries for f in e.fields}
    assert not {n for n in names if n.startswith("list-")} and not names & {
        "pii",
        "cvf",
        "neurips-hash",
        "check-ignore",
    }
    assert "{PathoDuet}: Foundation models for pathological slide analysis of {H\\&E} and {IHC} stains" in out


@pytest.mark.parametrize("name", ["biblatex-examples.bib", "xampl.bib", "biblatex-apa-test-references.bib"])
def test_corpus_export_reparses(name: str) -> None:
    src = shared_path(f"corpora/bib-samples/{name}")
    lib = parse(src.read_text(encoding="utf-8"))
    out = parse(export_bibtex(lib))
    assert not out.failed
    assert len(out.entries) == len(lib.entries)


def test_any_entry_exports_parseable_bibtex() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    text = st.text(alphabet="abcXYZ éü019 -.,:;~$&%#_\\'\"/", max_size=25)
    value = st.lists(st.tuples(text, st.booleans()), max_size=3).map(
        lambda parts: "".join("{" + t + "}" if b else t for t, b in parts)
    )
    names = st.sampled_from(
        ["author", "title", "journal", "booktitle", "year", "date", "month", "url", "note", "list-code"]
    )

    @hypothesis.settings(max_examples=150, deadline=None)
    @hypothesis.given(
        st.sampled_from(["article", "misc", "online", "inproceedings"]),
        st.dictionaries(names, value, max_size=6),
    )
    def check(etype: str, fs: dict[str, str]) -> None:
        body = "".join(f",\n  {k} = {{{v}}}" for k, v in fs.items())
        for ascii_ in (False, True):
            out = parse(export_bibtex(parse(f"@{etype}{{key{body}\n}}"), ascii=ascii_))
            assert not out.failed and [e.key for e in out.entries] == ["key"]
            e = out.entries[0]
            assert "list-code" not in e
            for f in e.fields:
                if f.name not in ("url",) and f.delim:
                    # every special character is escaped (or inside paired math)
                    unescaped = [m for m in __import__("re").finditer(r"(?<!\\)[&%#]", f.value)]
                    assert unescaped == [], (f.name, f.value)

    check()
