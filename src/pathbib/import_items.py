"""List items → BibTeX fields: group the items that are the same work, map every part to a field (pure).

Grouping uses the one same-work rule (`identity.same_work`) through a `WorkIndex`, so it is
linear in the number of items. Every part of an item lands in a field; nothing is dropped:

| item part | field |
|---|---|
| title | `title` (and `list-title` when the library's differs) |
| authors | `author` |
| venue (and a venue on the date line) | `journal` / `booktitle` / `howpublished`, `year`, `list-venue` |
| date, year | `date` (`origdate` when outside the venue's year), `year` |
| paper links (`pdf`, the title's own link) | `url` (first), `list-links` (the others); identifiers (`doi`, `eprint`, ...) |
| code | `list-code` |
| project page, dataset, demo, video | `list-project`, `list-dataset`, `list-demo`, `list-video` |
| any other link (and links inside other parts) | `list-other` as `[label](url)` |
| highlight | `list-highlight` |
| notes, title-line text, unreadable dates | `list-note` |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .identifiers import normalize_doi, strip_tracking
from .identity import Work, WorkIndex, id_label, link_identifiers, title_key
from .import_text import bibtex_authors, latex_escape, parse_venue, slug, split_date_venue
from .importers.markdown import Item
from .model import Field, Finding, make_field

# patterns used inside functions, compiled once
_MARKDOWN_LINK_SPECIALS = re.compile(r"([\[\]\\])")

__all__ = [
    "Group",
    "ItemLinks",
    "EXTRA_LINK_KINDS",
    "item_links",
    "item_work",
    "group_items",
    "group_fields",
    "group_clashes",
]

#: Link kinds stored in a field of their own, `list-<kind>` (space-separated URLs).
EXTRA_LINK_KINDS = ("project", "dataset", "demo", "video")
_TEXT_KINDS = ("venue", "date", "year", "authors", "highlight", "note")
_CODE_HOSTS = re.compile(r"^https?://(www\.)?(github\.com|gitlab\.com|bitbucket\.org)/[^/]+/[^/?#]+", re.I)


@dataclass
class ItemLinks:
    """An item's links by role, tracking parameters stripped, in the order the item gives them."""

    paper: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    extra: dict[str, list[str]] = field(default_factory=dict)
    other: list[str] = field(default_factory=list)  # "[label](url)"
    stripped: list[tuple[str, list[str]]] = field(default_factory=list)  # (original url, removed params)

    def urls(self) -> list[str]:
        """Every URL, once."""
        out = self.paper + self.code + [u for v in self.extra.values() for u in v]
        return list(dict.fromkeys(out + [_other_url(o) for o in self.other]))


def _other_url(link: str) -> str:
    return link[link.rindex("](") + 2 : -1]


def _labelled(label: str, url: str) -> str:
    label = " ".join(_MARKDOWN_LINK_SPECIALS.sub(r"\\\1", label).split()) or "link"
    return f"[{label}]({url.replace('(', '%28').replace(')', '%29')})"


def _add(target: list[str], url: str) -> None:
    if url and url not in target:
        target.append(url)


def item_links(item: Item) -> ItemLinks:
    """Sort an item's links by role (see the module docstring)."""
    out = ItemLinks()

    def clean(u: str) -> str:
        c, removed = strip_tracking(u)
        if removed:
            out.stripped.append((u, removed))
        return c

    for f in item.fields:
        for lk in f.links:
            if not lk.url:
                continue
            u = clean(lk.url)
            if f.kind == "pdf":
                _add(out.paper, u)
            elif f.kind == "code":
                _add(out.code, u)
            elif f.kind in EXTRA_LINK_KINDS:
                _add(out.extra.setdefault(f.kind, []), u)
            else:  # "link", and links inside text parts: kept with their label
                _add(out.other, _labelled(lk.text or f.label, u))
    for lk in item.title_links:
        if lk.url:
            u = clean(lk.url)
            _add(out.code if _CODE_HOSTS.match(u) and not out.code else out.paper, u)
    return out


def item_work(item: Item, links: ItemLinks | None = None) -> Work:
    """The item's identity: its normalised title and the identifiers of its paper links."""
    links = links or item_links(item)
    t = title_key(item.title)
    return Work(frozenset((t,)) if t else frozenset(), link_identifiers(links.paper))


@dataclass
class Group:
    """Items of the list that are one work."""

    items: list[Item]
    work: Work
    reason: str = ""
    links: list[ItemLinks] = field(default_factory=list)  # item_links of each item, in order

    @property
    def ids(self) -> dict[str, str]:
        """One value per identifier kind (the first in sort order) for the entry's fields."""
        return {k: sorted(v)[0] for k, v in self.work.ids.items()}


