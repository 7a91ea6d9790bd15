"""Awesome-list records → library.bib entries, merged into an existing library (pure).

`import_list(parsed, library, settings)` turns the items of a parsed list
(`importers.markdown.parse_list`) into BibTeX entries and merges them into `library`:

- items and entries are the same work by the one rule of `identity.same_work`: the same
  normalised title and no contradicting identifier (DOI, arXiv, PII, OpenReview, CVF, NeurIPS
  hash, PubMed/PMC, IEEE), or a shared identifier and near-equal titles; different titles
  sharing a link stay apart (`check` reports the link);
- an item listed more than once becomes one entry with every section and every distinct link;
- a new entry gets a fresh key (`keys.make_key`); an existing key is never changed;
- fields are merged by the one merge policy (`merge`): bibliographic fields already in the
  library win (differences are reported as conflicts, never applied); missing ones are filled;
  `list-*` fields mirror the list; `keywords` and link lists only grow; locked fields stay;
- entries that came from the list but are no longer in it are reported as removed
  (and marked `list-exclude` only with `prune=True`).

Importing the same list twice changes nothing. The result is data: the new library and an
`ImportReport`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from .bibio import parse as parse_bibtex
from .config import ListSettings, Section, Settings, Subsection
from .identifiers import extract_identifiers, strip_tracking
from .identity import Work, WorkIndex, count_works
from .import_items import Group, group_clashes, group_fields, group_items
from .import_text import (
    bibtex_authors,
    latex_escape,
    latex_unescape,
    parse_date,
    parse_venue,
    slug,
)
from .importers.markdown import ParsedList
from .importers.mojibake import Ambiguity
from .keys import base_key
from .listfields import entry_sections, is_excluded, is_flagged_survey, is_survey
from .matching import normalize_title
from .merge import BIBLIO_FIELDS, LIST_FIELDS, TYPE_LOCK, locked_fields, merge_fields
from .model import Entry, Field, FieldChange, Finding, Library
from .names import split_names

# patterns used inside functions, compiled once
_HTTP_URL = re.compile(r"(?i)^https?://")

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
    papers: int = 0  # distinct works among the items (identity.count_works): the one paper count
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


Node = Section | Subsection


def _descendants(nodes: tuple[Node, ...]) -> Iterator[Node]:
    for n in nodes:
        yield n
        yield from _descendants(n.subsections)


def _same_title(a: str, b: str) -> bool:
    return normalize_title(a) == normalize_title(b)


def _configured_id(path: tuple[str, ...], configured: tuple[Section, ...]) -> str:
    """The configured id of the heading at `path`: walked title by title, else a descendant of the
    configured top section with the heading's title."""
    nodes: tuple[Node, ...] = configured
    node: Node | None = None
    for t in path:
        node = next((x for x in nodes if _same_title(x.title, t)), None)
        if node is None:
            break
        nodes = node.subsections
    if node is not None:
        return node.id
    top = next((x for x in configured if path and _same_title(x.title, path[0])), None)
    if top is None or len(path) < 2:
        return ""
    sub = next((x for x in _descendants(top.subsections) if _same_title(x.title, path[-1])), None)
    return sub.id if sub is not None else ""


def section_ids(parsed: ParsedList, configured: tuple[Section, ...] = ()) -> dict[tuple[str, ...], str]:
    """Map each section path (any depth) to its id: the configured id when the titles match, else a slug."""
    used: set[str] = set()
    out: dict[tuple[str, ...], str] = {}
    for h in parsed.sections:
        sid = _configured_id(h.path, configured)
        if not sid:
            for s in configured:  # a subsection moved under another section keeps its id
                for x in _descendants(s.subsections):
                    if _same_title(x.title, h.title) and x.id not in used:
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
    return out


def _section_tree(parsed: ParsedList, ids: dict[tuple[str, ...], str]) -> tuple[Section, ...]:
    """The headings as a tree as deep as the list nests them (a heading goes under its nearest listed ancestor)."""
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    pos: dict[tuple[str, ...], int] = {}
    heads = parsed.sections
    for i, h in enumerate(heads):
        parent = next((pos[h.path[:k]] for k in range(len(h.path) - 1, 0, -1) if h.path[:k] in pos), None)
        if parent is None and len(h.path) > 1 and roots:
            parent = roots[-1]
        if parent is None:
            roots.append(i)
        else:
            children.setdefault(parent, []).append(i)
        pos[h.path] = i

    def sub(i: int) -> Subsection:
        h = heads[i]
        return Subsection(h.title, ids[h.path], h.description, tuple(sub(c) for c in children.get(i, ())))

    return tuple(
        Section(
            heads[i].title,
            ids[heads[i].path],
            heads[i].description,
            tuple(sub(c) for c in children.get(i, ())),
        )
        for i in roots
    )


