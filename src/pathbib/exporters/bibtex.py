"""library.bib -> BibTeX ready for LaTeX (pure; returns text).

What changes compared with library.bib (see docs/build.md):
- list-only and bookkeeping fields are removed (`LIST_ONLY`, any `list-*`);
- @string macros and crossref are resolved into each entry (no macro or crossref order issues);
- biblatex-only types and fields get their classic BibTeX spelling (`online` -> `misc`,
  `journaltitle` -> `journal`), and `date` is kept in full for biber next to the `year` +
  `month` that plainnat reads, so one file works with both bibtex (plainnat) and biber
  (biblatex); only an entry without its container (an `@article` with no journal, an
  `@inproceedings` with no booktitle) becomes `@misc`; an authorless article stays `@article`
  (with `key` for sorting);
- an eprint gets biblatex's `eprinttype` (`arxiv`; `archiveprefix` kept for natbib-era tools),
  which is what Zotero reads; a `howpublished` that repeats it is dropped (biblatex would
  print the id twice);
- names in biblatex's extended format or with a misplaced suffix ("John Smith, Jr.") are
  written in BibTeX's `von Last, Jr, First` form;
- `&`, `%`, `#`, `_` and a lone `$` are escaped outside math and URL-like fields;
- acronyms and proper nouns in titles are brace-protected (`protect_title`);
- in proceedings and book types, `number` moves to `note` when `volume` is also set (plainnat
  refuses both);
- with `ascii=True`, non-ASCII characters become LaTeX macros for classic BibTeX;
- the library's @preamble blocks are kept, and a @preamble with `\\providecommand` fallbacks
  is added when entries use biblatex-only commands (`\\mkbibquote`, `\\hyph` ...).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from ..bibio import format_entry
from ..latex import sanitize
from ..model import Entry, Field, Library, Preamble
from ..names import fix_suffix, format_name, is_extended_name, parse_name, parse_name_any, split_authors
from ._preprint import preprint_server
from ._resolve import DATA_ONLY_TYPES, MONTHS, Resolver, month_number

__all__ = [
    "LIST_ONLY",
    "VERBATIM_FIELDS",
    "TITLE_FIELDS",
    "DEFAULT_PROTECTED_WORDS",
    "escape_latex",
    "protect_title",
    "to_ascii",
    "latex_entry",
    "export_bibtex",
]

#: fields that only the list (or pathbib itself) uses; `list-*` fields are removed too
LIST_ONLY = frozenset(
    {"check-ignore", "pii", "openreview", "cvf", "ieee", "neurips-hash", "file", "crossref", "xref", "xdata"}
)
#: fields whose value is a URL/identifier: never escaped or re-encoded
VERBATIM_FIELDS = frozenset(
    {"url", "doi", "eprint", "urlraw", "pdf", "verba", "verbb", "verbc", "pmid", "pmcid"}
)
TITLE_FIELDS = frozenset(
    {
        "title",
        "subtitle",
        "titleaddon",
        "booktitle",
        "booksubtitle",
        "maintitle",
        "mainsubtitle",
        "shorttitle",
        "eventtitle",
    }
)
#: proper nouns protected in titles besides the acronym rule (extend with list.protect_words)
DEFAULT_PROTECTED_WORDS: tuple[str, ...] = (
    "Gaussian",
    "Bayesian",
    "Markov",
    "Fourier",
    "Euclidean",
    "Riemannian",
    "Laplacian",
    "Hessian",
    "Lipschitz",
    "Wasserstein",
    "Dirichlet",
    "Poisson",
    "Bernoulli",
    "Boltzmann",
    "Kaplan",
    "Meier",
    "Cox",
    "Gleason",
    "Hodgkin",
    "Alzheimer",
    "Parkinson",
    "Twitter",
    "PubMed",
    "English",
    "Swin",
)

_CLASSIC_TYPES = frozenset(
    {
        "article",
        "book",
        "booklet",
        "conference",
        "inbook",
        "incollection",
        "inproceedings",
        "manual",
        "mastersthesis",
        "misc",
        "phdthesis",
        "proceedings",
        "techreport",
        "unpublished",
    }
)
_TYPE_ALIASES = {
    "online": "misc",
    "www": "misc",
    "electronic": "misc",
    "report": "techreport",
    "thesis": "phdthesis",
    "collection": "book",
    "mvbook": "book",
    "mvcollection": "book",
    "mvproceedings": "proceedings",
    "reference": "book",
    "mvreference": "book",
    "inreference": "incollection",
    "bookinbook": "inbook",
    "suppbook": "inbook",
    "suppcollection": "incollection",
    "suppperiodical": "article",
    "conference": "inproceedings",
}
_FIELD_ALIASES = {
    "journaltitle": "journal",
    "location": "address",
    "eprintclass": "primaryclass",
    "annote": "annotation",
}
_CONTROL_WORD = re.compile(r"\\[A-Za-z@]+")
_KEY_JUNK = re.compile(r"\\[A-Za-z]+|[{}$\\]")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2}))?")
_TRIM = "\"'`([{<:;,.!?)]}>"
# `{\'\i}` -> `{\'i}`: biber decodes an accented dotless i to i + a combining accent, which
# pdflatex cannot typeset; modern LaTeX accents a plain i correctly
_DOTLESS = re.compile(r"(\\[`'^\"~=.uvH])\s*(?:\{\\([ij])\}|\\([ij])(?![A-Za-z]))")


def escape_latex(value: str) -> str:
    """Escape `& % #`, `_` outside math, and an unpaired `$`; never inside `\\url{}` arguments."""
    if not any(c in value for c in "&%#_$"):
        return value
    # a value with an odd number of unescaped `$` has no real math: escape all of them
    dollars = len(re.findall(r"(?<!\\)\$", value))
    math_ok = dollars % 2 == 0
    out: list[str] = []
    i = 0
    n = len(value)
    in_math = False
    while i < n:
        c = value[i]
        if c == "\\":
            m = _CONTROL_WORD.match(value, i)
            if m:
                word = m.group()
                out.append(word)
                i = m.end()
                if word in ("\\url", "\\href", "\\path", "\\nolinkurl") and i < n and value[i] == "{":
                    end = _group_end(value, i)
                    out.append(value[i:end])
                    i = end
                continue
            out.append(value[i : i + 2])
            i += 2
            continue
        if c == "$":
            if math_ok:
                in_math = not in_math
                out.append(c)
            else:
                out.append("\\$")
            i += 1
            continue
        if c in "&%#" or (c == "_" and not in_math):  # & % # are errors in math too
            out.append("\\" + c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _group_end(text: str, pos: int) -> int:
    depth = 0
    for j in range(pos, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(text)


def _needs_protection(core: str, extra: frozenset[str]) -> bool:
    if core in extra:
        return True
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return False
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True  # CLIP, WSI, H&E, MRI
    if len(core) == 1 and core.isupper() and core != "A":
        return True  # T cells, X-ray, vitamin D (styles would print "t cells"); "A" is the article
    if any(c.isupper() for c in core[1:] if c.isalpha()):
        return True  # PathDino, mSTAR, CTransPath
    return any(c.isdigit() for c in core)  # 3D, 1M, GPT4


# perf: title words repeat a lot ("Learning", "for", "Neural"): memo per set of extra words
_PROTECT_MEMO: dict[frozenset[str], dict[str, str]] = {}
_PLAIN_TITLE = re.compile(r"[^{}$~\\]*")  # no group, math, tie or command: words and spaces only
_SPACES = re.compile(r"(\s+)")


def _protect_word(word: str, extra: frozenset[str]) -> str:
    memo = _PROTECT_MEMO.get(extra)
    if memo is None:
        if len(_PROTECT_MEMO) > 8:
            _PROTECT_MEMO.clear()
        memo = _PROTECT_MEMO[extra] = {}
    r = memo.get(word)
    if r is None:
        if len(memo) > 1 << 17:
            memo.clear()
        r = memo[word] = _protect_word_uncached(word, extra)
    return r


def _protect_word_uncached(word: str, extra: frozenset[str]) -> str:
    if "\\" in word and _CONTROL_WORD.search(word):
        return word  # contains a command: leave it to the author
    parts = re.split(r"([-/])", word)
    out = []
    for p in parts:
        if p in ("-", "/") or not p:
            out.append(p)
            continue
        lead = len(p) - len(p.lstrip(_TRIM))
        trail = len(p) - len(p.rstrip(_TRIM))
        core = p[lead : len(p) - trail] if trail else p[lead:]
        if core and _needs_protection(core.replace("\\&", "&"), extra):
            out.append(p[:lead] + "{" + core + "}" + (p[len(p) - trail :] if trail else ""))
        else:
            out.append(p)
    return "".join(out)


def protect_title(value: str, words: Iterable[str] = DEFAULT_PROTECTED_WORDS) -> str:
    """Brace-protect acronyms, words with inner capitals or digits, and `words`, at brace depth 0."""
    extra = frozenset(words)
    if _PLAIN_TITLE.fullmatch(value):  # fast path: only words and whitespace
        parts = _SPACES.split(value)
        for k in range(0, len(parts), 2):
            if parts[k]:
                parts[k] = _protect_word(parts[k], extra)
        return "".join(parts)
    out: list[str] = []
    i = 0
    n = len(value)
    while i < n:
        c = value[i]
        if c == "{":
            end = _group_end(value, i)
            out.append(value[i:end])
            i = end
            continue
        if c == "$":
            j = value.find("$", i + 1)
            end = n if j < 0 else j + 1
            out.append(value[i:end])
            i = end
            continue
        if c.isspace() or c in "~}":
            out.append(c)
            i += 1
            continue
        j = i
        while j < n and not value[j].isspace() and value[j] not in "{}$~":
            if value[j] == "\\" and j + 1 < n:
                j += 2
                continue
            j += 1
        if j < n and value[j] == "{" and _CONTROL_WORD.search(value[i:j]):
            # a command with a braced argument (`\emph{...}`): copy command and group as they are
            end = _group_end(value, j)
            out.append(value[i:end])
            i = end
            continue
        out.append(_protect_word(value[i:j], extra))
        i = j
    return "".join(out)


def to_ascii(value: str) -> str:
    """Replace non-ASCII characters by LaTeX macros (`é` -> `{\\'e}`), for classic BibTeX."""
    if value.isascii():
        return value
    from pylatexenc.latexencode import unicode_to_latex

    logging.getLogger("pylatexenc").setLevel(logging.ERROR)
    return str(
        unicode_to_latex(
            value, non_ascii_only=True, replacement_latex_protection="braces-all", unknown_char_policy="keep"
        )
    )


def _is_list_only(name: str) -> bool:
    return name.startswith("list-") or name in LIST_ONLY


#: Types whose plainnat format refuses both `volume` and `number` (series number)
_VOLUME_OR_NUMBER = frozenset({"inproceedings", "incollection", "book", "inbook", "proceedings"})


def _classic_type(entry: Entry, f: dict[str, str]) -> str:
    """The classic BibTeX type of `entry`; `f` (classic field names) may be adjusted."""
    etype = _TYPE_ALIASES.get(entry.entry_type, entry.entry_type)
    if etype not in _CLASSIC_TYPES:
        etype = "misc"
    if etype in ("phdthesis", "mastersthesis") and "school" not in f and "institution" in f:
        f["school"] = f.pop("institution")
    if entry.entry_type == "thesis" and f.get("type", "").strip().lower() in ("mathesis", "master's thesis"):
        etype = "mastersthesis"
        f.pop("type")
    # only a missing container makes the type wrong for every consumer (an "article" with no
    # journal is a preprint or a manuscript); missing authors, years ... are missing data, and
    # the type is kept so that Zotero, biblatex and plainnat keep journal, volume and pages
    container = _CONTAINER.get(etype)
    if container and not f.get(container):
        etype = "misc"
    return etype


#: the field a type cannot do without: with it missing, the entry is exported as @misc
_CONTAINER = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}


def _dates(f: dict[str, str]) -> None:
    """Keep biblatex's `date` in full and add classic `year`/`month` derived from it."""
    date = f.get("date", "").strip()
    m = _ISO.match(date)
    if m:
        f["year"] = m.group(1)  # biber would overwrite a different year with the date's anyway
        if m.group(2):
            f["month"] = m.group(2)
        elif "month" in f and f.get("month"):
            f.pop("date")  # `date = {2023}` + `month = mar`: the month is more precise
    elif date and "year" not in f:
        f["year"] = f.pop("date")
    elif date:
        f.pop("date")  # not ISO 8601: biber cannot read it; year (and month) stand for it


