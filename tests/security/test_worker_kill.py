"""A worker killed with SIGKILL in the middle of a long job: the job is handed to the next worker and
completes exactly once, with the same results as an undisturbed run.

Real processes on real Redis: `celery worker` subprocesses consuming a queue of their own, acks_late
(the message is acknowledged only when the job returns), and a short visibility timeout so that the
message of the dead worker comes back within seconds instead of an hour. The job is the test-only
stand-in tests/security/worker_tasks.py; point JOB at quarterly scoring once the evaluation app exists.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from orders.models import EventType, Order, OrderEvent

from ..conftest import require_server
from ..factories import make_order
from ..test_celery_worker import redis_answers
from .worker_tasks import expected_score, slow_idempotent_job

JOB = slow_idempotent_job
ORDERS = 8
STEP_SECONDS = 0.6
VISIBILITY_TIMEOUT = 3


def worker_env() -> dict:
    """The worker subprocess talks to the test database and the test broker, tasks not eager."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = (
            f"postgres://{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}:"
            f"{db.get('PORT') or 5432}/{db['NAME']}"
        )
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(db["NAME"])
    return env


def start_worker(queue: str, name: str, log: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "config",
        "worker",
        "-Q",
        queue,
        "-n",
        f"{name}@%h",
        "--pool=prefork",
        "--concurrency=1",
        "--prefetch-multiplier=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--include=tests.security.worker_tasks",
        "--loglevel=INFO",
    ]
    return subprocess.Popen(  # noqa: S603 - a fixed command line
        command,
        cwd=settings.BASE_DIR,
        env=worker_env(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL reaches the pool child too
    )


def kill_group(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(timeout=30)


def marks(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def wait_for(condition, timeout: float, what: str, logs=()) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs if p.exists())
            pytest.fail(f"timed out after {timeout}s waiting for {what}\n{tails}")
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # the workers read what the test commits
def test_a_job_whose_worker_is_killed_completes_once_on_the_next_worker(merchandiser, tmp_path):
    url = settings.CELERY_BROKER_URL
    require_server(url.startswith(("redis://", "rediss://")) and redis_answers(url), "Redis (CELERY_BROKER_URL)")
    orders = [make_order(merchandiser=merchandiser) for _ in range(ORDERS)]
    order_ids = [o.pk for o in orders]
    run_key = f"kill-{uuid.uuid4().hex[:8]}"
    queue = f"test-kill-{uuid.uuid4().hex[:12]}"
    marker = tmp_path / "marks.txt"
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]

    def results():
        return list(
            OrderEvent.objects.filter(type=EventType.NOTE, payload__run=run_key)
            .order_by("order_id")
            .values_list("order_id", "payload")
        )

    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker_a = start_worker(queue, f"kill-a-{run_key}", logs[0])
    worker_b = None
    try:
        JOB.apply_async(args=[run_key, order_ids, STEP_SECONDS, str(marker)], queue=queue)
        # Kill the first worker in the middle: some orders scored, some not.
        wait_for(lambda: len(results()) >= 3, 60, "the first worker to be half-way", logs)
        kill_group(worker_a)
        half_way = len(results())
        assert 3 <= half_way < ORDERS, "the job finished before it could be killed: lengthen it"
        assert "done" not in " ".join(marks(marker))

        worker_b = start_worker(queue, f"kill-b-{run_key}", logs[1])
        wait_for(lambda: any(m.startswith("done") for m in marks(marker)), 90, "the job to finish on worker B", logs)
        time.sleep(VISIBILITY_TIMEOUT + 2)  # room for a wrong third delivery to show up
    finally:
        celery_app.conf.task_always_eager = was_eager
        for worker in (worker_a, worker_b):
            if worker is not None and worker.poll() is None:
                kill_group(worker, signal.SIGTERM)
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)

    lines = marks(marker)
    starts = [line for line in lines if line.startswith("start")]
    assert len(starts) == 2, lines  # the killed attempt and the redelivery, nothing more
    assert starts[0].split()[-1] != starts[1].split()[-1], "the second start must be another process"
    assert sum(line.startswith("done") for line in lines) == 1, lines
    # Each order scored once, with the score an undisturbed run gives.
    expected = [(o.pk, {"run": run_key, "score": expected_score(Order.objects.get(pk=o.pk))}) for o in orders]
    assert results() == sorted(expected)
