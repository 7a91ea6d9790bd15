"""Per-item recognisers: one line of marked inline text → title, number, venue, authors, links (pure).

The walker (`walker`) hands over the lines of one candidate (a list item, a paragraph, a heading,
a table row); this module finds its title by shape, not by the list's wording:

- a bold title (`**Title**`, `**[Title](url)**`), or `**Abbr**: "Title"` / `**Name**: Title`;
- a quoted title after the authors (`Authors. "**Title**." Venue (Year).`);
- a linked title (`[Title](url), Authors, Venue Year`);
- plain text before the first link (`Title [[paper]](url)`, `Title.` + link lines);

after an optional number (`**[7]**`, `12.`) and venue prefix (`(*ICLR'24*)`, `[CVPR '24]`,
`[**arXiv 2023**]`). The rest of the line and every further line become `SubField`s: each link
classified by `labels.link_kind`, text read as venue / date / year / authors / note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .inline import EM, LINK, STRONG, Line, Piece, split_lead, unmark
from .labels import classify_label, emoji_kind, is_label_text, is_scholarly, link_kind, shields_label
from .records import Link, SubField

# patterns used inside functions, compiled once (markers: \x01…\x02 strong, \x03…\x04 emphasis, \x05N\x06 link N; see inline.py)
_ET_AL_WORD = re.compile(r"\bet\.? al\b")
_EMPTY_LINK = re.compile(r"\[+[^\]]*\]+\(\s*\)?")
_LEAD_PREPOSITION = re.compile(r"^(in|at|on)(\s+|$)")
_PAREN_YEAR = re.compile(r"\(\s*((?:19|20)\d\d)\s*\)")
_ET_AL = re.compile(r"\bet\.? al\.?")
_PARENTHESISED = re.compile(r"\([^()]*\)")
_LINK_REF = re.compile(r"\x05(\d+)\x06")
_LINK_REF_ANY = re.compile(r"\x05\d+\x06")
_SEPARATORS = re.compile(r"[\s·•|/,]*")
_LABEL_PREFIX = re.compile(r"[\x01\x03]?[^\x05:]{1,40}[\x02\x04]?\s*:")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_BARE_URL = re.compile(r"https?://\S+")
_STRONG_SPAN = re.compile(r"\x01(.*?)\x02", re.S)
_COLON = re.compile(r"\s*:")
_LINK_REF_SPACED = re.compile(r"\s*\x05(\d+)\x06\s*")
_COLON_QUOTED = re.compile(r"\s*:?\s*[\"“](.+?)[\"”]")
_QUOTED = re.compile(r"\s*[\"“](.+?)[\"”]")
_STRONG_OPEN = re.compile(r"\x01")
_STRONG_LABEL = re.compile(r"\x01[^\x02]*\x02\s*:")
_PAREN_YEAR_END = re.compile(r"\(\s*((?:19|20)\d\d)\s*\)\.?$")
_LINK_REF_LEAD = re.compile(r"\s*\x05(\d+)\x06")
_TRAILING_COLON = re.compile(r":\s*$")
_NAME_SEPARATORS = re.compile(r",|;| and | & ")
_LAST_COMMA_PART = re.compile(r",\s*([^,]{2,30})$")
_INITIALS_AUTHORS = re.compile(
    r",\s*((?:[A-Z]\.\s?)+[A-Z][\w'’-]+(?:(?:,| and | & )\s*(?:[A-Z]\.\s?)+[A-Z][\w'’-]+)*\.?)$"
)

__all__ = [
    "Head",
    "link_field",
    "read_head",
    "read_field_line",
    "meta_fields",
    "is_paper",
    "venue_like",
    "find_year",
]

_YEAR = re.compile(r"(?<![\d.])(19[5-9]\d|20[0-4]\d)(?![\d])")
_SHORT_YEAR = re.compile(r"(?:['’‘]\s?(\d{2})\b|\b(\d{2})['’])")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = re.compile(
    rf"^\(?\s*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?:19|20)\d\d|{_MONTH},?\s+(?:\d{{1,2}},?\s+)?(?:19|20)\d\d|"
    r"(?:19|20)\d\d[-/.]\d{1,2}(?:[-/.]\d{1,2})?)\s*\)?\.?$",
    re.I,
)
_VENUE = re.compile(
    r"\b(CVPR|ICCV|ECCV|WACV|BMVC|ACCV|3DV|NeurIPS|NIPS|ICML|ICLR|AAAI|IJCAI|ACL|EMNLP|NAACL|COLING|EACL|"
    r"KDD|WWW|WSDM|SIGIR|CIKM|SIGGRAPH|TOG|TPAMI|PAMI|IJCV|TIP|TIM|TMM|TCSVT|TNNLS|TKDE|TVCG|TGRS|JSTARS?G?|"
    r"GRSL|ISPRS|IGARSS|CoRL|RSS|ICRA|IROS|RA-?L|MICCAI|ISBI|MIDL|ACM ?MM|MM|Interspeech|ICASSP|TMLR|"
    r"JMLR|AISTATS|UAI|COLT|CHI|UIST|ICME|ICIP|Nature|Science|PNAS|Cell|Lancet|CoLLAs|LoG|ICDE|VLDB|SIGMOD|"
    r"INFOCOM|Inf\. ?Fusion|Information Fusion|TIV|TITS|IJCNN|ICPR|PR|AIJ|JAIR|TACL|SIGKDD|ICDM|SDM|WACVW|"
    r"CVPRW|ICCVW|ECCVW|Eurographics|CGF|TCYB|TII|TIE|TAI|TSP|TASLP|TOMM|TIST|TKDD|TOIS|TCAD)(?:W)?(?:['’]?\s?\d{2,4})?\b"
)
_VENUE_WORDS = re.compile(
    r"\b(arxiv|medrxiv|biorxiv|conference|journal|transactions|workshop|proceedings|preprint|symposium|"
    r"letters|technical report|tech report|findings|thesis|magazine|openreview)\b",
    re.I,
)
_NAMES = re.compile(
    r"^[A-Z\u00C0-\u024F][\w\u00C0-\u024F.'’*\- ]*(?:(?:,|;| and | & )\s*[\w\u00C0-\u024F.'’*\- ]+)+\.?$"
)
_ACRONYM = re.compile(r"[A-Z][A-Za-z&.-]{1,11}")
_ONE_NAME = re.compile(r"(?:[A-Z]\.\s?)+[A-Z][\w'’-]+")
_EM_NAME = re.compile(r"[A-Z\u00C0-\u024F][\w'’.-]+(?:\s+[A-Z\u00C0-\u024F][\w'’.-]+){1,3}")
_URL = re.compile(r"https?://[^\s<>\"'）]+")
_QUOTE = re.compile(r"[\"“”](?:\x01)?([^\"“”\x01\x02]{6,}?)(?:\x02)?[.,]?[\"“”]")
_LABELLED = re.compile(r"^([^:\[\]()\x05]{1,40}?)\s*:\s*(?!//)(.*)$", re.S)


@lru_cache(maxsize=8192)  # pure, and asked again for the same text per item and per pass
def find_year(text: str) -> str:
    """A four-digit year in `text`, else one written `'24` / `24'` (→ "2024"), else ""."""
    m = _YEAR.search(text)
    if m:
        return m.group(1)
    m2 = _SHORT_YEAR.search(text)
    if m2:
        yy = int(m2.group(1) or m2.group(2))
        return str(2000 + yy if yy < 50 else 1900 + yy)
    return ""


@lru_cache(maxsize=8192)  # pure, and asked again for the same text per item and per pass
def venue_like(text: str) -> bool:
    """True when `text` names a venue (a conference or journal acronym or word)."""
    return bool(_VENUE.search(text) or _VENUE_WORDS.search(text))


@lru_cache(maxsize=8192)  # pure, and asked again for the same text per item and per pass
def _names_like(text: str) -> bool:
    t = text.strip(" .,;")
    if not t or any(c.isdigit() for c in t) or len(t) > 600:
        return False
    if _ET_AL_WORD.search(t):
        return True
    return bool(_NAMES.match(t)) and len(t.split()) >= 2


@dataclass
class Head:
    title: str
    number: str = ""
    title_links: list[Link] = field(default_factory=list)
    fields: list[SubField] = field(default_factory=list)
    title_note: str = ""
    shape: str = ""


def link_field(p: Piece, line: int) -> SubField:
    kind = link_kind(p.text, p.url, p.alt, p.src)
    label = p.text or p.alt or shields_label(p.src)
    if not p.url:  # an image that links nowhere (a badge glued to the item): keep its target
        return SubField("link", label or "image", "", (Link(label, p.src),), line)
    return SubField(kind, label, "", (Link(p.text, p.url),), line)


def _text_fields(text: str, line: int, em: bool = False, strong: bool = False) -> list[SubField]:
    """Read a run of text (no links) as date / year / venue / authors / note fields."""
    out: list[SubField] = []
    t = " ".join(text.split())
    for url in _URL.findall(t):
        u = url.rstrip(").,;")
        out.append(SubField(link_kind("", u), "", "", (Link("", u),), line))
        t = t.replace(url, " ")
    t = _EMPTY_LINK.sub(" ", t)  # what is left of a link whose URL was bare text
    t = _LEAD_PREPOSITION.sub("", " ".join(t.split()).strip(" ,;|/-–—[]·•").lstrip("."))
    if not t.strip(" ."):
        return out
    if _DATE.match(t):
        return [*out, SubField("date", "", t.strip("() ."), (), line)]
    m = _PAREN_YEAR.search(t)
    if m and not venue_like(t):
        out.append(SubField("year", "", m.group(1), (), line))
        t = (t[: m.start()] + " " + t[m.end() :]).strip(" ,;")
    m = _ET_AL.search(t)
    if m and not strong:
        out.append(SubField("authors", "", t[: m.end()].strip(" ,"), (), line))  # keeps "et al."
        t = t[m.end() :]
    t = t.strip(" ,;.")
    if not t:
        return out
    if strong:
        out.append(SubField("note", "", t, (), line))  # a bold remark: "**(ResNet, CVPR best paper)**"
    elif (venue_like(t) and not (em and _names_like(t))) or (em and _ACRONYM.fullmatch(t)):  # *KAIS*
        who, _c, where = t.rpartition(",")
        if who and venue_like(where) and not venue_like(who) and _names_like(who):  # "A and B, Arxiv 2021"
            out.append(SubField("authors", "", who.strip(), (), line))
            t = where.strip()
        out.append(SubField("venue", "", t[1:-1] if _PARENTHESISED.fullmatch(t) else t, (), line))
    elif _names_like(t) or _ONE_NAME.fullmatch(t) or (em and _EM_NAME.fullmatch(t)):
        out.append(SubField("authors", "", t, (), line))  # "A, B and C"; "R. Girshick"; "*Calvin Luo*"
    elif _YEAR.fullmatch(t.strip("() ")):
        out.append(SubField("year", "", t.strip("() "), (), line))
    elif find_year(t) and len(t) <= 30:
        out.append(SubField("venue", "", t, (), line))
    else:
        out.append(SubField("note", "", t, (), line))
    return out


_SEG = re.compile(r"\x05(\d+)\x06|\x01(.*?)\x02|\x03(.*?)\x04", re.S)


def meta_fields(marked: str, pieces: list[Piece], line: int) -> list[SubField]:
    """Read the rest of a line (after the title) into fields: links, venue, date, year, authors, notes."""
    out: list[SubField] = []
    pos = 0
    for m in _SEG.finditer(marked):
        out.extend(_text_fields(unmark(marked[pos : m.start()], pieces), line))
        pos = m.end()
        if m.group(1) is not None:
            p = pieces[int(m.group(1))]
            if p.url or p.src:  # `[\[paper\]]()`: a link without a target carries nothing
                out.append(link_field(p, line))
        else:
            inner = m.group(2) if m.group(2) is not None else m.group(3)
            for lm in _LINK_REF.finditer(inner):
                if pieces[int(lm.group(1))].url or pieces[int(lm.group(1))].src:
                    out.append(link_field(pieces[int(lm.group(1))], line))
            inner_text = _LINK_REF_ANY.sub(" ", inner)
            out.extend(
                _text_fields(
                    unmark(inner_text, pieces), line, em=m.group(3) is not None, strong=m.group(2) is not None
                )
            )
    out.extend(_text_fields(unmark(marked[pos:], pieces), line))
    return out


def _labelled(ln: Line) -> SubField | None:
    """A `Label: value` line with a known label (seed style sub-bullets, `**Authors**: …`, `Paper: url`)."""
    text = ln.plain()
    lead, rest = split_lead(text)
    rest = rest.strip()
    links = [Link(p.text, p.url or p.src) for p in ln.pieces]
    m = _LABELLED.match(rest)
    label, value = ("", rest)
    if m and len(m.group(1).split()) <= 4:
        label, value = m.group(1).strip(" *_"), m.group(2)
    value = value.strip().strip("*_").strip()
    if label:
        value = value.lstrip(": ")
    kind = classify_label(label) if label else None
    if kind is None and not label and links:
        kinds = {classify_label(lk.text) for lk in links}  # "[GitHub](…)": the link text is the label
        if (
            len(kinds) == 1
            and None not in kinds
            and (len(links) == 1 or _SEPARATORS.fullmatch(_LINK_REF_ANY.sub("", split_lead(ln.marked)[1])))
        ):
            kind = kinds.pop()
        elif len(links) > 1:
            return None  # "[📄 Paper](…) | [💻 Code](…)": each link is classified on its own
    if kind is None:
        ek = emoji_kind(lead)
        if ek is not None and label:
            if ek in ("venue", "date", "authors", "highlight"):
                return SubField(ek, "", rest.strip("*_ "), tuple(links), ln.line)
            return SubField("note", label, value, tuple(links), ln.line)  # "📄 Slides: [deck](…)"
        if ek is None:
            return _unknown_label(label, value, links, ln)
        kind = ek
    if kind in ("pdf", "code"):
        if not links:
            links = [Link("", u.rstrip(").,")) for u in _URL.findall(value)]
            if not links:
                return SubField("note", label, value, (), ln.line)
        if kind == "code":  # "Project page" / "Demo" / "Dataset" labels: the finer link kind
            finer = link_kind(label or links[0].text, links[0].url)
            kind = finer if finer in ("project", "demo", "dataset", "video") else kind
    return SubField(kind, label, value, tuple(links), ln.line)


def _unknown_label(label: str, value: str, links: list[Link], ln: Line) -> SubField | None:
    """`Comment: text`, `Homeoage: url` — a label pathbib does not know, written at the line's start."""
    if not label or not value or not _LABEL_PREFIX.match(split_lead(ln.marked)[1]):
        return None
    if not links:
        links = [Link("", u.rstrip(").,")) for u in _URL.findall(value)]
    if links and _URL.fullmatch(value) or (links and value == " ".join(lk.text for lk in links).strip()):
        return SubField(link_kind(label, links[0].url), label, value, tuple(links), ln.line)
    return SubField("note", label, value, tuple(links), ln.line)