def group_items(items: tuple[Item, ...] | list[Item]) -> list[Group]:
    """Group the items that are the same work (`identity.same_work`), in list order."""
    groups: list[Group] = []
    index = WorkIndex()
    for it in items:
        links = item_links(it)
        w = item_work(it, links)
        hit = index.find(w)
        if hit is None:
            index.add(len(groups), w)
            groups.append(Group([it], w, "", [links]))
            continue
        gi = hit[0]
        assert isinstance(gi, int)
        g = groups[gi]
        g.items.append(it)
        g.links.append(links)
        index.add(gi, w)
        g.work = index.work(gi)
        g.reason = g.reason or hit[1]
    return groups


def group_clashes(groups: list[Group], path: str) -> list[Finding]:
    """Warnings for groups kept apart although they look alike: a link shared under different titles
    (`import-shared-link`), one title with different identifiers (`import-same-title`)."""
    index = WorkIndex()
    out: list[Finding] = []
    for gi, g in enumerate(groups):
        for handle, kind, detail in index.clashes(g.work):
            assert isinstance(handle, int)
            other = groups[handle].items[0]
            it = g.items[0]
            where = (
                f"no. {other.number or '?'} (line {other.line}) and no. {it.number or '?'} (line {it.line})"
            )
            if kind == "shared-link":
                k, _, v = detail.partition(" ")
                out.append(
                    Finding(
                        "import-shared-link",
                        "warning",
                        f"items {where} share {id_label(k, v)} under different titles; kept as two "
                        "papers: correct the link of one of them",
                        line=it.line,
                        path=path,
                    )
                )
            elif detail:
                out.append(
                    Finding(
                        "import-same-title",
                        "warning",
                        f"items {where} have the same title but different {id_label(detail, '').strip()}s; "
                        "kept as two papers",
                        line=it.line,
                        path=path,
                    )
                )
        index.add(gi, g.work)
    return out


def _venue_text(label: str, value: str) -> str:
    return f"{label}: {value}" if label else value


