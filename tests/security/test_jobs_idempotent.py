"""Every periodic job in CELERY_BEAT_SCHEDULE may run twice, or twice at the same moment (beat restarted,
a redelivered message, two beats by mistake), and the database ends up exactly as after one run.

Generic: the test walks the schedule, so a job added later is covered the day it is scheduled. Each job
runs against the same seeded world: once and again inside a savepoint (then rolled back), and then
twice at once from two threads; the row counts of every model must match after all three.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from notifications.models import Notification
from orders import hooks
from orders.models import Order

from ..conftest import advance
from ..factories import CustomerFactory, make_order, staff, team_with_people
from ..orders.test_concurrency import run_together

SCHEDULE = settings.CELERY_BEAT_SCHEDULE


def scheduled_task(entry: dict):
    celery_app.loader.import_default_modules()  # autodiscovery: every app's tasks.py
    name = entry["task"]
    assert name in celery_app.tasks, f"the schedule names {name!r}, which no app defines"
    return celery_app.tasks[name]


def snapshot() -> dict:
    """Rows per model, and the flags and states of every order (what the jobs change)."""
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed}
    orders = list(Order.objects.order_by("pk").values_list("pk", "status", "is_overdue", "is_at_risk", "version"))
    outbox = list(Notification.objects.order_by("pk").values_list("pk", "status", "attempts"))
    return {"counts": counts, "orders": orders, "outbox": outbox}


def diff(a: dict, b: dict) -> dict:
    changed = {k: (a["counts"].get(k), b["counts"].get(k)) for k in a["counts"] if a["counts"][k] != b["counts"][k]}
    if a["orders"] != b["orders"]:
        changed["orders"] = "flags, states or versions differ"
    if a["outbox"] != b["outbox"]:
        changed["outbox"] = "notification states differ"
    return changed


def seed_world(monkeypatch):
    """Orders at every stage, some due soon or late, and a mail waiting in the outbox: each job finds work."""
    for name in hooks.STAGE_TRANSITIONS:
        monkeypatch.setitem(hooks._guards, name, [])
    _team, supervisor, merchandiser = team_with_people()
    staff("QA")
    today = timezone.localdate()
    customer = CustomerFactory(merchandiser=merchandiser)
    paths = [
        (),
        ("confirm",),
        ("confirm", "enter"),
        ("confirm", "enter", "start_production"),
        ("confirm", "enter", "start_production", "ship"),
        ("confirm", "enter", "start_production", "ship", "begin_after_sales"),
    ]
    for days in (1, 3, 10, 60):
        for path in paths:
            order = make_order(merchandiser=merchandiser, customer=customer, delivery_date=today + timedelta(days=days))
            advance(order, merchandiser, *path)
    Notification.objects.create(
        kind="test",
        reference="order:0",
        to_email="buyer@customer.example",
        language="en",
        subject="Waiting in the outbox",
        body_text="Hello",
        next_attempt_at=timezone.now() - timedelta(minutes=5),
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # two threads, two connections: the seed must be committed
@pytest.mark.parametrize("job", sorted(SCHEDULE))
def test_a_periodic_job_run_twice_or_twice_at_once_changes_nothing_more(
    job, monkeypatch, django_capture_on_commit_callbacks
):
    entry = SCHEDULE[job]
    task = scheduled_task(entry)
    args, kwargs = entry.get("args", ()), entry.get("kwargs", {})
    seed_world(monkeypatch)
    before = snapshot()

    with transaction.atomic():
        # Work a job hands on after commit (a scoring run, an email) runs too, as it does in the threads.
        with django_capture_on_commit_callbacks(execute=True):
            task.apply(args=args, kwargs=kwargs, throw=True)
        once = snapshot()
        with django_capture_on_commit_callbacks(execute=True):
            task.apply(args=args, kwargs=kwargs, throw=True)
        twice = snapshot()
        transaction.set_rollback(True)
    assert not diff(once, twice), f"{job}: a second run changed {diff(once, twice)}"
    assert not diff(before, snapshot()), "the savepoint did not roll back"
    if job == "notifications-send-due":  # the harness does real work: the waiting mail goes out once
        assert diff(before, once) == {"outbox": "notification states differ"}
    print(f"\n{job}: one run changed {diff(before, once) or 'nothing (nothing due)'}")

    results = run_together(lambda i: task.apply(args=args, kwargs=kwargs, throw=True), 2)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, f"{job}: concurrent runs failed: {errors!r}"
    together = snapshot()
    assert not diff(once, together), f"{job}: two runs at once differ from one run: {diff(once, together)}"


def test_every_scheduled_job_expires_and_uses_crontab():
    """STYLE: one schedule in code, crontab not intervals (beat resets interval countdowns on restart),
    and an expiry so a backlog after an outage does not run the same job many times."""
    from celery.schedules import crontab

    for name, entry in SCHEDULE.items():
        assert isinstance(entry["schedule"], crontab), name
        assert entry.get("options", {}).get("expires"), name
        scheduled_task(entry)
