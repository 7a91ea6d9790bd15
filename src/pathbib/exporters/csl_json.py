"""BibTeX/biblatex entries -> CSL-JSON items (pure; returns text).

One pass per entry over a resolved field dict (macros expanded and crossref inherited once by
`_resolve.Resolver`); every LaTeX value is decoded by `pathbib.latex` (cached, with a fast path
for plain values), title-like fields with the case-protection-aware variant so that
`{DNA}` becomes `<span class="nocase">DNA</span>`. Fields that have no CSL variable are
reported as `Finding`s by `unmapped_fields` / `to_csl`, never silently dropped.

Output: a JSON array with one item per line (compact, `ensure_ascii=False`), in library order,
keys in a fixed order. That keeps the file diffable and lets Python's C JSON encoder do the work.
"""

from __future__ import annotations

import json
import json.encoder
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Entry, Finding, Library
from ._case import ENGLISH, csl_title
from ._csl_names import csl_names
from ._csl_vocab import (  # TYPE_MAP, FIELD_HOME, BIBSTRINGS: re-exported
    _HANDLED,
    _LANG,
    _NAMES,
    _TEXT,
    _THESIS_GENRE,
    _TITLE,
    _TYPE_KEYS,
    BIBSTRINGS,
    FIELD_HOME,
    TYPE_MAP,
)
from ._dates import edtf_to_csl
from ._preprint import preprint_server
from ._resolve import DATA_ONLY_TYPES, Resolver, month_number
from ._text import plain
from .bibtex import DEFAULT_PROTECTED_WORDS

__all__ = ["TYPE_MAP", "FIELD_HOME", "CslOptions", "to_csl", "csl_items", "export_csl_json", "entry_to_csl"]

_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)", re.ASCII)
_NOOPSORT = re.compile(r"\\noopsort\s*\{[^{}]*\}")
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})\W+([A-Za-z]+)\.?\s*$", re.ASCII)
_PAGE_DASH = re.compile(r"\s*(?:-{1,3}|\u2013|\u2014|\\textendash\s*|\{\\textendash\}|\\textemdash\s*)\s*")
_ARXIV_NEW = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")
_LIST_AND = re.compile(r"\s+and\s+")


def _iso_date(value: str) -> dict[str, Any] | None:
    """A biblatex date (EDTF, see `_dates`) as a CSL date; what is not a date stays `literal`."""
    d = edtf_to_csl(value)
    if d is not None and "literal" in d:
        d["literal"] = plain(d["literal"])
    return d


def _issued(f: dict[str, str]) -> dict[str, Any] | None:
    if f.get("date"):
        return _iso_date(f["date"])
    year = f.get("year")
    if not year:
        return None
    # `{\noopsort{1973b}}1973`: the argument only steers sorting
    y = plain(_NOOPSORT.sub("", year)) if "noopsort" in year else plain(year)
    if y.isascii() and y.isdigit():  # `٢٠٢٠` is not silently 2020
        parts = [int(y)]
    else:
        found = _YEAR.search(y)
        if not found:
            return {"literal": y}
        parts = [int(found.group())]
    month = plain(f.get("month", ""))
    mo = month_number(month)
    day = f.get("day", "").strip()
    if not mo and month:
        m = _DAY_MONTH.match(month)  # `10~jan` -> "10 January"
        if m:
            mo = month_number(m.group(2))
            day = m.group(1)
    if mo:
        parts.append(mo)
        if day.isascii() and day.isdigit() and 1 <= int(day) <= 31:
            parts.append(int(day))
    return {"date-parts": [parts]}


@dataclass(frozen=True)
class CslOptions:
    """How items are written: `strict` plain CSL names/types, else the form Zotero keeps."""

    strict: bool = False
    protect_words: tuple[str, ...] = DEFAULT_PROTECTED_WORDS


DEFAULT_OPTIONS = CslOptions()


def _pages(value: str) -> str:
    return (
        _PAGE_DASH.sub("\u2013", plain(value) if "\\" in value or "{" in value else value.strip())
        if value
        else ""
    )


def _arxiv_id(f: dict[str, str]) -> str | None:
    eprint = f.get("eprint", "").strip()
    if not eprint:
        return None
    kind = (f.get("archiveprefix") or f.get("eprinttype") or "").strip().lower()
    if kind == "arxiv" or (not kind and _ARXIV_NEW.match(eprint)):
        return eprint
    return None


_FROZEN: dict[tuple[str, ...], frozenset[str]] = {}