_RESOLVER = re.compile(r"^https?://(?:dx\.)?doi\.org/(.+)$", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def _resolver_doi(url: str) -> str | None:
    """The DOI of a `https://doi.org/<doi>` resolver link (normalised), else None."""
    m = _RESOLVER.match(url.strip())
    return normalize_doi(m.group(1)) if m else None


@dataclass
class _Acc:
    """What the items of a group say, gathered before the fields are made."""

    etype: str = ""
    container: str = ""
    year: str = ""
    venue_line: str = ""
    date: str = ""
    authors: str = ""
    highlight: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    links: ItemLinks = field(default_factory=ItemLinks)
    sections: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    def venue(self, label: str, value: str, idx: int, k: int, line: int, number: str) -> None:
        vt = _venue_text(label, value)
        if not self.venue_line:
            self.venue_line = vt
            self.etype, self.container, self.year = parse_venue(label, value)
        elif vt != self.venue_line:
            if idx:
                self.diffs.append(f"venue {vt!r} (no. {number or '?'}, line {line})")
            elif k:
                self.notes.append(vt)

    def note(self, text: str) -> None:
        if text and text not in self.notes:
            self.notes.append(text)


def _gather_links(acc: _Acc, it: Item, lk: ItemLinks, findings: list[Finding], path: str) -> None:
    for orig, removed in lk.stripped:
        findings.append(
            Finding(
                "import-tracking",
                "info",
                f"removed tracking parameter(s) {', '.join(removed)} from {orig}",
                field="url",
                line=it.line,
                path=path,
            )
        )
    for u in lk.paper:
        _add(acc.links.paper, u)
    for u in lk.code:
        _add(acc.links.code, u)
    for kind, urls in lk.extra.items():
        for u in urls:
            _add(acc.links.extra.setdefault(kind, []), u)
    for o in lk.other:
        _add(acc.links.other, o)
    for f in it.fields:  # a link part without a link is text: kept as a note
        if f.kind not in _TEXT_KINDS and not f.links and f.value.strip():
            acc.note(_venue_text(f.label, f.value.strip()))


def _gather_dates(acc: _Acc, it: Item, idx: int, findings: list[Finding], path: str) -> None:
    for df in it.all("date"):
        iso, rest = split_date_venue(df.value)
        if rest and iso is None and not _YEAR.search(rest):
            acc.note(_venue_text(df.label, df.value))
            findings.append(
                Finding(
                    "import-date",
                    "warning",
                    f"cannot read the date {df.value!r}; kept as a note",
                    field="date",
                    line=df.line,
                    path=path,
                )
            )
            continue
        if (
            rest
        ):  # "Publication Date: CVPR, 2022": the venue is kept as the venue (or a note), the date as the date
            if acc.venue_line:
                acc.note(_venue_text(df.label, df.value))
            else:
                acc.venue(
                    "",
                    rest if iso is None or _YEAR.search(rest) else f"{rest}, {iso[:4]}",
                    idx,
                    0,
                    df.line,
                    it.number,
                )
        if iso is None:
            continue
        if not acc.date:
            acc.date = iso
        elif iso != acc.date:
            acc.diffs.append(f"date {iso} (line {df.line})")
    for yf in it.all("year"):
        m = _YEAR.search(yf.value)
        if m and not acc.year:
            acc.year = m.group()


def _gather(
    acc: _Acc,
    it: Item,
    idx: int,
    first: Item,
    ids_by_path: dict[tuple[str, ...], str],
    findings: list[Finding],
    path: str,
    links: ItemLinks,
) -> None:
    _gather_links(acc, it, links, findings, path)
    if it.number and it.number not in acc.numbers:
        acc.numbers.append(it.number)
    if it.section:
        sid = ids_by_path.get(it.section, slug(it.section[-1]))
        if sid not in acc.sections:
            acc.sections.append(sid)
        for t in it.section:
            if t not in acc.keywords:
                acc.keywords.append(t)
    if it.title_note:
        acc.notes.append(it.title_note)
    if idx and it.title != first.title:
        acc.diffs.append(f"title {it.title!r} (no. {it.number or '?'}, line {it.line})")
    for k, vf in enumerate(it.all("venue")):
        acc.venue(vf.label, vf.value, idx, k, vf.line, it.number)
    _gather_dates(acc, it, idx, findings, path)
    for af in it.all("authors"):
        a = bibtex_authors(af.value)
        if not acc.authors:
            acc.authors = a
        elif a != acc.authors:
            acc.diffs.append(f"authors {af.value!r} (line {af.line})")
    for hf in it.all("highlight"):
        if hf.value and hf.value not in acc.highlight:
            acc.highlight.append(hf.value)
    for nf in it.all("note"):
        txt = _venue_text(nf.label, nf.value).strip()
        acc.note(txt)
        findings.append(
            Finding(
                "import-unclassified",
                "info",
                f"sub-bullet not recognised, kept in list-note: {txt!r}",
                line=nf.line,
                path=path,
            )
        )


def _entry_type(acc: _Acc, ids: dict[str, str]) -> str:
    if acc.etype:
        return acc.etype
    if ids.get("doi") and not ids["doi"].startswith(("10.1101/", "10.48550/")):
        return "article"
    if ids.get("cvf") or ids.get("neurips-hash") or ids.get("openreview"):
        return "inproceedings"
    return "misc"


def group_fields(
    group: Group, ids_by_path: dict[tuple[str, ...], str], findings: list[Finding], path: str
) -> tuple[str, list[Field], list[str]]:
    """Build (entry type, fields, differences between duplicates) for one group of items."""
    first = group.items[0]
    acc = _Acc()
    for idx, it in enumerate(group.items):
        links = group.links[idx] if idx < len(group.links) else item_links(it)
        _gather(acc, it, idx, first, ids_by_path, findings, path, links)
    ids = group.ids
    etype = _entry_type(acc, ids)
    year = acc.year or acc.date[:4]
    pdfs = acc.links.paper
    if ids.get("doi") and len(pdfs) > 1:
        # "📄 [PDF](https://doi.org/<doi>) · [arXiv](...)": the resolver link is the `doi` field;
        # the other link is the entry's `url` (the exporter links a published version's DOI first)
        pdfs = [u for u in pdfs if _resolver_doi(u) != ids["doi"]] or pdfs
    fields: list[Field] = []

    def put(name: str, value: str) -> None:
        if value:
            fields.append(make_field(name, value, "{"))  # (= Field(name, value), made faster)

    put("author", acc.authors)
    put("title", latex_escape(first.title))
    container = latex_escape(acc.container)
    if etype == "article":
        put("journal", container)
    elif etype in ("inproceedings", "incollection"):
        put("booktitle", container)
    elif acc.container and not (ids.get("arxiv") and acc.container.lower() == "arxiv"):
        put("howpublished", container)
    put("year", year)
    if acc.date and year and acc.date[:4] != year:
        put("origdate", acc.date)
        findings.append(
            Finding(
                "import-date",
                "info",
                f"publication date {acc.date} is not in the venue's year {year}; kept as origdate",
                field="date",
                line=first.line,
                path=path,
            )
        )
    else:
        put("date", acc.date if len(acc.date) > 4 else "")
    put("doi", ids.get("doi", ""))
    if ids.get("arxiv"):
        put("eprint", ids["arxiv"])
        put("archiveprefix", "arXiv")
    for name in ("pii", "openreview", "cvf", "neurips-hash", "pmid", "pmcid", "ieee"):
        put(name, ids.get(name, ""))
    put("url", pdfs[0] if pdfs else "")
    put("keywords", latex_escape(", ".join(acc.keywords)))
    put("list-section", ", ".join(acc.sections))
    put("list-number", ", ".join(acc.numbers))
    put("list-venue", latex_escape(acc.venue_line))
    codes = acc.links.code
    put("list-code", " ".join(codes))
    put("list-links", " ".join(u for u in pdfs[1:] if u not in codes))
    for kind in EXTRA_LINK_KINDS:
        put(f"list-{kind}", " ".join(acc.links.extra.get(kind, ())))
    put("list-other", " ".join(acc.links.other))
    put("list-highlight", latex_escape(" ".join(acc.highlight)))
    put("list-note", latex_escape("; ".join(acc.notes)))
    return etype, fields, acc.diffs
