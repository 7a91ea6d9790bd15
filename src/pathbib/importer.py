"""Awesome-list records → library.bib entries, merged into an existing library (pure).

`import_list(parsed, library, settings)` turns the items of a parsed list
(`importers.markdown.parse_list`) into BibTeX entries and merges them into `library`:

- items are matched to entries by identifier (DOI, arXiv, PII, OpenReview, CVF, NeurIPS hash,
  PubMed/PMC, IEEE), then by normalised title (when no identifier contradicts);
- an item listed more than once becomes one entry with every section and every distinct link;
- a new entry gets a fresh key (`keys.make_key`); an existing key is never changed;
- bibliographic fields already in the library win (differences are reported as conflicts,
  never applied); missing ones are filled; `list-*` fields mirror the list; `keywords` and
  link lists only grow;
- entries that came from the list but are no longer in it are reported as removed
  (and marked `list-exclude` only with `prune=True`).

Importing the same list twice changes nothing. The result is data: the new library and an
`ImportReport`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from .bibio import parse as parse_bibtex
from .config import ListSettings, Section, Settings, Subsection
from .identifiers import (
    IDENTIFIER_FIELDS,
    extract_identifiers,
    normalize_arxiv,
    normalize_doi,
    strip_tracking,
)
from .importers.markdown import Item, ParsedList
from .importers.mojibake import Ambiguity
from .keys import make_key
from .latex import escape
from .listfields import entry_sections, is_excluded, is_flagged_survey, is_survey, locked_fields
from .matching import normalize_title
from .model import Entry, Field, FieldChange, Finding, Library
from .names import format_name, parse_name, split_names

__all__ = [
    "ImportReport",
    "MergeNote",
    "ImportResult",
    "import_list",
    "items_to_entries",
    "section_ids",
    "list_settings",
    "latex_escape",
    "latex_unescape",
    "parse_date",
    "parse_venue",
    "bibtex_authors",
    "slug",
    "BIBLIO_FIELDS",
    "LIST_FIELDS",
]

#: Fields whose value in library.bib wins over the list (filled when missing, never overwritten).
BIBLIO_FIELDS = (
    "author", "title", "journal", "booktitle", "howpublished", "year", "date", "origdate", "doi",
    "eprint", "archiveprefix", "pii", "openreview", "cvf", "neurips-hash", "pmid", "pmcid", "ieee", "url",
)
#: Fields that mirror what the list says (the list wins).
LIST_FIELDS = ("list-title", "list-section", "list-number", "list-venue", "list-highlight", "list-note")
#: Space-separated link fields and comma-separated keywords: they only grow.
GROWING_FIELDS = ("list-code", "list-links", "keywords")

# ------------------------------------------------------------------------------ text helpers

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_UNESCAPE = re.compile(
    r"\\textbackslash\{\}|\\textasciitilde\{\}|\\textasciicircum\{\}|\\textbrace(?:left|right)\{\}|\\[&%$#_{}]"
)
_BRACE_WORDS = {r"\textbraceleft{}": "{", r"\textbraceright{}": "}"}


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters so that `text` is a valid BibTeX/LaTeX value (`latex.escape`)."""
    return escape(text)


def latex_unescape(value: str) -> str:
    """Reverse `latex_escape` (only what it produces; full decoding is `pathbib.latex`)."""
    rev = {v: k for k, v in _LATEX_SPECIAL.items()} | _BRACE_WORDS
    return _UNESCAPE.sub(lambda m: rev[m.group(0)], value)


