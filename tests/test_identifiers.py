"""Identifiers from real URL shapes (pathbib.identifiers)."""

from __future__ import annotations

import pytest

from pathbib.identifiers import (
    TRACKING_PARAMS,
    arxiv_version,
    arxiv_year_month,
    extract_identifiers,
    is_tracking_param,
    is_valid_arxiv,
    is_valid_doi,
    normalize_arxiv,
    normalize_doi,
    normalize_pii,
    strip_tracking,
)

CASES = [
    # DOI resolvers and publisher pages
    ("https://doi.org/10.1038/s41591-024-03141-0", {"doi": "10.1038/s41591-024-03141-0"}),
    ("http://dx.doi.org/10.1002/HBM.26311", {"doi": "10.1002/hbm.26311"}),
    ("https://www.nature.com/articles/s41591-024-03141-0", {"doi": "10.1038/s41591-024-03141-0"}),
    ("https://www.nature.com/articles/s41586-024-07441-w.pdf", {"doi": "10.1038/s41586-024-07441-w"}),
    ("https://link.springer.com/chapter/10.1007/978-3-031-73414-4_2", {"doi": "10.1007/978-3-031-73414-4_2"}),
    ("https://link.springer.com/article/10.1007/s11263-023-01234-5", {"doi": "10.1007/s11263-023-01234-5"}),
    (
        "https://link.springer.com/content/pdf/10.1007/978-3-031-16443-9_42.pdf",
        {"doi": "10.1007/978-3-031-16443-9_42"},
    ),
    ("https://onlinelibrary.wiley.com/doi/full/10.1002/hbm.26311", {"doi": "10.1002/hbm.26311"}),
    ("https://onlinelibrary.wiley.com/doi/abs/10.1002/mrm.29000", {"doi": "10.1002/mrm.29000"}),
    ("https://onlinelibrary.wiley.com/doi/epdf/10.1002/mrm.29000", {"doi": "10.1002/mrm.29000"}),
    ("https://www.medrxiv.org/content/10.1101/2023.07.21.23292757v3", {"doi": "10.1101/2023.07.21.23292757"}),
    (
        "https://www.medrxiv.org/content/10.1101/2023.07.21.23292757v1.full.pdf",
        {"doi": "10.1101/2023.07.21.23292757"},
    ),
    (
        "https://www.biorxiv.org/content/10.1101/2022.05.06.490915v2.abstract",
        {"doi": "10.1101/2022.05.06.490915"},
    ),
    ("https://iopscience.iop.org/article/10.1088/1361-6560/ac0e5a/meta", {"doi": "10.1088/1361-6560/ac0e5a"}),
    ("https://iopscience.iop.org/article/10.1088/1361-6560/ac0e5a/pdf", {"doi": "10.1088/1361-6560/ac0e5a"}),
    ("https://dl.acm.org/doi/10.1145/3394486.3403172", {"doi": "10.1145/3394486.3403172"}),
    ("https://dl.acm.org/doi/abs/10.1145/3394486.3403172", {"doi": "10.1145/3394486.3403172"}),
    ("https://dl.acm.org/doi/pdf/10.1145/3394486.3403172", {"doi": "10.1145/3394486.3403172"}),
    ("https://ojs.aaai.org/index.php/AAAI/article/view/20110", {}),
    # IEEE document ids are their own identifier
    ("https://ieeexplore.ieee.org/document/9674803", {"ieee": "9674803"}),
    ("https://ieeexplore.ieee.org/abstract/document/9674803/", {"ieee": "9674803"}),
    ("https://ieeexplore.ieee.org/stamp/stamp.jsp?tp=&arnumber=9674803", {"ieee": "9674803"}),
    # arXiv: abs/pdf/html, versions, old style, DOI form
    ("https://arxiv.org/abs/2307.16142", {"arxiv": "2307.16142"}),
    ("https://arxiv.org/abs/2307.16142v2", {"arxiv": "2307.16142"}),
    ("https://arxiv.org/pdf/2307.16142v2.pdf", {"arxiv": "2307.16142"}),
    ("https://arxiv.org/pdf/2307.16142", {"arxiv": "2307.16142"}),
    ("https://arxiv.org/html/2307.16142v1", {"arxiv": "2307.16142"}),
    ("http://export.arxiv.org/abs/1412.6980v9", {"arxiv": "1412.6980"}),
    ("https://arxiv.org/abs/hep-th/9901001v1", {"arxiv": "hep-th/9901001"}),
    ("https://arxiv.org/abs/math.GT/0309136", {"arxiv": "math/0309136"}),
    ("https://arxiv.org/pdf/cond-mat/0011245.pdf", {"arxiv": "cond-mat/0011245"}),
    (
        "https://doi.org/10.48550/arXiv.2307.16142",
        {"doi": "10.48550/arxiv.2307.16142", "arxiv": "2307.16142"},
    ),
    # Elsevier PII
    ("https://www.sciencedirect.com/science/article/abs/pii/S1361841522002043", {"pii": "S1361841522002043"}),
    ("https://www.sciencedirect.com/science/article/pii/S0010482524017062", {"pii": "S0010482524017062"}),
    ("https://linkinghub.elsevier.com/retrieve/pii/S1361841524002147", {"pii": "S1361841524002147"}),
    ("https://www.cell.com/cell/fulltext/S0092-8674(19)30001-2", {"pii": "S0092867419300012"}),
    # OpenReview
    ("https://openreview.net/forum?id=g8tF7gGzZb", {"openreview": "g8tF7gGzZb"}),
    ("https://openreview.net/pdf?id=wy6RHXsEeM", {"openreview": "wy6RHXsEeM"}),
    # CVF open access: html and pdf of one paper give the same id
    (
        "https://openaccess.thecvf.com/content/CVPR2024/html/Alfasly_Rotation-Agnostic_Image_Representation_"
        "Learning_for_Digital_Pathology_CVPR_2024_paper.html",
        {
            "cvf": "Alfasly_Rotation-Agnostic_Image_Representation_Learning_for_Digital_Pathology_CVPR_2024_paper"
        },
    ),
    (
        "https://openaccess.thecvf.com/content/CVPR2024/papers/Alfasly_Rotation-Agnostic_Image_Representation_"
        "Learning_for_Digital_Pathology_CVPR_2024_paper.pdf",
        {
            "cvf": "Alfasly_Rotation-Agnostic_Image_Representation_Learning_for_Digital_Pathology_CVPR_2024_paper"
        },
    ),
    (
        "https://openaccess.thecvf.com/content/ICCV2023W/CVAMD/papers/Molaei_Implicit_Neural_Representation_in_"
        "Medical_Imaging_A_Comparative_Survey_ICCVW_2023_paper.pdf",
        {
            "cvf": "Molaei_Implicit_Neural_Representation_in_Medical_Imaging_A_Comparative_Survey_ICCVW_2023_paper"
        },
    ),
    (
        "http://openaccess.thecvf.com/content_CVPR_2019/html/He_Bag_of_Tricks_for_Image_Classification_with_"
        "Convolutional_Neural_Networks_CVPR_2019_paper.html",
        {
            "cvf": "He_Bag_of_Tricks_for_Image_Classification_with_Convolutional_Neural_Networks_CVPR_2019_paper"
        },
    ),
    # NeurIPS proceedings hash
    (
        "https://proceedings.neurips.cc/paper_files/paper/2023/hash/775ec578876fa6812c062644964b9870-Abstract-"
        "Datasets_and_Benchmarks.html",
        {"neurips-hash": "775ec578876fa6812c062644964b9870"},
    ),
    (
        "https://proceedings.neurips.cc/paper/2020/file/1457c0d6bfcb4967418bfb8ac142f64a-Paper.pdf",
        {"neurips-hash": "1457c0d6bfcb4967418bfb8ac142f64a"},
    ),
    (
        "https://papers.nips.cc/paper_files/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html",
        {"neurips-hash": "3f5ee243547dee91fbd053c1c4a845aa"},
    ),
    # PubMed / PMC
    ("https://pubmed.ncbi.nlm.nih.gov/41387679/", {"pmid": "41387679"}),
    ("https://www.ncbi.nlm.nih.gov/pubmed/31308507", {"pmid": "31308507"}),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC11403354/", {"pmcid": "PMC11403354"}),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC11403354/", {"pmcid": "PMC11403354"}),
    ("https://europepmc.org/article/MED/41387679", {"pmid": "41387679"}),
    ("https://europepmc.org/article/PMC/PMC11403354", {"pmcid": "PMC11403354"}),
    # links that carry no identifier
    ("https://github.com/mahmoodlab/UNI", {}),
    ("https://huggingface.co/paige-ai/Virchow", {}),
    ("https://tinyurl.com/webplip", {}),
    ("", {}),
]


