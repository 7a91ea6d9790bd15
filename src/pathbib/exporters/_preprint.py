"""Which entries are preprints, and on which server (pure).

Shared by the exporters: README.md's venue line and paper links (`markdown`), the CSL-JSON
preprint type (`csl_json`) and the BibTeX export (`bibtex`). Rules in docs/build.md ("Venue line").
"""

from __future__ import annotations

import re

from ._text import plain

__all__ = ["PREPRINT_DOI_PREFIXES", "PREPRINT_HOSTS", "preprint_doi_server", "url_server", "preprint_server"]

_ARXIV = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$|^[a-z\-]+(\.[A-Z]{2})?/\d{7}$")


def _arxiv(f: dict[str, str]) -> str | None:
    e = f.get("eprint", "").strip()
    kind = f.get("archiveprefix", f.get("eprinttype", "")).strip().lower()
    if e and (kind == "arxiv" or (not kind and _ARXIV.match(e))):
        return e
    return None


#: DOI prefixes of preprint servers -> the server's name (10.1101 is shared by bioRxiv and medRxiv).
PREPRINT_DOI_PREFIXES: tuple[tuple[str, str], ...] = (
    ("10.48550/", "arXiv"),
    ("10.1101/", "bioRxiv"),
    ("10.21203/rs.", "Research Square"),
    ("10.2139/ssrn.", "SSRN"),
    ("10.20944/preprints", "Preprints.org"),
    ("10.36227/techrxiv", "TechRxiv"),
    ("10.26434/chemrxiv", "ChemRxiv"),
    ("10.31219/osf.io/", "OSF Preprints"),
    ("10.31234/osf.io/", "PsyArXiv"),
)
# a venue name that starts with a preprint server's name ("arXiv preprint arXiv:2401.01234",
# "bioRxiv : the preprint server for biology", "SSRN Electronic Journal") -> canonical spelling
_SERVER_NAMES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"^\s*{pat}(?![a-z])", re.I), name)
    for pat, name in (
        (r"arxiv", "arXiv"),
        (r"medrxiv", "medRxiv"),
        (r"biorxiv", "bioRxiv"),
        (r"chemrxiv", "ChemRxiv"),
        (r"techrxiv", "TechRxiv"),
        (r"psyarxiv", "PsyArXiv"),
        (r"ssrn", "SSRN"),
        (r"research\s*square", "Research Square"),
        (r"preprints(\.org)?", "Preprints.org"),
        (r"osf\s+preprints", "OSF Preprints"),
    )
)
#: Hosts of preprint servers (a `url` there is a preprint's page) -> the server's name.
PREPRINT_HOSTS: dict[str, str] = {
    "arxiv.org": "arXiv",
    "medrxiv.org": "medRxiv",
    "biorxiv.org": "bioRxiv",
    "ssrn.com": "SSRN",
    "researchsquare.com": "Research Square",
}
_PREPRINT_TYPES = ("misc", "online", "unpublished", "preprint", "electronic", "www")


def preprint_doi_server(doi: str) -> str | None:
    """The preprint server whose DOI prefix `doi` has (`10.1101/...` -> bioRxiv), else None."""
    d = doi.strip().lower()
    for prefix, name in PREPRINT_DOI_PREFIXES:
        if d.startswith(prefix):
            return name
    return None


# perf: every entry's container is tested; one regex says whether any server name can match
_ANY_SERVER = re.compile(
    r"^\s*(?:arxiv|medrxiv|biorxiv|chemrxiv|techrxiv|psyarxiv|ssrn|research|preprints|osf)", re.I
)


def _server_name(name: str) -> str | None:
    if not _ANY_SERVER.match(name):
        return None
    for pat, canonical in _SERVER_NAMES:
        if pat.match(name):
            return canonical
    return None


def url_server(url: str) -> str | None:
    """The preprint server hosting `url` (`https://www.medrxiv.org/...` -> medRxiv), else None."""
    m = re.match(r"^https?://([^/?#:\s]+)", url.strip(), re.I)
    if not m:
        return None
    host = m.group(1).lower()
    for domain, name in PREPRINT_HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return None


def preprint_server(entry_type: str, f: dict[str, str]) -> str | None:
    """The preprint server of an entry that is a preprint, else None.

    A preprint is an entry whose journal/booktitle names a preprint server; or, with no
    journal/booktitle, one whose howpublished/publisher names one, whose DOI is a preprint
    server's (10.1101/, 10.48550/, ...), or whose type is misc/online/unpublished with an
    eprint (archiveprefix/eprinttype) or a `url` on a preprint server. A journal article or a
    conference paper that also has an arXiv eprint is a published version, not a preprint.
    """
    container = plain(f.get("journal") or f.get("journaltitle") or f.get("booktitle") or "")
    if container.strip():
        return _server_name(container)
    named = next(
        (
            s
            for s in (
                _server_name(plain(f.get(k) or ""))
                for k in ("howpublished", "publisher", "organization", "institution")
            )
            if s
        ),
        None,
    )
    by_doi = preprint_doi_server(f.get("doi", ""))
    by_url = url_server(f.get("url", ""))
    if named:
        return named
    if by_doi:
        # bioRxiv and medRxiv share 10.1101: the url tells them apart
        return by_url if by_doi == "bioRxiv" and by_url in ("bioRxiv", "medRxiv") else by_doi
    if entry_type.lower() in _PREPRINT_TYPES:
        if _arxiv(f):
            return "arXiv"
        kind = plain(f.get("archiveprefix") or f.get("eprinttype") or "").strip()
        if kind and f.get("eprint", "").strip():
            return _server_name(kind) or kind
        if by_url:
            return by_url
    return None