def _frozen(words: tuple[str, ...]) -> frozenset[str]:
    """One frozenset per word list, so that title memos hash it once."""
    f = _FROZEN.get(words)
    if f is None:
        if len(_FROZEN) > 8:
            _FROZEN.clear()
        f = _FROZEN[words] = frozenset(words)
    return f


class _Titles:
    """Title-like fields as CSL rich text; `title` in sentence case when the entry is English."""

    def __init__(self, f: dict[str, str], opts: CslOptions) -> None:
        lang = (f.get("langid") or f.get("language") or "").strip().strip("{}").lower()
        self.sentence = lang in ENGLISH
        self.words = _frozen(opts.protect_words)

    def title(self, value: str) -> str:
        return csl_title(value, sentence=self.sentence, words=self.words)

    def name(self, value: str) -> str:  # containers, series, events: names, kept as written
        return csl_title(value, sentence=False, words=())

    def join(self, main: str | None, sub: str | None, *, sentence: bool) -> str | None:
        if not main:
            return None
        conv = self.title if sentence else self.name
        if sub:  # one conversion, so that Title Case is judged on title and subtitle together
            end = plain(main).rstrip()[-1:]
            return conv(f"{main}: {sub}" if end not in ":?!." else f"{main} {sub}")
        return conv(main)


def _container(etype: str, f: dict[str, str]) -> tuple[str | None, str | None]:
    container = f.get("journaltitle") or f.get("journal")
    sub = f.get("journalsubtitle")
    if not container and f.get("booktitle"):
        container, sub = f.get("booktitle"), f.get("booksubtitle")
    if not container and f.get("maintitle") and etype not in ("book", "mvbook"):
        container, sub = f.get("maintitle"), f.get("mainsubtitle")
    return container, sub


def _type(etype: str, f: dict[str, str], container: str | None, server: str | None, opts: CslOptions) -> str:
    if server:
        return "article"  # CSL's preprint type; Zotero maps it to "Preprint"
    if etype == "article" and not container:
        return "article-journal" if f.get("volume") or f.get("pages") else "article"
    t = TYPE_MAP.get(etype, "document")
    if t == "software" and not opts.strict:
        # Zotero's CSL JSON detector refuses a file with any `software` item; a CSL `book` with
        # a `version` is what Zotero imports as "Computer Program" (docs/build.md)
        return "book"
    return t


def _fields_into(
    item: dict[str, Any], f: dict[str, str], titles: _Titles, opts: CslOptions, unmapped: list[str]
) -> None:
    for name, value in f.items():
        if name in _HANDLED:
            continue
        if name in _NAMES:
            names = csl_names(value, strict=opts.strict)
            if names:
                item.setdefault(_NAMES[name], []).extend(names)
        elif name in _TITLE:
            item[_TITLE[name]] = titles.title(value) if name == "shorttitle" else titles.name(value)
        elif name in _TEXT:
            var = _TEXT[name]
            if var not in item:
                text = BIBSTRINGS.get(value.strip(), "") or plain(_list_field(name, value))
                if text:
                    item[var] = text
        else:
            unmapped.append(name)


#: biblatex list fields: `and` separates the items ("Durham and London" -> "Durham; London")
_LIST_FIELDS = frozenset(
    {"location", "address", "publisher", "institution", "organization", "school", "language"}
)


def _list_field(name: str, value: str) -> str:
    if name in _LIST_FIELDS and " and " in value:
        from ..names import split_authors

        return "; ".join(split_authors(value))
    return value


def _titles_into(
    item: dict[str, Any],
    etype: str,
    f: dict[str, str],
    titles: _Titles,
    container: str | None,
    container_sub: str | None,
) -> None:
    title = titles.join(f.get("title"), f.get("subtitle"), sentence=True)
    if title:
        if f.get("titleaddon"):
            title = f"{title}. {titles.title(f['titleaddon'])}"
        item["title"] = title
    ctitle = titles.join(container, container_sub, sentence=False)
    if ctitle:
        if f.get("booktitleaddon") and container == f.get("booktitle"):
            ctitle = f"{ctitle}. {titles.name(f['booktitleaddon'])}"
        item["container-title"] = ctitle
    maintitle = titles.join(f.get("maintitle"), f.get("mainsubtitle"), sentence=True)
    if maintitle and container != f.get("maintitle"):
        if item["type"] == "book":  # one volume of a multi-volume work
            if "title" in item:
                item["volume-title"] = item["title"]
            item["title"] = maintitle
        else:  # a part of one volume: the volume is `booktitle`, the whole work `maintitle`
            if "container-title" in item:
                item["volume-title"] = item["container-title"]
            item["container-title"] = maintitle
    if f.get("series"):
        series = f["series"].strip()
        item["collection-title"] = BIBSTRINGS.get(series, "") or titles.name(series)


