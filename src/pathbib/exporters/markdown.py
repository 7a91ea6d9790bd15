"""library.bib + settings -> the awesome-list README (pure; returns text).

`list_context` turns the library into plain data (sections, numbered papers, TOC with GitHub
heading slugs, counts) with every library-derived string already Markdown-escaped and every
link already checked to be http(s); the Jinja2 template (`templates/readme.md.j2`, or the
curator's own via `list.template`) only lays it out. A custom template therefore cannot
forget to escape: what it receives is safe to print.

Order inside a section: by publication date (`date`, else `year` + `month`), earlier first;
a partial date sorts at the start of its period (`2024` before `2024-01-05`); entries with
no date at all come last; ties keep the order of library.bib.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..config import Section, Settings, Subsection
from ..errors import ConfigError
from ..identity import Work, count_works
from ..listfields import SlugCounter, entry_sections, github_slug, is_excluded
from ..model import Entry, Library
from ..names import split_names
from ._links import extra_links, more_paper_links
from ._preprint import _arxiv, preprint_doi_server, preprint_server, url_server
from ._resolve import Resolver, month_number
from ._text import plain
from .citation import apa_reference, survey_bib, survey_entry

__all__ = [
    "md_escape",
    "safe_url",
    "safe_link",
    "SlugCounter",
    "github_slug",
    "list_context",
    "render_readme",
    "default_template",
    "sort_key",
    "listed_entries",
    "paper_links",
    "preprint_server",
    "preprint_doi_server",
    "url_server",
]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_URL_OK = re.compile(r"^https?://[^\s/?#]+[^\r\n]*$", re.I)
_URL_ENCODE = {
    " ": "%20",
    "(": "%28",
    ")": "%29",
    "<": "%3C",
    ">": "%3E",
    '"': "%22",
    "`": "%60",
    "\\": "%5C",
    "[": "%5B",
    "]": "%5D",
    "*": "%2A",
    "_": "_",
}
_COUNT_SENTENCE = re.compile(r"(?m)^[ \t]*We considered a sum of `?\d+`? research papers[^\n]*\n?")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


def list_text(value: str) -> str:
    """Text of a `list-*` field: plain text as the list wrote it, LaTeX decoded only if present."""
    if "\\" in value or "{" in value:
        return plain(value)
    return " ".join(value.split())


def md_escape(text: str) -> str:
    """Escape text so that Markdown/HTML renders it literally (one line)."""
    text = " ".join(text.split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _ENTITY.sub(r"\\&", text)


def safe_url(url: str) -> str | None:
    """Return `url` ready for a Markdown link destination, or None unless it is http(s)."""
    url = url.strip()
    if not _URL_OK.match(url):
        return None
    return "".join(_URL_ENCODE.get(c, c) for c in url)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def safe_link(url: str) -> str | None:
    """`safe_url`, or a relative reference as the list wrote it (`./paper.bib#L1`, `images/x.png`):
    no scheme (so never `javascript:`), not protocol-relative, one line; encoded like `safe_url`."""
    if (u := safe_url(url)) is not None:
        return u
    url = url.strip()
    if not url or _SCHEME.match(url) or url.startswith("//") or any(c in url for c in "\r\n\t\x00"):
        return None
    return "".join(_URL_ENCODE.get(c, c) for c in url)


def sort_key(f: dict[str, str]) -> tuple[int, int, int]:
    """Publication date as (year, month, day); missing parts are 0; undated sorts last."""
    m = _ISO.match(f.get("date", "").strip())
    if m:
        return (int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0))
    year = re.search(r"\d{4}", plain(f.get("year", "")))
    if not year:
        return (9999, 99, 99)
    return (int(year.group()), month_number(plain(f.get("month", ""))) or 0, 0)


def _display_date(f: dict[str, str]) -> str:
    y, m, d = sort_key(f)
    if y == 9999:
        return ""
    return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if m and d else "")


_CONFERENCE_TYPES = ("inproceedings", "conference", "proceedings")
_BOOK_TYPES = ("incollection", "inbook", "bookinbook", "suppbook", "suppcollection")
_WORKSHOP = re.compile(r"\bworkshops?\b", re.I)


def _venue(f: dict[str, str], entry_type: str = "misc") -> str:
    """The 📖 line: `Preprint:`, `Journal:`, `Conference:`, `Workshop:` or `Book:` by entry type."""
    year = sort_key(f)[0]
    ys = f", {year}" if year != 9999 else ""
    et = entry_type.lower()
    server = preprint_server(et, f)
    if server:
        return f"Preprint: {server}{ys}"
    journal = plain(f.get("journal") or f.get("journaltitle") or "")
    booktitle = plain(f.get("booktitle") or "")
    if et in _BOOK_TYPES and booktitle:
        return f"Book: {booktitle}{ys}"
    if et in _CONFERENCE_TYPES or (et not in ("article", "periodical") and booktitle and not journal):
        name = booktitle or journal
        if name:
            return f"{'Workshop' if _WORKSHOP.search(name) else 'Conference'}: {name}{ys}"
    elif journal or booktitle:
        return f"Journal: {journal or booktitle}{ys}"
    if f.get("list-venue"):
        return list_text(f["list-venue"])
    return ""


def _authors(value: str) -> str:
    names = []
    for n in split_names(value):
        if n.literal:
            names.append("et al." if n.is_others else plain(n.literal))
            continue
        parts = [plain(p) for p in (n.first, n.von, n.last) if p]
        full = " ".join(p for p in parts if p)
        if n.jr:
            full += f" {plain(n.jr)}"
        if full:
            names.append(full)
    return ", ".join(names)


def paper_link(f: dict[str, str]) -> str | None:
    """The paper's link: `url`, else the DOI resolver, else the arXiv abstract page (http(s) only)."""
    for cand in (
        f.get("url", ""),
        f"https://doi.org/{f['doi'].strip()}" if f.get("doi", "").strip() else "",
        f"https://arxiv.org/abs/{a}" if (a := _arxiv(f)) else "",
    ):
        if cand:
            u = safe_url(cand)
            if u:
                return u
    return None


