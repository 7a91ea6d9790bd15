"""pathbib.toml → a frozen `Settings` object, read once by the CLI and passed down (pure parse).

Every table is optional; defaults describe a plain library with no list metadata. Unknown
keys are an error (with the key's name), so a typo never silently does nothing.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import ConfigError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

CONFIG_NAME = "pathbib.toml"
_T = TypeVar("_T", bound="DataclassInstance")


@dataclass(frozen=True)
class Subsection:
    title: str
    id: str  # stable id stored in entries' `list-section` field
    description: str = ""
    subsections: tuple[Subsection, ...] = ()  # nested as deep as the list nests its headings


@dataclass(frozen=True)
class Section:
    title: str
    id: str
    description: str = ""
    subsections: tuple[Subsection, ...] = ()


@dataclass(frozen=True)
class ListSettings:
    """What the awesome-list Markdown says around the papers."""

    title: str = ""
    badges: tuple[str, ...] = ()  # Markdown lines, verbatim
    intro: str = ""  # Markdown shown under the badges
    review_line: str = ""  # text before the survey link, e.g. "Our review paper:"
    review_suffix: str = ""  # Markdown right after the survey link, verbatim, e.g. " :heart:"
    introduction: str = ""  # the "Introduction" section's Markdown
    order_note: str = "(Each section is ordered by the publication dates)"
    sections: tuple[Section, ...] = ()
    template: str = ""  # path of a Jinja2 template overriding the shipped one
    protect_words: tuple[str, ...] = ()  # title words brace-protected in the LaTeX export (besides acronyms)
    # Markdown line under a (sub)section that lists no paper; "" prints nothing
    empty_section: str = "_No papers in this section yet — contributions welcome._"


@dataclass(frozen=True)
class ScopeSettings:
    """Vocabulary for the off-topic rule: an included entry must mention one of `terms`."""

    terms: tuple[str, ...] = ()
    fields: tuple[str, ...] = ("title", "abstract", "journal", "booktitle", "keywords", "list-highlight")


@dataclass(frozen=True)
class CheckSettings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # [[check.suppress]] rule = "PB123", key = "smith2020", reason = "..."
    suppress: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class EnrichSettings:
    mailto: str = ""  # contact address for Crossref's polite pool; PATHBIB_MAILTO overrides
    crossref_url: str = "https://api.crossref.org"
    arxiv_url: str = "https://export.arxiv.org/api/query"
    cache: str = ".pathbib/cache.sqlite"
    cache_days: int = 30
    timeout: float = 20.0
    crossref_interval: float = 1.0  # seconds between Crossref requests
    arxiv_interval: float = 3.0  # arXiv asks for one request every 3 s
    retries: int = 4
    locked: tuple[str, ...] = ()  # citation keys never changed by enrich
    backoff: float = 1.0  # first retry delay in seconds (doubles, with jitter)
    search_rows: int = 5  # rows asked for in a bibliographic search
    breaker_threshold: int = 3  # consecutive failed calls before a source is left alone


@dataclass(frozen=True)
class SiteSettings:
    """The web page and the timeline picture written by `pathbib build` (docs/build.md)."""

    title: str = ""  # the page's title; "" uses list.title
    base_url: str = ""  # http(s) URL where exports/ is published; "" keeps every link relative
    links: tuple[str, ...] = ("library.bib", "library.json")  # export files the page offers to download
    page: bool = True  # write exports/site/index.html
    timeline: bool = True  # write exports/timeline.svg and show it in the README and the page


@dataclass(frozen=True)
class Settings:
    root: Path = Path(".")
    library: Path = Path("library.bib")
    exports: Path = Path("exports")
    survey: str = ""  # citation key of the list's own survey entry
    list: ListSettings = field(default_factory=ListSettings)
    scope: ScopeSettings = field(default_factory=ScopeSettings)
    check: CheckSettings = field(default_factory=CheckSettings)
    enrich: EnrichSettings = field(default_factory=EnrichSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    path: Path | None = None  # the pathbib.toml read, if any

    # --- every path pathbib uses is resolved here, against the folder of pathbib.toml (`root`)

    def resolve(self, path: str | Path) -> Path:
        """A path written in pathbib.toml: absolute as given, else relative to `root`."""
        p = Path(path)
        return p if p.is_absolute() else self.root / p

    @property
    def cache_path(self) -> Path:
        """The enrichment cache (`[enrich] cache`)."""
        return self.resolve(self.enrich.cache)

    @property
    def template_path(self) -> Path | None:
        """The curator's README template (`[list] template`), or None for the shipped one."""
        return self.resolve(self.list.template) if self.list.template else None

    @property
    def provenance_path(self) -> Path:
        """The provenance sidecar of the library: `library.bib` -> `library.provenance.json`."""
        return self.library.with_name(self.library.stem + ".provenance.json")

    @property
    def config_path(self) -> Path:
        """The pathbib.toml read, or where `pathbib import` writes a new one."""
        return self.path if self.path is not None else self.root / CONFIG_NAME


