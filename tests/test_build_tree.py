"""`build` renders the list as deep as it nests, every stored link with its label, and the one paper count.

Issue 11 points 3, 5 and 6: import → library.bib → README keeps every heading level (TOC
included, no placeholder under parents whose papers live in children), every link, and the
count that `import` reports is the count `build` writes and `check --readme` accepts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pathbib.bibio import parse, render
from pathbib.check import CheckContext, run_check
from pathbib.config import Settings, parse_settings
from pathbib.exporters.markdown import github_slug, render_readme
from pathbib.importer import import_list
from pathbib.importers.markdown import parse_list
from pathbib.importers.settings_toml import settings_toml
from pathbib.model import Entry, Field, Library

NESTED = """# Awesome nested

## Models

### Vision

#### 2024

##### CVPR

1. **Deep paper one about glands**
   - Conference: CVPR, 2024
   - [PDF](https://arxiv.org/abs/2401.00001)

#### 2023

2. **Paper two on nuclei segmentation**
   - Journal: Medical Image Analysis, 2023
   - [PDF](https://arxiv.org/abs/2301.00002)

### Language

3. **Paper three, language models for reports**
   - [PDF](https://arxiv.org/abs/2302.00003)

## Datasets

4. **Deep paper one about glands**
   - [PDF](https://arxiv.org/abs/2401.00001)
"""
PLACEHOLDER = "_No papers here yet._"


def _build(text: str) -> tuple[str, Library, Settings, object]:
    res = import_list(parse_list(text, "l.md"), Library(), path="l.md")
    # the pathbib.toml import writes, read back as a user's next `build` would
    settings = parse_settings(settings_toml(res.settings, survey=res.survey_key), Path("."))
    settings = replace(settings, list=replace(settings.list, empty_section=PLACEHOLDER))
    lib = parse(render(res.library))
    return render_readme(lib, settings), lib, settings, res.report


def _headings(md: str) -> list[tuple[int, str]]:
    return [
        (len(m.group(1)), m.group(2))
        for m in re.finditer(r"(?m)^(#{2,6}) (.+)$", md)
        if m.group(2) not in ("Citation",)
    ]


def test_sections_nest_as_deep_as_the_list_and_round_trip_through_pathbib_toml() -> None:
    md, _lib, settings, _ = _build(NESTED)
    tree = settings.list.sections
    assert [s.title for s in tree] == ["Models", "Datasets"]
    assert tree[0].subsections[0].subsections[0].subsections[0].title == "CVPR"  # four levels deep
    assert _headings(md) == [
        (2, "Models"),
        (3, "Vision"),
        (4, "2024"),
        (5, "CVPR"),
        (4, "2023"),
        (3, "Language"),
        (2, "Datasets"),
    ]
    # each paper under its own heading, in the list's order
    body = md[md.index("## Models") :]
    order = [
        body.index(t)
        for t in (
            "##### CVPR",
            "Deep paper one",
            "#### 2023",
            "Paper two",
            "### Language",
            "Paper three",
            "## Datasets",
        )
    ]
    assert order == sorted(order)
    assert body.count("Deep paper one about glands") == 2  # listed in two sections


def test_toc_lists_every_level_and_every_anchor_resolves() -> None:
    md, *_ = _build(NESTED)
    toc = re.findall(r"(?m)^( *)- \[([^\]]+)\]\(#([^)]+)\)$", md)
    assert [(len(indent) // 2, title) for indent, title, _ in toc] == [
        (0, "Models"),
        (1, "Vision"),
        (2, "2024"),
        (3, "CVPR"),
        (2, "2023"),
        (1, "Language"),
        (0, "Datasets"),
    ]
    anchors = {github_slug(t) for _, t in _headings(md)}
    assert all(slug in anchors for _, _, slug in toc)


def test_no_placeholder_for_parents_whose_papers_live_in_children() -> None:
    md, *_ = _build(NESTED + "\n## Empty section\n")
    blocks = re.split(r"(?m)^#{2,6} ", md[md.index("## Models") :])
    placeholders = [b.splitlines()[0] for b in blocks if PLACEHOLDER in b]
    assert placeholders == ["Empty section"]


def test_one_count_import_build_and_check_agree() -> None:
    md, _lib, settings, report = _build(NESTED)
    # 4 items, item 4 repeats item 1: 3 distinct papers (counted by hand from NESTED)
    assert report.items_seen == 4 and report.papers == 3  # type: ignore[attr-defined]
    assert "We considered a sum of `3` research papers" in md
    result = run_check(Library(), CheckContext(settings=settings, readme=md), select=("PB703",))
    assert result.findings == ()
    wrong = md.replace("a sum of `3`", "a sum of `4`")
    result = run_check(Library(), CheckContext(settings=settings, readme=wrong), select=("PB703",))
    assert [f.message for f in result.findings] == [
        "states 4 papers but the list has 3 (distinct papers, a repeated item counted once)"
    ]


def _entry(**fields: str) -> Entry:
    return Entry("misc", "k", tuple(Field(k.replace("_", "-"), v) for k, v in fields.items()))


def test_every_stored_link_is_rendered_with_its_label() -> None:
    e = _entry(
        title="A paper",
        year="2024",
        url="https://arxiv.org/abs/2401.00001",
        list_section="s",
        list_links="https://example.org/paper.pdf https://www.medrxiv.org/content/10.1101/x",
        list_code="https://github.com/a/b",
        list_project="https://a.github.io/b",
        list_dataset="https://zenodo.org/record/1",
        list_demo="https://huggingface.co/spaces/a/b",
        list_video="https://youtube.com/watch?v=x",
        list_other="[bibtex](https://example.org/cite.bib) [Blog \\[post\\]](https://blog.example.org/a_%28b%29) "
        "https://bare.example.org/x",
        list_note="Dataset size: 10,000 slides",
    )
    from pathbib.config import ListSettings, Section

    settings = Settings(list=ListSettings(sections=(Section("S", "s"),)))
    md = render_readme(Library((e,)), settings)
    for url in (
        "https://arxiv.org/abs/2401.00001",
        "https://example.org/paper.pdf",
        "https://www.medrxiv.org/content/10.1101/x",
        "https://github.com/a/b",
        "https://a.github.io/b",
        "https://zenodo.org/record/1",
        "https://huggingface.co/spaces/a/b",
        "https://youtube.com/watch?v=x",
        "https://example.org/cite.bib",
        "https://blog.example.org/a_%28b%29",
        "https://bare.example.org/x",
    ):
        assert f"({url})" in md, url
    assert "[medRxiv](https://www.medrxiv.org/content/10.1101/x)" in md
    assert "[example.org](https://example.org/paper.pdf)" in md
    assert "🌐 [Project](https://a.github.io/b)" in md and "🎬 [Video](https://youtube.com/watch?v=x)" in md
    assert "- [bibtex](https://example.org/cite.bib)" in md
    assert "- [Blog \\[post\\]](https://blog.example.org/a_%28b%29)" in md
    assert "- [bare.example.org](https://bare.example.org/x)" in md
    assert "- Dataset size: 10,000 slides" in md


def test_relative_links_are_kept_as_written_and_schemes_other_than_http_are_not() -> None:
    from pathbib.config import ListSettings, Section

    e = _entry(
        title="A paper",
        list_section="s",
        url="arxiv.org/pdf/2402.00525.pdf",
        list_code="./code/x",
        list_other="[bibtex](./refs.bib#L1-L7) [bad](javascript:alert(1)) "
        "[far](//evil.example/x) [data](data:text/html,x)",
    )
    settings = Settings(list=ListSettings(sections=(Section("S", "s"),)))
    md = render_readme(Library((e,)), settings)
    assert "📄 [PDF](arxiv.org/pdf/2402.00525.pdf)" in md
    assert "💻 [Code](./code/x)" in md and "- [bibtex](./refs.bib#L1-L7)" in md
    assert "%29)" not in md  # the rest of a broken `[bad](javascript:alert(1))` is no link
    assert "javascript:" not in md and "//evil.example" not in md and "data:" not in md
    f = _entry(title="B paper", list_section="s", doi="10.1000/x", url="./paper.pdf")
    md2 = render_readme(Library((f,)), settings)
    assert "📄 [PDF](https://doi.org/10.1000/x) · [link](./paper.pdf)" in md2
