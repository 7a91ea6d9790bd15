"""PB3xx: contradictions and dates."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ..dates import DATE_FIELDS, fields_disagreement
from ..identifiers import (
    arxiv_year_month,
)
from ..matching import fold
from ..model import Entry, Finding, Library
from .fields import (
    _PREPRINT_DOI,
    _PREPRINT_WORDS,
    _clean,
    _plain,
    _presented_as_preprint,
    _urls,
    _venue_label,
    entry_year,
    field_doi,
    is_preprint,
)
from .index import _index
from .registry import CheckContext, _f, _rule

_JOURNALISH = re.compile(
    r"\b(journal|transactions|letters|nature|science|reviews?|magazine|annals|bulletin|"
    r"medical image analysis|computers in biology|communications)\b"
)
_PROCEEDINGSISH = re.compile(
    r"\b(proceedings|proc|conference|symposium|workshops?|congress|cvpr|iccv|eccv|"
    r"neurips|nips|icml|iclr|miccai|aaai|ijcai|wacv|isbi|midl|acl|emnlp|kdd)\b"
)


def _published_elsewhere(entry: Entry, ctx: CheckContext, ids: Mapping[str, set[str]]) -> str | None:
    """Evidence that a preprint-presented entry has a published version, or None."""
    doi = field_doi(entry.get("doi"))
    if doi and not doi.startswith(_PREPRINT_DOI):
        return f"it has the DOI {doi} of a published version"
    for name in ("journal", "booktitle"):
        v = _clean(entry.get(name))
        if v and not _PREPRINT_WORDS.search(fold(v)):
            return f"its {name} is {v!r}"
    if ctx.lookup is not None:
        for a in sorted(ids.get("arxiv", ())):
            rec = ctx.lookup("arxiv", a)
            if rec is None:
                continue
            rdoi = (getattr(rec, "doi", "") or "").lower()
            cont = getattr(rec, "container", "") or ""
            if rdoi and not rdoi.startswith(_PREPRINT_DOI):
                return f"the record of arXiv:{a} gives the published version {rdoi}" + (
                    f" ({cont})" if cont else ""
                )
            jref = getattr(rec, "journal_ref", "") or ""
            if jref:
                return f"arXiv:{a} has the journal reference {jref!r}"
            if cont and not _PREPRINT_WORDS.search(fold(cont)):
                return f"the record of arXiv:{a} says it appeared in {cont!r}"
    return None


@_rule(
    "PB301",
    "preprint-published",
    "warning",
    "An entry presented as a preprint (arXiv/medRxiv record, or a list venue line starting `Preprint:`) whose "
    "published version is known: its own DOI/journal/booktitle, or the record of its arXiv id (the "
    "enrichment cache or `--records`). A published version that is a separate entry is reported by PB101.",
    'Readers should cite and find the peer-reviewed version; a stale "Preprint" label undersells the paper.',
    "Run `pathbib enrich` (or fill journal/booktitle, volume, pages and doi by hand), change the entry type, "
    "and update `list-venue`.",
)
def rule_preprint_published(lib: Library, ctx: CheckContext) -> list[Finding]:
    idx = _index(lib, ctx)
    paired = {k for pair in idx.dup_keys for k in pair}
    out = []
    for e in lib.entries:
        if e.key in paired or not _presented_as_preprint(e, ctx):
            continue
        why = _published_elsewhere(e, ctx, idx.ids[e.key])
        if why:
            out.append(
                _f(
                    "PB301",
                    f"presented as a preprint, but {why}",
                    e,
                    "list-venue" if e.get("list-venue") else "journal",
                    "cite the published version (pathbib enrich) and update list-venue",
                    lib=lib,
                )
            )
    return out


@_rule(
    "PB302",
    "venue-kind",
    "warning",
    "The kind of venue contradicts itself: the list's venue line says `Conference:`/`Proceedings:` for a "
    "journal or `Journal:` for proceedings, an `@article` whose journal is a conference, or an "
    "`@inproceedings` whose booktitle is a journal.",
    "Wrong venue kinds produce wrong citations (BibTeX styles format journals and proceedings differently).",
    "Fix the entry type and the journal/booktitle field, or the `list-venue` label.",
)
def rule_venue_kind(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        label = _venue_label(e)
        journal = _plain(e.get("journal") or e.get("journaltitle"))
        book = _plain(e.get("booktitle"))
        if (
            e.entry_type == "article"
            and journal
            and _PROCEEDINGSISH.search(journal)
            and not _JOURNALISH.search(journal)
        ):
            out.append(
                _f(
                    "PB302",
                    f"@article whose journal {_clean(e.get('journal'))!r} is a conference",
                    e,
                    "journal",
                    "use @inproceedings with booktitle",
                    lib=lib,
                )
            )
        elif (
            e.entry_type in ("inproceedings", "conference")
            and book
            and _JOURNALISH.search(book)
            and not _PROCEEDINGSISH.search(book)
        ):
            out.append(
                _f(
                    "PB302",
                    f"@inproceedings whose booktitle {_clean(e.get('booktitle'))!r} is a journal",
                    e,
                    "booktitle",
                    "use @article with journal",
                    lib=lib,
                )
            )
        elif (
            label in ("conference", "proceedings")
            and journal
            and not _PROCEEDINGSISH.search(journal)
            and not is_preprint(e)
        ):
            out.append(
                _f(
                    "PB302",
                    f"the list's venue line says {label.title()!r} but {_clean(e.get('journal'))!r} "
                    "is a journal",
                    e,
                    "list-venue",
                    "change the venue line to 'Journal:'",
                    lib=lib,
                )
            )
        elif label == "journal" and (book or e.entry_type in ("inproceedings", "conference")) and not journal:
            out.append(
                _f(
                    "PB302",
                    f"the list's venue line says 'Journal' but the entry is @{e.entry_type} "
                    f"in {_clean(e.get('booktitle'))!r}",
                    e,
                    "list-venue",
                    "change the venue line to 'Conference:'",
                    lib=lib,
                )
            )
    return out


_CVF_URL = re.compile(r"thecvf\.com/content(?:_|/)(?:cvpr|iccv|wacv|eccv|accv)_?(\d{4})", re.I)
_NEURIPS_URL = re.compile(r"(?:neurips\.cc|nips\.cc)/paper(?:_files/paper)?/(\d{4})/", re.I)
_ECVA_URL = re.compile(r"ecva\.net/papers/eccv_(\d{4})", re.I)
_ACL_URL = re.compile(r"aclanthology\.org/(\d{4})\.", re.I)
_NATURE_DOI = re.compile(r"^10\.1038/s\d{5}-(0\d\d)-")
_RXIV_DOI = re.compile(r"^10\.1101/(\d{4})\.\d\d\.\d\d")


def _year_evidence(entry: Entry, ids: Mapping[str, set[str]]) -> Iterator[tuple[str, str, int, int]]:
    """(field, what, lowest, highest) years the entry's identifiers and URLs allow."""
    for name, u in _urls(entry, ("url", "list-links")):
        for rx, what in (
            (_CVF_URL, "CVF proceedings URL"),
            (_NEURIPS_URL, "NeurIPS proceedings URL"),
            (_ECVA_URL, "ECCV proceedings URL"),
            (_ACL_URL, "ACL Anthology URL"),
        ):
            m = rx.search(u)
            if m:
                y = int(m.group(1))
                yield name, f"the {what} is for {y}", y, y
    for a in sorted(ids.get("arxiv", ())):
        if ym := arxiv_year_month(a):
            yield "eprint", f"arXiv:{a} was first posted in {ym[0]}", ym[0], 9999
    doi = field_doi(entry.get("doi")) or ""
    m = _NATURE_DOI.match(doi)
    if m:
        y = 2000 + int(m.group(1)[1:])
        yield "doi", f"the DOI {doi} was assigned in {y}", y, y + 1
    m = _RXIV_DOI.match(doi)
    if m:
        y = int(m.group(1))
        yield "doi", f"the preprint DOI {doi} was posted in {y}", y, 9999


