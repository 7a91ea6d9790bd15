"""Rule documentation: `check --explain` and the generated section of docs/check.md."""

from __future__ import annotations

from .registry import RULES


def explain(rule_id: str) -> str:
    """The documentation of one rule as plain Markdown (KeyError when unknown)."""
    r = RULES[rule_id.upper()]
    how_suppress = (
        f'Only through `[check] ignore = ["{r.id}"]` or `--ignore {r.id}` (README findings have no entry).'
        if r.readme
        else f"For one entry: `check-ignore = {{{r.id}: reason}}` in library.bib, or in pathbib.toml\n"
        f'`[[check.suppress]]` with `rule = "{r.id}"`, `key = "..."`, `reason = "..."`. '
        f"Everywhere: `--ignore {r.id}` or `[check] ignore`."
    )
    return (
        f"### {r.id} {r.name}\n\n"
        f"Severity: {r.severity}{' · fixable with `--fix`' if r.fixable else ''}"
        f"{' · needs `--readme`' if r.readme else ''}\n\n"
        f"**What.** {r.summary}\n\n**Why.** {r.why}\n\n**Fix.** {r.fix}\n\n**Suppress.** {how_suppress}\n"
    )


_GROUPS = (
    ("PB1", "Duplicates and links"),
    ("PB2", "Scope"),
    ("PB3", "Contradictions and dates"),
    ("PB4", "Identifiers and required fields"),
    ("PB5", "Keys and encoding"),
    ("PB6", "The list's own survey"),
    ("PB7", "README (with `--readme`)"),
)


def rules_markdown() -> str:
    """All rules as the Markdown section of docs/check.md."""
    parts = ["| id | name | severity | fixable |", "|---|---|---|---|"]
    parts += [f"| {r.id} | {r.name} | {r.severity} | {'yes' if r.fixable else ''} |" for r in RULES.values()]
    parts.append("")
    for prefix, title in _GROUPS:
        parts.append(f"## {prefix}xx — {title}\n")
        for r in RULES.values():
            if r.id.startswith(prefix):
                parts.append(explain(r.id))
    return "\n".join(parts).rstrip() + "\n"


DOC_START = "<!-- rules:start (generated from pathbib.check.RULES; do not edit by hand) -->"
DOC_END = "<!-- rules:end -->"


def update_docs(text: str) -> str:
    """`text` (docs/check.md) with the generated rules section replaced."""
    a, b = text.find(DOC_START), text.find(DOC_END)
    if a < 0 or b < a:
        return text.rstrip() + "\n\n" + DOC_START + "\n\n" + rules_markdown() + "\n" + DOC_END + "\n"
    return text[: a + len(DOC_START)] + "\n\n" + rules_markdown() + "\n" + text[b:]
