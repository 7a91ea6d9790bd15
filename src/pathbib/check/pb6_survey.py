"""PB6xx: the list's own survey."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import listfields
from ..config import Settings
from ..matching import author_families, normalize_family, title_similarity
from ..model import Entry, Finding, Library
from ..names import parse_name
from .fields import _clean, _urls, identifiers
from .registry import CheckContext, RecordLike, _f, _rule


def survey_entries(lib: Library, settings: Settings) -> list[Entry]:
    """The list's own survey entries: `survey` in pathbib.toml and entries with `list-survey = {yes}`."""
    return listfields.survey_entries(lib.entries, settings.survey)


def _survey_record(entry: Entry, ctx: CheckContext) -> tuple[str, RecordLike] | None:
    if ctx.lookup is None:
        return None
    ids = identifiers(entry)
    for scheme in ("doi", "arxiv"):
        for v in sorted(ids.get(scheme, ())):
            rec = ctx.lookup(scheme, v)
            if rec is not None:
                return (f"DOI {v}" if scheme == "doi" else f"arXiv:{v}"), rec
    return None


def _record_families(authors: Iterable[str]) -> list[str]:
    """Family-name keys of a record's "Family, Given" authors, compared like `author_families`."""
    return [k for a in authors if not (n := parse_name(a)).literal and (k := normalize_family(n.last))]


def _id_label(entry: Entry) -> str:
    ids = identifiers(entry)
    if ids.get("doi"):
        return "DOI " + sorted(ids["doi"])[0]
    if ids.get("arxiv"):
        return "arXiv:" + sorted(ids["arxiv"])[0]
    return f"entry {entry.key!r}"


_WORKSHOP_URL = re.compile(r"/(?:ICCV|CVPR|ECCV|WACV)\d{4}W/|_(?:ICCVW|CVPRW|ECCVW|WACVW)_|workshop", re.I)


@_rule(
    "PB601",
    "survey-missing",
    "error",
    "`survey` in pathbib.toml names a citation key that is not in the library.",
    "The list's header and citation block are built from that entry.",
    "Add the survey entry or correct `survey` in pathbib.toml.",
)
def rule_survey_missing(lib: Library, ctx: CheckContext) -> list[Finding]:
    key = ctx.settings.survey
    if key and lib.get(key) is None:
        return [
            _f(
                "PB601",
                f"survey entry {key!r} (pathbib.toml `survey`) is not in the library",
                None,
                None,
                "add it or fix `survey`",
                lib=lib,
                key=key,
            )
        ]
    return []


@_rule(
    "PB602",
    "survey-link-text",
    "error",
    "Text that presents the list's survey — the review link text (`list-review-text`) or `list-title` — names "
    "another work than the survey entry's identifier (its record's title when a record lookup is available, "
    "else the entry's title).",
    "The list's own citation is the one readers copy; a link whose text names one paper and leads to another "
    "misleads everyone who cites the list.",
    "Make the link text, the identifier and the citation block name the same paper (correct whichever is "
    "wrong), then rebuild the README.",
)
def rule_survey_link_text(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in survey_entries(lib, ctx.settings):
        got = _survey_record(e, ctx)
        ref_title = _clean(getattr(got[1], "title", "")) if got else ""
        ref_what = f"{got[0]} is" if got and ref_title else f"the entry ({_id_label(e)}) is titled"
        if not ref_title:
            ref_title = _clean(e.get("title"))
        if not ref_title:
            continue
        for name in ("list-review-text", "list-title"):
            text = _clean(e.get(name))
            if text and title_similarity(text, ref_title) < 0.85:
                out.append(
                    _f(
                        "PB602",
                        f"the review link text says {text!r} but {ref_what} {ref_title!r}",
                        e,
                        name,
                        "make the link text and the identifier name the same work",
                        lib=lib,
                    )
                )
    return out


@_rule(
    "PB603",
    "survey-record",
    "error",
    "The survey entry disagrees with its own identifiers: title, first author or author count differ from the "
    "record of its DOI/arXiv id (needs a record lookup: enrichment cache or `--records FILE`), or it is cited "
    "as a main-conference paper while its record or its own URL says workshop.",
    "The citation block of the list is copied by every reader who cites the list.",
    "Correct the survey entry from the publisher's record (`pathbib enrich --only KEY`), e.g. booktitle "
    '"... Conference on Computer Vision (ICCV) Workshops".',
)
def rule_survey_record(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in survey_entries(lib, ctx.settings):
        venue = _clean(e.get("booktitle") or e.get("journal"))
        got = _survey_record(e, ctx)
        workshop_evidence = ""
        for _, u in _urls(e, ("url", "list-links", "cvf")):
            if _WORKSHOP_URL.search(u):
                workshop_evidence = f"its URL {u} is a workshop paper"
        if got:
            what, rec = got
            rt = _clean(getattr(rec, "title", ""))
            if rt and _clean(e.get("title")) and title_similarity(rt, e.get("title") or "") < 0.9:
                out.append(
                    _f(
                        "PB603",
                        f"title {_clean(e.get('title'))!r} differs from {what}: {rt!r}",
                        e,
                        "title",
                        f"use {rt!r}",
                        lib=lib,
                    )
                )
            rauth = _record_families(getattr(rec, "authors", ()) or ())
            eauth = author_families(e)
            if rauth and eauth and (rauth[0] != eauth[0] or len(rauth) != len(eauth)):
                out.append(
                    _f(
                        "PB603",
                        f"authors ({len(eauth)}, first {eauth[0]!r}) differ from {what} "
                        f"({len(rauth)}, first {rauth[0]!r})",
                        e,
                        "author",
                        "copy the record's authors",
                        lib=lib,
                    )
                )
            rc = _clean(getattr(rec, "container", ""))
            if rc and re.search(r"workshop", rc, re.I) and venue and not re.search(r"workshop", venue, re.I):
                workshop_evidence = f"{what} appeared in {rc!r}"
        if workshop_evidence and venue and not re.search(r"workshop", venue, re.I):
            out.append(
                _f(
                    "PB603",
                    f"cited as a main-conference paper ({venue!r}) but {workshop_evidence}",
                    e,
                    "booktitle",
                    "cite the workshop proceedings",
                    lib=lib,
                )
            )
    return out
