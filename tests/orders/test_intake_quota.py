"""The files the intake keeps between its two steps have a global quota (issue 19 item 12): ten per session
is no bound when anyone may open sessions, so past INTAKE_TMP_MAX_BYTES a new upload is refused with a
clear message, keeps nothing, and the pages still answer."""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orders.models import Order

from ..factories import CustomerFactory

pytestmark = pytest.mark.django_db

PASTED = (
    "From: Carol Chen <carol@pasted-buyer.example>\n"
    "Subject: PO 7788-01\n"
    "Date: Mon, 9 Nov 2026 08:00:00 +0800\n"
    "\n"
    "Hi, please book 300 sets.\n"
)
FULL = "The server is holding too many uploads waiting for their second step."


@pytest.fixture
def stash_dir(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = settings.MEDIA_ROOT / "intake-tmp"
    folder.mkdir(parents=True)
    return folder


def kept(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def sheet(customer) -> SimpleUploadedFile:
    rows = "customer_code,customer_po,delivery_date,currency,description,quantity,unit,unit_price\n"
    rows += f"{customer.code},PO-Q-1,2027-03-31,USD,Tee,100,PCS,2.5\n"
    return SimpleUploadedFile("orders.csv", rows.encode(), content_type="text/csv")


def test_an_email_over_the_quota_is_refused_and_nothing_is_kept(client, merchandiser, stash_dir, settings):
    settings.INTAKE_TMP_MAX_BYTES = 1000
    (stash_dir / "someone-else.bin").write_bytes(b"x" * 900)  # another session's upload, still waiting
    client.force_login(merchandiser)

    response = client.post(reverse("orders:intake_email"), {"step": "parse", "raw_text": PASTED})

    assert response.status_code == 400
    assert FULL in response.content.decode()
    assert kept(stash_dir) == ["someone-else.bin"]
    assert "stash" not in response.context


def test_a_spreadsheet_over_the_quota_is_refused_and_nothing_is_kept(client, merchandiser, stash_dir, settings):
    customer = CustomerFactory(merchandiser=merchandiser)
    settings.INTAKE_TMP_MAX_BYTES = 1000
    (stash_dir / "someone-else.bin").write_bytes(b"x" * 990)
    client.force_login(merchandiser)

    response = client.post(reverse("orders:intake_spreadsheet"), {"step": "preview", "file": sheet(customer)})

    assert response.status_code == 400
    assert FULL in response.content.decode()
    assert kept(stash_dir) == ["someone-else.bin"]
    assert "import_form" not in response.context
    assert not Order.objects.exists()


def test_under_the_quota_the_upload_is_kept_as_before(client, merchandiser, stash_dir, settings):
    settings.INTAKE_TMP_MAX_BYTES = 10_000
    (stash_dir / "someone-else.bin").write_bytes(b"x" * 900)
    client.force_login(merchandiser)

    response = client.post(reverse("orders:intake_email"), {"step": "parse", "raw_text": PASTED})

    assert response.status_code == 200
    assert len(kept(stash_dir)) == 2
    assert not [m for m in get_messages(response.wsgi_request) if FULL in str(m)]


def test_the_default_quota_is_500_mb():
    assert django_settings.INTAKE_TMP_MAX_BYTES == 500 * 1024 * 1024


def test_what_the_daily_sweep_would_remove_does_not_count(client, merchandiser, stash_dir, settings):
    settings.INTAKE_TMP_MAX_BYTES = 1000
    stale = stash_dir / "abandoned.bin"
    stale.write_bytes(b"x" * 900)
    day_ago = time.time() - 25 * 3600
    os.utime(stale, (day_ago, day_ago))
    client.force_login(merchandiser)

    response = client.post(reverse("orders:intake_email"), {"step": "parse", "raw_text": PASTED})

    assert response.status_code == 200
    assert "abandoned.bin" not in kept(stash_dir)
