"""The scoring job: idempotent re-runs, redelivery after a killed worker, frozen finalised quarters,
adjustments with reasons, and the quarterly schedule in Asia/Shanghai time."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.conf import settings

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from evaluation import services
from evaluation.codes import EventType, RunStatus, RunTrigger
from evaluation.errors import QuarterFrozen
from evaluation.models import (
    EvaluationEvent,
    EvaluationQuarter,
    EvaluationRun,
    ScoreAdjustment,
    Scorecard,
    ScoreLine,
)
from evaluation.quarters import Quarter
from evaluation.services import (
    evaluation_finalise,
    evaluation_run_start,
    evaluation_score_previous_quarter,
    evaluation_score_quarter,
    scheme_create,
    score_adjust,
    scorecard_comment,
)

from .conftest import Q1, SCORED_AT, now_is, scheme_lines

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything the job writes, in a comparable form (ids included: a re-run updates in place)."""
    cards = list(Scorecard.objects.order_by("pk").values_list("pk", "merchandiser_id", "total", "computed_total"))
    lines = list(
        ScoreLine.objects.order_by("pk").values_list(
            "pk", "merchandiser_id", "kpi", "numerator", "denominator", "value", "score", "points", "applicable"
        )
    )
    return cards, lines


def run_now(fx, capture, *, actor=None):
    with now_is(SCORED_AT), capture(execute=True):
        run = evaluation_run_start(quarter=Q1, actor=actor or fx.hr)
    return EvaluationRun.objects.get(pk=run.pk)


def test_two_runs_give_identical_results(fixture_quarter, test_scheme, django_capture_on_commit_callbacks):
    first = run_now(fixture_quarter, django_capture_on_commit_callbacks)
    before = snapshot()
    second = run_now(fixture_quarter, django_capture_on_commit_callbacks)
    after = snapshot()

    assert first.pk != second.pk and second.status == RunStatus.DONE
    assert before == after
    assert Scorecard.objects.count() == 3
    assert ScoreLine.objects.count() == 3 * 12


def test_a_rerun_replaces_changed_results_and_keeps_hr_adjustments(
    fixture_quarter, test_scheme, django_capture_on_commit_callbacks
):
    fx = fixture_quarter
    run_now(fx, django_capture_on_commit_callbacks)
    line = ScoreLine.objects.get(merchandiser=fx.alice, kpi="sla_adherence")
    with now_is(SCORED_AT):
        score_adjust(line_id=line.pk, actor=fx.hr, new_score="90", reason="Breach caused by the customer's holiday")
    # A late correction appears on an order confirmed in Q1: accuracy changes on the next run.
    from orders.models import EventType as OrderEventType
    from orders.models import OrderEvent

    OrderEvent.objects.create(order=fx.orders["a1"], type=OrderEventType.CORRECTION, note="late fix")
    run_now(fx, django_capture_on_commit_callbacks)

    accuracy = ScoreLine.objects.get(merchandiser=fx.alice, kpi="order_accuracy")
    assert (accuracy.numerator, accuracy.denominator) == (2, 4)
    sla = ScoreLine.objects.get(merchandiser=fx.alice, kpi="sla_adherence")
    assert (sla.score, sla.adjusted_score) == (Decimal("50.00"), Decimal("90.00"))
    card = sla.scorecard
    # computed: 64.00 − 11.25 + 7.50 (accuracy 75 → 50) = 60.25; adjusted: + (90 − 50) × 10 % = 64.25
    assert (card.computed_total, card.total) == (Decimal("60.25"), Decimal("64.25"))
    assert ScoreLine.objects.count() == 36


@pytest.mark.django_db(transaction=True)  # a real commit: the job is published by on_commit
def test_a_broker_that_is_down_leaves_the_run_queued_not_an_error(fixture_quarter, test_scheme, monkeypatch):
    from kombu.exceptions import OperationalError

    def down(run_id):
        raise OperationalError("celery broker: circuit open; not published")

    monkeypatch.setattr("evaluation.tasks.score_quarter.delay", down)
    with now_is(SCORED_AT):
        run = evaluation_run_start(quarter=Q1, actor=fixture_quarter.hr)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED


