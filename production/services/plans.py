"""The T&A plan: generated when the order is entered, then kept current by actuals, revisions and delays."""

import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, TransitionRefused
from orders.event_wording import both_names
from orders.models import Order, OrderLine, OrderState
from orders.services import order_lock
from workcalendar.calendar import WorkCalendar

from .. import wording
from ..models import PlanMilestone, ProductionPlan
from ..selectors import plan_preview, plan_templates
from ._common import require_edit, stage_event
from .flags import order_flags_refresh, order_flags_refresh_into

logger = logging.getLogger(__name__)

# Milestones can be recorded from entry (materials are booked before the line starts) until shipment.
PLAN_OPEN_STATES = (OrderState.ENTERED, OrderState.IN_PRODUCTION)


def _plan_of(order: Order, schedule) -> ProductionPlan:
    return ProductionPlan(
        order=order,
        template=schedule.template,
        ex_factory_date=schedule.ex_factory,
        transit_days=schedule.transit_days,
        is_compressed=schedule.is_compressed,
        shortfall_days=schedule.shortfall_days,
    )


def _milestones_of(plan: ProductionPlan, schedule) -> list[PlanMilestone]:
    return [
        PlanMilestone(
            plan=plan,
            code=s.source.code,
            name_zh=s.source.name_zh,
            name_en=s.source.name_en,
            sequence=s.source.sequence,
            offset_days=s.offset_days,
            owner_role=s.source.owner_role,
            is_critical=s.source.is_critical,
            planned_date=s.planned_date,
        )
        for s in schedule.milestones
    ]


def _link_dependencies(schedule, rows: list[PlanMilestone]) -> list[PlanMilestone]:
    """Point each saved milestone at the one its template milestone depends on; returns those linked."""
    by_source = {s.source.pk: row for s, row in zip(schedule.milestones, rows, strict=True)}
    linked = []
    for s, row in zip(schedule.milestones, rows, strict=True):
        if s.source.depends_on_id in by_source:
            row.depends_on = by_source[s.source.depends_on_id]
            linked.append(row)
    return linked


def _plan_generated_event(order: Order, actor, schedule) -> None:
    stage_event(
        order,
        actor,
        action="plan_generated",
        note=wording.PLAN_MADE(
            template=both_names(schedule.template),
            date=schedule.ex_factory,
            shortfall=schedule.shortfall_days if schedule.is_compressed else 0,
        ),
        payload={
            "template": schedule.template.product_type,
            "ex_factory": schedule.ex_factory.isoformat(),
            "compressed": schedule.is_compressed,
            "shortfall_days": schedule.shortfall_days,
        },
    )


def plan_generate(*, order: Order, actor=None, today: date | None = None) -> ProductionPlan | None:
    """Build the order's plan by working back from its ex-factory date. A delivery date too close for
    the template does not block anything: the plan is compressed and says so. Idempotent: an order
    that already has a plan keeps it. Call inside the entering transaction."""
    existing = ProductionPlan.objects.filter(order=order).first()
    if existing:
        return existing
    schedule = plan_preview(order=order, today=today)
    if schedule is None:
        logger.warning("no T&A template configured; order %s entered without a plan", order.pk)
        return None
    plan = _plan_of(order, schedule)
    plan.save(force_insert=True)
    rows = _milestones_of(plan, schedule)
    PlanMilestone.objects.bulk_create(rows)
    PlanMilestone.objects.bulk_update(_link_dependencies(schedule, rows), ["depends_on"])
    _plan_generated_event(order, actor, schedule)
    return plan


@dataclass
class PlanToImport:
    """What the go-live file says of one order's plan: entered on `entered_on`, its ex-factory date if the file
    gives one, the codes of the milestones done (None: all of them, the goods have left the factory)."""

    order: Order
    entered_on: date
    ex_factory: date | None
    done: list[str] | None


