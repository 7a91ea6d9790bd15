"""Write a new pathbib.toml from what the list's front matter says (pure; a tiny TOML writer).

Only the shapes pathbib.toml needs are written: strings, arrays of strings, and the
`[[list.sections]]` / `[[list.sections.subsections]]` arrays of tables. The output is read
back by `config.parse_settings` in the tests.
"""

from __future__ import annotations

from ..config import ListSettings, Subsection

__all__ = ["toml_string", "settings_toml"]


def toml_string(s: str) -> str:
    """Quote `s` as a TOML basic string (one line; newlines and controls escaped)."""
    out = ['"']
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _array(values: tuple[str, ...]) -> str:
    if not values:
        return "[]"
    return "[\n" + "".join(f"  {toml_string(v)},\n" for v in values) + "]"


def settings_toml(ls: ListSettings, *, survey: str = "", library: str = "library.bib") -> str:
    """Return the text of a pathbib.toml holding the list's front matter and sections."""
    lines = [
        "# pathbib settings; written by `pathbib import` from the list's front matter.",
        f"library = {toml_string(library)}",
    ]
    if survey:
        lines.append(f"survey = {toml_string(survey)}")
    lines += ["", "[list]", f"title = {toml_string(ls.title)}", f"badges = {_array(ls.badges)}"]
    for name in ("intro", "review_line", "review_suffix", "introduction", "order_note"):
        value = getattr(ls, name)
        if value:
            lines.append(f"{name} = {toml_string(value)}")
    for s in ls.sections:
        lines += ["", "[[list.sections]]", f"title = {toml_string(s.title)}", f"id = {toml_string(s.id)}"]
        if s.description:
            lines.append(f"description = {toml_string(s.description)}")
        _subsections(lines, s.subsections, "list.sections.subsections")
    return "\n".join(lines) + "\n"


def _subsections(lines: list[str], subs: tuple[Subsection, ...], table: str) -> None:
    """`[[list.sections.subsections]]` tables, nested (`...subsections.subsections`) as deep as the tree."""
    for sub in subs:
        lines += ["", f"[[{table}]]", f"title = {toml_string(sub.title)}", f"id = {toml_string(sub.id)}"]
        if sub.description:
            lines.append(f"description = {toml_string(sub.description)}")
        _subsections(lines, sub.subsections, table + ".subsections")
