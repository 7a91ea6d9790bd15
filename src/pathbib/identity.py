"""The identity of a work: its identifiers, its normalised title, and the same-work rule (pure).

One home for three facts that import, enrich and check all need, so that they can never
disagree on whether two entries (or two list items) describe the same work:

- `entry_identifiers(entry)`: every identifier an entry carries, from its identifier fields
  (`doi`, `eprint` with `archiveprefix`/`eprinttype` = arXiv or none, `pii`, `openreview`, ...,
  LaTeX escapes undone) and from the links in `url` / `list-links` (tracking parameters
  stripped). `link_identifiers(urls)` does the same for a list item's links.
- `entry_titles(entry)`: the normalised `title` and `list-title` (`matching.normalize_title`).
- `same_work(a, b)`: two works are the same only when their normalised titles match and their
  identifiers do not contradict, or when they share an identifier and their titles are
  near-equal. Different titles sharing a link are two works (the link is wrong on one of
  them); the same title with different DOIs is two works as well (`identity_clash` names both).

Identifiers are `{kind: frozenset(values)}`; kinds are `identifiers.IDENTIFIER_FIELDS`.
"""

from __future__ import annotations

import re
from collections.abc import Container, Hashable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from urllib.parse import unquote

from .identifiers import (
    IDENTIFIER_FIELDS,
    arxiv_year_month,
    extract_identifiers,
    is_valid_doi,
    normalize_arxiv,
    normalize_doi,
    normalize_pii,
    strip_tracking,
)
from .matching import normalize_title, title_similarity
from .model import Entry

# patterns used inside functions, compiled once
_NON_PII_CHAR = re.compile(r"[^0-9A-Z]")

__all__ = [
    "Ids",
    "Work",
    "field_doi",
    "field_arxiv",
    "is_arxiv_eprint",
    "link_identifiers",
    "entry_identifiers",
    "entry_links",
    "entry_titles",
    "title_key",
    "field_title_key",
    "shared_identifier",
    "contradiction",
    "near_equal_titles",
    "same_work",
    "identity_clash",
    "id_label",
    "ARXIV_DOI_PREFIX",
    "WorkIndex",
    "count_works",
]

Ids = Mapping[str, AbstractSet[str]]

#: arXiv's DataCite DOIs name the preprint: they are compared as arXiv ids, not as DOIs.
ARXIV_DOI_PREFIX = "10.48550/arxiv."
#: Identifier fields stored under their own name (the arXiv id is stored as `eprint`).
_ID_FIELDS = tuple(k for k in IDENTIFIER_FIELDS if k not in ("doi", "arxiv"))
_LATEX_URL_ESC = re.compile(r"\\([_%#&~$])")
_DOI_FIELD_PREFIX = re.compile(r"^(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)", re.I)
_URL_RE = re.compile(r"https?://[^\s{}<>\"']+", re.I)
#: Fields whose links identify the paper itself (code, project pages ... do not).
PAPER_LINK_FIELDS = ("url", "list-links")


def _unescape(value: str) -> str:
    """Undo the LaTeX escapes a URL or identifier may carry in library.bib (`\\_`, `\\%`, ...)."""
    return _LATEX_URL_ESC.sub(r"\1", value)


def field_doi(value: str | None) -> str | None:
    """The DOI a `doi` field holds, bare and lower-case, or None when it holds anything else.

    Accepted around the DOI: a `doi:` or doi.org prefix, %-escapes, LaTeX escapes (`\\_`) and
    trailing punctuation; a DOI inside other text ("see 10.1000/x") is not a `doi` field value.
    """
    if not value:
        return None
    v = unquote(_unescape(value)).strip()
    bare = _DOI_FIELD_PREFIX.sub("", v, count=1)
    doi = normalize_doi(bare)
    if doi is not None and bare.lower().startswith(doi) and not bare[len(doi) :].strip(".,;:)"):
        return doi
    # normalize_doi reads DOIs out of running text and stops at "<": old Wiley (SICI) DOIs such as
    # 10.1002/(SICI)1097-4555(199707)28:7<487::AID-JRS115>3.0.CO;2-V are whole field values
    return bare.lower() if is_valid_doi(bare) else None