@pytest.mark.parametrize(("url", "expected"), CASES, ids=[c[0][:70] or "empty" for c in CASES])
def test_extract_identifiers(url: str, expected: dict[str, str]) -> None:
    assert extract_identifiers(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("doi:10.1038/S41591-024-03141-0", {"doi": "10.1038/s41591-024-03141-0"}),
        ("arXiv:2307.16142v3", {"arxiv": "2307.16142"}),
        ("2307.16142", {"arxiv": "2307.16142"}),
        ("hep-th/9901001", {"arxiv": "hep-th/9901001"}),
        ("PMC11403354", {"pmcid": "PMC11403354"}),
        ("S1361-8415(22)00204-3", {"pii": "S1361841522002043"}),
    ],
)
def test_extract_from_bare_strings(text: str, expected: dict[str, str]) -> None:
    assert extract_identifiers(text) == expected


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("10.1038/s41591-024-03141-0", "10.1038/s41591-024-03141-0"),
        ("https://doi.org/10.1038/S41591-024-03141-0", "10.1038/s41591-024-03141-0"),
        ("doi: 10.1002/hbm.26311.", "10.1002/hbm.26311"),
        ("https://doi.org/10.1002%2Fhbm.26311", "10.1002/hbm.26311"),
        ("(see 10.1016/S0140-6736(20)30183-5)", "10.1016/s0140-6736(20)30183-5"),
        ("not a doi", None),
        ("10.12/too-short-prefix", None),
    ],
)
def test_normalize_doi(raw: str, doi: str | None) -> None:
    assert normalize_doi(raw) == doi


