"""Thin, idempotent jobs. Each takes ids and calls one service; delivering one twice changes nothing."""

from celery import shared_task

from .services import golive_job_run


@shared_task(name="golive.import_run", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def golive_import_run(job_id: int) -> str | None:
    """Import a go-live file kept with its job. A finished job is left alone, so a redelivery after a
    worker died mid-way imports from the start and writes once."""
    job = golive_job_run(job_id=job_id)
    return job.status if job else None
