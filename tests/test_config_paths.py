"""Every path pathbib uses is resolved by `Settings`, against the folder of pathbib.toml."""

from __future__ import annotations

from pathlib import Path

from pathbib.config import Settings, load_settings, parse_settings, rename_survey_key

TOML = """survey = "old2023key"   # the list's own paper
library = "data/library.bib"

[list]
template = "tpl/readme.md.j2"

[enrich]
cache = "/var/cache/pathbib.sqlite"
"""


def test_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    (tmp_path / "pathbib.toml").write_text(TOML, encoding="utf-8")
    sub = tmp_path / "deeper" / "still"
    sub.mkdir(parents=True)
    s = load_settings(cwd=sub)  # found upwards
    assert s.path == tmp_path / "pathbib.toml" and s.config_path == s.path
    assert s.library == tmp_path / "data" / "library.bib"
    assert s.exports == tmp_path / "exports"
    assert s.template_path == tmp_path / "tpl" / "readme.md.j2"
    assert s.cache_path == Path("/var/cache/pathbib.sqlite")  # absolute stays as written
    assert s.provenance_path == tmp_path / "data" / "library.provenance.json"


def test_defaults_without_a_config(tmp_path: Path) -> None:
    s = load_settings(cwd=tmp_path)
    assert s.path is None and s.config_path == tmp_path / "pathbib.toml"
    assert s.template_path is None
    assert s.cache_path == tmp_path / ".pathbib" / "cache.sqlite"
    assert Settings().resolve("x/y") == Path("x/y")


def test_rename_survey_key_keeps_everything_else(tmp_path: Path) -> None:
    out = rename_survey_key(TOML, "old2023key", "new2024key", tmp_path)
    assert out == TOML.replace('"old2023key"', '"new2024key"')
    assert parse_settings(out, tmp_path).survey == "new2024key"
    assert rename_survey_key(TOML, "other", "new2024key", tmp_path) is None  # not the survey key
    odd = 'survey = """old2023key"""\n'  # a layout the one-line rewrite does not handle: left to the user
    assert rename_survey_key(odd, "old2023key", "x", tmp_path) is None