def slug(text: str) -> str:
    """Section id from a heading: lower-case ASCII words joined by '-'."""
    from .keys import ascii_fold

    s = re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")
    return s or "section"


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def parse_date(text: str) -> str | None:
    """Return an ISO date (yyyy-mm-dd, yyyy-mm or yyyy) for a date as lists write it, or None.

    Accepts "19th Oct. 2022", "2th May. 2023", "6th Sep., 2023", "Oct 19, 2022", "2022-10-19",
    "2022/10", "October 2022", "2022".
    """
    t = " ".join(text.replace("*", "").replace("_", " ").split()).strip(" .")
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?", t)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), m.group(3)
        if not 1 <= mo <= 12:
            return None
        if d is None:
            return f"{y:04d}-{mo:02d}"
        return f"{y:04d}-{mo:02d}-{int(d):02d}" if 1 <= int(d) <= 31 else None
    words = re.findall(r"[A-Za-z]+|\d+", t)
    day = month = year = None
    for w in words:
        lw = w.lower()
        if w.isdigit():
            if len(w) == 4 and year is None:
                year = int(w)
            elif len(w) <= 2 and day is None and 1 <= int(w) <= 31:
                day = int(w)
            else:
                return None
        elif lw[:3] in _MONTHS and month is None and (len(lw) <= 4 or lw.startswith(lw[:3])):
            month = _MONTHS[lw[:3]]
        elif lw in ("st", "nd", "rd", "th", "of"):
            continue
        else:
            return None
    if year is None:
        return None
    if month is None:
        return None if day is not None else f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


_PREPRINT_SERVERS = re.compile(
    r"^(arxiv|medrxiv|biorxiv|chemrxiv|techrxiv|ssrn|research ?square|preprints(\.org)?|osf( preprints)?|"
    r"engrxiv|psyarxiv|hal|zenodo)$", re.I)
_CONFERENCE = re.compile(
    r"\b(CVPR|ICCV|ECCV|WACV|NeurIPS|NIPS|ICML|ICLR|AAAI|IJCAI|MICCAI|MIDL|ISBI|BMVC|ACCV|ACL|EMNLP|NAACL|"
    r"KDD|CHI|SIGGRAPH|AISTATS|UAI|COLT|IPMI|BIBM|ICASSP)\b|\b(conference|proceedings|workshop|symposium|"
    r"congress|meeting)\b", re.I)
_JOURNAL = re.compile(
    r"\b(journal|transactions|letters|nature|science|cell|lancet|jama|medicine|analysis|review|reports|"
    r"communications|radiology|imaging|mapping|biology|physics|informatics|pathology|oncology|bioinformatics)\b",
    re.I)


def parse_venue(label: str, value: str) -> tuple[str, str, str]:
    """Classify a venue line: (entry type, container name, year).

    The type comes from the label ("Journal" → article, "Proceedings"/"Conference" →
    inproceedings, "Preprint" → misc unless the name is a journal or conference), else
    from the name (conference acronyms and words, journal words, preprint servers).
    """
    v = " ".join(value.replace("*", "").split()).strip(" .;")
    year = ""
    m = re.search(r"[,\s]*\(?((?:19|20)\d{2})\)?$", v)
    if m:
        year = m.group(1)
        name = v[: m.start()].strip(" ,;")
    else:
        m2 = re.search(r"\b((?:19|20)\d{2})\b", v)
        year = m2.group(1) if m2 else ""
        name = v
    lab = label.lower().strip()
    if lab.startswith("journal"):
        return "article", name, year
    if lab.startswith(("proceedings", "conference", "workshop", "symposium")):
        return "inproceedings", name, year
    if lab.startswith("book"):
        return "incollection", name, year
    if _PREPRINT_SERVERS.match(name) or not name:
        return "misc", name, year
    if _CONFERENCE.search(name):
        return "inproceedings", name, year
    if _JOURNAL.search(name):
        return "article", name, year
    return "misc", name, year


def bibtex_authors(text: str) -> str:
    """Turn "Given Family, Given Family & Given Family" into BibTeX "Family, Given and ..."."""
    t = " ".join(text.replace("*", "").split()).strip().rstrip(".").strip()
    if not t:
        return ""
    parts = [p.strip() for p in re.split(r",|;|\s&\s|\sand\s", t) if p.strip()]
    names = []
    for p in parts:
        if p.lower() in ("et al", "et al.", "others"):
            names.append("others")
            continue
        names.append(latex_escape_name(format_name(parse_name(p))))
    return " and ".join(names)


def latex_escape_name(name: str) -> str:
    """Escape LaTeX specials in a name, keeping its BibTeX grouping; other commands inert, braces balanced."""
    return escape(name, keep_markup=True)


