"""The listed papers as plain records for the web page and the timeline (pure).

`paper_records(library, settings)` returns one `PaperRecord` per listed entry (the entries the
README lists: with a `list-section`, not excluded, not the survey), in library order, with
every string decoded to plain Unicode text (not escaped: each writer escapes for its own
format) and every link checked to be http(s). The rules it shares with the README (which
entries are listed, the venue line, the paper link, what a preprint is, section ids unknown to
pathbib.toml going to "Other papers") are the README exporter's own functions, so the page, the
picture and the README always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Settings
from ..model import Library
from ..names import split_names
from ._resolve import Resolver
from ._text import plain
from .markdown import (
    _venue,
    list_text,
    listed_entries,
    paper_links,
    preprint_server,
    safe_url,
    sort_key,
)

__all__ = [
    "Link",
    "PaperRecord",
    "paper_records",
    "section_paths",
    "venue_kind",
    "author_names",
    "OTHER_SECTION",
]

OTHER_SECTION = "Other papers"
#: hosts whose links are source code (a `list-code` link elsewhere is a project page)
CODE_HOSTS = (
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "codeberg.org",
    "sourceforge.net",
    "huggingface.co",
)
_HOST = re.compile(r"^https?://([^/?#:\s]+)", re.I)


@dataclass(frozen=True)
class Link:
    label: str  # "Paper", "DOI", "arXiv", "Code", "Project", or a preprint server's name
    url: str  # http(s) only


@dataclass(frozen=True)
class PaperRecord:
    key: str
    entry_type: str
    title: str
    authors: tuple[str, ...]
    venue: str  # the README's venue line, e.g. "Journal: Nature Medicine, 2024"
    kind: str  # "journal", "conference", "preprint" or "other"
    year: int | None
    date: tuple[int, int, int]  # (year, month, day), 0 = unknown part; (9999, 99, 99) undated
    sections: tuple[tuple[str, ...], ...]  # section paths, e.g. (("Pre-trained", "Vision"),)
    section_ids: tuple[str, ...]  # ids of the top-level sections and subsections it is in
    links: tuple[Link, ...]
    highlight: str
    has_code: bool


def venue_kind(venue_line: str) -> str:
    """journal / conference / preprint / other, from the README's venue line label."""
    label = venue_line.split(":", 1)[0].strip().lower() if ":" in venue_line else ""
    if label == "preprint":
        return "preprint"
    if label == "journal":
        return "journal"
    if label in ("conference", "workshop"):
        return "conference"
    return "other"


def section_paths(settings: Settings, ids: list[str]) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """Section title paths and the section ids (top-level and sub) for the `list-section` ids."""
    paths: list[tuple[str, ...]] = []
    sids: list[str] = []
    for sid in ids:
        path: tuple[str, ...] | None = None
        for s in settings.list.sections:
            if s.id == sid:
                path, found = (s.title,), [s.id]
            for sub in s.subsections:
                if sub.id == sid:
                    path, found = (s.title, sub.title), [s.id, sub.id]
            if path is not None:
                break
        if path is None:
            path, found = (OTHER_SECTION,), ["other"]
        if path not in paths:
            paths.append(path)
        sids.extend(x for x in found if x not in sids)
    return tuple(paths), tuple(sids)


def author_names(value: str) -> tuple[str, ...]:
    """Display names ("First von Last Jr"), as the README writes them; "others" -> "et al."."""
    names: list[str] = []
    for n in split_names(value):
        if n.literal:
            names.append("et al." if n.is_others else plain(n.literal))
            continue
        full = " ".join(p for p in (plain(x) for x in (n.first, n.von, n.last) if x) if p)
        if n.jr:
            full += f" {plain(n.jr)}"
        if full:
            names.append(full)
    return tuple(names)


def _host(url: str) -> str:
    m = _HOST.match(url)
    return m.group(1).lower() if m else ""


def _is_code_host(url: str) -> bool:
    host = _host(url)
    return any(host == h or host.endswith("." + h) for h in CODE_HOSTS)


def _links(f: dict[str, str]) -> list[Link]:
    out: list[Link] = []
    seen: set[str] = set()

    def add(label: str, url: str | None) -> None:
        if url and url not in seen:
            seen.add(url)
            out.append(Link(label, url))

    primary, more = paper_links(f)
    add("Paper", primary)
    for extra in more:
        add(plain(extra["label"].replace("\\", "")), extra["url"])
    doi = f.get("doi", "").strip()
    if doi:
        add("DOI", safe_url(f"https://doi.org/{doi}"))
    eprint = f.get("eprint", "").strip()
    if eprint and f.get("archiveprefix", f.get("eprinttype", "arxiv")).strip().lower() == "arxiv":
        add("arXiv", safe_url(f"https://arxiv.org/abs/{eprint}"))
    for c in (f.get("list-code") or "").split():
        add("Code" if _is_code_host(c) else "Project", safe_url(c))
    for u in (f.get("list-links") or "").split():
        add("Link", safe_url(u))
    return out


def paper_records(library: Library, settings: Settings) -> list[PaperRecord]:
    """Return the listed papers as plain records, in library order."""
    resolver = Resolver(library)
    out: list[PaperRecord] = []
    for e in listed_entries(library, settings):
        f = resolver.fields(e)
        ids = [s.strip() for s in (f.get("list-section") or "").split(",") if s.strip()]
        paths, sids = section_paths(settings, ids)
        venue = _venue(f, e.entry_type)
        kind = "preprint" if preprint_server(e.entry_type, f) else venue_kind(venue)
        date = sort_key(f)
        out.append(
            PaperRecord(
                key=e.key,
                entry_type=e.entry_type,
                title=plain(f.get("title", "")) or e.key,
                authors=author_names(f.get("author", "")),
                venue=venue,
                kind=kind,
                year=date[0] if date[0] != 9999 else None,
                date=date,
                sections=paths,
                section_ids=sids,
                links=tuple(_links(f)),
                highlight=list_text(f.get("list-highlight", "")),
                has_code=any(safe_url(c) for c in (f.get("list-code") or "").split()),
            )
        )
    return out
