"""Labels, emoji and link targets → field kinds (pure).

`classify_label` reads a sub-bullet label ("Journal" → venue); `link_kind` classifies one link by
its text, its badge image (alt text, shields.io path) and its target ("[code](…)" → code,
`[![arXiv](…)](https://arxiv.org/…)` → pdf, a YouTube link → video); `is_scholarly` says whether a
URL points at the paper itself (DOI, arXiv, OpenReview, CVF, ACL Anthology, PMLR, NeurIPS, a
publisher) — the evidence that makes a titled item a paper.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from ..identifiers import extract_identifiers

# patterns used inside functions, compiled once
_MARKDOWN_EMPHASIS = re.compile(r"[*_`]")
_EMOJI_SHORTCODE = re.compile(r":([a-z_]+):")
_PAPER_PATH = re.compile(r"paper|poster|/virtual/|/media/|\.pdf$")
_LABEL_PUNCTUATION = re.compile(r"[\[\]()*_`:!|]")
_SHIELDS_BADGE = re.compile(r"/badge/([^?]+)")
_SINGLE_DASH = re.compile(r"(?<!-)-(?!-)")
_NON_WORD = re.compile(r"[^\w\s\-]")
_PARENTHESISED = re.compile(r"\([^)]*\)")

__all__ = [
    "classify_label",
    "emoji_kind",
    "link_kind",
    "is_scholarly",
    "is_label_text",
    "shields_label",
    "EMOJI_KIND",
]

EMOJI_KIND: dict[str, str] = {}
for _k, _chars in {
    "venue": "📖📘📗📕📙📚📰🏛🎓🏆",
    "date": "🗓📅📆⏰🕒",
    "authors": "🧑👨👩👥👤✍🖊",
    "pdf": "📄📃📑🔗📝📜",
    "code": "💻🖥⌨🛠🔧🐙📦",
    "highlight": "📌✨💡⭐🌟🔑📍❗",
}.items():
    for _c in _chars:
        EMOJI_KIND[_c] = _k

_LABEL_KIND: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"^(publication |publish(ed)? |release |submission )?date|^published( on)?$|^year$|^date published$"
        ),
        "date",
    ),
    (
        re.compile(
            r"^(journal|proceedings|conference|preprint|venue|workshop|book|booktitle|"
            r"published (in|at)|accepted (at|by|in)|publication|symposium|in|source)$"
        ),
        "venue",
    ),
    (re.compile(r"^(authors?|by|written by|researchers?)$"), "authors"),
    (re.compile(r"^(pdf|paper|arxiv|link|url|article|full text|preprint link|doi|publication link)$"), "pdf"),
    (
        re.compile(
            r"^(code|github|gitlab|repo|repository|project( page)?|website|homepage|page|"
            r"hugging ?face|model|weights|demo|source code|implementation)$"
        ),
        "code",
    ),
    (re.compile(r"^(highlights?|summary|tl;? ?dr|key ideas?|contributions?|main idea|note)$"), "highlight"),
]


@lru_cache(maxsize=8192)  # pure, and asked again for the same text per item and per pass
def classify_label(label: str) -> str | None:
    """Return the kind of a sub-bullet label ("Journal" → "venue"), or None."""
    lab = " ".join(_MARKDOWN_EMPHASIS.sub("", label).lower().split()).rstrip(":. ")
    for pat, kind in _LABEL_KIND:
        if pat.search(lab):
            return kind
    return None


_SHORTCODE_KIND = (
    (("book", "books", "closed_book", "green_book", "blue_book", "newspaper", "mortar_board"), "venue"),
    (("date", "calendar", "spiral_calendar"), "date"),
    (("scientist", "man_scientist", "woman_scientist", "busts_in_silhouette", "writing_hand"), "authors"),
    (("page_facing_up", "page_with_curl", "link", "bookmark_tabs", "scroll"), "pdf"),
    (("computer", "desktop_computer", "keyboard", "hammer_and_wrench", "octocat"), "code"),
    (("pushpin", "sparkles", "bulb", "star", "key", "round_pushpin"), "highlight"),
)


def emoji_kind(lead: str) -> str | None:
    """The kind a leading emoji or :shortcode: announces ("📖" → venue), or None."""
    for c in lead:
        if c in EMOJI_KIND:
            return EMOJI_KIND[c]
    m = _EMOJI_SHORTCODE.search(lead)
    if m:
        for words, kind in _SHORTCODE_KIND:
            if m.group(1) in words:
                return kind
    return None


# --------------------------------------------------------------------------- links

#: Words of a link's text (or badge alt / shields label) → kind; first match wins.
_WORD_KIND: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b(code|codes|github|gitlab|repo|repository|star|stars|implementation|official code|"
            r"code-\w+|pytorch|tensorflow|jax|caffe|source)\b"
        ),
        "code",
    ),
    (re.compile(r"\b(project|website|web|homepage|home page|page|site|blog)\b"), "project"),
    (re.compile(r"\b(dataset|datasets|data|benchmark)\b"), "dataset"),
    (re.compile(r"\b(demo|demos|colab|space|spaces|playground|try it)\b"), "demo"),
    (re.compile(r"\b(video|videos|youtube|talk|bilibili|vimeo|presentation)\b"), "video"),
    (
        re.compile(
            r"\b(paper|papers|pdf|arxiv|doi|openreview|publication|article|preprint|html|abs|"
            r"proceedings|acm|ieee|springer|pubmed|medrxiv|biorxiv|ssrn|aaai|acl|cvf)\b"
        ),
        "pdf",
    ),
]
_NON_LINK_WORDS = re.compile(
    r"^(bibtex|bib|cite|citation|slides?|poster|supp(lementary)?|blog ?post|"
    r"news|tweet|twitter|x|reddit|zhihu|media|press)$"
)

_PUBLISHER_HOSTS = (
    "arxiv.org",
    "doi.org",
    "openreview.net",
    "thecvf.com",
    "aclanthology.org",
    "aclweb.org",
    "mlr.press",
    "neurips.cc",
    "nips.cc",
    "papers.nips.cc",
    "icml.cc",
    "iclr.cc",
    "ieeexplore.ieee.org",
    "ieee.org",
    "dl.acm.org",
    "acm.org",
    "link.springer.com",
    "springer.com",
    "sciencedirect.com",
    "elsevier.com",
    "nature.com",
    "science.org",
    "wiley.com",
    "tandfonline.com",
    "mdpi.com",
    "frontiersin.org",
    "pubmed.ncbi.nlm.nih.gov",
    "ncbi.nlm.nih.gov",
    "biorxiv.org",
    "medrxiv.org",
    "ssrn.com",
    "aaai.org",
    "ijcai.org",
    "jmlr.org",
    "ecva.net",
    "bmva.org",
    "semanticscholar.org",
    "researchgate.net",
    "cell.com",
    "pnas.org",
    "iopscience.iop.org",
    "sciencemag.org",
    "isca-speech.org",
    "isca-archive.org",
    "computer.org",
    "usenix.org",
    "vldb.org",
    "kdd.org",
    "siggraph.org",
    "eccv2022.ecva.net",
    "hal.science",
    "papers.ssrn.com",
    "jstor.org",
    "plos.org",
    "oup.com",
    "academic.oup.com",
    "cambridge.org",
    "sagepub.com",
)


_CONFERENCE_SITES = frozenset(
    {
        "neurips.cc",
        "nips.cc",
        "icml.cc",
        "iclr.cc",
        "cvpr.thecvf.com",
        "aaai.org",
        "ijcai.org",
        "kdd.org",
        "siggraph.org",
        "eccv2022.ecva.net",
    }
)


def _host(url: str) -> str:
    try:
        h = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return h.lower().removeprefix("www.")


@lru_cache(maxsize=8192)  # pure, and asked again for the same text per item and per pass
def is_scholarly(url: str) -> bool:
    """True when `url` points at a paper: an identifier, a publisher or proceedings host, or a .pdf."""
    u = url.strip()
    if not u.lower().startswith(("http://", "https://")):
        return False
    h = _host(u)
    path = urlsplit(u).path.lower()
    if h in _CONFERENCE_SITES:  # a conference's own site: only its paper / poster pages
        return bool(_PAPER_PATH.search(path))
    if any(h == p or h.endswith("." + p) for p in _PUBLISHER_HOSTS):
        return True
    if path.endswith(".pdf") and "github.com" not in h:
        return True
    return bool(extract_identifiers(u))


def _words(text: str) -> str:
    t = _LABEL_PUNCTUATION.sub(" ", text.lower())
    return " ".join(t.split())


def _shields_words(src: str) -> str:
    """The label of a shields.io badge image ("…/badge/arXiv-Paper-B31B1B.svg" → "arxiv paper")."""
    h = _host(src)
    if "shields.io" not in h and "badge" not in src.lower():
        return ""
    path = urlsplit(src).path
    if "/github/stars/" in path or "/github/forks/" in path:
        return "github stars"
    m = _SHIELDS_BADGE.search(path)
    if not m:
        return ""
    parts = _SINGLE_DASH.split(m.group(1).rsplit(".", 1)[0])
    return _words(" ".join(parts[:2]).replace("%20", " ").replace("_", " "))


_LABEL_WORDS = frozenset(
    """
