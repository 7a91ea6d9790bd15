"""List text → BibTeX values: LaTeX escaping, dates, venues, author lists, section slugs (pure).

The helpers `pathbib.importer` uses to turn what an awesome list writes into field values.
"""

from __future__ import annotations

import re

from .keys import ascii_fold
from .latex import escape, unescape
from .names import format_name, parse_name

# patterns used inside functions, compiled once
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ISO_LIKE_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?")
_WORD_OR_NUMBER = re.compile(r"[A-Za-z]+|\d+")
_TRAILING_YEAR = re.compile(r"[,\s]*\(?((?:19|20)\d{2})\)?$")
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_AUTHOR_SEPARATORS = re.compile(r",|;|\s&\s|\sand\s")

__all__ = [
    "latex_escape",
    "latex_unescape",
    "latex_escape_name",
    "slug",
    "parse_date",
    "split_date_venue",
    "parse_venue",
    "bibtex_authors",
]


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters so that `text` is a valid BibTeX/LaTeX value (`latex.escape`)."""
    return escape(text)


def latex_unescape(value: str) -> str:
    """Reverse `latex_escape` (also the `\\{`/`\\}` it wrote before; full decoding is `pathbib.latex`)."""
    return unescape(value)


def slug(text: str) -> str:
    """Section id from a heading: lower-case ASCII words joined by '-'."""
    s = _NON_ALNUM.sub("-", ascii_fold(text).lower()).strip("-")
    return s or "section"


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}


def parse_date(text: str) -> str | None:
    """Return an ISO date (yyyy-mm-dd, yyyy-mm or yyyy) for a date as lists write it, or None.

    Accepts "19th Oct. 2022", "2th May. 2023", "6th Sep., 2023", "Oct 19, 2022", "2022-10-19",
    "2022/10", "October 2022", "2022".
    """
    t = " ".join(text.replace("*", "").replace("_", " ").split()).strip(" .")
    m = _ISO_LIKE_DATE.fullmatch(t)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), m.group(3)
        if not 1 <= mo <= 12:
            return None
        if d is None:
            return f"{y:04d}-{mo:02d}"
        return f"{y:04d}-{mo:02d}-{int(d):02d}" if 1 <= int(d) <= 31 else None
    words = _WORD_OR_NUMBER.findall(t)
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


def split_date_venue(text: str) -> tuple[str | None, str]:
    """Split a date line that also names a venue: "CVPR, 2022" → ("2022", "CVPR").

    Returns (ISO date or None, the rest). A line that is a date as a whole gives (date, "");
    otherwise each comma-separated part that reads as a date gives the date (the first one) and
    the other parts are the rest, as written.
    """
    whole = parse_date(text)
    if whole is not None:
        return whole, ""
    date: str | None = None
    rest: list[str] = []
    for part in text.split(","):
        iso = parse_date(part) if part.strip() else None
        if iso is not None and date is None:
            date = iso
        elif part.strip():
            rest.append(part.strip())
    return date, ", ".join(rest)


_PREPRINT_SERVERS = re.compile(
    r"^(arxiv|medrxiv|biorxiv|chemrxiv|techrxiv|ssrn|research ?square|preprints(\.org)?|osf( preprints)?|"
    r"engrxiv|psyarxiv|hal|zenodo)$",
    re.I,
)
_CONFERENCE = re.compile(
    r"\b(CVPR|ICCV|ECCV|WACV|NeurIPS|NIPS|ICML|ICLR|AAAI|IJCAI|MICCAI|MIDL|ISBI|BMVC|ACCV|ACL|EMNLP|NAACL|"
    r"KDD|CHI|SIGGRAPH|AISTATS|UAI|COLT|IPMI|BIBM|ICASSP)\b|\b(conference|proceedings|workshop|symposium|"
    r"congress|meeting)\b",
    re.I,
)
_JOURNAL = re.compile(
    r"\b(journal|transactions|letters|nature|science|cell|lancet|jama|medicine|analysis|review|reports|"
    r"communications|radiology|imaging|mapping|biology|physics|informatics|pathology|oncology|bioinformatics)\b",
    re.I,
)


def parse_venue(label: str, value: str) -> tuple[str, str, str]:
    """Classify a venue line: (entry type, container name, year).

    The type comes from the label ("Journal" → article, "Proceedings"/"Conference" →
    inproceedings, "Preprint" → misc unless the name is a journal or conference), else
    from the name (conference acronyms and words, journal words, preprint servers).
    """
    v = " ".join(value.replace("*", "").split()).strip(" .;")
    year = ""
    m = _TRAILING_YEAR.search(v)
    if m:
        year = m.group(1)
        name = v[: m.start()].strip(" ,;")
    else:
        m2 = _YEAR.search(v)
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
    parts = [p.strip() for p in _AUTHOR_SEPARATORS.split(t) if p.strip()]
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
