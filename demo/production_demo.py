"""Production in the demo: runs for the in-production orders, a few days of check-ins (done and missed),
an at-risk order, a delay approved by the supervisor with its customer notice, a new date waiting for
sup.zhao, one the customer caused and accepted, and the promise's early warning. Built through the
production services, once: a second load finds the demo's delay and changes nothing."""

import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from orders.models import Order, OrderState
from orders.services import order_hold, promise_approve, promise_customer_answer
from production.models import Delay, DelayReason, PlanMilestone
from production.services import (
    CheckInInput,
    RunDetails,
    checkin_record,
    checkins_create_for_day,
    checkins_mark_missed,
    delay_record,
    milestone_record_actual,
    milestone_revise,
    plan_generate,
    production_run_save,
)
from workcalendar.calendar import WorkCalendar

TEAM_A = ("merch.li", "merch.wang")  # sup.zhao's team
FACTORIES = ["宁波二厂 Ningbo No. 2", "绍兴针织厂 Shaoxing Knitting", "南通家纺 Nantong Home Textile"]
CONTACTS = ["王组长 Wang (line leader)", "陈主管 Chen (production)", "刘经理 Liu (plant manager)"]
METHODS = ["phone", "wechat", "visit", "email"]
PROBLEMS = ["", "", "辅料拉链晚到两天 / zips two days late", "", "A few shade variations on lot 3; re-dyeing"]


def record_run(order: Order) -> None:
    """The factory, line and work order that production's guard on start_production needs. Called by
    the loader just before it starts production; derived from the order, so the loader's random
    sequence (and so the rest of the demo) stays as it was."""
    production_run_save(
        order_id=order.pk,
        actor=order.merchandiser,
        details=RunDetails(
            factory=FACTORIES[order.pk % len(FACTORIES)],
            line=f"{order.pk % 6 + 1}号线 / Line {order.pk % 6 + 1}",
            work_order_ref=f"WO-{order.pk:06d}",
            start_date=timezone.localdate() - timedelta(days=3),
        ),
    )


