"""Read and write BibTeX losslessly.

`parse` (pure) splits text into blocks of the model; `render` (pure) turns a `Library` back
into text, copying every unchanged block byte for byte and rendering only changed entries in
the canonical style (`format_entry`). `read_library` / `write_library` are the I/O edge:
strict UTF-8 decoding with a located error, and atomic writes that refuse to clobber a file
that changed on disk since it was read.

pathbib scans BibTeX itself instead of using bibtexparser 2's splitter, which treats an `@`
inside a braced value (`{@ {CREPE:} ...}`, `{{GaN}}@ {{SiO2}}`) as the start of a new block.
The scanner follows BibTeX's grammar: a block is `@type{...}` or `@type(...)`, values are
brace-balanced; text outside blocks is a comment. Like biber and JabRef (not classic BibTeX),
a `%` starts a comment that runs to the end of the line, both between blocks (so a
commented-out `%@article{...` line is not an entry) and between the fields of an entry.
A block that breaks the grammar is kept verbatim as a `FailedBlock`, from its `@` up to the
next line that starts a block.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from .bibrender import CANONICAL_FIELD_ORDER, format_entry, render
from .errors import ConcurrentModificationError, EncodingError, InputError
from .model import Block, Comment, Delim, Entry, FailedBlock, Field, Library, Preamble, StringDef, make_field

__all__ = ["parse", "render", "format_entry", "read_library", "write_library", "decode_bytes", "fsync_dir"]
__all__ += [
    "write_text_atomic",
    "Snapshot",
    "entry_has_comments",
    "CANONICAL_FIELD_ORDER",
    "first_value_wins",
]

# --------------------------------------------------------------------------- scanning

_AT = re.compile(r"@")
_BLOCK_HEAD = re.compile(r"@[ \t\r\n]*([A-Za-z][\w\-:.]*)[ \t\r\n]*([{(])")
_LINE_START_BLOCK = re.compile(r"^[ \t]*@[ \t]*[A-Za-z][\w\-:.]*[ \t]*[{(]", re.M)
_WS = re.compile(r"(?:[ \t\r\n]+|%[^\n]*)*")  # biber/btparse allow % comments between fields
_KEY = re.compile(r"[^,\s{}]*")  # key of a {...} entry
_KEY_PAREN = re.compile(r"[^,\s(){}]*")  # key of a (...) entry; no braces, so it renders as {key,
_NAME = re.compile(r"[^\s=,{}\"#()%]+")
_BARE = re.compile(r"[^\s,#{}\"()=%]+")
_BRACES = re.compile(r"[{}]")
# what follows an entry's end when an extra `}` closed it early: `, name =` or `name = {`
_MORE_FIELDS = re.compile(
    r"[ \t]*(?:\r?\n[ \t]*)?(?:,\s*[^\s=,{}\"#()%@]+\s*=|[^\s=,{}\"#()%@]+[ \t]*=[ \t]*[{\"])"
)
_QUOTE_OR_BRACE = re.compile(r'["{}]')
# an ordinary field in one match: name = {value, groups nested one deep} | "flat" | bare,
# then `,` or a closer
_SIMPLE_FIELD = re.compile(
    r'[ \t\r\n]*+([^\s=,{}"#()%]+)[ \t\r\n]*=[ \t\r\n]*'
    r'(?:\{((?:[^{}]++|\{[^{}]*+\})*+)\}|"([^"{}]*+)"|([^\s,#{}"()=%]++))[ \t\r\n]*+([,})])'
)


class _Fail(Exception):
    def __init__(self, reason: str, pos: int):
        super().__init__(reason)
        self.reason = reason
        self.pos = pos


def _skip_ws(text: str, pos: int) -> int:
    m = _WS.match(text, pos)
    return m.end() if m else pos


def _braced_end(text: str, pos: int) -> int:
    """`text[pos] == "{"`; return the index just past the matching `}`."""
    depth = 0
    for m in _BRACES.finditer(text, pos):
        if m.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    raise _Fail("unbalanced braces: a '{' is never closed", pos)


def _quoted_end(text: str, pos: int) -> int:
    """`text[pos] == '"'`; return the index just past the closing quote (at brace depth 0)."""
    depth = 0
    for m in _QUOTE_OR_BRACE.finditer(text, pos + 1):
        c = m.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                raise _Fail("unbalanced braces inside a quoted value", m.start())
        elif depth == 0:
            return m.end()
    raise _Fail("unterminated quoted value: a '\"' is never closed", pos)


def _value(text: str, pos: int) -> tuple[str, Delim, int]:
    """Parse `part (# part)*` starting at `pos`; return (value, delim, end)."""
    parts: list[tuple[int, int, str]] = []
    while True:
        pos = _skip_ws(text, pos)
        if pos >= len(text):
            raise _Fail("file ends inside a field value", pos)
        c = text[pos]
        if c == "{":
            end = _braced_end(text, pos)
            parts.append((pos, end, "{"))
        elif c == '"':
            end = _quoted_end(text, pos)
            parts.append((pos, end, '"'))
        else:
            m = _BARE.match(text, pos)
            if not m or m.end() == pos:
                raise _Fail(f"expected a value, found {text[pos]!r}", pos)
            end = m.end()
            parts.append((pos, end, ""))
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == "#":
            pos += 1
            continue
        break
    if len(parts) == 1 and parts[0][2]:
        s, e, d = parts[0]
        return text[s + 1 : e - 1], d, pos  # type: ignore[return-value]
    return text[parts[0][0] : parts[-1][1]], "", pos


@dataclass
class _Parsed:
    block: Block
    end: int


# over 80 lines on purpose: the scanner's inner loop, one call per entry and none per field
def _parse_entry(
    text: str, start: int, body: int, etype: str, opener: str, line: int, *, dup_ok: bool = False
) -> _Parsed:
    closer = "}" if opener == "{" else ")"
    pos = _skip_ws(text, body)
    km = (_KEY if opener == "{" else _KEY_PAREN).match(text, pos)
    key = km.group() if km else ""
    pos = _skip_ws(text, km.end() if km else pos)
    fields: list[Field] = []
    seen: dict[str, int] = {}  # field name -> offset of its name (line computed only when needed)
    if pos < len(text) and text[pos] == closer:
        if not key:
            raise _Fail("entry has no citation key", pos)
        end = pos + 1
        return _Parsed(Entry(etype.lower(), key, (), line, text[start:end]), end)
    if pos >= len(text) or text[pos] != ",":
        if pos < len(text) and text[pos] == "=":
            raise _Fail("entry has no citation key", pos)
        raise _Fail(f"expected ',' after the citation key {key!r}", pos)
    if not key:
        raise _Fail("entry has no citation key", pos)
    pos += 1
    dup: str | None = None
    simple = _SIMPLE_FIELD.match
    while True:
        sm = simple(text, pos)  # fast path: one regex per ordinary field
        if sm is not None:
            fname, braced, quoted, bare, sep = sm.groups()
            if sep == "," or sep == closer:
                name = fname.lower()
                if name in seen:
                    if dup is None:
                        first = line + text.count("\n", start, seen[name])
                        fline = line + text.count("\n", start, sm.start(1))
                        dup = f"duplicate field {name!r} (lines {first} and {fline})"
                else:
                    seen[name] = sm.start(1)
                if braced is not None:
                    fields.append(make_field(name, braced, "{"))
                elif quoted is not None:
                    fields.append(make_field(name, quoted, '"'))
                else:
                    fields.append(make_field(name, bare, ""))
                pos = sm.end()
                if sep == ",":
                    continue
                end = pos
                break
        pos = _skip_ws(text, pos)
        if pos >= len(text):
            raise _Fail(f"file ends before the entry's closing '{closer}'", pos)
        if text[pos] == closer:
            end = pos + 1
            break
        nm = _NAME.match(text, pos)
        if not nm:
            raise _Fail(f"expected a field name or '{closer}', found {text[pos]!r}", pos)
        name = nm.group().lower()
        name_pos = pos
        pos = _skip_ws(text, nm.end())
        if pos >= len(text) or text[pos] != "=":
            raise _Fail(f"expected '=' after field name {nm.group()!r}", pos)
        value, delim, pos = _value(text, pos + 1)
        if name in seen and dup is None:
            first = line + text.count("\n", start, seen[name])
            fline = line + text.count("\n", start, name_pos)
            dup = f"duplicate field {name!r} (lines {first} and {fline})"
        seen.setdefault(name, name_pos)
        fields.append(Field(name, value, delim))
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos < len(text) and text[pos] == closer:
            end = pos + 1
            break
        elif pos < len(text) and text[pos] == "@":
            raise _Fail(
                f"field {name!r} runs into the next block: a '{{' or '\"' in its value is probably not closed",
                pos,
            )
        else:
            found = repr(text[pos]) if pos < len(text) else "end of file"
            raise _Fail(f"expected ',' or '{closer}' after field {name!r}, found {found}", pos)
    m_more = _MORE_FIELDS.match(text, end)
    if m_more:  # `title = {x}},\n year = ...`: an extra `}` closed the entry early
        raise _Fail(f"'{closer}' closes the entry before its last fields (an extra '{closer}'?)", end - 1)
    raw = text[start:end]
    if dup and dup_ok:  # BibTeX and biber keep the first value of a repeated field
        return _Parsed(Entry(etype.lower(), key, _first_of_each(fields), line, raw), end)
    if dup:
        return _Parsed(FailedBlock(raw, line, dup, key), end)
    return _Parsed(Entry(etype.lower(), key, tuple(fields), line, raw), end)


def _first_of_each(fields: list[Field]) -> tuple[Field, ...]:
    """The fields in order, each name once, with its first value."""
    kept: dict[str, Field] = {}
    for f in fields:
        kept.setdefault(f.name, f)
    return tuple(kept.values())


def _parse_block(text: str, start: int, line: int) -> _Parsed | None:
    """Parse the block whose `@` is at `start`; None when the `@` starts no block."""
    m = _BLOCK_HEAD.match(text, start)
    if not m:
        return None
    etype, opener = m.group(1), m.group(2)
    low = etype.lower()
    body = m.end()
    closer = "}" if opener == "{" else ")"
    if low == "comment":
        if opener == "{":
            end = _braced_end(text, m.end() - 1)
        else:
            end = text.find(")", body)
            if end < 0:
                raise _Fail("unterminated @comment(...)", start)
            end += 1
        raw = text[start:end]
        return _Parsed(Comment(raw[m.end() - start : -1], line, raw), end)
    if low == "preamble":
        value, _d, pos = _value(text, body)
        pos = _skip_ws(text, pos)
        if pos >= len(text) or text[pos] != closer:
            raise _Fail(f"expected '{closer}' to close @preamble", pos)
        end = pos + 1
        return _Parsed(Preamble(value, line, text[start:end]), end)
    if low == "string":
        pos = _skip_ws(text, body)
        nm = _NAME.match(text, pos)
        if not nm:
            raise _Fail("expected a macro name in @string", pos)
        pos = _skip_ws(text, nm.end())
        if pos >= len(text) or text[pos] != "=":
            raise _Fail("expected '=' in @string", pos)
        value, delim, pos = _value(text, pos + 1)
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":  # tolerated by BibTeX? no, but harmless
            pos = _skip_ws(text, pos + 1)
        if pos >= len(text) or text[pos] != closer:
            raise _Fail(f"expected '{closer}' to close @string", pos)
        end = pos + 1
        return _Parsed(StringDef(nm.group(), value, delim, line, text[start:end]), end)
    return _parse_entry(text, start, body, etype, opener, line)


def parse(text: str, path: str = "") -> Library:
    """Split BibTeX `text` into a `Library`; never raises on bad BibTeX (see `FailedBlock`)."""
    blocks: list[Block] = []
    n = len(text)
    pos = 0  # start of text not yet assigned to a block
    scan = 0
    line = 1  # line number at `pos`
    keys: dict[str, int] = {}
    newline = "\r\n" if "\r\n" in text[:10000] else "\n"
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the parse allocates many small objects and no cycles
    try:
        while scan < n:
            at = text.find("@", scan)
            if at < 0:
                break
            ls = max(pos, text.rfind("\n", pos, at) + 1)
            if "%" in text[ls:at]:
                scan = at + 1  # `@` in a %-comment line between blocks: comment text
                continue
            at_line = line + text.count("\n", pos, at)
            try:
                parsed = _parse_block(text, at, at_line)
            except _Fail as fail:
                # keep the block verbatim up to the next line that starts a block
                eol = text.find("\n", at)
                nxt = _LINE_START_BLOCK.search(text, eol + 1) if eol >= 0 else None
                stop = nxt.start() if nxt else n
                fail_line = at_line + text.count("\n", at, min(fail.pos, n))
                km = re.match(r"@[^{(]*[{(]\s*([^,\s{}()]+)\s*,", text[at:stop])
                parsed = _Parsed(
                    FailedBlock(
                        text[at:stop],
                        at_line,
                        f"{fail.reason} (at line {fail_line})",
                        km.group(1) if km else None,
                    ),
                    stop,
                )
            if parsed is None:
                scan = at + 1
                continue
            if at > pos:
                blocks.append(Comment(text[pos:at], line, text[pos:at]))
            blk = parsed.block
            if isinstance(blk, Entry):
                if blk.key in keys:
                    blk = FailedBlock(
                        blk.raw or "",
                        blk.line,
                        f"duplicate citation key {blk.key!r} (first used at line {keys[blk.key]})",
                        blk.key,
                    )
                else:
                    keys[blk.key] = blk.line
            blocks.append(blk)
            line = at_line + text.count("\n", at, parsed.end)
            pos = scan = parsed.end
        if pos < n:
            blocks.append(Comment(text[pos:], line, text[pos:]))
    finally:
        if gc_was_enabled:
            gc.enable()
    return Library(tuple(blocks), path, newline)


def first_value_wins(lib: Library) -> tuple[Library, list[FailedBlock]]:
    """Read entries with a repeated field as BibTeX and biber do: the first value wins.

    Returns the library with each such block replaced by its entry, and the blocks that were
    recovered (for the caller's warnings: their `reason` names the field and lines). Other
    failed blocks are left as they are; a recovered entry whose key is already taken stays
    failed. For readers of the library (export); `check` and `fmt` keep reporting the block.
    """
    keys = {e.key for e in lib.entries}
    blocks: list[Block] = []
    recovered: list[FailedBlock] = []
    for b in lib.blocks:
        if isinstance(b, FailedBlock) and b.reason.startswith("duplicate field") and b.key not in keys:
            m = _BLOCK_HEAD.match(b.raw_text)
            try:
                parsed = (
                    _parse_entry(b.raw_text, 0, m.end(), m.group(1), m.group(2), b.line, dup_ok=True)
                    if m
                    else None
                )
            except _Fail:
                parsed = None
            if parsed is not None and isinstance(parsed.block, Entry):
                blocks.append(parsed.block)
                recovered.append(b)
                keys.add(parsed.block.key)
                continue
        blocks.append(b)
    if not recovered:
        return lib, []
    return replace(lib, blocks=tuple(blocks)), recovered


# --------------------------------------------------------------------------- rendering

# `render` and `format_entry` live in pathbib.bibrender (re-exported above), `format_library` in
# pathbib.fmt; the scanner answers whether an entry's source holds %-comments:

_VALUE_OR_COMMENT = re.compile(r'[{}"%]')


def entry_has_comments(entry: Entry) -> bool:
    """Return whether the source text of `entry` has `%` comments between its fields."""
    raw = entry.raw
    if raw is None or "%" not in raw:
        return False
    m = _BLOCK_HEAD.match(raw)
    if not m:
        return False
    pos = _skip_ws(raw, m.end())
    km = (_KEY if m.group(2) == "{" else _KEY_PAREN).match(raw, pos)
    pos = km.end() if km else pos
    try:
        while True:
            t = _VALUE_OR_COMMENT.search(raw, pos)
            if t is None:
                return False
            c = t.group()
            if c == "%":
                return True
            if c == "{":
                pos = _braced_end(raw, t.start())
            elif c == '"':
                pos = _quoted_end(raw, t.start())
            else:
                return False  # the entry's closing brace
    except _Fail:
        return False


# --------------------------------------------------------------------------- I/O edge

_BOM = "\ufeff"


def decode_bytes(data: bytes, path: str = "<input>") -> str:
    """Decode UTF-8 strictly; raise `EncodingError` naming line, column and byte."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise EncodingError(
            "is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8",
            "convert the file to UTF-8 (e.g. `iconv -f utf-16 -t utf-8 IN > OUT`) and run again",
            path=path,
        )
    if b"\x00" in data:  # anywhere, not only near the start
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise EncodingError(
            f"contains a NUL byte at line {line}: this looks like a binary file, not BibTeX",
            "check that the path points at a .bib text file",
            path=path,
            line=line,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise EncodingError(
            f"is not valid UTF-8: byte 0x{bad} at line {line}, column {col}",
            "convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8 IN > OUT` if it is "
            "Latin-1) and run again; pathbib never guesses an encoding",
            path=path,
            line=line,
        ) from None


@dataclass(frozen=True)
class Snapshot:
    """What was read from disk: used to refuse writes over a file that changed meanwhile."""

    path: str
    digest: str  # sha256 of the bytes read; "" when the file did not exist
    bom: bool = False


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_library(path: str | os.PathLike[str], *, missing_ok: bool = False) -> tuple[Library, Snapshot]:
    """Read and parse a .bib file; return the library and a snapshot for `write_library`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return Library((), str(p)), Snapshot(str(p), "")
        raise InputError(
            "no such file",
            "create it with `pathbib import README.md`, or pass another file with -C/--library",
            path=str(p),
        ) from None
    except IsADirectoryError:
        raise InputError(
            "is a directory, not a .bib file", "pass the path of a .bib file", path=str(p)
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot be read: {exc.strerror}", "check the path and its permissions", path=str(p)
        ) from None
    text = decode_bytes(data, str(p))
    bom = text.startswith(_BOM)
    if bom:
        text = text[1:]
    return parse(text, str(p)), Snapshot(str(p), _digest(data), bom)


def write_text_atomic(path: str | os.PathLike[str], text: str | bytes, *, bom: bool = False) -> None:
    """Write `text` as UTF-8 to `path` atomically: temp file, fsync, rename; keep the mode.

    `text` may also be UTF-8 bytes (large exports build bytes to save memory).
    """
    p = Path(path)
    if p.is_symlink():  # replace the file the link points at, not the link itself
        p = Path(os.path.realpath(p))
    if isinstance(text, bytes):
        data = (_BOM.encode("utf-8") if bom else b"") + text
    else:
        data = ((_BOM if bom else "") + text).encode("utf-8")
    directory = p.parent if str(p.parent) else Path(".")
    try:
        mode: int | None = p.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(
            f"cannot be written: {exc.strerror} (creating a temporary file in {directory})",
            "check that the folder exists and is writable; nothing was written",
            path=str(p),
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise InputError(
                f"cannot be written: {exc.strerror}",
                "check free disk space and permissions; the old file is unchanged",
                path=str(p),
            ) from None
        raise
    fsync_dir(directory)


def fsync_dir(directory: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk, where the platform allows it."""
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def write_library(
    lib: Library, snapshot: Snapshot | None, path: str | os.PathLike[str] | None = None
) -> bool:
    """Write `lib` atomically; return False when the file already had exactly this content.

    With a `snapshot`, refuse (ConcurrentModificationError) when the file on disk is no
    longer what was read.
    """
    p = Path(path if path is not None else (snapshot.path if snapshot else lib.path))
    text = render(lib)
    bom = snapshot.bom if snapshot else False
    try:
        current: bytes | None = p.read_bytes()
    except FileNotFoundError:
        current = None
    if snapshot is not None:
        now = _digest(current) if current is not None else ""
        if now != snapshot.digest:
            raise ConcurrentModificationError(
                "changed on disk after pathbib read it; nothing was written",
                "run the command again so it starts from the current file",
                path=str(p),
            )
    new = ((_BOM if bom else "") + text).encode("utf-8")
    if current == new:
        return False
    write_text_atomic(p, text, bom=bom)
    return True
