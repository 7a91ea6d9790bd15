"""What the awesome-list reader returns: items, sub-fields, headings, front matter (pure, stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .mojibake import RepairResult

__all__ = ["Link", "SubField", "Item", "Heading", "FrontMatter", "ParsedList", "FIELD_KINDS", "LINK_KINDS"]

#: Kinds of links: the paper itself, its code, and the other things lists link to.
LINK_KINDS = ("pdf", "code", "project", "dataset", "demo", "video", "link")
#: Every `SubField.kind` the reader produces.
FIELD_KINDS = ("venue", "date", "year", "authors", "highlight", "note", *LINK_KINDS)


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True, slots=True)
class SubField:
    """One labelled part of an item (a sub-bullet, a table cell, a piece of the title line).

    `kind` is one of `FIELD_KINDS` (see `Item`); `label` is the label as written ("Journal",
    "Publication Date", "[code]", "" when none).
    """

    kind: str
    label: str
    value: str  # plain text after the label (Markdown emphasis removed)
    links: tuple[Link, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class Item:
    """A paper as the list shows it.

    `fields` kinds:
      venue      where it appeared ("CVPR 2024", "Journal: Medical Image Analysis, 2022")
      date       a publication date as written ("30 Oct 2023", "2023-06-05", "Feb., 2026")
      year       a bare year the list gives ("2015", "'24" → value "2024")
      authors    the author list as written
      highlight  a summary / highlight line
      note       any other text (label kept), e.g. an abstract in `<details>`, an abbreviation
      pdf        link(s) to the paper itself (arXiv, DOI, publisher, OpenReview, CVF, a .pdf)
      code       source code (GitHub, GitLab, "[code]")
      project    a project page / website
      dataset    a dataset or benchmark page
      demo       a demo (Hugging Face space, Colab, "[Demo]")
      video      a video or talk (YouTube, Vimeo, Bilibili)
      link       any other link; `label` keeps its original text ("bibtex", "blog", a badge's alt)
    Every link of the source item is in exactly one field or in `title_links` (the title's own link).
    """

    title: str
    line: int
    number: str = ""  # as printed ("17"); "" for a bullet item
    section: tuple[str, ...] = ()  # heading titles, outermost first (wrapper headings removed)
    fields: tuple[SubField, ...] = ()
    title_note: str = ""  # other text on the title line
    title_links: tuple[Link, ...] = ()  # links on the title line

    def first(self, kind: str) -> SubField | None:
        for f in self.fields:
            if f.kind == kind:
                return f
        return None

    def all(self, kind: str) -> list[SubField]:
        return [f for f in self.fields if f.kind == kind]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    title: str  # plain text, trailing ":" removed
    line: int
    path: tuple[str, ...] = ()  # section path (wrapper headings removed), this heading last
    description: str = ""  # Markdown of the paragraphs right under it


@dataclass(frozen=True, slots=True)
class FrontMatter:
    title: str = ""
    badges: tuple[str, ...] = ()
    intro: str = ""
    review_line: str = ""  # Markdown before the review link
    review_text: str = ""  # the link text
    review_url: str = ""
    review_suffix: str = ""  # Markdown after the link, with its leading space (" :heart:")
    review_source: str = ""  # the whole line
    citation: str = ""  # BibTeX inside the citation code fence
    citation_line: int = 0
    introduction: str = ""
    order_note: str = ""


@dataclass(frozen=True)
class ParsedList:
    front: FrontMatter
    sections: tuple[Heading, ...]  # section/subsection headings in order (incl. empty ones)
    items: tuple[Item, ...]
    repair: RepairResult
    newline: str = "\n"
    notes: tuple[tuple[int, str], ...] = field(default=())  # (line, text) kept but unplaced
    #: candidates that were not taken as papers: (line, shape, text excerpt)
    skipped: tuple[tuple[int, str, str], ...] = field(default=())
    #: reader warnings (e.g. "fewer than half of the link-bearing list items are papers")
    warnings: tuple[str, ...] = field(default=())