# ------------------------------------------------------------------------------ report


@dataclass(frozen=True)
class MergeNote:
    """Items of the list that are the same paper, merged into one entry."""

    key: str
    numbers: tuple[str, ...]
    lines: tuple[int, ...]
    sections: tuple[str, ...]
    reason: str  # "doi 10..." / "title"
    differences: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    items_seen: int
    entries: int  # entries the list maps to (after merging duplicates), survey included
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # came from the list, no longer in it
    merged: tuple[MergeNote, ...] = ()
    changes: tuple[FieldChange, ...] = ()  # fills and updates applied
    conflicts: tuple[FieldChange, ...] = ()  # list differs, library kept
    findings: tuple[Finding, ...] = ()
    repaired_chars: int = 0
    repairs: int = 0
    codepage: str = ""
    ambiguities: tuple[Ambiguity, ...] = ()
    survey: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["changes"] = [{k: v for k, v in asdict(c).items() if k != "extra"} for c in self.changes]
        d["conflicts"] = [{k: v for k, v in asdict(c).items() if k != "extra"} for c in self.conflicts]
        d["ambiguities"] = [asdict(a) | {"message": a.message()} for a in self.ambiguities]
        d["merged"] = [asdict(m) for m in self.merged]
        d["findings"] = [asdict(f) for f in self.findings]
        for k in ("created", "updated", "unchanged", "removed"):
            d[k] = list(d[k])
        return d


@dataclass(frozen=True)
class ImportResult:
    library: Library
    report: ImportReport
    settings: ListSettings  # what the list's front matter says (for a new pathbib.toml)
    survey_key: str = ""


# ------------------------------------------------------------------------------ sections


def section_ids(parsed: ParsedList, configured: tuple[Section, ...] = ()) -> dict[tuple[str, ...], str]:
    """Map each section path to its id: the configured id when the title matches, else a slug."""
    by_title: dict[tuple[str, ...], str] = {}
    known_top = {normalize_title(s.title): s for s in configured}
    used: set[str] = set()
    out: dict[tuple[str, ...], str] = {}
    for h in parsed.sections:
        sid = ""
        top = known_top.get(normalize_title(h.path[0])) if h.path else None
        if top is not None:
            if len(h.path) == 1:
                sid = top.id
            else:
                sub = next((x for x in top.subsections if normalize_title(x.title) == normalize_title(h.path[-1])), None)
                if sub is not None:
                    sid = sub.id
        if not sid:
            for s in configured:  # a subsection moved under another section keeps its id
                for x in s.subsections:
                    if normalize_title(x.title) == normalize_title(h.title) and x.id not in used:
                        sid = x.id
        if not sid:
            base = slug(h.title)
            sid = base
            if sid in used and len(h.path) > 1:
                sid = f"{out.get(h.path[:-1], slug(h.path[-2]))}-{base}"
            n = 2
            while sid in used:
                sid = f"{base}-{n}"
                n += 1
        used.add(sid)
        out[h.path] = sid
    del by_title
    return out


def list_settings(parsed: ParsedList, ids: dict[tuple[str, ...], str]) -> ListSettings:
    """The front matter and section tree as `ListSettings` (for a new pathbib.toml)."""
    fm = parsed.front
    secs: list[Section] = []
    for h in parsed.sections:
        if len(h.path) == 1:
            secs.append(Section(h.title, ids[h.path], h.description, ()))
        elif secs and len(h.path) >= 2:
            last = secs[-1]
            secs[-1] = Section(last.title, last.id, last.description,
                               last.subsections + (Subsection(h.title, ids[h.path], h.description),))
    review = fm.review_line
    return ListSettings(
        title=fm.title,
        badges=fm.badges,
        intro=fm.intro,
        review_line=review,
        review_suffix=fm.review_suffix,
        introduction=fm.introduction,
        order_note=fm.order_note or ListSettings().order_note,
        sections=tuple(secs),
    )


# ------------------------------------------------------------------------------ items → entries


@dataclass
class _Group:
    items: list[Item]
    ids: dict[str, str]
    norm_title: str
    reason: str = ""


