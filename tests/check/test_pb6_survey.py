"""`pathbib check` PB6xx (the survey's own citation): offline, with a record, and on the seed
(moved from tests/test_check.py)."""

from __future__ import annotations

from pathbib.config import Settings
from support.checkkit import E, keys, run
from support.csl_records import SimpleRecord, records_from_csl

# --------------------------------------------------------------------------- PB6xx survey

SURVEY = E(
    "inproceedings",
    "molaei2023implicit",
    author="Molaei, Amirali and Aminimehr, Amirhossein and Tavakoli, Armin and Kazerouni, Amirhossein and "
    "Azad, Bobby and Azad, Reza and Merhof, Dorit",
    title="Implicit neural representation in medical imaging: A comparative survey",
    booktitle="Proceedings of the IEEE/CVF International Conference on Computer Vision",
    year="2023",
    eprint="2307.16142",
    archiveprefix="arXiv",
    url="https://arxiv.org/abs/2307.16142",
    list_review_text="Foundation Models in Pathology Image Analysis",
    list_survey="yes",
)
INR_RECORD = SimpleRecord(
    title="Implicit Neural Representation in Medical Imaging: A Comparative Survey",
    authors=(
        "Molaei, Amirali",
        "Aminimehr, Amirhossein",
        "Tavakoli, Armin",
        "Kazerouni, Amirhossein",
        "Azad, Bobby",
        "Azad, Reza",
        "Merhof, Dorit",
    ),
    container="Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV) Workshops",
    year="2023",
    arxiv="2307.16142",
)


def _inr_lookup(scheme: str, ident: str):
    return INR_RECORD if (scheme, ident) == ("arxiv", "2307.16142") else None


def test_pb601_survey_key_missing() -> None:
    s = Settings(survey="nope")
    assert keys(run([SURVEY], "PB601", settings=s)) == ["nope"]
    assert run([SURVEY], "PB601", settings=Settings(survey=SURVEY.key)).findings == ()


def test_pb602_link_text_names_another_work_offline_and_with_record() -> None:
    r = run([SURVEY], "PB602")  # offline: compares with the entry's own title (from the citation block)
    assert keys(r) == [SURVEY.key]
    assert "Foundation Models in Pathology Image Analysis" in r.findings[0].message
    r = run([SURVEY], "PB602", lookup=_inr_lookup)
    assert "arXiv:2307.16142 is 'Implicit Neural Representation in Medical Imaging" in r.findings[0].message
    ok = SURVEY.set(
        "list-review-text", "Implicit Neural Representation in Medical Imaging: A Comparative Survey"
    )
    assert run([ok], "PB602", lookup=_inr_lookup).findings == ()
    not_survey = SURVEY.remove("list-survey")
    assert run([not_survey], "PB602").findings == ()


def test_pb603_workshop_cited_as_main_conference() -> None:
    r = run([SURVEY], "PB603", lookup=_inr_lookup)
    assert keys(r) == [SURVEY.key] and "Workshops" in r.findings[0].message
    assert run([SURVEY], "PB603").findings == ()  # offline, nothing says workshop
    with_url = SURVEY.set(
        "list-links",
        "https://openaccess.thecvf.com/content/ICCV2023W/CVAMD/papers/Molaei_ICCVW_2023_paper.pdf",
    )
    assert keys(run([with_url], "PB603")) == [SURVEY.key]
    fixed = SURVEY.set("booktitle", INR_RECORD.container)
    assert run([fixed], "PB603", lookup=_inr_lookup).findings == ()
    wrong_authors = fixed.set("author", "Smith, John")
    r = run([wrong_authors], "PB603", lookup=_inr_lookup)
    assert [f.field for f in r.findings] == ["author"]


def test_pb603_family_names_compared_like_author_families() -> None:
    # hyphens and von particles: the record's "van der Al-Molaei, A." is the entry's author
    fixed = SURVEY.set("booktitle", INR_RECORD.container)
    entry = fixed.set(
        "author", (fixed.get("author") or "").replace("Molaei, Amirali", "van der Al-Molaei, Amirali")
    )
    rec = SimpleRecord(
        title=INR_RECORD.title,
        authors=("van der Al-Molaei, Amirali",) + INR_RECORD.authors[1:],
        container=INR_RECORD.container,
    )
    assert run([entry], "PB603", lookup=lambda s, i: rec if i == "2307.16142" else None).findings == ()


def test_seed_survey_mismatch_reported(seed) -> None:
    lib, meta = seed
    r = run(lib, "PB6")  # offline
    assert any(
        f.rule == "PB602" and "Foundation Models in Pathology Image Analysis" in f.message for f in r.findings
    )
    lookup = records_from_csl(meta)
    r = run(lib, "PB6", lookup=lookup)
    msgs = {f.rule: f.message for f in r.findings}
    assert "Implicit Neural Representation in Medical Imaging" in msgs["PB602"]
    assert "main-conference" in msgs["PB603"] and "Workshops" in msgs["PB603"]
