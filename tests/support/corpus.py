"""Round-trip helpers for the awesome-list corpus tests."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pathbib.identifiers import strip_tracking
from pathbib.importers.markdown import Item

# link destinations percent-encode the characters that could end them (docs/build.md, Safety)
_ESCAPES = {
    "(": "%28",
    ")": "%29",
    "[": "%5B",
    "]": "%5D",
    "<": "%3C",
    ">": "%3E",
    '"': "%22",
    "`": "%60",
    "\\": "%5C",
    "*": "%2A",
    " ": "%20",
}


def missing_links(items: Iterable[Item], markdown: str) -> list[tuple[int, str]]:
    """Return (line, url) for every http(s) or relative link of the items that the Markdown does not carry."""
    missing = []
    for it in items:
        urls = [lk.url for f in it.fields for lk in f.links] + [lk.url for lk in it.title_links]
        for u in urls:
            clean = strip_tracking(u)[0]
            if (
                re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", clean)
                and not clean.lower().startswith(("http:", "https:"))
                or clean.startswith("//")
            ):
                continue  # mailto:, javascript:, //host ... are not printed as links (docs/build.md, Safety)
            if clean not in markdown and "".join(_ESCAPES.get(c, c) for c in clean) not in markdown:
                missing.append((it.line, clean))
    return missing