def _item_links(item: Item) -> tuple[list[str], list[str], list[str], list[tuple[str, list[str]]]]:
    """(pdf urls, code urls, other urls, tracking removals) with tracking parameters stripped."""
    pdf: list[str] = []
    code: list[str] = []
    other: list[str] = []
    stripped: list[tuple[str, list[str]]] = []

    def clean(u: str) -> str:
        c, removed = strip_tracking(u)
        if removed:
            stripped.append((u, removed))
        return c

    for f in item.fields:
        for lk in f.links:
            if not lk.url:
                continue
            u = clean(lk.url)
            target = pdf if f.kind == "pdf" else code if f.kind == "code" else other
            if u not in target:
                target.append(u)
    for lk in item.title_links:
        u = clean(lk.url)
        if u and u not in pdf:
            (pdf if not pdf else other).append(u)
    return pdf, code, other, stripped


def _item_ids(item: Item) -> dict[str, str]:
    pdf, _code, other, _ = _item_links(item)
    ids: dict[str, str] = {}
    for u in pdf + other:
        for k, v in extract_identifiers(u).items():
            ids.setdefault(k, v)
    return ids


def _conflict(a: dict[str, str], b: dict[str, str]) -> bool:
    return any(k in b and b[k] != v for k, v in a.items())


def _share(a: dict[str, str], b: dict[str, str]) -> str:
    for k in IDENTIFIER_FIELDS:
        if k in a and a.get(k) == b.get(k):
            return f"{k} {a[k]}"
    return ""


def _group_items(items: tuple[Item, ...]) -> list[_Group]:
    groups: list[_Group] = []
    for it in items:
        ids = _item_ids(it)
        nt = normalize_title(it.title)
        target = None
        reason = ""
        for g in groups:
            shared = _share(ids, g.ids)
            if shared:
                target, reason = g, shared
                break
        if target is None and nt:
            for g in groups:
                if g.norm_title == nt and not _conflict(ids, g.ids):
                    target, reason = g, "same title"
                    break
        if target is None:
            groups.append(_Group([it], dict(ids), nt))
        else:
            target.items.append(it)
            for k, v in ids.items():
                target.ids.setdefault(k, v)
            target.reason = target.reason or reason
    return groups


def _join_unique(values: list[str], sep: str) -> str:
    """Join the distinct parts of `values` (comma- or space-separated, per `sep`) in order."""
    out: list[str] = []
    for v in values:
        parts = v.split(",") if sep.strip() == "," else v.split()
        for p in parts:
            p = p.strip()
            if p and p not in out:
                out.append(p)
    return sep.join(out)


def _venue_text(label: str, value: str) -> str:
    return f"{label}: {value}" if label else value


_RESOLVER = re.compile(r"^https?://(?:dx\.)?doi\.org/(.+)$", re.I)


def _resolver_doi(url: str) -> str | None:
    """The DOI of a `https://doi.org/<doi>` resolver link (normalised), else None."""
    m = _RESOLVER.match(url.strip())
    return normalize_doi(m.group(1)) if m else None


