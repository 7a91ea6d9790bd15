"""`pathbib fmt`: the canonical style, --check, listing of changed entries, idempotence on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import shared_path
from pathbib.bibio import CANONICAL_FIELD_ORDER, format_entry, parse
from pathbib.cli import main
from pathbib.fmt import format_text
from pathbib.model import Entry, Field

MESSY = """% Curated list
%   second comment line


@STRING{ mi = "Medical Image Analysis" }
@Article{ smith2020 ,
    Year = 2020, Title = "A {WSI} Model",
  AUTHOR = {Smith, J. and Doe, A.},
 journal = mi,   list-section = {slide},
  pages = "1--10" # "", doi = {10.1/x}
}
@misc{done,
  author = {Roe, R.},
  title = {Already Canonical},
  year = {2021},
}



@inproceedings{ok2,
  title = {Kept %-comment entry},
  % a note to self
  year = {2022},
}
@preamble{ "\\newcommand{\\noop}[1]{}" }
"""

EXPECTED = """% Curated list
%   second comment line

@STRING{ mi = "Medical Image Analysis" }

@article{smith2020,
  author = {Smith, J. and Doe, A.},
  title = {A {WSI} Model},
  journal = mi,
  pages = "1--10" # "",
  year = {2020},
  doi = {10.1/x},
  list-section = {slide},
}

@misc{done,
  author = {Roe, R.},
  title = {Already Canonical},
  year = {2021},
}

@inproceedings{ok2,
  title = {Kept %-comment entry},
  % a note to self
  year = {2022},
}

@preamble{ "\\newcommand{\\noop}[1]{}" }
"""


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_canonical_style_of_a_messy_file() -> None:
    res = format_text(parse(MESSY))
    assert res.text == EXPECTED
    assert res.changed
    assert res.changed_keys == ("smith2020",)
    assert res.changed_lines == (6,)
    assert res.kept_keys == ("ok2",)


def test_format_entry_field_order_and_values() -> None:
    e = Entry(
        "article",
        "k",
        (
            Field("zzz", "last"),
            Field("year", "2020", ""),
            Field("abstract", "Abs"),
            Field("aaa", "x", '"'),
            Field("title", "T"),
            Field("author", "A"),
            Field("month", "jan", ""),
        ),
    )
    assert format_entry(e) == (
        "@article{k,\n  author = {A},\n  title = {T},\n  month = jan,\n  year = {2020},\n"
        "  abstract = {Abs},\n  zzz = {last},\n  aaa = {x},\n}"
    )
    # the order table starts with the fields a reader looks for first
    assert CANONICAL_FIELD_ORDER[:3] == ("author", "editor", "title")
    assert format_entry(e, "\r\n").count("\r\n") == 8


def test_fmt_check_lists_entries_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "library.bib"
    p.write_text(MESSY, encoding="utf-8")
    code, out, err = _cli(capsys, "-C", str(p), "fmt", "--check")
    assert code == 1
    assert out.splitlines() == [f"would reformat: {p}:6: smith2020"]
    assert "not formatted" in err and f"{p}:20: ok2: kept as written" in err
    assert p.read_text(encoding="utf-8") == MESSY  # --check writes nothing


def test_fmt_writes_lists_and_is_then_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "library.bib"
    p.write_text(MESSY, encoding="utf-8")
    code, out, _err = _cli(capsys, "-C", str(p), "fmt")
    assert code == 0
    assert out.splitlines() == [f"reformatted: {p}:6: smith2020", f"{p}: reformatted 1 entry"]
    assert p.read_text(encoding="utf-8") == EXPECTED
    code, out, _err = _cli(capsys, "-C", str(p), "fmt", "--check")
    assert code == 0 and out.strip() == f"{p}: already formatted"
    code, out, _err = _cli(capsys, "-C", str(p), "fmt")
    assert code == 0 and out.strip() == f"{p}: already formatted"


def test_fmt_check_for_blank_lines_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "library.bib"
    p.write_text(EXPECTED.replace("}\n\n@misc", "}\n\n\n\n@misc"), encoding="utf-8")
    code, out, _err = _cli(capsys, "-C", str(p), "fmt", "--check")
    assert code == 1 and "would change blank lines or comments between entries" in out


def test_fmt_keeps_failed_blocks_verbatim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = "@article{broken,\n   title = {Unclosed,\n   year   = 2020\n}\n"
    text = "@misc{a,  title={A}}\n\n" + bad + "\n\n@misc{b, title = {B}}\n"
    p = tmp_path / "library.bib"
    p.write_text(text, encoding="utf-8")
    code, _out, err = _cli(capsys, "-C", str(p), "fmt")
    assert code == 0 and f"{p}:3: kept verbatim, not formatted" in err
    new = p.read_text(encoding="utf-8")
    assert bad.rstrip() in new
    assert new.startswith("@misc{a,\n  title = {A},\n}\n\n@article{broken,")


def test_fmt_keeps_crlf_and_bom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "library.bib"
    p.write_bytes(b"\xef\xbb\xbf" + MESSY.replace("\n", "\r\n").encode())
    assert _cli(capsys, "-C", str(p), "fmt")[0] == 0
    data = p.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].decode() == EXPECTED.replace("\n", "\r\n")


def _values(lib: object) -> list[object]:
    out: list[object] = []
    for e in lib.entries:  # type: ignore[attr-defined]
        fields = sorted(
            (f.name, f.value, "{" if f.delim == '"' or (f.delim == "" and f.value.isdigit()) else f.delim)
            for f in e.fields
        )
        out.append((e.entry_type, e.key, fields))
    return out


@pytest.mark.parametrize(
    "rel",
    [
        "corpora/bib-samples/biblatex-apa-test-references.bib",
        "corpora/bib-samples/biblatex-examples.bib",
        "corpora/bib-samples/btxdoc.bib",
        "corpora/bib-samples/xampl.bib",
        pytest.param("corpora/large-bib/plume-bib-combined.bib", marks=pytest.mark.slow),
        pytest.param(
            "corpora/large-bib/bbt-Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db_97.bib",
            marks=pytest.mark.slow,
        ),
    ],
    ids=lambda r: r.rsplit("/", 1)[-1][:30],
)
def test_fmt_on_real_files_is_idempotent_and_keeps_values(rel: str) -> None:
    text = shared_path(rel).read_text(encoding="utf-8")
    lib = parse(text)
    once = format_text(lib)
    lib1 = parse(once.text)
    assert format_text(lib1).text == once.text
    assert _values(lib1) == _values(lib)
    assert [b.raw_text.rstrip() for b in lib1.failed] == [b.raw_text.rstrip() for b in lib.failed]
    assert lib1.strings == lib.strings
    assert [e.key for e in lib1.entries] == [e.key for e in lib.entries]
