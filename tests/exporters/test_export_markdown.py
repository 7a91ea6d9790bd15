"""The awesome-list README exporter: structure, ordering, slugs, safety, round trip."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import DATA, shared_path
from pathbib.bibio import parse
from pathbib.config import Settings, load_settings
from pathbib.exporters.markdown import (
    SlugCounter,
    github_slug,
    md_escape,
    render_readme,
    safe_url,
    sort_key,
)
from pathbib.latex import latex_to_unicode

EXPORT = DATA / "export"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(EXPORT / "pathbib.toml")


@pytest.fixture(scope="module")
def library():  # type: ignore[no-untyped-def]
    return parse((EXPORT / "sample.bib").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def readme(library, settings: Settings) -> str:  # type: ignore[no-untyped-def]
    return render_readme(library, settings)


ITEM = re.compile(r"^(\d+)\. 📜 \*\*(.*)\*\*$", re.M)


def _items(text: str) -> list[tuple[int, str]]:
    return [(int(n), t) for n, t in ITEM.findall(text)]


def _sections(text: str) -> dict[str, list[int]]:
    """Heading text -> numbers of the items under it (until the next heading)."""
    out: dict[str, list[int]] = {}
    current = ""
    for line in text.splitlines():
        m = re.match(r"^#{1,6} (.*)$", line)
        if m:
            current = m.group(1)
            out.setdefault(current, [])
            continue
        m = ITEM.match(line)
        if m:
            out[current].append(int(m.group(1)))
    return out


# --------------------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Large-scale Pre-trained Models", "large-scale-pre-trained-models"),
        ("Hello World!", "hello-world"),
        ("C++ & Rust", "c--rust"),
        ("Foo (bar) baz?", "foo-bar-baz"),
        ("Über Straße", "über-straße"),
        ("snake_case stays", "snake_case-stays"),
        ("  padded  ", "padded"),
        ("Emoji 🚀 here", "emoji--here"),
        ("Other applications:", "other-applications"),
    ],
)
def test_github_slug_examples(text: str, slug: str) -> None:
    # expected values follow github-slugger (the algorithm GitHub uses for heading anchors)
    assert github_slug(text) == slug


def test_slug_counter_numbers_duplicates() -> None:
    s = SlugCounter()
    assert [s("Intro"), s("Intro"), s("Intro"), s("Intro 1")] == ["intro", "intro-1", "intro-2", "intro-1-1"]


# --------------------------------------------------------------------------- structure


def test_numbering_is_continuous(readme: str) -> None:
    nums = [n for n, _ in _items(readme)]
    assert nums == list(range(1, len(nums) + 1))
    assert len(nums) == 11  # 13 entries: one survey, one excluded


def test_count_sentence_and_year_span(readme: str, library) -> None:  # type: ignore[no-untyped-def]
    n = len(_items(readme))
    m = re.search(
        r"We considered a sum of `(\d+)` research papers spanning from (\d{4}) to (\d{4})\.", readme
    )
    assert m, "count sentence present"
    assert int(m.group(1)) == n
    # years of the listed entries, read straight from the sample: 2021 .. 2024
    assert (m.group(2), m.group(3)) == ("2021", "2024")


def test_toc_links_resolve_to_headings(readme: str) -> None:
    html = MarkdownIt("commonmark").render(readme)
    del html
    headings = [m.group(1) for m in re.finditer(r"^#{1,6} (.*)$", readme, re.M)]
    s = SlugCounter()
    anchors = {s(h) for h in headings} | {"return-to-list"}
    targets = re.findall(r"\]\(#([^)]+)\)", readme)
    assert targets, "the TOC has links"
    assert set(targets) <= anchors
    toc = re.findall(r"^\s*- \[([^\]]+)\]\(#([^)]+)\)$", readme, re.M)
    assert [t for _, t in toc] == [
        "large-scale-pre-trained-models",
        "large-vision-models",
        "contrastive-multi-modal-models",
        "multi-modal-large-language-models",
        "adapt-foundation-models-for-specific-tasks",
        "pathological-classification",
        "pathological-component-segmentation",
    ]


def test_dates_non_decreasing_per_section(readme: str, library) -> None:  # type: ignore[no-untyped-def]
    by_title = {latex_to_unicode(e.get("title")): e for e in library.entries}
    items = dict(_items(readme))
    for heading, nums in _sections(readme).items():
        keys = []
        for n in nums:
            e = by_title[re.sub(r"\\(.)", r"\1", items[n])]  # Markdown escapes undone
            keys.append(sort_key(e.as_dict()))
        assert keys == sorted(keys), heading


def test_tie_break_keeps_library_order(settings: Settings) -> None:
    bib = "".join(
        f"@article{{k{i}, title = {{Paper {c}}}, journal = {{J}}, year = 2020, list-section = {{large-vision}}}}\n"
        for i, c in enumerate("CAB")
    )
    text = render_readme(parse(bib), replace(settings, survey=""))
    assert [t for _, t in _items(text)] == ["Paper C", "Paper A", "Paper B"]


def test_excluded_survey_and_unsectioned_left_out(readme: str) -> None:
    assert "cardiac cine" not in readme  # list-exclude
    assert "📜 **Implicit Neural Representation" not in readme  # the survey is not a list item
    assert "Catal" not in readme


def test_per_paper_lines(readme: str) -> None:
    block = readme[readme.index("📜 **Rotation-Agnostic") :].split("\n\n")[0]
    assert (
        "   - 📖 Conference: Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR), 2024"
        in block
    )
    assert "   - 🧑‍🔬 Authors: Saghir Alfasly, Abubakr Shafique," in block
    assert "   - 🗓️ Publication Date: 2024-06" in block
    assert "   - 💻 [Code](https://kimialabmayo.github.io/PathDino-Page/)" in block
    assert "   - 💻 [Code](https://github.com/KimiaLabMayo/PathDino)" in block
    assert (
        "   - 📌 Highlight: PathDino: a compact ViT with rotation-agnostic training & H&E stain awareness."
        in block
    )
    # a DOI-only entry links to the DOI resolver; accents decoded; particles kept
    assert "[PDF](https://doi.org/10.1038/s41591-021-01343-4)" in readme
    assert "Jeroen van der Laak" in readme and "World Health Organization" in readme
    assert "John Smith Jr., Jörg Müller, María de la Fuente" in readme
    # numbers >= 10 indent their sub-bullets by four spaces
    assert re.search(r"^10\. 📜 .*\n    - 📖 ", readme, re.M)


def test_citation_block_and_review_line(readme: str) -> None:
    assert (
        ":loudspeaker: Our review paper: [Implicit Neural Representation in Medical Imaging: A Comparative Survey](https://arxiv.org/abs/2307.16142)"
        in readme
    )
    m = re.search(r"```bibtex\n(.*?)\n```", readme, re.S)
    assert m
    assert m.group(1).startswith("@inproceedings{molaei2023implicit,")
    assert "list-survey" not in m.group(1)


def test_emoji_are_real_utf8(readme: str) -> None:
    for e in ("📜", "📖", "🧑\u200d🔬", "🗓\ufe0f", "📄", "💻", "📌"):
        assert e in readme
    assert "ğŸ" not in readme


def test_stale_count_sentence_in_introduction_is_replaced(library, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    lst = replace(
        settings.list,
        introduction="Intro.\nWe considered a sum of `81` research papers spanning from 2022 to 2025.",
    )
    text = render_readme(library, replace(settings, list=lst))
    assert "`81`" not in text
    assert text.count("We considered a sum of") == 1


def test_unknown_section_goes_to_other_papers(settings: Settings) -> None:
    text = render_readme(
        parse("@article{a, title = {Lost}, journal = {J}, year = 2020, list-section = {nowhere}}"),
        replace(settings, survey=""),
    )
    assert "## Other papers" in text and "📜 **Lost**" in text
    assert "(#other-papers)" in text


def test_template_override(library, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    tpl = "{% for s in sections %}{% for sub in s.subsections %}{% for p in sub.papers %}{{ p.number }}:{{ p.title }}\n{% endfor %}{% endfor %}{% endfor %}"
    text = render_readme(library, settings, template=tpl)
    assert (
        text.splitlines()[0]
        == "1:Scaling Vision Transformers to Gigapixel Images via Hierarchical Self-Supervised Learning"
    )


def test_build_twice_identical(library, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    assert render_readme(library, settings) == render_readme(library, settings)


# --------------------------------------------------------------------------- safety


HOSTILE = r"""
@article{evil1,
  title = {<script>alert(1)</script> **bold** _it_ [x](javascript:alert(1)) `code` | pipe ~~strike~~ &amp; <img src=x onerror=alert(1)>},
  journal = {J <b>bold</b>},
  year = 2020,
  url = {javascript:alert(1)},
  list-code = {data:text/html,<script>alert(1)</script> http://example.com/a)b(c<d>e https://ok.example/x_y*z},
  list-highlight = {</sub>[click](http://evil) ![img](http://evil/x.png) <!-- c -->},
  list-section = {large-vision},
}
@article{evil2,
  author = {Tables, Bobby | <i>x</i> and {[Org] *Inc*}},
  title = {Normal},
  journal = {J},
  year = 2021,
  url = {HTTPS://EXAMPLE.COM/ok},
  doi = {10.1/x"onmouseover="alert(1)},
  list-section = {large-vision},
}
"""


@pytest.fixture(scope="module")
def hostile_html(settings: Settings) -> tuple[str, str]:
    text = render_readme(parse(HOSTILE), replace(settings, survey=""))
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    return text, md.render(text)


def test_hostile_text_renders_literally(hostile_html: tuple[str, str]) -> None:
    text, html = hostile_html
    html = html[html.index("<h1>papers</h1>") :]
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "<b>" not in html and "<i>" not in html
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html)  # only in text, never in attributes
    items = html.split("<ol")[1].split("</ol>")[0]  # the papers (empty sections' line is emphasised)
    assert "<em>" not in items and "<code>" not in items.replace("<code>bibtex", "")
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; **bold** _it_ [x](javascript:alert(1)) `code` | pipe" in html
    )
    assert "[click](http://evil) ![img](http://evil/x.png) &lt;!-- c --&gt;" in html
    assert "[Org] *Inc*" in html


def test_only_http_links(hostile_html: tuple[str, str]) -> None:
    text, html = hostile_html
    hrefs = re.findall(r'href="([^"]*)"', html)
    for h in hrefs:
        assert h.startswith(("http://", "https://", "HTTPS://", "#")), h
    paper_hrefs = [h for h in hrefs if not h.startswith("#") and "shields" not in h and "awesome" not in h]
    assert "http://example.com/a%29b%28c%3Cd%3Ee" in paper_hrefs
    assert "https://ok.example/x_y%2Az" in paper_hrefs
    assert "HTTPS://EXAMPLE.COM/ok" in paper_hrefs
    assert not any("evil" in h for h in hrefs)
    assert not any("onmouseover" in h and '"' in h for h in hrefs)


def test_md_escape_and_safe_url_units() -> None:
    assert md_escape("a*b_c [d] <e> `f` |g| ~h~ \\i") == r"a\*b\_c \[d\] \<e\> \`f\` \|g\| \~h\~ \\i"
    assert md_escape("AT&T &amp; &#169;") == r"AT&T \&amp; \&#169;"
    assert md_escape("two\nlines   here") == "two lines here"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("ftp://x.org/f") is None
    assert safe_url("http:/broken") is None
    assert safe_url(" https://x.org/a b ") == "https://x.org/a%20b"


# --------------------------------------------------------------------------- round trip


def _importer():  # type: ignore[no-untyped-def]
    try:
        from pathbib.importers.markdown import parse_list
    except ImportError:  # pragma: no cover - the importer ships with the package
        pytest.skip("the Markdown importer is not available")
    return parse_list


def test_round_trip_sample_through_importer(readme: str, library, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    parse_list = _importer()
    parsed = parse_list(readme)
    items = parsed.items
    assert [i.number for i in items] == [str(n) for n in range(1, len(items) + 1)]
    entries = {e.key: e.as_dict() for e in library.entries}
    listed = [k for k in entries if entries[k].get("list-section") and not entries[k].get("list-exclude")]
    assert len(items) == len(listed)
    titles = {latex_to_unicode(v["title"]): k for k, v in entries.items()}
    sub_title = {s.id: s.title for sec in settings.list.sections for s in sec.subsections}
    for item in items:
        key = titles[item.title]
        f = entries[key]
        assert item.section[-1] == sub_title[f["list-section"]]
        pdf = item.first("pdf")
        assert (pdf is not None) == bool(f.get("url") or f.get("doi") or f.get("eprint"))
        code = [lk.url for c in item.all("code") for lk in c.links]
        assert code == (f.get("list-code") or "").split()
        hl = item.first("highlight")
        assert (hl.value if hl else "") == (f.get("list-highlight") or "")
        authors = item.first("authors")
        assert (authors is not None) == bool(f.get("author"))
    assert parsed.front.review_url == "https://arxiv.org/abs/2307.16142"
    assert "molaei2023implicit" in parsed.front.citation


def test_round_trip_seed(tmp_path: Path) -> None:
    """Import the seed, build its README, import that again: same entries (titles, links, sections)."""
    parse_list = _importer()
    try:
        from pathbib.importer import import_list
        from pathbib.importers.markdown import decode_readme
    except ImportError:  # pragma: no cover
        pytest.skip("the importer is not available")
    from pathbib.model import Library

    seed = shared_path("seed/000_e6471fc22fbee112.txt")
    first = import_list(parse_list(decode_readme(seed.read_bytes())), Library())
    s = Settings(list=first.settings, survey=first.survey_key)
    text = render_readme(first.library, s)
    again = import_list(parse_list(text), Library(), s)

    def view(lib: Library, survey: str) -> dict[str, tuple[str, ...]]:
        out = {}
        for e in lib.entries:
            if e.key == survey or (e.get("list-exclude") or "").strip():
                continue
            out[re.sub(r"[{}]", "", e.get("title") or "")] = (
                e.get("url") or "",
                e.get("list-code") or "",
                e.get("list-highlight") or "",
                e.get("list-section") or "",
            )
        return out

    a = view(first.library, first.survey_key)
    b = view(again.library, again.survey_key)
    assert sorted(a) == sorted(b)
    assert a == b


# --------------------------------------------------------------------------- venue labels, links, empty sections


def _one(bib: str, settings: Settings, **list_changes: str) -> str:
    """README of a library with the given entries (no survey), `list` settings changed as given."""
    return render_readme(
        parse(bib), replace(settings, survey="", list=replace(settings.list, **list_changes))
    )


def _venue_line(bib: str, settings: Settings) -> str:
    lines = [ln.strip() for ln in _one(bib, settings).splitlines() if ln.strip().startswith("- 📖 ")]
    assert len(lines) == 1, lines
    return lines[0].removeprefix("- 📖 ")


@pytest.mark.parametrize(
    ("bib", "expected"),
    [
        # the shipped library's medRxiv preprint: @misc, 10.1101 DOI, journal/howpublished medRxiv
        (
            "@misc{p, title = {T}, journal = {medRxiv}, howpublished = {MedRxiv}, year = 2023,"
            " doi = {10.1101/2023.07.21.23292757}, url = {https://www.medrxiv.org/content/10.1101/2023.07.21.23292757v3}}",
            "Preprint: medRxiv, 2023",
        ),
        (
            "@misc{p, title = {T}, year = 2024, eprint = {2401.04079}, archiveprefix = {arXiv}}",
            "Preprint: arXiv, 2024",
        ),
        (
            "@misc{p, title = {T}, year = 2024, list-venue = {Journal: Somewhere}, eprint = {2401.04079}}",
            "Preprint: arXiv, 2024",
        ),
        ("@misc{p, title = {T}, year = 2022, doi = {10.1101/2022.01.01.474000}}", "Preprint: bioRxiv, 2022"),
        (
            "@misc{p, title = {T}, year = 2022, doi = {10.1101/2022.01.01.22268000},"
            " url = {https://www.medrxiv.org/content/10.1101/2022.01.01.22268000v1}}",
            "Preprint: medRxiv, 2022",
        ),
        ("@article{p, title = {T}, year = 2023, doi = {10.48550/arXiv.2301.00001}}", "Preprint: arXiv, 2023"),
        (
            "@article{p, title = {T}, year = 2023, journal = {arXiv preprint arXiv:2301.00001}}",
            "Preprint: arXiv, 2023",
        ),
        (
            "@article{p, title = {T}, year = 2023, journal = {bioRxiv : the preprint server for biology}}",
            "Preprint: bioRxiv, 2023",
        ),
        (
            "@online{p, title = {T}, year = 2023, howpublished = {Research Square}}",
            "Preprint: Research Square, 2023",
        ),
        (
            "@unpublished{p, title = {T}, year = 2021, url = {https://papers.ssrn.com/sol3/papers.cfm?abstract_id=1}}",
            "Preprint: SSRN, 2021",
        ),
        # published versions with an arXiv eprint are not preprints
        (
            "@article{p, title = {T}, year = 2024, journal = {Nature Medicine}, eprint = {2309.07778},"
            " archiveprefix = {arXiv}, url = {https://arxiv.org/abs/2309.07778}}",
            "Journal: Nature Medicine, 2024",
        ),
        (
            "@inproceedings{p, title = {T}, year = 2024, booktitle = {CVPR}, eprint = {2311.08359}}",
            "Conference: CVPR, 2024",
        ),
        (
            "@inproceedings{p, title = {T}, year = 2024, booktitle = {ICML 2024 FM-Wild Workshop}}",
            "Workshop: ICML 2024 FM-Wild Workshop, 2024",
        ),
        ("@inproceedings{p, title = {T}, year = 2020, journal = {MICCAI}}", "Conference: MICCAI, 2020"),
        (
            "@incollection{p, title = {T}, year = 2019, booktitle = {Handbook of Medical Imaging}}",
            "Book: Handbook of Medical Imaging, 2019",
        ),
        (
            "@article{p, title = {T}, year = 2019, journal = {Medical Image Analysis}}",
            "Journal: Medical Image Analysis, 2019",
        ),
    ],
)
def test_venue_label_follows_type_and_detects_preprints(bib: str, expected: str, settings: Settings) -> None:
    bib = bib[:-1] + ", list-section = {large-vision}}"
    assert _venue_line(bib, settings) == expected


PUBLISHED = (
    "@article{mstar, title = {A multimodal knowledge-enhanced whole-slide pathology foundation model},"
    " journal = {Nature Communications}, year = 2025, doi = {10.1038/s41467-025-66220-x},"
    " eprint = {2407.15362}, archiveprefix = {arXiv}, url = {https://arxiv.org/abs/2407.15362},"
    " list-section = {large-vision}}"
)


def _pdf_line(text: str) -> str:
    (line,) = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("- 📄 ")]
    return line


def test_published_version_links_the_doi_then_the_preprint(settings: Settings) -> None:
    assert _pdf_line(_one(PUBLISHED, settings)) == (
        "- 📄 [PDF](https://doi.org/10.1038/s41467-025-66220-x) · [arXiv](https://arxiv.org/abs/2407.15362)"
    )
    medrxiv = PUBLISHED.replace(
        "https://arxiv.org/abs/2407.15362", "https://www.medrxiv.org/content/10.1101/x"
    )
    assert _pdf_line(_one(medrxiv, settings)).endswith(
        "· [medRxiv](https://www.medrxiv.org/content/10.1101/x)"
    )
    # a preprint DOI, a publisher URL, or no DOI: the url alone
    preprint = PUBLISHED.replace("10.1038/s41467-025-66220-x", "10.48550/arXiv.2407.15362")
    assert _pdf_line(_one(preprint, settings)) == "- 📄 [PDF](https://arxiv.org/abs/2407.15362)"
    publisher = PUBLISHED.replace(
        "https://arxiv.org/abs/2407.15362", "https://www.nature.com/articles/s41467-025-66220-x"
    )
    assert (
        _pdf_line(_one(publisher, settings))
        == "- 📄 [PDF](https://www.nature.com/articles/s41467-025-66220-x)"
    )
    no_doi = PUBLISHED.replace("doi = {10.1038/s41467-025-66220-x},", "")
    assert _pdf_line(_one(no_doi, settings)) == "- 📄 [PDF](https://arxiv.org/abs/2407.15362)"


ONE_PAPER = "@article{a, title = {Only}, journal = {J}, year = 2020, list-section = {large-vision}}"


def _after(text: str, heading: str) -> str:
    """The first non-blank line after `heading` (and its `---` rule)."""
    lines = text.splitlines()
    i = lines.index(heading) + 1
    while not lines[i].strip() or lines[i] == "---":
        i += 1
    return lines[i]


def test_empty_sections_get_a_configurable_line(settings: Settings) -> None:
    text = _one(ONE_PAPER, settings)
    default = "_No papers in this section yet — contributions welcome._"
    assert _after(text, "### Multi-modal Large Language Models") == default
    assert _after(text, "### Pathological Classification") == default
    # a section whose subsections carry the line, and a section with papers, get none
    assert _after(text, "## Adapt Foundation Models for Specific Tasks") == "### Pathological Classification"
    assert _after(text, "### Large Vision Models").startswith("1. 📜 **Only**")
    assert text.count(default) == 4
    custom = _one(ONE_PAPER, settings, empty_section="*Nothing here yet.*")
    assert _after(custom, "### Pathological Component Segmentation") == "*Nothing here yet.*"
    assert "No papers" not in _one(ONE_PAPER, settings, empty_section="")


def test_empty_section_setting_default_and_toml() -> None:
    from pathbib.config import ListSettings, parse_settings

    assert ListSettings().empty_section == "_No papers in this section yet — contributions welcome._"
    s = parse_settings('[list]\nempty_section = "(none yet)"\nreview_suffix = " :heart:"\n', Path("."))
    assert s.list.empty_section == "(none yet)" and s.list.review_suffix == " :heart:"


def test_review_suffix_follows_the_survey_link(library, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    text = render_readme(library, replace(settings, list=replace(settings.list, review_suffix=" :heart:")))
    assert (
        ":loudspeaker: Our review paper: [Implicit Neural Representation in Medical Imaging: A Comparative Survey]"
        "(https://arxiv.org/abs/2307.16142) :heart:\n"
    ) in text
    assert ":heart:" not in render_readme(library, settings)