def _eprint(etype: str, f: dict[str, str]) -> None:
    """Write an eprint the way biblatex and Zotero read it: `eprinttype` (+ `archiveprefix`)."""
    kind = (f.get("eprinttype") or f.get("archiveprefix") or "").strip()
    if not f.get("eprint", "").strip() or not kind:
        how = f.get("howpublished", "")
        if (
            etype == "misc"
            and how
            and not f.get("publisher")
            and preprint_server("misc", {"howpublished": how})
        ):
            # a preprint server named in howpublished ("medRxiv"): also as `publisher`, which
            # Zotero keeps as the item's publisher (howpublished goes to Extra as text); plainnat's
            # and biblatex's @misc print howpublished and ignore publisher, so nothing prints twice
            f["publisher"] = how
        return
    f["eprinttype"] = kind.lower() if kind.lower() in _EPRINT_TYPES else kind
    if kind.lower() == "arxiv":
        f["archiveprefix"] = "arXiv"  # natbib-era styles and tools read this spelling
    # biblatex prints the eprint ("arXiv: 2307.14363"); a howpublished that repeats it is
    # printed a second time, so it goes ("arXiv preprint arXiv:2307.14363", "arXiv")
    how = f.get("howpublished", "")
    if how and (f["eprint"].strip() in how or how.strip().lower().startswith(kind.lower())):
        f.pop("howpublished")