def read_field_line(ln: Line) -> list[SubField]:
    """One sub-bullet / continuation line / body paragraph line → its fields."""
    marked = _BULLET.sub("", ln.marked)
    if not marked.strip():
        return []
    sf = _labelled(Line(marked, ln.line, ln.pieces))
    if sf is not None:
        return [sf]
    return meta_fields(split_lead(marked)[1], ln.pieces, ln.line)


_NUMBER = re.compile(r"\x01\s*\[(\d+)\]\s*\x02\s*|\[(\d+)\]\s+|(\d{1,4})[.)]\s+|(\d{1,3})\.(?=[A-Z])")
_PREFIX = re.compile(r"[(\[]\s*([^()\[\]\x05]{2,60}?)\s*[)\]]\s*")


def _prefix(s: str, pieces: list[Piece], head: Head, line: int) -> str:
    """Strip a leading number and venue prefix from `s`, recording them in `head`."""
    s = split_lead(s)[1]
    m = _NUMBER.match(s)
    if m:
        head.number = next(g for g in m.groups() if g)
        s = split_lead(s[m.end() :])[1]
    for _ in range(2):
        m = _PREFIX.match(s)
        if not m:
            break
        inner = unmark(m.group(1), pieces).strip()
        if not (venue_like(inner) or find_year(inner)):
            break
        head.fields.append(SubField("venue", "", inner, (), line))
        s = split_lead(s[m.end() :])[1]
    return s


