from pathbib.matching import author_families, fold, normalize_title, title_similarity
from pathbib.model import Entry, Field


def test_normalize_title_ignores_case_braces_accents_and_punctuation() -> None:
    a = normalize_title(r"{PathDino}: Rotation-Agnostic {H\&E} Sch{\"o}nlieb")
    assert a == normalize_title("pathdino rotation agnostic H&E Schönlieb")
    assert a == "pathdino rotation agnostic h and e schonlieb"


def test_fold_special_letters() -> None:
    assert fold(r"Stra{\ss}e Ø ł") == "strasse o l"


def test_title_similarity_bounds() -> None:
    assert title_similarity("Same Title", "same title.") == 1.0
    assert title_similarity("", "x") == 0.0
    near = title_similarity(
        "Towards a general-purpose foundation model for computational pathology",
        "Towards a general purpose foundation model for computational pathology.",
    )
    assert near == 1.0
    far = title_similarity(
        "Scaling Vision Transformers to Gigapixel Images", "Implicit Neural Representation in Medical Imaging"
    )
    assert far < 0.6


def test_author_families_skips_literals_and_folds() -> None:
    e = Entry("article", "k", (Field("author", r"van Beethoven, Ludwig and {WHO} and Catal{\'a}n, N."),))
    assert author_families(e) == ["beethoven", "catalan"]
    assert author_families(Entry("misc", "k")) == []