#: biblatex's own eprint types (lower case); others are written as given
_EPRINT_TYPES = frozenset({"arxiv", "jstor", "pubmed", "hdl", "googlebooks", "medrxiv", "biorxiv"})


def _names(value: str) -> str:
    """Rewrite names biblatex-only or with a misplaced suffix in BibTeX's `von Last, Jr, First`."""
    parts = split_authors(value)
    fixed = [parse_name_any(p) for p in parts]
    if all(fix_suffix(parse_name(p)) == parse_name(p) and not is_extended_name(p) for p in parts):
        return value
    return " and ".join(format_name(n) for n in fixed)


def latex_entry(
    entry: Entry,
    fields: dict[str, str],
    *,
    ascii: bool = False,
    protect_words: Iterable[str] = DEFAULT_PROTECTED_WORDS,
) -> Entry:
    """Return the LaTeX-ready copy of `entry` built from its resolved `fields`."""
    words = tuple(protect_words)
    f: dict[str, str] = {}
    for name, value in fields.items():
        if _is_list_only(name):
            continue
        name = _FIELD_ALIASES.get(name, name)
        if name not in f:
            f[name] = value
    etype = _classic_type(entry, f)
    _dates(f)
    _eprint(etype, f)
    if etype in _VOLUME_OR_NUMBER and f.get("volume") and f.get("number"):
        # plainnat: "can't use both volume and number fields" (a proceedings volume with a
        # track/issue, e.g. NeurIPS 36, Datasets and Benchmarks "DB1"): keep the number in `note`
        number = f.pop("number")
        f["note"] = f"{f['note']}, no. {number}" if f.get("note") else f"no. {number}"
    if not (f.get("author") or f.get("editor") or f.get("key")) and f.get("title"):
        # plainnat sorts and labels by author, else `key` ("to sort, need author or key"), and
        # prints the key where the author would be: the container (as for a corporate author)
        # when there is one, so that the title is not printed twice
        holder = f.get(_CONTAINER.get(etype, ""), "") or f["title"]
        f["key"] = _KEY_JUNK.sub("", holder).strip()
    for role in ("author", "editor", "translator", "bookauthor"):
        if f.get(role):
            f[role] = _names(f[role])
    out = [_latex_field(name, value, words, ascii) for name, value in f.items()]
    return Entry(etype, entry.key, tuple(out))