def test_is_valid_doi() -> None:
    assert is_valid_doi("10.1038/s41591-024-03141-0")
    assert not is_valid_doi("10.1038/ has space")
    assert not is_valid_doi("doi:10.1038/x")
    assert not is_valid_doi("11.1038/x")


@pytest.mark.parametrize(
    ("raw", "ax"),
    [
        ("2307.16142v2", "2307.16142"),
        ("arXiv:1412.6980", "1412.6980"),
        ("https://arxiv.org/abs/0704.0001", "0704.0001"),
        ("math.GT/0309136v1", "math/0309136"),
        ("2313.00001", None),  # month 13
        ("1412.69801", None),  # five digits before 2015
        ("1501.0001", None),  # four digits from 2015
        ("foo/0309136", None),  # not an arXiv archive
    ],
)
def test_normalize_arxiv(raw: str, ax: str | None) -> None:
    assert normalize_arxiv(raw) == ax


def test_is_valid_arxiv_and_version() -> None:
    assert is_valid_arxiv("2307.16142")
    assert is_valid_arxiv("hep-th/9901001")
    assert not is_valid_arxiv("2307.16142v2")  # a stored id carries no version
    assert not is_valid_arxiv("2307.1614")
    assert arxiv_version("https://arxiv.org/abs/2307.16142v4") == "v4"
    assert arxiv_version("2307.16142") is None


