"""The circuit breaker (core/breaker.py) and the two Redis users that go through it: the cache backend
(core/redis_cache.py) and the Celery task base class (core/celery_task.py). Redis is reached through a
loopback fault proxy (tests/fault_proxy.py); the shared server is never stopped."""

import time
from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.test import override_settings
from kombu.exceptions import OperationalError

from core.breaker import Breaker, for_url

from ..conftest import require_server
from ..fault_proxy import HANG, PASS, REFUSE, FaultProxy, redis_upstream


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_closed_allows_then_a_failure_opens_for_the_set_time_then_one_probe():
    clock = Clock()
    guard = Breaker("thing", seconds=30, clock=clock)
    assert guard.allow()
    guard.failed(TimeoutError())
    assert guard.is_open
    assert not guard.allow()
    clock.now += 29.9
    assert not guard.allow()
    clock.now += 0.2
    assert guard.allow()  # the half-open probe
    assert guard.probing()
    assert not guard.allow()  # only one at a time
    guard.succeeded()
    assert not guard.is_open
    assert guard.allow()
    assert guard.allow()


def test_a_failed_probe_opens_again_and_a_lost_probe_is_replaced():
    clock = Clock()
    guard = Breaker("thing", seconds=10, clock=clock)
    guard.failed()
    clock.now += 10
    assert guard.allow()
    guard.failed()
    assert not guard.allow()
    clock.now += 10
    assert guard.allow()  # probe that never reports
    clock.now += 10
    assert guard.allow()  # another one after a full period


def test_a_breaker_is_named_without_the_password_in_its_url():
    named = for_url("celery broker", "redis://:s3cret@redis.example:6379/0")
    assert named.name == "celery broker redis://redis.example:6379/0"
    assert for_url("celery broker", "redis://user:other@redis.example:6379/0") is named


def test_the_health_check_names_what_the_process_is_skipping(client, db):
    assert client.get("/healthz").json()["skipping"] == []
    for_url("redis cache", "redis://:pw@cache.example:6379/1").failed(TimeoutError())
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["skipping"] == ["redis cache redis://cache.example:6379/1"]


@pytest.fixture
def redis_proxy():
    upstream = redis_upstream()
    require_server(upstream is not None, "Redis")
    host, port, database = upstream
    with FaultProxy(host, port) as proxy:
        proxy.database = database
        yield proxy


@contextmanager
def cache_through(proxy, seconds=30):
    settings = {
        "default": {
            "BACKEND": "core.redis_cache.BreakerRedisCache",
            "LOCATION": f"redis://127.0.0.1:{proxy.port}/{proxy.database}",
            "KEY_PREFIX": f"breaker-test-{proxy.port}",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    with override_settings(CACHES=settings, REDIS_BREAKER_SECONDS=seconds):
        yield caches["default"]


def timed(call):
    started = time.monotonic()
    value = call()
    return value, time.monotonic() - started


@pytest.mark.parametrize("fault", [HANG, REFUSE])
def test_the_cache_pays_one_timeout_then_skips_redis_at_once(redis_proxy, fault):
    with cache_through(redis_proxy) as cache:
        cache.set("k", "v")
        assert cache.get("k") == "v"
        redis_proxy.set(fault)
        value, first = timed(lambda: cache.get("k"))
        assert value is None
        assert first < 1.5
        for _ in range(20):
            value, each = timed(lambda: cache.get("k", "default"))
            assert value == "default"
            assert each < 0.05
        assert cache.set("k", "w") is None  # a skipped write is a no-op, not an error
        assert not cache.delete("k")


def test_the_probe_empties_what_may_be_stale_then_the_cache_works_again(redis_proxy):
    with cache_through(redis_proxy, seconds=0.3) as cache:
        cache.set("session", "signed in")
        redis_proxy.set(REFUSE)
        cache.delete("session")  # fails: Redis still holds the signed-out session
        redis_proxy.set(PASS)
        assert cache.get("session") is None  # skipped: the breaker is open
        time.sleep(0.35)
        assert cache.get("session") is None  # the probe emptied our keys before reading
        cache.set("session", "again")
        assert cache.get("session") == "again"


def test_publishing_fails_at_once_while_the_broker_breaker_is_open(redis_proxy):
    from notifications.tasks import send_due_notifications

    from ..security.test_broker_faults import broker_at

    with broker_at(f"redis://127.0.0.1:{redis_proxy.port}/{redis_proxy.database}"):
        redis_proxy.set(HANG)
        _, first = timed(lambda: pytest.raises(OperationalError, send_due_notifications.delay))
        assert first < 2.0
        for _ in range(5):
            started = time.monotonic()
            with pytest.raises(OperationalError, match="circuit open"):
                send_due_notifications.delay()
            assert time.monotonic() - started < 0.05