def _latex_field(name: str, value: str, words: tuple[str, ...], ascii: bool) -> Field:
    if name == "month":
        mo = month_number(value)
        if mo:
            return Field("month", MONTHS[mo - 1], "")
    if name in VERBATIM_FIELDS:
        return Field(name, value.strip(), "{")
    v = sanitize(" ".join(value.split()))  # only text commands reach a reader's LaTeX build
    if "\\" in v:
        v = _DOTLESS.sub(lambda m: m.group(1) + "{" + (m.group(2) or m.group(3)) + "}", v)
    if name in TITLE_FIELDS:
        v = protect_title(v, words)
    v = escape_latex(v)
    if ascii:
        v = to_ascii(v)
    return Field(name, v, "{")


def export_bibtex(
    library: Library,
    *,
    ascii: bool = False,
    protect_words: Iterable[str] = (),
    keys: Iterable[str] | None = None,
) -> str:
    """Return the LaTeX-ready BibTeX of the library (or only of `keys`), entries in library order."""
    words = DEFAULT_PROTECTED_WORDS + tuple(protect_words)
    resolver = Resolver(library)
    wanted = set(keys) if keys is not None else None
    chunks = []
    for entry in library.entries:
        if (wanted is not None and entry.key not in wanted) or entry.entry_type in DATA_ONLY_TYPES:
            continue  # @xdata: merged into the entries that name it (classic BibTeX has no xdata)
        e = latex_entry(entry, resolver.fields(entry), ascii=ascii, protect_words=words)
        chunks.append(format_entry(e))
    head = [
        (b.raw or "@preamble{" + b.value + "}").strip() for b in library.blocks if isinstance(b, Preamble)
    ]
    fallback = biblatex_fallbacks("\n".join(chunks))
    if fallback:
        head.append(fallback)
    return "\n\n".join(head + chunks) + "\n" if chunks else ""


