"""The mail server is down, or hangs: sending fails fast (EMAIL_TIMEOUT) and the email stays in the
outbox; when the server is back, the retry job delivers it exactly once, with the Message-ID recorded.

A real SMTP server (aiosmtpd) on a free port, started only after the first attempt has failed.
"""

import email
import time
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.services import notification_enqueue, notifications_send_due

from .test_broker_faults import closed_port, silent_server

EMAIL_TIMEOUT = 2


class Inbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def smtp_settings(port: int):
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=EMAIL_TIMEOUT,
        CELERY_TASK_ALWAYS_EAGER=True,
    )


def enqueue(django_capture_on_commit_callbacks) -> tuple[Notification, float]:
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notification = notification_enqueue(
            kind="security_smtp_test",
            reference="order:1",
            to_email="buyer@customer.example",
            language="en",
            template="case_opened",
            context={},
        )
    return Notification.objects.get(pk=notification.pk), time.monotonic() - started


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["down", "hanging"])
def test_mail_server_down_then_back_delivers_exactly_once(fault, django_capture_on_commit_callbacks, capsys):
    with silent_server() as (hanging_port, _accepted):
        port = closed_port() if fault == "down" else hanging_port
        with smtp_settings(port):
            notification, seconds = enqueue(django_capture_on_commit_callbacks)
    with capsys.disabled():
        print(f"\nSMTP {fault}: first attempt failed in {seconds:.2f}s: {notification.last_error[:80]}")
    assert seconds < EMAIL_TIMEOUT + 1.5, f"the failing send took {seconds:.2f}s"
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 1 and notification.last_error
    assert notification.next_attempt_at > timezone.now()  # backs off before the next try

    inbox = Inbox()
    port = closed_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtp_settings(port), time_machine.travel(timezone.now() + timedelta(minutes=5), tick=True):
            assert notifications_send_due() == 1
            assert notifications_send_due() == 0  # the next run of the job finds nothing to do
    finally:
        controller.stop()

    assert len(inbox.messages) == 1
    sent = Notification.objects.get(pk=notification.pk)
    assert sent.status == NotificationStatus.SENT and sent.attempts == 2
    assert inbox.messages[0]["Message-ID"] == sent.message_id
    if notification.message_id:  # an id chosen at the first attempt is kept for the retry
        assert sent.message_id == notification.message_id
    assert inbox.messages[0]["To"] == "buyer@customer.example"
