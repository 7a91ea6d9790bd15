"""library.bib -> `site/index.html`: one self-contained, searchable page of the list (pure; returns text).

The page lists every paper of the README (`papers.paper_records`) as plain HTML, so it reads
without JavaScript; an inline script only filters (search, section, years, venue type, has
code), sorts and keeps that state in the URL hash. Nothing is fetched: CSS, script, data and
the timeline picture are inline, and a Content-Security-Policy forbids every request and every
script but the page's own (by hash), so that even a value that slipped through escaping could
not run or call out.

Escaping: the Jinja2 template runs in a `SandboxedEnvironment` with autoescape on; every
library-derived string reaches it as plain text; links are http(s) only (`safe_url`); the
filter data is JSON inside `<script type="application/json">` with `<`, `>` and `&` written as
`\\u003c`, `\\u003e`, `\\u0026`, so no value can close the element.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources
from typing import Any

from ..bibio import format_entry
from ..config import Settings
from ..errors import ConfigError
from ..model import Library
from ._resolve import Resolver
from .bibtex import DEFAULT_PROTECTED_WORDS, latex_entry
from .citation import apa_references
from .markdown import safe_url
from .papers import OTHER_SECTION, PaperRecord, paper_records

__all__ = [
    "export_site",
    "entry_bibtex",
    "anchor_id",
    "json_for_html",
    "citations_blob",
    "read_citations",
    "SHOWN_AUTHORS",
]

SHOWN_AUTHORS = 3  # authors shown before "et al."; the rest open on demand
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def anchor_id(key: str) -> str:
    """The paper's element id: `p-` + the key, other characters than [A-Za-z0-9_.-] as `_xx`."""
    return "p-" + _ID_UNSAFE.sub(lambda m: "_" + format(ord(m.group()), "x") + "_", key)


def json_for_html(value: Any) -> str:
    """JSON text that cannot end a `<script>` element or open a comment inside one."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)


def entry_bibtex(library: Library, keys: Iterable[str], protect_words: Iterable[str] = ()) -> dict[str, str]:
    """Each entry's text exactly as in the BibTeX export (`export_bibtex(..., keys=[key])`)."""
    words = DEFAULT_PROTECTED_WORDS + tuple(protect_words)
    resolver = Resolver(library)
    by_key = {e.key: e for e in library.entries}
    out: dict[str, str] = {}
    for key in keys:
        e = by_key.get(key)
        if e is not None:
            out[key] = format_entry(latex_entry(e, resolver.fields(e), protect_words=words)) + "\n"
    return out


def _fold(text: str) -> str:
    """Lower-case, accents dropped, whitespace collapsed: what the search box compares."""
    text = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _display_date(date: tuple[int, int, int]) -> str:
    y, m, d = date
    if y == 9999:
        return ""
    return f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if m and d else "")


def _search_extra(r: PaperRecord) -> str:
    """What the search matches besides the visible title/authors/venue/highlight: key, code repos."""
    repos = [
        re.sub(r"^https?://(www\.)?", "", link.url) for link in r.links if link.label in ("Code", "Project")
    ]
    return _fold(" ".join([r.key, *repos]))


