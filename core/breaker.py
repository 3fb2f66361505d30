"""A circuit breaker per remote dependency, shared by every thread of the process.

A dependency that hangs costs each caller its socket timeout, and a page makes many calls. After one
call has timed out or been refused, the breaker is *open*: callers skip the dependency at once for
`REDIS_BREAKER_SECONDS` and take their fallback (the database, the outbox's retry job). Then one caller
is let through as a *half-open* probe; its success closes the breaker, its failure opens it again.

Domain-free: the callers (core.redis_cache, core.celery_task) decide what counts as a failure.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

logger = logging.getLogger(__name__)


class Breaker:
    def __init__(self, name: str, *, seconds: float | None = None, clock=time.monotonic):
        self.name = name
        self._seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until = 0.0  # 0: closed
        self._probe_started = 0.0  # 0: no probe in flight

    @property
    def seconds(self) -> float:
        return self._seconds if self._seconds is not None else settings.REDIS_BREAKER_SECONDS

    @property
    def is_open(self) -> bool:
        return self._open_until != 0.0

    def allow(self) -> bool:
        """May this caller use the dependency now? Closed: yes. Open: no, except one probe once the
        open period is over (another one if that probe has not reported within a period)."""
        if not self._open_until:
            return True
        with self._lock:
            now = self._clock()
            if not self._open_until:
                return True
            if now < self._open_until:
                return False
            if self._probe_started and now < self._probe_started + self.seconds:
                return False  # someone else is probing
            self._probe_started = now
            return True

    def probing(self) -> bool:
        """Is the caller that was just allowed in the half-open probe? (Only meaningful after allow().)"""
        return bool(self._probe_started)

    def succeeded(self) -> None:
        if not self._open_until:
            return
        with self._lock:
            if self._open_until:
                logger.warning("%s is back: circuit closed", self.name)
            self._open_until = 0.0
            self._probe_started = 0.0

    def failed(self, error: BaseException | None = None) -> None:
        with self._lock:
            was_open = bool(self._open_until)
            self._open_until = self._clock() + self.seconds
            self._probe_started = 0.0
        if not was_open:
            logger.warning("%s failed (%r): skipped for %ss", self.name, error, self.seconds)

    def reset(self) -> None:
        """Close without a probe (tests, and a process that is told the dependency changed)."""
        with self._lock:
            self._open_until = 0.0
            self._probe_started = 0.0


_breakers: dict[str, Breaker] = {}
_registry_lock = threading.Lock()


def breaker(name: str) -> Breaker:
    """The process's breaker for `name` (one per dependency, e.g. "redis cache", "celery broker")."""
    found = _breakers.get(name)
    if found is None:
        with _registry_lock:
            found = _breakers.setdefault(name, Breaker(name))
    return found


def for_url(kind: str, url: str) -> Breaker:
    """The breaker of the server at `url`, named without the URL's credentials (the name is logged)."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return breaker(f"{kind} {urlunsplit((parts.scheme, host, parts.path, '', ''))}")


def open_names() -> list[str]:
    """The dependencies this process is skipping right now (the health check shows them)."""
    return sorted(each.name for each in list(_breakers.values()) if each.is_open)


def reset_all() -> None:
    for each in list(_breakers.values()):
        each.reset()
