"""Value-level rules of enrichment (pure): which BibTeX fields a record gives, and when two values
are the same fact, a placeholder, an abbreviation or a completion of the other.

Used by `enrich` (the merge of a record into an entry); nothing here knows about lookups.
"""

from __future__ import annotations

import re

from .identifiers import normalize_arxiv, normalize_doi
from .latex import escape, sanitize
from .matching import normalize_family, normalize_title
from .names import split_names
from .record import Record

# Library values that only say "preprint": a published venue replaces them without conflict
PLACEHOLDER = re.compile(
    r"^\s*(arxiv|medrxiv|biorxiv|ssrn|preprint|corr|arxiv\s*preprint.*|arxiv\s*e-prints|.*\barxiv:\s*\d.*)\s*$",
    re.I,
)
VENUE_FIELDS = ("journal", "booktitle", "volume", "number", "pages", "publisher", "doi", "year", "date")
NO_ESCAPE = {"doi", "url", "eprint", "archiveprefix", "primaryclass", "pii", "date", "year", "isbn", "issn"}
# Fields only filled when empty: a different value in the library is another form of the same
# fact (the electronic ISSN, another landing page), never a conflict worth a curator's time
FILL_ONLY = {"url", "isbn", "issn", "editor"}
BOOK_TYPES = ("book", "incollection", "inproceedings", "proceedings", "inbook")


def bib_escape(text: str) -> str:
    """Text from a source -> BibTeX value: LaTeX specials escaped, commands outside the allow-list inert."""
    return escape(text, keep_markup=True)


def norm(fname: str, value: str) -> str:
    v = value.strip()
    if fname in ("title", "journal", "booktitle", "publisher"):
        return normalize_title(v)
    if fname == "pages":
        return re.sub(r"[\s\-\u2013\u2014]+", "-", v)
    if fname == "doi":
        return normalize_doi(v) or v.lower()
    if fname == "eprint":
        return normalize_arxiv(v) or v.lower()
    return re.sub(r"\s+", " ", v).lower().replace("{", "").replace("}", "")


def _families_value(value: str) -> tuple[str, ...]:
    return tuple(
        normalize_family(n.last) for n in split_names(value) if not n.literal and normalize_family(n.last)
    )


def container_field(btype: str) -> str:
    """Where an entry of type `btype` names its venue (a preprint server goes in `howpublished`)."""
    if btype == "article":
        return "journal"
    if btype in ("misc", "unpublished", "online"):
        return "howpublished"
    return "booktitle"


def record_fields(rec: Record, btype: str, *, preprint_source: bool) -> dict[str, str]:
    """The BibTeX fields a record can give, for an entry of type `btype` (values escaped)."""
    latex = ("format", "latex") in rec.extra
    out: dict[str, str] = {}
    if rec.title:
        out["title"] = rec.title
    if rec.authors:
        out["author"] = " and ".join(rec.authors)
    if rec.editors and btype in BOOK_TYPES:
        out["editor"] = " and ".join(rec.editors)
    if rec.container and not (rec.is_preprint and rec.container.lower().startswith("arxiv")):
        out[container_field(btype)] = rec.container
    if rec.year:
        out["year"] = rec.year
    if rec.date and len(rec.date) > 4 and not preprint_source:
        out["date"] = rec.date
    # arXiv's DOI field names the published version and is typed by authors: used only after verification
    doi = "" if rec.source == "arxiv" else rec.doi
    for f, v in (("volume", rec.volume), ("number", rec.issue), ("pages", rec.pages), ("doi", doi)):
        if v:
            out[f] = v
    if rec.arxiv:
        out["eprint"] = rec.arxiv
        out["archiveprefix"] = "arXiv"
        prim = dict(rec.extra).get("primary_category")
        if prim:
            out["primaryclass"] = prim
    if rec.publisher and btype in ("book", "incollection", "inproceedings", "proceedings", "techreport"):
        out["publisher"] = rec.publisher
    if rec.isbn and btype in BOOK_TYPES:
        out["isbn"] = rec.isbn
    if rec.issn and btype == "article":
        out["issn"] = rec.issn
    if rec.url and rec.source == "crossref":  # the publisher's landing page (never the DOI resolver)
        out["url"] = rec.url
    if not latex:
        out = {k: (v if k in NO_ESCAPE else bib_escape(v)) for k, v in out.items()}
        if rec.title_latex:  # already LaTeX: sub/superscripts, italics, TeX math
            out["title"] = rec.title_latex
    # LaTeX from a source (a BibTeX file, a title's markup) keeps only its text commands
    return {k: (v if k in NO_ESCAPE else sanitize(v)) for k, v in out.items()}


