"""Typed validation of pathbib.toml, before any value is used (pure, except `check_paths_inside`).

`validate(data, text, path)` walks the parsed TOML against the `Settings` dataclasses: every
key must have the type its field declares (`str`, `int`, `float`, `bool`, `tuple[str, ...]`
for a list of strings, a nested dataclass for a table, `tuple[Dataclass, ...]` for an array of
tables), lie in its range and be one of its allowed values. A string is never accepted where
a list is expected (`locked = "key"` would otherwise lock the keys `k`, `e` and `y`). The first
problem raises `ConfigError("key X must be ...")` with the line of the key in `text`, so the
CLI prints `error: pathbib.toml:LINE: key X must be ...` and exits 2.

New tables and keys added to the dataclasses are validated without changes here; ranges
and allowed values are listed in `CONSTRAINTS`.

`check_paths_inside(settings)` refuses a library, exports folder, template or cache that
resolves outside the folder of pathbib.toml (absolute, `..`, or through a symlink), unless the
user passed `--allow-outside-paths`: a pull request that edits pathbib.toml must not make CI
read or write files elsewhere.
"""

from __future__ import annotations

import dataclasses
import os
import re
import types
import typing
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["validate", "key_line", "check_paths_inside", "CONSTRAINTS"]

#: (minimum, maximum) for numbers, or a regex a string must match, by dotted key
CONSTRAINTS: dict[str, tuple[float, float] | str] = {
    "enrich.cache_days": (0, 36500),
    "enrich.timeout": (0.1, 3600),
    "enrich.crossref_interval": (0, 3600),
    "enrich.arxiv_interval": (0, 3600),
    "enrich.retries": (0, 100),
    "enrich.backoff": (0, 3600),
    "enrich.search_rows": (1, 1000),
    "enrich.breaker_threshold": (1, 100000),
    "enrich.mailto": r"(?:[!-?A-~]+@[!-?A-~]+)?",  # printable ASCII, one @ (or empty)
    "enrich.crossref_url": r"https?://\S+",
    "enrich.arxiv_url": r"https?://\S+",
    "site.base_url": r"(?:https?://\S+)?",
    "list.sections.id": r"[^\s].*",
    "list.sections.subsections.id": r"[^\s].*",
}
_DESCRIBE = {
    "enrich.mailto": "an e-mail address in ASCII (or empty)",
    "enrich.crossref_url": "an http(s) URL",
    "enrich.arxiv_url": "an http(s) URL",
    "site.base_url": "an http(s) URL (or empty)",
}


def key_line(text: str, dotted: str) -> int | None:
    """The line of `dotted` (e.g. `enrich.timeout`) in the TOML `text`, else of its table, else None."""
    *table, key = dotted.split(".")
    want_table = ".".join(table)
    current = ""
    table_line = None
    names = {key, key.replace("_", "-")}
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        m = re.match(r"\[\[?\s*([^\]]+?)\s*\]\]?", s)
        if m:
            current = re.sub(r"\s*\.\s*", ".", m.group(1)).replace('"', "")
            if current == want_table and table_line is None:
                table_line = n
            continue
        km = re.match(r"""["']?([A-Za-z0-9_\-]+)["']?\s*=""", s)
        if km and current == want_table and km.group(1) in names:
            return n
        if km and not want_table and not current and km.group(1) in names:
            return n
    return table_line


def _name(tp: Any) -> str:
    if tp is str:
        return "a string"
    if tp is bool:
        return "true or false"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if tp is Path:
        return "a path (string)"
    origin = typing.get_origin(tp)
    if origin is tuple:
        inner = typing.get_args(tp)[0]
        if dataclasses.is_dataclass(inner):
            return "an array of tables"
        if typing.get_origin(inner) is dict:
            return "an array of tables of strings"
        return f"a list of {_name(inner).replace('a ', '', 1).replace('an ', '', 1)}s"
    if dataclasses.is_dataclass(tp):
        return "a table"
    return str(tp)


def _type_ok(value: Any, tp: Any) -> bool:
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
    if tp in (str, Path):
        return isinstance(value, str)
    if typing.get_origin(tp) is tuple:
        return isinstance(value, list)
    if dataclasses.is_dataclass(tp):
        return isinstance(value, dict)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return any(_type_ok(value, a) for a in typing.get_args(tp) if a is not type(None))
    return True


