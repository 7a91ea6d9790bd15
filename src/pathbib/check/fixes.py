"""`check --fix`: the safe mechanical fixes as field changes."""

from __future__ import annotations

from collections.abc import Sequence

from ..merge import is_locked, locked_fields
from ..model import FieldChange, Library
from .fields import _URL_FIELDS, _tracked_urls
from .pb4_identifiers import _doi_fix
from .runner import CheckResult


def plan_fixes(lib: Library) -> list[FieldChange]:
    """Safe mechanical fixes: tracking parameters stripped from URLs, DOIs in bare lower-case form
    (never in a field the entry locks with `list-locked`)."""
    out: list[FieldChange] = []
    for e in lib.entries:
        locks = locked_fields(e)  # the one merge policy: a locked field is never changed, not even by a fix
        for name in _URL_FIELDS:
            v = e.get(name)
            if not v or is_locked(name, locks):
                continue
            new = v
            for _, u, clean in _tracked_urls(e, (name,)):
                for variant in (u, u.replace("_", "\\_")):
                    if variant in new:
                        new = new.replace(variant, clean if variant == u else clean.replace("_", "\\_"))
                        break
            if new != v:
                out.append(
                    FieldChange(
                        e.key,
                        name,
                        v,
                        new,
                        "",
                        "strip tracking parameters (PB105)",
                        "update",
                        {"rule": "PB105"},
                    )
                )
        d = e.get("doi")
        if d and not is_locked("doi", locks) and (n := _doi_fix(d)):
            out.append(
                FieldChange(
                    e.key, "doi", d, n, "", "bare lower-case DOI (PB403)", "update", {"rule": "PB403"}
                )
            )
    return out


def apply_fixes(lib: Library, changes: Sequence[FieldChange]) -> Library:
    """Return `lib` with the changes applied (only entries with changes are re-rendered; a fixed
    field keeps its braces or quotes)."""
    return lib.apply(changes, keep_delim=True)


def fixes_for(lib: Library, result: CheckResult) -> list[FieldChange]:
    """The safe fixes for the findings `result` reports (a suppressed finding is not fixed)."""
    active = {(f.key, f.rule) for f in result.findings}
    return [c for c in plan_fixes(lib) if (c.key, c.extra.get("rule", "")) in active]