def _milestones_insert_linked(made: list) -> None:
    """Insert the milestones of many plans with their dependencies set: a milestone after the one it depends
    on, one insert per depth of the templates' dependency chains (an update of each milestone's link,
    as plan_generate does, costs more than the inserts)."""
    depth: dict[int, int] = {}  # id(milestone) -> how many milestones it waits on, through depends_on
    for _item, schedule, _plan, milestones, _marked in made:
        by_source = {s.source.pk: row for s, row in zip(schedule.milestones, milestones, strict=True)}
        for s, row in zip(schedule.milestones, milestones, strict=True):
            row.depends_on = by_source.get(s.source.depends_on_id)
        for row in milestones:
            chain, seen = 0, row
            while seen.depends_on is not None and chain <= len(milestones):  # a cycle stops here
                chain, seen = chain + 1, seen.depends_on
            depth[id(row)] = chain
    rows = [m for *_rest, milestones, _marked in made for m in milestones]
    for level in sorted({depth[id(m)] for m in rows}):
        # Each takes the id of the milestone it depends on, saved by an earlier level.
        PlanMilestone.objects.bulk_create([m for m in rows if depth[id(m)] == level], batch_size=1000)


def plans_import(*, items: list[PlanToImport], actor, today: date | None = None) -> dict[int, ProductionPlan]:
    """The T&A plans of orders the go-live import (golive.services) creates already entered or later, in a
    few queries for all of them: each made as it would have been on the day its order was entered, moved
    to the file's ex-factory date if it gives one, with the milestones done marked. A done milestone's
    actual date is its due date, or today if that is later: the file says it is done, not when. One event
    lists them. Returns the plans by order id (each with `imported_milestones`, its milestones, in
    sequence); an order gets none without a T&A template."""
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    templates = plan_templates()
    product_types: dict[int, list[str]] = {}
    for order_id, product_type in OrderLine.objects.filter(
        order_id__in=[item.order.pk for item in items], product__isnull=False
    ).values_list("order_id", "product__product_type"):
        product_types.setdefault(order_id, []).append(product_type)
    reason = _("Ex-factory date of the go-live import")
    made = []  # (item, schedule, plan, milestones, marked)
    for item in items:
        order = item.order
        schedule = plan_preview(
            order=order,
            today=item.entered_on,
            calendar=calendar,
            templates=templates,
            product_types=product_types.get(order.pk, []),
        )
        if schedule is None:
            logger.warning("no T&A template configured; order %s entered without a plan", order.pk)
            continue
        plan = _plan_of(order, schedule)
        milestones = _milestones_of(plan, schedule)
        unknown = sorted(set(item.done or ()) - {m.code for m in milestones})
        if unknown:
            raise InvalidInput(
                _("Order %(order)s: the T&A plan has no milestone %(codes)s.")
                % {"order": order.display_number, "codes": ", ".join(unknown)}
            )
        if item.ex_factory and item.ex_factory != plan.ex_factory_date:
            plan.ex_factory_date = item.ex_factory  # as plan_replan_open moves a plan none of whose milestones is done
            for m in milestones:
                new_due = calendar.subtract(item.ex_factory, m.offset_days)
                if new_due != m.due_date:
                    m.revised_date, m.revision_reason, m.updated_by = new_due, reason, actor
        marked = [m for m in milestones if item.done is None or m.code in item.done]
        for m in marked:
            m.actual_date, m.updated_by = min(m.due_date, today), actor
        made.append((item, schedule, plan, milestones, marked))
    ProductionPlan.objects.bulk_create([plan for _item, _schedule, plan, _ms, _marked in made])
    _milestones_insert_linked(made)
    plans = {}
    for item, schedule, plan, milestones, marked in made:
        _plan_generated_event(item.order, actor, schedule)
        if marked:
            stage_event(
                item.order,
                actor,
                action="milestones_imported",
                note=wording.MILESTONES_IMPORTED(milestones=[both_names(m) for m in marked]),
                payload={"milestones": [m.code for m in marked], "imported": True},
            )
        plan.imported_milestones = milestones
        plans[item.order.pk] = plan
    return plans


def plan_on_enter(order: Order, actor) -> None:
    """orders.hooks after-action for "enter"."""
    plan_generate(order=order, actor=actor)
    order_flags_refresh_into(order, actor)


