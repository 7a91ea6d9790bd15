"""BibTeX/biblatex entries -> CSL-JSON items (pure; returns text).

One pass per entry over a resolved field dict (macros expanded and crossref inherited once by
`_resolve.Resolver`); every LaTeX value is decoded by `pathbib.latex` (cached, with a fast path
for plain values), title-like fields with the case-protection-aware variant so that
`{DNA}` becomes `<span class="nocase">DNA</span>`. Fields that have no CSL variable are
reported as `Finding`s by `unmapped_fields` / `to_csl`, never silently dropped.

Output: a JSON array with one item per line (compact, `ensure_ascii=False`), in library order,
keys in a fixed order. That keeps the file diffable and lets Python's C JSON encoder do the work.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..model import Entry, Finding, Library
from ..names import Name, parse_name, split_authors
from ._resolve import Resolver, month_number
from ._text import decode_title, plain

__all__ = ["TYPE_MAP", "FIELD_HOME", "to_csl", "csl_items", "export_csl_json", "entry_to_csl"]

# BibTeX / biblatex entry type -> CSL type (unknown types become "document")
TYPE_MAP: dict[str, str] = {
    "article": "article-journal",
    "book": "book", "mvbook": "book", "collection": "book", "mvcollection": "book",
    "proceedings": "book", "mvproceedings": "book", "reference": "book", "mvreference": "book",
    "inbook": "chapter", "bookinbook": "chapter", "suppbook": "chapter",
    "incollection": "chapter", "suppcollection": "chapter",
    "inreference": "entry-encyclopedia",
    "inproceedings": "paper-conference", "conference": "paper-conference",
    "booklet": "pamphlet",
    "manual": "report", "report": "report", "techreport": "report",
    "thesis": "thesis", "phdthesis": "thesis", "mastersthesis": "thesis",
    "unpublished": "manuscript",
    "misc": "document",
    "online": "webpage", "electronic": "webpage", "www": "webpage",
    "periodical": "periodical", "suppperiodical": "article-journal",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software", "code": "software",
    "letter": "personal_communication",
    "artwork": "graphic", "image": "graphic",
    "audio": "song", "music": "song",
    "video": "motion_picture", "movie": "motion_picture",
    "jurisdiction": "legal_case", "legislation": "legislation", "legal": "legislation",
    "standard": "standard", "review": "review", "performance": "performance",
    "preprint": "article",
}

# field -> CSL variable for plain text fields (decoded, no case protection)
_TEXT: dict[str, str] = {
    "edition": "edition",
    "volume": "volume",
    "volumes": "number-of-volumes",
    "pagetotal": "number-of-pages",
    "chapter": "chapter-number",
    "version": "version",
    "isbn": "ISBN",
    "issn": "ISSN",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "abstract": "abstract",
    "annote": "annote",
    "annotation": "annote",
    "venue": "event-place",
    "location": "publisher-place",
    "address": "publisher-place",
    "shortjournal": "container-title-short",
    "journalabbrev": "container-title-short",
    "library": "call-number",
    "howpublished": "medium",
    "type": "genre",
    "issue": "issue",
    "eid": "number",
}
_TITLE: dict[str, str] = {
    "shorttitle": "title-short",
    "eventtitle": "event-title",
    "origtitle": "original-title",
}
_NAMES: dict[str, str] = {
    "author": "author",
    "editor": "editor",
    "translator": "translator",
    "bookauthor": "container-author",
    "commentator": "contributor",
    "holder": "author",
}
# fields consumed by dedicated code below (or pure bookkeeping with nothing to export)
_HANDLED = frozenset(
    {"title", "subtitle", "titleaddon", "journal", "journaltitle", "journalsubtitle",
     "booktitle", "booksubtitle", "maintitle", "mainsubtitle", "series", "number",
     "date", "year", "month", "day", "urldate", "eventdate", "origdate",
     "doi", "url", "eprint", "eprinttype", "archiveprefix", "primaryclass", "eprintclass",
     "pages", "publisher", "institution", "school", "organization",
     "keywords", "list-section", "list-highlight", "note", "language", "langid",
     "crossref", "entrysubtype"}
)
# where a field went, for docs/build.md and `export --report`
FIELD_HOME: dict[str, str] = {
    **_TEXT, **_TITLE, **_NAMES,
    "title": "title (+ subtitle, titleaddon)",
    "journal": "container-title", "journaltitle": "container-title", "booktitle": "container-title",
    "maintitle": "container-title / volume-title", "series": "collection-title",
    "number": "issue (articles) / collection-number (with series) / number",
    "date": "issued", "year": "issued", "month": "issued", "urldate": "accessed",
    "eventdate": "event-date", "origdate": "original-date",
    "doi": "DOI", "url": "URL", "eprint": "number = arXiv:ID (preprints) + URL",
    "pages": "page", "publisher": "publisher", "institution": "publisher",
    "school": "publisher", "organization": "publisher",
    "keywords": "keyword", "list-section": "keyword", "list-highlight": "note", "note": "note",
    "language": "language", "langid": "language",
}

_LANG = {
    "english": "en", "american": "en-US", "usenglish": "en-US", "british": "en-GB",
    "ukenglish": "en-GB", "german": "de", "ngerman": "de-DE", "austrian": "de-AT",
    "french": "fr", "italian": "it", "spanish": "es", "dutch": "nl", "portuguese": "pt",
    "russian": "ru", "chinese": "zh", "japanese": "ja", "swedish": "sv", "danish": "da",
    "norwegian": "no", "finnish": "fi", "polish": "pl", "czech": "cs", "greek": "el",
    "latin": "la", "turkish": "tr", "hungarian": "hu", "croatian": "hr", "catalan": "ca",
}
_THESIS_GENRE = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
# biblatex localisation keys used in `type`
_TYPE_KEYS = {
    "phdthesis": "PhD thesis", "mathesis": "Master's thesis", "candthesis": "Candidate thesis",
    "techreport": "Technical report", "resreport": "Research report", "software": "Computer software",
    "datacd": "CD-ROM", "audiocd": "Audio CD", "patent": "Patent",
}
_ISO_DATE = re.compile(r"^(\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", re.ASCII)
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)", re.ASCII)
_NOOPSORT = re.compile(r"\\noopsort\s*\{[^{}]*\}")
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})\W+([A-Za-z]+)\.?\s*$", re.ASCII)
_PAGE_DASH = re.compile(r"\s*(?:-{1,3}|\u2013|\u2014|\\textendash\s*|\{\\textendash\}|\\textemdash\s*)\s*")
_ARXIV_NEW = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")


def _date_parts(text: str) -> list[int] | None:
    m = _ISO_DATE.match(text.strip())
    if not m:
        return None
    parts = [int(m.group(1))]
    if m.group(2):
        mo = int(m.group(2))
        if not 1 <= mo <= 12:
            return parts
        parts.append(mo)
        if m.group(3):
            d = int(m.group(3))
            if 1 <= d <= 31:
                parts.append(d)
    return parts


def _iso_date(value: str) -> dict[str, Any] | None:
    """biblatex ISO 8601 `date` (`2023`, `2023-10`, `2023-10-02`, ranges `a/b`)."""
    v = value.strip()
    if not v:
        return None
    if "/" in v:
        a, _, b = v.partition("/")
        pa = _date_parts(a) if a and a != ".." else None
        pb = _date_parts(b) if b and b != ".." else None
        if pa and pb:
            return {"date-parts": [pa, pb]}
        if pa:
            return {"date-parts": [pa]}
        return {"literal": plain(v)}
    parts = _date_parts(v)
    if parts and len(str(parts[0])) == len(v.split("-")[0]):
        return {"date-parts": [parts]}
    return {"literal": plain(v)}


def _issued(f: dict[str, str]) -> dict[str, Any] | None:
    if f.get("date"):
        return _iso_date(f["date"])
    year = f.get("year")
    if not year:
        return None
    # `{\noopsort{1973b}}1973`: the argument only steers sorting
    y = plain(_NOOPSORT.sub("", year)) if "noopsort" in year else plain(year)
    if y.isascii() and y.isdigit():  # `٢٠٢٠` is not silently 2020
        parts = [int(y)]
    else:
        found = _YEAR.search(y)
        if not found:
            return {"literal": y}
        parts = [int(found.group())]
    month = plain(f.get("month", ""))
    mo = month_number(month)
    day = f.get("day", "").strip()
    if not mo and month:
        m = _DAY_MONTH.match(month)  # `10~jan` -> "10 January"
        if m:
            mo = month_number(m.group(2))
            day = m.group(1)
    if mo:
        parts.append(mo)
        if day.isascii() and day.isdigit() and 1 <= int(day) <= 31:
            parts.append(int(day))
    return {"date-parts": [parts]}


def _name(n: Name) -> dict[str, str] | None:
    if n.literal:
        if n.is_others:
            return None
        return {"literal": plain(n.literal)}
    out: dict[str, str] = {}
    if n.last:
        out["family"] = plain(n.last)
    if n.first:
        out["given"] = plain(n.first)
    if n.von:
        out["non-dropping-particle"] = plain(n.von)
    if n.jr:
        out["suffix"] = plain(n.jr)
    if not out.get("family"):
        given = out.get("given")
        return {"literal": given} if given else None
    return out


_AND = re.compile(r"\s+and\s+", re.I)
# one name as written -> its CSL dict; names recur across a library, and parsing is the cost
_NAME_CACHE: dict[str, dict[str, str] | None] = {}


def _names(value: str) -> list[dict[str, str]]:
    if "{" in value:
        parts = split_authors(value)
    else:  # no braces: `and` at depth 0 is a plain regex split (same result, much faster)
        parts = _AND.split(" ".join(value.split()))
    out = []
    cache = _NAME_CACHE
    for p in parts:
        try:
            d = cache[p]
        except KeyError:
            if len(cache) > 1 << 17:
                cache.clear()
            d = cache[p] = _name(parse_name(p)) if p.strip() else None
        if d:
            out.append(d)  # shared between items: never mutated after conversion
    return out


def _join_title(main: str | None, sub: str | None) -> str | None:
    if not main:
        return None
    t = decode_title(main)
    if sub:
        s = decode_title(sub)
        t = f"{t}: {s}" if t[-1:] not in ":?!." else f"{t} {s}"
    return t


def _pages(value: str) -> str:
    return _PAGE_DASH.sub("\u2013", plain(value) if "\\" in value or "{" in value else value.strip()) if value else ""


def _arxiv_id(f: dict[str, str]) -> str | None:
    eprint = f.get("eprint", "").strip()
    if not eprint:
        return None
    kind = (f.get("archiveprefix") or f.get("eprinttype") or "").strip().lower()
    if kind == "arxiv" or (not kind and _ARXIV_NEW.match(eprint)):
        return eprint
    return None


def entry_to_csl(entry: Entry, f: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Map one entry's resolved fields to a CSL item; also return the fields left out."""
    etype = entry.entry_type
    item: dict[str, Any] = {"id": entry.key, "type": TYPE_MAP.get(etype, "document"), "citation-key": entry.key}
    unmapped: list[str] = []
    arxiv = _arxiv_id(f)
    container = f.get("journaltitle") or f.get("journal")
    container_sub = f.get("journalsubtitle")
    if not container and f.get("booktitle"):
        container, container_sub = f.get("booktitle"), f.get("booksubtitle")
    if not container and f.get("maintitle") and etype not in ("book", "mvbook"):
        container, container_sub = f.get("maintitle"), f.get("mainsubtitle")
    is_preprint = bool(arxiv) and not container and etype in ("article", "misc", "online", "unpublished", "preprint", "report", "techreport")
    if is_preprint or (etype == "misc" and arxiv):
        item["type"] = "article"
    if etype == "article" and not container and not arxiv:
        item["type"] = "article-journal" if f.get("volume") or f.get("pages") else "article"

    for name, value in f.items():
        if name in _HANDLED:
            continue
        if name in _NAMES:
            names = _names(value)
            if names:
                var = _NAMES[name]
                item.setdefault(var, []).extend(names)
        elif name in _TITLE:
            item[_TITLE[name]] = decode_title(value)
        elif name in _TEXT:
            var = _TEXT[name]
            if var not in item:
                text = plain(value)
                if text:
                    item[var] = text
        else:
            unmapped.append(name)

    title = _join_title(f.get("title"), f.get("subtitle"))
    if title:
        if f.get("titleaddon"):
            title = f"{title}. {decode_title(f['titleaddon'])}"
        item["title"] = title
    ctitle = _join_title(container, container_sub)
    if ctitle:
        item["container-title"] = ctitle
    maintitle = _join_title(f.get("maintitle"), f.get("mainsubtitle"))
    if maintitle and container != f.get("maintitle"):
        if item["type"] == "book":  # one volume of a multi-volume work
            if "title" in item:
                item["volume-title"] = item["title"]
            item["title"] = maintitle
        else:  # a part of one volume: the volume is `booktitle`, the whole work `maintitle`
            if "container-title" in item:
                item["volume-title"] = item["container-title"]
            item["container-title"] = maintitle
    if f.get("series"):
        item["collection-title"] = decode_title(f["series"])

    number = f.get("number")
    if number:
        n = plain(number)
        if item["type"] in ("article-journal", "article-magazine", "article-newspaper", "periodical"):
            item.setdefault("issue", n)
        elif f.get("series") and item["type"] in ("book", "chapter", "paper-conference"):
            item["collection-number"] = n
        else:
            item["number"] = n

    publisher = f.get("publisher") or f.get("institution") or f.get("school") or f.get("organization")
    if publisher:
        item["publisher"] = plain(publisher)
    if f.get("organization") and publisher != f.get("organization"):
        unmapped.append("organization")
    if etype in _THESIS_GENRE and "genre" not in item:
        item["genre"] = _THESIS_GENRE[etype]
    elif item.get("genre") in _TYPE_KEYS:
        item["genre"] = _TYPE_KEYS[item["genre"]]

    issued = _issued(f)
    if issued:
        item["issued"] = issued
    for src, var in (("urldate", "accessed"), ("eventdate", "event-date"), ("origdate", "original-date")):
        if f.get(src):
            d = _iso_date(f[src])
            if d:
                item[var] = d

    if f.get("pages"):
        item["page"] = _pages(f["pages"])
    doi = f.get("doi", "").strip()
    if doi:
        item["DOI"] = doi
    url = f.get("url", "").strip()
    if url:
        item["URL"] = url
    if arxiv:
        if is_preprint or item["type"] == "article":
            item["number"] = f"arXiv:{arxiv}"
            item["publisher"] = "arXiv"
            item.setdefault("genre", "Preprint")
        else:
            unmapped.append("eprint")
        if "URL" not in item:
            item["URL"] = f"https://arxiv.org/abs/{arxiv}"
    elif f.get("eprint"):
        unmapped.append("eprint")

    kw = [k.strip() for k in plain(f.get("keywords", "")).split(",") if k.strip()]
    for sec in f.get("list-section", "").split(","):
        sec = sec.strip()
        if sec and sec not in kw:
            kw.append(sec)
    if kw:
        item["keyword"] = ", ".join(kw)
    notes = [plain(f["note"])] if f.get("note") else []
    if f.get("list-highlight"):
        hl = f["list-highlight"]
        notes.append(plain(hl) if "\\" in hl or "{" in hl else " ".join(hl.split()))
    notes = [n for n in notes if n]
    if notes:
        item["note"] = "\n".join(notes)
    lang = (f.get("langid") or f.get("language") or "").strip()
    if lang:
        code = _LANG.get(lang.lower().strip("{}"))
        if code:
            item["language"] = code
        elif re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
            item["language"] = lang
        else:
            unmapped.append("langid" if "langid" in f else "language")
    return item, unmapped