def load(rng: random.Random) -> dict:
    demo_orders = Order.objects.filter(customer__code__in=["NORD", "PACI", "HANS", "SHGM", "SAKU", "GZBL"])
    if Delay.objects.filter(order__in=demo_orders).exists():
        return {"production": "already loaded"}
    # 2026's holidays come with the install (workcalendar's migration 0003); 2027 is left unloaded, so HR
    # and the supervisors see the warning that asks for the State Council's notice.
    calendar = WorkCalendar.load()
    for order in demo_orders.filter(status__in=[OrderState.ENTERED, OrderState.IN_PRODUCTION]):
        plan_generate(order=order)  # entered before production existed: give it its plan
    running = list(demo_orders.filter(status=OrderState.IN_PRODUCTION).select_related("customer").order_by("pk"))
    if not running:
        return {"production": "no order in production"}

    today = timezone.localdate()
    # The last working day: most check-ins done, the rest closed as missed by the night job.
    previous = calendar.on_or_before(today - timedelta(days=1))
    checkins_create_for_day(day=previous, calendar=calendar)
    for i, order in enumerate(running):
        if i % 3 == 2:
            continue  # left undone: missed
        checkin_record(order_id=order.pk, actor=order.merchandiser, data=_answer(rng, order, i), day=previous)
    checkins_mark_missed(day=previous)
    # Today: two done already, the rest waiting on the merchandisers' "My check-ins today".
    if calendar.is_working_day(today):
        checkins_create_for_day(day=today, calendar=calendar)
        for i, order in enumerate(running[:2]):
            checkin_record(order_id=order.pk, actor=order.merchandiser, data=_answer(rng, order, i + 1))

    # Materials booked for every order, on the planned day or today, whichever came first.
    for order in running:
        booked = PlanMilestone.objects.filter(plan__order=order, sequence=10).first()
        if booked and not booked.actual_date:
            milestone_record_actual(
                order_id=order.pk,
                milestone_id=booked.pk,
                actor=order.merchandiser,
                actual_date=min(booked.planned_date, today),
            )

    # At risk: the mill pushes fabric back beyond what the plan can absorb.
    risky = running[0]
    fabric = PlanMilestone.objects.filter(plan__order=risky, is_critical=True, actual_date__isnull=True).first()
    if fabric:
        milestone_revise(
            order_id=risky.pk,
            milestone_id=fabric.pk,
            actor=risky.merchandiser,
            revised_date=calendar.add(fabric.due_date, 12),
            reason="面料厂染色返工 / the mill is re-dyeing the fabric",
        )

    # A delay, told to the customer in their own language (a Chinese customer when there is one), once the
    # team's supervisor approved the new date: the order's first and latest promises now differ.
    delayed = next((o for o in running[1:] if o.customer.preferred_language == "zh-hans"), running[-1])
    proposal = delay_record(
        order_id=delayed.pk,
        actor=delayed.merchandiser,
        reason_id=DelayReason.objects.get(code="material_late").pk,
        new_date=delayed.delivery_date + timedelta(days=14),
        note="辅料供应商停产一周 / the trims supplier stopped for a week",
    )
    promise_approve(promise_id=proposal.pk, actor=delayed.merchandiser.team.supervisor, note="同意 / agreed")
    used = {risky.pk, delayed.pk}
    promises = _promises(running, used)
    # On hold: the customer paused an order (the merchandiser sees why on its page; no check-ins are due).
    held = next((o for o in reversed(running) if o.pk not in used), None)
    if held is not None:
        order_hold(
            order_id=held.pk,
            actor=held.merchandiser,
            reason="客户暂停：等待新的包装设计 / the customer paused the order until the new packaging is ready",
        )
    return {
        "production_orders": len(running),
        "at_risk": risky.display_number,
        "delayed": delayed.display_number,
        "on_hold": held.display_number if held else "",
        **promises,
    }


def _promises(running: list[Order], used: set[int]) -> dict:
    """The promise ledger for each role: a new date waiting for sup.zhao (team A), and one the customer
    caused, approved at once on its evidence and accepted by the customer from the status link."""
    loaded = {}
    waiting = next((o for o in running if o.pk not in used and o.merchandiser.username in TEAM_A), None)
    if waiting is not None:
        used.add(waiting.pk)
        delay_record(
            order_id=waiting.pk,
            actor=waiting.merchandiser,
            reason_id=DelayReason.objects.get(code="capacity").pk,
            new_date=waiting.delivery_date + timedelta(days=10),
            note="绣花外发排不上 / the embroidery subcontractor is fully booked",
        )
        loaded["date_to_approve"] = waiting.display_number
    by_customer = next((o for o in reversed(running) if o.pk not in used), None)
    if by_customer is not None:
        used.add(by_customer.pk)
        evidence = ContentFile(
            b"Please hold the shipment one week: the new carton marks follow.\n", name="carton-marks-change.eml"
        )
        promise = delay_record(
            order_id=by_customer.pk,
            actor=by_customer.merchandiser,
            reason_id=DelayReason.objects.get(code="customer_change").pk,
            new_date=by_customer.delivery_date + timedelta(days=7),
            note="客户更改箱唛 / the customer changed the carton marks",
            evidence=evidence,
        )
        promise_customer_answer(order_id=by_customer.pk, promise_id=promise.pk, answer="accepted")
        loaded["customer_moved"] = by_customer.display_number
    return loaded


def _answer(rng: random.Random, order: Order, i: int) -> CheckInInput:
    return CheckInInput(
        contact_name=CONTACTS[order.pk % len(CONTACTS)],
        contact_method=METHODS[i % len(METHODS)],
        quantity_done=rng.choice([0, 120, 480, 960]),
        problems=PROBLEMS[i % len(PROBLEMS)],
        next_steps="明天上午再跟进 / follow up tomorrow morning",
    )
