"""library.bib -> BibTeX ready for LaTeX (pure; returns text).

What changes compared with library.bib (see docs/build.md):
- list-only and bookkeeping fields are removed (`LIST_ONLY`, any `list-*`);
- @string macros and crossref are resolved into each entry (no macro or crossref order issues);
- biblatex-only types and fields get their classic BibTeX spelling (`online` -> `misc`,
  `journaltitle` -> `journal`, `date` -> `year` + `month`), so one file works with both
  bibtex (plainnat) and biber (biblatex); an entry lacking a field its type requires in
  plainnat becomes `@misc` (e.g. an `@article` with no journal);
- `&`, `%`, `#`, `_` and a lone `$` are escaped outside math and URL-like fields;
- acronyms and proper nouns in titles are brace-protected (`protect_title`);
- in proceedings and book types, `number` moves to `note` when `volume` is also set (plainnat
  refuses both);
- with `ascii=True`, non-ASCII characters become LaTeX macros for classic BibTeX.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from ..bibio import format_entry
from ..latex import sanitize
from ..model import Entry, Field, Library
from ._resolve import MONTHS, Resolver, month_number

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
LIST_ONLY = frozenset({"check-ignore", "pii", "openreview", "cvf", "ieee", "neurips-hash", "file", "crossref", "xref"})
#: fields whose value is a URL/identifier: never escaped or re-encoded
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "urlraw", "pdf", "verba", "verbb", "verbc", "pmid", "pmcid"})
TITLE_FIELDS = frozenset(
    {"title", "subtitle", "titleaddon", "booktitle", "booksubtitle", "maintitle", "mainsubtitle",
     "shorttitle", "eventtitle"}
)
#: proper nouns protected in titles besides the acronym rule (extend with list.protect_words)
DEFAULT_PROTECTED_WORDS: tuple[str, ...] = (
    "Gaussian", "Bayesian", "Markov", "Fourier", "Euclidean", "Riemannian", "Laplacian", "Hessian",
    "Lipschitz", "Wasserstein", "Dirichlet", "Poisson", "Bernoulli", "Boltzmann", "Kaplan", "Meier",
    "Cox", "Gleason", "Hodgkin", "Alzheimer", "Parkinson", "Twitter", "PubMed", "English",
    "Swin",
)

_CLASSIC_TYPES = frozenset(
    {"article", "book", "booklet", "conference", "inbook", "incollection", "inproceedings", "manual",
     "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished"}
)
_TYPE_ALIASES = {
    "online": "misc", "www": "misc", "electronic": "misc", "report": "techreport",
    "thesis": "phdthesis", "collection": "book", "mvbook": "book", "mvcollection": "book",
    "mvproceedings": "proceedings", "reference": "book", "mvreference": "book",
    "inreference": "incollection", "bookinbook": "inbook", "suppbook": "inbook",
    "suppcollection": "incollection", "suppperiodical": "article", "conference": "inproceedings",
}
_FIELD_ALIASES = {
    "journaltitle": "journal", "location": "address", "eprinttype": "archiveprefix",
    "eprintclass": "primaryclass", "annote": "annotation",
}
# plainnat's required fields (besides author/editor handled below); a miss -> @misc
_REQUIRED = {
    "article": ("title", "journal", "year"),
    "inproceedings": ("title", "booktitle", "year"),
    "incollection": ("title", "booktitle", "publisher", "year"),
    "inbook": ("title", "publisher", "year"),
    "book": ("title", "publisher", "year"),
    "techreport": ("title", "institution", "year"),
    "phdthesis": ("title", "school", "year"),
    "mastersthesis": ("title", "school", "year"),
    "unpublished": ("title", "note"),
    "manual": ("title",),
    "booklet": ("title",),
    "proceedings": ("title", "year"),
}
_NEEDS_AUTHOR = frozenset({"article", "inproceedings", "incollection", "techreport", "phdthesis", "mastersthesis", "unpublished"})
_NEEDS_AUTHOR_OR_EDITOR = frozenset({"book", "inbook"})
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


def latex_entry(
    entry: Entry,
    fields: dict[str, str],
    *,
    ascii: bool = False,
    protect_words: Iterable[str] = DEFAULT_PROTECTED_WORDS,
) -> Entry:
    """Return the LaTeX-ready copy of `entry` built from its resolved `fields`."""
    words = tuple(protect_words)
    etype = _TYPE_ALIASES.get(entry.entry_type, entry.entry_type)
    if etype not in _CLASSIC_TYPES:
        etype = "misc"
    f: dict[str, str] = {}
    for name, value in fields.items():
        if _is_list_only(name):
            continue
        name = _FIELD_ALIASES.get(name, name)
        if name not in f:
            f[name] = value
    if etype in ("phdthesis", "mastersthesis") and "school" not in f and "institution" in f:
        f["school"] = f.pop("institution")
    if entry.entry_type == "thesis" and f.get("type", "").strip().lower() in ("mathesis", "master's thesis"):
        etype = "mastersthesis"
        f.pop("type")
    date = f.pop("date", "")
    m = _ISO.match(date.strip())
    if m:
        f.setdefault("year", m.group(1))
        if m.group(2) and "month" not in f:
            f["month"] = m.group(2)
    elif date and "year" not in f:
        f["year"] = date
    arxiv = f.get("eprint") if f.get("archiveprefix", "").lower() == "arxiv" else None
    if etype == "article" and not f.get("journal") and arxiv:
        etype = "misc"
    req = _REQUIRED.get(etype, ())
    if (
        any(not f.get(r) for r in req)
        or (etype in _NEEDS_AUTHOR and not f.get("author"))
        or (etype in _NEEDS_AUTHOR_OR_EDITOR and not (f.get("author") or f.get("editor")))
    ):
        etype = "misc"
        if f.get("journal") and "howpublished" not in f:
            f["howpublished"] = f.pop("journal")
        elif f.get("booktitle") and "howpublished" not in f:
            f["howpublished"] = f.pop("booktitle")
    if etype in _VOLUME_OR_NUMBER and f.get("volume") and f.get("number"):
        # plainnat: "can't use both volume and number fields" (a proceedings volume with a
        # track/issue, e.g. NeurIPS 36, Datasets and Benchmarks "DB1"): keep the number in `note`
        number = f.pop("number")
        f["note"] = f"{f['note']}, no. {number}" if f.get("note") else f"no. {number}"
    if etype == "misc" and arxiv and "howpublished" not in f:
        f["howpublished"] = f"arXiv preprint arXiv:{arxiv}"
    if not (f.get("author") or f.get("editor") or f.get("key")) and f.get("title"):
        # plainnat sorts and labels by author, else `key`: "to sort, need author or key"
        f["key"] = _KEY_JUNK.sub("", f["title"]).strip()

    out: list[Field] = []
    for name, value in f.items():
        if name == "month":
            mo = month_number(value)
            if mo:
                out.append(Field("month", MONTHS[mo - 1], ""))
                continue
        if name in VERBATIM_FIELDS:
            out.append(Field(name, value.strip(), "{"))
            continue
        v = sanitize(" ".join(value.split()))  # only text commands reach a reader's LaTeX build
        if "\\" in v:
            v = _DOTLESS.sub(lambda m: m.group(1) + "{" + (m.group(2) or m.group(3)) + "}", v)
        if name in TITLE_FIELDS:
            v = protect_title(v, words)
        v = escape_latex(v)
        if ascii:
            v = to_ascii(v)
        out.append(Field(name, v, "{"))
    return Entry(etype, entry.key, tuple(out))


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
        if wanted is not None and entry.key not in wanted:
            continue
        e = latex_entry(entry, resolver.fields(entry), ascii=ascii, protect_words=words)
        chunks.append(format_entry(e))
    return "\n\n".join(chunks) + "\n" if chunks else ""