#: biblatex text commands that classic LaTeX (natbib, plainnat) lacks -> a definition for it
_BIBLATEX_ONLY = {
    "mkbibquote": r"\providecommand{\mkbibquote}[1]{``#1''}",
    "enquote": r"\providecommand{\enquote}[1]{``#1''}",
    "mkbibemph": r"\providecommand{\mkbibemph}[1]{\emph{#1}}",
    "mkbibitalic": r"\providecommand{\mkbibitalic}[1]{\textit{#1}}",
    "mkbibbold": r"\providecommand{\mkbibbold}[1]{\textbf{#1}}",
    "mkbibsuperscript": r"\providecommand{\mkbibsuperscript}[1]{\textsuperscript{#1}}",
    "mkbibsubscript": r"\providecommand{\mkbibsubscript}[1]{\textsubscript{#1}}",
    "hyph": r"\providecommand{\hyph}{-}",
    "hyphen": r"\providecommand{\hyphen}{-}",
}
_COMMAND = re.compile(r"\\([A-Za-z]+)")


def biblatex_fallbacks(text: str) -> str:
    """A @preamble defining the biblatex-only commands `text` uses, for classic BibTeX styles.

    biblatex defines them itself (`\\providecommand` leaves its definitions alone), so the same
    file still works with biber. Empty when none is used.
    """
    used = sorted({m.group(1) for m in _COMMAND.finditer(text)} & _BIBLATEX_ONLY.keys())
    if not used:
        return ""
    return '@preamble{"' + " ".join(_BIBLATEX_ONLY[name] for name in used) + '"}'
