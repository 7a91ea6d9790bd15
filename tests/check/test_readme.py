"""The README rules read the README with the importer's CommonMark reader (no second parser)."""

from __future__ import annotations

from pathbib.check import CheckContext, read_readme, run_check
from pathbib.importers.outline import outline
from pathbib.model import Library

LIST = """# A list

- [Setext section](#setext-section)
- [Fenced](#not-a-heading)

We collect `2` papers from 2021 to 2022.

Setext section
--------------

```
# not-a-heading
[fake](#nowhere)
```

1. **First paper**
   - Journal: Nature, 2021

2. **Second paper**
   - Journal: Cell, 2022

## Changelog

- Added 5 papers from 2019 to 2020.
"""


def _findings(text: str, rule: str) -> list[str]:
    r = run_check(Library(()), CheckContext(readme=text), select=[rule])
    return [f.message for f in r.findings]


def test_setext_headings_are_anchors_and_fenced_text_is_not() -> None:
    o = outline(LIST)
    assert (2, "Setext section", 8) in o.headings
    assert all("not-a-heading" not in h for _, h, _ in o.headings)
    assert ("#nowhere", 13) not in o.links and ("#not-a-heading", 4) in o.links
    assert _findings(LIST, "PB706") == ["anchor #not-a-heading matches no heading"]


def test_claims_are_read_from_prose_not_from_list_items() -> None:
    o = outline(LIST)
    assert (6, "We collect `2` papers from 2021 to 2022.") in o.prose
    assert all("Added 5 papers" not in line for _, line in o.prose)
    assert _findings(LIST, "PB703") == [] and _findings(LIST, "PB704") == []
    wrong = LIST.replace("`2` papers", "`3` papers")
    assert _findings(wrong, "PB703") == [
        "states 3 papers but the list has 2 (distinct papers, a repeated item counted once)"
    ]


def test_a_readme_without_paper_items_says_so() -> None:
    rd = read_readme("# Title\n\nJust text, 12 papers.\n")
    assert rd.items == ()
    assert rd.parser.startswith("pathbib.importers.markdown (no items: ")
    assert read_readme(LIST).parser == "pathbib.importers.markdown" and len(read_readme(LIST).items) == 2
