"""PB1xx: duplicates and links."""

from __future__ import annotations

import re
from collections import defaultdict

from ..matching import title_similarity
from ..model import Entry, Finding, Library
from .fields import SHORTENERS, _host, _presented_as_preprint, _repo_key, _tracked_urls, _url_key, _urls
from .index import _index
from .registry import CheckContext, _f, _rule

_EXPLAIN_SUPPRESS = "check-ignore"


@_rule("PB101", "duplicate-work", "error",
       "Two entries describe the same work: same DOI, arXiv id, PII or OpenReview id, or a (near-)identical "
       "normalised title, whatever their entry types. A preprint and its published version are named as such.",
       "A list that shows a paper twice looks unmaintained, and two entries drift apart when only one is corrected.",
       "Keep one entry (the published version when there is one), move any identifier it lacks (e.g. the arXiv "
       "`eprint`) into it, and delete the other. If they really are different works, suppress the finding on one "
       "of them with a reason.")
def rule_duplicate_work(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for a, b, _how, detail in _index(lib, ctx).dup_pairs:
        pa, pb = _presented_as_preprint(a, ctx), _presented_as_preprint(b, ctx)
        if pa != pb:
            pre, pub = (a, b) if pa else (b, a)
            msg = (f"preprint {pre.key!r} and published {pub.key!r} are the same work ({detail}); "
                   f"keep {pub.key!r}")
            fix = f"merge {pre.key!r} into {pub.key!r} (keep its eprint) and delete {pre.key!r}"
        else:
            msg = f"same work as {a.key!r} ({detail})"
            fix = f"merge into {a.key!r} and delete {b.key!r}"
        out.append(_f("PB101", msg, b, "doi" if "DOI" in detail else "eprint" if "arXiv" in detail else "title",
                      fix, lib=lib))
    for e in lib.entries:  # the import merged repeated list items into one entry: the list shows it twice
        nums = [n for n in re.split(r"[,;\s]+", e.get("list-number") or "") if n]
        if len(nums) > 1:
            out.append(_f("PB101", f"the list shows this paper {len(nums)} times (nos. {', '.join(nums)})", e,
                          "list-number", f"keep one number ({nums[0]}) and rebuild the README", lib=lib,
                          severity="warning"))
    return out


@_rule("PB102", "duplicate-url", "error",
       "The same URL (ignoring scheme, `www.`, tracking parameters and a trailing slash) is the `url` of two "
       "entries that are not already reported as the same work.",
       "A URL identifies one paper; on two entries at least one of them points at the wrong paper.",
       "Open the URL, decide which entry it belongs to, and correct the other entry's `url`.")
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
                out.append(_f("PB102", f"url {u} is also the url of {prev.key!r}", e, "url",
                              "point each entry at its own paper", lib=lib))
    return out


@_rule("PB103", "shared-code-repository", "warning",
       "The same code repository (GitHub/GitLab/Hugging Face owner/repo) is given for papers with different titles.",
       "Usually a copy-paste slip; sometimes legitimate (one repository for a paper series, a toolbox).",
       "Correct the `list-code` of the wrong entry, or suppress the warning on one entry with the reason.")
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
            out.append(_f("PB103", f"code repository {repo} is also given for {a.key!r}, a paper with another title",
                          e, "list-code", "check which paper the repository belongs to", lib=lib))
    return out


@_rule("PB104", "link-shortener", "warning",
       "A URL goes through a link shortener (bit.ly, tinyurl.com, t.co, goo.gl, ...).",
       "Shortened links hide where they lead, break when the service stops, and cannot be checked or deduplicated.",
       "Replace the link with the address it redirects to.")
def rule_shortener(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        for name, u in _urls(e):
            if _host(u) in SHORTENERS:
                out.append(_f("PB104", f"{name} uses the link shortener {_host(u)}: {u}", e, name,
                              "replace it with the address it redirects to", lib=lib))
    return out


@_rule("PB105", "tracking-parameters", "warning",
       "A URL carries tracking or referrer query parameters (`utm_*`, `trk`, `fbclid`, `gclid`, `ref=<site>`, ...).",
       "They leak where the link was copied from, make equal links look different, and are noise in the list.",
       "`pathbib check --fix` removes them (other parameters and GitHub `ref=<branch>` are kept).",
       fixable=True)
def rule_tracking(lib: Library, ctx: CheckContext) -> list[Finding]:
    out = []
    for e in lib.entries:
        for name, u, clean in _tracked_urls(e):
            out.append(_f("PB105", f"{name} has tracking parameters: {u}", e, name, f"use {clean}", lib=lib))
    return out

