"""Evaluation objects for the access matrix (tests/security/access_table.py): a finalised quarter (2025Q4)
with a scorecard of team A's merchandiser, one KPI line, an open appeal and a finished run; built once per
test from the matrix's world."""

from dataclasses import dataclass
from decimal import Decimal

from evaluation.codes import QuarterStatus, RunStatus, RunTrigger
from evaluation.models import Appeal, EvaluationQuarter, EvaluationRun, Scorecard, ScoreLine


@dataclass
class EvaluationWorld:
    evaluation: object
    run: object
    scorecard: object
    line: object
    appeal: object


def evaluation_world(world) -> EvaluationWorld:
    if "evaluation" in world.extra:
        return world.extra["evaluation"]
    merch = world.users["merchandiser"]
    evaluation = EvaluationQuarter.objects.create(year=2025, quarter=4, status=QuarterStatus.FINALISED)
    run = EvaluationRun.objects.create(
        evaluation=evaluation, trigger=RunTrigger.MANUAL, status=RunStatus.DONE, total=12, done=12
    )
    scorecard = Scorecard.objects.create(
        evaluation=evaluation,
        merchandiser=merch,
        team=merch.team,
        run=run,
        total=Decimal("80"),
        computed_total=Decimal("80"),
        coverage=100,
    )
    line = ScoreLine.objects.create(
        scorecard=scorecard,
        evaluation=evaluation,
        merchandiser=merch,
        kpi="order_accuracy",
        category="accuracy",
        unit="percent",
        weight=100,
        target=Decimal(100),
        floor=Decimal(0),
        rule="linear",
        numerator=Decimal(4),
        denominator=Decimal(5),
        value=Decimal(80),
        score=Decimal(80),
        points=Decimal(80),
    )
    appeal = Appeal.objects.create(scorecard=scorecard, reason="matrix appeal", submitted_by=merch)
    world.extra["evaluation"] = EvaluationWorld(evaluation, run, scorecard, line, appeal)
    return world.extra["evaluation"]


def pk_of(name: str):
    return lambda world: getattr(evaluation_world(world), name).pk


def year_of(world) -> int:
    return evaluation_world(world).evaluation.year


def q_of(world) -> int:
    return evaluation_world(world).evaluation.quarter


def quarter_of(world) -> str:
    return str(evaluation_world(world).evaluation.period)