_ORDER = {
    n: i
    for i, n in enumerate(
        (
            "author",
            "title",
            "journal",
            "booktitle",
            "year",
            "date",
            "volume",
            "number",
            "pages",
            "publisher",
            "doi",
            "eprint",
            "archiveprefix",
            "primaryclass",
        )
    )
}


def field_order(name: str) -> int:
    return _ORDER.get(name, 99)


_STOP = {"of", "the", "and", "on", "for", "in", "de", "a", "an"}


def contained(old: str, new: str) -> bool:
    """Every word of `old` is in the longer `new` ("CVPR" in "Proceedings of the IEEE/CVF ... (CVPR)")."""
    ot = set(normalize_title(old).split()) - _STOP
    nt = set(normalize_title(new).split())
    # words that make it another venue, not a longer name of the same one
    if (nt - ot) & {
        "workshop",
        "workshops",
        "companion",
        "adjunct",
        "supplement",
        "demo",
        "demos",
        "findings",
    }:
        return False
    return bool(ot) and ot < nt


def _abbrev_token(a: str, words: list[str], short_ok: bool = False) -> int:
    """Number of leading `words` that token `a` abbreviates ("bme" -> biomedical engineering), or 0.

    A one- or two-letter token ("j" of "J Clin Pathol") abbreviates a word it starts only
    with `short_ok`: inside a longer abbreviation, where the other words confirm it."""
    if not words:
        return 0
    if words[0] == a or ((len(a) >= 3 or short_ok) and words[0].startswith(a)):
        return 1
    for k in range(len(words), 1, -1):
        span = words[:k]
        pos, ok = 0, True
        for idx, w_ in enumerate(span):  # each word gives its first letter, in order
            if pos >= len(a) or a[pos] != w_[0]:
                ok = False
                break
            pos += 1
            rest = w_[1:]
            nxt = span[idx + 1][0] if idx + 1 < len(span) else None
            while pos < len(a) and a[pos] != nxt:  # then any of its letters, in order
                i = rest.find(a[pos])
                if i < 0:
                    break
                rest = rest[i + 1 :]
                pos += 1
        if ok and pos == len(a):
            return k
    return 0


def abbreviates(old: str, new: str) -> bool:
    """True when `old` is an abbreviation of `new` ("Nature BME" of "Nature Biomedical Engineering")."""
    ot = normalize_title(old).split()
    nt = [w_ for w_ in normalize_title(new).split() if w_ not in _STOP]
    if not ot or ot == nt:
        return False
    j = 0
    short_ok = sum(a not in _STOP for a in ot) >= 2
    for a in ot:
        if a in _STOP:
            continue
        k = _abbrev_token(a, nt[j:], short_ok)
        if not k:
            return False
        j += k
    return j == len(nt)


def same(fname: str, old: str, new: str) -> bool:
    if fname == "author":
        return _families_value(old) == _families_value(new)
    return norm(fname, old) == norm(fname, new)


def completes(old: str, new: str) -> bool:
    fo, fn = _families_value(old), _families_value(new)
    return bool(re.search(r"\band\s+others\s*$", old.strip())) and fn[: len(fo)] == fo and len(fn) > len(fo)