class _Walker:
    def __init__(self, text: str, path: Path | None) -> None:
        self.text = text
        self.path = str(path) if path is not None else None

    def fail(self, dotted: str, message: str, value: Any = None, show: bool = True) -> ConfigError:
        got = ""
        if show:
            r = repr(value)
            got = f" (got {r[:60] + '...' if len(r) > 60 else r})"
        return ConfigError(
            f"key {dotted} must be {message}{got}",
            'fix the value in pathbib.toml (see README, "pathbib.toml")',
            path=self.path,
            line=key_line(self.text, dotted),
        )

    def table(self, cls: Any, data: Any, where: str) -> None:
        hints = typing.get_type_hints(cls)
        known = {f.name: f for f in dataclasses.fields(cls) if f.name not in ("root", "path")}
        required = [
            n
            for n, f in known.items()
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ]
        for n in required:
            if n not in {k.replace("-", "_") for k in data}:
                raise self.fail(f"{where}{n}" if where else n, "set (it has no default)", show=False)
        for k, v in data.items():
            name = k.replace("-", "_")
            dotted = f"{where}{name}"
            if name not in known:
                raise ConfigError(
                    f"unknown setting {where}{k!r}",
                    "remove it or check the spelling; known: " + ", ".join(sorted(known)),
                    path=self.path,
                    line=key_line(self.text, dotted),
                )
            self.value(hints[name], v, dotted)

    def value(self, tp: Any, v: Any, dotted: str) -> None:
        if not _type_ok(v, tp):
            raise self.fail(dotted, _name(tp), v)
        if dataclasses.is_dataclass(tp):
            self.table(tp, v, dotted + ".")
            return
        if typing.get_origin(tp) is tuple:
            inner = typing.get_args(tp)[0]
            for i, item in enumerate(v):
                if dataclasses.is_dataclass(inner):
                    if not isinstance(item, dict):
                        raise self.fail(dotted, "an array of tables", v)
                    self.table(inner, item, dotted + ".")
                elif typing.get_origin(inner) is dict:
                    if not isinstance(item, dict) or not all(isinstance(x, str) for x in item.values()):
                        raise self.fail(dotted, "an array of tables whose values are strings", v)
                elif not _type_ok(item, inner):
                    raise self.fail(f"{dotted}", _name(tp) + f" (item {i + 1} is not)", item)
            return
        self.constraint(dotted, v)

    def constraint(self, dotted: str, v: Any) -> None:
        rule = CONSTRAINTS.get(dotted)
        if rule is None:
            return
        if isinstance(rule, tuple):
            lo, hi = rule
            if not lo <= v <= hi:
                raise self.fail(dotted, f"between {lo:g} and {hi:g}", v)
        elif not re.fullmatch(rule, v):
            raise self.fail(dotted, _DESCRIBE.get(dotted, f"text matching {rule}"), v)


def validate(data: dict[str, Any], schema: Any, text: str, path: Path | None = None) -> None:
    """Raise `ConfigError` (with the key's line) for the first key of `data` that does not fit the
    dataclass `schema` (`config.Settings`): wrong type, range or value."""
    _Walker(text, path).table(schema, data, "")


def check_paths_inside(settings: Any) -> None:
    """Refuse library, exports, template and cache paths that resolve outside the folder of pathbib.toml."""
    if settings.path is None:
        return
    root = Path(os.path.realpath(settings.root))
    candidates = [
        ("library", settings.library),
        ("exports", settings.exports),
        ("enrich.cache", settings.cache_path),
    ]
    if settings.template_path is not None:
        candidates.append(("list.template", settings.template_path))
    for key, p in candidates:
        real = Path(os.path.realpath(p))
        if real != root and root not in real.parents:
            try:
                text = Path(settings.path).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                text = ""
            raise ConfigError(
                f"key {key} points outside the folder of pathbib.toml ({p} -> {real})",
                "use a path inside the project, or pass --allow-outside-paths if you trust this pathbib.toml",
                path=str(settings.path),
                line=key_line(text, key),
            )