def paper_links(f: dict[str, str]) -> tuple[str | None, list[dict[str, str]]]:
    """The 📄 link and any further links as [{"label", "url"}] (http(s) only).

    A published version — a DOI that is not a preprint server's — whose `url` is a preprint
    page (arxiv.org, medrxiv.org, biorxiv.org, ...) links to `https://doi.org/<doi>`; the
    preprint page follows as a second link labelled with the server's name ("arXiv").
    Otherwise: `paper_link`.
    """
    doi = f.get("doi", "").strip()
    url = f.get("url", "").strip()
    server = url_server(url) if url else None
    if doi and server and not preprint_doi_server(doi):
        primary = safe_url(f"https://doi.org/{doi}")
        second = safe_url(url)
        if primary:
            return primary, ([{"label": md_escape(server), "url": second}] if second else [])
    return paper_link(f), []


@dataclass
class Paper:
    """One numbered item of the list; every string is Markdown-safe."""

    number: int
    key: str
    title: str
    venue: str
    authors: str
    date: str
    url: str | None
    code: list[str]
    highlight: str
    indent: str
    year: int | None
    links: list[dict[str, str]] = field(default_factory=list)  # further paper links after `url`
    extra: list[dict[str, str]] = field(default_factory=list)  # project, dataset, demo, video, other links
    note: str = ""  # the list's other text about the paper (`list-note`)


@dataclass
class Group:
    """A section or subsection with its papers."""

    title: str  # Markdown-escaped heading text
    slug: str
    level: int
    id: str
    description: str
    papers: list[Paper] = field(default_factory=list)
    subsections: list[Group] = field(default_factory=list)


def listed_entries(library: Library, settings: Settings) -> list[Entry]:
    """Entries that appear in the list: with a `list-section`, not excluded, not the survey itself."""
    survey = survey_entry(library, settings)
    out = []
    for e in library.entries:
        if is_excluded(e):
            continue
        if survey is not None and e.key == survey.key:
            continue
        if not entry_sections(e):
            continue
        out.append(e)
    return out


