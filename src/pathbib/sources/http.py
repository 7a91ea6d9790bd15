"""Network hygiene for every source: spacing, retries with backoff, a circuit breaker.

`Gate.call(fn)` runs one request at a time for a source. It waits until `interval` seconds
have passed since the previous request *finished* (so the server never sees two requests
closer than the limit, whatever the latency), retries transient failures (429, 5xx,
timeouts, resets, truncated bodies) with exponential backoff and full jitter, honours
`Retry-After`, and after `breaker_threshold` consecutive failed calls stops calling the
source for `breaker_cooldown` seconds. The clock, sleep and random generator are
parameters, so tests run it with a fake clock or with short real intervals.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from ..errors import RateLimited, SourceError

T = TypeVar("T")


class TransientSourceError(SourceError):
    """A failure worth retrying: 5xx, timeout, connection reset, truncated or malformed body."""

    def __init__(self, message: str, hint: str = "", *, retry_after: float | None = None):
        super().__init__(message, hint)
        self.retry_after = retry_after


class BadResponse(SourceError):
    """The source answered with something we cannot use (4xx other than 404/429)."""


class NotAnAPI(BadResponse):
    """The source answered with something that is not its API (an HTML maintenance or login page):
    retrying cannot help and the rest of the run would get the same page, so the source is not
    called again in this run."""


def not_json_message(source: str, body: str, status: int = 200, expected: str = "JSON") -> NotAnAPI:
    """One line saying what came instead of JSON (never the body itself)."""
    head = body.lstrip()[:200].lower()
    html_page = head.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in head
    what = (
        f"an HTML page instead of its API's {expected}"
        if html_page
        else f"a body that is not its API's {expected}"
    )
    return NotAnAPI(
        f"{source} answered HTTP {status} with {what}",
        f"{source} may be down for maintenance, or a proxy answered for it; retry later",
    )


class SourceDisabled(SourceError):
    """The circuit breaker is open: the source failed repeatedly and is not called for now."""


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    ref = now if now is not None else datetime.now(UTC).timestamp()
    return max(0.0, when.timestamp() - ref)


def wait_text(seconds: float) -> str:
    """A wait for people: "45 s", "20 min", "2 h 30 min"."""
    s = int(round(seconds))
    if s < 120:
        return f"{s} s"
    if s < 7200:
        return f"{round(s / 60)} min"
    h, m = divmod(round(s / 60), 60)
    return f"{h} h {m} min" if m else f"{h} h"


@dataclass(frozen=True)
class Policy:
    """How one source is called. Defaults follow the published limits; tests shorten them."""

    interval: float = 1.0  # seconds between the end of a request and the start of the next
    timeout: float = 20.0
    retries: int = 4  # extra tries after the first
    backoff: float = 1.0  # first backoff step in seconds (doubles each retry)
    backoff_max: float = 60.0
    retry_after_max: float = 300.0  # longer waits are not slept through: the call fails
    breaker_threshold: int = 3  # consecutive failed calls that open the breaker
    breaker_cooldown: float = 600.0


@dataclass
class Gate:
    """One source's request gate; one instance per source per run."""

    name: str
    policy: Policy = field(default_factory=Policy)
    clock: Callable[[], float] = field(default=lambda: 0.0)
    sleep: Callable[[float], None] = field(default=lambda s: None)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    requests: int = 0  # requests actually sent
    _last_end: float | None = None
    _failures: int = 0
    _open_until: float | None = None
    _disabled_by: str = ""
    _quiet: str = ""  # why the source is not called until _open_until (a long Retry-After)

    def _wait_turn(self) -> None:
        if self._last_end is None:
            return
        due = self._last_end + self.policy.interval
        now = self.clock()
        # sleep may return early (signals, coarse timers): loop until the slot is due
        while now < due:
            self.sleep(due - now)
            now = self.clock()

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        step = min(self.policy.backoff_max, self.policy.backoff * (2**attempt))
        delay = float(step / 2 + self.rng.uniform(0, step / 2))  # "equal jitter": never 0, never > step
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    def call(self, fn: Callable[[], T]) -> T:
        """Run `fn` (one request) under the policy; return its result or raise a SourceError."""
        if self._open_until is not None:
            if self._disabled_by:
                raise SourceDisabled(
                    f"{self.name}: not called again in this run ({self._disabled_by})",
                    "retry later; cached records are still used",
                )
            if self.clock() < self._open_until and self._quiet:
                raise SourceDisabled(
                    f"{self.name}: not called ({self._quiet})",
                    "rerun after that time; cached records are still used",
                )
            if self.clock() < self._open_until:
                raise SourceDisabled(
                    f"{self.name}: not called after {self._failures} consecutive failures",
                    "the source keeps failing; try again later (cached records are still used)",
                )
            self._open_until = None  # half-open: one more try
            self._quiet = ""
        attempt = 0
        while True:
            self._wait_turn()
            self.requests += 1
            try:
                result = fn()
            except (TransientSourceError, RateLimited) as exc:
                self._last_end = self.clock()
                retry_after = exc.retry_after
                if retry_after is not None and retry_after > self.policy.retry_after_max:
                    self._fail()
                    # the server asked for quiet: no request to it before then, in this run
                    self._open_until = max(self._open_until or 0.0, self.clock() + retry_after)
                    self._quiet = f"the server asked to wait {wait_text(retry_after)}"
                    raise type(exc)(
                        f"{exc.message}; the server asked to wait {wait_text(retry_after)} before the next request "
                        f"(pathbib waits at most {wait_text(self.policy.retry_after_max)})",
                        f"rerun after {wait_text(retry_after)}; what was fetched is cached",
                        retry_after=retry_after,
                    ) from exc
                if attempt >= self.policy.retries:
                    self._fail()
                    raise
                delay = self._backoff(attempt, retry_after)
                attempt += 1
                self.sleep(delay)
                continue
            except NotAnAPI as exc:
                self._last_end = self.clock()
                self._disabled_by = exc.message
                self._open_until = float("inf")  # the same page would answer every later call
                raise
            except SourceError:
                self._last_end = self.clock()
                raise
            self._last_end = self.clock()
            self._failures = 0
            return result

    def _fail(self) -> None:
        self._failures += 1
        if self._failures >= self.policy.breaker_threshold:
            self._open_until = self.clock() + self.policy.breaker_cooldown
