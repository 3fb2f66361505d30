"""The go-live import as a job: the page hands the checked file to a worker and follows it; the orders and
the job's "done" are written once, whatever the queue does (redelivery, a broker that is down, a worker
that dies), and a refusal or an unexpected error leaves nothing imported and says why."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from golive import services as golive_services
from golive.models import ImportJob, ImportJobStatus
from golive.services import golive_job_restart, golive_job_run, golive_job_start
from orders.models import Channel, Order

from .helpers import four_states, row

pytestmark = pytest.mark.django_db


def _bytes(rows) -> bytes:
    from .helpers import csv_file

    return csv_file(rows).read()


def test_a_job_imports_its_file_once_however_often_it_is_delivered(world, supervisor):
    job = golive_job_start(data=_bytes(four_states()), name="open-orders.csv", actor=supervisor)
    assert job.status == ImportJobStatus.QUEUED and job.size > 0

    first = golive_job_run(job_id=job.pk)
    again = golive_job_run(job_id=job.pk)  # a redelivery, or the queue sending it twice

    assert first.status == again.status == ImportJobStatus.DONE
    assert first.orders_imported == 4 and first.attempts == 1
    assert Order.objects.filter(channel=Channel.GOLIVE).count() == 4


def test_a_worker_that_died_mid_way_is_replaced_and_the_job_imports_once(world, supervisor):
    job = golive_job_start(data=_bytes(four_states()), name="open-orders.csv", actor=supervisor)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, attempts=1)  # killed after claiming

    done = golive_job_run(job_id=job.pk)

    assert done.status == ImportJobStatus.DONE and done.attempts == 2
    assert Order.objects.filter(channel=Channel.GOLIVE).count() == 4


def test_a_file_that_no_longer_fits_fails_with_its_reasons_and_imports_nothing(world, supervisor):
    data = _bytes(four_states())
    golive_job_run(job_id=golive_job_start(data=data, name="a.csv", actor=supervisor).pk)
    second = golive_job_start(data=data, name="a-again.csv", actor=supervisor)  # the same orders, imported already

    failed = golive_job_run(job_id=second.pk)

    assert failed.status == ImportJobStatus.FAILED and failed.finished_at
    assert "nothing was imported" in failed.error
    assert failed.reasons and all(isinstance(reason, str) for reason in failed.reasons)
    assert Order.objects.filter(channel=Channel.GOLIVE).count() == 4


def test_an_unexpected_error_fails_the_job_and_rolls_every_order_back(world, supervisor, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(golive_services, "shipments_record_imported", crash)
    job = golive_job_start(data=_bytes(four_states()), name="open-orders.csv", actor=supervisor)

    failed = golive_job_run(job_id=job.pk)

    assert failed.status == ImportJobStatus.FAILED
    assert "unexpected error" in failed.error and "disk full" not in failed.error  # no internals on the page
    assert Order.objects.count() == 0


def test_an_uploader_who_lost_the_right_to_import_meanwhile_imports_nothing(world, supervisor):
    job = golive_job_start(data=_bytes([row(customer_po="T", state="received")]), name="t.csv", actor=supervisor)
    supervisor.groups.clear()

    failed = golive_job_run(job_id=job.pk)

    assert failed.status == ImportJobStatus.FAILED and "Only supervisors and management" in failed.error
    assert Order.objects.count() == 0


def test_a_merchandiser_may_not_start_a_job(world, merchandiser):
    from core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        golive_job_start(data=_bytes(four_states()), name="x.csv", actor=merchandiser)
    assert not ImportJob.objects.exists()


def test_a_job_the_queue_never_took_may_be_started_again_from_its_page(
    world, supervisor, client, django_capture_on_commit_callbacks
):
    job = golive_job_start(data=_bytes(four_states()), name="open-orders.csv", actor=supervisor)  # never queued
    client.force_login(supervisor)
    url = reverse("golive:job", args=[job.pk])
    page = client.get(url)
    assert "waits for a worker" in page.content.decode()
    assert "Start the import again" not in page.content.decode()  # too early to tell

    ImportJob.objects.filter(pk=job.pk).update(uploaded_at=timezone.now() - timedelta(minutes=5))
    page = client.get(url)
    assert "Start the import again" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    assert ImportJob.objects.get(pk=job.pk).status == ImportJobStatus.DONE
    assert Order.objects.filter(channel=Channel.GOLIVE).count() == 4


def test_a_running_or_finished_job_is_not_started_again(world, supervisor, django_capture_on_commit_callbacks):
    job = golive_job_start(data=_bytes(four_states()), name="open-orders.csv", actor=supervisor)
    golive_job_run(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(uploaded_at=timezone.now() - timedelta(minutes=5))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        golive_job_restart(job_id=job.pk, actor=supervisor)

    assert callbacks == []


def test_the_status_answers_htmx_with_its_fragment_and_stops_polling_when_done(world, supervisor, client):
    job = golive_job_start(data=_bytes(four_states()), name="open-orders.csv", actor=supervisor)
    client.force_login(supervisor)
    url = reverse("golive:job", args=[job.pk])

    waiting = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert waiting.startswith('<div id="golive-job"') and 'hx-trigger="every 2s"' in waiting
    golive_job_run(job_id=job.pk)
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and "4 orders imported" in done


def test_only_importers_see_a_job(world, supervisor, merchandiser, client):
    job = golive_job_start(data=_bytes(four_states()), name="open-orders.csv", actor=supervisor)
    client.force_login(merchandiser)
    assert client.get(reverse("golive:job", args=[job.pk])).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("golive:job", args=[job.pk + 1000])).status_code == 404
    page = client.get(reverse("golive:import")).content.decode()
    assert "Earlier imports" in page and "open-orders.csv" in page
