"""PB7xx: the list README (numbering, stated counts and spans, order, anchors, repeats)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from ..identity import Work, count_works, link_identifiers, title_key
from ..listfields import SlugCounter
from ..matching import normalize_title
from ..model import Finding, Library, Severity
from .fields import _url_key
from .readme import Readme, ReadmeItem, _readme, heading_text
from .registry import CheckContext, _f, _rule


def _rf(
    rule: str,
    message: str,
    ctx: CheckContext,
    line: int | None,
    fix: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    return _f(rule, message, None, None, fix, line=line, path=ctx.readme_path, severity=severity)


@_rule(
    "PB701",
    "numbering-gap",
    "error",
    "README: the item numbers do not run on (a number jumps ahead, leaving a gap, or restarts lower).",
    "Readers use the numbers to count and refer to papers; gaps and restarts are leftovers of deleted or "
    "copied items.",
    "Regenerate the README with `pathbib build` (numbers come from the library), or renumber by hand.",
    readme=True,
)
def rule_numbering_gap(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None or not rd.items:
        return []
    out = []
    prev: ReadmeItem | None = None
    for it in rd.items:
        expected = 1 if prev is None else prev.number + 1
        if it.number != expected:
            if prev is None:
                msg = f"numbering starts at {it.number}, not 1"
            elif it.number > expected:
                gap = f"{expected}" if it.number == expected + 1 else f"{expected}-{it.number - 1}"
                msg = f"numbering jumps from {prev.number} to {it.number} (missing {gap})"
            else:
                msg = f"numbering restarts: {it.number} follows {prev.number}"
            out.append(_rf("PB701", msg + f" at {it.title[:60]!r}", ctx, it.line, f"number it {expected}"))
        prev = it
    return out


@_rule(
    "PB702",
    "numbering-repeat",
    "error",
    "README: the same item number is used more than once.",
    "An ambiguous number cannot be referred to, and the item count cannot be read off the last number.",
    "Regenerate the README with `pathbib build`, or renumber by hand.",
    readme=True,
)
def rule_numbering_repeat(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None:
        return []
    by: dict[int, list[ReadmeItem]] = defaultdict(list)
    for it in rd.items:
        by[it.number].append(it)
    return [
        _rf(
            "PB702",
            f"number {n} is used {len(g)} times (lines {', '.join(str(i.line) for i in g)})",
            ctx,
            g[1].line,
            "renumber the items",
        )
        for n, g in sorted(by.items())
        if len(g) > 1
    ]


_COUNT_RE = re.compile(
    r"(?:sum|total)\s+of\s+`?(\d+)`?\s+(?:\w+\s+){0,2}(?:papers|articles|works)|"
    r"`?(\d+)`?\s+(?:research\s+)?(?:papers|articles)\b",
    re.I,
)
_SPAN_RE = re.compile(r"(?:from|between)\s+`?(\d{4})`?\s+(?:to|and|-|–)\s+`?(\d{4})`?", re.I)


def _claim_lines(rd: Readme) -> Iterator[tuple[int, str]]:
    """The README's prose lines (outside lists and code), where claims about the list are made."""
    yield from rd.prose


