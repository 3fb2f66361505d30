"""A task goes through the real broker to a real worker and its effect lands in the database.

Needs Redis: runs when CELERY_BROKER_URL is redis://... and Redis answers (CI sets both). Outside CI
without Redis it is skipped; under CI a missing Redis fails it (tests/conftest.py, require_server).
"""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from accounts.models import Heartbeat
from accounts.tasks import heartbeat
from config.celery import app as celery_app

from .conftest import require_server


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_broker():
    url = settings.CELERY_BROKER_URL
    require_server(
        url.startswith(("redis://", "rediss://")) and redis_answers(url), "Redis (CELERY_BROKER_URL=redis://...)"
    )
    return url


@pytest.fixture
def real_worker(redis_broker):
    """An in-process worker (solo pool, own thread) consuming a queue of its own, so that a worker
    of a running `make run` or another test run on the same Redis can never take our message."""
    queue = f"test-worker-{uuid.uuid4().hex[:12]}"
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False  # the test settings run tasks inline; not here
    try:
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,  # the ping needs a result backend; we check the database instead
            queues=[queue],
            shutdown_timeout=30,
        ):
            yield queue
    finally:
        celery_app.conf.task_always_eager = was_eager
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the worker thread has its own connection: commit for real
def test_heartbeat_round_trips_through_a_real_worker(real_worker):
    assert not Heartbeat.objects.filter(name="beat").exists()

    result = heartbeat.apply_async(queue=real_worker)
    assert result.id

    deadline = time.monotonic() + 30
    while not Heartbeat.objects.filter(name="beat").exists():
        assert time.monotonic() < deadline, "the worker did not run the task within 30 s"
        time.sleep(0.2)
    assert Heartbeat.objects.get(name="beat").last_run is not None
