"""PB4xx: identifiers and required fields."""

from __future__ import annotations

from ..model import Finding, Library
from .fields import SHORTENERS, _clean, _host, _is_arxiv_eprint, _urls, field_arxiv, field_doi
from .index import _index
from .registry import CheckContext, _f, _rule

REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal"),
    "inproceedings": ("author", "title", "booktitle"),
    "conference": ("author", "title", "booktitle"),
    "incollection": ("author", "title", "booktitle", "publisher"),
    "book": ("author|editor", "title", "publisher"),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher"),
    "phdthesis": ("author", "title", "school"),
    "mastersthesis": ("author", "title", "school"),
    "techreport": ("author", "title", "institution"),
    "misc": ("title",),
    "online": ("title", "url"),
    "unpublished": ("author", "title"),
    "manual": ("title",),
    "proceedings": ("title",),
}
_ALIASES = {"journal": ("journal", "journaltitle"), "school": ("school", "institution")}


@_rule(
    "PB401",
    "missing-identifier",
    "warning",
    "No DOI, arXiv id (`eprint`), PMID, OpenReview id, ISBN or URL (other than a link shortener).",
    "Without an identifier the paper cannot be found, enriched or deduplicated reliably.",
    "Add the DOI or arXiv id (or a stable URL of the paper).",
)
def rule_missing_identifier(lib: Library, ctx: CheckContext) -> list[Finding]:
    idx = _index(lib, ctx)
    out = []
    for e in idx.entries:
        if idx.ids[e.key] or e.get("isbn") or e.get("eprint"):
            continue
        if any(_host(u) not in SHORTENERS for _, u in _urls(e, ("url", "list-links", "howpublished"))):
            continue
        out.append(
            _f("PB401", "no DOI, arXiv id or stable URL", e, "doi", "add a DOI, eprint or url", lib=lib)
        )
    return out


@_rule(
    "PB402",
    "missing-required-field",
    "warning",
    "A field BibTeX requires for the entry type is missing (article: author, title, journal; inproceedings: "
    "author, title, booktitle; ...). The year is checked by PB305.",
    "BibTeX prints warnings and incomplete references.",
    "Fill the field (`pathbib enrich` does it from the DOI/arXiv record), or change the entry type.",
)
def rule_missing_required(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        missing = []
        for req in REQUIRED.get(e.entry_type, ()):
            alts = [a for r in req.split("|") for a in _ALIASES.get(r, (r,))]
            if not any(_clean(e.get(a)) for a in alts):
                missing.append(req.replace("|", " or "))
        if missing:
            out.append(
                _f(
                    "PB402",
                    f"@{e.entry_type} without {', '.join(missing)}",
                    e,
                    missing[0].split(" ")[0],
                    f"add {', '.join(missing)}",
                    lib=lib,
                )
            )
    return out


def _doi_fix(value: str) -> str | None:
    """The bare lower-case form of a `doi` field value, when it differs (PB403), else None."""
    n = field_doi(value)
    return n if n is not None and n != value else None


@_rule(
    "PB403",
    "doi-form",
    "warning",
    "The DOI is not in the bare lower-case form `10.xxxx/...` (it is a doi.org URL, has a `doi:` prefix, "
    "upper-case letters or spaces).",
    "One form makes DOIs comparable (duplicates, enrichment) and lets styles build the link themselves.",
    "`pathbib check --fix` rewrites it (DOIs are case-insensitive, so lower-casing is safe).",
    fixable=True,
)
def rule_doi_form(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        v = e.get("doi")
        if v and (n := _doi_fix(v)):
            out.append(
                _f("PB403", f"DOI {v!r} is not in bare lower-case form", e, "doi", f"use {n}", lib=lib)
            )
    return out


@_rule(
    "PB404",
    "malformed-doi",
    "error",
    "The `doi` field is not a DOI (`10.` + 4-9 digit registrant + `/` + suffix), even after removing a "
    "doi.org/`doi:` prefix.",
    "A malformed DOI links nowhere and blocks enrichment.",
    "Copy the DOI from the publisher's page or Crossref.",
)
def rule_malformed_doi(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        v = e.get("doi")
        if v is not None and field_doi(v) is None:
            out.append(
                _f("PB404", f"{v!r} is not a DOI", e, "doi", "copy the DOI from the publisher", lib=lib)
            )
    return out


@_rule(
    "PB405",
    "malformed-arxiv-id",
    "error",
    "An arXiv `eprint` that is not an arXiv identifier (`yymm.nnnnn` or `archive/yymmnnn`, optional `vN`), "
    "or whose month is not 01-12.",
    "A malformed id links nowhere and blocks enrichment.",
    "Copy the id from the arXiv abstract page, without the `arXiv:` prefix.",
)
def rule_malformed_arxiv(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        if not _is_arxiv_eprint(e):
            continue
        raw = _clean(e.get("eprint"))
        if field_arxiv(raw) is None:
            out.append(
                _f(
                    "PB405",
                    f"eprint {raw!r} is not an arXiv id",
                    e,
                    "eprint",
                    "use the id from the arXiv abstract page, e.g. 2307.16142",
                    lib=lib,
                )
            )
    return out
