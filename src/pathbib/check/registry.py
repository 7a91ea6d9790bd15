"""The rule registry and what every rule receives: `Rule`, `RULES`, `CheckContext`, the record `Lookup`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar, cast

from ..config import Settings
from ..model import Entry, Finding, Library, Severity


class RecordLike(Protocol):
    """What a record lookup returns (pathbib.sources.record.Record satisfies it)."""

    @property
    def title(self) -> str: ...
    @property
    def authors(self) -> tuple[str, ...]: ...
    @property
    def container(self) -> str: ...
    @property
    def doi(self) -> str: ...
    @property
    def journal_ref(self) -> str: ...


#: (scheme, identifier) -> record or None; scheme is "doi" or "arxiv".
Lookup = Callable[[str, str], "RecordLike | None"]


@dataclass(frozen=True)
class CheckContext:
    """Everything a rule may consult besides the library (all optional)."""

    settings: Settings = field(default_factory=Settings)
    today: date | None = None  # None: the future-date rule is skipped
    lookup: Lookup | None = None
    readme: str | None = None  # README text for the PB7xx rules
    readme_path: str = "README.md"
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


RuleFunc = Callable[[Library, CheckContext], list[Finding]]
_T = TypeVar("_T")


def _memoized(ctx: CheckContext, key: str, make: Callable[[], _T]) -> _T:
    """`make()`, computed once per check run (`run_check` gives every run a fresh memo)."""
    if key not in ctx._memo:
        ctx._memo[key] = make()
    return cast(_T, ctx._memo[key])


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str  # what it finds
    why: str
    fix: str  # how to fix
    func: RuleFunc
    fixable: bool = False  # `check --fix` can apply it
    readme: bool = False  # needs --readme


RULES: dict[str, Rule] = {}


def _rule(
    id: str,
    name: str,
    severity: Severity,
    summary: str,
    why: str,
    fix: str,
    *,
    fixable: bool = False,
    readme: bool = False,
) -> Callable[[RuleFunc], RuleFunc]:
    def deco(func: RuleFunc) -> RuleFunc:
        assert id not in RULES, id
        RULES[id] = Rule(id, name, severity, summary, why, fix, func, fixable, readme)
        return func

    return deco


def _f(
    rule: str,
    message: str,
    entry: Entry | None = None,
    field: str | None = None,
    fix: str | None = None,
    *,
    lib: Library | None = None,
    severity: Severity | None = None,
    line: int | None = None,
    path: str | None = None,
    key: str | None = None,
) -> Finding:
    sev = severity or RULES[rule].severity
    return Finding(
        rule=rule,
        severity=sev,
        message=message,
        key=entry.key if entry is not None else key,
        field=field,
        fix=fix,
        line=line if line is not None else (entry.line or None if entry is not None else None),
        path=path if path is not None else (lib.path or None if lib is not None else None),
    )
