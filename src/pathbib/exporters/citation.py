"""The list's own citation: survey.bib, CITATION.cff and an APA reference (pure; returns text).

The survey entry is `survey` in pathbib.toml, else the entry with `list-survey = {yes}`.
`CITATION.cff` is written by hand as YAML (strings double-quoted, JSON-escaped) so that it is
deterministic and needs no YAML library; its `preferred-citation` is the survey. The APA
reference is rendered by citeproc-py from the survey's CSL-JSON record, with the APA style and
en-US locale shipped in `exporters/csl/`.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

from ..config import Settings
from ..errors import InputError
from ..listfields import survey_entry as _survey_entry
from ..model import Entry, Library
from ..names import split_names
from ._resolve import Resolver, month_number
from ._text import plain
from .bibtex import export_bibtex

__all__ = ["survey_entry", "survey_bib", "citation_cff", "cff_data", "apa_reference", "require_survey"]

_CFF_TYPE = {
    "article": "article",
    "inproceedings": "conference-paper",
    "conference": "conference-paper",
    "proceedings": "proceedings",
    "book": "book",
    "inbook": "book",
    "incollection": "book",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "manual": "manual",
    "unpublished": "unpublished",
    "online": "website",
    "software": "software",
    "dataset": "data",
    "misc": "generic",
}


def survey_entry(library: Library, settings: Settings) -> Entry | None:
    """The list's own survey: `survey` in pathbib.toml, else the entry with `list-survey = {yes}`."""
    return _survey_entry(library, settings.survey)


def require_survey(library: Library, settings: Settings) -> Entry:
    """Return the survey entry or raise an `InputError` with a hint."""
    e = survey_entry(library, settings)
    if e is None:
        if settings.survey:
            raise InputError(
                f"the survey entry {settings.survey!r} named in pathbib.toml is not in the library",
                "fix `survey` in pathbib.toml or add the entry to library.bib",
            )
        raise InputError(
            "no survey entry: pathbib.toml has no `survey` key and no entry has list-survey = {yes}",
            'set `survey = "<citation key>"` in pathbib.toml',
        )
    return e


def survey_bib(library: Library, settings: Settings, *, ascii: bool = False) -> str:
    """Return the survey entry as LaTeX-ready BibTeX (as in library.bib's export)."""
    e = require_survey(library, settings)
    return export_bibtex(library, ascii=ascii, protect_words=settings.list.protect_words, keys=[e.key])


def _cff_person(value: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for n in split_names(value):
        if n.literal:
            if not n.is_others:
                out.append({"name": plain(n.literal)})
            continue
        # a part that decodes to nothing (`Ford, Jr., {}`: a suffix without a given name) is left
        # out: the CFF schema rejects empty strings
        parts = (
            ("family-names", n.last),
            ("given-names", n.first),
            ("name-particle", n.von),
            ("name-suffix", n.jr),
        )
        p = {key: text for key, raw in parts if raw and (text := plain(raw))}
        if p.get("family-names"):
            out.append(p)
        elif p.get("given-names"):
            out.append({"name": p["given-names"]})
    return out


def cff_data(library: Library, settings: Settings) -> dict[str, Any]:
    """Return the CITATION.cff content as plain data (key order is output order)."""
    e = require_survey(library, settings)
    f = Resolver(library).fields(e)
    authors = _cff_person(f.get("author", "")) or _cff_person(f.get("editor", ""))
    if not authors:
        raise InputError(
            f"the survey entry {e.key!r} has no author", "add an author field to the survey entry"
        )
    ref: dict[str, Any] = {"type": _CFF_TYPE.get(e.entry_type, "generic")}
    ref["authors"] = authors
    ref["title"] = plain(f.get("title", ""))
    if e.entry_type in ("article",) and (f.get("journal") or f.get("journaltitle")):
        ref["journal"] = plain(f.get("journal") or f.get("journaltitle", ""))
    elif f.get("booktitle"):
        ref["collection-title"] = plain(f["booktitle"])
        ref["collection-type"] = "proceedings" if e.entry_type in ("inproceedings", "conference") else "book"
    if f.get("eventtitle"):
        ref["conference"] = {"name": plain(f["eventtitle"])}
    if f.get("publisher"):
        ref["publisher"] = {"name": plain(f["publisher"])}
    for src, dst in (("volume", "volume"), ("number", "issue"), ("issue", "issue")):
        if f.get(src) and dst not in ref:
            v = plain(f[src])
            ref[dst] = int(v) if v.isascii() and v.isdigit() else v  # never `٣` -> 3
    pages = plain(f.get("pages", ""))
    if pages:
        m = re.match(r"^\s*(\w+)\s*[-\u2013\u2014]+\s*(\w+)\s*$", pages)
        if m:
            ref["start"], ref["end"] = m.group(1), m.group(2)
        else:
            ref["start"] = pages
    date = f.get("date", "").strip()
    dm = re.match(r"^([0-9]{4})(?:-([0-9]{1,2}))?", date)
    year = dm.group(1) if dm else (re.search(r"[0-9]{4}", plain(f.get("year", ""))) or [None])[0]
    month = int(dm.group(2)) if dm and dm.group(2) else month_number(plain(f.get("month", "")))
    if year:
        ref["year"] = int(year)
    if month:
        ref["month"] = month
    if f.get("doi", "").strip():
        ref["doi"] = f["doi"].strip()
    if f.get("url", "").strip():
        ref["url"] = f["url"].strip()
    eprint = f.get("eprint", "").strip()
    if eprint and f.get("archiveprefix", f.get("eprinttype", "arxiv")).strip().lower() == "arxiv":
        ref["identifiers"] = [
            {"type": "url", "value": f"https://arxiv.org/abs/{eprint}", "description": f"arXiv:{eprint}"}
        ]
        ref.setdefault("url", f"https://arxiv.org/abs/{eprint}")
    title = settings.list.title or ref["title"]
    return {
        "cff-version": "1.2.0",
        "message": "If you use this list, please cite the survey in preferred-citation.",
        "title": title,
        "authors": authors,
        "type": "dataset",
        "preferred-citation": ref,
    }


def _yaml(value: Any, indent: int) -> list[str]:
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)):
                lines.append(f"{pad}{k}:")
                lines.extend(_yaml(v, indent + 1))
            else:
                lines.append(f"{pad}{k}: {_scalar(v)}")
    else:
        for item in value:
            sub = _yaml(item, indent + 1) if isinstance(item, (dict, list)) else [f"{pad}  {_scalar(item)}"]
            first = sub[0].lstrip()
            lines.append(f"{pad}- {first}")
            lines.extend(sub[1:])
    return lines


