"""django-redis with a circuit breaker (core.breaker): a Redis that timed out or refused is skipped at
once for REDIS_BREAKER_SECONDS, so a page's many cache calls (sessions, roles, dashboards, fragments)
cost one socket timeout in all, not one each. Every skipped call behaves like a failed one under
IGNORE_EXCEPTIONS: a miss, and the caller reads the database.

While the breaker is open, deletes are skipped too, so entries that should have been dropped (a signed-out
session, a withdrawn role) may still be in Redis when it returns. The half-open probe therefore empties
this cache's own keys (the KEY_PREFIX, never the rest of the Redis database) before the breaker closes.
"""

from __future__ import annotations

import socket

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .breaker import for_url

# What says "Redis is unreachable", as opposed to a bad command (ResponseError) that says nothing about it.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, socket.timeout, OSError)


class _Skipped(RedisConnectionError):
    """Raised instead of calling Redis while the breaker is open."""


class _GuardedClient:
    """Wraps django-redis's client: every public call goes through the breaker."""

    def __init__(self, client, cache: BreakerRedisCache):
        self._client = client
        self._cache = cache

    def __getattr__(self, name):
        target = getattr(self._client, name)
        if name.startswith("_") or not callable(target):
            return target

        def call(*args, **kwargs):
            guard = self._cache.breaker
            if not guard.allow():
                raise ConnectionInterrupted(connection=None) from _Skipped(f"{guard.name}: circuit open")
            if guard.probing():
                self._probe(guard)
            try:
                result = target(*args, **kwargs)
            except ConnectionInterrupted as exc:
                if isinstance(exc.__cause__, UNREACHABLE):
                    guard.failed(exc.__cause__)
                raise
            guard.succeeded()
            return result

        return call

    def _probe(self, guard) -> None:
        try:
            self._client.delete_pattern("*", itersize=1000)
        except ConnectionInterrupted as exc:
            guard.failed(exc.__cause__)
            raise
        guard.succeeded()


class BreakerRedisCache(RedisCache):
    @property
    def breaker(self):
        return for_url("redis cache", self._server)

    @property
    def client(self):
        if self._client is None:
            self._client = _GuardedClient(self._client_cls(self._server, self._params, self), self)
        return self._client
