"""exports/timeline.svg: valid XML, bars equal to counts taken from library.bib, byte-stable."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from conftest import ROOT
from pathbib.bibio import parse
from pathbib.config import load_settings, parse_settings
from pathbib.exporters.svg import el, esc
from pathbib.exporters.timeline import export_timeline

SVG = "{http://www.w3.org/2000/svg}"


def _bars(svg: str) -> tuple[Counter[tuple[int, str]], Counter[tuple[int, str]], ET.Element]:
    root = ET.fromstring(svg.encode("utf-8"))
    sections: Counter[tuple[int, str]] = Counter()
    kinds: Counter[tuple[int, str]] = Counter()
    for r in root.iter(f"{SVG}rect"):
        if "data-section" in r.attrib:
            sections[(int(r.attrib["data-year"]), r.attrib["data-section"])] += int(r.attrib["data-count"])
        if "data-kind" in r.attrib:
            kinds[(int(r.attrib["data-year"]), r.attrib["data-kind"])] += int(r.attrib["data-count"])
    return sections, kinds, root


def _year(fields: dict[str, str]) -> int | None:
    m = re.match(r"\d{4}", fields.get("date", "")) or re.search(r"\d{4}", fields.get("year", ""))
    return int(m.group()) if m else None


def _expected(bib: str, toml: str) -> tuple[Counter[tuple[int, str]], Counter[tuple[int, str]], int]:
    """Counts from the library, by the documented rule, written independently of the exporter."""
    import tomllib

    conf = tomllib.loads(toml)
    top_of: dict[str, tuple[int, str]] = {}
    for i, s in enumerate(conf.get("list", {}).get("sections", [])):
        top_of[s["id"]] = (i, s["title"])
        for sub in s.get("subsections", []):
            top_of[sub["id"]] = (i, s["title"])
    survey = conf.get("survey", "")
    per: Counter[tuple[int, str]] = Counter()
    kinds: Counter[tuple[int, str]] = Counter()
    undated = 0
    for e in parse(bib).entries:
        f = e.as_dict()
        if f.get("list-exclude", "").strip() or e.key == survey or f.get("list-survey") == "yes":
            continue
        ids = [x.strip() for x in f.get("list-section", "").split(",") if x.strip()]
        if not ids:
            continue
        y = _year(f)
        if y is None:
            undated += 1
            continue
        tops = sorted(top_of.get(i, (10**6, "Other papers")) for i in ids)
        per[(y, tops[0][1])] += 1
        venue = (f.get("journal") or f.get("booktitle") or f.get("howpublished") or "").lower()
        preprint = "rxiv" in venue or (e.entry_type == "misc" and not venue and "eprint" in f)
        kinds[
            (
                y,
                "preprint"
                if preprint
                else "peer-reviewed"
                if venue or f.get("list-venue")
                else "venue unknown",
            )
        ] += 1
    return per, kinds, undated


def test_shipped_library_bars_match_the_library() -> None:
    settings = load_settings(ROOT / "pathbib.toml")
    bib = (ROOT / "library.bib").read_text(encoding="utf-8")
    svg = export_timeline(parse(bib), settings)
    sections, kinds, root = _bars(svg)
    per, exp_kinds, _ = _expected(bib, (ROOT / "pathbib.toml").read_text(encoding="utf-8"))
    assert sections == per and sum(per.values()) > 20
    assert kinds == exp_kinds and exp_kinds[(2023, "preprint")] >= 1
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    # text is text: the years and section names are <text> content, not paths
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert {"2022", "2025", "Large-scale Pre-trained Models"} <= texts
    assert root.find(f".//{SVG}path") is None


def test_bar_heights_are_proportional_to_counts() -> None:
    settings = load_settings(ROOT / "pathbib.toml")
    svg = export_timeline(parse((ROOT / "library.bib").read_text(encoding="utf-8")), settings)
    rects = [r for r in ET.fromstring(svg).iter(f"{SVG}rect") if "data-section" in r.attrib]
    ratios = {round(float(r.attrib["height"]) / int(r.attrib["data-count"]), 1) for r in rects}
    assert len(ratios) == 1


BIB = r"""
@article{a1, title = {One}, journal = {J}, year = {2020}, list-section = {vision}}
@article{a2, title = {Two}, journal = {J}, date = {2022-03}, list-section = {adapt, vision}}
@misc{a3, title = {Three}, eprint = {2201.00001}, archiveprefix = {arXiv}, year = {2022}, list-section = {seg}}
@misc{a4, title = {Four}, year = {2022}, list-section = {mystery}}
@article{a5, title = {Five}, journal = {J}, list-section = {vision}}
@article{a6, title = {Six}, journal = {J}, year = {2021}, list-section = {vision}, list-exclude = {off-topic}}
@article{a7, title = {Seven <&> "quoted"}, journal = {arXiv preprint}, year = {2022}, list-section = {adapt}}
"""
TOML = """
[list]
title = "T <&>"
[[list.sections]]
title = "Models & <Things>"
id = "models"
[[list.sections.subsections]]
title = "Vision"
id = "vision"
[[list.sections]]
title = "Adapt"
id = "adapt"
[[list.sections.subsections]]
title = "Seg"
id = "seg"
"""


def test_sections_years_gaps_undated_and_escaping(tmp_path: Path) -> None:
    settings = parse_settings(TOML, tmp_path)
    svg = export_timeline(parse(BIB), settings)
    sections, kinds, root = _bars(svg)
    per, exp_kinds, undated = _expected(BIB, TOML)
    assert sections == per
    assert per == {
        (2020, "Models & <Things>"): 1,
        (2022, "Models & <Things>"): 1,
        (2022, "Adapt"): 2,
        (2022, "Other papers"): 1,
    }
    assert kinds == exp_kinds and undated == 1
    years = [t.text for t in root.iter(f"{SVG}text") if t.text and re.fullmatch(r"\d{4}", t.text)]
    assert years == ["2020", "2021", "2022"]  # the empty year 2021 is on the axis
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "1 undated" in (desc.text or "")


def test_rebuild_is_byte_identical_and_empty_library_is_valid(tmp_path: Path) -> None:
    settings = parse_settings(TOML, tmp_path)
    a = export_timeline(parse(BIB), settings)
    b = export_timeline(parse(BIB), parse_settings(TOML, tmp_path))
    assert a == b
    empty = export_timeline(parse(""), settings)
    ET.fromstring(empty)
    assert "No dated papers" in empty


def test_svg_writer_escapes_and_drops_xml_invalid_characters() -> None:
    out = el("text", {"data-x": 'a"b<c>&\n'}, text="</text><script>\x00\x1b")
    root = ET.fromstring(out)
    assert root.attrib["data-x"] == 'a"b<c>&\n'
    assert root.text == "</text><script>"
    assert esc("a&b") == "a&amp;b"


def test_readme_shows_the_timeline_under_the_introduction() -> None:
    from pathbib.build import build_exports

    settings = load_settings(ROOT / "pathbib.toml")
    files = build_exports(parse((ROOT / "library.bib").read_text(encoding="utf-8")), settings)
    readme = files["README.md"]
    image = readme.index("](timeline.svg)")
    assert (
        readme.index("# Introduction")
        < readme.index("We considered a sum of")
        < image
        < readme.index("# papers")
    )
    assert "timeline.svg" in files
