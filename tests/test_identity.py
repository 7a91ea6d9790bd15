"""One identity of a work and one merge policy, shared by import, enrich and check (identity.py, merge.py)."""

from __future__ import annotations

import pytest

from pathbib.bibio import parse, render
from pathbib.check import CheckContext, identifiers, run_check
from pathbib.enrich import entry_ids
from pathbib.identity import (
    Work,
    WorkIndex,
    contradiction,
    entry_identifiers,
    identity_clash,
    near_equal_titles,
    same_work,
    title_key,
)
from pathbib.import_items import group_fields, group_items
from pathbib.importer import import_list
from pathbib.importers.markdown import Item, Link, ParsedList, SubField, parse_list
from pathbib.importers.mojibake import RepairResult
from pathbib.merge import TYPE_LOCK, decide, locked_fields, merge_fields, same_value
from pathbib.model import Entry, Field, Library


def E(entry_type: str, key: str, **fields: str) -> Entry:
    return Entry(entry_type, key, tuple(Field(k.replace("_", "-"), v) for k, v in fields.items()))


def W(title: str, **ids: str) -> Work:
    return Work(frozenset({title_key(title)}), {k.replace("_", "-"): frozenset({v}) for k, v in ids.items()})


# ----------------------------------------------------------------------------- identifiers


def test_entry_identifiers_fields_links_latex_and_tracking() -> None:
    e = E(
        "article",
        "k",
        doi="10.1000/ABC\\_def",
        eprint="arXiv:2307.16142v2",
        eprinttype="arxiv",
        pii="S0010-4825(24)01706-2",
        url="https://openreview.net/forum?id=AbC_12&utm_source=x",
        list_links="https://arxiv.org/abs/2101.00001?trk=public_post https://doi.org/10.48550/arXiv.2202.00002",
    )
    ids = entry_identifiers(e)
    assert ids["doi"] == {"10.1000/abc_def", "10.48550/arxiv.2202.00002"}
    assert ids["arxiv"] == {"2307.16142", "2101.00001", "2202.00002"}
    assert ids["pii"] == {"S0010482524017062"}
    assert ids["openreview"] == {"AbC_12"}


def test_entry_identifiers_eprint_of_another_archive_is_not_arxiv() -> None:
    assert "arxiv" not in entry_identifiers(E("misc", "k", eprint="2307.16142", archiveprefix="HAL"))
    assert "arxiv" not in entry_identifiers(E("misc", "k", eprint="2307.16142", eprinttype="pubmed"))
    assert entry_identifiers(E("misc", "k", eprint="2307.16142"))["arxiv"] == {"2307.16142"}


@pytest.mark.parametrize(
    "entry",
    [
        E(
            "article",
            "a",
            doi="https://doi.org/10.1038/S41591-024-02857-3",
            eprint="2307.16142",
            eprinttype="arXiv",
        ),
        E("misc", "b", url="https://arxiv.org/pdf/2307.16142v1?utm_medium=x", pii="S1361841524001234"),
        E("misc", "c", doi="10.48550/arXiv.2307.16142"),
        E(
            "article",
            "d",
            doi="10.1000/a\\_b",
            url="https://www.sciencedirect.com/science/article/pii/S1361841524001234",
        ),
    ],
)
def test_import_enrich_and_check_read_the_same_identifiers(entry: Entry) -> None:
    ids = entry_identifiers(entry)
    assert identifiers(entry) == {k: set(v) for k, v in ids.items()}  # check
    got = entry_ids(entry)  # enrich: one value per kind, the arXiv DOI read as the arXiv id
    published = {d for d in ids.get("doi", ()) if not d.startswith("10.48550/")}
    assert got.doi in (published or {""})
    assert got.arxiv in ids.get("arxiv", {""}) and got.pii in ids.get("pii", {""})
    assert bool(got.arxiv) == bool(ids.get("arxiv"))


# ----------------------------------------------------------------------------- the same-work rule


def test_same_title_without_contradiction_is_the_same_work() -> None:
    assert same_work(W("Scaling Vision Transformers"), W("Scaling vision transformers.")) == "same title"
    assert same_work(W("A title", doi="10.1/a"), W("A TITLE", arxiv="2301.00001"))  # different kinds agree
    # arXiv's DataCite DOI does not contradict the published DOI
    assert not contradiction(
        {"doi": frozenset({"10.48550/arxiv.2301.00001"})}, {"doi": frozenset({"10.1/x"})}
    )