def _group_fields(group: _Group, ids_by_path: dict[tuple[str, ...], str],
                  findings: list[Finding], path: str) -> tuple[str, list[Field], list[str]]:
    """Build (entry type, fields, differences between duplicates) for one group of items."""
    first = group.items[0]
    etype = ""
    container = ""
    year = ""
    venue_line = ""
    date = ""
    authors = ""
    highlight: list[str] = []
    notes: list[str] = []
    pdfs: list[str] = []
    codes: list[str] = []
    others: list[str] = []
    sections: list[str] = []
    keywords: list[str] = []
    numbers: list[str] = []
    diffs: list[str] = []
    for idx, it in enumerate(group.items):
        pdf, code, other, stripped = _item_links(it)
        for orig, removed in stripped:
            findings.append(Finding(
                "import-tracking", "info",
                f"removed tracking parameter(s) {', '.join(removed)} from {orig}",
                field="url", line=it.line, path=path))
        pdfs += [u for u in pdf if u not in pdfs]
        codes += [u for u in code if u not in codes]
        others += [u for u in other if u not in others]
        if it.number and it.number not in numbers:
            numbers.append(it.number)
        if it.section:
            sid = ids_by_path.get(it.section, slug(it.section[-1]))
            if sid not in sections:
                sections.append(sid)
            for t in it.section:
                if t not in keywords:
                    keywords.append(t)
        if it.title_note:
            notes.append(it.title_note)
        if idx and it.title != first.title:
            diffs.append(f"title {it.title!r} (no. {it.number or '?'}, line {it.line})")
        venues = it.all("venue")
        for k, vf in enumerate(venues):
            vt = _venue_text(vf.label, vf.value)
            if not venue_line:
                venue_line = vt
                etype, container, year = parse_venue(vf.label, vf.value)
            elif vt != venue_line:
                if idx:
                    diffs.append(f"venue {vt!r} (no. {it.number or '?'}, line {vf.line})")
                elif k:
                    notes.append(vt)
        for df in it.all("date"):
            iso = parse_date(df.value)
            if iso is None:
                notes.append(_venue_text(df.label, df.value))
                findings.append(Finding("import-date", "warning", f"cannot read the date {df.value!r}; kept as a note",
                                        field="date", line=df.line, path=path))
            elif not date:
                date = iso
            elif iso != date:
                diffs.append(f"date {iso} (line {df.line})")
        for af in it.all("authors"):
            a = bibtex_authors(af.value)
            if not authors:
                authors = a
            elif a != authors:
                diffs.append(f"authors {af.value!r} (line {af.line})")
        for hf in it.all("highlight"):
            h = hf.value
            if h and h not in highlight:
                highlight.append(h)
        for nf in it.all("note"):
            txt = _venue_text(nf.label, nf.value).strip()
            if txt and txt not in notes:
                notes.append(txt)
            findings.append(Finding("import-unclassified", "info",
                                    f"sub-bullet not recognised, kept in list-note: {txt!r}",
                                    line=nf.line, path=path))
    ids = dict(group.ids)
    if not etype:
        if ids.get("doi") and not ids["doi"].startswith(("10.1101/", "10.48550/")):
            etype = "article"
        elif ids.get("cvf") or ids.get("neurips-hash") or ids.get("openreview"):
            etype = "inproceedings"
        else:
            etype = "misc"
    if date and not year:
        year = date[:4]
    if ids.get("doi") and len(pdfs) > 1:
        # "📄 [PDF](https://doi.org/<doi>) · [arXiv](...)": the resolver link is the `doi` field;
        # the other link is the entry's `url` (the exporter links a published version's DOI first)
        rest = [u for u in pdfs if _resolver_doi(u) != ids["doi"]]
        if rest:
            pdfs = rest
    fields: list[Field] = []

    def put(name: str, value: str) -> None:
        if value:
            fields.append(Field(name, value))

    put("author", authors)
    put("title", latex_escape(first.title))
    if etype == "article":
        put("journal", latex_escape(container))
    elif etype in ("inproceedings", "incollection"):
        put("booktitle", latex_escape(container))
    elif container and not (ids.get("arxiv") and container.lower() == "arxiv"):
        put("howpublished", latex_escape(container))
    put("year", year)
    if date and year and date[:4] != year:
        put("origdate", date)
        findings.append(Finding("import-date", "info",
                                f"publication date {date} is not in the venue's year {year}; kept as origdate",
                                field="date", line=first.line, path=path))
    else:
        put("date", date if len(date) > 4 else "")
    put("doi", ids.get("doi", ""))
    if ids.get("arxiv"):
        put("eprint", ids["arxiv"])
        put("archiveprefix", "arXiv")
    for name in ("pii", "openreview", "cvf", "neurips-hash", "pmid", "pmcid", "ieee"):
        put(name, ids.get(name, ""))
    put("url", pdfs[0] if pdfs else "")
    put("keywords", latex_escape(", ".join(keywords)))
    put("list-section", ", ".join(sections))
    put("list-number", ", ".join(numbers))
    put("list-venue", latex_escape(venue_line))
    put("list-code", " ".join(codes))
    put("list-links", " ".join(u for u in pdfs[1:] + others if u not in codes))
    put("list-highlight", latex_escape(" ".join(highlight)))
    put("list-note", latex_escape("; ".join(notes)))
    return etype, fields, diffs


