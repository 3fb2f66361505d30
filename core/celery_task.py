"""The Celery task base class of every task (config/celery.py, `task_cls`): publishing goes through a
circuit breaker (core.breaker). After a publish timed out or was refused, publishes fail at once with
kombu's OperationalError for REDIS_BREAKER_SECONDS instead of each waiting for the broker; the callers
already treat that error as "the outbox's retry job sends it later". Eager mode (tests) publishes nothing
and is left alone.
"""

from __future__ import annotations

from celery import Task
from kombu.exceptions import OperationalError

from .breaker import for_url

try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    _REDIS_ERRORS: tuple = (RedisConnectionError, RedisTimeoutError)
except ImportError:  # pragma: no cover - Redis is a dependency; this only keeps the module importable
    _REDIS_ERRORS = ()

# What says "the broker is unreachable"; a message that cannot be encoded says nothing about it.
UNREACHABLE = (OperationalError, OSError, *_REDIS_ERRORS)


def broker_breaker(app):
    return for_url("celery broker", app.conf.broker_url)


class BreakerTask(Task):
    def apply_async(self, *args, **kwargs):
        app = self._get_app()
        if app.conf.task_always_eager:
            return super().apply_async(*args, **kwargs)
        guard = broker_breaker(app)
        if not guard.allow():
            raise OperationalError(f"{guard.name}: circuit open; not published")
        try:
            result = super().apply_async(*args, **kwargs)
        except UNREACHABLE as exc:
            guard.failed(exc)
            raise
        guard.succeeded()
        return result