_Bucket = list[tuple[tuple[int, int, int], int, Entry, dict[str, str]]]


def _section_tree(
    settings: Settings, library: Library, resolver: Resolver, slugger: SlugCounter
) -> tuple[list[Group], list[Group], dict[int, _Bucket]]:
    """(top-level groups, every group in document order, entries per group index) for the listed entries.

    The tree is as deep as pathbib.toml nests it; an entry in a section pathbib.toml does not name
    goes to "Other papers", last.
    """
    targets: list[Group] = []
    known: dict[str, int] = {}

    def make(node: Section | Subsection, level: int) -> Group:
        g = Group(md_escape(node.title), slugger(node.title), level, node.id, node.description)
        known.setdefault(node.id, len(targets))
        targets.append(g)
        g.subsections = [make(sub, level + 1) for sub in node.subsections]
        return g

    groups: list[Group] = [make(s, 2) for s in settings.list.sections]
    other: Group | None = None
    buckets: dict[int, _Bucket] = {}
    placed: dict[int, set[str]] = {}
    for order, e in enumerate(listed_entries(library, settings)):
        f = resolver.fields(e)
        for sid in entry_sections(e):
            if sid not in known:
                if other is None:
                    other = Group("Other papers", slugger("Other papers"), 2, "other", "")
                    targets.append(other)
                t = len(targets) - 1
            else:
                t = known[sid]
            if e.key not in placed.setdefault(t, set()):
                placed[t].add(e.key)
                buckets.setdefault(t, []).append((sort_key(f), order, e, f))
    if other is not None:
        groups.append(other)
    return groups, targets, buckets


def _paper(number: int, sk: tuple[int, int, int], e: Entry, f: dict[str, str]) -> Paper:
    """The numbered README item of entry `e` (resolved fields `f`, date key `sk`)."""
    venue = md_escape(_venue(f, e.entry_type))
    url, more_links = paper_links(f)
    if safe_url(f.get("url", "")) is None and (rel := safe_link(f.get("url", ""))) is not None:
        # a relative `url` as the list wrote it (`./paper.pdf`): printed, after the DOI/arXiv link if any
        if url is None:
            url = rel
        else:
            more_links.insert(0, {"label": "link", "url": rel})
    code = [u for u in (safe_link(c) for c in (f.get("list-code") or "").split()) if u]
    more_links += more_paper_links(
        f.get("list-links") or "", safe=safe_link, escape=md_escape, server=url_server
    )
    return Paper(
        number=number,
        key=e.key,
        title=md_escape(plain(f.get("title", "")) or e.key),
        venue=venue,
        authors=md_escape(_authors(f.get("author", ""))),
        # a bare year is already on the venue line
        date=_display_date(f) if (sk[1] or not venue) else "",
        url=url,
        code=code,
        highlight=md_escape(list_text(f.get("list-highlight", ""))),
        indent=" " * len(f"{number}. "),
        year=sk[0] if sk[0] != 9999 else None,
        links=more_links,
        extra=extra_links(f, safe=safe_link, escape=md_escape),
        note=md_escape(list_text(f.get("list-note", ""))),
    )


