"""`pathbib check` PB7xx (README rules): a consistent and a broken synthetic README, GitHub slugs, and the
seed's README defects (moved from tests/test_check.py)."""

from __future__ import annotations

import re

from conftest import shared_path
from pathbib.check import (
    github_slug,
    read_readme,
)
from support.checkkit import SEED_README, run

# --------------------------------------------------------------------------- PB7xx README (synthetic)

README_OK = """# My list

- [Section A](#section-a)
- [Other applications](#other-applications)

We considered a sum of `3` research papers spanning from 2021 to 2024.

(Each section is ordered by the publication dates)

## Section A

1. **First paper on pathology**
   - Journal: Nature, 2021
   - [PDF](https://example.org/1)

2. **Second paper on tissue**
   - Conference: CVPR, 2023
   - [PDF](https://example.org/2)

### Other Applications:

3. **Third paper on WSI**
   - Publication Date: 5th Jul. 2024
   - [PDF](https://example.org/3)
"""


def test_readme_rules_negative_on_a_consistent_readme() -> None:
    r = run([], "PB7", readme=README_OK)
    assert r.findings == ()
    assert read_readme(README_OK).parser == "pathbib.importers.markdown"


def test_readme_rules_positive_on_a_broken_readme() -> None:
    bad = (
        README_OK.replace("#section-a", "#section-b")
        .replace("`3`", "`81`")
        .replace("2021 to 2024", "2022 to 2024")
        .replace("3. **Third", "5. **Third")
        .replace("Nature, 2021", "Nature, 2025")
        + "\n5. **First paper on pathology**\n   - Journal: Nature, 2021\n"
    )
    r = run([], "PB7", readme=bad)
    rules = sorted({f.rule for f in r.findings})
    assert rules == ["PB701", "PB702", "PB703", "PB704", "PB705", "PB706", "PB707"]
    assert all(f.path == "README.md" and f.line for f in r.findings)


def test_github_slug() -> None:
    assert github_slug("Pathological Classification:") == "pathological-classification"
    assert github_slug("Large-scale Pre-trained Models") == "large-scale-pre-trained-models"
    assert github_slug("C++ & Rust!") == "c--rust"


def test_seed_readme_defects_reported(seed) -> None:
    lib, _ = seed
    text = shared_path(SEED_README).read_text(encoding="utf-8")
    r = run(lib, "PB7", readme=text)
    msgs = [(f.rule, f.message) for f in r.findings]
    # the repeated PathDino item (nos. 6 and 15)
    assert any(rule == "PB707" and "no. 15" in m and "no. 6" in m for rule, m in msgs)
    # broken numbering: 17 three times, gaps 33-45 and 49-51
    assert any(rule == "PB702" and "number 17 is used 3 times" in m for rule, m in msgs)
    assert any(rule == "PB701" and "missing 33-45" in m for rule, m in msgs)
    assert any(rule == "PB701" and "missing 49-51" in m for rule, m in msgs)
    # the false count and span
    # 43 numbered items, no. 15 repeats no. 6 (seed-metadata.md): 42 distinct papers, the one count
    assert (
        "PB703",
        "states 81 papers but the list has 42 (distinct papers, a repeated item counted once)",
    ) in msgs
    assert any(rule == "PB704" and "states 2022-2025 but the items span 2021-2025" in m for rule, m in msgs)
    # unordered sections
    unordered = {re.search(r"section '([^']+)'", m).group(1) for rule, m in msgs if rule == "PB705"}
    assert {"Large Vision Models", "Contrastive Multi-modal Models"} <= unordered
    # the TOC resolves (only letter-case differences, at info level)
    assert all(f.severity == "info" for f in r.findings if f.rule == "PB706")
