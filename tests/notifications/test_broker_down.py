"""The broker is down when a shipment is recorded: the person's request still succeeds, and the email
goes out exactly once after the broker is back, through real Redis and a real (in-process) worker.

"Down" is simulated by pointing the app at a closed port, never by stopping the shared Redis. Under CI
a missing Redis fails the test (tests/conftest.require_server); elsewhere it is skipped.
"""

import os
import socket
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from logistics.models import Shipment
from notifications.models import Notification, NotificationStatus
from notifications.tasks import send_due_notifications, send_notification

from ..conftest import require_server
from ..logistics.helpers import in_production_order, make_carrier

REDIS_OPTIONS = {"socket_timeout": 2.0, "socket_connect_timeout": 2.0, "max_retries": 1, "retry_on_timeout": False}


def redis_url() -> str:
    configured = settings.CELERY_BROKER_URL
    if configured.startswith(("redis://", "rediss://")):
        return configured
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # released on close: nothing listens there


def _forget_connections():
    """Drop every cached broker connection (the app's and kombu's process-wide pools, which are keyed by
    URL), so the next publish connects to the current broker_url."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url: str, *, queue: str):
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options, conf.task_always_eager, conf.task_default_queue)
    conf.broker_url = url
    conf.broker_transport_options = REDIS_OPTIONS
    conf.task_always_eager = False  # the test settings run tasks inline; not here
    conf.task_default_queue = queue  # our own queue: no other worker on this Redis can take our messages
    _forget_connections()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options, conf.task_always_eager, conf.task_default_queue = saved
        _forget_connections()


@pytest.fixture
def live_redis():
    url = redis_url()
    require_server(redis_answers(url), f"Redis at {url}")
    return url


@pytest.fixture
def queue(live_redis):
    name = f"test-outbox-{uuid.uuid4().hex[:12]}"
    yield name
    with broker(live_redis, queue=name), celery_app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)


def wait_until(predicate, *, seconds=30, what="the condition"):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def queue_length(url: str, name: str) -> int:
    import redis

    return redis.Redis.from_url(url).llen(name)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # commits for real: on_commit dispatch and the worker's own connection
def test_broker_down_the_request_succeeds_and_the_mail_goes_out_once_after_recovery(
    client, merchandiser, live_redis, queue
):
    order = in_production_order(merchandiser, lines=1)
    line = order.lines.get()
    client.force_login(merchandiser)
    mail.outbox.clear()

    # given: the broker is unreachable
    with broker(f"redis://127.0.0.1:{closed_port()}/0", queue=queue):
        started = time.monotonic()
        response = client.post(
            reverse("logistics:shipment_new", args=[order.pk]),
            {
                "carrier": make_carrier().pk,
                "mode": "sea",
                "tracking_number": "COSU6123456780",
                "ship_date": timezone.localdate().isoformat(),
                "eta": (timezone.localdate() + timedelta(days=28)).isoformat(),
                f"qty_{line.pk}": "100",
            },
        )
        elapsed = time.monotonic() - started

    # then: the person's request succeeded, quickly, and the email waits in the outbox
    assert response.status_code == 302
    assert elapsed < 15
    assert Shipment.objects.filter(order=order).count() == 1
    notification = Notification.objects.get(reference=f"order:{order.pk}", kind="shipment_shipped")
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 0
    assert mail.outbox == []

    # when: the broker is back; beat's retry job and a late redelivery of the send task all arrive
    with (
        broker(live_redis, queue=queue),
        start_worker(
            celery_app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue], shutdown_timeout=30
        ),
    ):
        send_due_notifications.delay()
        send_due_notifications.delay()
        send_notification.delay(notification.pk)
        send_notification.delay(notification.pk)
        wait_until(
            lambda: Notification.objects.get(pk=notification.pk).status == NotificationStatus.SENT,
            what="the notification to be sent",
        )
        wait_until(lambda: queue_length(live_redis, queue) == 0, what="the queue to drain")
        time.sleep(1)  # the last task taken off the queue finishes

    # then: delivered exactly once, with its time and Message-ID recorded
    notification.refresh_from_db()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [order.customer.email]
    assert mail.outbox[0].extra_headers["Message-ID"] == notification.message_id
    assert notification.sent_at is not None
    assert notification.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_dispatch_swallows_a_broker_that_is_down(merchandiser, queue):
    """No worker needed: the enqueue commits, the publish fails, nothing is raised, the row waits."""
    from django.db import transaction

    from notifications.services import notification_enqueue

    order = in_production_order(merchandiser, lines=1)
    with broker(f"redis://127.0.0.1:{closed_port()}/0", queue=queue), transaction.atomic():
        notification = notification_enqueue(
            kind="test",
            reference=f"order:{order.pk}",
            to_email="buyer@customer.example",
            language="en",
            template="shipment_delivered",
            context={"order": order, "customer": order.customer, "status_url": "https://x/s/t/", "delivered_on": None},
        )
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