def list_context(
    library: Library,
    settings: Settings,
    *,
    citation_bibtex: str = "",
    citation_apa: str = "",
) -> dict[str, Any]:
    """Return the template context: settings text, survey, TOC, numbered sections, counts."""
    lst = settings.list
    resolver = Resolver(library)
    slugger = SlugCounter()
    # headings of the fixed part of the template, in document order, so that slugs stay unique
    for fixed in (lst.title or "Papers", "Citation", "Introduction", "papers"):
        slugger(fixed)
    groups, targets, buckets = _section_tree(settings, library, resolver, slugger)
    number = 0
    years: list[int] = []
    counted: dict[str, Entry] = {}
    for t, g in enumerate(targets):
        for sk, _order, e, f in sorted(buckets.get(t, []), key=lambda x: (x[0], x[1])):
            number += 1
            counted[e.key] = e
            p = _paper(number, sk, e, f)
            if p.year is not None:
                years.append(p.year)
            g.papers.append(p)

    toc: list[dict[str, Any]] = []

    def contents(g: Group, depth: int) -> None:
        toc.append({"title": g.title, "slug": g.slug, "level": depth})
        for sg in g.subsections:
            contents(sg, depth + 1)

    for g in groups:
        contents(g, 0)

    survey = survey_entry(library, settings)
    survey_ctx: dict[str, Any] | None = None
    if survey is not None:
        sf = resolver.fields(survey)
        survey_ctx = {
            "key": survey.key,
            "title": md_escape(plain(sf.get("title", ""))),
            "url": paper_link(sf),
            "bibtex": citation_bibtex.rstrip("\n"),
            "fence": _fence(citation_bibtex),
            "apa": md_escape(citation_apa) if citation_apa else "",
        }

    return {
        "title": lst.title,
        "title_escaped": md_escape(lst.title),
        "badges": list(lst.badges),
        "intro": lst.intro,
        "review_line": lst.review_line,
        "review_suffix": lst.review_suffix,
        "empty_section": lst.empty_section,
        # the count sentence is generated below the introduction; drop a stale copy of it
        "introduction": _COUNT_SENTENCE.sub("", lst.introduction).rstrip(),
        "order_note": lst.order_note,
        "survey": survey_ctx,
        "count": count_works(Work.of(e) for e in counted.values()),
        "items": number,
        "year_from": min(years) if years else None,
        "year_to": max(years) if years else None,
        "toc": toc,
        "sections": groups,
    }


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def default_template() -> str:
    """Return the text of the shipped README template."""
    return (resources.files("pathbib.exporters") / "templates" / "readme.md.j2").read_text(encoding="utf-8")


def render_readme(
    library: Library,
    settings: Settings,
    *,
    template: str | None = None,
    citation_bibtex: str | None = None,
    citation_apa: str | None = None,
    timeline: str = "",
) -> str:
    """Render the awesome-list README with the shipped template or `template` (Jinja2 text).

    The citation block and APA line are made from the survey entry unless given. `timeline`
    is the relative path of the timeline picture shown under the introduction ("" = none).
    """
    if survey_entry(library, settings) is None and not settings.survey:
        citation_bibtex, citation_apa = "", ""
    if citation_bibtex is None or citation_apa is None:
        if citation_bibtex is None:
            citation_bibtex = survey_bib(library, settings)
        if citation_apa is None:
            citation_apa = apa_reference(library, settings)

    ctx = list_context(library, settings, citation_bibtex=citation_bibtex, citation_apa=citation_apa)
    ctx["timeline"] = timeline
    text = render_template(
        template if template is not None else default_template(),
        ctx,
        settings.template_path if template is not None else None,
    )
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip("\n") + "\n"


def render_template(source: str, context: dict[str, Any], path: Path | None = None) -> str:
    """Render Jinja2 `source` in a sandbox; a template error is a `ConfigError` naming file and line.

    The sandbox refuses attribute access to internals (`lipsum.__globals__`, `__class__`, ...), so a
    template edited in a pull request cannot run code during `build`.
    """
    from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.filters["md"] = md_escape
    env.filters["slug"] = github_slug
    where = str(path) if path is not None else "the README template"
    try:
        return env.from_string(source).render(**context)
    except TemplateSyntaxError as exc:
        raise ConfigError(
            f"template syntax error: {exc.message}",
            "fix the template, or remove `[list] template` from pathbib.toml to use the shipped one",
            path=where,
            line=exc.lineno,
        ) from None
    except (TemplateError, RecursionError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise ConfigError(
            f"template error: {exc}",
            "fix the template (pathbib's variables are listed in docs/build.md), or remove `[list] template`",
            path=where,
            line=_template_line(exc),
        ) from None


def _template_line(exc: BaseException) -> int | None:
    """The template line where `exc` was raised (Jinja2 maps template frames to `<template>`)."""
    import traceback

    line = None
    for fs in traceback.extract_tb(exc.__traceback__):
        if fs.filename == "<template>":
            line = fs.lineno
    return line
