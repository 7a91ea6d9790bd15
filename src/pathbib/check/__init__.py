"""`pathbib check`: lint rules over a library (and the list README) that return findings (pure).

Every rule is a small function `(library, context) -> list[Finding]` registered under a
stable id (PB1xx duplicates and links, PB2xx scope, PB3xx contradictions and dates, PB4xx
identifiers and required fields, PB5xx keys and encoding, PB6xx the list's own survey,
PB7xx README). The same registry feeds `pathbib check --explain` and docs/check.md.

Nothing here touches the disk, the network or the clock: the current date, an optional
record lookup (a local CSL-JSON file, the enrichment cache) and the README text are passed
in through `CheckContext`. Duplicate detection is blocked (identifier and title-token keys),
never an all-pairs fuzzy comparison, so 10,000 entries take well under a second or two.

Layout: `registry` (Rule, RULES, CheckContext) and `fields`/`index` (shared helpers) at the
bottom; one module per rule family (`pb1_duplicates` ... `pb7_readme`, imported here in id
order, which is the order of `RULES` and of docs/check.md); `runner`, `fixes` and `docs` on top.
"""

from __future__ import annotations

# the rule families register themselves on import, in id order
from . import pb1_duplicates, pb2_scope, pb3_dates, pb4_identifiers, pb5_keys, pb6_survey, pb7_readme  # noqa: F401
from .docs import DOC_END, DOC_START, explain, rules_markdown, update_docs
from .fields import SHORTENERS, entry_year, field_arxiv, field_doi, identifiers, is_preprint, strip_tracking
from .fixes import apply_fixes, fixes_for, plan_fixes
from .pb2_scope import ScopeMatcher, scope_evidence
from .pb4_identifiers import REQUIRED
from .pb6_survey import survey_entries
from .readme import Readme, ReadmeItem, github_slug, parse_readme, read_readme
from .registry import RULES, CheckContext, Lookup, RecordLike, Rule, RuleFunc
from .runner import CheckResult, Suppressed, parse_check_ignore, run_check, select_rules, to_json

__all__ = [
    "Rule",
    "RULES",
    "RuleFunc",
    "CheckContext",
    "CheckResult",
    "Suppressed",
    "run_check",
    "select_rules",
    "parse_check_ignore",
    "to_json",
    "plan_fixes",
    "apply_fixes",
    "fixes_for",
    "explain",
    "rules_markdown",
    "update_docs",
    "DOC_START",
    "DOC_END",
    "ScopeMatcher",
    "scope_evidence",
    "parse_readme",
    "read_readme",
    "Readme",
    "ReadmeItem",
    "github_slug",
    "RecordLike",
    "Lookup",
    "REQUIRED",
    "SHORTENERS",
    "entry_year",
    "field_arxiv",
    "field_doi",
    "identifiers",
    "is_preprint",
    "strip_tracking",
    "survey_entries",
]