def test_same_title_different_dois_are_two_works_flagged() -> None:
    a, b = W("A foundation model", doi="10.1/a"), W("A foundation model", doi="10.1/b")
    assert same_work(a, b) == ""
    assert identity_clash(a, b) == ("same-title", "doi")


def test_same_title_sharing_one_id_but_contradicting_another_is_a_same_title_clash() -> None:
    a = Work(frozenset({"a paper"}), {"arxiv": frozenset({"2301.00001"}), "doi": frozenset({"10.1000/a"})})
    b = Work(frozenset({"a paper"}), {"arxiv": frozenset({"2301.00001"}), "doi": frozenset({"10.1000/b"})})
    assert same_work(a, b) == "" and identity_clash(a, b) == ("same-title", "doi")


def test_shared_link_different_titles_are_two_works() -> None:
    a, b = W("Paper about tissue", arxiv="2301.00001"), W("Something else entirely", arxiv="2301.00001")
    assert same_work(a, b) == ""
    assert identity_clash(a, b) == ("shared-link", "arxiv 2301.00001")


def test_shared_identifier_and_near_equal_titles_are_the_same_work() -> None:
    assert (
        same_work(
            W("Segment anything in medical images", doi="10.1/x"),
            W("Segment anything in medical image", doi="10.1/x"),
        )
        == "doi 10.1/x"
    )
    assert (
        same_work(
            W("Deeply Nested Paper", doi="10.1/x"),
            W("Deeply nested paper: the published version", doi="10.1/x"),
        )
        == "doi 10.1/x"
    )


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("yolov7 trainable bag of freebies", "yolov8 trainable bag of freebies", False),
        ("part 1 of the study on slides", "part 2 of the study on slides", False),
        (
            "clam data efficient and weakly supervised pathology",
            "data efficient and weakly supervised pathology",
            True,
        ),
        ("short", "short title with much more", False),
        (
            "scaling vision transformers to gigapixel images",
            "scalling vision transformers to gigapixel images",
            True,
        ),
    ],
)
def test_near_equal_titles(a: str, b: str, near: bool) -> None:
    assert near_equal_titles(a, b) is near


def test_work_index_finds_the_earliest_same_work_and_reports_clashes() -> None:
    idx = WorkIndex()
    idx.add("x", W("First paper on slides", doi="10.1/x"))
    idx.add("y", W("Second paper on cells", doi="10.1/y"))
    idx.add("z", W("First paper on slides", doi="10.1/z"))
    assert idx.find(W("first paper on slides", doi="10.1/x")) == ("x", "doi 10.1/x")
    assert idx.find(W("first paper on slides", doi="10.1/z"), skip={"x"}) == ("z", "doi 10.1/z")
    assert idx.find(W("Unrelated", doi="10.1/y")) is None
    assert idx.clashes(W("Unrelated", doi="10.1/y")) == [("y", "shared-link", "doi 10.1/y")]


# ----------------------------------------------------------------------------- the merge policy


def test_merge_policy_verdicts() -> None:
    assert decide("journal", None, "Nature") == "fill"
    assert decide("journal", " ", "Nature") == "fill"
    assert decide("doi", "10.1000/ABC", "https://doi.org/10.1000/abc") == "keep"
    assert decide("journal", "Nat. Med.", "Nature Medicine") == "conflict"
    assert decide("list-section", "a", "b") == "update"
    assert decide("list-title", "Title", "TITLE") == "update"  # the list's words, mirrored exactly
    assert decide("list-code", "https://a", "https://a https://b") == "update"
    assert decide("list-code", "https://a https://b", "https://b") == "keep"
    assert decide("journal", None, "Nature", {"journal"}) == "lock"
    assert decide("journal", None, "Nature", {"*"}) == "lock"


def test_locked_fields_reads_type_aliases() -> None:
    for word in ("type", "entrytype", "entry_type", "@type"):
        assert TYPE_LOCK in locked_fields(E("misc", "k", list_locked=f"title, {word}"))
    assert locked_fields(E("misc", "k"), ["author"]) == {"author"}


def test_same_value_per_field() -> None:
    assert same_value("author", "Chen, Richard J. and Lu, Ming Y.", "Chen, R. and Lu, M.")
    assert not same_value("author", "Chen, R. and Lu, M.", "Lu, M. and Chen, R.")
    assert same_value("url", "https://x.org/a/?utm_source=t", "https://x.org/a")
    assert same_value("pages", "1--10", "1-10")


