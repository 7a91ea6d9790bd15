"""Exception types. Library code raises these; only the CLI turns them into exit codes (pure)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # findings at error level, or `--check` found stale/unformatted files
    USAGE = 2
    NETWORK = 3  # a metadata source failed
    BAD_INPUT = 4  # unreadable or invalid input file
    LOCKED = 5  # another pathbib was writing the library and did not finish in time (docs/concurrency.md)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)


class PathbibError(Exception):
    """Base class: a message for the user plus a hint saying what to change."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str, hint: str = "", *, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path
        self.line = line

    def location(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: "
        if self.path:
            return f"{self.path}: "
        return ""

    def __str__(self) -> str:
        return self.location() + self.message


class InputError(PathbibError):
    """An input file cannot be read or is not valid (exit 4)."""

    exit_code = ExitCode.BAD_INPUT


class EncodingError(InputError):
    """An input file is not valid UTF-8."""


class ConcurrentModificationError(PathbibError):
    """library.bib changed on disk between reading and writing."""

    exit_code = ExitCode.BAD_INPUT


class LockedError(PathbibError):
    """Another pathbib holds the library's write lock and the wait timed out (exit 5)."""

    exit_code = ExitCode.LOCKED


class ConfigError(PathbibError):
    """pathbib.toml is invalid (exit 2: the user must change a setting)."""

    exit_code = ExitCode.USAGE


class UsageError(PathbibError):
    exit_code = ExitCode.USAGE


class SourceError(PathbibError):
    """A metadata source (Crossref, arXiv, a local file) failed (exit 3)."""

    exit_code = ExitCode.NETWORK


class SourceNotFound(SourceError):
    """The source answered, but has no record for the identifier."""


class RateLimited(SourceError):
    """The source asked us to slow down (HTTP 429)."""

    def __init__(self, message: str, hint: str = "", *, retry_after: float | None = None):
        super().__init__(message, hint)
        self.retry_after = retry_after
