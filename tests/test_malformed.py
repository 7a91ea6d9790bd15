"""Malformed input: a clear error or a reported failed block; never a traceback, never a shorter library."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathbib.bibio import decode_bytes, parse, read_library, render
from pathbib.cli import main
from pathbib.errors import EncodingError
from pathbib.model import FailedBlock

GOOD = (
    "% my library\n"
    "@article{first,\n  author = {Doe, Jane},\n  title = {First {Paper}},\n  year = {2020},\n}\n\n"
    "@article{second,\n  author = {Roe, Rick},\n  title = {Second Paper},\n  year = 2021,\n}\n\n"
    "@misc{third,\n  title = {Third},\n  note = {after the trouble},\n}\n"
)


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _check_file_through_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *, fails: dict[int, str]
) -> None:
    """fmt --check and fmt on `text`: failed blocks warned with line and reason, kept verbatim."""
    p = tmp_path / "library.bib"
    p.write_text(text, encoding="utf-8")
    lib = parse(text)
    assert render(lib) == text  # never shortened
    assert {b.line: b.reason for b in lib.failed}.keys() == fails.keys()
    for b in lib.failed:
        assert re.search(fails[b.line], b.reason), b.reason
    code, out, err = _cli(capsys, "-C", str(p), "fmt", "--check")
    assert "Traceback" not in out + err
    assert code in (0, 1)
    for line in fails:
        assert f"warning: {p}:{line}: kept verbatim" in err
    code, out, err = _cli(capsys, "-C", str(p), "fmt")
    assert code == 0 and "Traceback" not in out + err
    new = p.read_text(encoding="utf-8")
    for b in lib.failed:
        assert b.raw_text.rstrip() in new  # the failed block is still there, byte for byte
    again = parse(new)
    assert len(again.failed) == len(lib.failed)
    assert {e.key for e in again.entries} == {e.key for e in lib.entries}


def test_truncated_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cut = GOOD.index("year = 2021")
    text = GOOD[:cut]  # the second entry is cut off, the third is gone from the file
    lib = parse(text)
    assert [e.key for e in lib.entries] == ["first"]
    assert lib.failed[0].key == "second"
    _check_file_through_cli(tmp_path, capsys, text, fails={8: r"file ends"})


@pytest.mark.parametrize("cut", [1, 7, 30, 60, 95, 120, 150, 180, 210])
def test_truncated_anywhere_keeps_everything_before(cut: int) -> None:
    text = GOOD[:cut]
    lib = parse(text)
    assert render(lib) == text
    for k in ("first", "second", "third"):
        end = GOOD.index("\n}\n", GOOD.index("{" + k + ",")) + 2  # just past the entry's "}"
        if end <= cut:
            assert lib.get(k) is not None, k
        elif GOOD.index("{" + k + ",") < cut:
            assert lib.get(k) is None and any(b.key == k for b in lib.failed)


def test_unbalanced_brace_is_reported_at_its_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD.replace("title = {Second Paper},", "title = {Second {Paper},")
    lib = parse(text)
    assert [e.key for e in lib.entries] == ["first", "third"]
    _check_file_through_cli(tmp_path, capsys, text, fails={8: r"field 'title' runs into the next block"})


def test_extra_closing_brace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD.replace("title = {Second Paper},", "title = {Second Paper}},")
    lib = parse(text)
    assert [e.key for e in lib.entries] == ["first", "third"]
    _check_file_through_cli(tmp_path, capsys, text, fails={8: r"closes the entry before"})


def test_duplicate_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD + "\n@misc{first,\n  title = {Again},\n}\n"
    lib = parse(text)
    assert [e.key for e in lib.entries] == ["first", "second", "third"]
    assert lib.get("first").get("title") == "First {Paper}"  # type: ignore[union-attr]
    _check_file_through_cli(
        tmp_path, capsys, text, fails={19: r"duplicate citation key 'first' \(first used at line 2\)"}
    )


def test_duplicate_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD.replace("  year = 2021,\n", "  year = 2021,\n  Title = {Other},\n")
    _check_file_through_cli(tmp_path, capsys, text, fails={8: r"duplicate field 'title' \(lines 10 and 12\)"})


@pytest.mark.parametrize(
    "bad", ["@misc{title = {x}}", "@misc{, title = {x}}", "@misc{}", "@misc( , title = {x})"]
)
def test_entry_without_key(tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    text = GOOD + "\n" + bad + "\n"
    _check_file_through_cli(tmp_path, capsys, text, fails={19: r"no citation key"})


def test_binary_junk_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "library.bib"
    rnd = random.Random(1)
    p.write_bytes(GOOD.encode() + bytes(rnd.randrange(256) for _ in range(4096)))
    code, out, err = _cli(capsys, "-C", str(p), "fmt")
    assert code == 4
    assert err.startswith("error: ") and "\nhint: " in err and "Traceback" not in err
    assert str(p) in err
    assert p.read_bytes().startswith(GOOD.encode())  # untouched


def test_png_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "library.bib"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(64))
    code, _out, err = _cli(capsys, "-C", str(p), "fmt", "--check")
    assert code == 4 and "error: " in err and "hint: " in err and "Traceback" not in err


def test_latin1_bytes_are_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "library.bib"
    p.write_bytes(GOOD.replace("Doe, Jane", "Dö, Jäne").encode("latin-1"))
    code, _out, err = _cli(capsys, "-C", str(p), "fmt")
    assert code == 4
    assert f"error: {p}:3: is not valid UTF-8: byte 0xf6 at line 3, column 14" in err
    assert "hint: convert the file to UTF-8" in err and "Traceback" not in err


def test_utf16_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "library.bib"
    p.write_bytes(GOOD.encode("utf-16"))
    code, _out, err = _cli(capsys, "-C", str(p), "fmt")
    assert code == 4 and "UTF-16" in err and "hint: " in err


def test_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _cli(capsys, "-C", str(tmp_path / "nope.bib"), "fmt")
    assert code == 4 and "no such file" in err and "hint: " in err
    code, _out, err = _cli(capsys, "-C", str(tmp_path), "fmt")
    assert code == 4 and "directory" in err


@pytest.mark.slow
def test_fifty_megabyte_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = ("x{y} " * 10_000_000)[: 50 * 1024 * 1024 - 2]  # 50 MB of balanced text
    text = (
        GOOD
        + "\n@misc{huge,\n  abstract = {"
        + big
        + "},\n  title = {Huge},\n}\n\n@misc{after, title = {A}}\n"
    )
    lib = parse(text)
    assert not lib.failed
    assert len(lib.get("huge").get("abstract")) == len(big)  # type: ignore[arg-type, union-attr]
    assert lib.get("after") is not None and render(lib) == text
    # unterminated: reported, kept, and what follows still parses
    text2 = text.replace("},\n  title = {Huge}", ",\n  title = {Huge}", 1)
    lib2 = parse(text2)
    assert render(lib2) == text2
    failed = [b for b in lib2.failed if b.key == "huge"]
    assert failed and lib2.get("after") is not None
    p = tmp_path / "library.bib"
    p.write_text(text2, encoding="utf-8")
    code, out, err = _cli(capsys, "-C", str(p), "fmt")
    assert code == 0 and f"{p}:19: kept verbatim" in err and "Traceback" not in err
    assert len(p.read_bytes()) >= len(text2.encode()) - 10  # nothing silently dropped


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('@{}()"#=,% \n\tabcAB1é%')), max_size=120))
def test_any_text_parses_without_error_and_renders_identically(text: str) -> None:
    lib = parse(text)
    assert render(lib) == text
    for b in lib.blocks:
        if isinstance(b, FailedBlock):
            assert b.line >= 1 and b.reason


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_raise_encoding_error(data: bytes) -> None:
    try:
        text = decode_bytes(data, "x.bib")
    except EncodingError as exc:
        assert exc.hint and exc.message
        return
    assert render(parse(text)) == text


def test_read_library_reports_line_of_failed_blocks(tmp_path: Path) -> None:
    p = tmp_path / "library.bib"
    p.write_text("\n\n@misc{a, title = {x}\n\n@misc{b, title={y}}\n", encoding="utf-8")
    lib, _ = read_library(p)
    assert [(b.line, b.key) for b in lib.failed] == [(3, "a")]
    assert lib.failed[0].reason.endswith("(at line 5)")
    assert [e.key for e in lib.entries] == ["b"]
