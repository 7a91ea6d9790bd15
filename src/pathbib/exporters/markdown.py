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

from ..config import Section, Settings
from ..errors import ConfigError
from ..listfields import SlugCounter, entry_sections, github_slug, is_excluded
from ..model import Entry, Library
from ..names import split_names
from ._resolve import Resolver, month_number
from ._text import plain
from .citation import apa_reference, survey_bib, survey_entry

__all__ = [
    "md_escape",
    "safe_url",
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
_URL_ENCODE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", '"': "%22", "`": "%60", "\\": "%5C", "[": "%5B", "]": "%5D", "*": "%2A", "_": "_"}
_COUNT_SENTENCE = re.compile(r"(?m)^[ \t]*We considered a sum of `?\d+`? research papers[^\n]*\n?")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_ARXIV = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$|^[a-z\-]+(\.[A-Z]{2})?/\d{7}$")


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


def _arxiv(f: dict[str, str]) -> str | None:
    e = f.get("eprint", "").strip()
    kind = f.get("archiveprefix", f.get("eprinttype", "")).strip().lower()
    if e and (kind == "arxiv" or (not kind and _ARXIV.match(e))):
        return e
    return None


#: DOI prefixes of preprint servers -> the server's name (10.1101 is shared by bioRxiv and medRxiv).
PREPRINT_DOI_PREFIXES: tuple[tuple[str, str], ...] = (
    ("10.48550/", "arXiv"),
    ("10.1101/", "bioRxiv"),
    ("10.21203/rs.", "Research Square"),
    ("10.2139/ssrn.", "SSRN"),
    ("10.20944/preprints", "Preprints.org"),
    ("10.36227/techrxiv", "TechRxiv"),
    ("10.26434/chemrxiv", "ChemRxiv"),
    ("10.31219/osf.io/", "OSF Preprints"),
    ("10.31234/osf.io/", "PsyArXiv"),
)
# a venue name that starts with a preprint server's name ("arXiv preprint arXiv:2401.01234",
# "bioRxiv : the preprint server for biology", "SSRN Electronic Journal") -> canonical spelling
_SERVER_NAMES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"^\s*{pat}(?![a-z])", re.I), name)
    for pat, name in (
        (r"arxiv", "arXiv"),
        (r"medrxiv", "medRxiv"),
        (r"biorxiv", "bioRxiv"),
        (r"chemrxiv", "ChemRxiv"),
        (r"techrxiv", "TechRxiv"),
        (r"psyarxiv", "PsyArXiv"),
        (r"ssrn", "SSRN"),
        (r"research\s*square", "Research Square"),
        (r"preprints(\.org)?", "Preprints.org"),
        (r"osf\s+preprints", "OSF Preprints"),
    )
)
#: Hosts of preprint servers (a `url` there is a preprint's page) -> the server's name.
PREPRINT_HOSTS: dict[str, str] = {
    "arxiv.org": "arXiv",
    "medrxiv.org": "medRxiv",
    "biorxiv.org": "bioRxiv",
    "ssrn.com": "SSRN",
    "researchsquare.com": "Research Square",
}
_PREPRINT_TYPES = ("misc", "online", "unpublished", "preprint", "electronic", "www")
_CONFERENCE_TYPES = ("inproceedings", "conference", "proceedings")
_BOOK_TYPES = ("incollection", "inbook", "bookinbook", "suppbook", "suppcollection")
_WORKSHOP = re.compile(r"\bworkshops?\b", re.I)


def preprint_doi_server(doi: str) -> str | None:
    """The preprint server whose DOI prefix `doi` has (`10.1101/...` -> bioRxiv), else None."""
    d = doi.strip().lower()
    for prefix, name in PREPRINT_DOI_PREFIXES:
        if d.startswith(prefix):
            return name
    return None


def _server_name(name: str) -> str | None:
    for pat, canonical in _SERVER_NAMES:
        if pat.match(name):
            return canonical
    return None


def url_server(url: str) -> str | None:
    """The preprint server hosting `url` (`https://www.medrxiv.org/...` -> medRxiv), else None."""
    m = re.match(r"^https?://([^/?#:\s]+)", url.strip(), re.I)
    if not m:
        return None
    host = m.group(1).lower()
    for domain, name in PREPRINT_HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return None


