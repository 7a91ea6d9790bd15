"""The reader on each real layout (issue 11), one authored snippet per layout, shaped like the corpus.

Each test states what a reader of the Markdown would write down by hand: the title, the links with
their kinds, the venue / date / authors, the section path. Plus the text-level traps: CRLF, no final
newline, `#` lines in code fences, `#2 heading` without a space, raw HTML in headings, escaped
brackets — and bad input through the CLI (nothing written).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathbib.cli.app import main
from pathbib.errors import InputError
from pathbib.importers.markdown import Item, parse_list


def links(it: Item) -> dict[str, list[str]]:
    """kind → URLs of an item (the title's own link under "title")."""
    out: dict[str, list[str]] = {"title": [lk.url for lk in it.title_links]}
    for f in it.fields:
        for lk in f.links:
            out.setdefault(f.kind, []).append(lk.url)
    return out


def values(it: Item, kind: str) -> list[str]:
    return [f.value for f in it.fields if f.kind == kind]


def one(text: str) -> Item:
    parsed = parse_list(text)
    assert len(parsed.items) == 1, [i.title for i in parsed.items]
    return parsed.items[0]


def test_one_line_bullet_in_details_block() -> None:
    text = (
        "# Awesome NeRF\n\n## Papers\n\n<details open>\n<summary>Faster Inference</summary>\n\n"
        "- [KiloNeRF: Speeding up Neural Radiance Fields with Thousands of Tiny MLPs ](https://arxiv.org/abs/2103.13744),"
        " Reiser et al., ICCV 2021 | [github](https://github.com/creiser/kilonerf) | [bibtex](./citations/kilonerf.txt)"
        " <!---reiser2021kilonerf-->\n\n</details>\n\n<details open>\n<summary>Unconstrained Images</summary>\n\n"
        "- [NeRF in the Wild](https://nerf-w.github.io/), Martin-Brualla et al., CVPR 2021 | [bibtex](./c/nerfw.txt)\n\n"
        "</details>\n"
    )
    parsed = parse_list(text)
    a, b = parsed.items
    assert a.title == "KiloNeRF: Speeding up Neural Radiance Fields with Thousands of Tiny MLPs"
    assert links(a) == {
        "title": ["https://arxiv.org/abs/2103.13744"],
        "code": ["https://github.com/creiser/kilonerf"],
        "link": ["./citations/kilonerf.txt"],
    }
    assert values(a, "authors") == ["Reiser et al."] and values(a, "venue") == ["ICCV 2021"]
    assert a.section == ("Faster Inference",) and b.section == ("Unconstrained Images",)
    assert [s.path for s in parsed.sections] == [("Faster Inference",), ("Unconstrained Images",)]


def test_bold_title_with_year_and_pdf() -> None:
    it = one(
        "# L\n\n## Optimization\n\n- **Distilling the knowledge in a neural network** (2015), G. Hinton et al. "
        "[[pdf]](http://arxiv.org/pdf/1503.02531)\n- Tips and tricks [blog](https://example.org)\n"
    )
    assert it.title == "Distilling the knowledge in a neural network"
    assert values(it, "year") == ["2015"] and values(it, "authors") == ["G. Hinton et al."]
    assert links(it)["pdf"] == ["http://arxiv.org/pdf/1503.02531"]


def test_venue_first_bullet_with_glued_badge_image() -> None:
    it = one(
        "# L\n\n## General\n\n- (*ICLR'24*) Talk like a Graph: Encoding Graphs for Large Language Models "
        "[[paper](https://arxiv.org/abs/2310.04560)][[code](https://github.com/x/y)]"
        "![GitHub Repo stars](https://img.shields.io/github/stars/x/y)\n"
    )
    assert it.title == "Talk like a Graph: Encoding Graphs for Large Language Models"
    assert values(it, "venue") == ["ICLR'24"]
    assert links(it)["pdf"] == ["https://arxiv.org/abs/2310.04560"] and links(it)["code"] == [
        "https://github.com/x/y"
    ]
    assert links(it)["link"] == ["https://img.shields.io/github/stars/x/y"]  # the unlinked badge is kept


def test_bracketed_bold_venue_prefix() -> None:
    it = one(
        "# L\n\n## S\n\n- [**arXiv 2023**] Large Language Models are Zero-Shot Reasoners "
        "[[Paper](https://arxiv.org/abs/2205.11916)]\n"
    )
    assert it.title == "Large Language Models are Zero-Shot Reasoners" and values(it, "venue") == [
        "arXiv 2023"
    ]


def test_abbreviation_and_quoted_title_crlf() -> None:
    text = (
        '# Awesome LLM Robotics\r\n\r\n## Reasoning\r\n\r\n* **ReKep**: "ReKep: Spatio-Temporal Reasoning of Relational '
        'Keypoint Constraints for Robotic Manipulation", *arXiv, Sep 2024*. [[Paper](https://arxiv.org/abs/2409.01652)] '
        "[[Code](https://github.com/huangwl18/ReKep)] [[Website](https://rekep-robot.github.io)]\r\n"
    )
    parsed = parse_list(text)
    (it,) = parsed.items
    assert parsed.newline == "\r\n" and it.line == 5
    assert (
        it.title
        == "ReKep: Spatio-Temporal Reasoning of Relational Keypoint Constraints for Robotic Manipulation"
    )
    assert it.title_note == "ReKep" and values(it, "venue") == ["arXiv, Sep 2024"]
    assert links(it) == {
        "title": [],
        "pdf": ["https://arxiv.org/abs/2409.01652"],
        "code": ["https://github.com/huangwl18/ReKep"],
        "project": ["https://rekep-robot.github.io"],
    }


def test_citation_paragraph_and_heading_without_space() -> None:
    text = (
        '# Roadmap\n\n#2 Deep Learning Method\n\n## 2.1 Model\n\n**[7]** He, Kaiming, et al. "**Deep residual learning '
        'for image recognition**." arXiv preprint arXiv:1512.03385 (2015). [[pdf]](https://arxiv.org/pdf/1512.03385.pdf) '
        "**(ResNet,Very very deep networks, CVPR best paper)** :star::star::star::star::star:\n\n# 3 Applications\n\n"
        '**[8]** Goodfellow, Ian, et al. "**Generative adversarial nets**." NIPS (2014). [[pdf]](https://arxiv.org/abs/1406.2661)\n'
    )
    parsed = parse_list(text)
    it, _gan = parsed.items
    assert it.title == "Deep residual learning for image recognition" and it.number == "7"
    assert values(it, "authors") == ["He, Kaiming, et al."]
    assert values(it, "venue") == ["arXiv preprint arXiv:1512.03385 (2015)"]
    assert "(ResNet,Very very deep networks, CVPR best paper)" in values(it, "note")
    assert it.section == ("2 Deep Learning Method", "2.1 Model")


def test_bold_title_paragraph_with_backslash_breaks() -> None:
    text = (
        "# Papers\n\n## Vision\n\n### Generation\n\n**DiffEnc: Variational Diffusion with a Learned Encoder** \\\n"
        "*Beatrix M. G. Nielsen, Anders Christensen, Andrea Dittadi, Ole Winther* \\\n"
        "arXiv 2023. [[Paper](https://arxiv.org/abs/2310.19789)] [[Github](https://github.com/x/diffenc)] \\\n"
        "30 Oct 2023\n\n**Second Paper With Br Breaks**<br>arXiv 2024<br>[Paper](https://arxiv.org/abs/2401.00001)\n"
        "\n## Audio\n\n**An Audio Paper** \\\narXiv 2022. [[Paper](https://arxiv.org/abs/2201.00001)]\n"
    )
    a, b, c = parse_list(text).items
    assert a.title == "DiffEnc: Variational Diffusion with a Learned Encoder"
    assert values(a, "authors") == ["Beatrix M. G. Nielsen, Anders Christensen, Andrea Dittadi, Ole Winther"]
    assert values(a, "venue") == ["arXiv 2023"] and values(a, "date") == ["30 Oct 2023"]
    assert a.section == ("Vision", "Generation")
    assert b.title == "Second Paper With Br Breaks" and links(b)["pdf"] == [
        "https://arxiv.org/abs/2401.00001"
    ]
    assert c.section == ("Audio",)  # "# Papers" holds every paper: a wrapper, not a section


def test_one_heading_per_paper() -> None:
    text = (
        "# Awesome 3DGS\n\n## Avatars:\n## 2024:\n### 1. [CVPR '24] Street Gaussians for Modeling Dynamic Urban Scenes\n"
        "**Authors**: Yunzhi Yan, Haotong Lin\n<details span>\n<summary><b>Abstract</b></summary>\nThis paper aims to "
        "tackle the problem.\n</details>\n\n  [📄 Paper](https://arxiv.org/pdf/2401.01339.pdf) | [🌐 Project Page]"
        "(https://zju3dv.github.io/street_gaussians/) | [💻 Code (not yet)](https://github.com/zju3dv/street_gaussians)\n"
        "<br>\n\n## 2023:\n### 1. Older Paper\n**Authors**: A. Person\n\n[📄 Paper](https://arxiv.org/abs/2312.00001)\n"
        "\n## Editing:\n## 2024:\n### 1. Edit Paper\n**Authors**: B. Person\n\n[📄 Paper](https://arxiv.org/abs/2402.00001)\n"
    )
    parsed = parse_list(text)
    a, b, _c = parsed.items
    assert (a.title, a.number, a.line) == ("Street Gaussians for Modeling Dynamic Urban Scenes", "1", 5)
    assert values(a, "venue") == ["CVPR '24"] and values(a, "authors") == ["Yunzhi Yan, Haotong Lin"]
    assert links(a) == {
        "title": [],
        "pdf": ["https://arxiv.org/pdf/2401.01339.pdf"],
        "project": ["https://zju3dv.github.io/street_gaussians/"],
        "code": ["https://github.com/zju3dv/street_gaussians"],
    }
    assert values(a, "note") == ["This paper aims to tackle the problem."]
    assert a.section == ("Avatars", "2024") and b.section == (
        "Avatars",
        "2023",
    )  # year headings nest under the topic
    assert [s.path for s in parsed.sections] == [
        ("Avatars",),
        ("Avatars", "2024"),
        ("Avatars", "2023"),
        ("Editing",),
        ("Editing", "2024"),
    ]


@pytest.mark.parametrize("outer", [True, False])
def test_pipe_table_with_and_without_outer_pipes(outer: bool) -> None:
    rows = [
        "| Paper | Published in | Code/Project|",
        "|---|:---:|:---:|",
        "[GeoChat: Grounded Large Vision-Language Model for Remote Sensing](https://arxiv.org/abs/2311.15826)"
        "|arxiv 2023|[code](https://github.com/mbzuai-oryx/geochat)",
    ]
    if outer:
        rows[2] = f"|{rows[2]}|"
    it = one("# RS VLM\n\n## Models\n\n" + "\n".join(rows) + "\n")
    assert it.title == "GeoChat: Grounded Large Vision-Language Model for Remote Sensing"
    assert values(it, "venue") == ["arxiv 2023"] and links(it)["code"] == [
        "https://github.com/mbzuai-oryx/geochat"
    ]
    assert links(it)["title"] == ["https://arxiv.org/abs/2311.15826"] and it.line == 7


def test_table_title_cell_with_star_badge_and_br() -> None:
    text = (
        "# MLLM\n\n## Tuning\n|  Title  |   Venue  |   Date   |   Code   |   Demo   |\n|:--|:--:|:--:|:--:|:--:|\n"
        "| ![Star](https://img.shields.io/github/stars/DAMO-NLP-SG/Video-LLaMA.svg?style=social&label=Star) <br> "
        "[**Video-LLaMA: An Instruction-tuned Audio-Visual Language Model for Video Understanding**]"
        "(https://arxiv.org/pdf/2306.02858.pdf) <br> | arXiv | 2023-06-05 | [Github](https://github.com/DAMO-NLP-SG/Video-LLaMA)"
        " | [Demo](https://huggingface.co/spaces/DAMO-NLP-SG/Video-LLaMA) |\n"
    )
    it = one(text)
    assert it.title == "Video-LLaMA: An Instruction-tuned Audio-Visual Language Model for Video Understanding"
    assert values(it, "venue") == ["arXiv"] and values(it, "date") == ["2023-06-05"]
    got = links(it)
    assert got["demo"] == ["https://huggingface.co/spaces/DAMO-NLP-SG/Video-LLaMA"]
    assert got["code"] == ["https://github.com/DAMO-NLP-SG/Video-LLaMA"]
    assert got["link"] == [
        "https://img.shields.io/github/stars/DAMO-NLP-SG/Video-LLaMA.svg?style=social&label=Star"
    ]


def test_html_table_rows_and_code_fence_with_hash_lines() -> None:
    text = (
        "# IVIF\n\n```bash\n# install\npip install x\n```\n\n# 方法集(Method Set)\n## 纯融合方法(Fusion)\n<table>\n"
        "    <thead>\n        <tr>\n            <th>Aspects<br>(分类)</th>\n            <th>Methods<br>(方法)</th>\n"
        "            <th>Title<br>(标题)</th>\n            <th>Venue<br>(期刊)</th>\n            <th>Source<br>(资源)</th>\n"
        "        </tr>\n    </thead>\n    <tbody>\n        <tr>\n            <td>Auto-Encoder</td>\n"
        "            <td>DIDFuse</td>\n            <td>Didfuse: Deep image decomposition for infrared and visible image "
        'fusion</td>\n            <td>IJCAI \'20</td>\n            <td><a href="https://arxiv.org/abs/2003.09210">Paper</a>/'
        '<a href="https://github.com/Zhaozixiang1228/IVIF-DIDFuse">Code</a></td>\n        </tr>\n    </tbody>\n</table>\n'
    )
    parsed = parse_list(text)
    (it,) = parsed.items
    assert it.title == "Didfuse: Deep image decomposition for infrared and visible image fusion"
    assert values(it, "venue") == ["IJCAI '20"] and it.line == 21
    assert links(it)["pdf"] == ["https://arxiv.org/abs/2003.09210"]
    assert it.section == ("纯融合方法(Fusion)",)
    assert "install" not in [s.title for s in parsed.sections]  # `# install` in the fence is no heading


def test_bare_url_sub_bullets_after_bold_paragraph() -> None:
    text = (
        '# CVPR2024\n\n<a name="3DGS"></a>\n\n# 3DGS(Gaussian Splatting)\n\n**Scaffold-GS: Structured 3D Gaussians for '
        "View-Adaptive Rendering**\n\n- Homepage: https://city-super.github.io/scaffold-gs/\n"
        "- Paper: https://arxiv.org/abs/2312.00109\n- Code: https://github.com/city-super/Scaffold-GS\n"
    )
    it = one(text)
    assert it.title == "Scaffold-GS: Structured 3D Gaussians for View-Adaptive Rendering"
    assert links(it) == {
        "title": [],
        "project": ["https://city-super.github.io/scaffold-gs/"],
        "pdf": ["https://arxiv.org/abs/2312.00109"],
        "code": ["https://github.com/city-super/Scaffold-GS"],
    }


def test_html_badge_links_no_final_newline() -> None:
    text = (
        "# V2V\n\n## Training-free\n\n- (ICCV 23') **Tune-A-Video**: One-Shot Tuning of Image Diffusion Models for "
        'Text-to-Video Generation, *Wu et al.*\n    - <a href="https://arxiv.org/abs/2212.11565"><img src="https://img.'
        'shields.io/badge/arXiv-Paper-B31B1B.svg"></a> <a href="https://tuneavideo.github.io/"><img src="https://img.'
        'shields.io/badge/project-Website-%23009BD5"></a> <a href="https://github.com/showlab/Tune-A-Video"><img src='
        '"https://img.shields.io/github/stars/showlab/Tune-A-Video?style=social"></a>'
    )
    it = one(text)
    assert it.title == "Tune-A-Video: One-Shot Tuning of Image Diffusion Models for Text-to-Video Generation"
    assert values(it, "venue") == ["ICCV 23'"] and values(it, "authors") == ["Wu et al."]
    assert links(it) == {
        "title": [],
        "pdf": ["https://arxiv.org/abs/2212.11565"],
        "project": ["https://tuneavideo.github.io/"],
        "code": ["https://github.com/showlab/Tune-A-Video"],
    }


def test_escaped_brackets_and_venue_headings() -> None:
    text = (
        "# TS\n\n## AI4TS Papers 2024\n\n### ICLR 2024\n\n#### Forecasting\n\n* iTransformer: Inverted Transformers Are "
        "Effective for Time Series Forecasting [\\[paper\\]](https://openreview.net/forum?id=JePfAI8fah) "
        "[\\[official code\\]](https://github.com/thuml/iTransformer)\n* A Paper Without Its Link Yet [\\[paper\\]]()\n"
        "\n### ICML 2024\n\n* Another Paper [\\[paper\\]](https://arxiv.org/abs/2402.00001)\n"
    )
    a, b, _c = parse_list(text).items
    assert a.title == "iTransformer: Inverted Transformers Are Effective for Time Series Forecasting"
    assert [f.label for f in a.fields] == ["[paper]", "[official code]"]
    assert a.section == ("ICLR 2024", "Forecasting")
    assert b.title == "A Paper Without Its Link Yet" and values(b, "venue") == [
        "ICLR 2024"
    ]  # from its heading


def test_plus_bullet_with_linked_badges() -> None:
    it = one(
        "# Video\n\n## Table of Contents\n\n### Video Generation\n\n+ [MOVA: Towards Scalable and Synchronized "
        "Video-Audio Generation](https://arxiv.org/abs/2602.08794) (Feb., 2026)\n  [![Star](https://img.shields.io/github/"
        "stars/OpenMOSS/MOVA.svg?style=social&label=Star)](https://github.com/OpenMOSS/MOVA)\n  [![arXiv](https://img."
        "shields.io/badge/arXiv-b31b1b.svg)](https://arxiv.org/abs/2602.08794)\n  [![Website](https://img.shields.io/"
        "badge/Website-9cf)](https://mosi.cn/models/mova)\n"
    )
    assert it.title == "MOVA: Towards Scalable and Synchronized Video-Audio Generation"
    assert values(it, "date") == ["Feb., 2026"]
    assert links(it) == {
        "title": ["https://arxiv.org/abs/2602.08794"],
        "code": ["https://github.com/OpenMOSS/MOVA"],
        "pdf": ["https://arxiv.org/abs/2602.08794"],
        "project": ["https://mosi.cn/models/mova"],
    }


def test_numbered_bold_link_and_indented_author_paragraph_raw_html_heading() -> None:
    text = (
        '# LLM Reasoning\n\n## Survey\n\n### <h3 id="y">2024<h3/>\n\n1. **[Towards Reasoning in Large Language Models: '
        "A Survey.](https://arxiv.org/abs/2212.10403)** [[code](https://github.com/jeffhj/LM-reasoning)]\n\n"
        "    *Jie Huang, Kevin Chen-Chuan Chang.* ACL'23 Findings\n\n## Analysis\n\n### 2023\n\n"
        "1. **[Another Paper.](https://arxiv.org/abs/2301.00001)**\n"
    )
    it = parse_list(text).items[0]
    assert it.title == "Towards Reasoning in Large Language Models: A Survey."
    assert values(it, "authors") == ["Jie Huang, Kevin Chen-Chuan Chang"] and values(it, "venue") == [
        "ACL'23 Findings"
    ]
    assert it.section == ("Survey", "2024")


def test_multi_line_bullet_with_author_sub_bullet() -> None:
    it = one(
        "# SSL\n\n#### 2015\n\n- Unsupervised Visual Representation Learning by Context Prediction.\n"
        "  [[pdf]](https://arxiv.org/abs/1505.05192)\n  [[code]](http://graphics.cs.cmu.edu/projects/deepContext/)\n"
        "  - Doersch, Carl and Gupta, Abhinav and Efros, Alexei A. *ICCV 2015*\n"
    )
    assert it.title == "Unsupervised Visual Representation Learning by Context Prediction"
    assert values(it, "venue") == ["ICCV 2015"]
    assert values(it, "authors") == ["Doersch, Carl and Gupta, Abhinav and Efros, Alexei A"]


# ----------------------------------------------------------------------------- what is not a paper


def test_toc_news_badges_and_contributing_are_skipped_with_their_line() -> None:
    text = (
        "# L\n\n[![Awesome](https://awesome.re/badge.svg)](https://awesome.re)\n\n- [Papers](#papers)\n\n## News\n\n"
        "- **March 30, 2024**: Added 3 papers (CVPR 2024)\n\n## Papers\n\n- [A Real Paper](https://arxiv.org/abs/2101.00001)\n"
        "- [Some tool](https://github.com/x/tool)\n\n## Contributing\n\n- Please send a [PR](https://github.com/x/pulls) 2024\n"
    )
    parsed = parse_list(text)
    assert [i.title for i in parsed.items] == ["A Real Paper"]
    shapes = {line: shape for line, shape, _t in parsed.skipped}
    assert shapes[5] == "table-of-contents link" and shapes[3] == "links or badges only"
    assert shapes[14] == "no scholarly link, venue or year" and shapes[18] == "news / contributing section"
    assert 9 in shapes


def test_warning_when_most_link_items_are_not_papers() -> None:
    tools = "".join(f"- [Tool {k}](https://github.com/x/t{k})\n" for k in range(5))
    parsed = parse_list("# L\n\n## Papers\n\n- [A Real Paper](https://arxiv.org/abs/2101.00001)\n" + tools)
    (w,) = parsed.warnings
    assert "1 of 6" in w and "no scholarly link, venue or year" in w


def test_only_a_table_of_contents_is_an_error() -> None:
    with pytest.raises(InputError, match="has no paper items") as exc:
        parse_list("# L\n\n- [Papers](#papers)\n- [Tools](#tools)\n\n## Papers\n\n## Tools\n")
    assert "table-of-contents" in str(exc.value) and exc.value.line == 3


# ----------------------------------------------------------------------------- bad input through the CLI


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b"  \n\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("# Caf\u00e9\n".encode("latin-1"), "not valid UTF-8"),
        (b"# L\n\n- [Papers](#papers)\n- [Tools](#tools)\n\n## Papers\n", "has no paper items"),
    ],
)
def test_bad_input_exits_4_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    reason: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_bytes(data)
    rc = main(["import", "README.md"])
    err = capsys.readouterr().err
    assert rc == 4, err
    assert "error:" in err and reason in err and "README.md" in err and "hint:" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


