"""PB5xx: keys and encoding."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..importers.mojibake import MisDecoded, find_mis_decoded
from ..model import Entry, Finding, Library
from .registry import CheckContext, _f, _rule


def _repaired(text: str, hits: Sequence[MisDecoded], offset: int = 0) -> str | None:
    """`text` (starting at `offset` of the field) with the mis-decoded sequences in it read back,
    or None when one of them has no certain reading."""
    out, pos = [], 0
    for h in hits:
        start, end = h.start - offset, h.end - offset
        if start < 0 or end > len(text):
            continue
        if h.reading is None:
            return None
        out += [text[pos:start], h.reading]
        pos = end
    return "".join(out) + text[pos:]


@_rule(
    "PB501",
    "mojibake",
    "error",
    "A field contains mis-decoded characters: UTF-8 read as Windows-1252/1254 (`CatalÃ¡n`, `ğŸ“œ`, `â€™`) "
    "or the replacement character U+FFFD.",
    "Mangled names and titles are wrong in every export and defeat matching and deduplication.",
    "Retype the text (the suggested repair is shown when the bytes survived), or re-import with the "
    "importer's mojibake repair.",
)
def rule_mojibake(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        for f in e.fields:
            hits = find_mis_decoded(f.value)
            if hits:
                a = f.value.rfind(" ", 0, hits[0].start) + 1
                b = f.value.find(" ", hits[0].end)
                snippet = f.value[a : b if b >= 0 else len(f.value)]
                fixed = _repaired(snippet, hits, a)
                out.append(
                    _f(
                        "PB501",
                        f"{f.name} has mis-decoded text {hits[0].original!r} in {snippet!r}",
                        e,
                        f.name,
                        f"probably {fixed!r}" if fixed else "retype the damaged characters",
                        lib=lib,
                    )
                )
                break
    return out


@_rule(
    "PB502",
    "duplicate-key",
    "error",
    "Two blocks use the same citation key (the second is kept verbatim but ignored by pathbib), or two keys "
    "differ only in letter case (`JianGV22` / `JiangV22`), which BibTeX and biber treat as the same key.",
    "`\\cite{key}` can only mean one of them; the other entry is silently lost in every export.",
    "Rename one of the keys (and its citations), or merge the entries.",
)
def rule_duplicate_key(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for fb in lib.failed:
        if fb.reason.startswith("duplicate citation key"):
            out.append(
                _f("PB502", fb.reason, None, None, "rename or merge", lib=lib, line=fb.line, key=fb.key)
            )
    seen: dict[str, Entry] = {}
    for e in lib.entries:
        first = seen.setdefault(e.key.lower(), e)
        if first is not e:
            out.append(
                _f(
                    "PB502",
                    f"citation key {e.key!r} differs from {first.key!r} only in letter case",
                    e,
                    None,
                    "rename one of them",
                    lib=lib,
                )
            )
    return out


@_rule(
    "PB503",
    "unparseable-block",
    "error",
    "A block could not be parsed as BibTeX (unbalanced braces, missing comma, ...). It is kept verbatim.",
    "The entry is missing from every export.",
    "Fix the syntax at the line shown.",
)
def rule_unparseable(lib: Library, ctx: CheckContext) -> list[Finding]:
    return [
        _f("PB503", fb.reason, None, None, "fix the BibTeX syntax", lib=lib, line=fb.line, key=fb.key)
        for fb in lib.failed
        if not fb.reason.startswith("duplicate citation key")
    ]


_KEY_OK = re.compile(r"[A-Za-z0-9_\-:./+@!?*;<>=\[\]|$^`&']+")


@_rule(
    "PB504",
    "bad-key",
    "error",
    "A citation key LaTeX/BibTeX cannot use: empty, non-ASCII, or containing spaces, commas, braces, quotes, "
    "`%`, `#`, `~`, `\\` or parentheses.",
    "`\\cite{...}` fails or cites the wrong entry; bibtex (8-bit) chokes on non-ASCII keys.",
    "Rename the key (e.g. `pathbib fmt` style: author + year + first title word) and update citations.",
)
def rule_bad_key(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        if not e.key:
            out.append(_f("PB504", "empty citation key", e, None, "give the entry a key", lib=lib))
        elif not _KEY_OK.fullmatch(e.key):
            bad = sorted({c for c in e.key if not _KEY_OK.fullmatch(c)})
            out.append(
                _f(
                    "PB504",
                    f"citation key {e.key!r} contains {' '.join(repr(c) for c in bad)}",
                    e,
                    None,
                    "use letters, digits and - _ : . / only",
                    lib=lib,
                )
            )
    return out


@_rule(
    "PB505",
    "latex-command",
    "warning",
    "A field holds LaTeX that is not plain text markup: a command outside the allow-list (`\\input`, "
    "`\\write18`, `\\catcode`, `\\def`, `\\csname`, ...), `^^` character codes, a trailing backslash or an "
    "unpaired brace. The BibTeX export prints such commands instead of running them.",
    "A bibliography is compiled inside the reader's LaTeX build: a command there can read files or run "
    "programs on their machine. Only text commands (accents, `\\emph`, `\\textit`, `\\&`, simple math) "
    "are exported as commands.",
    "Remove the command, or write what it should print in plain text (Unicode is fine).",
)
def rule_latex_command(lib: Library, ctx: CheckContext) -> list[Finding]:
    from ..exporters.bibtex import VERBATIM_FIELDS
    from ..latex import sanitize_report

    out = []
    for e in lib.entries:
        for f in e.fields:
            if f.name in VERBATIM_FIELDS or f.name.startswith("list-"):
                continue
            _clean, neutralised = sanitize_report(f.value)
            if neutralised:
                what = ", ".join(dict.fromkeys(neutralised))
                out.append(
                    _f(
                        "PB505",
                        f"{f.name} has LaTeX the export makes inert: {what}",
                        e,
                        f.name,
                        "remove it or write plain text",
                        lib=lib,
                    )
                )
    return out