def to_csl(library: Library) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Convert every entry; return the CSL items and one finding per field with no CSL home."""
    resolver = Resolver(library)
    items: list[dict[str, Any]] = []
    findings: list[Finding] = []
    for entry in library.entries:
        item, unmapped = entry_to_csl(entry, resolver.fields(entry))
        items.append(item)
        for name in unmapped:
            findings.append(
                Finding("EXP001", "info", f"field {name!r} has no CSL-JSON home; not exported", entry.key, name)
            )
    return items, findings


def csl_items(library: Library) -> list[dict[str, Any]]:
    """Return the CSL items of every entry, in library order."""
    return to_csl(library)[0]


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def dumps_items(items: Iterable[dict[str, Any]]) -> str:
    """Serialise CSL items: a JSON array, one compact item per line, UTF-8 text kept as is."""
    lines = [_ENCODE(it) for it in items]
    if not lines:
        return "[]\n"
    # perf: bracket the first/last line instead of `"[" + join + "]"`, which copies the whole
    # text once more (80 MB for 24k entries when one character is outside the BMP)
    lines[0] = "[\n" + lines[0]
    lines[-1] += "\n]\n"
    return ",\n".join(lines)


def _iter_items(library: Library) -> Iterator[dict[str, Any]]:
    resolver = Resolver(library)
    for entry in library.entries:
        yield entry_to_csl(entry, resolver.fields(entry))[0]


def export_csl_json(library: Library) -> str:
    """Return the library as CSL-JSON text."""
    # perf: items are serialised as they are made, so they are never all in memory at once
    return dumps_items(_iter_items(library))


def export_csl_json_bytes(library: Library) -> bytes:
    """Return `export_csl_json(library)` encoded as UTF-8, built with far less memory.

    One character outside the BMP makes a Python str 4 bytes per character: the text of a
    24k-entry library takes 80 MB as str and 21 MB as UTF-8 (docs/performance.md).
    """
    enc = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    lines = [enc(it).encode("utf-8") for it in _iter_items(library)]
    if not lines:
        return b"[]\n"
    lines[0] = b"[\n" + lines[0]
    lines[-1] += b"\n]\n"
    return b",\n".join(lines)