def _number_into(item: dict[str, Any], f: dict[str, str], unmapped: list[str]) -> None:
    number = f.get("number")
    if not number:
        return
    n = plain(number)
    t = item["type"]
    if t in ("article-journal", "article-magazine", "article-newspaper", "periodical"):
        item.setdefault("issue", n)
    elif f.get("series") and t in ("book", "chapter", "paper-conference"):
        item["collection-number"] = n
    elif t == "paper-conference" and (f.get("pages") or not n.isdigit()):
        # a proceedings track or issue ("DB1", AAAI's issue 6): styles print `number` as an
        # article number ("Article DB1") and drop the pages; it has no CSL home on a paper
        unmapped.append("number")
    else:
        item["number"] = n


def _publisher_into(item: dict[str, Any], etype: str, f: dict[str, str], unmapped: list[str]) -> None:
    publisher = f.get("publisher") or f.get("institution") or f.get("school") or f.get("organization")
    if publisher:
        item["publisher"] = plain(_list_field("publisher", publisher))
    if f.get("organization") and publisher != f.get("organization"):
        unmapped.append("organization")
    if etype in _THESIS_GENRE and "genre" not in item:
        item["genre"] = _THESIS_GENRE[etype]
    elif item.get("genre") in _TYPE_KEYS:
        item["genre"] = _TYPE_KEYS[item["genre"]]
    if etype in ("software", "code") and "genre" not in item:
        item["genre"] = "Computer software"


def _preprint_into(
    item: dict[str, Any], f: dict[str, str], server: str | None, arxiv: str | None, unmapped: list[str]
) -> None:
    if server:
        # CSL `article` + genre + publisher: what Zotero imports as a preprint with its
        # repository (a `medium` would be dropped), and what APA prints as "[Preprint]. medRxiv"
        item["publisher"] = server
        item["genre"] = "Preprint"
        item.pop("medium", None)
        if arxiv:
            # the bare id: styles print the publisher beside it (IEEE "arXiv: 2401.04079"), so
            # "arXiv:2401.04079" would print the label twice
            item["number"] = arxiv
    elif arxiv:
        # no CSL variable holds the arXiv id of a published paper; a `note` line "arXiv: ID" is
        # where Zotero keeps it (CSL note -> Extra) and what Zotero itself exports
        item["note"] = f"{item['note']}\narXiv: {arxiv}" if item.get("note") else f"arXiv: {arxiv}"
    if arxiv and "URL" not in item:
        item["URL"] = f"https://arxiv.org/abs/{arxiv}"
    if f.get("eprint") and not arxiv:
        unmapped.append("eprint")


def entry_to_csl(
    entry: Entry, f: dict[str, str], opts: CslOptions = DEFAULT_OPTIONS
) -> tuple[dict[str, Any], list[str]]:
    """Map one entry's resolved fields to a CSL item; also return the fields left out."""
    etype = entry.entry_type
    arxiv = _arxiv_id(f)
    container, container_sub = _container(etype, f)
    server = preprint_server(etype, f)
    item: dict[str, Any] = {
        "id": entry.key,
        "type": _type(etype, f, container, server, opts),
        "citation-key": entry.key,
    }
    unmapped: list[str] = []
    titles = _Titles(f, opts)
    _fields_into(item, f, titles, opts, unmapped)
    _titles_into(item, etype, f, titles, container, container_sub)
    _number_into(item, f, unmapped)
    _publisher_into(item, etype, f, unmapped)
    issued = _issued(f)
    if issued:
        item["issued"] = issued
    for src, var in (("urldate", "accessed"), ("eventdate", "event-date"), ("origdate", "original-date")):
        if f.get(src):
            d = _iso_date(f[src])
            if d:
                item[var] = d
    if f.get("pages"):
        item["page"] = _pages(f["pages"])
    doi = f.get("doi", "").strip()
    if doi:
        item["DOI"] = doi
    url = f.get("url", "").strip()
    if url:
        item["URL"] = url
    _notes_into(item, f, unmapped)
    _preprint_into(item, f, server, arxiv, unmapped)
    return item, unmapped


