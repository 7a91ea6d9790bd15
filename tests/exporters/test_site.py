"""exports/site/index.html without a browser: content, escaping, citations, settings, build --check."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import DATA, ROOT
from pathbib.bibio import parse
from pathbib.build import build_exports
from pathbib.cli.app import main
from pathbib.config import load_settings, parse_settings
from pathbib.errors import ConfigError
from pathbib.exporters.bibtex import export_bibtex
from pathbib.exporters.citation import apa_reference
from pathbib.exporters.site import anchor_id, json_for_html, read_citations

HOSTILE = DATA / "site"


class Page(HTMLParser):
    """What a browser would see: elements with their attributes, text per paper, scripts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.papers: dict[str, dict[str, str]] = {}
        self._stack: list[tuple[str, str]] = []  # (tag, class)
        self._paper: str | None = None
        self._script: dict[str, str] | None = None
        self._buf: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "script":
            self._script, self._buf = a, []
        if tag == "li" and "paper" in a.get("class", ""):
            self._paper = a["id"]
            self.papers[self._paper] = {}
        if tag not in ("meta", "input", "link", "br", "img", "rect", "line"):
            self._stack.append((tag, a.get("class", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buf)))
            self._script = None
        while self._stack:
            t, _ = self._stack.pop()
            if t == tag:
                break
        if tag == "li":
            self._paper = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._buf.append(data)
        if self._paper is not None and self._stack:
            cls = next((c for _, c in reversed(self._stack) if c), "")
            slot = self.papers[self._paper]
            slot[cls] = slot.get(cls, "") + data


def _shipped() -> tuple[dict[str, str], object]:
    settings = load_settings(ROOT / "pathbib.toml")
    lib = parse((ROOT / "library.bib").read_text(encoding="utf-8"))
    return build_exports(lib, settings), lib


def _listed_keys(bib: str, survey: str) -> set[str]:
    out = set()
    for e in parse(bib).entries:
        f = e.as_dict()
        if f.get("list-section", "").strip() and not f.get("list-exclude", "").strip() and e.key != survey:
            out.add(e.key)
    return out


def test_every_listed_paper_and_no_excluded_one() -> None:
    files, _ = _shipped()
    page = Page(files["site/index.html"])
    bib = (ROOT / "library.bib").read_text(encoding="utf-8")
    listed = _listed_keys(bib, "molaei2023implicit")
    assert set(page.papers) == {anchor_id(k) for k in listed}
    assert len(listed) == 26
    excluded = [e for e in parse(bib).entries if e.get("list-exclude")]
    assert excluded
    for e in excluded:
        assert anchor_id(e.key) not in files["site/index.html"]
    assert "visual-language foundation model" in page.papers[anchor_id("lu2024visual")]["t"]


def _citations(page: Page) -> dict[str, dict[str, str]]:
    """Copy texts per paper id, from the page's compressed citations, in list order."""
    blob = next(text for a, text in page.scripts if a.get("id") == "pb-cite")
    data = read_citations(blob)
    ids = list(page.papers)
    assert len(data["b"]) == len(data["a"]) == len(ids)
    return {pid: {"bibtex": b, "apa": a} for pid, b, a in zip(ids, data["b"], data["a"], strict=True)}


def test_copy_texts_are_the_export_texts() -> None:
    files, lib = _shipped()
    page = Page(files["site/index.html"])
    cites = _citations(page)
    settings = load_settings(ROOT / "pathbib.toml")
    library_bib = files["library.bib"]
    assert len(cites) == 26
    for e in lib.entries:  # type: ignore[attr-defined]
        pid = anchor_id(e.key)
        if pid not in cites:
            continue
        text = cites[pid]["bibtex"]
        assert text == export_bibtex(lib, keys=[e.key], protect_words=settings.list.protect_words)  # type: ignore[arg-type]
        assert text.rstrip("\n") in library_bib
    # APA: the existing citation code renders the same text when that paper is the survey
    key = "chen2022scaling"
    apa = apa_reference(lib, replace(settings, survey=key))  # type: ignore[arg-type]
    assert cites[anchor_id(key)]["apa"] == apa


