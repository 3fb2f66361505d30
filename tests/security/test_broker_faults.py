"""A broker that is down (closed port) or hangs (accepts and never answers) must not hang or fail a web
request: the request completes in under 2 s without a 500, the email waits in the outbox, and after
recovery the retry job delivers each waiting email exactly once.

The shared Redis is never stopped: the app is pointed at a closed port, or at a socket server in a
thread of this test that accepts connections and never says a word.
"""

import os
import socket
import threading
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from kombu import pools

from config.celery import app as celery_app
from notifications import services as outbox
from notifications.models import Notification, NotificationStatus
from notifications.services import notifications_send_due

from ..factories import staff

BUDGET_SECONDS = 2.0
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
REQUESTS_PER_FAULT = 3


def _forget_connections():
    """The app caches broker connections and producers: drop them so the next publish uses broker_url."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()


@contextmanager
def broker_at(url: str):
    """Point the web process's Celery app at `url`, with the production publish settings of base.py."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options, conf.task_always_eager)
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration (CI sets it):
    # without this the "dead" broker would silently be the real Redis.
    saved_env = {k: os.environ.pop(k) for k in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL") if k in os.environ}
    conf.broker_url = url
    conf.broker_transport_options = settings.BROKER_REDIS_TRANSPORT_OPTIONS
    conf.task_always_eager = False  # publish for real
    _forget_connections()
    assert celery_app.connection_for_write().port == int(url.rsplit(":", 1)[1].split("/")[0]), "override not taken"
    try:
        yield
    finally:
        os.environ.update(saved_env)
        conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved
        _forget_connections()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # released on close: nothing listens there


@contextmanager
def silent_server():
    """Accepts every connection and never answers: a broker that hangs."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    stop = threading.Event()
    accepted = []

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(conn)  # held open, never read from, never written to

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        listener.close()


def test_the_publish_path_uses_short_timeouts():
    options = settings.BROKER_REDIS_TRANSPORT_OPTIONS
    assert options["socket_connect_timeout"] <= 1.0 and options["socket_timeout"] <= 1.0
    assert options["retry_on_timeout"] is False and options["max_retries"] <= 1
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] <= 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the outbox publishes on commit: the request must really commit
@override_settings(ROOT_URLCONF="tests.security.urls_enqueue", EMAIL_BACKEND=LOCMEM)
@pytest.mark.parametrize("fault", ["down", "hanging"])
def test_requests_stay_fast_while_the_broker_is_down_or_hangs_and_mail_goes_out_once_after(fault, capsys, monkeypatch):
    merchandiser = staff("Merchandiser")
    client = Client()
    client.force_login(merchandiser)
    timings = []
    published = []
    real_dispatch = outbox._dispatch

    def dispatch_and_record(notification_id):
        published.append(notification_id)
        real_dispatch(notification_id)

    monkeypatch.setattr(outbox, "_dispatch", dispatch_and_record)
    with silent_server() as (hanging_port, accepted):
        port = closed_port() if fault == "down" else hanging_port
        with broker_at(f"redis://127.0.0.1:{port}/0"):
            for i in range(REQUESTS_PER_FAULT):
                started = time.monotonic()
                response = client.post("/__test__/enqueue/", {"order": i})
                timings.append(("POST enqueue", time.monotonic() - started, response.status_code))
                started = time.monotonic()
                page = client.get("/orders/")
                timings.append(("GET /orders/", time.monotonic() - started, page.status_code))
        if fault == "hanging":
            assert accepted, "the publish never reached the hanging broker: the test proves nothing"
    assert published, "nothing tried to publish: the test proves nothing"

    with capsys.disabled():
        print(f"\nbroker {fault}: " + ", ".join(f"{what} {secs:.2f}s ({status})" for what, secs, status in timings))
    for what, seconds, status in timings:
        assert status in (200, 201), f"{what}: {status}"
        assert seconds < BUDGET_SECONDS, f"{what} took {seconds:.2f}s with the broker {fault}"

    waiting = Notification.objects.filter(kind="security_test")
    assert waiting.count() == REQUESTS_PER_FAULT
    assert set(waiting.values_list("status", flat=True)) == {NotificationStatus.PENDING}
    assert mail.outbox == []

    # Recovery: the broker is back (eager again here) and the retry job runs, twice as beat would.
    assert notifications_send_due() == REQUESTS_PER_FAULT
    assert notifications_send_due() == 0
    assert len(mail.outbox) == REQUESTS_PER_FAULT
    sent_ids = sorted(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert sent_ids == sorted(waiting.values_list("message_id", flat=True))
    assert set(waiting.values_list("status", flat=True)) == {NotificationStatus.SENT}