@_rule(
    "PB303",
    "year-contradiction",
    "error",
    "The year contradicts the entry's identifiers or URLs: a CVF/NeurIPS/ECCV/ACL proceedings URL of another "
    "year, a year before the arXiv id's (yymm) or the medRxiv/bioRxiv DOI's posting year, a Nature-family DOI "
    "(s41591-024-...) more than a year off.",
    "One of the two is wrong: either the year (the list's ordering and span are computed from it) or the link.",
    "Correct the year, or the URL/identifier if it points at another paper or edition.",
)
def rule_year_contradiction(lib: Library, ctx: CheckContext) -> list[Finding]:
    idx = _index(lib, ctx)
    out = []
    for e in idx.entries:
        y = entry_year(e)
        if y is None:
            continue
        for name, what, lo, hi in _year_evidence(e, idx.ids[e.key]):
            if not lo <= y <= hi:
                out.append(
                    _f(
                        "PB303",
                        f"year {y} contradicts the {name}: {what}",
                        e,
                        "year",
                        f"check the year (expected {lo}"
                        + ("" if hi == lo else f"..{hi}" if hi < 9999 else " or later")
                        + ")",
                        lib=lib,
                    )
                )
                break
    return out


@_rule(
    "PB304",
    "future-date",
    "error",
    "The year or date is later than today (today is passed in by the command, `--today` overrides it).",
    "Usually a typo; a paper cannot have been published in the future.",
    "Correct the year/date.",
)
def rule_future_date(lib: Library, ctx: CheckContext) -> list[Finding]:
    if ctx.today is None:
        return []
    today = ctx.today.isoformat()
    out = []
    for e in lib.entries:
        y = _clean(e.get("year"))
        d = _clean(e.get("date"))
        if re.fullmatch(r"\d{4}", y) and int(y) > ctx.today.year:
            out.append(
                _f(
                    "PB304",
                    f"year {y} is in the future (today is {today})",
                    e,
                    "year",
                    "correct the year",
                    lib=lib,
                )
            )
        elif re.match(r"\d{4}(-\d\d){0,2}$", d) and d > today[: len(d)]:
            out.append(
                _f(
                    "PB304",
                    f"date {d} is in the future (today is {today})",
                    e,
                    "date",
                    "correct the date",
                    lib=lib,
                )
            )
    return out


@_rule(
    "PB305",
    "missing-year",
    "warning",
    "Neither `year` nor `date` gives a four-digit year.",
    'The list is ordered and its year span computed by date; BibTeX styles print "n.d.".',
    "Add the year of the version cited (`pathbib enrich` fills it from the DOI/arXiv record).",
)
def rule_missing_year(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        if entry_year(e) is None:
            y = _clean(e.get("year"))
            msg = f"year {y!r} is not a four-digit year" if y else "no year"
            out.append(_f("PB305", msg, e, "year", "add the year", lib=lib))
    return out


@_rule(
    "PB306",
    "date-contradiction",
    "error",
    "`year` and `date` give different years, or `origdate` is later than the date (or year) of the version cited.",
    "biblatex prints `date` when both are given, so a `date` next to a conflicting `year` silently overrides "
    "the year; an original publication cannot come after the version that reprints it.",
    "Make them agree: correct or remove `date` (or `year`), or fix `origdate`.",
)
def rule_date_contradiction(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        why = fields_disagreement({f: e.get(f) for f in DATE_FIELDS})
        if why:
            field = "origdate" if why.startswith("origdate") else "date"
            out.append(_f("PB306", why, e, field, f"correct the {field} or the year", lib=lib))
    return out