def test_hostile_values_are_text_and_links_are_http() -> None:
    settings = load_settings(HOSTILE / "pathbib.toml")
    lib = parse(settings.library.read_text(encoding="utf-8"))
    html = build_exports(lib, settings)["site/index.html"]
    page = Page(html)
    # only the page's two scripts exist, and the executable one is allowed by its CSP hash
    assert [a.get("type", "") for a, _ in page.scripts] == ["application/json", "application/gzip+base64", ""]
    csp = next(
        a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    js = page.scripts[2][1]
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    for tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        for k in ("href", "src", "action", "formaction"):
            if k in attrs:
                v = attrs[k]
                assert re.match(r"^(https?://|#|\.\./)", v), v
    assert "javascript:" not in " ".join(a.get("href", "") for _, a in page.tags)
    assert not any(t in ("img", "svg", "b", "i") and "onload" in str(a) for t, a in page.tags)
    # texts are shown literally
    p = page.papers[anchor_id("xss2024script")]
    assert '<script>alert("title")</script> & </script><script>alert(2)</script>' in p["t"]
    assert "<img src=x onerror=alert(1)>" in p["authors"]
    assert 'Journal of "><svg onload=alert(3)>' in p["venue"]
    assert "EXCLUDED PAPER" not in html
    assert anchor_id("weird_key-1:2") in page.papers
    weird = page.papers[anchor_id("weird_key-1:2")]["t"]
    assert "7*7 % raw % template" in weird and "49" not in weird  # LaTeX braces dropped, no template ran
    data = json.loads(page.scripts[0][1])
    assert len(data["rows"]) == 3
    assert not re.search(r"[<>&]", page.scripts[0][1])
    cites = _citations(page)
    assert cites[anchor_id("xss2024script")]["bibtex"].startswith("@article{xss2024script,")


def test_json_for_html_cannot_close_the_script() -> None:
    text = json_for_html({"a": "</script><!--<script>&\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!--<script>&\u2028"}
    assert anchor_id('a"b c<d') == "p-a_22_b_20_c_3c_d"


def test_page_is_deterministic_and_self_contained() -> None:
    a, _ = _shipped()
    b, _ = _shipped()
    assert a["site/index.html"] == b["site/index.html"]
    page = Page(a["site/index.html"])
    assert not [t for t, at in page.tags if t in ("link", "img", "iframe") and at.get("rel") != "canonical"]
    assert not [a for t, a in page.tags if t == "script" and "src" in a]
    assert "<svg" in a["site/index.html"] and 'id="pbt-title"' in a["site/index.html"]
    downloads = [at["href"] for t, at in page.tags if t == "a" and "download" in at]
    assert downloads == ["../library.bib", "../library.json"]


def test_site_settings(tmp_path: Path) -> None:
    base = (HOSTILE / "pathbib.toml").read_text(encoding="utf-8")
    lib = parse((HOSTILE / "hostile.bib").read_text(encoding="utf-8"))
    s = parse_settings(
        base + 'base_url = "https://me.github.io/list/"\nlinks = ["library.bib", "README.md"]\n', tmp_path
    )
    page = Page(build_exports(lib, s)["site/index.html"])
    downloads = [at["href"] for t, at in page.tags if t == "a" and "download" in at]
    assert downloads == ["https://me.github.io/list/library.bib", "https://me.github.io/list/README.md"]
    assert ("link", {"rel": "canonical", "href": "https://me.github.io/list/site/"}) in page.tags
    with pytest.raises(ConfigError, match="site.links"):
        build_exports(lib, parse_settings(base + 'links = ["nope.txt"]\n', tmp_path))
    with pytest.raises(ConfigError, match="base_url"):
        build_exports(lib, parse_settings(base + 'base_url = "javascript:alert(1)"\n', tmp_path))
    with pytest.raises(ConfigError, match="site.'titel'"):
        parse_settings(base + 'titel = "typo"\n', tmp_path)
    off = build_exports(lib, parse_settings(base + "page = false\ntimeline = false\n", tmp_path))
    assert "site/index.html" not in off and "timeline.svg" not in off
    assert "timeline.svg" not in off["README.md"]


def test_build_writes_the_page_and_check_covers_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("hostile.bib", "pathbib.toml"):
        shutil.copy(HOSTILE / name, tmp_path / name)
    conf = str(tmp_path / "pathbib.toml")
    assert main(["--config", conf, "build"]) == 0
    page = tmp_path / "exports" / "site" / "index.html"
    assert page.is_file() and (tmp_path / "exports" / "timeline.svg").is_file()
    assert main(["--config", conf, "build", "--check"]) == 0
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    (tmp_path / "exports" / "timeline.svg").unlink()
    capsys.readouterr()
    assert main(["--config", conf, "build", "--check"]) == 1
    out = capsys.readouterr().out
    assert "site/index.html" in out and "timeline.svg" in out


def test_build_open_opens_the_page_in_the_browser(tmp_path: Path) -> None:
    for name in ("hostile.bib", "pathbib.toml"):
        shutil.copy(HOSTILE / name, tmp_path / name)
    opened = tmp_path / "opened.txt"
    fake = tmp_path / "fake-browser"
    fake.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {opened}\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {**os.environ, "BROWSER": str(fake)}
    run = subprocess.run(
        [sys.executable, "-m", "pathbib", "--config", str(tmp_path / "pathbib.toml"), "build", "--open"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert (
        opened.read_text(encoding="utf-8")
        == (tmp_path / "exports" / "site" / "index.html").resolve().as_uri()
    )
