"""The list's own `list-*` vocabulary: one answer for import, enrich, check and the exporters."""

from __future__ import annotations

import pytest

from pathbib.bibio import parse
from pathbib.listfields import (
    SlugCounter,
    entry_sections,
    github_slug,
    is_excluded,
    is_survey,
    is_yes,
    locked_fields,
    survey_entries,
    survey_entry,
)
from pathbib.model import Entry, Field


def E(key: str, **fields: str) -> Entry:
    return Entry("misc", key, tuple(Field(k.replace("_", "-"), v) for k, v in fields.items()))


@pytest.mark.parametrize("value", ["yes", "Yes", " TRUE ", "1"])
def test_yes_values(value: str) -> None:
    assert is_yes(value)


@pytest.mark.parametrize("value", [None, "", "no", "0", "false", "yes please", "y"])
def test_other_values_are_not_yes(value: str | None) -> None:
    assert not is_yes(value)


def test_the_survey_is_the_configured_key_or_a_flagged_entry() -> None:
    lib = parse(
        "@misc{a, title={A}}\n@misc{b, title={B}, list-survey={true}}\n@misc{c, title={C}, list-survey={yes}}\n"
    )
    assert [e.key for e in survey_entries(lib.entries)] == ["b", "c"]
    assert [e.key for e in survey_entries(lib.entries, "a")] == ["a", "b", "c"]
    assert survey_entry(lib).key == "b"  # type: ignore[union-attr]  # the first flagged one
    assert survey_entry(lib, "a").key == "a"  # type: ignore[union-attr]
    assert survey_entry(lib, "missing") is None  # a wrong key is not replaced by a flagged entry
    assert is_survey(E("x"), "x") and not is_survey(E("x"), "")


def test_excluded_sections_and_locked_fields() -> None:
    e = E("k", list_exclude="  ", list_section=" seg, ,cls ", list_locked="Title, author  year")
    assert not is_excluded(e)  # blank is not a reason
    assert is_excluded(E("k", list_exclude="copied from another list"))
    assert entry_sections(e) == ["seg", "cls"]
    assert entry_sections(E("k")) == []
    assert locked_fields(e) == {"title", "author", "year"}
    assert locked_fields(E("k", list_locked="*")) == {"*"}
    assert locked_fields(E("k")) == set()


def test_slugs_number_repeated_headings_as_github_does() -> None:
    assert github_slug("Pathological Classification:") == "pathological-classification"
    slug = SlugCounter()
    assert [slug(h) for h in ("Intro", "Intro", "Intro-1", "Intro")] == [
        "intro",
        "intro-1",
        "intro-1-1",
        "intro-2",
    ]
