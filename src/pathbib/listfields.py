"""Vocabulary of the awesome list itself, shared by import, check and export (pure).

The lowest layer above the model: nothing here imports from `importers`, `exporters`,
`check` or `cli`, so all of them can use it.
"""

from __future__ import annotations

import unicodedata

__all__ = ["github_slug"]


def github_slug(text: str) -> str:
    """GitHub's heading anchor for `text` (github-slugger): lower-case, punctuation dropped, spaces -> '-'."""
    out = []
    for ch in text.strip().lower():
        if ch == " ":
            out.append("-")
        elif ch in "-_":
            out.append(ch)
        else:
            cat = unicodedata.category(ch)
            if cat[0] in "LMN" or cat == "Pc":
                out.append(ch)
    return "".join(out)