def plan_replan_open(*, plan: ProductionPlan, ex_factory: date, reason: str, actor, calendar: WorkCalendar) -> int:
    """Move the plan to a new ex-factory date: every milestone not done gets a revised date worked back
    from it with its offset. Baselines and actuals stay, so the variance remains visible."""
    plan.ex_factory_date = ex_factory
    plan.save(update_fields=["ex_factory_date"])
    moved = []
    for m in plan.milestones.filter(actual_date__isnull=True):
        new_due = calendar.subtract(ex_factory, m.offset_days)
        if new_due != m.due_date:
            m.revised_date, m.revision_reason, m.updated_by = new_due, reason, actor
            moved.append(m)
    PlanMilestone.objects.bulk_update(moved, ["revised_date", "revision_reason", "updated_by", "updated_at"])
    return len(moved)


def _milestone_for_update(*, order_id, milestone_id, actor):
    order = order_lock(order_id=order_id)
    require_edit(actor, order)
    if order.status not in PLAN_OPEN_STATES:
        raise TransitionRefused(_("The plan can be updated only while the order is entered or in production."))
    milestone = (
        PlanMilestone.objects.select_for_update().filter(pk=milestone_id, plan__order_id=order.pk).first()
        if str(milestone_id).isdigit()
        else None
    )
    if milestone is None:
        raise InvalidInput(_("This milestone is not part of the order's plan."))
    return order, milestone


def milestone_set_actual(*, order, milestone, actor, actual_date: date, payload=None) -> None:
    """Write a milestone's actual date and its event. The caller holds the order's lock."""
    previous = milestone.actual_date
    milestone.actual_date, milestone.updated_by = actual_date, actor
    milestone.save(update_fields=["actual_date", "updated_by", "updated_at"])
    stage_event(
        order,
        actor,
        action="milestone_done",
        note=wording.MILESTONE_DONE(milestone=both_names(milestone), date=actual_date),
        payload={
            "milestone": milestone.code,
            "actual": actual_date.isoformat(),
            "planned": milestone.planned_date.isoformat(),
            "previous": previous.isoformat() if previous else None,
            **(payload or {}),
        },
    )


def milestone_record_actual(*, order_id, milestone_id, actor, actual_date: date, today: date | None = None):
    """Record when a milestone was reached. Not in the future; recording it again corrects the date."""
    today = today or timezone.localdate()
    if actual_date > today:
        raise InvalidInput(_("The actual date cannot be in the future."))
    with transaction.atomic():
        order, milestone = _milestone_for_update(order_id=order_id, milestone_id=milestone_id, actor=actor)
        if milestone.actual_date == actual_date:
            return milestone
        milestone_set_actual(order=order, milestone=milestone, actor=actor, actual_date=actual_date)
        order_flags_refresh(order=order, today=today)
    return milestone


def milestone_revise(*, order_id, milestone_id, actor, revised_date: date, reason: str):
    """Give a milestone a new due date. The planned (baseline) date never changes; a reason is required."""
    if not reason.strip():
        raise InvalidInput(_("Give the reason for the new date."))
    with transaction.atomic():
        order, milestone = _milestone_for_update(order_id=order_id, milestone_id=milestone_id, actor=actor)
        if milestone.actual_date:
            raise TransitionRefused(_("This milestone is done; record its actual date instead."))
        previous = milestone.due_date
        milestone.revised_date, milestone.revision_reason, milestone.updated_by = revised_date, reason.strip(), actor
        milestone.save(update_fields=["revised_date", "revision_reason", "updated_by", "updated_at"])
        stage_event(
            order,
            actor,
            action="milestone_revised",
            note=wording.MILESTONE_REVISED(
                milestone=both_names(milestone), old=previous, new=revised_date, reason=reason.strip()
            ),
            payload={"milestone": milestone.code, "from": previous.isoformat(), "to": revised_date.isoformat()},
        )
        order_flags_refresh(order=order)
    return milestone
