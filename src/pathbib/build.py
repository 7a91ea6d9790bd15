"""`pathbib build`: Library + Settings -> every export file's text (pure orchestration).

`build_exports` returns `{filename: text}` for the files of `exports/`; the CLI writes them
(atomically) or, with `--check`, compares them with what is on disk (`stale_files`).
Nothing here reads the clock, so the same library gives the same bytes on every machine.
"""

from __future__ import annotations

from collections.abc import Mapping

from .config import Settings
from .model import Library

__all__ = ["EXPORT_FILES", "build_exports", "stale_files"]

EXPORT_FILES = ("README.md", "library.json", "library.bib", "survey.bib", "CITATION.cff")


def build_exports(library: Library, settings: Settings, *, template: str | None = None) -> dict[str, str]:
    """Return the text of each export file; survey files only when the library has a survey.

    `template` is the text of the curator's README template (read by the caller), if any.
    """
    from .exporters.bibtex import DEFAULT_PROTECTED_WORDS, export_bibtex
    from .exporters.citation import apa_reference, citation_cff, survey_bib
    from .exporters.csl_json import CslOptions, export_csl_json
    from .exporters.markdown import render_readme, survey_entry

    out: dict[str, str] = {}
    # a `survey` key in pathbib.toml that names no entry is an error (raised by survey_bib)
    has_survey = bool(settings.survey) or survey_entry(library, settings) is not None
    bib_survey = survey_bib(library, settings) if has_survey else ""
    apa = apa_reference(library, settings) if has_survey else ""
    out["README.md"] = render_readme(
        library, settings, template=template, citation_bibtex=bib_survey, citation_apa=apa
    )
    out["library.json"] = export_csl_json(
        library, CslOptions(protect_words=DEFAULT_PROTECTED_WORDS + tuple(settings.list.protect_words))
    )
    out["library.bib"] = export_bibtex(library, protect_words=settings.list.protect_words)
    if has_survey:
        out["survey.bib"] = bib_survey
        out["CITATION.cff"] = citation_cff(library, settings)
    return out


def stale_files(expected: Mapping[str, str], actual: Mapping[str, str | None]) -> list[str]:
    """Return the names whose on-disk text (`actual`, None = missing) differs from `expected`."""
    return sorted(name for name, text in expected.items() if actual.get(name) != text)