# one alternation: its leftmost match is the earliest match of any of the cut points
_CUT = re.compile(
    "|".join(
        (
            r"\x05",
            r"\x03",
            r",\s+in\s+",
            r"\s\|\s",
            r"\s-\s\x03",
            r"\s\((?:19|20)\d\d\)",
            r"\s\[{1,2}[^\]\x05]{0,40}\]{1,2}\(",
            r"https?://",
        )
    )
)  # (a link left unclosed; a bare URL)


def _cut_title(s: str) -> tuple[str, str]:
    """Split plain-text title from the rest: at the first link, emphasis, `, in ` or ` | `."""
    m = _CUT.search(s)
    cut = m.start() if m else len(s)
    return s[:cut], s[cut:]


@lru_cache(maxsize=8192)  # pure, and asked again for the same text per item and per pass
def _title_ok(title: str) -> bool:
    t = title.strip()
    return any(c.isalpha() for c in t) and not is_label_text(t) and not _BARE_URL.fullmatch(t)


def _bold_head(s: str, pieces: list[Piece], head: Head, line: int) -> str | None:
    """Title from a leading bold run; returns the rest of the line, or None when it is not a title."""
    m = _STRONG_SPAN.match(s)
    if m is None:
        return None
    inner, after = m.group(1), s[m.end() :]
    plain = " ".join(unmark(inner, pieces).split())
    if (_COLON.match(after) and classify_label(plain)) or _DATE.match(plain):
        return None  # a labelled line (`**Authors**: …`) or a dated news line (`**March 30, 2024**: …`)
    only_link = _LINK_REF_SPACED.fullmatch(inner)
    if only_link:
        p = pieces[int(only_link.group(1))]
        head.title, head.shape = p.text, "bold linked title"
        head.title_links.append(Link(p.text, p.url))
        return after
    q = _COLON_QUOTED.match(after)
    if q:  # `**Abbr**: "Title"` or `**Abbr** "Title"`
        head.title, head.title_note, head.shape = (
            unmark(q.group(1), pieces).strip(" ,."),
            plain,
            "abbr + quoted title",
        )
        return after[q.end() :]
    if _COLON.match(after):
        a2 = after.lstrip(" :")
        q = _QUOTED.match(a2)
        if q:
            head.title, head.title_note, head.shape = (
                unmark(q.group(1), pieces).strip(" ,."),
                plain,
                "abbr + quoted title",
            )
            return a2[q.end() :]
        text, rest = _cut_title(a2)
        text = unmark(text, pieces).strip(" ,;.")
        head.title = f"{plain}: {text}" if text else plain
        head.shape = "bold name + title"
        return rest
    if (
        (venue_like(plain) or find_year(plain))
        and len(plain.split()) <= 4
        and _title_ok(unmark(after, pieces))
    ):
        head.fields.append(SubField("venue", "", plain, (), line))
        return _prefix(after, pieces, head, line)
    head.title, head.shape = plain, "bold title"
    return after


