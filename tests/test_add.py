"""`add.add_entry` as a library function (no CLI, no network): a lookup over real Crossref shapes."""

from __future__ import annotations

import pytest

from pathbib.add import add_entry, parse_identifier
from pathbib.errors import SourceError, SourceNotFound, UsageError
from pathbib.model import Entry, Field, Library
from pathbib.record import EmptyLookup
from pathbib.sources.crossref import parse_work
from pathbib.sources.local import LocalIndex
from pathbib.sources.lookup import FileLookup
from support.realshapes import crossref_work

JCP = "10.1136/jclinpath-2020-206745"


def test_add_entry_builds_a_complete_keyed_entry() -> None:
    lookup = FileLookup(LocalIndex([parse_work(crossref_work(JCP))]))
    added = add_entry(Library(), f"https://doi.org/{JCP}", lookup, section="ctdna", today="2026-01-01")
    e = added.entry
    assert e.entry_type == "article" and e.key == "xu2021construction"
    assert (e.get("doi"), e.get("volume"), e.get("number"), e.get("year")) == (JCP, "74", "5", "2021")
    assert e.get("list-section") == "ctdna" and e.get("journal") == "Journal of Clinical Pathology"
    assert added.provenance["xu2021construction"]["title"]["date"] == "2026-01-01"


def test_add_entry_failures_are_exceptions() -> None:
    with pytest.raises(UsageError):
        parse_identifier("not an identifier")
    lookup = FileLookup(LocalIndex([parse_work(crossref_work(JCP))]))
    lib = Library((Entry("article", "xu", (Field("doi", JCP),)),))
    with pytest.raises(UsageError, match="already in the library as xu"):
        add_entry(lib, JCP, lookup)
    with pytest.raises(SourceNotFound):
        add_entry(Library(), "10.9999/none", lookup)

    class Down(EmptyLookup):
        def dois(self, dois):  # noqa: ANN001, ANN202
            return {d: SourceError("Crossref server error 503", "retry later") for d in dois}

    with pytest.raises(SourceError, match="a source failed") as info:
        add_entry(Library(), JCP, Down())
    assert not isinstance(info.value, SourceNotFound)