def _notes_into(item: dict[str, Any], f: dict[str, str], unmapped: list[str]) -> None:
    if f.get("keywords") or f.get("list-section"):  # perf: most entries have neither
        kw = [k.strip() for k in plain(f.get("keywords", "")).split(",") if k.strip()]
        for sec in f.get("list-section", "").split(","):
            sec = sec.strip()
            if sec and sec not in kw:
                kw.append(sec)
        if kw:
            item["keyword"] = ", ".join(kw)
    notes = [plain(f["note"])] if f.get("note") else []
    if f.get("addendum"):
        notes.append(plain(f["addendum"]))
    if f.get("list-highlight"):
        hl = f["list-highlight"]
        notes.append(plain(hl) if "\\" in hl or "{" in hl else " ".join(hl.split()))
    notes = [n for n in notes if n]
    if notes:
        item["note"] = "\n".join(notes)
    lang = (f.get("langid") or f.get("language") or "").strip()
    if lang:
        lang = _LIST_AND.split(lang)[0].strip()  # `language` is a list: the first one
    if lang:
        code = _LANG.get(lang.lower().strip("{}"))
        if code:
            item["language"] = code
        elif re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
            item["language"] = lang
        else:
            unmapped.append("langid" if "langid" in f else "language")


def to_csl(
    library: Library, opts: CslOptions = DEFAULT_OPTIONS
) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Convert every entry; return the CSL items and one finding per field with no CSL home."""
    resolver = Resolver(library)
    items: list[dict[str, Any]] = []
    findings: list[Finding] = []
    for entry in library.entries:
        if entry.entry_type in DATA_ONLY_TYPES:
            continue
        item, unmapped = entry_to_csl(entry, resolver.fields(entry), opts)
        items.append(item)
        for name in unmapped:
            findings.append(
                Finding(
                    "EXP001", "info", f"field {name!r} has no CSL-JSON home; not exported", entry.key, name
                )
            )
    return items, findings


def csl_items(library: Library, opts: CslOptions = DEFAULT_OPTIONS) -> list[dict[str, Any]]:
    """Return the CSL items of every entry, in library order."""
    return to_csl(library, opts)[0]


def _item_encoder() -> Callable[[dict[str, Any]], str]:
    """`JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode` for one CSL item.

    perf: `encode` builds a new C encoder for every call and tracks circular references;
    items are acyclic dicts of str/int/list, so one C encoder (same arguments, no markers)
    made once gives the same text at less cost. Falls back to `encode` without the C module.
    """
    base = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return base.encode
    c_enc = make(
        None,
        base.default,
        json.encoder.encode_basestring,
        None,
        base.key_separator,
        base.item_separator,
        base.sort_keys,
        base.skipkeys,
        base.allow_nan,
    )

    def encode(item: dict[str, Any]) -> str:
        return "".join(c_enc(item, 0))

    return encode


_ENCODE = _item_encoder()


def dumps_items(items: Iterable[dict[str, Any]]) -> str:
    """Serialise CSL items: a JSON array, one compact item per line, UTF-8 text kept as is."""
    lines = [_ENCODE(it) for it in items]
    if not lines:
        return "[]\n"
    # perf: bracket the first/last line instead of `"[" + join + "]"`, which copies the whole
    # text once more (80 MB for 24k entries when one character is outside the BMP)
    lines[0] = "[\n" + lines[0]
    lines[-1] += "\n]\n"
    return ",\n".join(lines)


def _iter_items(library: Library, opts: CslOptions) -> Iterator[dict[str, Any]]:
    resolver = Resolver(library)
    for entry in library.entries:
        if entry.entry_type not in DATA_ONLY_TYPES:  # @xdata is merged into the entries using it
            yield entry_to_csl(entry, resolver.fields(entry), opts)[0]


def export_csl_json(library: Library, opts: CslOptions = DEFAULT_OPTIONS) -> str:
    """Return the library as CSL-JSON text."""
    # perf: items are serialised as they are made, so they are never all in memory at once
    return dumps_items(_iter_items(library, opts))


def export_csl_json_bytes(library: Library, opts: CslOptions = DEFAULT_OPTIONS) -> bytes:
    """Return `export_csl_json(library)` encoded as UTF-8, built with far less memory.

    One character outside the BMP makes a Python str 4 bytes per character: the text of a
    24k-entry library takes 80 MB as str and 21 MB as UTF-8 (docs/performance.md).
    """
    enc = _ENCODE
    lines = [enc(it).encode("utf-8") for it in _iter_items(library, opts)]
    if not lines:
        return b"[]\n"
    lines[0] = b"[\n" + lines[0]
    lines[-1] += b"\n]\n"
    return b",\n".join(lines)
