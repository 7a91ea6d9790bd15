"""Running the rules: selection, suppression, results (and their JSON form)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..config import Settings
from ..model import Entry, Finding, Library
from .index import _index
from .readme import _readme
from .registry import RULES, CheckContext, Rule


@dataclass(frozen=True)
class Suppressed:
    finding: Finding
    reason: str
    where: str  # "library.bib check-ignore" or "pathbib.toml"


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]
    suppressed: tuple[Suppressed, ...] = ()
    rules_run: tuple[str, ...] = ()
    readme_parser: str | None = None  # which reader read the README (None: no README given)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def _matches(rule_id: str, patterns: Iterable[str]) -> bool:
    return any(rule_id.upper().startswith(p.strip().upper()) for p in patterns if p.strip())


def select_rules(
    select: Sequence[str] = (), ignore: Sequence[str] = (), *, readme: bool = True
) -> list[Rule]:
    """The rules to run: those matching a `select` prefix (all if empty) and no `ignore` prefix."""
    out = []
    for rid, r in RULES.items():
        if select and not _matches(rid, select):
            continue
        if ignore and _matches(rid, ignore):
            continue
        if r.readme and not readme:
            continue
        out.append(r)
    return out


def parse_check_ignore(value: str) -> dict[str, str]:
    """`check-ignore` field → {rule prefix: reason}; `PB201: reason; PB405: reason` (a bare id has reason "")."""
    out: dict[str, str] = {}
    for part in re.split(r"[;\n]", value):
        part = part.strip()
        if not part:
            continue
        rid, _, reason = part.partition(":")
        for r in re.split(r"[,\s]+", rid.strip()):
            if r:
                out[r.upper()] = reason.strip()
    return out


def _suppression(
    f: Finding, lib: Library, settings: Settings, by_key: Mapping[str, Entry]
) -> tuple[str, str] | None:
    if f.key:
        e = by_key.get(f.key)
        if e is not None and e.get("check-ignore"):
            for rid, reason in parse_check_ignore(e.get("check-ignore") or "").items():
                if f.rule.upper().startswith(rid):
                    return reason or "(no reason given)", f"{lib.path or 'library'} check-ignore"
    for s in settings.check.suppress:
        rid = str(s.get("rule", "")).upper()
        key = str(s.get("key", "*"))
        if rid and f.rule.upper().startswith(rid) and (key == "*" or key == f.key):
            return str(s.get("reason", "")) or "(no reason given)", "pathbib.toml [[check.suppress]]"
    return None


def run_check(
    lib: Library, ctx: CheckContext, select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> CheckResult:
    """Run the selected rules (plus pathbib.toml [check] select/ignore) and apply suppressions."""
    ctx = replace(ctx, _memo={})  # derived data is shared by the rules of this run only
    sel = tuple(select) or ctx.settings.check.select
    ign = tuple(ignore) + tuple(ctx.settings.check.ignore)
    rules = select_rules(sel, ign, readme=ctx.readme is not None)
    found: list[Finding] = []
    for r in rules:
        found.extend(r.func(lib, ctx))
    kept: list[Finding] = []
    supp: list[Suppressed] = []
    by_key = _index(lib, ctx).by_key if found else {}
    for f in found:
        s = _suppression(f, lib, ctx.settings, by_key)
        if s:
            supp.append(Suppressed(f, s[0], s[1]))
        else:
            kept.append(f)
    rd = _readme(ctx)  # parsed once per run, shared with the README rules
    return CheckResult(
        tuple(kept), tuple(supp), tuple(r.id for r in rules), rd.parser if rd is not None else None
    )


def to_json(result: CheckResult) -> dict[str, Any]:
    """The result as JSON-ready data (used by `check --json`)."""

    def fd(f: Finding) -> dict[str, Any]:
        return {
            "rule": f.rule,
            "name": RULES[f.rule].name if f.rule in RULES else "",
            "severity": f.severity,
            "key": f.key,
            "field": f.field,
            "message": f.message,
            "fix": f.fix,
            "path": f.path,
            "line": f.line,
        }

    return {
        "findings": [fd(f) for f in result.findings],
        "suppressed": [{**fd(s.finding), "reason": s.reason, "where": s.where} for s in result.suppressed],
        "summary": {
            "errors": result.errors,
            "warnings": result.warnings,
            "info": len(result.findings) - result.errors - result.warnings,
            "suppressed": len(result.suppressed),
            "rules": list(result.rules_run),
        },
    }
