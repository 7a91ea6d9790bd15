"""Any bytes as library.bib, README, pathbib.toml or metadata record: exit codes 0-4 only,
never a traceback, never a damaged library.bib (issue #16, point 7).

Each example runs the real CLI (`main`) in a fresh folder. A traceback would escape `main` and
fail the example. The default run tries a modest number of examples per door; the `slow`
variant tries many more.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathbib.bibio import decode_bytes, parse
from pathbib.cli.app import main
from pathbib.errors import PathbibError

GOOD_LIB = (
    "@article{smith2020deep,\n  author = {Smith, Ann and Doe, Bob},\n  title = {Deep {Learning} for $\\alpha$ things},\n"
    "  journal = {Journal of Things},\n  year = {2020},\n  doi = {10.1234/abc},\n}\n\n"
    "@misc{doe2021other,\n  title = {Another work},\n  year = {2021},\n  list-section = {papers},\n}\n"
)
CONFIG = 'library = "library.bib"\n'

FRAGMENTS = [
    "@article{",
    "@misc(",
    "@string{x = ",
    "@preamble{",
    "@comment{",
    "}",
    "{",
    ")",
    "(",
    ",",
    "=",
    "#",
    '"',
    "%",
    "\\",
    "\\input{/etc/passwd}",
    "title = {",
    "author = ",
    "year = 2020",
    "doi = {10.1/x}",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\x00",
    "\ufeff",
    "é",
    "ğŸ“œ",
    "²",
    "٣",
    "$",
    "^^5c",
    "k" * 70,
    "1. **",
    "## ",
    "- [PDF](",
    "https://arxiv.org/abs/2301.00001)",
    "[list]",
    "[[list.sections]]",
    "id = ",
    "[enrich]",
    "locked = ",
    "[",
    "]",
    "'",
    '"x"',
    "5",
    "true",
    "inf",
    "nan",
    "-1",
    "1e400",
]
texty = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=60).map("".join)
blobs = st.one_of(st.binary(max_size=600), texty.map(lambda s: s.encode("utf-8", "surrogatepass")))


def _run(folder: Path, *args: str) -> int:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--config", str(folder / "pathbib.toml"), *args])
    assert code in (0, 1, 2, 3, 4), (args, code, err.getvalue()[-500:])
    return code


def _values(text: str) -> tuple[list[tuple[str, tuple[tuple[str, str], ...]]], list[str]]:
    lib = parse(text)
    return (
        [(e.key, tuple((f.name, f.value) for f in e.fields)) for e in lib.entries],
        [b.raw_text.strip() for b in lib.failed],
    )


def _library_case(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "pathbib.toml").write_text(CONFIG, encoding="utf-8")
        lib = folder / "library.bib"
        lib.write_bytes(data)
        for args in (
            ["check"],
            ["build"],
            ["build", "--allow-invalid"],
            ["export", "csl-json"],
            ["rename-key", "a", "b"],
            ["check", "--fix"],
        ):
            _run(folder, *args)
        before = lib.read_bytes()
        _run(folder, "fmt")
        after = lib.read_bytes()
        if after != before:  # fmt changes layout only: every entry and every unparseable block is kept
            old = decode_bytes(before).removeprefix("\ufeff")
            new = decode_bytes(after).removeprefix("\ufeff")
            assert _values(old)[0] == _values(new)[0]
            assert len(_values(old)[1]) == len(_values(new)[1])


def _good_library_survives(folder: Path) -> None:
    text = (folder / "library.bib").read_text(encoding="utf-8")
    lib = parse(text)
    assert not lib.failed, [f.reason for f in lib.failed]
    keys = {e.key for e in lib.entries}
    assert {"smith2020deep", "doe2021other"} <= keys
    assert lib.get("smith2020deep").get("title") == "Deep {Learning} for $\\alpha$ things"  # type: ignore[union-attr]


def _readme_case(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "pathbib.toml").write_text(CONFIG, encoding="utf-8")
        (folder / "library.bib").write_text(GOOD_LIB, encoding="utf-8")
        (folder / "README.md").write_bytes(data)
        _run(folder, "import", str(folder / "README.md"))
        _run(folder, "check", "--readme", str(folder / "README.md"))
        _good_library_survives(folder)


def _config_case(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "pathbib.toml").write_bytes(data)
        (folder / "library.bib").write_text(GOOD_LIB, encoding="utf-8")
        for args in (["check"], ["build"], ["fmt"], ["enrich", "--offline"]):
            _run(folder, *args)
        _good_library_survives(folder)


def _record_case(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "pathbib.toml").write_text(CONFIG, encoding="utf-8")
        (folder / "library.bib").write_text(GOOD_LIB, encoding="utf-8")
        rec = folder / f"rec{suffix}"
        rec.write_bytes(data)
        _run(folder, "enrich", "--source", f"file:{rec}")
        _run(folder, "check", "--records", str(rec))
        _good_library_survives(folder)


csl_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda kids: (
        st.lists(kids, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "DOI",
                    "title",
                    "author",
                    "issued",
                    "date-parts",
                    "family",
                    "given",
                    "type",
                    "container-title",
                    "volume",
                    "page",
                    "URL",
                    "literal",
                    "raw",
                ]
            ),
            kids,
            max_size=6,
        )
    ),
    max_leaves=30,
)
records = st.one_of(
    blobs,
    st.lists(
        csl_like.map(lambda v: {"DOI": "10.1234/abc", "title": "Deep Learning for things", "x": v})
        | st.dictionaries(st.sampled_from(["DOI", "title", "author", "issued", "volume", "type"]), csl_like),
        max_size=3,
    ).map(lambda v: __import__("json").dumps(v).encode()),
)


def _settings(n: int) -> settings:
    return settings(
        max_examples=n,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@_settings(40)
@given(blobs)
def test_any_bytes_as_library(data: bytes) -> None:
    _library_case(data)


@_settings(40)
@given(blobs)
def test_any_bytes_as_readme(data: bytes) -> None:
    _readme_case(data)


@_settings(40)
@given(blobs)
def test_any_bytes_as_config(data: bytes) -> None:
    _config_case(data)


@_settings(40)
@given(records, st.sampled_from([".json", ".bib"]))
def test_any_bytes_as_record(data: bytes, suffix: str) -> None:
    _record_case(data, suffix)


@pytest.mark.slow
@_settings(400)
@given(blobs, blobs, blobs, records)
def test_any_bytes_everywhere_many_examples(lib: bytes, readme: bytes, config: bytes, record: bytes) -> None:
    _library_case(lib)
    _readme_case(readme)
    _config_case(config)
    _record_case(record, ".json")


def test_pathbib_error_is_the_only_exception_main_turns_into_a_code() -> None:
    assert issubclass(PathbibError, Exception)  # anything else escapes main and fails the examples