def _head_line(ln: Line, head: Head) -> str | None:
    """Find the title on one line; return the rest of the line (marked), or None."""
    pieces = ln.pieces
    s = _prefix(ln.marked, pieces, head, ln.line)
    for _ in range(2):  # a bold venue prefix is followed by the real title
        rest = _bold_head(s, pieces, head, ln.line)
        if rest is None or head.title:
            break
        s = rest
    if head.title:
        return rest
    if _STRONG_OPEN.match(s) and rest is None and _STRONG_LABEL.match(s):
        return None
    q = _QUOTE.search(s)
    if q and len(unmark(q.group(1), pieces).split()) >= 2 and "\x05" not in s[: q.start()]:
        before = unmark(s[: q.start()], pieces).strip(" ,")
        y = _PAREN_YEAR_END.search(before)
        if y:  # "Authors (2015). "Title""
            head.fields.append(SubField("year", "", y.group(1), (), ln.line))
            before = before[: y.start()].strip(" ,")
        if before:
            head.fields.append(SubField("authors", "", before, (), ln.line))
        head.title, head.shape = unmark(q.group(1), pieces).strip(" ,.\x01\x02"), "quoted title"
        return s[q.end() :]
    m = _LINK_REF_LEAD.match(s)
    if m:
        p = pieces[int(m.group(1))]
        if p.url and _title_ok(p.text):
            head.title, head.shape = p.text, "linked title"
            head.title_links.append(Link(p.text, p.url))
            return s[m.end() :]
        return None
    text, rest = _cut_title(s)
    title = " ".join(unmark(text, pieces).split()).strip(" ,;:|-–[(")
    lm = _LABELLED.match(title)
    if (lm and classify_label(lm.group(1))) or _TRAILING_COLON.search(unmark(text, pieces)):
        return None
    if _names_like(title) and (len(_NAME_SEPARATORS.findall(title)) >= 3 or _ET_AL_WORD.search(title)):
        return None  # an author line ("A. One, B. Two, C. Three. *CVPR 2019*"), not a title
    m = _LAST_COMMA_PART.search(title)
    if m and venue_like(m.group(1)) and find_year(m.group(1)):  # "Title, AISTATS'21"
        head.fields.append(SubField("venue", "", m.group(1).strip(), (), ln.line))
        title = title[: m.start()]
    m = _INITIALS_AUTHORS.search(title)
    if m:  # "Title, M. Luong and C. Manning": the authors, written with initials
        head.fields.append(SubField("authors", "", m.group(1).strip(), (), ln.line))
        title = title[: m.start()]
    head.title, head.shape = title.removesuffix("."), "plain title"
    return rest