# ------------------------------------------------------------------------------ library index


def _entry_ids(e: Entry) -> dict[str, str]:
    ids: dict[str, str] = {}
    if (d := e.get("doi")) and (nd := normalize_doi(d)):
        ids["doi"] = nd
    if (ep := e.get("eprint")) and (e.get("archiveprefix") or e.get("eprinttype") or "arxiv").lower() == "arxiv":
        if ax := normalize_arxiv(ep):
            ids["arxiv"] = ax
    for k in ("pii", "openreview", "cvf", "neurips-hash", "pmid", "pmcid", "ieee"):
        if v := e.get(k):
            ids[k] = v.strip()
    for name in ("url", "list-links"):
        for u in (e.get(name) or "").split():
            for k, v in extract_identifiers(strip_tracking(u)[0]).items():
                ids.setdefault(k, v)
    return ids


def _entry_titles(e: Entry) -> set[str]:
    out = set()
    for name in ("title", "list-title"):
        v = e.get(name)
        if v:
            out.add(normalize_title(latex_unescape(v)))
    return out


@dataclass
class _Index:
    entries: list[Entry]
    ids: list[dict[str, str]] = field(default_factory=list)
    titles: list[set[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ids = [_entry_ids(e) for e in self.entries]
        self.titles = [_entry_titles(e) for e in self.entries]

    def find(self, ids: dict[str, str], norm_title: str, skip: set[str]) -> tuple[int, str] | None:
        for i, e in enumerate(self.entries):
            if e.key in skip:
                continue
            if shared := _share(ids, self.ids[i]):
                return i, shared
        if norm_title:
            for i, e in enumerate(self.entries):
                if e.key in skip:
                    continue
                if norm_title in self.titles[i] and not _conflict(ids, self.ids[i]):
                    return i, "same title"
        return None


# ------------------------------------------------------------------------------ merging


def _locked(e: Entry) -> set[str]:
    return locked_fields(e)


def _merge_entry(old: Entry, new_fields: list[Field], source: str
                 ) -> tuple[Entry, list[FieldChange], list[FieldChange]]:
    """Merge list-derived fields into an existing entry; return (entry, applied, conflicts)."""
    locked = _locked(old)
    applied: list[FieldChange] = []
    conflicts: list[FieldChange] = []
    e = old
    new = {f.name: f.value for f in new_fields}
    # the list's title: kept as list-title when the library's title differs
    list_title = new.pop("title", "")
    if list_title:
        if "title" not in old:
            new["title"] = list_title
        elif latex_unescape(old.get("title") or "") != latex_unescape(list_title):
            new["list-title"] = list_title
    for name, value in new.items():
        if "*" in locked or name in locked:
            continue
        cur = e.get(name)
        if name in GROWING_FIELDS:
            sep = ", " if name == "keywords" else " "
            merged = _join_unique([cur or "", value], sep)
            if merged != (cur or ""):
                applied.append(FieldChange(e.key, name, cur, merged, source, "added from the list",
                                           "fill" if cur is None else "update"))
                e = e.set(name, merged)
            continue
        if cur is None:
            applied.append(FieldChange(e.key, name, None, value, source, "missing in library.bib", "fill"))
            e = e.set(name, value)
        elif name in LIST_FIELDS:
            if cur != value:
                applied.append(FieldChange(e.key, name, cur, value, source, "the list changed", "update"))
                e = e.set(name, value)
        elif cur != value and not _same_value(name, cur, value):
            conflicts.append(FieldChange(e.key, name, cur, value, source,
                                         "library.bib keeps its value (curated fields win)", "conflict"))
    return e, applied, conflicts


def _same_value(name: str, a: str, b: str) -> bool:
    if name == "doi":
        return normalize_doi(a) == normalize_doi(b)
    if name == "eprint":
        return normalize_arxiv(a) == normalize_arxiv(b)
    if name == "url":
        return strip_tracking(a)[0].rstrip("/") == strip_tracking(b)[0].rstrip("/")
    if name == "title":
        return normalize_title(latex_unescape(a)) == normalize_title(latex_unescape(b)) and a.lower() == b.lower()
    return " ".join(a.split()) == " ".join(b.split())


def _first_family(author: str) -> str:
    names = split_names(author) if author else []
    for n in names:
        if n.literal and not n.is_others:
            return n.literal
        if n.last:
            return n.last
    return ""


def _survey_entry(parsed: ParsedList, path: str, findings: list[Finding]) -> Entry | None:
    fm = parsed.front
    if not fm.citation and not fm.review_url:
        return None
    entry: Entry | None = None
    if fm.citation:
        lib = parse_bibtex(fm.citation + "\n")
        if lib.entries:
            entry = lib.entries[0]
            entry = Entry(entry.entry_type, entry.key, entry.fields)  # new block, rendered canonically
        else:
            findings.append(Finding("import-citation", "warning",
                                    "the citation block holds no BibTeX entry that could be read; ignored",
                                    line=fm.citation_line, path=path))
    if entry is None:
        entry = Entry("misc", "", (Field("title", latex_escape(fm.review_text)),))
    if fm.review_url:
        url, removed = strip_tracking(fm.review_url)
        ids = extract_identifiers(url)
        if "url" not in entry:
            entry = entry.set("url", url)
        if ids.get("arxiv") and "eprint" not in entry:
            entry = entry.set("eprint", ids["arxiv"]).set("archiveprefix", "arXiv")
        if ids.get("doi") and "doi" not in entry:
            entry = entry.set("doi", ids["doi"])
        for k in ("pii", "openreview", "cvf", "neurips-hash", "pmid", "pmcid", "ieee"):
            if ids.get(k) and k not in entry:
                entry = entry.set(k, ids[k])
    if fm.review_text:
        entry = entry.set("list-review-text", latex_escape(fm.review_text))
    entry = entry.set("list-survey", "yes")
    return entry


def items_to_entries(parsed: ParsedList, settings: Settings | None = None, path: str = "<input>"
                     ) -> tuple[list[tuple[_Group, str, list[Field], list[str]]], list[Finding]]:
    """Group the list's items and build each group's (type, fields); for tests and `import_list`."""
    findings: list[Finding] = []
    ids = section_ids(parsed, settings.list.sections if settings else ())
    out = []
    for g in _group_items(parsed.items):
        etype, fields, diffs = _group_fields(g, ids, findings, path)
        out.append((g, etype, fields, diffs))
    return out, findings


def import_list(parsed: ParsedList, library: Library, settings: Settings | None = None, *,
                path: str = "<input>", prune: bool = False) -> ImportResult:
    """Merge the parsed list into `library`; return the new library and the report."""
    settings = settings or Settings()
    groups, findings = items_to_entries(parsed, settings, path)
    source = f"list:{path}"
    index = _Index(list(library.entries))
    taken = {e.key for e in library.entries}
    matched: set[str] = set()
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    changes: list[FieldChange] = []
    conflicts: list[FieldChange] = []
    merged: list[MergeNote] = []
    new_entries: list[Entry] = []
    replaced: dict[str, Entry] = {}

    def place(ids: dict[str, str], title: str, etype: str, fields: list[Field], key_hint: str = "") -> str:
        hit = index.find(ids, normalize_title(title), matched)
        if hit is None:
            # an earlier item of this import may already have made the entry
            for i, ne in enumerate(new_entries):
                if _share(ids, _entry_ids(ne)) or (normalize_title(title) and normalize_title(title) in _entry_titles(ne)):
                    e2, applied, _c = _merge_entry(ne, fields, source)
                    new_entries[i] = e2
                    return ne.key
            author = next((f.value for f in fields if f.name == "author"), "")
            year = next((f.value for f in fields if f.name == "year"), "")
            key = key_hint if key_hint and key_hint not in taken else make_key(_first_family(author), year, title, taken)
            taken.add(key)
            new_entries.append(Entry(etype, key, tuple(fields)))
            created.append(key)
            return key
        i, _why = hit
        old = replaced.get(index.entries[i].key, index.entries[i])
        matched.add(old.key)
        e2, applied, confl = _merge_entry(old, fields, source)
        if etype != old.entry_type and old.entry_type in ("misc", "online") and etype not in ("misc", "online") \
                and "entry_type" not in _locked(old):
            changes.append(FieldChange(old.key, "@type", old.entry_type, etype, source, "the list gives a venue", "fill"))
            e2 = e2.with_type(etype)
        changes.extend(applied)
        conflicts.extend(confl)
        if e2 is not old:
            replaced[old.key] = e2
            if old.key not in updated:
                updated.append(old.key)
        elif old.key not in updated and old.key not in unchanged:
            unchanged.append(old.key)
        return old.key

    survey_key = ""
    survey = _survey_entry(parsed, path, findings)
    if survey is not None:
        sids = _entry_ids(survey)
        title = latex_unescape(survey.get("title") or "")
        # the survey is matched by identifier, by key, or by list-survey = yes
        hit = index.find(sids, normalize_title(title), matched)
        if hit is None:
            for i, e in enumerate(index.entries):
                if is_survey(e, survey.key):
                    hit = (i, "key")
                    break
        if hit is not None:
            old = index.entries[hit[0]]
            matched.add(old.key)
            fields = [f for f in survey.fields]
            e2, applied, confl = _merge_entry(old, fields, source)
            changes.extend(applied)
            conflicts.extend(confl)
            if e2 is not old:
                replaced[old.key] = e2
                updated.append(old.key)
            else:
                unchanged.append(old.key)
            survey_key = old.key
        else:
            key = survey.key if survey.key and survey.key not in taken else make_key(
                _first_family(survey.get("author") or ""), survey.get("year"), title, taken)
            taken.add(key)
            new_entries.append(survey.with_key(key))
            created.append(key)
            survey_key = key

    for g, etype, fields, diffs in groups:
        title = g.items[0].title
        key = place(g.ids, title, etype, fields)
        if len(g.items) > 1:
            merged.append(MergeNote(
                key, tuple(it.number for it in g.items), tuple(it.line for it in g.items),
                tuple(dict.fromkeys(" / ".join(it.section) for it in g.items)), g.reason, tuple(diffs)))
            findings.append(Finding(
                "import-duplicate", "info",
                f"items {', '.join('no. ' + (it.number or '?') + ' (line ' + str(it.line) + ')' for it in g.items)} "
                f"are the same paper ({g.reason}); merged into {key}",
                key=key, line=g.items[0].line, path=path))

    removed: list[str] = []
    for e in library.entries:
        if e.key in matched:
            continue
        if entry_sections(e) and not is_excluded(e) and not is_flagged_survey(e):
            removed.append(e.key)
            if prune:
                ne = replaced.get(e.key, e).set("list-exclude", "no longer in the imported list")
                changes.append(FieldChange(e.key, "list-exclude", None, "no longer in the imported list",
                                           source, "--prune", "fill"))
                replaced[e.key] = ne
                updated.append(e.key)

    lib = library.update_entries(replaced).add(*new_entries) if (replaced or new_entries) else library
    for a in parsed.repair.ambiguities:
        findings.append(Finding("import-encoding", "warning", a.message(), line=a.line, path=path))
    groups_n = len(groups)
    report = ImportReport(
        items_seen=len(parsed.items),
        entries=groups_n + (1 if survey is not None else 0),
        created=tuple(created),
        updated=tuple(updated),
        unchanged=tuple(k for k in unchanged if k not in updated),
        removed=tuple(removed),
        merged=tuple(merged),
        changes=tuple(changes),
        conflicts=tuple(conflicts),
        findings=tuple(findings),
        repaired_chars=parsed.repair.repaired_chars,
        repairs=len(parsed.repair.repairs),
        codepage=parsed.repair.codepage,
        ambiguities=parsed.repair.ambiguities,
        survey=survey_key,
    )
    ls = list_settings(parsed, section_ids(parsed, settings.list.sections))
    return ImportResult(lib, report, ls, survey_key)
