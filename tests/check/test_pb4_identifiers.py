"""`pathbib check` PB4xx (identifiers and required fields): every rule positive and negative
(moved from tests/test_check.py)."""

from __future__ import annotations

from support.checkkit import E, keys, run

# --------------------------------------------------------------------------- PB4xx


def test_pb401_missing_identifier() -> None:
    bad = [E("article", "a", title="t"), E("article", "b", title="t", url="https://bit.ly/x")]
    good = [
        E("article", "c", title="t", doi="10.1038/x"),
        E("misc", "d", title="t", eprint="2401.04079"),
        E("misc", "e", title="t", url="https://openreview.net/forum?id=wy6RHXsEeM"),
        E("book", "f", title="t", isbn="978-3"),
    ]
    assert keys(run(bad + good, "PB401")) == ["a", "b"]


def test_pb402_required_fields_per_type() -> None:
    bad = [
        E("article", "a", title="t", author="X, Y"),
        E("inproceedings", "b", title="t"),
        E("misc", "c", author="X"),
    ]
    good = [
        E("article", "d", title="t", author="X", journal="J"),
        E("article", "e", title="t", author="X", journaltitle="J"),
        E("inproceedings", "f", title="t", author="X", booktitle="B"),
        E("misc", "g", title="t"),
        E("book", "h", title="t", editor="X", publisher="P"),
    ]
    r = run(bad + good, "PB402")
    assert keys(r) == ["a", "b", "c"]
    assert "journal" in r.findings[0].message and "author, booktitle" in r.findings[1].message


def test_pb403_pb404_doi_form_and_malformed() -> None:
    a = E("article", "a", title="t", doi="https://doi.org/10.1038/S41586-024-07441-W")
    b = E("article", "b", title="t", doi="doi:10.1002/hbm.26311")
    c = E("article", "c", title="t", doi="10.1038/s41586-024-07441-w")
    d = E("article", "d", title="t", doi="s41586-024-07441-w")
    assert keys(run([a, b, c, d], "PB403")) == ["a", "b"]
    assert keys(run([a, b, c, d], "PB404")) == ["d"]
    # trailing punctuation and %-escapes are form (fixable), a DOI inside other text is malformed
    e = E("article", "e", title="t", doi="10.1038/s41586-024-07441-w.")
    f = E("article", "f", title="t", doi="https://doi.org/10.1002%2Fhbm.26311")
    g = E("article", "g", title="t", doi="see 10.1002/hbm.26311")
    r = run([e, f, g], "PB403", "PB404")
    assert [(x.rule, x.key, x.fix) for x in r.findings] == [
        ("PB403", "e", "use 10.1038/s41586-024-07441-w"),
        ("PB403", "f", "use 10.1002/hbm.26311"),
        ("PB404", "g", "copy the DOI from the publisher"),
    ]


def test_pb405_malformed_arxiv() -> None:
    bad = [
        E("misc", "a", eprint="2307.161", archiveprefix="arXiv"),
        E("misc", "b", eprint="2313.00001", archiveprefix="arXiv"),
    ]
    good = [
        E("misc", "c", eprint="2307.16142v2", archiveprefix="arXiv"),
        E("misc", "d", eprint="arXiv:2307.16142"),
        E("misc", "e", eprint="hep-th/9901001", archiveprefix="arXiv"),
        E("misc", "f", eprint="PMC123", eprinttype="pubmed"),
    ]
    assert keys(run(bad + good, "PB405")) == ["a", "b"]
