"""A minimal SVG writer: elements as escaped XML text (pure, stdlib only).

Why not matplotlib/plotly/pygal: see docs/build.md ("timeline.svg"). The chart needs rectangles,
lines and text; writing them directly keeps the output byte-stable (no version-dependent ids,
paths or float noise), keeps text as `<text>` (searchable, readable by screen readers) and adds
no dependency.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["esc", "num", "el"]

# characters XML 1.0 forbids (a hostile section title must not make the file unparseable)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"}
)
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def esc(text: str, *, attr: bool = False) -> str:
    """Escape `text` for XML character data (or a double-quoted attribute with `attr`)."""
    text = _XML_INVALID.sub("", text)
    return text.translate(_ATTR if attr else _TEXT)


def num(x: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (stable across platforms)."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def el(
    tag: str, attrs: Mapping[str, str | int | float] | None = None, *children: str, text: str | None = None
) -> str:
    """Return `<tag attrs>children</tag>`; `text` is escaped, `children` are already XML."""
    parts = [tag]
    for k, v in (attrs or {}).items():
        value = num(v) if isinstance(v, float) else str(v)
        parts.append(f'{k}="{esc(value, attr=True)}"')
    head = " ".join(parts)
    body = (esc(text) if text is not None else "") + "".join(children)
    if not body:
        return f"<{head}/>"
    return f"<{head}>{body}</{tag}>"