def citations_blob(bibtex: list[str], apa: list[str]) -> str:
    """`{"b": [...], "a": [...]}` as gzip + base64 text (mtime 0: the same bytes on every build).

    The copy texts are the heaviest part of the page (a dblp entry's BibTeX and APA are ~1.4 kB);
    compressed they take about a seventh, which keeps a 10,000-paper page under 15 MB. The
    browser inflates them with its built-in DecompressionStream.
    """
    data = json.dumps({"b": bibtex, "a": apa}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")


def read_citations(blob: str) -> dict[str, list[str]]:
    """Inverse of `citations_blob` (for tests and tools)."""
    data: dict[str, list[str]] = json.loads(gzip.decompress(base64.b64decode(blob)).decode("utf-8"))
    return data


def _section_options(settings: Settings, records: list[PaperRecord]) -> list[dict[str, Any]]:
    used = {sid for r in records for sid in r.section_ids}
    opts: list[dict[str, Any]] = []
    for s in settings.list.sections:
        opts.append({"id": s.id, "title": s.title, "level": 0, "used": s.id in used})
        for sub in s.subsections:
            opts.append({"id": sub.id, "title": sub.title, "level": 1, "used": sub.id in used})
    if "other" in used:
        opts.append({"id": "other", "title": OTHER_SECTION, "level": 0, "used": True})
    return opts


def _downloads(settings: Settings, available: Iterable[str]) -> list[dict[str, str]]:
    have = set(available)
    base = settings.site.base_url.strip()
    if base and not safe_url(base):
        raise ConfigError(
            f"site.base_url {base!r} is not an http(s) URL",
            'set it to where exports/ is published, e.g. "https://user.github.io/list/", or remove it',
        )
    out = []
    for name in settings.site.links:
        if name not in have:
            raise ConfigError(
                f"site.links names {name!r}, which `pathbib build` does not write",
                f"use some of: {', '.join(sorted(have))}",
            )
        href = (safe_url(base.rstrip("/") + "/" + name) or "") if base else "../" + name
        out.append({"name": name, "href": href})
    return out


def _paper_context(r: PaperRecord, apa: str) -> dict[str, Any]:
    return {
        "id": anchor_id(r.key),
        "key": r.key,
        "title": r.title,
        "authors": list(r.authors[:SHOWN_AUTHORS]),
        "more_authors": list(r.authors[SHOWN_AUTHORS:]),
        "venue": r.venue,
        "kind": r.kind,
        # a bare year is already on the venue line (as in the README)
        "date": _display_date(r.date) if (r.date[1] or not r.venue) else "",
        "sections": [" › ".join(p) for p in r.sections],
        "links": [{"label": link.label, "url": link.url} for link in r.links],
        "highlight": r.highlight,
        "apa": apa,
    }


def _filter_row(r: PaperRecord) -> list[Any]:
    y, m, d = r.date
    return [
        _search_extra(r),
        r.year or 0,
        (y * 100 + m) * 100 + d,
        list(r.section_ids),
        r.kind,
        1 if r.has_code else 0,
    ]


def export_site(
    library: Library, settings: Settings, *, timeline_svg: str = "", available: Iterable[str] = ()
) -> str:
    """Return the text of `site/index.html`; `available` names the export files it may link to."""
    from jinja2.sandbox import SandboxedEnvironment

    records = paper_records(library, settings)
    # newest first; ties by title, then key, so the order never depends on the file's order
    records.sort(key=lambda r: (r.date[0] == 9999, -r.date[0], -r.date[1], -r.date[2], _fold(r.title), r.key))
    keys = [r.key for r in records]
    bib = entry_bibtex(library, keys, settings.list.protect_words)
    apa = apa_references(library, keys)
    title_order = sorted(range(len(records)), key=lambda i: (_fold(records[i].title), records[i].key))
    rank = [0] * len(records)
    for pos, i in enumerate(title_order):
        rank[i] = pos
    data = {"rows": [[*_filter_row(r), rank[i]] for i, r in enumerate(records)]}
    years = [r.year for r in records if r.year is not None]
    files = resources.files("pathbib.exporters") / "templates"
    css = (files / "site.css").read_text(encoding="utf-8")
    js = (files / "site.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    svg = timeline_svg.split("?>", 1)[1].strip() if timeline_svg.startswith("<?xml") else timeline_svg.strip()
    env = SandboxedEnvironment(
        autoescape=True, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True
    )
    template = env.from_string((files / "site.html.j2").read_text(encoding="utf-8"))
    base = settings.site.base_url.strip()
    text = template.render(
        title=settings.site.title or settings.list.title or "Papers",
        canonical=safe_url(base.rstrip("/") + "/site/") if base and safe_url(base) else None,
        count=len(records),
        year_from=min(years) if years else None,
        year_to=max(years) if years else None,
        papers=[_paper_context(r, apa.get(r.key, "")) for r in records],
        sections=_section_options(settings, records),
        downloads=_downloads(settings, available),
        # printed with `|safe` by the template: our own SVG writer's output (every value in it
        # escaped), our stylesheet and script, and JSON that cannot close its element
        timeline=svg,
        css=css,
        js=js,
        script_hash=f"sha256-{digest}",
        data=json_for_html(data),
        citations=citations_blob([bib[k] for k in keys], [apa.get(k, "") for k in keys]),
    )
    return text.rstrip("\n") + "\n"
