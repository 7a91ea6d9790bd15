"""Build a library from the seed README the way `pathbib import` does (test fallback, pure).

Used by tests/test_check.py only while `pathbib import` is not available: the fields follow
the brief's conventions (title, list-venue, list-highlight, url, list-code, keywords from the
sections, list-number, eprint from arXiv links, the survey from the citation block with
`list-review-text`).
"""

from __future__ import annotations

import re

from pathbib.bibio import parse
from pathbib.importers.markdown import parse_list
from pathbib.model import Entry, Field, Library


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def build(text: str) -> Library:
    pl = parse_list(text)
    entries: list[Entry] = []
    for i, it in enumerate(pl.items, 1):
        f: list[Field] = [Field("title", it.title)]
        venue = it.first("venue")
        years = [int(y) for sf in it.fields if sf.kind in ("venue", "date") for y in re.findall(r"\b(?:19|20)\d\d\b", sf.value)]
        authors = it.first("authors")
        if authors:
            f.append(Field("author", " and ".join(a.strip(" .*") for a in re.split(r",|&", authors.value) if a.strip(" .*"))))
        if venue:
            f.append(Field("list-venue", f"{venue.label}: {venue.value}" if venue.label else venue.value))
        if years:
            f.append(Field("year", str(min(years)) if it.first("date") else str(max(years))))
        pdf = it.first("pdf")
        if pdf and pdf.links:
            url = pdf.links[0].url
            f.append(Field("url", url))
            m = re.search(r"arxiv\.org/abs/(\d{4}\.\d{4,5})", url)
            if m:
                f += [Field("eprint", m.group(1)), Field("archiveprefix", "arXiv")]
            m = re.search(r"nature\.com/articles/(s\d+-\d+-\d+-\w)", url)
            if m:
                f.append(Field("doi", "10.1038/" + m.group(1)))
        code = it.first("code")
        if code and code.links:
            f.append(Field("list-code", " ".join(link.url for link in code.links)))
        hl = it.first("highlight")
        if hl:
            f.append(Field("list-highlight", hl.value))
        f.append(Field("keywords", ", ".join(it.section)))
        f.append(Field("list-section", _slug(it.section[-1]) if it.section else ""))
        f.append(Field("list-number", it.number))
        etype = "article" if venue and venue.label == "Journal" else "inproceedings" if venue and venue.label in ("Proceedings", "Conference") else "misc"
        entries.append(Entry(etype, f"seed{i:02d}", tuple(f)))
    survey = parse(pl.front.citation).entries[0]
    survey = survey.set("eprint", "2307.16142").set("archiveprefix", "arXiv").set("url", pl.front.review_url)
    survey = survey.set("list-review-text", pl.front.review_text).set("list-survey", "yes")
    return Library(tuple([survey, *entries]), "library.bib")
