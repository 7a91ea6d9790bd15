"""`pathbib check` PB2xx (scope): the term matcher, every rule positive and negative, and precision/recall
on the seed (moved from tests/test_check.py)."""

from __future__ import annotations

import pytest

from pathbib.check import (
    ScopeMatcher,
)
from pathbib.matching import title_similarity
from pathbib.model import Entry, Library
from support.checkkit import LEAD_TERMS, SEED_TERMS, E, keys, run

# --------------------------------------------------------------------------- PB2xx scope


def test_scope_matcher_word_boundaries_plurals_hyphens() -> None:
    m = ScopeMatcher(LEAD_TERMS)
    assert m.find("Attention-based MIL for Whole Slide Images") == "whole-slide image(s)"
    assert m.find("wholeslide image analysis") == "whole-slide image(s)"
    assert m.find("Virtual H&E-stained sections") == "H&E"
    assert m.find("virtual H\\&E staining") == "H&E"
    assert m.find("histopathological image classification") == "histopathology"  # -logy derivation
    assert m.find("Pathologists for Pathologists") == "pathology"
    assert m.find("pathological slide analysis") == "pathology"
    assert m.find("tumour WSIs") == "WSI"
    assert m.find("pedunculopontine nucleus") is None  # nuclei is not stemmed to nucleus
    assert m.find("nuclei segmentation") == "nuclei"
    assert m.find("glandular") is None and m.find("gland segmentation") == "glands"
    assert m.find("tissues and organs") == "tissue"
    assert m.find("cancer diagnoses from slides") == "cancer diagnosis"
    assert m.find("multitissue") is None  # word boundary
    assert m.find("HEALTH SYSTEM") is None  # "he" is not H&E
    assert ScopeMatcher(["histopathology"]).find("Histopathological images") == "histopathology"
    assert ScopeMatcher([]).find("pathology") is None


def _scope(entries: list[Entry], terms: tuple[str, ...] = SEED_TERMS, **kw) -> list[str | None]:
    return keys(run(entries, "PB201", terms=terms, **kw))


def test_pb201_off_topic_positive_with_reason() -> None:
    e = E(
        "misc",
        "mri",
        title="Dual Arbitrary Scale Super-Resolution for Multi-Contrast MRI",
        list_highlight="Brain MRI super-resolution.",
    )
    r = run([e], "PB201", terms=SEED_TERMS)
    assert keys(r) == ["mri"]
    msg = r.findings[0].message
    assert "title" in msg and "list-highlight" in msg and "pathology" in msg and "Dual Arbitrary" in msg


def test_pb201_tricky_negatives_whole_slide_and_he_only() -> None:
    whole = E(
        "inproceedings",
        "ws",
        title="Data-efficient and weakly supervised computational learning on whole slide images",
    )
    whole2 = E(
        "inproceedings",
        "ws2",
        title="Attention-based multiple instance learning for whole-slide classification",
    )
    he = E("article", "he", title="Virtual staining of H&E images with conditional GANs")
    he2 = E("article", "he2", title=r"Stain normalisation of {H\&E} scans")
    assert _scope([whole, whole2, he, he2]) == []
    # the lead's minimal vocabulary too ("whole-slide image(s)" needs the word "image(s)")
    assert _scope([whole, he, he2], LEAD_TERMS) == []


def test_pb201_general_medical_model_evaluated_on_pathology() -> None:
    # decision (docs/check.md): evidence anywhere in the scope fields counts, so a general model whose
    # abstract or highlight reports pathology/WSI experiments is in scope; without any such evidence it is
    # flagged and the curator adds the evidence or suppresses with a reason.
    with_evidence = E(
        "article",
        "medsam",
        title="Segment anything in medical images",
        abstract="Evaluated on CT, MRI, endoscopy and histopathology images.",
    )
    via_highlight = E(
        "article",
        "biomedgpt",
        title="A generalist vision-language foundation model for biomedical tasks",
        list_highlight="Includes whole-slide image classification benchmarks.",
    )
    without = E("article", "medsam2", title="Segment anything in medical images")
    assert _scope([with_evidence, via_highlight, without]) == ["medsam2"]
    suppressed = E(
        "article",
        "medsam3",
        title="Segment anything in medical images",
        check_ignore="PB201: general model, evaluated on pathology in the paper",
    )
    r = run([suppressed], "PB201", terms=SEED_TERMS)
    assert r.findings == () and r.suppressed[0].reason.startswith("general model")


def test_pb201_section_keywords_are_not_evidence_and_exclusions() -> None:
    e = E(
        "misc",
        "nerd",
        title="NeRD: Neural Representation of Distribution for Medical Image Segmentation",
        keywords="Adapt Foundation Models for Specific Tasks, Pathological Classification",
        list_section="pathological-classification",
    )
    assert _scope([e]) == ["nerd"]
    real_kw = E("misc", "k", title="Some model", keywords="Pathological Classification, histology")
    assert _scope([real_kw]) == []
    excluded = E("misc", "x", title="An MRI paper", list_exclude="off-topic, kept for history")
    assert _scope([excluded]) == []
    assert _scope([E("misc", "mri", title="MRI")], terms=()) == []  # no vocabulary: rule off


def _truth(lib: Library, meta: list[dict]) -> dict[str, bool]:
    """entry key -> off-topic, from the answer key (matched by list number and title)."""
    out = {}
    for e in lib.entries:
        if e.get("list-survey") == "yes":
            out[e.key] = next(m for m in meta if m["id"] == "readme-review-citation")["off_topic"]
            continue
        nums = [n.strip() for n in (e.get("list-number") or "").split(",") if n.strip()]
        cands = [m for m in meta if m.get("list_number") in nums]
        best = max(
            cands,
            key=lambda m: title_similarity(m["list_title"], e.get("list-title") or e.get("title") or ""),
        )
        out[e.key] = bool(best["off_topic"])
    return out


@pytest.mark.parametrize("terms", [SEED_TERMS, LEAD_TERMS], ids=["seed-terms", "lead-terms"])
def test_seed_off_topic_precision_and_recall_are_100_percent(seed, terms) -> None:
    lib, meta = seed
    truth = _truth(lib, meta)
    listed_off = [k for k, off in truth.items() if off and lib.get(k).get("list-number")]
    assert len(listed_off) == 16
    flagged = set(keys(run(lib, "PB201", terms=terms)))
    actual = {k for k, off in truth.items() if off}
    tp = flagged & actual
    precision = len(tp) / len(flagged)
    recall = len(tp) / len(actual)
    assert (precision, recall) == (1.0, 1.0), (sorted(flagged - actual), sorted(actual - flagged))
