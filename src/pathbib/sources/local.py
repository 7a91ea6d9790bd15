"""A local metadata file as a source: CSL-JSON (Zotero export, seed-metadata.json) or BibTeX.

`read_local(path)` is the I/O; `parse_csl(data)`, `parse_csl_item(item)` and `parse_bibtex(text)`
are pure converters. An empty value in the file means "not confirmed" and stays empty in
the record: enrich never invents what the file leaves out. `LocalIndex` answers lookups
by DOI, arXiv id, PII and title from memory (no network, no cache).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..names import EMPTY_FIRST
from ..record import Record
from .crossref_types import TYPE_MAP

# CSL type -> (BibTeX type, kinds)
CSL_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "article-journal": ("article", frozenset()),
    "article-magazine": ("article", frozenset()),
    "article-newspaper": ("article", frozenset()),
    "paper-conference": ("inproceedings", frozenset()),
    "chapter": ("incollection", frozenset()),
    "entry-encyclopedia": ("incollection", frozenset()),
    "book": ("book", frozenset()),
    "report": ("techreport", frozenset()),
    "thesis": ("phdthesis", frozenset()),
    "article": ("misc", frozenset({"preprint"})),  # CSL "article": preprints, working papers
    "manuscript": ("unpublished", frozenset()),
    "dataset": ("misc", frozenset()),
    "webpage": ("misc", frozenset()),
    "review": ("misc", frozenset({"peer-review"})),
    "review-book": ("misc", frozenset({"peer-review"})),
}

# BibTeX field -> Record field, for BibTeX files
BIBTEX_FIELDS: dict[str, str] = {
    "title": "title",
    "journal": "container",
    "booktitle": "container",
    "year": "year",
    "date": "date",
    "volume": "volume",
    "number": "issue",
    "pages": "pages",
    "doi": "doi",
    "eprint": "arxiv",
    "url": "url",
    "publisher": "publisher",
    "issn": "issn",
    "pii": "pii",
    "list-title": "alt_title",
}
_WS = re.compile(r"\s+")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)


def _s(v: Any) -> str:
    if v is None or isinstance(v, (dict, list)):
        return ""
    return _WS.sub(" ", str(v)).strip()


def _csl_date(v: Any) -> tuple[str, str]:
    if isinstance(v, dict):
        parts = v.get("date-parts")
        p: list[int] = []
        if isinstance(parts, list) and parts and isinstance(parts[0], list):
            for x in parts[0][:3]:  # numbers or digit strings only; a bad part ends the date
                if (
                    isinstance(x, bool)
                    or not isinstance(x, (int, str))
                    or not re.fullmatch(r"[0-9]+", str(x).strip())
                ):
                    break
                p.append(int(x))
        if p and 1 <= p[0] <= 9999 and all(1 <= x <= 31 for x in p[1:]) and (len(p) < 2 or p[1] <= 12):
            return str(p[0]), "-".join([f"{p[0]:04d}", *[f"{x:02d}" for x in p[1:3]]])
        raw = _s(v.get("raw") or v.get("literal"))
        m = re.match(r"(\d{4})", raw)
        if m:
            return m.group(1), ""
    return "", ""


def _csl_name(a: Any) -> str:
    if not isinstance(a, dict):
        return ""
    fam = _s(a.get("family"))
    for particle in ("non-dropping-particle", "dropping-particle"):
        if a.get(particle):  # BibTeX has one von part: "van der Laan, Mark"
            fam = f"{_s(a[particle])} {fam}".strip()
    given, suffix = _s(a.get("given")), _s(a.get("suffix"))
    if fam and suffix:
        return f"{fam}, {suffix}, {given or EMPTY_FIRST}"
    if fam:
        return f"{fam}, {given}" if given else fam
    lit = _s(a.get("literal"))
    return "{" + lit + "}" if lit else ""


def _ids_from_url(url: str) -> dict[str, str]:
    if not url:
        return {}
    from ..identifiers import extract_identifiers

    return {k: v for k, v in extract_identifiers(url).items() if isinstance(v, str)}


def parse_csl_item(item: dict[str, Any], source: str = "file") -> Record:
    """Convert one CSL-JSON item (plus seed-metadata's custom keys) to a Record."""
    from ..identifiers import normalize_arxiv, normalize_doi

    ctype = _s(item.get("type"))
    if ctype in CSL_TYPES:
        btype, kinds = CSL_TYPES[ctype]
    else:  # Crossref's content negotiation writes its own type names into CSL-JSON
        btype, kinds = TYPE_MAP.get(ctype, ("misc", frozenset()))
    if _s(item.get("entry_type")) == "preprint":
        kinds = kinds | {"preprint"}
    year, date = _csl_date(item.get("issued"))
    doi = normalize_doi(_s(item.get("DOI"))) or ""
    arxiv = normalize_arxiv(_s(item.get("arxiv") or item.get("eprint"))) or ""
    m = _ARXIV_DOI.match(doi)
    if m and not arxiv:
        arxiv = normalize_arxiv(m.group(1)) or ""
    url = _s(item.get("URL"))
    from_url = _ids_from_url(url)
    alt = tuple(
        t
        for t in (_s(item.get("list_title")), _s(item.get("title-short")), _s(item.get("shortTitle")))
        if t and t != _s(item.get("title"))
    )
    page = _s(item.get("page"))
    return Record(
        source=source,
        id=_s(item.get("id")) or doi or arxiv or _s(item.get("title")),
        title=_s(item.get("title")),
        alt_titles=alt,
        authors=tuple(n for n in (_csl_name(a) for a in item.get("author") or ()) if n),
        container=_s(item.get("container-title")),
        type=btype,
        source_type=ctype,
        year=year,
        date=date if len(date) > 4 else "",
        volume=_s(item.get("volume")),
        issue=_s(item.get("issue")),
        pages=re.sub(r"\s*[-\u2013]+\s*", "--", page)
        if page
        else _s(item.get("number"))
        if ctype == "article-journal"
        else "",
        doi=doi,
        arxiv=arxiv,
        pii=from_url.get("pii", ""),
        url=url,
        publisher=_s(item.get("publisher")),
        issn=_s(item.get("ISSN")),
        kinds=frozenset(kinds),
        extra=(("list_title", _s(item.get("list_title"))),) if _s(item.get("list_title")) else (),
    )


def parse_csl(
    data: Any, source: str = "file", warn: Callable[[str], None] = lambda message: None
) -> list[Record]:
    """Convert a CSL-JSON document (a list of items, or {"items": [...]}) to records.

    An item that cannot be read is left out with a warning naming it: one bad record never
    ends the run.
    """
    items = data.get("items") if isinstance(data, dict) and "items" in data else data
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise InputError(
            "is not CSL-JSON (expected a list of items)", "export CSL-JSON from your reference manager"
        )
    out = []
    for n, i in enumerate(items, 1):
        if not isinstance(i, dict):
            warn(f"warning: {source}: item {n} is not a JSON object; left out")
            continue
        try:
            out.append(parse_csl_item(i, source))
        except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
            warn(
                f"warning: {source}: item {n} ({_s(i.get('id'))[:40] or 'no id'}) cannot be read ({exc}); left out"
            )
    return out


def parse_bibtex(text: str, source: str = "file") -> list[Record]:
    """Convert BibTeX text to records; values stay LaTeX (marked so enrich does not re-escape them)."""
    from ..bibio import parse
    from ..identifiers import normalize_arxiv, normalize_doi
    from ..names import format_name, split_names

    out = []
    for e in parse(text).entries:
        kw: dict[str, Any] = {}
        alt: list[str] = []
        for name, target in BIBTEX_FIELDS.items():
            v = e.get(name)
            if not v:
                continue
            v = _WS.sub(" ", v).strip()
            if target == "alt_title":
                alt.append(v)
            elif target not in kw:
                kw[target] = v
        if "doi" in kw:
            kw["doi"] = normalize_doi(kw["doi"]) or ""
        if "arxiv" in kw:
            kw["arxiv"] = normalize_arxiv(kw["arxiv"]) or ""
        if "date" in kw and not kw.get("year"):
            kw["year"] = kw["date"][:4]
        authors = tuple(format_name(n) for n in split_names(e.get("author") or ""))
        kinds = (
            frozenset({"preprint"})
            if (e.get("archiveprefix") or "").lower() == "arxiv" and not kw.get("container")
            else frozenset()
        )
        out.append(
            Record(
                source=source,
                id=e.key,
                authors=authors,
                type=e.entry_type,
                source_type=e.entry_type,
                alt_titles=tuple(alt),
                kinds=kinds,
                extra=(("format", "latex"),),
                **kw,
            )
        )
    return out


def read_local(path: str | Path, warn: Callable[[str], None] = lambda message: None) -> list[Record]:
    """Read a CSL-JSON (.json) or BibTeX (.bib) metadata file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot be read: {exc}", "check the path given to --source file:PATH", path=str(p)
        ) from None
    source = f"file:{p.name}"
    if p.suffix.lower() in (".bib", ".bibtex") or text.lstrip().startswith("@"):
        return parse_bibtex(text, source)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"is not valid JSON: {exc}", "give a CSL-JSON or BibTeX file", path=str(p)) from None
    except RecursionError:
        raise InputError(
            "is nested too deeply to be CSL-JSON", "give a CSL-JSON or BibTeX file", path=str(p)
        ) from None
    return parse_csl(data, source, warn)


@dataclass
class LocalIndex:
    """In-memory lookups over a file's records."""

    records: list[Record]
    by_doi: dict[str, list[Record]] = field(default_factory=dict)
    by_arxiv: dict[str, list[Record]] = field(default_factory=dict)
    by_pii: dict[str, list[Record]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for r in self.records:
            if r.doi:
                self.by_doi.setdefault(r.doi, []).append(r)
            if r.arxiv:
                self.by_arxiv.setdefault(r.arxiv, []).append(r)
            if r.pii:
                self.by_pii.setdefault(r.pii.upper(), []).append(r)

    def by_list_title(self, title: str) -> Record | None:
        """The record whose list title (as the list printed it) equals `title`, if exactly one work has it."""
        from ..matching import normalize_title

        key = normalize_title(title)
        if not key:
            return None
        hits = [
            r
            for r in self.records
            if any(normalize_title(t) == key for t in r.alt_titles[:1])
            or (not r.alt_titles and normalize_title(r.title) == key and "list_title" in dict(r.extra))
        ]
        works = dedupe(hits)
        return works[0] if len(works) == 1 else None

    def search(self, title: str, floor: float = 0.6) -> list[Record]:
        """Records whose title (or an alternative title) is at least `floor` similar."""
        from ..matching import title_similarity

        if not title:
            return []
        scored = []
        for r in self.records:
            best = max((title_similarity(title, t) for t in (r.title, *r.alt_titles) if t), default=0.0)
            if best >= floor:
                scored.append((best, r))
        scored.sort(key=lambda x: -x[0])
        return [r for _, r in scored[:10]]


def dedupe(records: Iterable[Record]) -> list[Record]:
    """Drop exact duplicates (same DOI/arXiv id/title+year), keeping the fuller record."""
    out: dict[tuple[str, str], Record] = {}
    for r in records:
        key = (
            ("doi", r.doi)
            if r.doi
            else ("arxiv", r.arxiv)
            if r.arxiv
            else ("t", f"{r.title.lower()}|{r.year}")
        )
        prev = out.get(key)
        if prev is None or sum(bool(getattr(r, f)) for f in ("authors", "container", "pages")) > sum(
            bool(getattr(prev, f)) for f in ("authors", "container", "pages")
        ):
            out[key] = (
                r
                if prev is None
                else replace(r, alt_titles=tuple(dict.fromkeys(r.alt_titles + prev.alt_titles)))
            )
    return list(out.values())
