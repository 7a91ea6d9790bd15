"""Bad pathbib.toml, hostile templates and paths: `error:` + exit 2 naming key/file and line,
never a traceback, never code run from a template (issue #16, points 3 and 4)."""

from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path
from typing import Any

import pytest

from pathbib.cli.app import main
from pathbib.config import Settings

LIB = "@misc{a,\n  title = {A title},\n  year = {2020},\n}\n"


def _tables() -> list[tuple[str, str, Any]]:
    """Every (table, key, type) of pathbib.toml, read from the Settings dataclasses."""
    out: list[tuple[str, str, Any]] = []

    def walk(cls: Any, where: str) -> None:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if f.name in ("root", "path"):
                continue
            tp = hints[f.name]
            if dataclasses.is_dataclass(tp):
                walk(tp, f"{where}{f.name}.")
            else:
                out.append((where.rstrip("."), f.name, tp))

    walk(Settings, "")
    return out


def _wrong_values(tp: Any) -> list[Any]:
    if tp is bool:
        return ["yes", 1]
    if tp is int:
        return ["x", 1.5, True, [1]]
    if tp is float:
        return ["x", True, [1.0], {"a": 1}]
    if tp in (str, Path):
        return [5, True, ["x"], {"a": "b"}]
    if typing.get_origin(tp) is tuple:
        return ["key", 5, [1], [["x"]], {"a": 1}]
    return [5]


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(v)


def _cases() -> list[tuple[str, str]]:
    cases = []
    for table, key, tp in _tables():
        for v in _wrong_values(tp):
            dotted = f"{table}.{key}" if table else key
            body = (f"[{table}]\n" if table else "") + f"{key} = {_toml_value(v)}\n"
            cases.append((body, dotted))
    return cases


CASES = _cases()
STRUCTURAL = [
    ('[list]\nsections = "x"\n', "list.sections"),
    ('[[list.sections]]\ntitle = "A"\n', "list.sections.id"),
    ('[[list.sections]]\nid = "a"\n', "list.sections.title"),
    ('[[list.sections]]\ntitle = "A"\nid = "a"\nsubsections = "x"\n', "list.sections.subsections"),
    (
        '[[list.sections]]\ntitle = "A"\nid = "a"\n[[list.sections.subsections]]\ntitle = 5\nid = "b"\n',
        "list.sections.subsections.title",
    ),
    ("[list]\nsections = [1, 2]\n", "list.sections"),
    ('[check]\nsuppress = ["x"]\n', "check.suppress"),
    ("[[check.suppress]]\nrule = 5\n", "check.suppress"),
    ("list = 5\n", "list"),
    ("enrich = [1]\n", "enrich"),
    ("[enrich]\nnosuchkey = 1\n", "enrich.'nosuchkey'"),
    ("[enrich]\ntimeout = -3\n", "enrich.timeout"),
    ("[enrich]\ntimeout = nan\n", "enrich.timeout"),
    ("[enrich]\ncache_days = 99999999\n", "enrich.cache_days"),
    ('[enrich]\nmailto = "ünï@example.org"\n', "enrich.mailto"),
    ('[enrich]\ncrossref_url = "file:///etc/passwd"\n', "enrich.crossref_url"),
    ("[enrich]\nlocked = " + "[" * 5000 + "]" * 5000 + "\n", "pathbib.toml"),
    ("[scope]\nterms = " + "[" * 60 + "]" * 60 + "\n", "scope.terms"),
    ('library = "../elsewhere.bib"\n', "library"),
    ('library = "/etc/passwd"\n', "library"),
    ('exports = "/tmp"\n', "exports"),
    ('[list]\ntemplate = "../../t.j2"\n', "list.template"),
    ('[enrich]\ncache = "/tmp/cache.sqlite"\n', "enrich.cache"),
    ("this is not toml\n", "pathbib.toml"),
    ('library = "a\u0000b"\n', "pathbib.toml"),
]


def _run(tmp_path: Path, body: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    (tmp_path / "pathbib.toml").write_text(body, encoding="utf-8")
    if not (tmp_path / "library.bib").exists():
        (tmp_path / "library.bib").write_text(LIB, encoding="utf-8")
    code = main(["--config", str(tmp_path / "pathbib.toml"), *(args or ("check",))])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("body", "key"), CASES + STRUCTURAL, ids=lambda v: v[:40] if isinstance(v, str) else v
)
def test_every_key_with_a_wrong_value_is_exit_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, key: str
) -> None:
    code, err = _run(tmp_path, body, capsys)
    assert code == 2, err
    assert err.startswith("error: "), err
    assert key in err, err
    if key != "pathbib.toml" and "\n" in body.strip():  # the key's own line, not just the file
        assert "pathbib.toml:" in err.split(" ")[1], err