def test_merge_fields_fills_keeps_conflicts_grows_and_respects_locks() -> None:
    old = E(
        "article",
        "k",
        title="The curated title",
        journal="Nat. Med.",
        list_code="https://github.com/a/a",
        list_locked="year",
    )
    new = [
        Field("title", "The list title"),
        Field("journal", "Nature Medicine"),
        Field("author", "Li, Bo"),
        Field("year", "2020"),
        Field("list-code", "https://github.com/b/b"),
        Field("list-section", "s"),
    ]
    res = merge_fields(old, new, "list:x")
    e = res.entry
    assert e.get("title") == "The curated title" and e.get("list-title") == "The list title"
    assert e.get("journal") == "Nat. Med." and [c.field for c in res.conflicts] == ["journal"]
    assert e.get("author") == "Li, Bo" and e.get("year") is None  # filled; locked
    assert e.get("list-code") == "https://github.com/a/a https://github.com/b/b"
    assert {c.field: c.kind for c in res.applied} == {
        "list-title": "fill",
        "author": "fill",
        "list-code": "update",
        "list-section": "fill",
    }
    again = merge_fields(e, new, "list:x")
    assert again.applied == () and again.entry == e


# ----------------------------------------------------------------------------- import: the real regression

SHARED_LINK_LIST = """# Awesome test

## Papers

1. 📜 **Paper about gland segmentation in colon tissue**
   - 📖 Journal: Medical Image Analysis, 2023
   - 📄 [PDF](https://arxiv.org/abs/2301.00001)
   - 💻 [Code](https://github.com/team/glands)

2. 📜 **Completely different work on nuclei detection**
   - 📖 Journal: Medical Image Analysis, 2023
   - 📄 [PDF](https://arxiv.org/abs/2301.00001)
   - 💻 [Code](https://github.com/other/nuclei)

3. 📜 **Paper about gland segmentation in colon tissue**
   - 📄 [PDF](https://arxiv.org/abs/2301.00001v2)
"""


def test_items_sharing_a_link_with_different_titles_stay_two_entries_nothing_moved() -> None:
    res = import_list(parse_list(SHARED_LINK_LIST, "l.md"), Library(), path="l.md")
    lib = parse(render(res.library))
    assert len(lib.entries) == 2 and len(res.report.created) == 2
    by_title = {e.get("title"): e for e in lib.entries}
    glands = by_title["Paper about gland segmentation in colon tissue"]
    nuclei = by_title["Completely different work on nuclei detection"]
    assert glands.get("list-code") == "https://github.com/team/glands"
    assert nuclei.get("list-code") == "https://github.com/other/nuclei"
    assert glands.get("list-number") == "1, 3" and nuclei.get("list-number") == "2"
    assert nuclei.get("list-title") is None
    # check: the shared link is reported on both, with a fix that corrects a link, never deletes
    result = run_check(lib, CheckContext(), select=("PB101", "PB106"))
    assert sorted((f.rule, f.key) for f in result.findings if f.rule == "PB106") == sorted(
        [("PB106", glands.key), ("PB106", nuclei.key)]
    )
    assert not [f for f in result.findings if f.rule == "PB101" and "same work" in f.message]
    assert all("delete" not in (f.fix or "").lower() for f in result.findings if f.rule == "PB106")
    # import says so too, naming both items
    warned = [f for f in res.report.findings if f.rule == "import-shared-link"]
    assert len(warned) == 1 and "no. 1 (line 5) and no. 2 (line 10)" in warned[0].message
    assert "arXiv 2301.00001" in warned[0].message and "correct the link of one of them" in warned[0].message
    # idempotent: a second import creates 0 and updates 0
    again = import_list(parse_list(SHARED_LINK_LIST, "l.md"), lib, path="l.md")
    assert again.report.created == () and again.report.updated == () and again.report.changes == ()


