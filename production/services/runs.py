"""The production run (factory, line, work order, start date) and the start of production."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import InvalidInput, TransitionRefused
from orders.models import Order, OrderState
from orders.services import order_lock, order_transition

from .. import wording
from ..models import ProductionRun
from ._common import require_edit, stage_event
from .plans import PLAN_OPEN_STATES, plan_generate


@dataclass(frozen=True)
class RunDetails:
    factory: str
    line: str
    work_order_ref: str
    start_date: date


def _validated(details: RunDetails) -> dict:
    values = {
        "factory": details.factory.strip(),
        "line": details.line.strip(),
        "work_order_ref": details.work_order_ref.strip(),
        "start_date": details.start_date,
    }
    if not all(values.values()):
        raise InvalidInput(_("Give the factory, the production line, the work order number and the start date."))
    return values


def _run_upsert(*, order: Order, actor, values: dict) -> ProductionRun:
    """Write the run of an order the caller holds locked, with its event; nothing when nothing changed."""
    run = ProductionRun.objects.filter(order=order).first()
    if run is None:
        run = ProductionRun.objects.create(order=order, recorded_by=actor, **values)
        action = "run_recorded"
    else:
        changed = {k: v for k, v in values.items() if getattr(run, k) != v}
        if not changed:
            return run
        for key, value in changed.items():
            setattr(run, key, value)
        run.save(update_fields=list(changed))
        action = "run_changed"
    _run_event(order, actor, run, action=action)
    return run


def _run_event(order: Order, actor, run: ProductionRun, *, action: str) -> None:
    stage_event(
        order,
        actor,
        action=action,
        note=wording.RUN(factory=run.factory, line=run.line, ref=run.work_order_ref, start=run.start_date),
        payload={"factory": run.factory, "line": run.line, "work_order": run.work_order_ref},
    )


def production_run_save(*, order_id, actor, details: RunDetails) -> ProductionRun:
    """Record (or correct) where and when the order is made. Allowed while entered or in production."""
    values = _validated(details)
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        require_edit(actor, order)
        if order.status not in PLAN_OPEN_STATES:
            raise TransitionRefused(_("Production details can be recorded only for an entered or in-production order."))
        return _run_upsert(order=order, actor=actor, values=values)


def production_runs_import(*, runs: dict[Order, tuple[str, date]], actor) -> list[ProductionRun]:
    """The runs of orders the go-live import (golive.services) is creating already in production or later,
    in one insert: `runs` maps each order to its factory and start date (what the file knows; line and work
    order may be unknown). The import checks the permission for the whole file and holds the new orders."""
    made = []
    for order, (factory, start_date) in runs.items():
        if not factory.strip():
            raise InvalidInput(_("Give the factory."))
        made.append(
            ProductionRun(
                order=order,
                recorded_by=actor,
                factory=factory.strip(),
                line="",
                work_order_ref="",
                start_date=start_date,
            )
        )
    ProductionRun.objects.bulk_create(made)
    for run in made:
        _run_event(run.order, actor, run, action="run_recorded")
    return made


def production_start(*, order_id, actor, details: RunDetails, expected_version=None, note: str = "") -> Order:
    """entered → in_production: save the run, then the order service makes the transition (its guard
    checks the run exists). One transaction: a refused transition leaves no run behind."""
    values = _validated(details)
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        require_edit(actor, order)
        if order.status != OrderState.ENTERED:
            raise TransitionRefused(_("Production can start only from an entered order."))
        run = _run_upsert(order=order, actor=actor, values=values)
        plan_generate(order=order, actor=actor)  # an order entered before this app existed gets one now
        # The after-action registered for start_production refreshes the flags.
        return order_transition(
            order_id=order_id,
            name="start_production",
            actor=actor,
            expected_version=expected_version,
            note=note,
            payload={"run": run.pk},
        )


def guard_start_production(order, **context) -> str | None:
    """orders.hooks guard for "start_production": the run's details must be recorded first."""
    run = ProductionRun.objects.filter(order=order).first()
    if run is None or not run.is_complete:
        return _("Record the factory, production line, work order number and start date first.")
    return None