@_rule(
    "PB703",
    "stated-count",
    "error",
    'README: a sentence states a number of papers ("a sum of `81` research papers") that differs from the '
    "number of papers in the list: distinct works, a paper listed twice counted once (the count `build` writes "
    "and `import` reports).",
    "A false count is the first thing readers see and quote.",
    "Let `pathbib build` write the count, or correct the sentence.",
    readme=True,
)
def rule_stated_count(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None:
        return []
    # the one paper count (identity.count_works): distinct works, a repeated item counted once
    n = count_works(
        Work(frozenset({t} if (t := title_key(it.title)) else ()), link_identifiers(it.links))
        for it in rd.items
    )
    out = []
    for i, line in _claim_lines(rd):
        m = _COUNT_RE.search(line)
        if m:
            stated = int(m.group(1) or m.group(2))
            if stated != n:
                out.append(
                    _rf(
                        "PB703",
                        f"states {stated} papers but the list has {n} (distinct papers, a repeated "
                        "item counted once)",
                        ctx,
                        i,
                        f"say {n}",
                    )
                )
    return out


@_rule(
    "PB704",
    "stated-year-span",
    "error",
    'README: a sentence states a year span ("spanning from 2022 to 2025") that differs from the earliest and '
    "latest years on the items' venue/date lines.",
    "A false span misdescribes the list.",
    "Let `pathbib build` write the span, or correct the sentence (or the items' dates).",
    readme=True,
)
def rule_stated_span(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None:
        return []
    years = [y for it in rd.items for y in it.years]
    if not years:
        return []
    lo, hi = min(years), max(years)
    out = []
    for i, line in _claim_lines(rd):
        m = _SPAN_RE.search(line)
        if m and (int(m.group(1)), int(m.group(2))) != (lo, hi):
            early = [it for it in rd.items if lo in it.years][:3]
            ex = (
                "; ".join(f"no. {it.number} {it.title[:40]!r} ({lo})" for it in early)
                if int(m.group(1)) != lo
                else ""
            )
            out.append(
                _rf(
                    "PB704",
                    f"states {m.group(1)}-{m.group(2)} but the items span {lo}-{hi}"
                    + (f" (e.g. {ex})" if ex else ""),
                    ctx,
                    i,
                    f"say {lo} to {hi}",
                )
            )
    return out


@_rule(
    "PB705",
    "section-order",
    "error",
    "README: the list says its sections are ordered by publication date, but an item's year is earlier than "
    "the year of an item above it in the same section (items without a year are skipped).",
    "The ordering promise is how readers find recent work.",
    "Let `pathbib build` order the sections, or move the item (or fix its year).",
    readme=True,
)
def rule_section_order(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None or not re.search(
        r"order(?:ed)?\s+by\s+(?:the\s+)?(?:publication\s+)?dates?", rd.text, re.I
    ):
        return []
    out = []
    by: dict[str, list[ReadmeItem]] = defaultdict(list)
    for it in rd.items:
        by[it.section].append(it)
    for section, its in by.items():
        latest: ReadmeItem | None = None
        for it in its:
            y = it.year
            if y is None:
                continue
            if latest is not None and latest.year is not None and y < latest.year:
                out.append(
                    _rf(
                        "PB705",
                        f"section {section!r} is not in date order: no. {it.number} "
                        f"({y}) comes after no. {latest.number} ({latest.year})",
                        ctx,
                        it.line,
                        "order the section by date",
                    )
                )
                break
            if latest is None or (latest.year or 0) <= y:
                latest = it
    return out


@_rule(
    "PB706",
    "toc-anchor",
    "error",
    "README: an in-page link `(#anchor)` matches no heading's GitHub anchor (lower-case, punctuation removed, "
    "spaces to hyphens, `-1`, `-2` for repeats) and no `<a name=...>`. A link that differs only in letter case "
    "is reported at info level (GitHub's page script resolves it, other renderers may not).",
    "A table-of-contents entry that leads nowhere.",
    "Use the heading's anchor, e.g. `[Other applications](#other-applications)`.",
    readme=True,
)
def rule_toc_anchor(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None:
        return []
    slug = SlugCounter()  # repeated headings get -1, -2, ... as on GitHub
    slugs = {slug(heading_text(text)) for _, text, _ in rd.headings}
    targets = slugs | set(rd.html_anchors)
    lower = {t.lower() for t in targets}
    out = []
    for a, line in rd.anchors:
        name = a[1:]
        if name in targets:
            continue
        if name.lower() in lower:
            out.append(
                _rf(
                    "PB706",
                    f"anchor {a} matches a heading only when case is ignored",
                    ctx,
                    line,
                    f"use #{name.lower()}",
                    severity="info",
                )
            )
        else:
            out.append(
                _rf("PB706", f"anchor {a} matches no heading", ctx, line, "use the heading's GitHub anchor")
            )
    return out


@_rule(
    "PB707",
    "repeated-item",
    "error",
    "README: the same paper is listed twice (same normalised title, or the same paper link).",
    "Duplicates inflate the count and split corrections.",
    "Delete one of the items (and its library entry, see PB101).",
    readme=True,
)
def rule_repeated_item(lib: Library, ctx: CheckContext) -> list[Finding]:
    rd = _readme(ctx)
    if rd is None:
        return []
    seen_t: dict[str, ReadmeItem] = {}
    seen_u: dict[str, ReadmeItem] = {}
    out = []
    for it in rd.items:
        t = normalize_title(it.title)
        first = seen_t.get(t) if len(t) >= 12 else None
        if first is None:
            for u in it.links[:1]:
                first = seen_u.get(_url_key(u))
        if first is not None:
            out.append(
                _rf(
                    "PB707",
                    f"no. {it.number} {it.title[:70]!r} repeats no. {first.number} (line {first.line})",
                    ctx,
                    it.line,
                    f"delete no. {it.number}",
                )
            )
            continue
        seen_t.setdefault(t, it)
        for u in it.links[:1]:
            seen_u.setdefault(_url_key(u), it)
    return out
