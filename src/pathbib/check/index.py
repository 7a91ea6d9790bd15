"""The per-run index shared by rules: normalised titles, identifiers and blocked duplicate detection."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..identity import Work, contradiction, entry_titles, same_work
from ..matching import author_families, normalize_title, title_similarity
from ..model import Entry, Library
from .fields import identifiers
from .registry import CheckContext


@dataclass
class _Index:
    entries: tuple[Entry, ...]
    ntitle: dict[str, str]  # key -> normalised title
    ids: dict[str, dict[str, set[str]]]
    dup_pairs: list[tuple[Entry, Entry, str, str]]  # (first, later, how, detail)
    dup_keys: set[frozenset[str]]
    by_key: dict[str, Entry]


def _title(entry: Entry) -> str:
    return entry.get("title") or entry.get("list-title") or ""


_DIGITS = re.compile(r"\d+")
_STOP = frozenset("a an and the of for in on with to from by via at as is are using towards toward".split())


def _index(lib: Library, ctx: CheckContext) -> _Index:
    memo_key = f"index:{id(lib)}"
    got = ctx._memo.get(memo_key)
    if got is not None and got[0] is lib:
        return got[1]  # type: ignore[no-any-return]
    entries = lib.entries
    ntitle = {e.key: normalize_title(_title(e)) for e in entries}
    ids = {e.key: identifiers(e) for e in entries}
    pairs = _find_duplicates(entries, ntitle, ids)
    idx = _Index(
        entries,
        ntitle,
        ids,
        pairs,
        {frozenset((a.key, b.key)) for a, b, _, _ in pairs},
        {e.key: e for e in entries},
    )
    ctx._memo[memo_key] = (lib, idx)
    return idx


def _same_authors(a: Entry, b: Entry) -> bool:
    """False only when both entries list authors and no family name is shared."""
    fa, fb = author_families(a), author_families(b)
    return not fa or not fb or bool(set(fa) & set(fb))


def _find_duplicates(
    entries: Sequence[Entry], ntitle: Mapping[str, str], ids: Mapping[str, Mapping[str, set[str]]]
) -> list[tuple[Entry, Entry, str, str]]:
    """Pairs of entries describing the same work, found by blocking (no all-pairs comparison).

    Blocks: each identifier; the exact normalised title; and for near-identical titles every
    pair of a title's four rarest words (so two titles meet only if they share rare words).
    Title matches also need a shared author family name when both entries list authors.
    """
    found: dict[frozenset[str], tuple[Entry, Entry, str, str]] = {}
    order = {e.key: i for i, e in enumerate(entries)}

    def add(a: Entry, b: Entry, how: str, detail: str) -> None:
        if a.key == b.key:
            return
        if order[a.key] > order[b.key]:
            a, b = b, a
        k = frozenset((a.key, b.key))
        if k not in found:
            found[k] = (a, b, how, detail)

    # 1. shared identifiers
    by_id: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        for scheme, vals in ids[e.key].items():
            for v in vals:
                by_id[(scheme, v)].append(e)
    works: dict[str, Work] = {}

    def work(e: Entry) -> Work:  # made only for entries that share an identifier
        if e.key not in works:
            works[e.key] = Work(entry_titles(e), ids[e.key])
        return works[e.key]

    for (scheme, v), group in by_id.items():
        # the one same-work rule (identity.same_work): a shared identifier needs near-equal titles
        for i, first in enumerate(group[:60]):
            for other in group[i + 1 : 60]:
                if same_work(work(first), work(other)):
                    add(first, other, "identifier", f"{'arXiv' if scheme == 'arxiv' else scheme.upper()} {v}")
    # 2. identical normalised titles
    by_title: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        t = ntitle[e.key]
        if len(t) >= 12:  # "introduction", "editorial" ... are not evidence
            by_title[t].append(e)
    for group in by_title.values():
        if len(group) > 1:
            for other in group[1:]:
                if _same_authors(group[0], other) and not contradiction(ids[group[0].key], ids[other.key]):
                    add(group[0], other, "title", "same normalised title")
    # 3. near-identical titles (no contradicting identifier)
    for a, b, s in _near_title_pairs(entries, ntitle, set(found)):
        if not contradiction(ids[a.key], ids[b.key]):
            add(a, b, "title", f"titles {s:.0%} similar")
    return sorted(found.values(), key=lambda p: (order[p[1].key], order[p[0].key]))


def _title_blocks(entries: Sequence[Entry], ntitle: Mapping[str, str]) -> dict[tuple[str, str], list[Entry]]:
    """Entries by block key: every pair of a title's four rarest words (two titles meet only if they share rare words)."""
    df: dict[str, int] = defaultdict(int)
    toks: dict[str, list[str]] = {}
    for e in entries:
        ts = [t for t in dict.fromkeys(ntitle[e.key].split()) if t not in _STOP]
        toks[e.key] = ts
        for t in ts:
            df[t] += 1
    blocks: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        ts = toks[e.key]
        if len(ts) < 3:
            continue
        rare = sorted(ts, key=lambda t: (df[t], t))[:4]
        for i in range(len(rare)):
            for j in range(i + 1, len(rare)):
                lo, hi = sorted((rare[i], rare[j]))
                blocks[(lo, hi)].append(e)
    return blocks


def _near_title_pairs(
    entries: Sequence[Entry], ntitle: Mapping[str, str], seen: set[frozenset[str]]
) -> list[tuple[Entry, Entry, float]]:
    """(a, b, similarity) for titles at least 93% similar, numbers equal, an author shared (when both list
    authors); pairs in `seen` are skipped."""
    out: list[tuple[Entry, Entry, float]] = []
    for group in _title_blocks(entries, ntitle).values():
        if len(group) < 2 or len(group) > 60:  # a huge block is a common word pair, not a work
            continue
        for i in range(len(group)):
            a = group[i]
            for b in group[i + 1 :]:
                k = frozenset((a.key, b.key))
                if k in seen:
                    continue
                seen.add(k)
                ta, tb = ntitle[a.key], ntitle[b.key]
                if abs(len(ta) - len(tb)) > 0.1 * max(len(ta), len(tb)):
                    continue
                s = title_similarity(ta, tb)
                # "Part 1" / "Part 2", "YOLOv7" / "YOLOv8": numbers must agree
                if s >= 0.93 and _DIGITS.findall(ta) == _DIGITS.findall(tb) and _same_authors(a, b):
                    out.append((a, b, s))
    return out
