"""In production mail goes over SMTP. These tests send through Django's SMTP backend to a real SMTP
server on loopback (aiosmtpd), including a server that is down and comes back."""

import socket
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from logistics.models import Shipment
from notifications.models import Notification, NotificationStatus
from notifications.services import notifications_send_due

from ..logistics.helpers import in_production_order, make_carrier


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=email_policy.default)))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self.inbox

    def __exit__(self, *exc):
        self.controller.stop()


def smtp_settings(port: int):
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=5,
    )


def post_shipment(client, order):
    line = order.lines.get()
    return client.post(
        reverse("logistics:shipment_new", args=[order.pk]),
        {
            "carrier": make_carrier().pk,
            "mode": "express",
            "tracking_number": "SF998877",
            "ship_date": timezone.localdate().isoformat(),
            "eta": (timezone.localdate() + timedelta(days=4)).isoformat(),
            f"qty_{line.pk}": "100",
        },
    )


def test_the_shipment_email_reaches_a_real_smtp_server(client, merchandiser, django_capture_on_commit_callbacks):
    order = in_production_order(merchandiser, lines=1)
    order.customer.preferred_language = "zh-hans"
    order.customer.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)
    port = free_port()

    with SmtpServer(port) as inbox, smtp_settings(port), django_capture_on_commit_callbacks(execute=True):
        response = post_shipment(client, order)

    assert response.status_code == 302
    notification = Notification.objects.get(reference=f"order:{order.pk}", kind="shipment_shipped")
    assert notification.status == NotificationStatus.SENT
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == [order.customer.email]
    assert message["Message-ID"] == notification.message_id
    assert message["Subject"] == f"订单 {order.number} 已发货"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "SF998877" in text and "顺丰速运" in text
    assert message.get_body(preferencelist=("html",)) is not None


def test_mail_server_down_then_back_delivers_exactly_once(client, merchandiser, django_capture_on_commit_callbacks):
    order = in_production_order(merchandiser, lines=1)
    client.force_login(merchandiser)
    port = free_port()  # nothing listens here yet

    with smtp_settings(port):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_shipment(client, order)

        # the person's request succeeded; the message waits in the outbox
        assert response.status_code == 302
        assert Shipment.objects.filter(order=order).exists()
        notification = Notification.objects.get(reference=f"order:{order.pk}", kind="shipment_shipped")
        assert (notification.status, notification.attempts) == (NotificationStatus.PENDING, 1)
        assert "Connection" in notification.last_error or "refused" in notification.last_error.lower()

        with SmtpServer(port) as inbox:
            assert notifications_send_due() == 0  # backing off: not due yet
            with time_machine.travel(timezone.now() + timedelta(minutes=3)):
                assert notifications_send_due() == 1
                assert notifications_send_due() == 0  # sent once, never again

    assert len(inbox.messages) == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 2
    assert inbox.messages[0][1]["Message-ID"] == notification.message_id
    assert notification.sent_at is not None


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_both_languages_survive_the_smtp_round_trip(merchandiser, django_capture_on_commit_callbacks, language):
    from ..logistics.helpers import ship

    order = in_production_order(merchandiser, lines=1)
    order.customer.preferred_language = language
    order.customer.save(update_fields=["preferred_language"])
    port = free_port()

    with SmtpServer(port) as inbox, smtp_settings(port), django_capture_on_commit_callbacks(execute=True):
        ship(order, merchandiser)

    subject = inbox.messages[0][1]["Subject"]
    assert subject == (f"Order {order.number} has shipped" if language == "en" else f"订单 {order.number} 已发货")