def test_a_redelivered_job_after_a_killed_worker_completes_once(
    fixture_quarter, test_scheme, django_capture_on_commit_callbacks, monkeypatch
):
    fx = fixture_quarter
    queued = []
    monkeypatch.setattr("evaluation.tasks.score_quarter.delay", lambda run_id: queued.append(run_id))
    with now_is(SCORED_AT), django_capture_on_commit_callbacks(execute=True):
        run = evaluation_run_start(quarter=Q1, actor=fx.hr)
    assert queued == [run.pk]

    # The worker takes the job and is killed (SIGKILL) half-way: the run stays "running", nothing written.
    def killed(*args, **kwargs):
        raise SystemExit("SIGKILL")

    monkeypatch.setattr(services, "_write", killed)
    with now_is(SCORED_AT), pytest.raises(SystemExit):
        evaluation_score_quarter(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 1)
    assert not Scorecard.objects.exists()
    monkeypatch.undo()

    # acks_late: the broker delivers the job again, to another worker.
    with now_is(SCORED_AT):
        evaluation_score_quarter(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.done) == (RunStatus.DONE, 2, run.total)
    result = snapshot()

    # And once more (the ack was lost after the commit): nothing changes, no second "finished".
    with now_is(SCORED_AT):
        evaluation_score_quarter(run_id=run.pk)
    assert snapshot() == result
    assert EvaluationEvent.objects.filter(type=EventType.RUN_FINISHED).count() == 1


def test_an_overtaken_attempt_writes_nothing(fixture_quarter, test_scheme):
    """Two deliveries of the same job at once: the older attempt's write is refused."""
    with now_is(SCORED_AT):
        run = EvaluationRun.objects.create(
            evaluation=services.evaluation_quarter_ensure(Q1), trigger=RunTrigger.MANUAL, scheme=test_scheme
        )
        old_run, old_attempt = services._claim(run.pk)
        services._claim(run.pk)  # the redelivered copy claims it again
        services._score(old_run, old_attempt)
    assert not Scorecard.objects.exists()
    assert EvaluationRun.objects.get(pk=run.pk).status == RunStatus.RUNNING


def test_a_finalised_quarter_is_frozen(fixture_quarter, test_scheme, django_capture_on_commit_callbacks):
    fx = fixture_quarter
    run_now(fx, django_capture_on_commit_callbacks)
    evaluation = EvaluationQuarter.objects.get(year=2026, quarter=1)
    line = ScoreLine.objects.get(merchandiser=fx.alice, kpi="on_time_delivery")
    card = line.scorecard
    with now_is(SCORED_AT):
        evaluation_finalise(evaluation_id=evaluation.pk, actor=fx.hr)
    before = snapshot()

    with now_is(SCORED_AT):
        with pytest.raises(QuarterFrozen):
            evaluation_run_start(quarter=Q1, actor=fx.hr)
        with pytest.raises(QuarterFrozen):
            score_adjust(line_id=line.pk, actor=fx.hr, new_score=100, reason="late delivery excused")
        with pytest.raises(QuarterFrozen):
            scorecard_comment(scorecard_id=card.pk, actor=fx.supervisor, body="good work")
        with pytest.raises(QuarterFrozen):
            scheme_create(actor=fx.hr, quarter=Q1, lines=scheme_lines())
        with pytest.raises(QuarterFrozen):
            evaluation_finalise(evaluation_id=evaluation.pk, actor=fx.hr)
        # A run queued before finalising and delivered after it fails and writes nothing.
        late = EvaluationRun.objects.create(evaluation=evaluation, trigger=RunTrigger.MANUAL)
        evaluation_score_quarter(run_id=late.pk)
    late.refresh_from_db()
    assert late.status == RunStatus.FAILED
    assert snapshot() == before
    assert not ScoreAdjustment.objects.exists()


def test_a_new_scheme_never_rewrites_a_finalised_quarter(
    fixture_quarter, test_scheme, django_capture_on_commit_callbacks
):
    fx = fixture_quarter
    run_now(fx, django_capture_on_commit_callbacks)
    evaluation = EvaluationQuarter.objects.get(year=2026, quarter=1)
    with now_is(SCORED_AT):
        evaluation_finalise(evaluation_id=evaluation.pk, actor=fx.hr)
        scheme_create(
            actor=fx.hr,
            quarter=Quarter(2026, 2),
            lines=scheme_lines(
                on_time_delivery=(10, "100", "0", "linear", None), order_accuracy=(25, "100", "0", "linear", None)
            ),
        )
    line = ScoreLine.objects.get(merchandiser=fx.alice, kpi="on_time_delivery")
    assert (line.weight, line.points) == (20, Decimal("13.33"))
    assert EvaluationQuarter.objects.get(pk=evaluation.pk).scheme == test_scheme


def test_finalising_needs_a_scored_and_ended_quarter(fixture_quarter, test_scheme, django_capture_on_commit_callbacks):
    fx = fixture_quarter
    evaluation = services.evaluation_quarter_ensure(Q1)
    with now_is(SCORED_AT), pytest.raises(TransitionRefused):
        evaluation_finalise(evaluation_id=evaluation.pk, actor=fx.hr)
    run_now(fx, django_capture_on_commit_callbacks)
    with now_is(datetime(2026, 3, 31, 12, tzinfo=UTC)), pytest.raises(TransitionRefused):
        evaluation_finalise(evaluation_id=evaluation.pk, actor=fx.hr)  # 20:00 on 31 March in Shanghai
    with now_is(SCORED_AT), pytest.raises(NotPermitted):
        evaluation_finalise(evaluation_id=evaluation.pk, actor=fx.supervisor)


