"""`pathbib build` and `pathbib export`: the exporter registry and Library + Settings -> export texts.

`EXPORTERS` names every export format once — `{name: Exporter(filename, aliases, render)}` —
and is used by both commands: `build_exports` renders the ones that have a file in `exports/`
(survey files only when the library has a survey) and `export` renders only the one asked for.
Rendering is pure; `read_template`, `read_exports` and `write_exports` are the file edge the
CLI calls. Nothing here reads the clock, so the same library gives the same bytes everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings
from .errors import ConfigError, UsageError
from .listfields import survey_entry
from .model import Library

if TYPE_CHECKING:
    from .exporters.csl_json import CslOptions

__all__ = [
    "EXPORT_FILES",
    "EXPORTERS",
    "Exporter",
    "RenderOptions",
    "csl_options",
    "find_exporter",
    "has_survey",
    "build_exports",
    "stale_files",
    "read_template",
    "read_exports",
    "write_exports",
]


@dataclass(frozen=True)
class RenderOptions:
    """What a render may take besides the library and settings."""

    template: str | None = None  # the text of the curator's README template (markdown only)
    ascii: bool = False  # bibtex / survey-bib: non-ASCII characters as LaTeX macros
    strict_csl: bool = False  # csl-json: plain CSL names and types instead of Zotero's form
    # the survey's BibTeX and APA text when already rendered (`build_exports` renders them once)
    survey_bibtex: str | None = None
    survey_apa: str | None = None


Render = Callable[[Library, Settings, RenderOptions], str]


@dataclass(frozen=True)
class Exporter:
    filename: str | None  # its file in exports/, or None when `build` does not write it
    aliases: tuple[str, ...]
    render: Render
    survey: bool = False  # about the list's survey: built only when the library has one
    # whether `build` writes it with these settings (e.g. `[site] page = false` turns the page off)
    enabled: Callable[[Settings], bool] = lambda settings: True


def has_survey(library: Library, settings: Settings) -> bool:
    """True when the list names a survey (a `survey` key in pathbib.toml that names no entry is
    an error, raised by the survey exports)."""
    return bool(settings.survey) or survey_entry(library, settings.survey) is not None


# the exporters are imported when used, so that `pathbib --help` does not load Jinja2 or citeproc


def _markdown(library: Library, settings: Settings, opts: RenderOptions) -> str:
    from .exporters.citation import apa_reference, survey_bib
    from .exporters.markdown import render_readme

    timeline = "timeline.svg" if settings.site.timeline else ""  # shown under the introduction
    if not has_survey(library, settings):
        return render_readme(
            library, settings, template=opts.template, citation_bibtex="", citation_apa="", timeline=timeline
        )
    bib = opts.survey_bibtex if opts.survey_bibtex is not None else survey_bib(library, settings)
    apa = opts.survey_apa if opts.survey_apa is not None else apa_reference(library, settings)
    return render_readme(
        library, settings, template=opts.template, citation_bibtex=bib, citation_apa=apa, timeline=timeline
    )


def _csl_json(library: Library, settings: Settings, opts: RenderOptions) -> str:
    from .exporters.csl_json import export_csl_json

    return export_csl_json(library, csl_options(settings, strict=opts.strict_csl))


def csl_options(settings: Settings, *, strict: bool = False) -> CslOptions:
    """The CSL-JSON options of this list: its protected words, plain CSL or Zotero's form."""
    from .exporters.bibtex import DEFAULT_PROTECTED_WORDS
    from .exporters.csl_json import CslOptions

    return CslOptions(
        strict=strict, protect_words=DEFAULT_PROTECTED_WORDS + tuple(settings.list.protect_words)
    )


def _bibtex(library: Library, settings: Settings, opts: RenderOptions) -> str:
    from .exporters.bibtex import export_bibtex

    return export_bibtex(library, ascii=opts.ascii, protect_words=settings.list.protect_words)


def _survey_bib(library: Library, settings: Settings, opts: RenderOptions) -> str:
    from .exporters.citation import survey_bib

    if opts.survey_bibtex is not None and not opts.ascii:
        return opts.survey_bibtex
    return survey_bib(library, settings, ascii=opts.ascii)


