"""seed_bench's after-sales cases and feedback (devtools.seeders.aftersales) are what the services would have
written: only on orders that reached after-sales, inside that window, closed before their order closed,
with the SLA clocks and flags the services and the SLA job hold, and a work-record line for each step.
PostgreSQL only (the seeder is SQL): skipped on SQLite, run under CI."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from aftersales.models import ACTIVE_CASE_STATES, Case, CaseStatus, Feedback, FeedbackSource
from aftersales.selectors import case_history, sla_targets
from aftersales.services import case_transition, cases_check_sla, cases_reschedule
from aftersales.sla import calendar
from aftersales.wording import HISTORY_LABELS
from devtools.seeding import SeedConfig, seed_bench
from orders.models import OrderEvent, OrderState


@pytest.fixture
def seeded(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("seed_bench writes PostgreSQL SQL; CI runs this on PostgreSQL")
    # Five months of orders: most have closed, a few hundred are in after-sales now.
    config = SeedConfig(orders=4000, teams=2, merchandisers=4, customers=12, products=20, years=0.4, heavy_every=500)
    summary = seed_bench(config=config, reset=True, log=lambda _msg: None)
    return parse_datetime(summary.seeded_at)


def _reached(to_state: str) -> dict:
    """order id -> when it entered `to_state`, from its work record."""
    return dict(OrderEvent.objects.filter(type="transition", to_state=to_state).values_list("order_id", "created_at"))


def test_cases_only_in_the_after_sales_window_and_closed_before_their_order(seeded):
    now = seeded
    after_sales = _reached(OrderState.AFTER_SALES)
    cases = list(Case.objects.select_related("order"))
    assert cases
    for case in cases:
        order = case.order
        assert order.status in (OrderState.AFTER_SALES, OrderState.CLOSED)
        assert after_sales[order.pk] <= case.opened_at <= (order.closed_at or now)
        assert case.customer_id == order.customer_id and case.owner_id == order.merchandiser_id
        assert (case.created_by_id is None) == (case.channel == "status_page")
        steps = [case.opened_at, case.first_responded_at, case.resolved_at, case.closed_at]
        done = [step for step in steps if step is not None]
        assert done == sorted(done) and done[-1] <= now
        if order.status == OrderState.CLOSED:  # the close guard: every case closed before the order
            assert case.status == CaseStatus.CLOSED and case.closed_at <= order.closed_at
        assert (case.first_responded_at is None) == (case.status == CaseStatus.OPEN)
        assert (case.resolved_at is not None) == (case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED))
        assert (case.closed_at is not None) == (case.status == CaseStatus.CLOSED)
        assert bool(case.resolution) == (case.resolved_at is not None)
        assert (case.paused_since is not None) == (case.status not in (CaseStatus.OPEN, CaseStatus.IN_PROGRESS))

    per_order = Counter(case.order_id for case in cases)
    assert 0.04 < len(per_order) / len(after_sales) < 0.10
    assert max(per_order.values()) == 2
    states = Counter(case.status for case in cases)
    assert states[CaseStatus.CLOSED] > len(cases) / 2
    assert sum(states[state] for state in ACTIVE_CASE_STATES) > 0
    assert len({case.case_type for case in cases}) == 5 and len({case.severity for case in cases}) == 4


def test_clocks_and_flags_are_what_the_services_and_the_sla_job_hold(seeded):
    cal, minute = calendar(), timedelta(seconds=60)
    cases = list(Case.objects.all())
    for case in cases:
        assert (case.response_target_minutes, case.resolution_target_minutes) == sla_targets(severity=case.severity)
        assert case.response_due_at == cal.add(case.opened_at, case.response_target_minutes * 60)
        if case.escalated_at is not None:
            assert case.escalated_at in (case.response_breached_at, case.resolution_breached_at)
        # The job runs every minute: a clock that ran a minute past its warning or its target was flagged.
        answered = case.first_responded_at or seeded
        if answered > case.response_due_at + minute:
            assert case.response_due_at <= case.response_breached_at <= case.response_due_at + minute
        elif answered < case.response_due_at:
            assert case.response_breached_at is None
        if case.response_warn_at + minute < min(answered, case.response_due_at):
            assert case.response_warn_at <= case.response_warned_at <= case.response_warn_at + minute
        if case.resolved_at is not None:  # the service's own rule when resolving
            used = cal.seconds_between(case.opened_at, case.resolved_at) - case.paused_seconds
            assert (case.resolution_breached_at is not None) == (used > case.resolution_target_minutes * 60)
    # Recomputing the running clocks moves none, and the SLA job (run just before the seed's "now") finds
    # no warning or breach it has not already recorded.
    assert cases_reschedule() == 0
    assert cases_check_sla(now=seeded - timedelta(seconds=60)) == {"warnings": 0, "breaches": 0}

    breached = [c for c in cases if c.response_breached_at or c.resolution_breached_at]
    assert 0.05 < len(breached) / len(cases) < 0.4
    assert any(c.escalated_at for c in breached)


def test_each_step_is_on_the_work_record_and_a_seeded_case_moves_on(seeded, client):
    events = Counter(
        (e["payload"]["case"], e["payload"]["action"])
        for e in OrderEvent.objects.filter(type="stage", payload__stage="aftersales", payload__has_key="case").values(
            "payload"
        )
    )
    cases = list(Case.objects.all())
    for case in cases:
        assert events[(case.pk, "case_opened")] == 1
        assert events[(case.pk, "case_start")] == (case.first_responded_at is not None)
        assert events[(case.pk, "case_resolve")] == (case.resolved_at is not None)
        assert events[(case.pk, "case_close")] == (case.closed_at is not None)
    assert {action for _case, action in events} <= set(HISTORY_LABELS)
    closed = next(c for c in cases if c.status == CaseStatus.CLOSED)
    history = case_history(case=closed)
    assert [e.payload["action"] for e in history][-1] == "case_opened"
    assert history[0].state_change[1]

    case = Case.objects.filter(status__in=ACTIVE_CASE_STATES).select_related("owner").order_by("pk").first()
    client.force_login(case.owner)
    page = client.get(reverse("aftersales:case_detail", kwargs={"pk": case.pk}))
    assert page.status_code == 200 and case.reference in page.content.decode()
    assert client.get(reverse("orders:detail", kwargs={"pk": case.order_id})).status_code == 200
    step = {CaseStatus.OPEN: "start", CaseStatus.IN_PROGRESS: "resolve", CaseStatus.WAITING: "resume"}[case.status]
    moved = case_transition(case_id=case.pk, name=step, actor=case.owner, resolution="补发 / replaced")
    assert moved.status != case.status


def test_feedback_surveys_while_in_after_sales_and_logged_once_shipped(seeded, client):
    now = seeded
    after_sales, shipped = _reached(OrderState.AFTER_SALES), _reached(OrderState.SHIPPED)
    rows = list(Feedback.objects.select_related("order"))
    surveys = [f for f in rows if f.source == FeedbackSource.SURVEY]
    logged = [f for f in rows if f.source != FeedbackSource.SURVEY]
    assert surveys and logged
    assert len({f.order_id for f in surveys}) == len(surveys)
    for f in surveys:
        assert f.recorded_by_id is None
        assert after_sales[f.order_id] <= f.submitted_at <= (f.order.closed_at or now)
    for f in logged:
        assert f.recorded_by_id == f.order.merchandiser_id
        assert shipped[f.order_id] <= f.submitted_at <= now
    assert 0.15 < len(surveys) / len(after_sales) < 0.35
    average = sum(f.quality + f.delivery + f.communication for f in rows) / (3 * len(rows))
    assert 3.8 < average < 4.8
    feedback_events = Counter(
        OrderEvent.objects.filter(type="stage", payload__has_key="feedback").values_list("payload__feedback", flat=True)
    )
    assert feedback_events == Counter(f.pk for f in rows)

    client.force_login(logged[0].order.merchandiser)
    assert client.get(reverse("aftersales:feedback_list")).status_code == 200