def field_arxiv(value: str | None) -> str | None:
    """The arXiv id (no version) an `eprint` field holds — bare, `arXiv:`, arXiv URL or 10.48550 DOI
    form, one token — or None."""
    if not value or len(value.split()) != 1:
        return None
    ax = normalize_arxiv(_unescape(value))
    return ax if ax and arxiv_year_month(ax) else None


def is_arxiv_eprint(entry: Entry) -> bool:
    """True when the entry's `eprint` is an arXiv id (`archiveprefix`/`eprinttype` arXiv or absent)."""
    ap = " ".join((entry.get("archiveprefix") or entry.get("eprinttype") or "").split()).lower()
    return bool(entry.get("eprint")) and ap in ("arxiv", "")


def _add(out: dict[str, set[str]], kind: str, value: str) -> None:
    out.setdefault(kind, set()).add(value)


def _freeze(ids: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    for d in list(ids.get("doi", ())):
        if d.startswith(ARXIV_DOI_PREFIX) and (ax := normalize_arxiv(d)):
            _add(ids, "arxiv", ax)
    return {k: frozenset(ids[k]) for k in IDENTIFIER_FIELDS if ids.get(k)}


def link_identifiers(urls: Iterable[str]) -> dict[str, frozenset[str]]:
    """The identifiers carried by links (tracking parameters stripped, LaTeX escapes undone)."""
    ids: dict[str, set[str]] = {}
    for u in urls:
        clean = strip_tracking(_unescape(u))[0]
        for k, v in extract_identifiers(clean).items():
            _add(ids, k, v)
    return _freeze(ids)


def _links_in(values: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v:
            v = _unescape(v).replace("\\url{", " ").replace("\\href{", " ")
            out += [m.group().rstrip(".,;)") for m in _URL_RE.finditer(v)]
    return out


def entry_links(entry: Entry, fields: Iterable[str] = PAPER_LINK_FIELDS) -> list[str]:
    """The URLs in the entry's link fields, LaTeX escapes and `\\url{}` wrappers undone."""
    return _links_in(entry.get(name) for name in fields)


def entry_identifiers(entry: Entry) -> dict[str, frozenset[str]]:
    """Every identifier of the work an entry describes: its identifier fields and its paper links."""
    f = entry.as_dict()  # one pass over the fields (import indexes every entry of the library)
    ids: dict[str, set[str]] = {}
    if d := field_doi(f.get("doi")):
        _add(ids, "doi", d)
    ap = " ".join((f.get("archiveprefix") or f.get("eprinttype") or "").split()).lower()
    if (
        f.get("eprint")
        and ap in ("arxiv", "")
        and (a := field_arxiv(" ".join((f.get("eprint") or "").split())))
    ):
        _add(ids, "arxiv", a)
    if pii := " ".join((f.get("pii") or "").split()):
        _add(ids, "pii", normalize_pii(pii) or _NON_PII_CHAR.sub("", pii.upper()))
    for k in _ID_FIELDS:
        if k != "pii" and (v := " ".join((f.get(k) or "").split())):
            _add(ids, k, v.upper() if k == "pmcid" else v.lower() if k == "neurips-hash" else v)
    for k, vals in link_identifiers(_links_in(f.get(name) for name in PAPER_LINK_FIELDS)).items():
        for v in vals:
            _add(ids, k, v)
    return _freeze(ids)


def title_key(title: str) -> str:
    """The comparison key of a title (LaTeX decoded, folded, punctuation dropped)."""
    return normalize_title(title)


_TEXT_ESC = re.compile(r"\\textbackslash\{\}|\\textasciitilde\{\}|\\textasciicircum\{\}|\\([&%$#_{}])")
_TEXT_CHARS = {"\\textbackslash{}": "\\", "\\textasciitilde{}": "~", "\\textasciicircum{}": "^"}


def field_title_key(value: str) -> str:
    """The comparison key of a title as library.bib stores it: LaTeX's escaped specials (`\\_`, `\\&`,
    `\\textasciitilde{}` ...) read as the characters they stand for, so that `Diffusion\\_models` and the
    list's `Diffusion_models` compare equal; then `title_key`."""
    return title_key(_TEXT_ESC.sub(lambda m: m.group(1) or _TEXT_CHARS[m.group(0)], value))


def entry_titles(entry: Entry) -> frozenset[str]:
    """The normalised `title` and `list-title` of an entry (empty ones left out)."""
    return frozenset(t for name in ("title", "list-title") if (t := field_title_key(entry.get(name) or "")))


def _comparable(kind: str, vals: AbstractSet[str]) -> frozenset[str]:
    if kind == "doi":  # an arXiv DOI is compared as the arXiv id it names
        return frozenset(v for v in vals if not v.startswith(ARXIV_DOI_PREFIX))
    return frozenset(vals)


def shared_identifier(a: Ids, b: Ids) -> str:
    """The first identifier `a` and `b` share, as "kind value" ("doi 10.1/x"), or ""."""
    for k in IDENTIFIER_FIELDS:
        common = a.get(k, frozenset()) & b.get(k, frozenset())
        if common:
            return f"{k} {sorted(common)[0]}"
    return ""


def contradiction(a: Ids, b: Ids) -> str:
    """The first kind both carry with no value in common ("doi"), or "" when they agree."""
    for k in IDENTIFIER_FIELDS:
        va, vb = _comparable(k, a.get(k, frozenset())), _comparable(k, b.get(k, frozenset()))
        if va and vb and not va & vb:
            return k
    return ""


_DIGITS = re.compile(r"\d+")


def near_equal_titles(a: str, b: str) -> bool:
    """True for normalised titles that differ only slightly: a typo, or words added before or after
    the other title (a subtitle, an abbreviation prefix).

    Numbers must agree ("Part 1"/"Part 2" and "YOLOv7"/"YOLOv8" are different works).
    """
    if not a or not b:
        return False
    if a == b:
        return True
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return False
    short, long_ = sorted((a, b), key=len)
    # "Title" vs "Title: a subtitle", "CLAM: Data-efficient ..." vs "Data-efficient ...": one title is
    # the other with words added before or after it
    if (
        len(short) >= 12
        and len(short.split()) >= 2
        and (long_.startswith(short + " ") or long_.endswith(" " + short))
    ):
        return True
    return title_similarity(a, b) >= 0.9


@dataclass(frozen=True)
class Work:
    """What identifies a work: its normalised titles and its identifiers."""

    titles: frozenset[str]
    ids: Ids

    @classmethod
    def of(cls, entry: Entry) -> Work:
        return cls(entry_titles(entry), entry_identifiers(entry))


def _titles_near(a: frozenset[str], b: frozenset[str]) -> bool:
    return any(near_equal_titles(x, y) for x in a for y in b)


def same_work(a: Work, b: Work) -> str:
    """Why `a` and `b` are the same work ("same title", "doi 10.1/x"), or "" when they are not.

    Same normalised title and no contradicting identifier; or a shared identifier and near-equal
    titles (a work without a title is near-equal to any). A contradicting identifier (two DOIs with
    nothing in common) always keeps two works apart, even when another identifier is shared.
    """
    if contradiction(a.ids, b.ids):  # two DOIs (arXiv ids, ...) of one kind with nothing in common
        return ""
    shared = shared_identifier(a.ids, b.ids)
    if a.titles & b.titles:
        return shared or "same title"
    if shared and (not a.titles or not b.titles or _titles_near(a.titles, b.titles)):
        return shared
    return ""


def identity_clash(a: Work, b: Work) -> tuple[str, str]:
    """Why `a` and `b` look alike but are kept apart: ("shared-link", "doi 10.1/x") when they share an
    identifier under different titles, ("same-title", "doi") when the same title carries different
    identifiers; ("", "") otherwise."""
    if same_work(a, b):
        return "", ""
    if a.titles & b.titles:  # the same title: kept apart only by a contradicting identifier
        return "same-title", contradiction(a.ids, b.ids)
    shared = shared_identifier(a.ids, b.ids)
    if shared:
        return "shared-link", shared
    return "", ""


def id_label(kind: str, value: str) -> str:
    """How an identifier is named in messages: "DOI 10.1/x", "arXiv 2301.00001", "cvf X"."""
    return (
        {"doi": "DOI", "arxiv": "arXiv", "pii": "PII", "pmid": "PMID", "pmcid": "PMCID"}.get(kind, kind)
        + " "
        + value
    )


class WorkIndex:
    """Works indexed by identifier and by normalised title, so that finding the same work is a
    few dictionary look-ups instead of a scan (import and check stay linear in the library size).

    Handles are the caller's (a citation key, a position: anything hashable); `find` returns the
    earliest added handle that is the same work, by the one rule of `same_work`.
    """

    def __init__(self) -> None:
        self._pos: dict[Hashable, int] = {}
        self._handles: list[Hashable] = []
        self._works: list[Work] = []
        self._by_id: dict[tuple[str, str], list[int]] = {}
        self._by_title: dict[str, list[int]] = {}

    def add(self, handle: Hashable, work: Work) -> None:
        """Add the work behind `handle`, or extend it when the handle was added before."""
        pos = self._pos.get(handle)
        if pos is None:
            pos = self._pos[handle] = len(self._handles)
            self._handles.append(handle)
            self._works.append(work)
        else:
            old = self._works[pos]
            ids = {
                k: frozenset(old.ids.get(k, ())) | frozenset(work.ids.get(k, ()))
                for k in {*old.ids, *work.ids}
            }
            self._works[pos] = Work(old.titles | work.titles, ids)
        for k, vals in work.ids.items():
            for v in vals:
                lst = self._by_id.setdefault((k, v), [])
                if not lst or lst[-1] != pos:
                    lst.append(pos)
        for t in work.titles:
            lst = self._by_title.setdefault(t, [])
            if not lst or lst[-1] != pos:
                lst.append(pos)

    def work(self, handle: Hashable) -> Work:
        """The (accumulated) work behind `handle`."""
        return self._works[self._pos[handle]]

    def _candidates(self, work: Work) -> list[int]:
        cand: set[int] = set()
        for k, vals in work.ids.items():
            for v in vals:
                cand.update(self._by_id.get((k, v), ()))
        for t in work.titles:
            cand.update(self._by_title.get(t, ()))
        return sorted(cand)

    def find(self, work: Work, skip: Container[Hashable] = ()) -> tuple[Hashable, str] | None:
        """(handle, reason) of the earliest work that is the same as `work`, skipping handles in `skip`."""
        for pos in self._candidates(work):
            h = self._handles[pos]
            if h in skip:
                continue
            why = same_work(work, self._works[pos])
            if why:
                return h, why
        return None

    def clashes(self, work: Work) -> list[tuple[Hashable, str, str]]:
        """(handle, kind, detail) of works that look like `work` but are not it (`identity_clash`)."""
        out: list[tuple[Hashable, str, str]] = []
        for pos in self._candidates(work):
            kind, detail = identity_clash(work, self._works[pos])
            if kind:
                out.append((self._handles[pos], kind, detail))
        return out


def count_works(works: Iterable[Work]) -> int:
    """The number of distinct works among `works`, repeats counted once (by `same_work`).

    The one paper count: what `build` writes, what `import` reports and what `check --readme`
    compares with the list's claim.
    """
    index = WorkIndex()
    n = 0
    for w in works:
        hit = index.find(w)
        if hit is None:
            index.add(n, w)
            n += 1
        else:
            index.add(hit[0], w)
    return n