def list_settings(parsed: ParsedList, ids: dict[tuple[str, ...], str]) -> ListSettings:
    """The front matter and section tree as `ListSettings` (for a new pathbib.toml)."""
    fm = parsed.front
    secs = _section_tree(parsed, ids)
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
    # a review link that is no web address ("please consider [citing](#citation)") names no paper
    review_url = fm.review_url if _HTTP_URL.match(fm.review_url) else ""
    if fm.review_url and not review_url:
        findings.append(
            Finding(
                "import-citation",
                "info",
                f"the review link {fm.review_url!r} is not a paper's "
                "address; no survey entry is made from it",
                path=path,
            )
        )
    if not fm.citation and not review_url:
        return None
    entry: Entry | None = None
    if fm.citation:
        lib = parse_bibtex(fm.citation + "\n")
        if lib.entries:
            entry = lib.entries[0]
            entry = Entry(entry.entry_type, entry.key, entry.fields)  # new block, rendered canonically
        else:
            findings.append(
                Finding(
                    "import-citation",
                    "warning",
                    "the citation block holds no BibTeX entry that could be read; ignored",
                    line=fm.citation_line,
                    path=path,
                )
            )
    if entry is None:
        entry = Entry("misc", "", (Field("title", latex_escape(fm.review_text)),))
    if review_url:
        url, removed = strip_tracking(review_url)
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
    if fm.review_text and review_url:
        entry = entry.set("list-review-text", latex_escape(fm.review_text))
    entry = entry.set("list-survey", "yes")
    return entry


def items_to_entries(
    parsed: ParsedList, settings: Settings | None = None, path: str = "<input>"
) -> tuple[list[tuple[Group, str, list[Field], list[str]]], list[Finding]]:
    """Group the list's items and build each group's (type, fields); for tests and `import_list`."""
    findings: list[Finding] = []
    ids = section_ids(parsed, settings.list.sections if settings else ())
    out = []
    groups = group_items(parsed.items)
    findings += group_clashes(groups, path)
    for g in groups:
        etype, fields, diffs = group_fields(g, ids, findings, path)
        out.append((g, etype, fields, diffs))
    return out, findings


class _Merger:
    """The library being merged into: an index of its works, and what the import did to it."""

    def __init__(self, library: Library, source: str) -> None:
        self.source = source
        self.entries: dict[str, Entry] = {e.key: e for e in library.entries}
        self.index = WorkIndex()
        for e in library.entries:
            self.index.add(e.key, Work.of(e))
        self.taken = {e.key.lower() for e in library.entries}  # keys compare case-insensitively
        self.matched: set[str] = set()
        self.created: list[str] = []
        self.updated: dict[str, None] = {}  # ordered sets: membership tests stay O(1) on large lists
        self.unchanged: dict[str, None] = {}
        self.changes: list[FieldChange] = []
        self.conflicts: list[FieldChange] = []
        self.new_entries: dict[str, Entry] = {}
        self.replaced: dict[str, Entry] = {}

    def new_key(self, family: str, year: str | None, title: str) -> str:
        """`keys.make_key` against the keys taken so far, in constant time (`unique_key` copies the set)."""
        base = base_key(family, year, title)
        key, n = base, 2
        while key.lower() in self.taken:
            key, n = f"{base}-{n}", n + 1
        return key

    def create(self, entry: Entry, key: str, work: Work | None = None) -> str:
        """Add a new entry; `work` is its identity when known already (a group's), else read from it."""
        self.taken.add(key.lower())
        e = entry.with_key(key)
        self.new_entries[key] = e
        self.index.add(key, work or Work.of(e))
        self.created.append(key)
        return key

    def merge_into(self, key: str, etype: str, fields: list[Field]) -> str:
        """Merge list fields into the entry `key` (existing or created by this import)."""
        if key in self.new_entries:  # an earlier item of this import made it
            self.new_entries[key] = merge_fields(self.new_entries[key], fields, self.source).entry
            return key
        old = self.replaced.get(key, self.entries[key])
        self.matched.add(key)
        res = merge_fields(old, fields, self.source)
        e2 = res.entry
        if (
            etype != old.entry_type
            and old.entry_type in ("misc", "online")
            and etype not in ("misc", "online")
            and TYPE_LOCK not in locked_fields(old)
        ):
            self.changes.append(
                FieldChange(
                    key, "@type", old.entry_type, etype, self.source, "the list gives a venue", "fill"
                )
            )
            e2 = e2.with_type(etype)
        self.changes.extend(res.applied)
        self.conflicts.extend(res.conflicts)
        if e2 is not old:
            self.replaced[key] = e2
            self.updated[key] = None
        elif key not in self.updated:
            self.unchanged[key] = None
        return key

    def place(self, work: Work, title: str, etype: str, fields: list[Field]) -> str:
        """The key of the entry the list's work goes to: the same work in the library, else a new entry."""
        hit = self.index.find(work, skip=self.matched)
        if hit is not None:
            return self.merge_into(str(hit[0]), etype, fields)
        author = next((f.value for f in fields if f.name == "author"), "")
        year = next((f.value for f in fields if f.name == "year"), "")
        key = self.new_key(_first_family(author), year, title)
        return self.create(Entry(etype, key, tuple(fields)), key, work)


