"""The CLI frame: --version, --help on every command, -C/--library, --config, exit codes, --debug."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pathbib import __version__
from pathbib.cli import main
from pathbib.cli.app import app

FORMATTED = "@misc{a,\n  title = {A},\n}\n"
UNFORMATTED = '@MISC{a, title="A"}\n'


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _all_commands() -> list[tuple[str, ...]]:
    """Every registered command path, found from the typer app (new commands are covered automatically)."""
    import typer.main

    from pathbib.cli import commands  # noqa: F401  (registers the commands)

    root = typer.main.get_command(app)
    found: list[tuple[str, ...]] = []

    def walk(cmd: object, path: tuple[str, ...]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                found.append((*path, name))
                walk(sub, (*path, name))

    walk(root, ())
    return found


def test_commands_are_registered() -> None:
    names = {c[0] for c in _all_commands()}
    assert "fmt" in names


@pytest.mark.parametrize("cmd", _all_commands(), ids=" ".join)
def test_every_command_has_help(capsys: pytest.CaptureFixture[str], cmd: tuple[str, ...]) -> None:
    code, out, err = _cli(capsys, *cmd, "--help")
    assert code == 0, err
    assert f"Usage: pathbib {' '.join(cmd)}" in out
    help_text = out.split("Options")[0].split("\n", 2)[-1].strip()
    assert help_text, f"`pathbib {' '.join(cmd)}` has no help text"
    code2, out2, _ = _cli(capsys, *cmd, "-h")
    assert code2 == 0 and out2 == out


def test_top_level_help_lists_commands_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "--help")
    assert code == 0
    for cmd in {c[0] for c in _all_commands()}:
        assert cmd in out
    for token in ("-C, --library", "--config", "--debug", "--version"):
        assert token in out
    assert "0 ok" in out and "2 usage" in out and "3 network" in out and "4 unreadable" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "--version")
    assert code == 0 and out.strip() == f"pathbib {__version__}"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _cli(capsys, "no-such-command")
    assert code == 2 and "no-such-command" in err
    code, _out, err = _cli(capsys, "fmt", "--no-such-option")
    assert code == 2 and "--no-such-option" in err
    code, _out, _err = _cli(capsys)  # no arguments: help, as a usage error
    assert code == 2


def test_library_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "library.bib").write_text(UNFORMATTED, encoding="utf-8")
    other = tmp_path / "other.bib"
    other.write_text(FORMATTED, encoding="utf-8")
    assert _cli(capsys, "fmt", "--check")[0] == 1  # ./library.bib by default
    assert _cli(capsys, "-C", str(other), "fmt", "--check")[0] == 0
    assert _cli(capsys, "--library", "other.bib", "fmt", "--check")[0] == 0


def test_config_file_sets_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    proj = tmp_path / "proj"
    (proj / "sub").mkdir(parents=True)
    (proj / "refs.bib").write_text(UNFORMATTED, encoding="utf-8")
    (proj / "pathbib.toml").write_text('library = "refs.bib"\n', encoding="utf-8")
    monkeypatch.chdir(proj / "sub")  # found in a parent folder; the path is relative to the config
    code, out, _ = _cli(capsys, "fmt", "--check")
    assert code == 1 and "refs.bib" in out
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = _cli(capsys, "--config", str(proj / "pathbib.toml"), "fmt")
    assert code == 0 and (proj / "refs.bib").read_text(encoding="utf-8") == FORMATTED
    # -C overrides the config's library
    (tmp_path / "x.bib").write_text(UNFORMATTED, encoding="utf-8")
    code, out, _ = _cli(
        capsys, "--config", str(proj / "pathbib.toml"), "-C", str(tmp_path / "x.bib"), "fmt", "--check"
    )
    assert code == 1 and "x.bib" in out


@pytest.mark.parametrize(
    "toml, needle",
    [('libary = "x.bib"\n', "unknown setting 'libary'"), ("library = [\n", "not valid TOML")],
)
def test_bad_config_exits_2_with_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, needle: str
) -> None:
    cfg = tmp_path / "pathbib.toml"
    cfg.write_text(toml, encoding="utf-8")
    code, _out, err = _cli(capsys, "--config", str(cfg), "fmt")
    assert code == 2
    assert err.startswith("error: ") and needle in err and "\nhint: " in err and "Traceback" not in err


def test_bad_input_exits_4_and_debug_shows_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "library.bib"
    p.write_bytes(b"@misc{a, title = {\xe9}}\n")
    code, _out, err = _cli(capsys, "-C", str(p), "fmt")
    assert code == 4 and "Traceback" not in err and "error: " in err and "hint: " in err
    code, _out, err = _cli(capsys, "--debug", "-C", str(p), "fmt")
    assert code == 4
    assert "Traceback (most recent call last)" in err and "EncodingError" in err
    assert "error: " in err and "hint: " in err


def _run(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-m", "pathbib", *argv], cwd=cwd, capture_output=True, text=True, env=env, timeout=60
    )


def test_subprocess_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "library.bib").write_text(UNFORMATTED, encoding="utf-8")
    r = _run("--version", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == f"pathbib {__version__}"
    r = _run("fmt", "--check", cwd=tmp_path)
    assert r.returncode == 1 and "would reformat" in r.stdout and "not formatted" in r.stderr
    r = _run("fmt", cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "library.bib").read_text(encoding="utf-8") == FORMATTED
    r = _run("fmt", "--check", cwd=tmp_path)
    assert r.returncode == 0 and "already formatted" in r.stdout
    r = _run("-C", "missing.bib", "fmt", cwd=tmp_path)
    assert r.returncode == 4 and r.stderr.startswith("error: ") and "Traceback" not in r.stderr
    r = _run("--bogus", cwd=tmp_path)
    assert r.returncode == 2


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from pathbib.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('habanero', 'arxiv', 'jinja2', 'pylatexenc', 'rich', 'markdown_it', 'bibtexparser', 'requests', 'citeproc') if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "HEAVY:", (
        f"imported at start-up: {r.stdout.strip().splitlines()[-1]}"
    )