def preprint_server(entry_type: str, f: dict[str, str]) -> str | None:
    """The preprint server of an entry that is a preprint, else None.

    A preprint is an entry whose journal/booktitle names a preprint server; or, with no
    journal/booktitle, one whose howpublished/publisher names one, whose DOI is a preprint
    server's (10.1101/, 10.48550/, ...), or whose type is misc/online/unpublished with an
    eprint (archiveprefix/eprinttype) or a `url` on a preprint server. A journal article or a
    conference paper that also has an arXiv eprint is a published version, not a preprint.
    """
    container = plain(f.get("journal") or f.get("journaltitle") or f.get("booktitle") or "")
    if container.strip():
        return _server_name(container)
    named = next((s for s in (_server_name(plain(f.get(k) or "")) for k in
                              ("howpublished", "publisher", "organization", "institution")) if s), None)
    by_doi = preprint_doi_server(f.get("doi", ""))
    by_url = url_server(f.get("url", ""))
    if named:
        return named
    if by_doi:
        # bioRxiv and medRxiv share 10.1101: the url tells them apart
        return by_url if by_doi == "bioRxiv" and by_url in ("bioRxiv", "medRxiv") else by_doi
    if entry_type.lower() in _PREPRINT_TYPES:
        if _arxiv(f):
            return "arXiv"
        kind = plain(f.get("archiveprefix") or f.get("eprinttype") or "").strip()
        if kind and f.get("eprint", "").strip():
            return _server_name(kind) or kind
        if by_url:
            return by_url
    return None


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

    sections: tuple[Section, ...] = lst.sections
    known: dict[str, tuple[int, int | None]] = {}
    for si, s in enumerate(sections):
        known[s.id] = (si, None)
        for ji, sub in enumerate(s.subsections):
            known[sub.id] = (si, ji)

    groups: list[Group] = []
    for s in sections:
        g = Group(md_escape(s.title), slugger(s.title), 2, s.id, s.description)
        for sub in s.subsections:
            g.subsections.append(Group(md_escape(sub.title), slugger(sub.title), 3, sub.id, sub.description))
        groups.append(g)
    other: Group | None = None

    buckets: dict[int, list[tuple[tuple[int, int, int], int, Entry, dict[str, str]]]] = {}
    targets: list[Group] = []
    slots: dict[tuple[int, int | None], int] = {}

    def slot(g: Group) -> int:
        targets.append(g)
        return len(targets) - 1

    for gi, g in enumerate(groups):
        slots[(gi, None)] = slot(g)
        for ji, sg in enumerate(g.subsections):
            slots[(gi, ji)] = slot(sg)

    for order, e in enumerate(listed_entries(library, settings)):
        f = resolver.fields(e)
        for sid in entry_sections(e):
            if sid in known:
                t = slots[known[sid]]
            else:
                if other is None:
                    other = Group("Other papers", slugger("Other papers"), 2, "other", "")
                    t = slot(other)
                    slots[(-1, None)] = t
                t = slots[(-1, None)]
            bucket = buckets.setdefault(t, [])
            if not any(x[2].key == e.key for x in bucket):
                bucket.append((sort_key(f), order, e, f))
    if other is not None:
        groups.append(other)

    number = 0
    years: list[int] = []
    keys: set[str] = set()
    for t, g in enumerate(targets):
        for sk, _order, e, f in sorted(buckets.get(t, []), key=lambda x: (x[0], x[1])):
            number += 1
            keys.add(e.key)
            year = sk[0] if sk[0] != 9999 else None
            if year is not None:
                years.append(year)
            venue = md_escape(_venue(f, e.entry_type))
            url, more_links = paper_links(f)
            code = [u for u in (safe_url(c) for c in (f.get("list-code") or "").split()) if u]
            g.papers.append(
                Paper(
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
                    year=year,
                    links=more_links,
                )
            )

    toc = []
    for g in groups:
        toc.append({"title": g.title, "slug": g.slug, "level": 0})
        for sg in g.subsections:
            toc.append({"title": sg.title, "slug": sg.slug, "level": 1})

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
        "count": len(keys),
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
    text = render_template(template if template is not None else default_template(), ctx,
                           settings.template_path if template is not None else None)
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
        autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
    )
    env.filters["md"] = md_escape
    env.filters["slug"] = github_slug
    where = str(path) if path is not None else "the README template"
    try:
        return env.from_string(source).render(**context)
    except TemplateSyntaxError as exc:
        raise ConfigError(f"template syntax error: {exc.message}", "fix the template, or remove `[list] template` "
                          "from pathbib.toml to use the shipped one", path=where, line=exc.lineno) from None
    except (TemplateError, RecursionError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise ConfigError(f"template error: {exc}", "fix the template (pathbib's variables are listed in "
                          "docs/build.md), or remove `[list] template`", path=where, line=_template_line(exc)) from None


def _template_line(exc: BaseException) -> int | None:
    """The template line where `exc` was raised (Jinja2 maps template frames to `<template>`)."""
    import traceback

    line = None
    for fs in traceback.extract_tb(exc.__traceback__):
        if fs.filename == "<template>":
            line = fs.lineno
    return line
