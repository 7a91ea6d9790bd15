"""The reader on 16 real awesome paper lists (../shared/corpora/awesome-lists, read in place).

For each list the expected paper count is computed here, independently of the reader, with the
line-based rule MANIFEST.md gives for that list (the oracle: small greps, not the product). The
reader must find >= 97% of it. Where the MANIFEST rule is known to count only part of the papers
(it says "rough"), a second, broader line rule gives the ceiling the reader may not exceed by
more than 3% — so junk is caught too. A hand-checked sample of 30 papers per list
(tests/data/import_samples/<list>.json: title + paper link, checked against the source lines)
must come out with exactly those titles and links.

Run `pytest tests/importers/test_import_corpus.py -s` to see the table (list, expected, imported, skipped, s).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import DATA, say, shared_path
from pathbib.errors import InputError
from pathbib.importers.markdown import ParsedList, decode_readme, parse_list

SAMPLES = DATA / "import_samples"


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split("\n")


def _between(lines: list[str], start: str, stop: str | None) -> list[str]:
    """Lines after the first line equal to `start` (stripped) up to the first equal to `stop`."""
    i = next(k for k, ln in enumerate(lines) if ln.strip() == start)
    j = next(
        (k for k, ln in enumerate(lines) if k > i and stop is not None and ln.strip() == stop), len(lines)
    )
    return lines[i + 1 : j]


def _count(lines: list[str], pattern: str) -> int:
    pat = re.compile(pattern)
    return sum(1 for ln in lines if pat.search(ln))


def _paragraph_starts(lines: list[str], prefix: str) -> int:
    return sum(
        1 for k, ln in enumerate(lines) if ln.startswith(prefix) and (k == 0 or not lines[k - 1].strip())
    )


def _table_rows_with_link(lines: list[str]) -> int:
    return sum(
        1
        for ln in lines
        if "|" in ln and re.search(r"\[[^\]]+\]\([^)]+\)", ln) and not re.fullmatch(r"[\s|:-]+", ln)
    )


def _paper_table_rows(lines: list[str]) -> int:
    """Rows with a link in the pipe tables whose header row has a `Paper` cell."""
    n, in_paper = 0, False
    for ln in lines:
        if "|" not in ln:
            in_paper = False
        elif re.match(r"\|?\s*(Paper|Dataset)\s*\|", ln):
            in_paper = ln.lstrip("| ").startswith("Paper")
        elif in_paper and re.search(r"\[[^\]]+\]\([^)]+\)", ln):
            n += 1
    return n


def _html_rows_with(lines: list[str], needle: str) -> int:
    rows = "\n".join(lines).split("<tr>")[1:]
    return sum(1 for r in rows if needle in r.split("</tr>")[0])


_PUBLISHED = re.compile(
    r"arXiv|CVPR|ICCV|ECCV|ICLR|ICML|NeurIPS|AAAI|IJCAI|ACL|EMNLP|NAACL|COLING|TPAMI|IJCV|"
    r"TMLR|ACM ?MM|SIGGRAPH|MICCAI|WACV|BMVC|CoRL|RSS|ICRA|IROS|Nature|Science|TOG|TIP|KDD",
    re.I,
)


def _brady(lines: list[str], published_only: bool = False) -> int:
    """Rows of the `## Multimodal Instruction Tuning` table (+ the highlighted bullets above it).

    `published_only`: only rows whose Venue cell names a publication venue or whose title links to
    arXiv — the other rows are model releases and blog posts (Venue "Blog", "OpenAI", "Qwen", "-").
    """
    body = _between(lines, "## Multimodal Instruction Tuning (& Latest Works)", None)
    rows = [
        ln
        for ln in body
        if ln.startswith("|") and not re.fullmatch(r"[\s|:-]+", ln) and not re.match(r"\|\s*Title\s*\|", ln)
    ]
    if published_only:
        rows = [ln for ln in rows if _PUBLISHED.search(ln.split("|")[2]) or "arxiv.org" in ln.split("|")[1]]
    header = _count(_between(lines, "## ✨ Highlights of NJU-MiG", "# Awesome Papers"), r"^- 🌟 \*\*")
    return len(rows) + header


# list → (MANIFEST rule, ceiling rule or None when the MANIFEST rule is the ceiling too)
Rule = Callable[[list[str]], int]
RULES: dict[str, tuple[Rule, Rule | None]] = {
    # column-0 `- [` bullets between `## Survey` and `## Talks`; ceiling: every column-0 `- [` bullet
    # with a year (the Talks / Implementations sections hold a few dated non-paper links)
    "awesome-NeRF__awesome-NeRF.md": (
        lambda L: _count(_between(L, "## Survey", "## Talks"), r"^- \["),
        lambda L: _count(L, r"^- \[.*\b(19|20)\d\d\b"),
    ),
    # paragraphs starting `**` after `# Papers`; ceiling: paragraphs starting `**` anywhere
    "diff-usion__Awesome-Diffusion-Models.md": (
        lambda L: _paragraph_starts(_between(L, "# Papers", None), "**"),
        lambda L: _paragraph_starts(L, "**"),
    ),
    # number of `[[pdf]]` links; ceiling: every top-level bullet except the table of contents (some
    # papers give only a code or project link and their venue in the author sub-bullet)
    "jason718__awesome-self-supervised-learning.md": (
        lambda L: sum(ln.count("[[pdf]]") for ln in L),
        lambda L: _count(L, r"^ ?-\s+[^\s\[]"),
    ),
    # lines starting `- **`; ceiling: every bullet with a `[pdf]` link (the appendix drops the bold)
    "terryum__awesome-deep-learning-papers.md": (
        lambda L: _count(L, r"^- \*\*"),
        lambda L: _count(L, r"^\s*- .*\[\[?pdf\]"),
    ),
    "atfortes__Awesome-LLM-Reasoning.md": (lambda L: _count(L, r"^\d+\. \*\*\["), None),
    "XiaoxinHe__Awesome-Graph-LLM.md": (lambda L: _count(L, r"^- \(\*"), None),
    # `### N.` headings (+1 seminal-paper heading)
    "MrNeRF__awesome-3D-gaussian-splatting.md": (
        lambda L: _count(L, r"^### \d+\."),
        lambda L: _count(L, r"^### \d+\.") + 1,
    ),
    "wenhao728__awesome-diffusion-v2v.md": (lambda L: _count(L, r"^- \("), None),
    # `* ` bullets containing `[\[paper\]]`; ceiling: every `* ` bullet (some papers have no link)
    "qingsongedu__awesome-AI-for-time-series-papers.md": (
        lambda L: _count(L, r"^\s*\* .*\[\\\[paper\\\]\]"),
        lambda L: _count(L, r"^\s*\* "),
    ),
    # table rows containing a Markdown link (the ceiling); expected: those of the tables whose header
    # has a `Paper` column — the `Dataset | Home/Github | Download link` tables list datasets
    "lzw-lzw__awesome-remote-sensing-vision-language-models.md": (_paper_table_rows, _table_rows_with_link),
    # `* ` bullets with a `[Paper` link; ceiling: every `* ` bullet with a link and a year
    "GT-RIPL__Awesome-LLM-Robotics.md": (
        lambda L: _count(L, r"^\s*\* .*\[Paper"),
        lambda L: _count(L, r"^\s*\* (?=.*\]\(http)(?=.*\b(19|20)\d\d\b)"),
    ),
    # MANIFEST: 238 table rows + 12 header bullets (the ceiling); expected: the rows whose Venue cell is
    # a publication venue or whose title links to arXiv (the others are model releases / blog posts)
    "BradyFU__Awesome-Multimodal-Large-Language-Models.md": (
        lambda L: _brady(L, published_only=True),
        _brady,
    ),
    "amusi__CVPR2024-Papers-with-Code.md": (lambda L: _count(L, r"^\*\*[^*].*\*\*\s*$"), None),
    "RollingPlain__IVIF_ZOO.md": (
        lambda L: _html_rows_with(
            _between(L, "# 方法集(Method Set)", "#  评价指标(Evaluation Metric)"), ">Paper<"
        ),
        lambda L: _html_rows_with(L, ">Paper<"),
    ),
    # MANIFEST: "779 `+ [` items (715 with an arxiv/openreview/cvf/doi title link)"; the others are
    # toolboxes and models without a date or paper link: 715 is expected, 779 the ceiling
    "showlab__Awesome-Video-Diffusion.md": (
        lambda L: _count(
            L, r"^\+ \[[^\]]*\]\(https?://[^)]*(arxiv\.org|openreview\.net|thecvf\.com|doi\.org)"
        ),
        lambda L: _count(L, r"^\+ \["),
    ),
    "floodsung__Deep-Learning-Papers-Reading-Roadmap.md": (lambda L: _count(L, r"^\*\*\[\d+\]\*\*"), None),
}


def _corpus() -> Path:
    return shared_path("corpora/awesome-lists")


@functools.cache
def _read(name: str) -> tuple[list[str], ParsedList, float]:
    path = _corpus() / name
    data = path.read_bytes()
    t0 = time.perf_counter()
    parsed = parse_list(decode_readme(data, str(path)), str(path))
    return _lines(data.decode("utf-8")), parsed, time.perf_counter() - t0


def test_every_corpus_file_has_a_rule() -> None:
    names = sorted(p.name for p in _corpus().glob("*.md") if p.name != "MANIFEST.md")
    assert names == sorted(RULES)


@pytest.mark.slow
def test_corpus_counts(request: pytest.FixtureRequest) -> None:
    rows = []
    bad = []
    for name, (rule, ceiling) in sorted(RULES.items()):
        lines = _lines((_corpus() / name).read_bytes().decode("utf-8"))
        expected = rule(lines)
        top = (ceiling or rule)(lines)
        try:
            _l, parsed, secs = _read(name)
        except InputError as exc:
            bad.append(f"{name}: {exc}")
            continue
        got = len(parsed.items)
        rows.append((name.split("__")[1].removesuffix(".md"), expected, top, got, len(parsed.skipped), secs))
        if got < 0.97 * expected or got > 1.03 * top:
            bad.append(f"{name}: expected {expected} (ceiling {top}), read {got}")
    table = ["| list | expected | ceiling | imported | skipped | seconds |", "|---|---:|---:|---:|---:|---:|"]
    table += [f"| {n} | {e} | {c} | {g} | {s} | {t:.2f} |" for n, e, c, g, s, t in rows]
    say(request, "\n".join(table))
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", sorted(RULES))
def test_hand_checked_sample(name: str) -> None:
    sample_path = SAMPLES / (name.removesuffix(".md") + ".json")
    if not sample_path.exists():
        pytest.skip(f"no hand-checked sample for {name} yet")
    sample = json.loads(sample_path.read_text(encoding="utf-8"))
    _lines_, parsed, _t = _read(name)
    by_line = {it.line: it for it in parsed.items}
    assert len(sample) == 30
    for s in sample:
        it = by_line.get(s["line"])
        assert it is not None, f"line {s['line']} ({s['title']!r}) is not read as a paper"
        assert it.title == s["title"]
        urls = [lk.url for lk in it.title_links] + [lk.url for f in it.fields for lk in f.links]
        assert s["link"] in urls, (s["title"], s["link"], urls)


_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|href=\"([^\"]+)\"")


@pytest.mark.slow
def test_every_link_of_a_paper_is_kept() -> None:
    """Each link written in a paper's source lines (up to the next item, heading, quote or skipped
    candidate; HTML comments and badge images left out) is in one of its fields or its title links."""
    lost: list[str] = []
    for name in sorted(RULES):
        src, parsed, _t = _read(name)
        bounds = sorted(
            {it.line for it in parsed.items}
            | {h.line for h in parsed.sections}
            | {s[0] for s in parsed.skipped}
            | {k + 1 for k, ln in enumerate(src) if ln.startswith(">")}
        )
        for it in parsed.items:
            k = bisect.bisect_right(bounds, it.line)
            end = min(bounds[k] if k < len(bounds) else len(src) + 1, it.line + 40)
            text = re.sub(r"<!--.*?-->", " ", "\n".join(src[it.line - 1 : end - 1]), flags=re.S)
            text = re.sub(
                r"!\[[^\]]*\]\([^)]*\)", " ", text
            )  # a badge's image is decoration; its link counts
            have = {unquote(lk.url) for lk in it.title_links} | {
                unquote(lk.url) for f in it.fields for lk in f.links
            }
            for a, b in _MD_LINK.findall(text):
                url = unquote(a or b)
                if not url.startswith("#") and not any(url in h for h in have):
                    lost.append(f"{name}:{it.line}: {url}")
    assert not lost, "\n".join(lost[:20])