def test_an_adjustment_needs_a_reason_and_is_recorded(fixture_quarter, test_scheme, django_capture_on_commit_callbacks):
    fx = fixture_quarter
    run_now(fx, django_capture_on_commit_callbacks)
    line = ScoreLine.objects.get(merchandiser=fx.alice, kpi="on_time_delivery")
    with now_is(SCORED_AT):
        for reason in ("", "   ", None):
            with pytest.raises(InvalidInput):
                score_adjust(line_id=line.pk, actor=fx.hr, new_score=90, reason=reason)
        with pytest.raises(InvalidInput):
            score_adjust(line_id=line.pk, actor=fx.hr, new_score=101, reason="too much")
        with pytest.raises(NotPermitted):
            score_adjust(line_id=line.pk, actor=fx.supervisor, new_score=90, reason="I like her")
        assert not ScoreAdjustment.objects.exists()

        score_adjust(line_id=line.pk, actor=fx.hr, new_score="90", reason="Port strike (force majeure)")
    adjustment = ScoreAdjustment.objects.get()
    assert (adjustment.by, adjustment.old_score, adjustment.new_score) == (fx.hr, Decimal("66.67"), Decimal("90.00"))
    assert adjustment.reason == "Port strike (force majeure)"
    assert adjustment.at is not None
    card = Scorecard.objects.get(pk=line.scorecard_id)
    # 64.00 − 13.33 + 18.00 = 68.67
    assert (card.computed_total, card.total) == (Decimal("64.00"), Decimal("68.67"))
    event = EvaluationEvent.objects.get(type=EventType.ADJUSTED)
    assert event.payload == {
        "kpi": "on_time_delivery",
        "old": "66.67",
        "new": "90.00",
        "reason": "Port strike (force majeure)",
    }


# --- quarter boundaries in Asia/Shanghai ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("utc", "quarter"),
    [
        (datetime(2026, 3, 31, 15, 59, 59, tzinfo=UTC), "2026Q1"),  # 23:59:59 on 31 March in Shanghai
        (datetime(2026, 3, 31, 16, 0, 0, tzinfo=UTC), "2026Q2"),  # midnight, 1 April in Shanghai
        (datetime(2025, 12, 31, 16, 0, 0, tzinfo=UTC), "2026Q1"),  # still 2025 in London
        (datetime(2025, 12, 31, 15, 59, 0, tzinfo=UTC), "2025Q4"),
    ],
)
def test_quarter_boundaries_follow_shanghai_time(utc, quarter):
    with now_is(utc):
        assert str(Quarter.current()) == quarter
    assert Quarter.parse(quarter).start == Quarter.parse(quarter).start.replace(hour=0)
    assert Quarter(2026, 2).start.astimezone(UTC) == datetime(2026, 3, 31, 16, tzinfo=UTC)


def test_the_schedule_scores_the_quarter_just_ended_once(fixture_quarter, django_capture_on_commit_callbacks):
    # Beat fires at 01:30 on 1 April Shanghai time = 17:30 UTC on 31 March: that is the end of Q1.
    with now_is(datetime(2026, 3, 31, 17, 30, tzinfo=UTC)), django_capture_on_commit_callbacks(execute=True):
        run = evaluation_score_previous_quarter()
        again = evaluation_score_previous_quarter()  # beat delivered twice
    assert (run.evaluation.year, run.evaluation.quarter, run.trigger) == (2026, 1, RunTrigger.SCHEDULE)
    assert again.pk == run.pk
    assert EvaluationRun.objects.count() == 1
    assert EvaluationRun.objects.get().status == RunStatus.DONE
    # The built-in scheme was used, since HR had saved none.
    assert EvaluationQuarter.objects.get().scheme.note == "Built-in default"


def test_the_beat_entry_runs_on_the_first_day_of_each_quarter_in_shanghai():
    entry = settings.CELERY_BEAT_SCHEDULE["evaluation-score-previous-quarter"]
    schedule = entry["schedule"]
    assert entry["task"] == "evaluation.score_previous_quarter"
    assert schedule.day_of_month == {1}
    assert schedule.month_of_year == {1, 4, 7, 10}
    assert entry["options"]["expires"] > 0
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    from config.celery import app

    assert "evaluation.score_previous_quarter" in app.tasks
