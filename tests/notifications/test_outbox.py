"""The outbox: written in the caller's transaction, sent after commit, retried with backoff until sent,
each message sent exactly once with its time and Message-ID recorded."""

from datetime import timedelta
from threading import Barrier, Thread
from types import SimpleNamespace
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import close_old_connections, connection, transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.services import (
    MAX_ATTEMPTS,
    notification_enqueue,
    notification_send,
    notifications_send_due,
)

from ..logistics.helpers import in_production_order, ship


def enqueue(**overrides):
    values = {
        "kind": "test",
        "reference": "order:1",
        "to_email": "buyer@customer.example",
        "language": "en",
        "template": "shipment_delivered",
        "context": {
            "order": SimpleNamespace(
                display_number="SO-1", merchandiser=SimpleNamespace(get_full_name="Li Na", username="li")
            ),
            "customer": SimpleNamespace(name="Nordic Home"),
            "status_url": "https://gendan.example/s/x/",
        },
    }
    values.update(overrides)
    return notification_enqueue(**values)


def test_nothing_is_queued_when_the_change_rolls_back(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue()
        raise RuntimeError("the shipment failed")
    assert not Notification.objects.exists()


def test_the_message_is_sent_after_commit_not_before(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        notification = enqueue()
    assert mail.outbox == []
    assert len(callbacks) == 1

    callbacks[0]()  # the commit happened: dispatch (eager in tests) sends it

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == notification.message_id
    assert notification.sent_at is not None


def test_a_dedupe_key_queues_once(db):
    with transaction.atomic():
        first = enqueue(dedupe_key="order:1:delivered")
        second = enqueue(dedupe_key="order:1:delivered")
    assert first is not None
    assert second is None
    assert Notification.objects.count() == 1


def test_a_lost_dedupe_race_does_not_break_the_callers_transaction(db):
    with transaction.atomic():
        enqueue(dedupe_key="k")
        with mock.patch.object(Notification.objects, "filter") as filtered:
            filtered.return_value.exists.side_effect = [False, True]  # the pre-check misses the other writer
            assert enqueue(dedupe_key="k") is None
        # the caller's transaction is still usable
        assert Notification.objects.count() == 1


def test_sending_twice_sends_once(db):
    with transaction.atomic():
        notification = enqueue()  # the test's own transaction never commits: still pending

    assert notification_send(notification_id=notification.pk) is True
    assert notification_send(notification_id=notification.pk) is False
    assert notifications_send_due() == 0
    assert len(mail.outbox) == 1
    sent = Notification.objects.get(pk=notification.pk)
    assert (sent.status, sent.attempts) == (NotificationStatus.SENT, 1)


def test_a_mail_server_failure_backs_off_and_keeps_the_message_id(db, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notification = enqueue()

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 1
    assert notification.last_error
    first_id = notification.message_id
    assert first_id
    assert notification.next_attempt_at > timezone.now() + timedelta(seconds=110)  # 2 minutes

    assert notifications_send_due() == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        notifications_send_due()
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.message_id == first_id  # the same Message-ID on every attempt
    assert notification.next_attempt_at > timezone.now() + timedelta(minutes=3)  # 4 minutes after


def test_the_backoff_is_capped_and_the_outbox_gives_up_in_the_end(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with transaction.atomic():
        notification = enqueue()
    Notification.objects.filter(pk=notification.pk).update(attempts=MAX_ATTEMPTS - 1)

    notification_send(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.next_attempt_at <= timezone.now() + timedelta(hours=1, seconds=5)


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_once():
    with transaction.atomic():
        notification = enqueue()  # eager dispatch is on_commit: it already sent; make it pending again
    Notification.objects.filter(pk=notification.pk).update(status=NotificationStatus.PENDING, sent_at=None)
    mail.outbox.clear()
    barrier = Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(notification_send(notification_id=notification.pk))
        finally:
            close_old_connections()
            connection.close()

    threads = [Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1


# --- the shipment email, as the customer gets it -------------------------------------------------------
def test_the_shipment_email_is_in_the_customers_language(merchandiser, django_capture_on_commit_callbacks):
    order = in_production_order(merchandiser, lines=1)
    order.customer.preferred_language = "zh-hans"
    order.customer.save(update_fields=["preferred_language"])

    with django_capture_on_commit_callbacks(execute=True):
        ship(order, merchandiser)

    sent = mail.outbox[-1]
    assert sent.to == [order.customer.email]
    assert sent.subject == f"订单 {order.number} 已发货"
    body = sent.body
    for expected in ("顺丰速运", "SF1234567890", "预计到达", "/s/", "100 "):
        assert expected in body
    notification = Notification.objects.get(reference=f"order:{order.pk}")
    assert (notification.language, notification.status) == ("zh-hans", NotificationStatus.SENT)


def test_the_shipment_email_in_english_lists_items_carrier_tracking_eta_and_link(
    merchandiser, django_capture_on_commit_callbacks
):
    order = in_production_order(merchandiser, lines=2)
    first = order.lines.order_by("line_no").first()

    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, merchandiser, quantities={first.pk: 40})

    sent = mail.outbox[-1]
    assert sent.subject == f"Part of order {order.number} has shipped"
    for expected in ("SF Express", "SF1234567890", shipment.eta.strftime("%Y-%m-%d"), "40 ", "/s/"):
        assert expected in sent.body
    html = sent.alternatives[0][0]
    assert 'href="https://www.sf-express.example/track?no=SF1234567890"' in html


def test_staff_see_each_notifications_state_on_the_order(client, merchandiser, django_capture_on_commit_callbacks):
    order = in_production_order(merchandiser, lines=1)
    with django_capture_on_commit_callbacks(execute=True):
        ship(order, merchandiser)
    client.force_login(merchandiser)

    # The log is folded on the order page and read when opened (htmx), or asked for with ?open= without it.
    opened = client.get(reverse("orders:section", args=[order.pk, "notifications"])).content.decode()
    unfolded = client.get(reverse("orders:detail", args=[order.pk]) + "?open=notifications").content.decode()

    for page in (opened, unfolded):
        assert f"Order {order.number} has shipped" in page
        assert "Sent" in page


def test_a_customer_without_email_is_flagged_on_the_timeline(merchandiser):
    from orders.models import OrderEvent

    order = in_production_order(merchandiser, lines=1)
    order.customer.email = ""
    order.customer.save(update_fields=["email"])
    order.customer.contacts.update(email="")

    ship(order, merchandiser)

    assert not Notification.objects.filter(reference=f"order:{order.pk}").exists()
    assert OrderEvent.objects.filter(order=order, payload__action="notification_skipped").exists()