def read_head(lines: list[Line]) -> Head | None:
    """Recognise the title line of a candidate; later lines become fields. None: no title here."""
    k = 0
    while (
        k < len(lines)
        and not unmark(_LINK_REF_ANY.sub("", lines[k].marked), []).strip()
        and all(p.src for p in lines[k].pieces)
    ):
        k += 1  # lines of badges only (a table cell's star badge, then `<br>`, then the title)
    if k == len(lines):
        return None
    head = Head("")
    ln = lines[k]
    rest = _head_line(ln, head)
    if rest is None or not _title_ok(head.title):
        return None
    head.title = " ".join(split_lead(head.title)[1].split()) or head.title
    head.fields.extend(meta_fields(rest, ln.pieces, ln.line))
    for other in lines[:k]:
        head.fields.extend(meta_fields(other.marked, other.pieces, other.line))
    for other in lines[k + 1 :]:
        head.fields.extend(read_field_line(other))
    return head


def is_paper(
    title: str, fields: list[SubField] | tuple[SubField, ...], title_links: list[Link] | tuple[Link, ...]
) -> bool:
    """A paper: a title and a scholarly link, a venue, a year (or a labelled `Authors:` sub-bullet).

    A year or date alone does not make a paper of an item whose links all point elsewhere (a
    video, a repository, a blog post with its date): then one of its links must be a paper link.
    """
    if not _title_ok(title):
        return False
    dated = False
    for f in fields:
        if f.kind == "venue" or (f.kind == "authors" and f.label):
            return True
        if f.kind == "year" or (f.kind == "date" and find_year(f.value)):
            dated = True
        if any(is_scholarly(lk.url) for lk in f.links):
            return True
    if any(is_scholarly(lk.url) for lk in title_links):
        return True
    links = [f for f in fields if f.links and f.kind not in ("note", "link")] + [
        SubField("", "", "", (lk,)) for lk in title_links
    ]
    return dated and (not links or any(f.kind == "pdf" for f in links))


__all__ += ["STRONG", "EM", "LINK"]
