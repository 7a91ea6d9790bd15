"""Property tests: generated BibTeX round-trips byte for byte, and fmt is idempotent and value-preserving.

The generator writes BibTeX *text* (with random layout) together with the values it put in,
so the parse is checked against the generator's own record, not against pathbib's output.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathbib.bibio import parse, render
from pathbib.fmt import format_text
from pathbib.model import Comment, Entry, FailedBlock, Preamble, StringDef

# text characters: any Unicode (incl. @ % # " \ and newlines) except braces and surrogates
TEXT = st.text(st.characters(blacklist_characters="{}\x00", blacklist_categories=("Cs",)), max_size=12)
QTEXT = st.text(st.characters(blacklist_characters='{}"\x00', blacklist_categories=("Cs",)), max_size=12)
WS = st.sampled_from(["", " ", "  ", "\t", "\n", "\n  ", " \n\t"])
WS1 = st.sampled_from([" ", "\n", "\t", "  ", "\n    "])  # at least one blank


def _balanced(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text with nested, balanced braces."""
    return st.recursive(
        text,
        lambda inner: st.lists(st.one_of(text, inner.map(lambda s: "{" + s + "}")), max_size=4).map("".join),
        max_leaves=8,
    )


BRACED = _balanced(TEXT)
# inside quotes, braces nest and may contain quotes; a quote at depth 0 would end the value
QUOTED = st.lists(st.one_of(QTEXT, BRACED.map(lambda s: "{" + s + "}")), max_size=4).map("".join)
SPECIAL = st.sampled_from(
    ["@ {CREPE:} Models", "{{GaN}}@ {{SiO2}}", "a % not a comment", "x # y", "\\@ifundefined{url}"]
)
MACRO = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(lambda s: not s.isdigit())
NUMBER = st.from_regex(r"[0-9]{1,5}", fullmatch=True)
KEY = st.from_regex(r"[A-Za-z][A-Za-z0-9:_\-./+]{0,12}", fullmatch=True)
FNAME = st.one_of(
    st.sampled_from(["author", "title", "year", "journal", "doi", "url", "note", "pages", "list-section"]),
    st.from_regex(r"[a-z][a-z0-9_\-]{0,8}", fullmatch=True),
)
ETYPE = st.sampled_from(["article", "InProceedings", "misc", "BOOK", "online", "x-custom"])


@st.composite
def part(draw: st.DrawFn) -> tuple[str, str, str]:
    """One value part: (source text, value, delim)."""
    kind = draw(st.sampled_from(["brace", "brace", "quote", "number", "macro", "special"]))
    if kind == "brace":
        v = draw(BRACED)
        return "{" + v + "}", v, "{"
    if kind == "special":
        v = draw(SPECIAL)
        return "{" + v + "}", v, "{"
    if kind == "quote":
        v = draw(QUOTED)
        return '"' + v + '"', v, '"'
    v = draw(NUMBER if kind == "number" else MACRO)
    return v, v, ""


@st.composite
def value(draw: st.DrawFn) -> tuple[str, str, str]:
    """A field value, possibly a `#` concatenation: (source text, parsed value, delim)."""
    parts = draw(st.lists(part(), min_size=1, max_size=3))
    if len(parts) == 1:
        return parts[0]
    src = ""
    for i, (s, _v, _d) in enumerate(parts):
        if i:
            src += draw(WS) + "#" + draw(WS)
        src += s
    return src, src, ""  # a concatenation is stored verbatim, delim ""


@dataclass
class Gen:
    text: str
    entries: list[tuple[str, str, list[tuple[str, str, str]]]]  # (type, key, [(name, value, delim)])
    n_strings: int
    n_preambles: int