def _cff(library: Library, settings: Settings, opts: RenderOptions) -> str:
    from .exporters.citation import citation_cff

    return citation_cff(library, settings)


def _apa(library: Library, settings: Settings, opts: RenderOptions) -> str:
    from .exporters.citation import apa_reference

    return apa_reference(library, settings) + "\n"


def _timeline(library: Library, settings: Settings, opts: RenderOptions) -> str:
    from .exporters.timeline import export_timeline

    return export_timeline(library, settings)


def _site(library: Library, settings: Settings, opts: RenderOptions) -> str:
    from .exporters.site import export_site

    timeline = _timeline(library, settings, opts) if settings.site.timeline else ""
    survey = has_survey(library, settings)
    available = [
        x.filename
        for x in EXPORTERS.values()
        if x.filename is not None and x.enabled(settings) and (survey or not x.survey)
    ]
    return export_site(library, settings, timeline_svg=timeline, available=available)


#: every export format, in the order `build` writes the files
EXPORTERS: dict[str, Exporter] = {
    "markdown": Exporter("README.md", ("md", "readme"), _markdown),
    "csl-json": Exporter("library.json", ("json", "csl"), _csl_json),
    "bibtex": Exporter("library.bib", ("bib",), _bibtex),
    "survey-bib": Exporter("survey.bib", (), _survey_bib, survey=True),
    "cff": Exporter("CITATION.cff", (), _cff, survey=True),
    "apa": Exporter(None, (), _apa, survey=True),
    "timeline": Exporter("timeline.svg", ("svg",), _timeline, enabled=lambda s: s.site.timeline),
    "site": Exporter("site/index.html", ("html", "page"), _site, enabled=lambda s: s.site.page),
}

EXPORT_FILES = tuple(x.filename for x in EXPORTERS.values() if x.filename is not None)


def find_exporter(name: str) -> tuple[str, Exporter]:
    """(canonical name, exporter) for a format name or alias, any case; `UsageError` when unknown."""
    want = name.strip().lower()
    for canonical, exp in EXPORTERS.items():
        if want == canonical or want in exp.aliases:
            return canonical, exp
    raise UsageError(f"unknown export format {name!r}", f"use one of: {', '.join(EXPORTERS)}")


def build_exports(library: Library, settings: Settings, *, template: str | None = None) -> dict[str, str]:
    """Return the text of each export file; survey files only when the library has a survey.

    `template` is the text of the curator's README template (read by the caller), if any.
    """
    from .exporters.citation import apa_reference, survey_bib

    opts = RenderOptions(template=template)
    survey = has_survey(library, settings)
    if survey:  # README.md and survey.bib both show the survey's BibTeX: render it once
        opts = replace(
            opts, survey_bibtex=survey_bib(library, settings), survey_apa=apa_reference(library, settings)
        )
    return {
        x.filename: x.render(library, settings, opts)
        for x in EXPORTERS.values()
        if x.filename is not None and (survey or not x.survey) and x.enabled(settings)
    }


def stale_files(expected: Mapping[str, str], actual: Mapping[str, str | None]) -> list[str]:
    """Return the names whose on-disk text (`actual`, None = missing) differs from `expected`."""
    return sorted(name for name, text in expected.items() if actual.get(name) != text)


# --------------------------------------------------------------------------- the file edge


def read_template(settings: Settings) -> str | None:
    """The text of the curator's README template (`[list] template`), or None for the shipped one."""
    path = settings.template_path
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"the README template {path} cannot be read: {exc}",
            "fix `list.template` in pathbib.toml or remove it to use the shipped template",
        ) from None


def read_exports(out_dir: Path, names: Iterable[str]) -> dict[str, str | None]:
    """The current text of each named file of `out_dir` (None when missing or unreadable)."""
    actual: dict[str, str | None] = {}
    for name in names:
        p = out_dir / name
        try:
            actual[name] = p.read_text(encoding="utf-8") if p.is_file() else None
        except (OSError, UnicodeDecodeError):
            actual[name] = None
    return actual


def write_exports(out_dir: Path, files: Mapping[str, str]) -> int:
    """Write the files that differ from what is on disk, as one set (`export_io`); return how many."""
    from .export_io import write_exports as write_set

    return write_set(out_dir, files)
