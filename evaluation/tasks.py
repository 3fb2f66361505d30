"""Thin, idempotent jobs. Each takes ids and calls one service; delivering one twice changes nothing."""

from celery import shared_task

from .services import evaluation_score_previous_quarter, evaluation_score_quarter


@shared_task(name="evaluation.score_quarter", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def score_quarter(run_id: int) -> str | None:
    """Score the run's quarter. A finished run is left alone, so a redelivery after a worker died mid-way
    scores again from the start and writes once."""
    run = evaluation_score_quarter(run_id=run_id)
    return run.status if run else None


@shared_task(name="evaluation.score_previous_quarter", ignore_result=True)
def score_previous_quarter() -> int | None:
    """Beat, on the first day of each quarter: queue the scoring of the quarter just ended."""
    run = evaluation_score_previous_quarter()
    return run.pk if run else None
