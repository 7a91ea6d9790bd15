"""An entry's further links for the README: every stored link with its label (pure).

`import` keeps every link of a list item (`import_items`): more paper links in `list-links`,
project pages, datasets, demos and videos in `list-project` / `list-dataset` / `list-demo` /
`list-video`, and any other link with its original label in `list-other` (`[label](url)`).
`extra_links` turns them back into `{"icon", "label", "url"}` rows (other links carry no icon: an
icon would name a kind they do not have), labels Markdown-escaped and
URLs checked to be http(s), so the README renders all of them; none is dropped for want of a
class.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

__all__ = ["EXTRA_LINK_FIELDS", "extra_links", "more_paper_links", "other_links"]

#: (field, icon, label) of the link kinds stored in a field of their own, in README order.
EXTRA_LINK_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("list-project", "🌐", "Project"),
    ("list-dataset", "🗂️", "Dataset"),
    ("list-demo", "🎮", "Demo"),
    ("list-video", "🎬", "Video"),
)
#: `safe_url` and `md_escape` of the Markdown exporter (passed in: this module sits below it).
Safe = Callable[[str], "str | None"]
Escape = Callable[[str], str]
_HTTP = re.compile(r"^https?://", re.I)  # a bare part outside `[label](url)` counts only as a web address
_MD_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\(([^)\s]*)\)")


def _host_label(url: str, server: str | None) -> str:
    if server:
        return server
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host or "link"


def more_paper_links(value: str, *, safe: Safe, escape: Escape, server: Safe) -> list[dict[str, str]]:
    """`list-links` (further paper links) as rows labelled by their preprint server or host."""
    out = []
    for u in value.split():
        if (su := safe(u)) is not None:
            out.append({"label": escape(_host_label(u, server(u))), "url": su})
    return out


def other_links(value: str, *, safe: Safe, escape: Escape) -> list[dict[str, str]]:
    """`list-other` (`[label](url) ...`) as rows keeping each original label; bare http(s) URLs are labelled by
    host, other bare text is not a link."""
    out = []
    pos = 0
    for m in _MD_LINK.finditer(value):
        for bare in value[pos : m.start()].split():
            if _HTTP.match(bare) and (su := safe(bare)) is not None:
                out.append({"icon": "", "label": escape(_host_label(bare, None)), "url": su})
        pos = m.end()
        label = re.sub(r"\\(.)", r"\1", m.group(1))
        if (su := safe(m.group(2))) is not None:
            out.append({"icon": "", "label": escape(label or _host_label(m.group(2), None)), "url": su})
    for bare in value[pos:].split():
        if _HTTP.match(bare) and (su := safe(bare)) is not None:
            out.append({"icon": "", "label": escape(_host_label(bare, None)), "url": su})
    return out


def extra_links(f: dict[str, str], *, safe: Safe, escape: Escape) -> list[dict[str, str]]:
    """Project, dataset, demo, video and other links of the fields `f`, in that order."""
    out: list[dict[str, str]] = []
    for name, icon, label in EXTRA_LINK_FIELDS:
        for u in (f.get(name) or "").split():
            if (su := safe(u)) is not None:
                out.append({"icon": icon, "label": label, "url": su})
    return out + other_links(f.get("list-other") or "", safe=safe, escape=escape)
