"""A message may carry files: stored with it in the caller's transaction, sent with it, the same bytes on
every attempt; rolled back with the change that wrote it."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, NotificationAttachment
from notifications.services import OutgoingFile, notification_send, notifications_send_due

from .test_outbox import enqueue

FILE = OutgoingFile("PL-SO-1-S1-v1.pdf", b"%PDF-1.7 packing list", "application/pdf")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_file_is_sent_with_the_message(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = enqueue(attachments=[FILE])

    stored = NotificationAttachment.objects.get(notification=notification)
    assert (stored.original_name, stored.size, stored.content_type) == (FILE.name, len(FILE.content), FILE.content_type)
    assert mail.outbox[0].attachments == [(FILE.name, FILE.content, FILE.content_type)]


def test_a_retry_sends_the_same_file(db):
    notification = enqueue(attachments=[FILE])
    Notification.objects.filter(pk=notification.pk).update(status="pending")
    mail.outbox.clear()

    assert notification_send(notification_id=notification.pk)

    assert mail.outbox[0].attachments == [(FILE.name, FILE.content, FILE.content_type)]


def test_nothing_is_stored_when_the_change_rolls_back(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(attachments=[FILE])
        raise RuntimeError("the shipment failed")

    assert not NotificationAttachment.objects.exists()


def test_a_lost_file_fails_its_own_message_and_the_retry_job_sends_the_others(db):
    lost = enqueue(attachments=[FILE], dedupe_key="lost")
    other = enqueue(dedupe_key="other")
    stored = NotificationAttachment.objects.get(notification=lost)
    stored.file.storage.delete(stored.file.name)  # e.g. a media folder restored without this file
    mail.outbox.clear()

    assert notifications_send_due() == 1

    lost.refresh_from_db()
    assert (lost.status, lost.attempts) == ("pending", 1)
    assert "FileNotFoundError" in lost.last_error and lost.next_attempt_at > timezone.now()
    assert Notification.objects.get(pk=other.pk).status == "sent"
    assert [m.subject for m in mail.outbox] == [other.subject]