def test_same_title_with_different_dois_imports_as_two_entries() -> None:
    text = SHARED_LINK_LIST.replace(
        "https://arxiv.org/abs/2301.00001v2", "https://doi.org/10.1016/j.media.2023.1"
    )
    text = text.replace(
        "](https://arxiv.org/abs/2301.00001)\n   - 💻 [Code](https://github.com/team/glands)",
        "](https://doi.org/10.1016/j.media.2023.2)\n   - 💻 [Code](https://github.com/team/glands)",
    )
    res = import_list(parse_list(text, "l.md"), Library(), path="l.md")
    titles = sorted(e.get("title") or "" for e in res.library.entries)
    assert titles.count("Paper about gland segmentation in colon tissue") == 2
    result = run_check(res.library, CheckContext(), select=("PB107",))
    assert len(result.findings) == 2
    assert [f.rule for f in res.report.findings if f.rule.startswith("import-same")] == ["import-same-title"]


def test_import_matches_the_library_through_the_index_not_a_scan() -> None:
    # an existing entry carrying the arXiv id in a LaTeX-escaped `eprint` with eprinttype is found
    lib = Library(
        (
            E(
                "article",
                "curated",
                title="Paper about gland segmentation in colon tissue",
                eprint="2301.00001",
                eprinttype="arXiv",
                journal="Med. Image Anal.",
            ),
        )
    )
    res = import_list(parse_list(SHARED_LINK_LIST, "l.md"), lib, path="l.md")
    assert "curated" in res.report.updated and len(res.report.created) == 1
    assert res.library.get("curated").get("list-code") == "https://github.com/team/glands"  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- import: every part kept


def _parsed(*items: Item) -> ParsedList:
    from pathbib.importers.markdown import FrontMatter

    return ParsedList(FrontMatter(), (), tuple(items), RepairResult("", False))


def test_every_link_kind_lands_in_a_field_with_its_label() -> None:
    it = Item(
        "A paper with every kind of link",
        3,
        "1",
        ("Papers",),
        (
            SubField("authors", "Authors", "Ana López, Bo Li"),
            SubField(
                "pdf",
                "Paper",
                "",
                (
                    Link("arXiv", "https://arxiv.org/abs/2301.00001"),
                    Link("PDF", "https://example.org/paper.pdf"),
                ),
            ),
            SubField("code", "Code", "", (Link("GitHub", "https://github.com/a/b"),)),
            SubField("project", "Project", "", (Link("Project Page", "https://a.github.io/b"),)),
            SubField("dataset", "Dataset", "", (Link("Data", "https://zenodo.org/record/1"),)),
            SubField("demo", "Demo", "", (Link("Demo", "https://huggingface.co/spaces/a/b"),)),
            SubField("video", "Video", "", (Link("Talk", "https://youtube.com/watch?v=x&utm_source=y"),)),
            SubField("link", "bibtex", "", (Link("bibtex", "https://example.org/cite.bib"),)),
            SubField("link", "", "", (Link("Blog [post]", "https://blog.example.org/a_(b)"),)),
            SubField("highlight", "Highlight", "Very good."),
            SubField("note", "Dataset size", "10,000 slides"),
            SubField("year", "", "2023"),
        ),
    )
    (g,) = group_items([it])
    etype, fields, _ = group_fields(g, {("Papers",): "papers"}, [], "x.md")
    f = {x.name: x.value for x in fields}
    assert f["url"] == "https://arxiv.org/abs/2301.00001" and f["eprint"] == "2301.00001"
    assert f["list-links"] == "https://example.org/paper.pdf"
    assert f["list-code"] == "https://github.com/a/b"
    assert f["list-project"] == "https://a.github.io/b" and f["list-dataset"] == "https://zenodo.org/record/1"
    assert (
        f["list-demo"] == "https://huggingface.co/spaces/a/b"
        and f["list-video"] == "https://youtube.com/watch?v=x"
    )
    assert f["list-other"] == (
        "[bibtex](https://example.org/cite.bib) [Blog \\[post\\]](https://blog.example.org/a_%28b%29)"
    )
    assert f["list-highlight"] == "Very good." and f["list-note"] == "Dataset size: 10,000 slides"
    assert f["year"] == "2023" and f["author"] == "López, Ana and Li, Bo" and etype == "misc"


