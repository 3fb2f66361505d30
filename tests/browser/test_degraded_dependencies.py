"""A hanging Redis must not hang the product (issue #25): the merchandiser walks real pages while the
Redis that holds both the cache (sessions, roles, counts) and the Celery broker hangs, then refuses, then
is back while SMTP hangs. Every request of the journey must finish within BUDGET_SECONDS and none may be
a 500; after Redis and SMTP are back, the outbox delivers each waiting email exactly once.

Faults come from loopback proxies (tests/fault_proxy.py) that the test switches between pass, hang and
refuse; the shared Redis and SMTP are never stopped. The test prints each fault's per-request p95 and
maximum (docs/degraded-dependencies.md shows them).
"""

from __future__ import annotations

import math
import os
import re
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.cache import caches
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from config.celery import app as celery_app
from notifications.models import Notification, NotificationStatus
from notifications.tasks import send_due_notifications, send_notification
from orders.models import OrderEvent

from ..conftest import IN_CI, require_server
from ..fault_proxy import HANG, PASS, REFUSE, FaultProxy, redis_upstream
from ..security.test_broker_faults import broker_at
from .merch_labels import LABELS, attach_customer_evidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET_SECONDS = 2.0
# Shorter than the default (30 s) so that Redis, back in the last phase, is probed again within it.
BREAKER_SECONDS = 10
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


class Stopwatch:
    """Every page and htmx request the browser makes, timed by the browser, grouped by phase."""

    def __init__(self, page):
        self.phase = "setup"
        self.requests: dict[str, list[tuple[float, int, str]]] = {}
        page.on("requestfinished", self._finished)
        page.on("requestfailed", lambda request: self._record(request, 0))

    def _finished(self, request):
        response = request.response()
        self._record(request, response.status if response else 0)

    def _record(self, request, status: int):
        if request.resource_type not in ("document", "xhr", "fetch"):
            return
        seconds = max(request.timing.get("responseEnd", 0), 0) / 1000
        self.requests.setdefault(self.phase, []).append((seconds, status, f"{request.method} {request.url}"))

    def summary(self, phase: str) -> tuple[int, float, float]:
        times = sorted(seconds for seconds, _, _ in self.requests.get(phase, []))
        p95 = times[max(math.ceil(0.95 * len(times)) - 1, 0)] if times else 0.0
        return len(times), p95, times[-1] if times else 0.0


def walk(j, password: str, po: str) -> str:
    """Sign in, My work, a phone order through confirmation and entry, production, a delay the customer is
    told about (an email). Returns the order number."""
    t = LABELS["en"]
    page = j.page
    today = timezone.localdate()
    j.start("/").sign_in("merch.wang", password)
    j.nav(t["nav_my_work"])
    j.nav(t["nav_new_order"])
    expect(j.heading()).to_have_text(t["phone_heading"])
    j.select(t["customer"], "Pacific Apparel Inc.")
    j.fill(t["customer_po"], po)
    j.select(t["currency"], "USD")
    j.fill(t["delivery_date"], (today + timedelta(days=90)).isoformat())
    first = j.grid_row(1)
    j.fill(t["style_no"], "TS-1001", within=first)
    j.fill(t["description"], "Crew-neck T-shirt, navy", within=first)
    j.fill(t["quantity"], "1200", within=first)
    j.select(t["unit"], t["pieces"], within=first)
    j.fill(t["unit_price"], "3.85", within=first)
    j.click_button(t["save_order"])
    expect(j.message()).to_contain_text(t["order_received"])

    ticks = page.get_by_role("button", name=re.compile("^" + re.escape(t["tick"])))
    j.click(page.get_by_role("button", name=re.compile("^" + re.escape(t["tick_all"]))))
    expect(ticks).to_have_count(0)
    j.select(t["method"], t["phone"])
    j.fill(t["contact"], "Grace Lee")
    j.click_button(t["save_confirmation"])
    expect(j.message()).to_contain_text(t["confirmation_recorded"])
    j.click_button(t["confirm_order"])
    expect(j.heading()).to_contain_text(t["confirmed"])
    j.click_button(t["enter_order"])
    expect(j.heading()).to_contain_text(t["entered"])
    number = re.search(r"SO-\d{4}-\d{6}", j.heading().inner_text()).group(0)

    step = j.next_step()
    j.fill(t["factory"], "Ningbo No. 2", within=step)
    j.fill(t["line"], "Line 3", within=step)
    j.fill(t["work_order"], f"WO-{po}", within=step)
    j.fill(t["start_date"], today.isoformat(), within=step)
    j.click_button(t["start_production"], within=step)
    expect(j.message()).to_contain_text(t["production_started"])
    order_page = page.url.split("#", 1)[0]  # the order on its Production tab (?tab=production)

    j.nav(t["nav_my_work"])  # the dashboard's counts
    page.go_back()  # the browser's Back button, to the order
    j.settle()
    assert page.url.split("#", 1)[0] == order_page
    production = section(j, t["production"])
    j.click(production.get_by_text(t["record_delay"], exact=True))
    j.select(t["reason"], t["customer_change"], within=production)
    attach_customer_evidence(production, t)
    j.fill(t["new_date"], (today + timedelta(days=104)).isoformat(), within=production)
    j.click_button(t["notify_delay"])
    expect(j.message()).to_contain_text(t["delay_recorded"])
    return number


