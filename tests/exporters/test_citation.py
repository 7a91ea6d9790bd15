"""survey.bib, CITATION.cff (schema-valid) and the APA reference rendered by citeproc-py."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from conftest import DATA, shared_path
from pathbib.bibio import parse
from pathbib.config import Settings, load_settings
from pathbib.errors import InputError
from pathbib.exporters.citation import apa_reference, citation_cff, survey_bib, survey_entry
from pathbib.exporters.markdown import render_readme

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")


class _StringDates(yaml.SafeLoader):  # type: ignore[misc,name-defined]
    """YAML loader that keeps dates as strings (as the CFF schema expects)."""


_StringDates.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.fixture(scope="module")
def cff_validator() -> Any:
    schema = json.loads(shared_path("corpora/cff/schema-1.2.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(DATA / "export" / "pathbib.toml")


@pytest.fixture(scope="module")
def library(settings: Settings):  # type: ignore[no-untyped-def]
    return parse(settings.library.read_text(encoding="utf-8"))


def _load(text: str) -> Any:
    return yaml.load(text, Loader=_StringDates)  # noqa: S506 - SafeLoader subclass


def test_validator_agrees_with_corpus_examples(cff_validator: Any) -> None:
    folder = shared_path("corpora/cff/examples-1.2.0")
    for p in sorted(folder.glob("*.cff")):
        ok = not list(cff_validator.iter_errors(_load(p.read_text(encoding="utf-8"))))
        assert ok == p.name.startswith("pass_"), p.name


def test_cff_validates_and_cites_survey(cff_validator: Any, library, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    text = citation_cff(library, settings)
    data = _load(text)
    assert [e.message for e in cff_validator.iter_errors(data)] == []
    pc = data["preferred-citation"]
    assert pc["type"] == "conference-paper"
    assert pc["title"] == "Implicit Neural Representation in Medical Imaging: A Comparative Survey"
    assert [a["family-names"] for a in pc["authors"]] == [
        "Molaei",
        "Aminimehr",
        "Tavakoli",
        "Kazerouni",
        "Azad",
        "Azad",
        "Merhof",
    ]
    assert pc["authors"][4]["given-names"] == "Bobby" and pc["authors"][5]["given-names"] == "Reza"
    assert "Workshops" in pc["collection-title"]
    assert (pc["start"], pc["end"], pc["year"], pc["month"]) == ("2381", "2391", 2023, 10)
    assert pc["identifiers"][0]["value"] == "https://arxiv.org/abs/2307.16142"
    assert data["title"] == settings.list.title
    assert citation_cff(library, settings) == text  # deterministic, no timestamps
    assert "date-released" not in data


def test_cff_particles_suffix_and_entities(cff_validator: Any) -> None:
    lib = parse(
        "@article{s, author = {van der Laak, Jr., Jeroen and {World Health Organization}}, "
        'title = {T: "quoted" \\& more}, journal = {Nature Medicine}, volume = 27, number = 5, '
        "pages = {775--784}, date = {2021-05-14}, doi = {10.1038/x}, list-survey = {yes}}"
    )
    data = _load(citation_cff(lib, Settings()))
    assert [e.message for e in cff_validator.iter_errors(data)] == []
    pc = data["preferred-citation"]
    assert pc["authors"][0] == {
        "family-names": "Laak",
        "given-names": "Jeroen",
        "name-particle": "van der",
        "name-suffix": "Jr.",
    }
    assert pc["authors"][1] == {"name": "World Health Organization"}
    assert pc["title"] == 'T: "quoted" & more'
    assert (pc["journal"], pc["volume"], pc["issue"], pc["doi"]) == ("Nature Medicine", 27, 5, "10.1038/x")
    assert data["title"] == 'T: "quoted" & more'  # no list title: the survey's


def test_survey_bib_is_the_latex_entry(library, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    text = survey_bib(library, settings)
    lib = parse(text)
    assert [e.key for e in lib.entries] == ["molaei2023implicit"]
    e = lib.entries[0]
    assert "list-survey" not in e
    assert (
        e.get("booktitle")
        == "Proceedings of the {IEEE}/{CVF} International Conference on Computer Vision ({ICCV}) Workshops"
    )


def test_readme_citation_block_matches_survey_bib(library, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    readme = render_readme(library, settings)
    block = readme.split("```bibtex\n", 1)[1].split("\n```", 1)[0]
    assert block + "\n" == survey_bib(library, settings)
    e = survey_entry(library, settings)
    assert e is not None
    assert f"[{e.get('title')}](https://arxiv.org/abs/2307.16142)" in readme


def test_survey_found_by_list_survey_field(library) -> None:  # type: ignore[no-untyped-def]
    e = survey_entry(library, Settings())
    assert e is not None and e.key == "molaei2023implicit"


def test_missing_survey_is_an_input_error(library, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as exc:
        survey_bib(library, replace(settings, survey="nope"))
    assert "nope" in str(exc.value) and exc.value.hint
    with pytest.raises(InputError):
        citation_cff(parse("@article{a, title = {T}}"), Settings())


def test_apa_reference(library, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    ref = apa_reference(library, settings)
    assert ref == (
        "Molaei, A., Aminimehr, A., Tavakoli, A., Kazerouni, A., Azad, B., Azad, R., & Merhof, D. (2023). "
        "Implicit neural representation in medical imaging: A comparative survey. Proceedings of the IEEE/CVF "
        "International Conference on Computer Vision (ICCV) Workshops, 2381–2391. https://arxiv.org/abs/2307.16142"
    )


def test_apa_preprint() -> None:
    lib = parse(
        "@misc{p, author = {Doe, Jane and de la Cruz, María}, title = {A {GPT} study}, year = 2024, "
        "eprint = {2401.04079}, archiveprefix = {arXiv}, list-survey = {yes}}"
    )
    ref = apa_reference(lib, Settings())
    assert ref.startswith("Doe, J., & de la Cruz, M. (2024). A GPT study")
    assert "arXiv" in ref and "https://arxiv.org/abs/2401.04079" in ref


def test_cff_suffix_without_given_name_stays_schema_valid(cff_validator: Any) -> None:
    # what enrich writes for a Crossref person with `family` + `suffix` and no `given`
    lib = parse(
        "@article{s, author = {Ford, Jr., {} and Lovelace, Ada}, title = {T}, journal = {J}, "
        "year = {2021}, list-survey = {yes}}"
    )
    data = _load(citation_cff(lib, Settings()))
    assert [e.message for e in cff_validator.iter_errors(data)] == []
    assert data["preferred-citation"]["authors"][0] == {"family-names": "Ford", "name-suffix": "Jr."}