def test_date_line_holding_a_venue_keeps_both() -> None:
    it = Item("A CVPR paper", 3, "", ("Papers",), (SubField("date", "Publication Date", "CVPR, 2022"),))
    (g,) = group_items([it])
    findings: list = []  # type: ignore[type-arg]
    etype, fields, _ = group_fields(g, {}, findings, "x.md")
    f = {x.name: x.value for x in fields}
    assert etype == "inproceedings" and f["booktitle"] == "CVPR" and f["year"] == "2022"
    assert f["list-venue"] == "CVPR, 2022" and not findings
    # with a venue line already: the date line is kept whole as a note
    it2 = Item(
        "B paper",
        3,
        "",
        (),
        (SubField("venue", "Conference", "ICCV 2023"), SubField("date", "Date", "ICCV, Oct 2023")),
    )
    (g2,) = group_items([it2])
    _, fields2, _ = group_fields(g2, {}, [], "x.md")
    f2 = {x.name: x.value for x in fields2}
    assert f2["booktitle"] == "ICCV" and f2["date"] == "2023-10" and f2["list-note"] == "Date: ICCV, Oct 2023"


def test_check_fix_follows_the_merge_policy_locks() -> None:
    from pathbib.check import plan_fixes

    free = E("article", "free", doi="https://doi.org/10.1000/ABC", url="https://x.org/a?utm_source=t")
    locked = E(
        "article",
        "locked",
        doi="https://doi.org/10.1000/ABC",
        url="https://x.org/a?utm_source=t",
        list_locked="url, doi",
    )
    star = E("article", "star", url="https://x.org/a?utm_source=t", list_locked="*")
    planned = {(c.key, c.field) for c in plan_fixes(Library((free, locked, star)))}
    assert planned == {("free", "doi"), ("free", "url")}


def test_a_library_entry_sharing_a_link_under_another_title_is_left_alone() -> None:
    curated = E(
        "article",
        "curated",
        title="A curated paper on something else entirely",
        url="https://arxiv.org/abs/2301.00001",
        list_code="https://github.com/keep/me",
    )
    res = import_list(parse_list(SHARED_LINK_LIST, "l.md"), Library((curated,)), path="l.md")
    assert res.library.get("curated") == curated  # nothing moved into it
    assert "curated" not in res.report.updated and len(res.report.created) == 2
    r = run_check(res.library, CheckContext(), select=("PB106",))
    assert "curated" in {f.key for f in r.findings}


def test_titles_with_latex_specials_match_their_escaped_form_on_re_import() -> None:
    # library.bib stores `Diffusion\_models\_tutorial`; the list says `Diffusion_models_tutorial`
    # (plain-text braces are written \textbraceleft{}/\textbraceright{}: BibTeX counts `\{` as a brace)
    text = (
        "# L\n\n## S\n\n1. **Diffusion_models_tutorial**\n   - Journal: Nature, 2020\n"
        "   - [Code](https://github.com/a/b)\n\n"
        "2. **H&E stains at 100% for #1 ~ranked {GAN}s**\n   - Journal: Nature, 2021\n"
    )
    first = import_list(parse_list(text, "l.md"), Library(), path="l.md")
    lib = parse(render(first.library))
    assert {e.get("title") for e in lib.entries} == {
        "Diffusion\\_models\\_tutorial",
        "H\\&E stains at 100\\% for \\#1 \\textasciitilde{}ranked \\textbraceleft{}GAN\\textbraceright{}s",
    }
    again = import_list(parse_list(text, "l.md"), lib, path="l.md")
    assert again.report.created == () and again.report.updated == ()
    # a library written before the \textbraceleft{} form (`\{GAN\}`) is the same value: nothing changes
    older = parse(render(lib).replace("\\textbraceleft{}GAN\\textbraceright{}", "\\{GAN\\}"))
    assert any("\\{GAN\\}" in (e.get("title") or "") for e in older.entries)
    again = import_list(parse_list(text, "l.md"), older, path="l.md")
    assert again.report.created == () and again.report.updated == ()
    assert sorted(again.report.unchanged) == sorted(e.key for e in lib.entries)


def test_a_review_link_to_an_anchor_makes_no_survey_entry() -> None:
    text = (
        "# L\n\nIf you find this useful, please consider [citing](#citation) our work.\n\n## S\n\n"
        "1. **A paper title here**\n   - [PDF](https://arxiv.org/abs/2301.00001)\n"
    )
    parsed = parse_list(text, "l.md")
    from dataclasses import replace

    parsed = replace(parsed, front=replace(parsed.front, review_url="#citation", review_text="citing"))
    res = import_list(parsed, Library(), path="l.md")
    assert res.survey_key == "" and len(res.library.entries) == 1
    assert not any(e.get("list-survey") for e in res.library.entries)
    assert any(f.rule == "import-citation" and "#citation" in f.message for f in res.report.findings)