def test_normalize_pii() -> None:
    assert normalize_pii("S1361-8415(22)00204-3") == "S1361841522002043"
    assert normalize_pii("s0010482524017062") == "S0010482524017062"
    assert normalize_pii("S123") is None


@pytest.mark.parametrize(
    ("url", "clean", "removed"),
    [
        (
            "https://openaccess.thecvf.com/content/CVPR2022/html/X_CVPR_2022_paper.html?trk=public_post_comment-text",
            "https://openaccess.thecvf.com/content/CVPR2022/html/X_CVPR_2022_paper.html",
            ["trk"],
        ),
        (
            "https://openaccess.thecvf.com/content/CVPR2023/html/X_CVPR_2023_paper.html?ref=https://githubhelp.com",
            "https://openaccess.thecvf.com/content/CVPR2023/html/X_CVPR_2023_paper.html",
            ["ref"],
        ),
        (
            "https://example.org/p?id=7&utm_source=twitter&utm_medium=social&fbclid=abc#sec",
            "https://example.org/p?id=7#sec",
            ["utm_source", "utm_medium", "fbclid"],
        ),
        ("https://openreview.net/forum?id=g8tF7gGzZb", "https://openreview.net/forum?id=g8tF7gGzZb", []),
        (
            "https://github.com/lunit-io/benchmark-ssl-pathology#pre-trained-weights",
            "https://github.com/lunit-io/benchmark-ssl-pathology#pre-trained-weights",
            [],
        ),
        (
            "https://ieeexplore.ieee.org/stamp/stamp.jsp?tp=&arnumber=9674803",
            "https://ieeexplore.ieee.org/stamp/stamp.jsp?tp=&arnumber=9674803",
            [],
        ),
    ],
)
def test_strip_tracking(url: str, clean: str, removed: list[str]) -> None:
    assert strip_tracking(url) == (clean, removed)


def test_tracking_params_are_names() -> None:
    assert "trk" in TRACKING_PARAMS and "ref" in TRACKING_PARAMS
    assert "id" not in TRACKING_PARAMS and "arnumber" not in TRACKING_PARAMS


@pytest.mark.parametrize(
    ("raw", "ym"),
    [
        ("2307.16142v2", (2023, 7)),
        ("arXiv:0704.0001", (2007, 4)),
        ("https://arxiv.org/abs/1412.6980", (2014, 12)),
        ("hep-th/9901001", (1999, 1)),
        ("math.GT/0309136v1", (2003, 9)),
        ("hep-th/9913001", None),  # old style, month 13
        ("2313.00001", None),
        ("not an id", None),
    ],
)
def test_arxiv_year_month(raw: str, ym: tuple[int, int] | None) -> None:
    assert arxiv_year_month(raw) == ym


def test_is_tracking_param_and_a_caller_supplied_test() -> None:
    assert is_tracking_param("utm_source") and is_tracking_param("FBCLID") and is_tracking_param("gbraid")
    assert not is_tracking_param("id") and not is_tracking_param("tab")
    # `ref` is tracking when it names a site, a branch when it does not
    assert is_tracking_param("ref", "https://githubhelp.com") and not is_tracking_param("ref", "main")
    url = "https://gitlab.com/x/y/-/raw/f?ref=main&utm_medium=x&q=a%2Fb"
    assert strip_tracking(url) == ("https://gitlab.com/x/y/-/raw/f?ref=main&q=a%2Fb", ["utm_medium"])

    def drop_every_ref(name: str, value: str) -> bool:
        return name == "ref" or is_tracking_param(name, value)

    assert strip_tracking(url, is_tracking=drop_every_ref) == (
        "https://gitlab.com/x/y/-/raw/f?q=a%2Fb",
        ["ref", "utm_medium"],
    )