def _place_survey(m: _Merger, survey: Entry) -> str:
    title = latex_unescape(survey.get("title") or "")
    hit = m.index.find(Work.of(survey), skip=m.matched)
    key = str(hit[0]) if hit is not None else ""
    if not key:  # the survey is also matched by its key, or by list-survey = yes
        key = next((e.key for e in m.entries.values() if is_survey(e, survey.key)), "")
    if key:
        return m.merge_into(key, m.entries[key].entry_type, list(survey.fields))  # the survey keeps its type
    new_key = (
        survey.key
        if survey.key and survey.key.lower() not in m.taken
        else m.new_key(_first_family(survey.get("author") or ""), survey.get("year"), title)
    )
    return m.create(survey, new_key)


def _removed(m: _Merger, library: Library, prune: bool) -> list[str]:
    removed: list[str] = []
    for e in library.entries:
        if e.key in m.matched:
            continue
        if entry_sections(e) and not is_excluded(e) and not is_flagged_survey(e):
            removed.append(e.key)
            if prune:
                ne = m.replaced.get(e.key, e).set("list-exclude", "no longer in the imported list")
                m.changes.append(
                    FieldChange(
                        e.key,
                        "list-exclude",
                        None,
                        "no longer in the imported list",
                        m.source,
                        "--prune",
                        "fill",
                    )
                )
                m.replaced[e.key] = ne
                m.updated[e.key] = None
    return removed


def _merge_note(g: Group, key: str, diffs: list[str], path: str) -> tuple[MergeNote, Finding]:
    note = MergeNote(
        key,
        tuple(it.number for it in g.items),
        tuple(it.line for it in g.items),
        tuple(dict.fromkeys(" / ".join(it.section) for it in g.items)),
        g.reason,
        tuple(diffs),
    )
    where = ", ".join(f"no. {it.number or '?'} (line {it.line})" for it in g.items)
    return note, Finding(
        "import-duplicate",
        "info",
        f"items {where} are the same paper ({g.reason}); merged into {key}",
        key=key,
        line=g.items[0].line,
        path=path,
    )


def import_list(
    parsed: ParsedList,
    library: Library,
    settings: Settings | None = None,
    *,
    path: str = "<input>",
    prune: bool = False,
) -> ImportResult:
    """Merge the parsed list into `library`; return the new library and the report.

    Linear in the number of items and entries: works are found through a `WorkIndex`.
    """
    settings = settings or Settings()
    groups, findings = items_to_entries(parsed, settings, path)
    m = _Merger(library, f"list:{path}")
    merged: list[MergeNote] = []
    survey_key = ""
    survey = _survey_entry(parsed, path, findings)
    if survey is not None:
        survey_key = _place_survey(m, survey)
    for g, etype, fields, diffs in groups:
        key = m.place(g.work, g.items[0].title, etype, fields)
        if len(g.items) > 1:
            note, finding = _merge_note(g, key, diffs, path)
            merged.append(note)
            findings.append(finding)
    removed = _removed(m, library, prune)
    new_entries = list(m.new_entries.values())
    lib = library.update_entries(m.replaced).add(*new_entries) if (m.replaced or new_entries) else library
    for a in parsed.repair.ambiguities:
        findings.append(Finding("import-encoding", "warning", a.message(), line=a.line, path=path))
    report = ImportReport(
        items_seen=len(parsed.items),
        entries=len(groups) + (1 if survey is not None else 0),
        papers=count_works(g.work for g, _t, _f, _d in groups),
        created=tuple(m.created),
        updated=tuple(m.updated),
        unchanged=tuple(k for k in m.unchanged if k not in m.updated),
        removed=tuple(removed),
        merged=tuple(merged),
        changes=tuple(m.changes),
        conflicts=tuple(m.conflicts),
        findings=tuple(findings),
        repaired_chars=parsed.repair.repaired_chars,
        repairs=len(parsed.repair.repairs),
        codepage=parsed.repair.codepage,
        ambiguities=parsed.repair.ambiguities,
        survey=survey_key,
    )
    ls = list_settings(parsed, section_ids(parsed, settings.list.sections))
    return ImportResult(lib, report, ls, survey_key)
