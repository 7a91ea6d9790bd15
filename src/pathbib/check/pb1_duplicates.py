"""PB1xx: duplicates and links."""

from __future__ import annotations

import re
from collections import defaultdict

from ..identity import Work, WorkIndex, entry_titles, id_label
from ..matching import title_similarity
from ..model import Entry, Finding, Library
from .fields import SHORTENERS, _host, _presented_as_preprint, _repo_key, _tracked_urls, _url_key, _urls
from .index import _index
from .registry import CheckContext, _f, _memoized, _rule

_EXPLAIN_SUPPRESS = "check-ignore"


@_rule(
    "PB101",
    "duplicate-work",
    "error",
    "Two entries describe the same work, by the rule `import` and `enrich` use too (`pathbib.identity`): a shared "
    "DOI, arXiv id, PII, OpenReview id ... with near-equal titles, or the same normalised title (also a nearly "
    "identical one with an author in common) with no contradicting identifier, whatever their entry types. A "
    "preprint and its published version are named as such. Different titles sharing a link are PB106, the same "
    "title with different DOIs PB107.",
    "A list that shows a paper twice looks unmaintained, and two entries drift apart when only one is corrected.",
    "Keep one entry (the published version when there is one), move any identifier it lacks (e.g. the arXiv "
    "`eprint`) into it, and delete the other. If they really are different works, suppress the finding on one "
    "of them with a reason.",
)
def rule_duplicate_work(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for a, b, _how, detail in _index(lib, ctx).dup_pairs:
        pa, pb = _presented_as_preprint(a, ctx), _presented_as_preprint(b, ctx)
        if pa != pb:
            pre, pub = (a, b) if pa else (b, a)
            msg = (
                f"preprint {pre.key!r} and published {pub.key!r} are the same work ({detail}); "
                f"keep {pub.key!r}"
            )
            fix = f"merge {pre.key!r} into {pub.key!r} (keep its eprint) and delete {pre.key!r}"
        else:
            msg = f"same work as {a.key!r} ({detail})"
            fix = f"merge into {a.key!r} and delete {b.key!r}"
        out.append(
            _f(
                "PB101",
                msg,
                b,
                "doi" if "DOI" in detail else "eprint" if "arXiv" in detail else "title",
                fix,
                lib=lib,
            )
        )
    for e in lib.entries:  # the import merged repeated list items into one entry: the list shows it twice
        nums = [n for n in re.split(r"[,;\s]+", e.get("list-number") or "") if n]
        if len(nums) > 1:
            out.append(
                _f(
                    "PB101",
                    f"the list shows this paper {len(nums)} times (nos. {', '.join(nums)})",
                    e,
                    "list-number",
                    f"keep one number ({nums[0]}) and rebuild the README",
                    lib=lib,
                    severity="warning",
                )
            )
    return out


@_rule(
    "PB102",
    "duplicate-url",
    "error",
    "The same URL (ignoring scheme, `www.`, tracking parameters and a trailing slash) is the `url` of two "
    "entries that are not already reported as the same work.",
    "A URL identifies one paper; on two entries at least one of them points at the wrong paper.",
    "Open the URL, decide which entry it belongs to, and correct the other entry's `url`.",
)
def rule_duplicate_url(lib: Library, ctx: CheckContext) -> list[Finding]:
    idx = _index(lib, ctx)
    first: dict[str, Entry] = {}
    out = []
    for e in idx.entries:
        for _, u in _urls(e, ("url",)):
            k = _url_key(u)
            if _host(u) in SHORTENERS:
                continue
            prev = first.get(k)
            if prev is None:
                first[k] = e
            elif prev.key != e.key and frozenset((prev.key, e.key)) not in idx.dup_keys:
                out.append(
                    _f(
                        "PB102",
                        f"url {u} is also the url of {prev.key!r}",
                        e,
                        "url",
                        "point each entry at its own paper",
                        lib=lib,
                    )
                )
    return out


@_rule(
    "PB103",
    "shared-code-repository",
    "warning",
    "The same code repository (GitHub/GitLab/Hugging Face owner/repo) is given for papers with different titles.",
    "Usually a copy-paste slip; sometimes legitimate (one repository for a paper series, a toolbox).",
    "Correct the `list-code` of the wrong entry, or suppress the warning on one entry with the reason.",
)
def rule_shared_code(lib: Library, ctx: CheckContext) -> list[Finding]:
    idx = _index(lib, ctx)
    by_repo: dict[str, list[Entry]] = defaultdict(list)
    for e in idx.entries:
        repos = {r for _, u in _urls(e, ("list-code",)) if (r := _repo_key(u))}
        for r in repos:
            by_repo[r].append(e)
    out = []
    for repo, group in by_repo.items():
        for e in group[1:]:
            a = group[0]
            if frozenset((a.key, e.key)) in idx.dup_keys:
                continue
            if title_similarity(idx.ntitle[a.key], idx.ntitle[e.key]) >= 0.93:
                continue
            out.append(
                _f(
                    "PB103",
                    f"code repository {repo} is also given for {a.key!r}, a paper with another title",
                    e,
                    "list-code",
                    "check which paper the repository belongs to",
                    lib=lib,
                )
            )
    return out


@_rule(
    "PB104",
    "link-shortener",
    "warning",
    "A URL goes through a link shortener (bit.ly, tinyurl.com, t.co, goo.gl, ...).",
    "Shortened links hide where they lead, break when the service stops, and cannot be checked or deduplicated.",
    "Replace the link with the address it redirects to.",
)
def rule_shortener(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        for name, u in _urls(e):
            if _host(u) in SHORTENERS:
                out.append(
                    _f(
                        "PB104",
                        f"{name} uses the link shortener {_host(u)}: {u}",
                        e,
                        name,
                        "replace it with the address it redirects to",
                        lib=lib,
                    )
                )
    return out


@_rule(
    "PB105",
    "tracking-parameters",
    "warning",
    "A URL carries tracking or referrer query parameters (`utm_*`, `trk`, `fbclid`, `gclid`, `ref=<site>`, ...).",
    "They leak where the link was copied from, make equal links look different, and are noise in the list.",
    "`pathbib check --fix` removes them (other parameters and GitHub `ref=<branch>` are kept).",
    fixable=True,
)
def rule_tracking(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        for name, u, clean in _tracked_urls(e):
            out.append(_f("PB105", f"{name} has tracking parameters: {u}", e, name, f"use {clean}", lib=lib))
    return out


# --------------------------------------------------------------------------- PB106/PB107 identity clashes
# The same-work rule lives in pathbib.identity (shared with import and enrich); these two rules
# report the pairs it keeps apart although they look alike.


def _identity_clashes(lib: Library, ctx: CheckContext) -> list[tuple[Entry, Entry, str, str]]:
    """(first, later, kind, detail) for entries that share an identifier under different titles
    ("shared-link") or carry one title with different identifiers ("same-title")."""

    def make() -> list[tuple[Entry, Entry, str, str]]:
        idx = _index(lib, ctx)
        index = WorkIndex()
        out: list[tuple[Entry, Entry, str, str]] = []
        seen: set[frozenset[str]] = set()
        for e in idx.entries:
            w = Work(entry_titles(e), idx.ids[e.key])
            for handle, kind, detail in index.clashes(w):
                other = idx.by_key[str(handle)]
                pair = frozenset((other.key, e.key))
                if pair not in seen and pair not in idx.dup_keys and other.key != e.key:
                    seen.add(pair)
                    out.append((other, e, kind, detail))
            index.add(e.key, w)
        return out

    return _memoized(ctx, f"clashes:{id(lib)}", make)


@_rule(
    "PB106",
    "shared-link",
    "error",
    "Two entries with different titles share a paper link or identifier (DOI, arXiv id, PII, OpenReview, CVF, "
    "...). They are kept as two works; the finding is reported on both entries.",
    "A link identifies one paper: on one of the two entries it points at the wrong paper (often a copy-paste "
    "slip in the list), so a reader following it lands on another paper.",
    "Open the link, decide which paper it belongs to, and correct the link of the other entry. Do not delete "
    "either entry: they are different papers.",
)
def rule_shared_link(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for a, b, kind, detail in _identity_clashes(lib, ctx):
        if kind != "shared-link":
            continue
        k, _, v = detail.partition(" ")
        what = id_label(k, v)
        fld = "doi" if k == "doi" else "eprint" if k == "arxiv" else "url"
        for e, other in ((a, b), (b, a)):
            out.append(
                _f(
                    "PB106",
                    f"{what} is also the link of {other.key!r}, a paper with another title",
                    e,
                    fld,
                    f"correct the link of one of them ({e.key!r} or {other.key!r})",
                    lib=lib,
                )
            )
    return out


@_rule(
    "PB107",
    "same-title-different-ids",
    "warning",
    "Two entries have the same normalised title but different DOIs (or other identifiers of one kind). They are "
    "kept as two works; the finding is reported on both entries.",
    "Either two different works share a title (a paper and its erratum, two editions) or one of the identifiers "
    "is wrong; a reader cannot tell which.",
    "Check both identifiers. If one is wrong, correct it (the entries then are one work: merge them); if they are "
    "different works, suppress the finding on one of them with the reason.",
)
def rule_same_title_other_ids(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for a, b, kind, detail in _identity_clashes(lib, ctx):
        if kind != "same-title" or not detail:
            continue
        name = id_label(detail, "").strip()
        for e, other in ((a, b), (b, a)):
            out.append(
                _f(
                    "PB107",
                    f"same title as {other.key!r} but a different {name}",
                    e,
                    "doi" if detail == "doi" else "eprint" if detail == "arxiv" else "title",
                    f"check the {name} of {e.key!r} and {other.key!r}",
                    lib=lib,
                )
            )
    return out
