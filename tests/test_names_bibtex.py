"""`names.parse_name` against BibTeX itself: a tiny .bst prints each name's First / von / Last / Jr
parts as `format.name$` splits them, for every name of the shipped library, of the bib-samples corpus
and of the forms pathbib writes (a suffix without a given name among them)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import shared_path
from pathbib.bibio import read_library
from pathbib.names import Name, format_name, parse_name, split_authors
from pathbib.sources.crossref import format_author
from support.latexkit import _tools_or_skip

ROOT = Path(__file__).resolve().parent.parent

# one line per name: key|First|von|Last|Jr
PARTS_BST = r"""
ENTRY { author } {} {}
INTEGERS { n i }
FUNCTION {misc} {}
FUNCTION {default.type} {}
FUNCTION {dump}
{ author num.names$ 'n :=
  #1 'i :=
  { i n #1 + < }
  { cite$ write$ "|" write$
    author i "{ff}" format.name$ write$ "|" write$
    author i "{vv}" format.name$ write$ "|" write$
    author i "{ll}" format.name$ write$ "|" write$
    author i "{jj}" format.name$ write$ newline$
    i #1 + 'i :=
  } while$
}
READ
ITERATE {dump}
"""

# names pathbib writes or must read like BibTeX: suffixes, trailing commas, braces, particles
CRAFTED = (
    format_author("Ford", "", "Jr."),
    format_author("Ford", "Henry", "Jr."),
    format_author("Smith, Jones", "", "III"),
    format_name(Name(last="Ford", jr="Jr.")),
    format_name(Name(first="Henry", von="van der", last="Ford", jr="Sr.")),
    "Smith,",
    "Ford, Jr., Henry,",
    "{\\'E}mile Zola",
    "Jean de La Fontaine",
    "de la Vall{\\'e}e Poussin, Charles Louis Xavier Joseph",
    "{IBM}",
)


def _norm(s: str) -> str:
    return " ".join(s.replace("~", " ").split())


def _bibtex_parts(names: list[str], tmp: Path) -> tuple[list[tuple[str, ...]], str]:
    (tmp / "parts.bst").write_text(PARTS_BST, encoding="utf-8")
    bib = "".join(f"@misc{{n{i}, author = {{{n}}}}}\n" for i, n in enumerate(names))
    (tmp / "names.bib").write_text(bib, encoding="utf-8")
    (tmp / "t.aux").write_text("\\citation{*}\n\\bibdata{names}\n\\bibstyle{parts}\n", encoding="utf-8")
    subprocess.run(["bibtex", "t"], cwd=tmp, capture_output=True, timeout=120)
    rows = (tmp / "t.bbl").read_text(encoding="utf-8", errors="replace").splitlines()
    by_index: dict[int, tuple[str, ...]] = {}
    for row in rows:
        key, *parts = row.split("|")
        by_index[int(key[1:])] = tuple(_norm(p) for p in parts)
    return [by_index[i] for i in range(len(names))], (tmp / "t.blg").read_text(errors="replace")


def _ours(text: str) -> tuple[str, ...]:
    n = parse_name(text)
    if n.literal:
        return ("", "", n.literal if n.is_others else "{" + n.literal + "}", "")
    return tuple(_norm(p) for p in (n.first, n.von, n.last, n.jr))


def _corpus_names() -> list[str]:
    files = sorted(shared_path("corpora/bib-samples").glob("*.bib")) + [ROOT / "library.bib"]
    names: set[str] = set()
    for f in files:
        lib, _ = read_library(f)
        for e in lib.entries:
            for field in ("author", "editor"):
                names.update(split_authors(e.get(field) or ""))
    return sorted(names)


def _comma_form_capital_von(text: str, bibtex: tuple[str, ...]) -> bool:
    """BibTeX's own quirk, not followed: in `von Last, First` its von part starts at the first word
    whatever its case ("López de Molina, G." → von "López de"); pathbib, like the `First von Last`
    form and biber, starts it at the first lower-case word (biber: family "López de Molina")."""
    von = bibtex[1]
    return "," in text and bool(von) and von[:1].isupper()


def test_parse_name_splits_every_name_as_bibtex_does(tmp_path: Path) -> None:
    _tools_or_skip()
    names = _corpus_names() + list(CRAFTED)
    assert len(names) > 500  # the corpus was read (940 distinct names at the time of writing)
    parts, _ = _bibtex_parts(names, tmp_path)
    wrong = [
        (n, want, _ours(n))
        for n, want in zip(names, parts, strict=True)
        if want != _ours(n) and not _comma_form_capital_von(n, want)
    ]
    assert wrong == []


def test_a_suffix_without_a_given_name_is_written_so_bibtex_keeps_it(tmp_path: Path) -> None:
    _tools_or_skip()
    written = [format_author("Ford", "", "Jr."), format_name(Name(last="Ford", jr="Jr."))]
    parts, log = _bibtex_parts(written, tmp_path)
    assert "comma at the end" not in log and "error message" not in log
    for text, (first, _von, last, jr) in zip(written, parts, strict=True):
        assert (last, jr) == ("Ford", "Jr.")
        assert first in ("", "{}")  # an empty brace group: nothing is printed for it
        assert parse_name(text).jr == "Jr."  # and pathbib reads back what it wrote
