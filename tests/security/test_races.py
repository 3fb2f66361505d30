"""20 people press competing buttons on the same order at the same moment, 50 times over: every time
exactly one of them wins, nobody gets an error page, and the work record has one event per win.

Half of the trials race the same transition (ship × 20), half conflicting ones (ship × 10 against
cancel × 10 by the supervisor). Some threads send the version their page was rendered with, some do
not, so both the optimistic version check and the row lock / state check are exercised. Every fifth
trial goes through the web views (20 signed-in clients) to count 500s; the rest call the service.
Runs on whichever database the suite uses: SQLite locally, PostgreSQL under CI.
"""

import os
import time
from collections import Counter

import pytest
from django.test import Client, override_settings

from orders import hooks
from orders.models import Order, OrderEvent, OrderState
from orders.services import order_transition

from ..conftest import advance
from ..factories import make_order
from ..orders.test_concurrency import run_together

THREADS = 20
TRIALS = int(os.environ.get("RACE_TRIALS", "50"))
HTTP_EVERY = 5
EXPECTED_REFUSALS = {"Stale", "TransitionRefused"}


@pytest.fixture
def no_stage_guards(monkeypatch):
    """Stage apps' guards (e.g. logistics wants a shipment before ship) are not what races test."""
    for name in hooks.STAGE_TRANSITIONS:
        monkeypatch.setitem(hooks._guards, name, [])


def order_in_production(merchandiser) -> Order:
    order = make_order(merchandiser=merchandiser)
    return advance(order, merchandiser, "confirm", "enter", "start_production")


def action_for(trial: int, i: int) -> str:
    if trial % 2 == 0:
        return "ship"
    return "ship" if i % 2 else "cancel"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
# A stage's after-transition action may lock the order again inside the same transaction; django-zeal
# (test settings) reports that repeat as an N+1 and turns the request into a 500. Query patterns are
# the performance suite's subject, not this one's: here only locking and state decide the outcome.
@override_settings(ZEAL_ALLOWLIST=[{"model": "orders.Order"}])
def test_competing_transitions_have_exactly_one_winner_per_trial(merchandiser, supervisor, no_stage_guards):
    totals = Counter()
    started = time.monotonic()
    orders = []
    for trial in range(TRIALS):
        order = order_in_production(merchandiser)
        orders.append(order.pk)
        version = order.version
        use_http = trial % HTTP_EVERY == HTTP_EVERY - 1

        if use_http:
            clients = []
            for i in range(THREADS):
                client = Client()
                client.force_login(supervisor if action_for(trial, i) == "cancel" else merchandiser)
                clients.append(client)

            def act(i, order=order, version=version, trial=trial, clients=clients):
                name = action_for(trial, i)
                data = {"version": version, "reason": "race"} if i % 4 else {"reason": "race"}
                return clients[i].post(f"/orders/{order.pk}/transition/{name}/", data).status_code

            statuses = run_together(act, THREADS)
            assert all(s == 302 for s in statuses), f"trial {trial}: {Counter(map(str, statuses))}"
            totals["http requests"] += len(statuses)
        else:

            def act(i, order=order, version=version, trial=trial):
                name = action_for(trial, i)
                actor = supervisor if name == "cancel" else merchandiser
                expected = version if i % 4 else None
                try:
                    order_transition(
                        order_id=order.pk, name=name, actor=actor, expected_version=expected, reason="race"
                    )
                except Exception as exc:  # noqa: BLE001 - classified below
                    return type(exc).__name__
                return "won"

            results = run_together(act, THREADS)
            counts = Counter(results)
            assert counts["won"] == 1, f"trial {trial}: {counts}"
            assert set(counts) - {"won"} <= EXPECTED_REFUSALS, f"trial {trial}: unexpected errors {counts}"
            totals.update(counts)

        wins = OrderEvent.objects.filter(order=order, type="transition", from_state=OrderState.IN_PRODUCTION)
        assert wins.count() == 1, f"trial {trial}: {wins.count()} winning events"
        final = Order.objects.get(pk=order.pk)
        assert final.status == wins.get().to_state
        assert final.status in (OrderState.SHIPPED, OrderState.CANCELLED)
        assert final.version == version + 1
        totals[final.status] += 1

    # The audit events equal the successes: one per trial, no more, across all trials.
    assert (
        OrderEvent.objects.filter(order_id__in=orders, type="transition", from_state=OrderState.IN_PRODUCTION).count()
        == TRIALS
    )
    print(f"\nraces: {TRIALS} trials x {THREADS} threads in {time.monotonic() - started:.1f}s: {dict(totals)}")