def _build(cls: type[_T], data: dict[str, Any], where: str) -> _T:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for k, v in data.items():
        name = k.replace("-", "_")
        if name not in known or name in ("root", "path"):
            raise ConfigError(
                f"unknown setting {where}{k!r}",
                f"remove it or check the spelling; known: {', '.join(sorted(n for n in known if n not in ('root', 'path')))}",
            )
        kwargs[name] = v
    return cls(**kwargs)


def _subsections(raw: list[Any], where: str) -> tuple[Subsection, ...]:
    out = []
    for x in raw:
        d = {k: v for k, v in dict(x).items() if k != "subsections"}
        sub = _build(Subsection, d, where)
        out.append(
            Subsection(
                sub.title,
                sub.id,
                sub.description,
                _subsections(x.get("subsections", []), where + "subsections."),
            )
        )
    return tuple(out)


def _sections(raw: list[Any]) -> tuple[Section, ...]:
    out = []
    for s in raw:
        subs = _subsections(s.get("subsections", []), "list.sections.subsections.")
        d = {k: v for k, v in s.items() if k != "subsections"}
        sec = _build(Section, d, "list.sections.")
        out.append(Section(sec.title, sec.id, sec.description, subs))
    return tuple(out)


def _tuples(d: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}


def parse_settings(text: str, root: Path, path: Path | None = None) -> Settings:
    """Parse the text of a pathbib.toml into `Settings` (pure)."""
    from .config_check import validate

    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ConfigError(f"contains a NUL character at line {line}", "remove it", path=str(path), line=line)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"is not valid TOML: {exc}", "fix the syntax of pathbib.toml", path=str(path)
        ) from None
    except RecursionError:
        raise ConfigError(
            "is nested too deeply to read", "flatten the arrays or tables of pathbib.toml", path=str(path)
        ) from None
    validate(data, Settings, text, path)
    top: dict[str, Any] = {}
    tables = {"list", "scope", "check", "enrich", "site"}
    for k, v in data.items():
        if k in tables:
            continue
        top[k] = v
    lst = dict(data.get("list", {}))
    sections = _sections(lst.pop("sections", []))
    try:
        list_settings = _build(ListSettings, _tuples(lst), "list.")
        list_settings = ListSettings(**{**list_settings.__dict__, "sections": sections})
        check = dict(data.get("check", {}))
        suppress = tuple(dict(x) for x in check.pop("suppress", []))
        check_settings = CheckSettings(
            **{**_build(CheckSettings, _tuples(check), "check.").__dict__, "suppress": suppress}
        )
        settings = _build(Settings, {}, "")
        base = _build(Settings, top, "")
    except TypeError as exc:  # wrong value type
        raise ConfigError(
            f"invalid value: {exc}", "check the types in pathbib.toml", path=str(path)
        ) from None
    del settings
    return Settings(
        root=root,
        library=root / Path(base.library),
        exports=root / Path(base.exports),
        survey=base.survey,
        list=list_settings,
        scope=_build(ScopeSettings, _tuples(dict(data.get("scope", {}))), "scope."),
        check=check_settings,
        enrich=_build(EnrichSettings, _tuples(dict(data.get("enrich", {}))), "enrich."),
        site=_build(SiteSettings, _tuples(dict(data.get("site", {}))), "site."),
        path=path,
    )


def find_config(start: Path) -> Path | None:
    """Return the pathbib.toml in `start` or its nearest parent, if any."""
    start = start.resolve()
    for d in (start, *start.parents):
        p = d / CONFIG_NAME
        if p.is_file():
            return p
    return None


def load_settings(config: Path | None = None, cwd: Path | None = None) -> Settings:
    """Read pathbib.toml (given, or found from `cwd` upwards); defaults when there is none."""
    cwd = cwd or Path.cwd()
    path = config or find_config(cwd)
    if path is None:
        return Settings(root=cwd, library=cwd / "library.bib", exports=cwd / "exports")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot be read: {exc}", "check the file", path=str(path)) from None
    return parse_settings(text, path.parent, path)


_SURVEY_LINE = r'^(\s*survey\s*=\s*)(["\'])'


def rename_survey_key(text: str, old: str, new: str, root: Path, path: Path | None = None) -> str | None:
    """The text of a pathbib.toml with its `survey = "old"` line naming `new` instead (pure).

    Only that one value changes (comments and layout are kept); None when the file does not
    say `survey = "old"` on one line, or when the result would not read back as `survey = new`
    (an unusual layout is left to the user).
    """
    pat = re.compile(_SURVEY_LINE + re.escape(old) + r"\2", re.M)
    out = pat.sub(lambda m: m.group(1) + m.group(2) + new + m.group(2), text, count=1)
    try:
        ok = out != text and parse_settings(out, root, path).survey == new
    except ConfigError:
        ok = False
    return out if ok else None
