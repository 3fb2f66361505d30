"""A long, idempotent job that exists only for the tests: the stand-in for quarterly scoring in
test_worker_kill.py until the evaluation app has its own. tests/security/conftest.py registers it with
the Celery app of the test process; the worker subprocess imports it with `--include`.

Like a real batch job it works through a list of orders one committed step at a time, and it is
idempotent per step: a step already done (its event exists) is skipped, so a job restarted after its
worker died finishes the rest and never writes a result twice.
"""

import hashlib
import os
import time

from django.db import transaction

from config.celery import app
from orders.models import EventType, Order, OrderEvent

TASK_NAME = "tests.security.slow_idempotent_job"


def expected_score(order: Order) -> int:
    """Deterministic, so that two runs (or a run and its restart) must agree."""
    digest = hashlib.sha256(f"{order.pk}:{order.delivery_date}:{order.customer_id}".encode()).hexdigest()
    return int(digest[:8], 16) % 1000


def _mark(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{line} {os.getpid()}\n")


@app.task(name=TASK_NAME, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def slow_idempotent_job(run_key: str, order_ids: list[int], step_seconds: float, marker_path: str) -> None:
    _mark(marker_path, "start")
    for order_id in order_ids:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            done = OrderEvent.objects.filter(order=order, type=EventType.NOTE, payload__run=run_key).exists()
            if not done:
                OrderEvent.objects.create(
                    order=order,
                    type=EventType.NOTE,
                    note="score",
                    payload={"run": run_key, "score": expected_score(order)},
                )
        _mark(marker_path, f"step {order_id}")
        time.sleep(step_seconds)
    _mark(marker_path, "done")