def test_import_json_lists_every_skipped_candidate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text(
        "# L\n\n- [Papers](#papers)\n\n## Papers\n\n- [A Real Paper](https://arxiv.org/abs/2101.00001)\n",
        encoding="utf-8",
    )
    rc = main(["import", "README.md", "--json", "--dry-run"])
    out = capsys.readouterr().out
    assert rc == 0, out
    data = json.loads(out)
    assert data["skipped"] == [{"line": 3, "shape": "table-of-contents link", "text": "Papers"}]


def test_html_block_headings_are_sections() -> None:
    text = (
        "# LLM Reasoning\n\n## Survey\n\n1. **[A Survey Paper.](https://arxiv.org/abs/2212.10403)**\n\n"
        '<h2 id="ltechnique">Technique</h2>\n\n<h3 id="llm">🔤 Reasoning in LLMs - <i>An Emergent Ability</i></h3>\n\n'
        "### 2025\n\n1. **[A Technique Paper.](https://arxiv.org/abs/2501.00001)**\n"
    )
    parsed = parse_list(text)
    assert [i.section for i in parsed.items] == [
        ("Survey",),
        ("Technique", "🔤 Reasoning in LLMs - An Emergent Ability", "2025"),
    ]


def test_import_text_report_counts_skipped_candidates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    tools = "".join(f"- [Tool {k}](https://github.com/x/t{k})\n" for k in range(7))
    (tmp_path / "README.md").write_text(
        "# L\n\n## Papers\n\n- [A Real Paper](https://arxiv.org/abs/2101.00001)\n" + tools, encoding="utf-8"
    )
    rc = main(["import", "README.md"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert re.search(r"skipped candidates\s+7\n", out)
    assert "skipped line 6 (no scholarly link, venue or year): Tool 0" in out
    assert "... and 2 more skipped candidates" in out
    assert "warning: README.md: only 1 of 8 list items with links were read as papers" in err


# ----------------------------------------------------------------------------- robustness

_PIECES = [
    "# T\n",
    "## Section\n",
    "### 2024\n",
    "#2 Heading\n",
    "- [Title of a paper](https://arxiv.org/abs/2101.00001)\n",
    "1. **Bold Title**\n   - 📖 Journal: Nature, 2020\n",
    '* **Abbr**: "Quoted Title", *CVPR, 2021*\n',
    "| Title | Venue |\n|---|---|\n| [T](https://doi.org/10.1/x) | ICLR 2022 |\n",
    "<details open>\n<summary>S</summary>\n",
    "</details>\n",
    "<table><tr><th>Title</th></tr><tr><td>A Row Title</td></tr></table>\n",
    "```\n# not a heading\n```\n",
    '**[3]** A. B. "**Cited Title**." NIPS (2014). [[pdf]](x.pdf)\n',
    "[\\[paper\\]]()\n",
    "- [Toc](#toc)\n",
    "> quote [link](https://example.org)\n",
    "\r\n",
    "**unclosed bold\n",
    "[unclosed link](https://x\n",
    "\n",
    '<a href="https://github.com/x/y"><img src="https://img.shields.io/badge/arXiv-Paper-red"></a>\n',
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_any_mix_of_layouts_reads_or_fails_cleanly(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        parsed = parse_list(text)
    except InputError:
        return  # no paper in it: the documented error, never a crash
    assert parsed.items
    lines = text.replace("\r\n", "\n").count("\n") + 1
    assert all(1 <= it.line <= lines for it in parsed.items)
    assert all(1 <= ln <= lines for ln, _shape, _text in parsed.skipped)