def test_the_fuzz_covers_every_key() -> None:
    assert len(CASES) >= 3 * len(_tables()) >= 60


def test_a_string_is_never_split_into_a_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(tmp_path, '[enrich]\nlocked = "key"\n', capsys)
    assert code == 2 and "error: " in err and ":2: key enrich.locked must be a list of strings" in err


def test_a_byte_order_mark_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "library.bib").write_text(LIB, encoding="utf-8")
    (tmp_path / "pathbib.toml").write_bytes(b'\xef\xbb\xbflibrary = "library.bib"\n[enrich]\ntimeout = 5\n')
    assert main(["--config", str(tmp_path / "pathbib.toml"), "check"]) == 0


def test_outside_paths_are_allowed_with_the_explicit_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    (tmp_path / "lib.bib").write_text(LIB, encoding="utf-8")
    (proj / "pathbib.toml").write_text('library = "../lib.bib"\n', encoding="utf-8")
    assert main(["--config", str(proj / "pathbib.toml"), "check"]) == 2
    assert main(["--allow-outside-paths", "--config", str(proj / "pathbib.toml"), "check"]) == 0


def test_a_symlink_out_of_the_project_is_outside(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    (tmp_path / "real").mkdir()
    (proj / "exports").symlink_to(tmp_path / "real")
    code, err = _run(proj, 'library = "library.bib"\n', capsys, "build")
    assert code == 2 and "key exports points outside" in err


# --------------------------------------------------------------------------- templates

TEMPLATES = [
    ("{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}", 1, "unsafe"),
    ("ok\n{{ cycler.__init__.__globals__.os.system('touch PWNED') }}", 2, "unsafe"),
    ("a\nb\n{{ ''.__class__.__mro__[1].__subclasses__() }}", 3, "unsafe"),
    ("line one\n{% if %}\n", 2, "syntax"),
    ("a\n{% for x in sections %}\n", 2, "syntax"),  # the unclosed block
    ("a\nb\nc\n{{ nosuchvariable }}", 4, "undefined"),
    ("{{ title | nosuchfilter }}", 1, "nosuchfilter"),
    ("{{ 1 / 0 }}", 1, "division"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", None, "template error"),
]


@pytest.mark.parametrize(("source", "line", "word"), TEMPLATES)
def test_a_custom_template_error_is_exit_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, line: int | None, word: str
) -> None:
    (tmp_path / "t.j2").write_text(source, encoding="utf-8")
    code, err = _run(tmp_path, '[list]\ntemplate = "t.j2"\n', capsys, "build")
    assert code == 2, err
    assert not (tmp_path / "PWNED").exists()
    where = f"{tmp_path / 't.j2'}:{line}: " if line else f"{tmp_path / 't.j2'}"
    assert err.startswith("error: " + where), err
    assert word in err, err
    assert not (tmp_path / "exports" / "README.md").exists()


def test_a_sandboxed_template_still_renders_the_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "t.j2").write_text(
        "# {{ title }}\n{% for s in sections %}{{ s.title }}\n{% endfor %}", encoding="utf-8"
    )
    code, err = _run(tmp_path, '[list]\ntitle = "My list"\ntemplate = "t.j2"\n', capsys, "build")
    assert code == 0, err
    assert (tmp_path / "exports" / "README.md").read_text(encoding="utf-8").startswith("# My list")


def test_exports_naming_a_file_is_a_config_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "out.bib").write_text("x", encoding="utf-8")
    code, err = _run(tmp_path, 'exports = "out.bib"\n', capsys, "build")
    assert code == 2 and "is a file, not a folder" in err
    assert (tmp_path / "out.bib").read_text(encoding="utf-8") == "x"


def test_a_non_ascii_mailto_in_the_environment_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATHBIB_MAILTO", "ünï@example.org")
    code, err = _run(
        tmp_path, 'library = "library.bib"\n', capsys, "enrich", "--source", "crossref", "--offline"
    )
    assert code == 2 and "PATHBIB_MAILTO" in err
