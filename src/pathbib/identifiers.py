"""Identifiers from URLs and strings: DOI, arXiv, PII, OpenReview, CVF, NeurIPS, PubMed, IEEE (pure).

`extract_identifiers(url)` maps a link as found in a paper list to the identifiers it
carries, keyed by the field names of library.bib: "doi", "arxiv" (stored as `eprint`),
"pii", "openreview", "cvf", "neurips-hash", "pmid", "pmcid", "ieee".
`strip_tracking(url)` drops tracking query parameters (`utm_*`, `trk`, `ref`, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit, urlunsplit

# patterns used inside functions, compiled once
_ARXIV_PREFIX_SPACED = re.compile(r"(?i)^arxiv:\s*")
_ARXIV_DOI_PREFIX = re.compile(r"(?i)10\.48550/arxiv\.")
_ARXIV_NEW_STYLE = re.compile(r"(\d{4})\.(\d{4,5})")
_ARXIV_OLD_STYLE = re.compile(r"([a-z]+(?:-[a-z]+)?)/(\d{7})")
_PII_PUNCTUATION = re.compile(r"[-()]")
_DOI_PAGE_SUFFIX = re.compile(
    r"(v\d+)?(\.full(\.pdf|-text)?|\.abstract|\.article-info|\.supplementary-material)?$"
)
_VERSION_SUFFIX = re.compile(r"v\d+$")
_DOI_VIEW_SUFFIX = re.compile(r"/(pdf|meta|ampdf)$")
_PDF_SUFFIX = re.compile(r"\.pdf$")
_DOI_FORMAT_SUFFIX = re.compile(r"/(full|abstract|pdf|epdf|html|fulltext)$")
_ARXIV_PREFIX = re.compile(r"(?i)^arxiv:")
_PMCID = re.compile(r"(?i)(PMC\d+)")
_PMID = re.compile(r"(?i)(?:pmid:\s*)(\d+)")
_HAS_SCHEME = re.compile(r"(?i)^[a-z][a-z0-9+.-]*://")
_ARTICLES_PATH = re.compile(r"^/articles/([A-Za-z0-9._-]+?)(?:\.pdf)?/?$")
_OPENREVIEW_ID_PARAM = re.compile(r"(?:^|&)(?:id|noteId)=([A-Za-z0-9_-]+)")
_PUBMED_PATH = re.compile(r"/(?:pubmed/)?(\d{1,9})/?$")
_EUROPEPMC_PATH = re.compile(r"/(?:abstract|article)/MED/(\d+)", re.I)
_DOI_PARAM = re.compile(r"(?:^|&)(?:doi|DOI)=(10\.[^&]+)")

__all__ = [
    "extract_identifiers",
    "normalize_doi",
    "is_valid_doi",
    "normalize_arxiv",
    "is_valid_arxiv",
    "arxiv_version",
    "arxiv_year_month",
    "normalize_pii",
    "strip_tracking",
    "is_tracking_param",
    "TRACKING_PARAMS",
    "IDENTIFIER_FIELDS",
]

#: Identifier kinds in the order they are trusted for matching (all are field names, except
#: "arxiv", which library.bib stores as `eprint` with `archiveprefix = {arXiv}`).
IDENTIFIER_FIELDS: tuple[str, ...] = (
    "doi",
    "arxiv",
    "pii",
    "openreview",
    "cvf",
    "neurips-hash",
    "pmid",
    "pmcid",
    "ieee",
)

#: Query parameters that only track where a click came from; `utm_*` is matched by prefix.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "trk",
        "trkinfo",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "spm",
        "share_id",
        "si",
        "s_cid",
        "cmpid",
        "wt.mc_id",
        "_ga",
        "_gl",
        "vero_id",
        "oly_enc_id",
        "rb_clickid",
        "gbraid",
        "wbraid",
        "trkcampaign",
        "oly_anon_id",
        "wt_mc",
        "__s",
        "si_source",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")

# ------------------------------------------------------------------------------------ DOI

_DOI_RE = re.compile(r"10\.\d{4,9}/[^\s\"<>]+", re.I)
_DOI_FULL = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)", re.I)


def normalize_doi(s: str) -> str | None:
    """Return the bare lower-case DOI in `s` ("doi:", doi.org URL, %-escapes), or None."""
    s = unquote(s.strip())
    s = _DOI_PREFIX.sub("", s)
    m = _DOI_RE.search(s)
    if not m:
        return None
    doi = m.group(0).rstrip(".,;:")
    if doi.endswith(")") and doi.count("(") < doi.count(")"):
        doi = doi[:-1]
    doi = doi.lower()
    return doi if _DOI_FULL.match(doi) else None


def is_valid_doi(s: str) -> bool:
    """True for a bare DOI ("10.<registrant>/<suffix>", no spaces)."""
    return bool(_DOI_FULL.match(s.strip()))


# ---------------------------------------------------------------------------------- arXiv

_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4})\.(\d{4,5})(v\d+)?(?![\d])")
_ARXIV_OLD = re.compile(r"(?<![\w.-])([a-z]+(?:-[a-z]+)?)(?:\.[A-Z]{2})?/(\d{7})(v\d+)?(?!\d)")
_ARXIV_ARCHIVES = {
    "acc-phys",
    "adap-org",
    "alg-geom",
    "ao-sci",
    "astro-ph",
    "atom-ph",
    "bayes-an",
    "chao-dyn",
    "chem-ph",
    "cmp-lg",
    "comp-gas",
    "cond-mat",
    "cs",
    "dg-ga",
    "funct-an",
    "gr-qc",
    "hep-ex",
    "hep-lat",
    "hep-ph",
    "hep-th",
    "math",
    "math-ph",
    "mtrl-th",
    "nlin",
    "nucl-ex",
    "nucl-th",
    "patt-sol",
    "physics",
    "plasm-ph",
    "q-alg",
    "q-bio",
    "q-fin",
    "quant-ph",
    "solv-int",
    "stat",
    "supr-con",
}


def _valid_new(yymm: str, num: str) -> bool:
    yy, mm = int(yymm[:2]), int(yymm[2:])
    if not 1 <= mm <= 12:
        return False
    # 4-digit numbers until 2014-12, 5 digits from 2015-01 (ids start in 2007-04)
    if (yy, mm) < (7, 4):
        return False
    return len(num) == (4 if (yy, mm) < (15, 1) else 5)


def normalize_arxiv(s: str) -> str | None:
    """Return the arXiv id in `s` (URL, "arXiv:", DOI 10.48550/...) without version, or None."""
    s = s.strip()
    s = _ARXIV_PREFIX_SPACED.sub("", s)
    s = _ARXIV_DOI_PREFIX.sub("", s)
    m = _ARXIV_NEW.search(s)
    if m and _valid_new(m.group(1), m.group(2)):
        return f"{m.group(1)}.{m.group(2)}"
    m = _ARXIV_OLD.search(s)
    if m and m.group(1) in _ARXIV_ARCHIVES:
        return f"{m.group(1)}/{m.group(2)}"
    return None


def arxiv_version(s: str) -> str | None:
    """Return the version suffix ("v3") of the arXiv id in `s`, if it has one."""
    m = _ARXIV_NEW.search(s) or _ARXIV_OLD.search(s)
    return m.group(3) if m and m.group(3) else None


def arxiv_year_month(s: str) -> tuple[int, int] | None:
    """(year, month) in which the arXiv id in `s` was first posted (its yymm), or None.

    None also when `s` holds no valid id or an old-style id whose month is not 01-12.
    """
    ax = normalize_arxiv(s)
    if ax is None:
        return None
    yymm = ax.split("/", 1)[1][:4] if "/" in ax else ax[:4]
    yy, mm = int(yymm[:2]), int(yymm[2:])
    if not 1 <= mm <= 12:
        return None
    return (1900 + yy if yy >= 91 else 2000 + yy), mm  # old-style ids start in 1991


def is_valid_arxiv(s: str) -> bool:
    """True for a bare arXiv id, new (2307.16142) or old style (hep-th/9901001), no version."""
    s = s.strip()
    m = _ARXIV_NEW_STYLE.fullmatch(s)
    if m:
        return _valid_new(m.group(1), m.group(2))
    m = _ARXIV_OLD_STYLE.fullmatch(s)
    return bool(m and m.group(1) in _ARXIV_ARCHIVES)


# ------------------------------------------------------------------------------ other ids

_PII_RE = re.compile(r"\b(S\d{4}-?\d{3}[\dX](?:\(\d{2}\)|\d{2})\d{5}-?[\dX])", re.I)


def normalize_pii(s: str) -> str | None:
    """Return the compact 17-character Elsevier PII (S0010482524017062) in `s`, or None."""
    m = _PII_RE.search(s)
    if not m:
        return None
    pii = _PII_PUNCTUATION.sub("", m.group(1)).upper()
    return pii if len(pii) == 17 else None


_NEURIPS_RE = re.compile(r"/paper(?:_files/paper)?/\d{4}/(?:hash|file)/([0-9a-f]{32})-", re.I)
_CVF_RE = re.compile(
    r"/(?:content_?[A-Za-z]*_?\d{4}[A-Za-z]*|content)/(?:[^/]+/)*?(?:html|papers)/([^/?#]+?)\.(?:html|pdf)$"
)
_IEEE_RE = re.compile(r"/document/(\d+)")
_IEEE_Q = re.compile(r"[?&]arnumber=(\d+)")
_PMC_RE = re.compile(r"\b(PMC\d+)\b", re.I)


def _host(netloc: str) -> str:
    host = netloc.lower().rsplit("@", 1)[-1].split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def _strip_doi_suffix(doi: str, host: str) -> str:
    """Remove what publishers append to a DOI in their URLs (versions, views, file names)."""
    if host.endswith(("medrxiv.org", "biorxiv.org")):
        doi = _DOI_PAGE_SUFFIX.sub("", doi)
        doi = _VERSION_SUFFIX.sub("", doi)
    elif host.endswith("iop.org"):
        doi = _DOI_VIEW_SUFFIX.sub("", doi)
    elif host.endswith("springer.com"):
        doi = _PDF_SUFFIX.sub("", doi)
    doi = _DOI_FORMAT_SUFFIX.sub("", doi)
    return doi


def _bare_identifiers(text: str) -> dict[str, str]:
    """The identifier a non-URL holds: "doi:10...", "arXiv:2307.16142", "PMC123", "pmid: 1", a PII."""
    out: dict[str, str] = {}
    if doi := normalize_doi(text):
        if doi.startswith("10.48550/arxiv."):
            if ax := normalize_arxiv(doi):
                out["arxiv"] = ax
        out["doi"] = doi
    elif _ARXIV_PREFIX.match(text) or is_valid_arxiv(_VERSION_SUFFIX.sub("", text)):
        if ax := normalize_arxiv(text):
            out["arxiv"] = ax
    elif m := _PMCID.fullmatch(text):
        out["pmcid"] = m.group(1).upper()
    elif m := _PMID.fullmatch(text):
        out["pmid"] = m.group(1)
    elif pii := normalize_pii(text):
        out["pii"] = pii
    return out


def extract_identifiers(url: str) -> dict[str, str]:
    """Return the identifiers carried by a link, e.g. {"doi": "10.1038/s41591-024-03141-0"}."""
    url = url.strip()
    out: dict[str, str] = {}
    if not url:
        return out
    if not _HAS_SCHEME.match(url):
        return _bare_identifiers(url)
    parts = urlsplit(url)
    host = _host(parts.netloc)
    path = unquote(parts.path)
    query = parts.query

    if host.endswith("arxiv.org") and not host.startswith("ar5iv"):
        if ax := normalize_arxiv(path):
            out["arxiv"] = ax
        return out
    if host.startswith("ar5iv"):
        if ax := normalize_arxiv(path):
            out["arxiv"] = ax
        return out
    if host.endswith("doi.org"):
        if doi := normalize_doi(path.lstrip("/")):
            out["doi"] = doi
            if doi.startswith("10.48550/arxiv.") and (ax := normalize_arxiv(doi)):
                out["arxiv"] = ax
        return out
    if host == "nature.com" or host.endswith(".nature.com"):
        m = _ARTICLES_PATH.match(path)
        if m:
            out["doi"] = "10.1038/" + m.group(1).lower()
        return out
    if host.endswith("sciencedirect.com") or host.endswith("elsevier.com") or host.endswith("cell.com"):
        if pii := normalize_pii(path + "?" + query):
            out["pii"] = pii
        if doi := normalize_doi(path):
            out["doi"] = doi
        return out
    if host == "openreview.net":
        m = _OPENREVIEW_ID_PARAM.search(query)
        if m:
            out["openreview"] = m.group(1)
        return out
    if host.endswith("thecvf.com"):
        m = _CVF_RE.search(path)
        if m:
            out["cvf"] = _PDF_SUFFIX.sub("", m.group(1))
        return out
    if host.endswith("neurips.cc") or host.endswith("nips.cc"):
        m = _NEURIPS_RE.search(path)
        if m:
            out["neurips-hash"] = m.group(1).lower()
        return out
    if host.endswith("ieeexplore.ieee.org"):
        m = _IEEE_RE.search(path) or _IEEE_Q.search("?" + query)
        if m:
            out["ieee"] = m.group(1)
        return out
    if host in ("pubmed.ncbi.nlm.nih.gov",) or (host.endswith("ncbi.nlm.nih.gov") and "/pubmed/" in path):
        m = _PUBMED_PATH.search(path)
        if m:
            out["pmid"] = m.group(1)
        return out
    if host.endswith("ncbi.nlm.nih.gov") or host.endswith("europepmc.org"):
        if m := _PMC_RE.search(path):
            out["pmcid"] = m.group(1).upper()
        elif m := _EUROPEPMC_PATH.search(path):
            out["pmid"] = m.group(1)
        return out
    # generic: a DOI in the path (doi.org-like paths, /doi/, /article/, /chapter/, medRxiv ...)
    m = _DOI_RE.search(path)
    if m:
        doi = _strip_doi_suffix(m.group(0), host)
        if doi := normalize_doi(doi):
            out["doi"] = doi
    elif m := _DOI_PARAM.search(unquote(query)):
        if doi := normalize_doi(m.group(1)):
            out["doi"] = doi
    return out


# ------------------------------------------------------------------------------ tracking


#: `ref`, `source` and `src` are tracking only when their value names a referring site;
#: `?ref=main` is a branch on GitHub/GitLab and must survive.
_SITE_PARAMS = frozenset({"ref", "source", "src"})
_SITE_VALUE = re.compile(r"(https?://|www\.|[\w-]+\.(com|net|org|io)\b)")


def is_tracking_param(name: str, value: str = "") -> bool:
    """True for a tracking query parameter (`TRACKING_PARAMS`, `utm_*`, `pk_*`, `hsa_*`).

    `ref`, `source` and `src` count only when `value` names a website (`ref=https://githubhelp.com`),
    not a branch or tag (`ref=main`).
    """
    n = unquote(name).lower()
    if n in _SITE_PARAMS:
        return bool(_SITE_VALUE.match(unquote(value)))
    return n in TRACKING_PARAMS or n.startswith(_TRACKING_PREFIXES)


def strip_tracking(
    url: str, *, is_tracking: Callable[[str, str], bool] = is_tracking_param
) -> tuple[str, list[str]]:
    """Return the URL without tracking query parameters, and the names of those removed.

    `is_tracking(name, value)` decides which parameters go (raw, still %-escaped, name and value).
    Kept parameters are copied verbatim.
    """
    if "?" not in url:  # no query, nothing to strip (the common case, without parsing the URL)
        return url.strip(), []
    parts = urlsplit(url.strip())
    if not parts.query:
        return url.strip(), []
    kept: list[str] = []
    removed: list[str] = []
    for piece in parts.query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        if is_tracking(name, value):
            removed.append(unquote(name))
        else:
            kept.append(piece)
    if not removed:
        return url.strip(), []
    return urlunsplit(parts._replace(query="&".join(kept))), removed