def overloaded() -> bool:
    """Outside CI, a machine running far more than it has cores (other checkouts' suites) can stall any
    request for seconds; a budget breach there says nothing about Redis. CI always holds the budget."""
    return not IN_CI and os.getloadavg()[0] > 2 * (os.cpu_count() or 1)


def section(j, heading: str):
    return j.page.locator("section.card", has=j.page.get_by_role("heading", name=heading, exact=True))


def wait_until(predicate, *, seconds=30, what="the condition"):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def redis_proxy():
    upstream = redis_upstream()
    require_server(upstream is not None, "Redis")
    host, port, database = upstream
    with FaultProxy(host, port) as proxy:
        proxy.database = database
        yield proxy


@pytest.fixture
def smtp_proxy():
    # Nothing behind it is ever reached: the SMTP phase only hangs.
    with FaultProxy("127.0.0.1", 9) as proxy:
        proxy.set(HANG)
        yield proxy


def test_the_merchandiser_works_on_through_redis_smtp_and_database_faults(open_journey, demo, redis_proxy, smtp_proxy):
    redis_url = f"redis://127.0.0.1:{redis_proxy.port}/{redis_proxy.database}"
    prefix = f"degraded-{uuid.uuid4().hex[:12]}"
    queue = f"test-degraded-{prefix}"
    cache = {
        "default": {
            "BACKEND": "core.redis_cache.BreakerRedisCache",
            "LOCATION": redis_url,  # the broker's Redis, as the issue found it; our keys only (KEY_PREFIX)
            "KEY_PREFIX": prefix,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    mail.outbox.clear()
    with (
        override_settings(
            CACHES=cache,
            SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
            ACCESS_CACHE_SECONDS=600,
            DASHBOARD_COUNTS_MAX_AGE=60,
            REDIS_BREAKER_SECONDS=BREAKER_SECONDS,
            EMAIL_BACKEND=LOCMEM,
        ),
        broker_at(redis_url),
    ):
        default_queue, celery_app.conf.task_default_queue = celery_app.conf.task_default_queue, queue
        try:
            _walk_every_fault(open_journey, demo, redis_proxy, smtp_proxy, queue)
        finally:
            celery_app.conf.task_default_queue = default_queue
            redis_proxy.set(PASS)
            caches["default"].delete_pattern("*")
            with celery_app.connection_for_write() as conn:
                conn.default_channel.queue_delete(queue)


def _walk_every_fault(open_journey, demo, redis_proxy, smtp_proxy, queue):
    figures = {}
    phases = [
        ("Redis hangs", HANG, None),
        ("Redis refuses", REFUSE, None),
        ("SMTP hangs", PASS, smtp_proxy),
    ]
    worker = None
    smtp_settings = None
    numbers = []
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ours = Notification.objects.filter(pk__gt=before)  # the demo has emails of its own
    try:
        for n, (phase, redis_mode, smtp) in enumerate(phases, start=1):
            redis_proxy.set(redis_mode)
            if smtp is not None:
                # Redis is back: a worker takes the queue and tries to mail through the hanging server.
                smtp_settings = override_settings(
                    EMAIL_BACKEND=SMTP, EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp.port, EMAIL_TIMEOUT=1
                )
                smtp_settings.enable()
                worker = start_worker(
                    celery_app,
                    pool="solo",
                    concurrency=1,
                    perform_ping_check=False,
                    queues=[queue],
                    shutdown_timeout=30,
                )
                worker.__enter__()
            j = open_journey("en", name=f"degraded-{n}")
            watch = Stopwatch(j.page)
            watch.phase = phase
            started = time.monotonic()
            numbers.append(walk(j, demo, f"DEGRADED-{n}"))
            print(f"{phase}: journey walked in {time.monotonic() - started:.1f} s")
            # A walked journey leaves its page, so that its bell stops polling: a poll that lands in the
            # PostgreSQL restart below fails there, as it should, and would count against this journey.
            j.page.goto("about:blank")
            figures[phase] = watch
            if smtp is not None:
                wait_until(
                    lambda: ours.filter(attempts__gte=1).count() == 1,
                    what="the worker to try every waiting email once",
                )
                smtp_settings.disable()
                smtp_settings = None

        print("\nper-request seconds, browser-timed (document and htmx requests):")
        report(figures)
        for phase, watch in figures.items():
            slow = [(s, u) for s, status, u in watch.requests[phase] if s > BUDGET_SECONDS]
            failed = [(status, u) for _, status, u in watch.requests[phase] if status >= 500 or status == 0]
            assert not failed, f"{phase}: failed requests: {failed}"
            if slow and overloaded():
                print(f"{phase}: over {BUDGET_SECONDS} s on an overloaded machine (not counted outside CI): {slow}")
            else:
                assert not slow, f"{phase}: over {BUDGET_SECONDS} s: {slow}"

        # Every delay email waits in the outbox: the first two were never published, the third was, but
        # the SMTP server hung.
        waiting = list(ours.order_by("pk"))
        assert [n.kind for n in waiting] == ["production_delay"] * len(phases)
        assert all(n.status == NotificationStatus.PENDING for n in waiting)
        assert [n.attempts for n in waiting] == [0, 0, 1]
        assert "timed out" in waiting[2].last_error
        assert mail.outbox == []

        # Redis and SMTP are back and the backoff has passed: the retry job runs twice, and a late
        # redelivery of each send arrives too; each email still goes out exactly once.
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(next_attempt_at=timezone.now())
        if worker is None:
            worker = start_worker(
                celery_app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue], shutdown_timeout=30
            )
            worker.__enter__()
        send_due_notifications.delay()
        send_due_notifications.delay()
        for each in waiting:
            send_notification.delay(each.pk)
        wait_until(
            lambda: all(
                n.status == NotificationStatus.SENT for n in Notification.objects.filter(pk__in=[w.pk for w in waiting])
            ),
            what="every waiting email to be sent",
        )
        wait_until(lambda: _queue_length(queue) == 0, what="the queue to drain")
        time.sleep(0.5)  # the last task taken off the queue finishes
    finally:
        if smtp_settings is not None:
            smtp_settings.disable()
        if worker is not None:
            worker.__exit__(None, None, None)

    sent_ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    for notification in ours:
        assert sent_ids.count(notification.message_id) == 1, (
            f"{notification} sent {sent_ids.count(notification.message_id)} times"
        )
        assert notification.to_email == "buying@pacificapparel.example"
    for number in numbers:
        assert any(number in message.subject + message.body for message in mail.outbox), number

    if connection.vendor == "postgresql":
        figures["PostgreSQL restarts"] = _walk_through_a_database_restart(open_journey, demo, numbers[-1])
    else:
        print("PostgreSQL restart: skipped on SQLite")
    report({"PostgreSQL restarts": figures["PostgreSQL restarts"]} if "PostgreSQL restarts" in figures else {})


def report(figures: dict) -> None:
    """The figures docs/degraded-dependencies.md shows."""
    for phase, watch in figures.items():
        count, p95, worst = watch.summary(phase)
        print(f"  {phase:<19} requests {count:>3}   p95 {p95:.2f}   max {worst:.2f}")
        slowest = sorted(watch.requests.get(phase, []), reverse=True)[:3]
        print("      slowest: " + "; ".join(f"{seconds:.2f} {what.split('/', 3)[-1]}" for seconds, _, what in slowest))


RESTART_SECONDS = 3  # how long PostgreSQL refuses connections while it "restarts"
RECOVERY_SECONDS = 5  # after it is back, every request must succeed within this


@contextmanager
def database_through(proxy):
    """Every thread but this test's own connects to PostgreSQL through `proxy`, from a psycopg pool with
    health checks, as production's web processes do (config/settings/base.py). The settings dict is the
    one every thread's connection reads when it connects; this thread's connection is already open."""
    connection.ensure_connection()
    shared = connections.settings["default"]
    saved = {key: shared.get(key) for key in ("HOST", "PORT", "CONN_HEALTH_CHECKS", "CONN_MAX_AGE")}
    saved_options = dict(shared["OPTIONS"])
    shared.update(HOST="127.0.0.1", PORT=str(proxy.port), CONN_HEALTH_CHECKS=True, CONN_MAX_AGE=0)
    shared["OPTIONS"]["pool"] = {"min_size": 1, "max_size": 4, "timeout": 2}
    try:
        yield
    finally:
        connection.close_pool()
        shared.update(saved)
        shared["OPTIONS"].clear()
        shared["OPTIONS"].update(saved_options)


def _walk_through_a_database_restart(open_journey, password, number):
    """The merchandiser is at work when PostgreSQL restarts: what is in flight may fail with the error page;
    within RECOVERY_SECONDS of the restart every request succeeds again, and nothing done is lost."""
    t = LABELS["en"]
    phase = "PostgreSQL restarts"
    settings_dict = connections.settings["default"]
    delays_before = OrderEvent.objects.filter(order__number=number, payload__has_key="delay").count()
    upstream = (settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432))
    with FaultProxy(*upstream) as proxy, database_through(proxy):
        j = open_journey("en", name="degraded-postgres")
        watch = Stopwatch(j.page)
        watch.phase = "before"
        j.start("/").sign_in("merch.wang", password)
        j.nav(t["nav_orders"])
        j.click_link(number)
        order_page = j.page.url

        proxy.set(REFUSE)  # the server goes down: every connection dropped, new ones refused
        watch.phase = "during"
        started = time.monotonic()
        response = j.page.goto(order_page)
        print(f"PostgreSQL down: the order page answered {response.status} in {time.monotonic() - started:.1f} s")
        assert response.status in (200, 500), response.status
        if response.status == 500:
            j.see("The problem has been logged; please try again shortly.")
        time.sleep(RESTART_SECONDS)
        proxy.set(PASS)
        back = time.monotonic()

        watch.phase = "recovering"
        while True:
            response = j.page.goto(order_page)
            if response.status == 200:
                break
            assert time.monotonic() - back < RECOVERY_SECONDS, f"still {response.status} after the restart"
            time.sleep(0.2)
        recovered = time.monotonic() - back
        watch.phase = phase
        j.settle()
        production = section(j, t["production"])
        j.click(production.get_by_text(t["record_delay"], exact=True))
        j.select(t["reason"], t["customer_change"], within=production)
        attach_customer_evidence(production, t)
        j.fill(t["new_date"], (timezone.localdate() + timedelta(days=120)).isoformat(), within=production)
        j.click_button(t["notify_delay"])
        expect(j.message()).to_contain_text(t["delay_recorded"])
        j.nav(t["nav_my_work"])
        j.nav(t["nav_orders"])
        j.click_link(number)
        # The in-flight error page was expected; only what came after the restart counts.
        j.console_errors[:] = [e for e in j.console_errors if "500" not in e]
    print(f"PostgreSQL back: the order page answered again {recovered:.1f} s after the restart")
    after = [(s, status, u) for s, status, u in watch.requests.get(phase, [])]
    assert after and all(status < 500 and status != 0 for _, status, _ in after), after
    slow = [(s, u) for s, _, u in after if s > BUDGET_SECONDS]
    if slow and overloaded():
        print(f"{phase}: over {BUDGET_SECONDS} s on an overloaded machine (not counted outside CI): {slow}")
    else:
        assert not slow, slow
    # Nothing the person was told was done is lost; nothing was written twice.
    assert OrderEvent.objects.filter(order__number=number, payload__has_key="delay").count() == delays_before + 1
    return watch


def _queue_length(queue: str) -> int:
    with celery_app.connection_for_write() as conn:
        return conn.default_channel.client.llen(queue)
