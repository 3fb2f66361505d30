"""Everything that writes in the evaluation. Each function: one transaction, one audit event
(EvaluationEvent), permission and state checked under a row lock. A finalised quarter is frozen: every
service that would change its results refuses with QuarterFrozen.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from core import waiting
from core.errors import InvalidInput, NotPermitted, TransitionRefused
from supervision.models import Violation

from .codes import AppealStatus, EventType, OutcomeKind, QuarterStatus, Rule, RunStatus, RunTrigger, Unit
from .errors import QuarterFrozen
from .kpis import KPI_BY_CODE, KPIS, Measure, Period, analytics_session, compute_lines
from .models import (
    Appeal,
    EvaluationEvent,
    EvaluationQuarter,
    EvaluationRun,
    KpiScheme,
    KpiSchemeLine,
    Outcome,
    ScoreAdjustment,
    Scorecard,
    ScorecardComment,
    ScoreLine,
    SupervisorRating,
)
from .permissions import can_comment, can_rate, is_hr
from .quarters import Quarter
from .scoring import LineScore, kpi_points, min_measured_weight, scorecard_total
from .worktime import working_days_refresh

logger = logging.getLogger(__name__)

# A run whose worker has not reported for this long is considered dead: HR may start another.
RUN_STALE_AFTER = timedelta(minutes=15)


def _event(evaluation, type_: str, actor=None, *, scorecard=None, **payload) -> EvaluationEvent:
    return EvaluationEvent.objects.create(
        evaluation=evaluation, scorecard=scorecard, type=type_, actor=actor, payload=payload
    )


def _require_hr(actor) -> None:
    if not is_hr(actor):
        raise NotPermitted(_("Only HR may do this."))


def _refuse_own_result(actor, person_id) -> None:
    """Someone in HR who is also scored (HR and merchandiser at once) never decides their own result."""
    if getattr(actor, "pk", None) == person_id:
        raise NotPermitted(_("You cannot decide your own evaluation result: another HR person must."))


def _lock_quarter(evaluation_id) -> EvaluationQuarter:
    return EvaluationQuarter.objects.select_for_update().get(pk=evaluation_id)


def _require_draft(evaluation: EvaluationQuarter) -> None:
    if evaluation.is_frozen:
        raise QuarterFrozen(evaluation.period)


# --- KPI schemes ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SchemeLineInput:
    kpi: str
    weight: int
    target: Decimal
    floor: Decimal
    rule: str = Rule.LINEAR
    param: Decimal | None = None


def default_scheme_lines() -> list[SchemeLineInput]:
    return [
        SchemeLineInput(k.code, k.default.weight, k.default.target, k.default.floor, k.default.rule, k.default.param)
        for k in KPIS
    ]


_BOUNDS = {Unit.PERCENT: (Decimal(0), Decimal(100)), Unit.RATING: (Decimal(1), Decimal(5))}


def scheme_validate(lines: list[SchemeLineInput]) -> list[str]:
    """Every problem with a scheme, in words for HR. Empty when it may be saved."""
    problems = []
    codes = [line.kpi for line in lines]
    unknown = sorted(set(codes) - set(KPI_BY_CODE))
    if unknown:
        problems.append(_("Unknown KPIs: %(codes)s.") % {"codes": ", ".join(unknown)})
    if len(codes) != len(set(codes)):
        problems.append(_("Each KPI may appear only once."))
    missing = [k for k in KPI_BY_CODE if k not in codes]
    if missing:
        problems.append(
            _("Every KPI needs a line (weight 0 to leave one out): %(codes)s.") % {"codes": ", ".join(missing)}
        )
    total = 0
    for line in lines:
        kpi = KPI_BY_CODE.get(line.kpi)
        if kpi is None:
            continue
        name = kpi.label
        if line.weight is None or not 0 <= line.weight <= 100:
            problems.append(_("%(kpi)s: the weight must be between 0 and 100.") % {"kpi": name})
            continue
        total += line.weight
        low, high = _BOUNDS.get(kpi.unit, (Decimal(0), None))
        for value, what in ((line.target, _("target")), (line.floor, _("floor"))):
            if value is None or value < low or (high is not None and value > high):
                problems.append(_("%(kpi)s: the %(what)s is out of range.") % {"kpi": name, "what": what})
        if line.rule not in Rule.values:
            problems.append(_("%(kpi)s: unknown scoring rule.") % {"kpi": name})
        elif line.rule == Rule.DEDUCTION:
            if line.param is None or line.param <= 0:
                problems.append(_("%(kpi)s: give the points taken off per unit.") % {"kpi": name})
        elif line.target is not None and line.floor is not None:
            if kpi.higher_is_better and line.target <= line.floor:
                problems.append(_("%(kpi)s: higher is better, so the target must be above the floor.") % {"kpi": name})
            if not kpi.higher_is_better and line.target >= line.floor:
                problems.append(_("%(kpi)s: lower is better, so the target must be below the floor.") % {"kpi": name})
        if kpi.code == "confirmation_time" and (line.param is None or not 0 < line.param <= 200):
            problems.append(_("%(kpi)s: give the working hours allowed (1–200).") % {"kpi": name})
    if total != 100:
        problems.append(_("The weights add up to %(total)s; they must add up to 100.") % {"total": total})
    return problems


def scheme_create(*, actor, quarter: Quarter, lines: list[SchemeLineInput], note: str = "") -> KpiScheme:
    """A new version of the KPI scheme, in force from `quarter` until a later one. Refused when the weights
    do not sum to 100 or a line is inconsistent, and for a quarter already finalised: its results keep the
    scheme they were scored with."""
    _require_hr(actor)
    problems = scheme_validate(lines)
    if problems:
        raise InvalidInput(_("The KPI scheme was not saved."), reasons=problems)
    with transaction.atomic():
        evaluation = EvaluationQuarter.objects.select_for_update().filter(year=quarter.year, quarter=quarter.q).first()
        if evaluation is not None and evaluation.is_frozen:
            raise QuarterFrozen(quarter)
        latest = KpiScheme.objects.filter(year=quarter.year, quarter=quarter.q).aggregate(v=Max("version"))["v"]
        scheme = KpiScheme.objects.create(
            year=quarter.year, quarter=quarter.q, version=(latest or 0) + 1, note=note.strip(), created_by=actor
        )
        KpiSchemeLine.objects.bulk_create(
            [
                KpiSchemeLine(
                    scheme=scheme,
                    kpi=line.kpi,
                    weight=line.weight,
                    target=line.target,
                    floor=line.floor,
                    rule=line.rule,
                    param=line.param,
                )
                for line in lines
            ]
        )
        _event(evaluation, EventType.SCHEME_CREATED, actor, scheme=scheme.pk, quarter=str(quarter), note=scheme.note)
    return scheme


def scheme_default_ensure() -> KpiScheme:
    """The built-in scheme (from 2020Q1) when HR has saved none yet, so scoring always has one."""
    scheme = KpiScheme.objects.order_by("year", "quarter", "version").first()
    if scheme is not None:
        return scheme
    with transaction.atomic():
        scheme, created = KpiScheme.objects.get_or_create(
            year=2020, quarter=1, version=1, defaults={"note": "Built-in default"}
        )
        if created:
            KpiSchemeLine.objects.bulk_create(
                [
                    KpiSchemeLine(
                        scheme=scheme,
                        kpi=i.kpi,
                        weight=i.weight,
                        target=i.target,
                        floor=i.floor,
                        rule=i.rule,
                        param=i.param,
                    )
                    for i in default_scheme_lines()
                ]
            )
            _event(None, EventType.SCHEME_CREATED, None, scheme=scheme.pk, quarter="2020Q1", note=scheme.note)
    return scheme


def scheme_for(quarter: Quarter) -> KpiScheme:
    """The scheme in force for `quarter`: the latest version of the latest scheme starting on or before it."""
    from .selectors import scheme_in_force

    return scheme_in_force(quarter) or scheme_default_ensure()


# --- runs ---------------------------------------------------------------------------------------------------
def evaluation_quarter_ensure(quarter: Quarter) -> EvaluationQuarter:
    evaluation, _created = EvaluationQuarter.objects.get_or_create(year=quarter.year, quarter=quarter.q)
    return evaluation


def _run_is_stale(run: EvaluationRun, now) -> bool:
    seen = run.heartbeat_at or run.started_at or run.created_at
    return now - seen > RUN_STALE_AFTER


def evaluation_run_start(*, quarter: Quarter, actor=None, trigger: str = RunTrigger.MANUAL) -> EvaluationRun:
    """Queue the scoring of `quarter` and return its run. HR may start any quarter that has begun; the
    schedule passes actor=None. A run already queued or running is returned instead of a second one, and
    the schedule starts at most one run per quarter (unique constraint)."""
    now = timezone.now()
    if trigger == RunTrigger.MANUAL:
        _require_hr(actor)
    if quarter.start > now:
        raise InvalidInput(_("%(quarter)s has not begun yet.") % {"quarter": quarter})
    with transaction.atomic():
        evaluation = evaluation_quarter_ensure(quarter)
        evaluation = _lock_quarter(evaluation.pk)
        _require_draft(evaluation)
        active = list(evaluation.runs.select_for_update().filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]))
        for run in active:
            if not _run_is_stale(run, now):
                return run
            run.status, run.error, run.finished_at = RunStatus.FAILED, "abandoned: no progress reported", now
            run.save(update_fields=["status", "error", "finished_at"])
        if trigger == RunTrigger.SCHEDULE:
            existing = evaluation.runs.filter(trigger=RunTrigger.SCHEDULE).first()
            if existing is not None:
                return existing
        run = EvaluationRun.objects.create(
            evaluation=evaluation,
            trigger=trigger,
            requested_by=actor,
            total=len(KPIS) + 2,
            scheme=scheme_for(quarter),
        )
        _event(evaluation, EventType.RUN_STARTED, actor, run=run.pk, trigger=trigger)
        from .tasks import score_quarter

        run_id = run.pk
        # robust: a broker that is down (or skipped by core.breaker) must not turn HR's committed request into
        # an error page; the run stays queued, and a stale run may be started again.
        transaction.on_commit(lambda: score_quarter.delay(run_id), robust=True)
    return run


def _claim(run_id: int) -> tuple[EvaluationRun, int] | None:
    """Mark the run as running and return it with this attempt's number; None when there is nothing to do
    (finished, failed, gone). A redelivered job (worker killed) claims the run again with a new attempt."""
    now = timezone.now()
    with transaction.atomic():
        # Lock the run row only: evaluation_run_start locks the quarter, then its runs; locking both here
        # (FOR UPDATE over the join) took them in the other order and two concurrent starts deadlocked.
        run = (
            EvaluationRun.objects.select_for_update(of=("self",)).select_related("evaluation").filter(pk=run_id).first()
        )
        if run is None or run.status in (RunStatus.DONE, RunStatus.FAILED):
            return None
        if run.evaluation.is_frozen:
            run.status, run.error, run.finished_at = RunStatus.FAILED, "the quarter is finalised", now
            run.save(update_fields=["status", "error", "finished_at"])
            return None
        run.status = RunStatus.RUNNING
        run.attempts += 1
        run.done = 0
        run.started_at = run.started_at or now
        run.heartbeat_at = now
        run.total = len(KPIS) + 2
        run.save(update_fields=["status", "attempts", "done", "started_at", "heartbeat_at", "total"])
    return run, run.attempts


def _step(run_id: int, attempt: int) -> None:
    """Progress, committed on its own so the HR page sees it while the job runs."""
    EvaluationRun.objects.filter(pk=run_id, attempts=attempt, status=RunStatus.RUNNING).update(
        done=F("done") + 1, heartbeat_at=timezone.now()
    )


def merchandisers_to_score():
    """Everyone who holds the merchandiser role and is active, with their team now."""
    return (
        get_user_model()
        .objects.filter(groups__name=Role.MERCHANDISER, is_active=True)
        .distinct()
        .order_by("pk")
        .values_list("pk", "team_id")
    )


def evaluation_score_quarter(*, run_id: int, now=None) -> EvaluationRun | None:
    """The scoring job. Measures every KPI of the run's scheme for every merchandiser (one grouped query
    per KPI), then writes all scorecards and lines in one transaction: upserts on (quarter, merchandiser)
    and (quarter, merchandiser, KPI), so a re-run replaces and never duplicates; HR's adjusted scores are
    kept. Safe to deliver twice (acks_late + a killed worker): a finished run is left alone, and only the
    latest attempt may write, in the same transaction that marks the run done."""
    claimed = _claim(run_id)
    if claimed is None:
        return EvaluationRun.objects.filter(pk=run_id).first()
    run, attempt = claimed
    try:
        return _score(run, attempt, now=now)
    except Exception as exc:
        logger.exception("scoring run %s failed", run_id)
        with transaction.atomic():
            updated = EvaluationRun.objects.filter(pk=run_id, attempts=attempt).exclude(status=RunStatus.DONE)
            if updated.update(status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()):
                _event(run.evaluation, EventType.RUN_FAILED, None, run=run_id, error=str(exc)[:500])
        raise


def _score(run: EvaluationRun, attempt: int, *, now=None) -> EvaluationRun | None:
    evaluation = run.evaluation
    period = Period.of(evaluation.period, now)
    scheme = run.scheme or scheme_for(evaluation.period)
    scheme_lines = list(scheme.lines.all())
    working_days_refresh(until=max(period.today, period.last_day) + timedelta(days=60))
    _step(run.pk, attempt)
    measures: dict[str, dict[int, Measure]] = {}
    with analytics_session():
        for sl in scheme_lines:
            kpi = KPI_BY_CODE[sl.kpi]
            if kpi.available():
                measures[sl.kpi] = kpi.measure(period, param=sl.param)
            _step(run.pk, attempt)
    people = list(merchandisers_to_score())
    computed = {pk: compute_lines(scheme_lines=scheme_lines, measures=measures, person=pk) for pk, _t in people}
    return _write(run, attempt, evaluation, scheme, people, computed)


def _write(run, attempt, evaluation, scheme, people, computed) -> EvaluationRun | None:
    now = timezone.now()
    with transaction.atomic():
        evaluation = _lock_quarter(evaluation.pk)
        current = EvaluationRun.objects.select_for_update().get(pk=run.pk)
        if current.attempts != attempt or current.status != RunStatus.RUNNING:
            return current  # a later attempt owns the run, or it finished already: write nothing
        if evaluation.is_frozen:
            current.status, current.error, current.finished_at = RunStatus.FAILED, "the quarter is finalised", now
            current.save(update_fields=["status", "error", "finished_at"])
            return current
        adjusted = {
            (m, k): s
            for m, k, s in ScoreLine.objects.filter(evaluation=evaluation, adjusted_score__isnull=False).values_list(
                "merchandiser_id", "kpi", "adjusted_score"
            )
        }
        cards = []
        min_measured = min_measured_weight()
        for pk, team_id in people:
            lines = computed[pk]
            computed_total = scorecard_total(
                [LineScore(x.weight, x.score, x.applicable) for x in lines], min_measured=min_measured
            )
            total = scorecard_total(
                [LineScore(x.weight, adjusted.get((pk, x.kpi), x.score), x.applicable) for x in lines],
                min_measured=min_measured,
            )
            cards.append(
                Scorecard(
                    evaluation=evaluation,
                    merchandiser_id=pk,
                    team_id=team_id,
                    run=current,
                    computed_total=computed_total,
                    total=total,
                    coverage=sum(x.weight for x in lines if x.applicable),
                    computed_at=now,
                )
            )
        Scorecard.objects.bulk_create(
            cards,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["evaluation", "merchandiser"],
            update_fields=["team", "run", "computed_total", "total", "coverage", "computed_at"],
        )
        person_ids = [pk for pk, _t in people]
        Scorecard.objects.filter(evaluation=evaluation).exclude(merchandiser_id__in=person_ids).delete()
        card_ids = dict(Scorecard.objects.filter(evaluation=evaluation).values_list("merchandiser_id", "pk"))
        rows = [
            ScoreLine(
                scorecard_id=card_ids[pk],
                evaluation=evaluation,
                merchandiser_id=pk,
                kpi=x.kpi,
                category=x.category,
                unit=x.unit,
                weight=x.weight,
                target=x.target,
                floor=x.floor,
                rule=x.rule,
                param=x.param,
                numerator=x.numerator,
                denominator=x.denominator,
                value=x.value,
                applicable=x.applicable,
                score=x.score,
                points=kpi_points(score=x.score, weight=x.weight) if x.applicable else Decimal(0),
            )
            for pk in person_ids
            for x in computed[pk]
        ]
        ScoreLine.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["evaluation", "merchandiser", "kpi"],
            update_fields=[
                "scorecard",
                "category",
                "unit",
                "weight",
                "target",
                "floor",
                "rule",
                "param",
                "numerator",
                "denominator",
                "value",
                "applicable",
                "score",
                "points",
            ],
        )
        ScoreLine.objects.filter(evaluation=evaluation).exclude(kpi__in=[sl.kpi for sl in scheme.lines.all()]).delete()
        evaluation.scheme = scheme
        evaluation.computed_at = now
        evaluation.save(update_fields=["scheme", "computed_at"])
        current.status, current.done, current.finished_at = RunStatus.DONE, current.total, now
        current.people, current.heartbeat_at, current.scheme = len(person_ids), now, scheme
        current.save(update_fields=["status", "done", "finished_at", "people", "heartbeat_at", "scheme"])
        _event(evaluation, EventType.RUN_FINISHED, None, run=current.pk, people=len(person_ids), scheme=scheme.pk)
    return current


def evaluation_score_previous_quarter(*, now=None) -> EvaluationRun | None:
    """The quarterly schedule: the quarter just ended, read in the company's time zone. Does nothing when
    that quarter is already finalised."""
    quarter = Quarter.containing(now or timezone.now()).previous()
    evaluation = EvaluationQuarter.objects.filter(year=quarter.year, quarter=quarter.q).first()
    if evaluation is not None and evaluation.is_frozen:
        return None
    return evaluation_run_start(quarter=quarter, actor=None, trigger=RunTrigger.SCHEDULE)


# --- review: adjustments, comments, finalising ---------------------------------------------------------------
def _recompute_total(scorecard: Scorecard) -> None:
    """The total after an adjustment. Whether there was enough data to score was decided by the run (an
    adjustment changes a score, never what was measured), so a card without a computed total keeps none."""
    if scorecard.computed_total is None:
        return
    lines = list(scorecard.lines.all())
    scorecard.total = scorecard_total(
        [LineScore(x.weight, x.effective_score, x.applicable) for x in lines], min_measured=0
    )
    scorecard.save(update_fields=["total"])


def score_adjust(*, line_id, actor, new_score, reason: str) -> ScoreLine:
    """HR sets a KPI's score by hand. The reason is required and recorded with who, when, old and new;
    the scorecard's total follows. Refused once the quarter is finalised."""
    _require_hr(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the adjustment."))
    try:
        new_score = Decimal(str(new_score)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("The score must be a number from 0 to 100.")) from exc
    if not Decimal(0) <= new_score <= Decimal(100):
        raise InvalidInput(_("The score must be a number from 0 to 100."))
    with transaction.atomic():
        try:
            line = ScoreLine.objects.select_for_update().select_related("scorecard").get(pk=line_id)
        except (ScoreLine.DoesNotExist, ValueError, TypeError) as exc:
            raise InvalidInput(_("This result no longer exists.")) from exc
        _refuse_own_result(actor, line.merchandiser_id)
        evaluation = _lock_quarter(line.evaluation_id)
        _require_draft(evaluation)
        if not line.applicable:
            raise InvalidInput(_("This KPI does not apply to this person this quarter, so it has no score to adjust."))
        old = line.effective_score
        if new_score == old:
            raise InvalidInput(_("The new score is the same as the current one."))
        ScoreAdjustment.objects.create(
            line=line, scorecard=line.scorecard, by=actor, old_score=old, new_score=new_score, reason=reason
        )
        line.adjusted_score = new_score
        line.save(update_fields=["adjusted_score"])
        _recompute_total(line.scorecard)
        _event(
            evaluation,
            EventType.ADJUSTED,
            actor,
            scorecard=line.scorecard,
            kpi=line.kpi,
            old=str(old),
            new=str(new_score),
            reason=reason,
        )
    return line


def scorecard_comment(*, scorecard_id, actor, body: str) -> ScorecardComment:
    """A supervisor's (or HR's) review comment on a scorecard of their team, while the quarter is draft."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write the comment first."))
    with transaction.atomic():
        scorecard = Scorecard.objects.select_related("evaluation").get(pk=scorecard_id)
        if not can_comment(actor, scorecard):
            raise NotPermitted(_("Only the team's supervisor or HR may comment on this scorecard."))
        evaluation = _lock_quarter(scorecard.evaluation_id)
        _require_draft(evaluation)
        comment = ScorecardComment.objects.create(scorecard=scorecard, author=actor, body=body)
        _event(evaluation, EventType.COMMENTED, actor, scorecard=scorecard, comment=comment.pk)
    return comment


def supervisor_rate(*, actor, merchandiser_id, quarter: Quarter, rating, comment: str) -> SupervisorRating:
    """The supervisor's assessment of one merchandiser for a quarter (policy 5.1.2): a rating 1–5 and a
    comment, by the supervisor of the merchandiser's team. Rating again while the quarter is draft replaces
    the rating (the event keeps the old one); a finalised quarter refuses with QuarterFrozen. Takes effect on
    the scorecard at the next scoring run."""
    comment = (comment or "").strip()
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise InvalidInput(_("Give a rating from 1 to 5."))
    if not comment:
        raise InvalidInput(_("Say why: the comment is required."))
    if quarter.start > timezone.now():
        raise InvalidInput(_("%(quarter)s has not started yet.") % {"quarter": quarter})
    merchandiser = get_user_model().objects.filter(pk=merchandiser_id).first()
    if not can_rate(actor, merchandiser):
        raise NotPermitted(_("Only the supervisor of the merchandiser's team may rate them."))
    with transaction.atomic():
        evaluation = _lock_quarter(evaluation_quarter_ensure(quarter).pk)
        _require_draft(evaluation)
        existing = SupervisorRating.objects.select_for_update().filter(evaluation=evaluation, merchandiser=merchandiser)
        record = existing.first()
        previous = None if record is None else {"rating": record.rating, "comment": record.comment}
        if record is None:
            record = SupervisorRating.objects.create(
                evaluation=evaluation, merchandiser=merchandiser, rated_by=actor, rating=rating, comment=comment
            )
        else:
            record.rated_by, record.rating, record.comment, record.rated_at = actor, rating, comment, timezone.now()
            record.save(update_fields=["rated_by", "rating", "comment", "rated_at"])
        _event(
            evaluation,
            EventType.RATED,
            actor,
            merchandiser=merchandiser.pk,
            rating=rating,
            comment=comment,
            previous=previous,
        )
    return record


def _names(scorecards) -> str:
    return ", ".join(str(card.merchandiser) for card in scorecards)


def evaluation_finalise(*, evaluation_id, actor) -> EvaluationQuarter:
    """HR closes the quarter. From then on its scores, adjustments and comments never change.

    A scorecard with not enough data has no total and gets none by finalising: it stays "not enough data",
    unranked and not rewarded (the event lists them). A quarter where no scorecard has enough data is
    refused: there is no result to make final, and a later run may yet find the records."""
    _require_hr(actor)
    with transaction.atomic():
        evaluation = _lock_quarter(evaluation_id)
        _require_draft(evaluation)
        if evaluation.computed_at is None:
            raise TransitionRefused(_("Score the quarter before finalising it."))
        if evaluation.runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
            raise TransitionRefused(_("A scoring run is still in progress; wait for it to finish."))
        if not evaluation.period.is_over():
            raise TransitionRefused(_("%(quarter)s has not ended yet.") % {"quarter": evaluation.period})
        cards = list(evaluation.scorecards.select_related("merchandiser").order_by("merchandiser__username"))
        lacking = [card for card in cards if not card.has_score]
        if cards and len(lacking) == len(cards):
            raise TransitionRefused(
                _("%(quarter)s cannot be finalised: no scorecard has enough data (%(names)s).")
                % {"quarter": evaluation.period, "names": _names(lacking)},
                reasons=[_not_enough_data_reason()],
            )
        evaluation.finalise()
        evaluation.finalised_by = actor
        evaluation.save(update_fields=["status", "finalised_at", "finalised_by"])
        _event(
            evaluation,
            EventType.FINALISED,
            actor,
            people=len(cards),
            not_enough_data=[card.merchandiser_id for card in lacking],
        )
    return evaluation


def _not_enough_data_reason() -> str:
    return _(
        "A scorecard needs KPIs with data weighing at least %(min)s of 100; below that it reads "
        "“not enough data” and has no score."
    ) % {"min": min_measured_weight()}


# --- outcome: rewards and penalties, acknowledgement, appeals --------------------------------------------------
AMOUNT_KINDS = {OutcomeKind.BONUS, OutcomeKind.FINE}


def _violations_of(person_id, ids) -> list[int]:
    """The ids, checked to be discipline records (supervision.Violation) of this person."""
    ids = sorted({int(i) for i in ids or []})
    if not ids:
        return []
    # Only upheld ones: a violation not upheld, or overturned on appeal, justifies no penalty.
    found = sorted(Violation.objects.upheld().filter(pk__in=ids, person_id=person_id).values_list("pk", flat=True))
    if found != ids:
        raise InvalidInput(_("Cite only violations on this person's file."))
    return found


def outcome_record(*, scorecard_id, actor, kind: str, reason: str, amount=None, violation_ids=()) -> Outcome:
    """A reward or penalty (bonus, warning, fine, reassignment) decided on a finalised result."""
    _require_hr(actor)
    reason = (reason or "").strip()
    problems = []
    if kind not in OutcomeKind.values:
        problems.append(_("Choose a kind of reward or penalty."))
    if not reason:
        problems.append(_("Give the reason."))
    if kind in AMOUNT_KINDS:
        try:
            amount = Decimal(str(amount)) if amount not in (None, "") else None
        except InvalidOperation:
            amount = None
        if amount is None or amount <= 0:
            problems.append(_("A bonus or a fine needs an amount above zero."))
    else:
        amount = None
    if problems:
        raise InvalidInput(_("The decision was not recorded."), reasons=problems)
    with transaction.atomic():
        scorecard = Scorecard.objects.select_related("evaluation", "merchandiser").get(pk=scorecard_id)
        _refuse_own_result(actor, scorecard.merchandiser_id)
        evaluation = _lock_quarter(scorecard.evaluation_id)
        if evaluation.status != QuarterStatus.FINALISED:
            raise TransitionRefused(
                _("Rewards and penalties are decided on the final result: finalise the quarter first.")
            )
        cited = _violations_of(scorecard.merchandiser_id, violation_ids)
        if not scorecard.has_score and (kind == OutcomeKind.BONUS or not cited):
            # No result to decide on: a penalty may still rest on the discipline record it cites.
            raise TransitionRefused(
                _(
                    "%(person)s's scorecard for %(quarter)s has not enough data (measured weight %(weight)s of "
                    "100), so it has no result to reward or penalise; a penalty must cite a violation on file."
                )
                % {"person": _names([scorecard]), "quarter": evaluation.period, "weight": scorecard.coverage},
                reasons=[_not_enough_data_reason()],
            )
        outcome = Outcome.objects.create(
            scorecard=scorecard,
            person_id=scorecard.merchandiser_id,
            kind=kind,
            amount=amount,
            reason=reason,
            decided_by=actor,
        )
        outcome.violations.set(cited)
        _event(
            evaluation,
            EventType.OUTCOME,
            actor,
            scorecard=scorecard,
            outcome=outcome.pk,
            kind=kind,
            amount=str(amount) if amount is not None else None,
            violations=cited,
        )
    return outcome


def _own_final_scorecard(scorecard_id, actor) -> Scorecard:
    scorecard = Scorecard.objects.select_for_update().select_related("evaluation").get(pk=scorecard_id)
    if scorecard.merchandiser_id != getattr(actor, "pk", None):
        raise NotPermitted(_("Only the person scored may do this."))
    if scorecard.evaluation.status != QuarterStatus.FINALISED:
        raise TransitionRefused(_("The scorecard is not final yet."))
    return scorecard


def scorecard_acknowledge(*, scorecard_id, actor) -> Scorecard:
    with transaction.atomic():
        scorecard = _own_final_scorecard(scorecard_id, actor)
        if scorecard.acknowledged_at:
            raise TransitionRefused(_("You have already acknowledged this scorecard."))
        if scorecard.appeals.filter(status=AppealStatus.OPEN).exists():
            raise TransitionRefused(_("Your appeal is waiting for HR; acknowledge once it is answered."))
        scorecard.acknowledged_at = timezone.now()
        scorecard.save(update_fields=["acknowledged_at"])
        _event(scorecard.evaluation, EventType.ACKNOWLEDGED, actor, scorecard=scorecard)
    return scorecard


def appeal_submit(*, scorecard_id, actor, reason: str) -> Appeal:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why you appeal."))
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        scorecard = _own_final_scorecard(scorecard_id, actor)
        if scorecard.acknowledged_at:
            raise TransitionRefused(_("You acknowledged this scorecard, so it can no longer be appealed."))
        if scorecard.appeals.filter(status=AppealStatus.OPEN).exists():
            raise TransitionRefused(_("An appeal of this scorecard is already waiting for HR."))
        appeal = Appeal.objects.create(scorecard=scorecard, reason=reason, submitted_by=actor)
        _event(scorecard.evaluation, EventType.APPEALED, actor, scorecard=scorecard, appeal=appeal.pk)
    return appeal


def appeal_answer(*, appeal_id, actor, decision: str, answer: str) -> Appeal:
    """HR's answer to an appeal: upheld or rejected, with the answer the person reads. An upheld appeal of a
    finalised quarter is settled by a recorded decision (e.g. a bonus), never by rewriting the result."""
    _require_hr(actor)
    answer = (answer or "").strip()
    if decision not in (AppealStatus.UPHELD, AppealStatus.REJECTED):
        raise InvalidInput(_("Choose whether the appeal is upheld or rejected."))
    if not answer:
        raise InvalidInput(_("Write the answer to the appeal."))
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        appeal = Appeal.objects.select_for_update().select_related("scorecard__evaluation").get(pk=appeal_id)
        _refuse_own_result(actor, appeal.scorecard.merchandiser_id)
        if appeal.status != AppealStatus.OPEN:
            raise TransitionRefused(_("This appeal has already been answered."))
        appeal.status, appeal.answer, appeal.answered_by, appeal.answered_at = decision, answer, actor, timezone.now()
        appeal.save(update_fields=["status", "answer", "answered_by", "answered_at"])
        _event(
            appeal.scorecard.evaluation,
            EventType.APPEAL_ANSWERED,
            actor,
            scorecard=appeal.scorecard,
            appeal=appeal.pk,
            decision=decision,
        )
    return appeal