@st.composite
def entry(draw: st.DrawFn, key: str) -> tuple[str, tuple[str, str, list[tuple[str, str, str]]]]:
    etype = draw(ETYPE)
    paren = draw(st.booleans()) and False  # see below: parentheses exercised separately
    names = draw(st.lists(FNAME, max_size=5, unique=True))
    fields = [(n, *draw(value())) for n in names]
    src = "@" + etype + draw(st.sampled_from(["", " ", "\n"])) + ("(" if paren else "{") + draw(WS) + key
    for name, vsrc, _v, _d in fields:
        src += draw(WS) + "," + draw(WS)
        if draw(st.integers(0, 9)) == 0:
            src += "% a comment between fields\n" + draw(WS)
        src += draw(st.sampled_from([name, name.upper(), name.title()])) + draw(WS) + "=" + draw(WS) + vsrc
    if draw(st.booleans()):
        src += draw(WS) + ","
    src += draw(WS) + ("}" if not paren else ")")
    return src, (etype.lower(), key, [(n, v, d) for n, _s, v, d in fields])


FREE_LINE = st.text(
    st.characters(blacklist_characters="@\x00\r\n", blacklist_categories=("Cs",)), max_size=30
)


@st.composite
def library(draw: st.DrawFn) -> Gen:
    keys = draw(st.lists(KEY, max_size=6, unique_by=str.lower))
    blocks: list[str] = []
    entries = []
    n_strings = n_preambles = 0
    kinds = draw(st.lists(st.sampled_from(["string", "preamble", "comment", "free"]), max_size=4))
    items: list[object] = list(keys) + kinds
    items = draw(st.permutations(items))
    for it in items:
        if it in ("string", "preamble", "comment", "free") and it not in keys:
            if it == "string":
                src, _v, _d = draw(value())
                blocks.append(
                    "@string"
                    + draw(WS)
                    + "{"
                    + draw(MACRO)
                    + draw(WS)
                    + "="
                    + draw(WS)
                    + src
                    + draw(WS)
                    + "}"
                )
                n_strings += 1
            elif it == "preamble":
                blocks.append('@preamble{"' + draw(QUOTED) + '"}')
                n_preambles += 1
            elif it == "comment":
                blocks.append("@comment{" + draw(BRACED) + "}")
            else:  # free text between blocks: whole lines, possibly %-comments
                lines = draw(st.lists(FREE_LINE, min_size=1, max_size=3))
                blocks.append("".join(("% " if draw(st.booleans()) else "") + ln + "\n" for ln in lines))
            continue
        src, rec = draw(entry(str(it)))
        blocks.append(src)
        entries.append(rec)
    text = draw(st.sampled_from(["", "\n", "% header\n\n"]))
    for b in blocks:
        sep = draw(st.sampled_from(["\n", "\n\n", " ", "\n\n\n"]))
        if text and not text.endswith("\n"):
            text += sep
        text += b
    text += draw(st.sampled_from(["", "\n", "\n\n"]))
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return Gen(text, entries, n_strings, n_preambles)


def _values(lib: object) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    return [(e.entry_type, e.key, [(f.name, f.value, f.delim) for f in e.fields]) for e in lib.entries]  # type: ignore[attr-defined]


def _normalised(recs: list[tuple[str, str, list[tuple[str, str, str]]]]) -> list[object]:
    """The documented fmt normalisations: "..." -> {...}; bare numbers -> {n}."""
    out: list[object] = []
    for t, k, fields in recs:
        out.append(
            (t, k, sorted((n, v, "{" if d == '"' or (d == "" and v.isdigit()) else d) for n, v, d in fields))
        )
    return out


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(library())
def test_parse_then_render_is_the_identity(g: Gen) -> None:
    lib = parse(g.text)
    assert render(lib) == g.text
    assert not lib.failed, [(b.line, b.reason) for b in lib.failed]
    expected = g.entries
    if "\r\n" in g.text:
        expected = [
            (t, k, [(n, v.replace("\n", "\r\n").replace("\r\r\n", "\r\n"), d) for n, v, d in f])
            for t, k, f in expected
        ]
    got = _values(lib)
    # values as the generator wrote them (CRLF files: newlines inside values are CRLF too)
    assert [(t, k) for t, k, _ in got] == [(t, k) for t, k, _ in g.entries]
    if "\r\n" not in g.text:
        assert got == expected
    assert sum(isinstance(b, StringDef) for b in lib.blocks) == g.n_strings
    assert sum(isinstance(b, Preamble) for b in lib.blocks) == g.n_preambles
    assert "".join(b.raw or "" for b in lib.blocks) == g.text  # every block keeps its source text