paper papers pdf code codes github gitlab repo repos repository project projects page pages website web homepage
home site blog dataset datasets data demo demos video videos youtube arxiv doi link links url official unofficial
star stars bibtex bib cite citation slides slide poster supp supplementary openreview html abs proceedings not yet
coming soon hugging face huggingface hf model models weights checkpoint checkpoints colab talk implementation
pytorch tensorflow jax caffe source publication article preprint full text here download benchmark leaderboard
tweet twitter news press media zhihu reddit x space spaces playground report technical tech the our and of
github-repo pdf-link code-caffe code-pytorch code-tf code-tensorflow official-code online version
""".split()
)


def shields_label(src: str) -> str:
    """The words of a shields.io badge ("arxiv paper"), "" for any other image."""
    return _shields_words(src)


@lru_cache(maxsize=8192)  # pure, and asked again for the same text per item and per pass
def is_label_text(text: str) -> bool:
    """True when a link text is a label ("[paper]", "Code", "📄 Paper", "Project Page"), not a title."""
    w = _words(_NON_WORD.sub(" ", _PARENTHESISED.sub(" ", text))).split()
    return not w or (len(w) <= 4 and all(x in _LABEL_WORDS for x in w))


def _kind_by_target(url: str) -> str:
    h = _host(url)
    path = urlsplit(url).path.lower() if h else ""
    if h in ("github.com", "gitlab.com", "bitbucket.org", "gitee.com", "codeberg.org"):
        return "code"
    if h in ("huggingface.co", "hf.co"):
        if path.startswith("/spaces/"):
            return "demo"
        if path.startswith("/datasets/"):
            return "dataset"
        if path.startswith("/papers/"):
            return "pdf"
        return "code"
    if h.endswith(("youtube.com", "youtu.be", "vimeo.com", "bilibili.com")):
        return "video"
    if h.endswith("colab.research.google.com"):
        return "demo"
    if is_scholarly(url):
        return "pdf"
    if h.endswith(("github.io", "gitlab.io")) or h:
        return "project" if h.endswith(("github.io", "gitlab.io")) else "link"
    return "link"


@lru_cache(maxsize=8192)  # pure, and asked again for the same text per item and per pass
def link_kind(text: str, url: str, alt: str = "", src: str = "") -> str:
    """Classify one link by its text / badge (alt text, shields label), then by its target."""
    for label in (text, alt, _shields_words(src)):
        w = _words(label)
        if not w or len(w.split()) > 4:
            continue
        if _NON_LINK_WORDS.match(w):
            return "link"
        for pat, kind in _WORD_KIND:
            if pat.search(w):
                if (
                    kind == "pdf"
                    and not is_scholarly(url)
                    and _kind_by_target(url) in ("code", "video", "demo")
                ):
                    return _kind_by_target(url)
                return kind
    return _kind_by_target(url)