_YAML_UNPRINTABLE = re.compile(
    "[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]"
)  # NEL and LS/PS fold as line breaks


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    # JSON escapes C0 controls; YAML also forbids DEL, C1 controls, surrogates and U+FFFE/U+FFFF
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(str(v), ensure_ascii=False))


def citation_cff(library: Library, settings: Settings) -> str:
    """Return CITATION.cff (CFF 1.2.0) text for the list, citing the survey."""
    return "\n".join(_yaml(cff_data(library, settings), 0)) + "\n"


def _apa_style() -> Any:
    """The shipped APA 7 style with the shipped en-US locale (citeproc-py reads locales from a global)."""
    import citeproc.frontend as frontend
    from citeproc import CitationStylesStyle

    data = resources.files("pathbib.exporters") / "csl"
    with resources.as_file(data) as folder:
        saved = frontend.LOCALES_PATH
        frontend.LOCALES_PATH = str(folder)
        try:
            return CitationStylesStyle(str(folder / "apa.csl"), locale="en-US", validate=False)
        finally:
            frontend.LOCALES_PATH = saved


def apa_reference(library: Library, settings: Settings, *, html: bool = False) -> str:
    """Render the survey in APA 7 with citeproc-py from its CSL-JSON record."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    from .csl_json import entry_to_csl

    e = require_survey(library, settings)
    item, _ = entry_to_csl(e, Resolver(library).fields(e))
    # citeproc-py reads plain strings; nocase spans only matter to title-casing styles, and
    # the rich-text markup (<i>, <sup> ...) would be printed as text
    for k, v in list(item.items()):
        if isinstance(v, str) and "<" in v:
            item[k] = re.sub(r"</?(?:span|i|b|sup|sub)(?:\s[^>]*)?>", "", v)
    item.pop("citation-key", None)  # not a citeproc-py variable
    item["id"] = item["id"].lower()  # citeproc-py lower-cases keys
    style = _apa_style()
    source = CiteProcJSON([item])
    bib = CitationStylesBibliography(style, source, formatter.html if html else formatter.plain)
    bib.register(Citation([CitationItem(item["id"])]))
    return " ".join(str(bib.bibliography()[0]).split())


def apa_references(library: Library, keys: list[str]) -> dict[str, str]:
    """Render each entry of `keys` in APA 7 as plain text, the way `apa_reference` renders the survey.

    Each entry is a bibliography of its own, so no "2023a"/"2023b" suffix depends on which
    other papers are listed. citeproc-py takes about 10 ms per entry.
    """
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    from .csl_json import entry_to_csl

    if not keys:
        return {}
    style = _apa_style()
    resolver = Resolver(library)
    by_key = {e.key: e for e in library.entries}
    out: dict[str, str] = {}
    for key in keys:
        e = by_key.get(key)
        if e is None:
            continue
        item, _ = entry_to_csl(e, resolver.fields(e))
        for k, v in list(item.items()):
            if isinstance(v, str) and "<span" in v:
                item[k] = re.sub(r"</?span[^>]*>", "", v)
        item.pop("citation-key", None)
        item["id"] = item["id"].lower()
        bib = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
        bib.register(Citation([CitationItem(item["id"])]))
        out[key] = " ".join(str(bib.bibliography()[0]).split())
    return out