@SETTINGS
@given(library())
def test_fmt_is_idempotent_and_changes_layout_only(g: Gen) -> None:
    lib = parse(g.text)
    once = format_text(lib).text
    lib1 = parse(once)
    twice = format_text(lib1)
    assert twice.text == once
    assert not twice.changed and twice.changed_keys == ()
    assert not lib1.failed
    assert _normalised(_values(lib1)) == _normalised(_values(lib))
    # field order aside, the order of entries and the non-entry blocks are kept
    kinds = [
        type(b).__name__ for b in lib.blocks if not isinstance(b, Comment) or (b.raw or "").startswith("@")
    ]
    kinds1 = [
        type(b).__name__ for b in lib1.blocks if not isinstance(b, Comment) or (b.raw or "").startswith("@")
    ]
    assert kinds1 == kinds
    assert once.endswith(lib.newline) or not once
    # exactly one blank line between blocks, at most one inside free text
    for i, b in enumerate(lib1.blocks):
        if isinstance(b, Comment) and not (b.raw or "").strip():
            assert b.raw == (lib.newline if i == len(lib1.blocks) - 1 else lib.newline * 2)
        elif isinstance(b, Comment) and not (b.raw or "").startswith("@"):
            assert lib.newline * 3 not in (b.raw or "").replace(" ", "").replace("\t", "")


@SETTINGS
@given(
    st.lists(
        st.tuples(KEY, st.lists(st.tuples(FNAME, value()), max_size=4)),
        max_size=4,
        unique_by=lambda t: t[0].lower(),
    )
)
def test_parenthesised_entries(items: list[tuple[str, list[tuple[str, tuple[str, str, str]]]]]) -> None:
    text = ""
    for key, fields in items:
        seen: set[str] = set()
        body = ",\n  ".join(f"{n} = {v[0]}" for n, v in fields if not (n in seen or seen.add(n)))  # type: ignore[func-returns-value]
        text += f"@misc({key}" + (",\n  " + body if body else "") + ")\n\n"
    lib = parse(text)
    assert render(lib) == text
    assert not lib.failed
    assert [e.key for e in lib.entries] == [k for k, _ in items]
    once = format_text(lib).text
    assert format_text(parse(once)).text == once
    assert _normalised(_values(parse(once))) == _normalised(_values(lib))


@SETTINGS
@given(library(), st.data())
def test_any_edit_leaves_other_blocks_verbatim(g: Gen, data: st.DataObject) -> None:
    lib = parse(g.text)
    if not lib.entries:
        return
    target = data.draw(st.sampled_from(lib.entries))
    edited = target.set("note", data.draw(BRACED))
    out = render(lib.replace_entry(target.key, edited))
    again = parse(out)
    assert not again.failed
    assert [e.key for e in again.entries] == [e.key for e in lib.entries]
    for a, b in zip(again.entries, lib.entries, strict=True):
        if b.key == target.key:
            assert a.get("note") == edited.get("note")
            assert sorted(_values_one(a)) == sorted(_values_one(edited))  # canonical field order
        else:
            assert a.raw == b.raw
    for b in lib.blocks:
        if not isinstance(b, (Entry, FailedBlock)) and b.raw and b.raw.strip():
            assert b.raw.strip() in out


def _values_one(e: Entry) -> list[tuple[str, str, str]]:
    return [
        (f.name, f.value, "{" if f.delim == '"' or (f.delim == "" and f.value.isdigit()) else f.delim)
        for f in e.fields
    ]
