"""Delays (延期): a reason code, a new promised date proposed in the order's promise ledger, approved, and
the customer told in their own language."""

from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from notifications.services import notification_enqueue
from orders import hooks
from orders.event_wording import both_names
from orders.models import Order, Promise
from orders.services import PromiseReason, promise_propose
from workcalendar.calendar import WorkCalendar

from .. import wording
from ..models import Delay, DelayReason, ProductionPlan
from ._common import stage_event
from .flags import order_flags_refresh
from .plans import plan_replan_open

NOTICE_TEMPLATE = "production_delay"


def delay_record(
    *, order_id, actor, reason_id, new_date: date, note: str = "", evidence=None, expected_version=None
) -> Promise:
    """Propose a new promised date for a delay, through the order's promise ledger
    (orders.services.promise_propose). A reason the customer caused, with its evidence attached, is approved
    at once; any other waits for the owner's supervisor. Once approved, delay_apply does what a delay does.
    Returns the promise: approved or waiting."""
    reason = DelayReason.objects.filter(pk=reason_id, active=True).first() if str(reason_id).isdigit() else None
    if reason is None:
        raise InvalidInput(_("Choose a reason for the delay."))
    return promise_propose(
        order_id=order_id,
        actor=actor,
        new_date=new_date,
        reason=PromiseReason(reason.code, reason.name_zh, reason.name_en, customer_caused=reason.customer_caused),
        note=note,
        evidence=evidence,
        expected_version=expected_version,
    )


def delay_apply(promise: Promise, actor) -> Delay:
    """orders.hooks promise-approved action, inside the approving transaction: record the delay, re-plan the
    open milestones back from the new ex-factory date, put the customer's notice in the outbox (sent after
    commit; one per delay, with the status link where they can accept or question the date), write the
    stage's record and recompute the flags."""
    order = promise.order
    reason = (
        DelayReason.objects.filter(code=promise.reason_code).first() or DelayReason.objects.order_by("-sequence")[0]
    )
    earlier = order.delays.count()
    why = f"{reason.name_zh} / {reason.name_en}" + (f": {promise.note}" if promise.note else "")
    delay = Delay.objects.create(
        order=order,
        promise=promise,
        reason=reason,
        note=promise.note,
        previous_date=promise.previous_date,
        new_date=promise.delivery_date,
        recorded_by=promise.proposed_by,
    )
    plan = ProductionPlan.objects.filter(order=order).first()
    moved = 0
    if plan is not None:
        calendar = WorkCalendar.load()
        ex_factory = calendar.on_or_before(promise.delivery_date - timedelta(days=plan.transit_days))
        moved = plan_replan_open(plan=plan, ex_factory=ex_factory, reason=why, actor=actor, calendar=calendar)
    delay.notification = _notify_customer(order=order, delay=delay, is_update=earlier > 0)
    delay.save(update_fields=["notification"])
    stage_event(
        order,
        actor,
        action="delay",
        note=wording.DELAY(
            reason=both_names(reason),
            old=promise.previous_date,
            new=promise.delivery_date,
            notice=delay.notification is not None,
        ),
        payload={
            "delay": delay.pk,
            "promise": promise.pk,
            "reason": reason.code,
            "from": promise.previous_date.isoformat(),
            "to": promise.delivery_date.isoformat(),
            "milestones_moved": moved,
            "notification": delay.notification_id,
        },
    )
    order_flags_refresh(order=order)
    return delay


def _customer_email(order: Order) -> str:
    if order.customer.email:
        return order.customer.email
    contact = order.customer.contacts.exclude(email="").order_by("pk").first()
    return contact.email if contact else ""


def _person_name(user) -> str:
    # Chinese names read family name first, with no space.
    if user.last_name and not user.last_name.isascii():
        return f"{user.last_name}{user.first_name}"
    return user.get_full_name() or user.get_username()


def _notify_customer(*, order: Order, delay: Delay, is_update: bool):
    to_email = _customer_email(order)
    if not to_email:
        return None
    return notification_enqueue(
        kind="production_delay",
        reference=f"order:{order.pk}",
        to_email=to_email,
        reply_to=hooks.customer_reply_to(order),
        language=order.customer.preferred_language or settings.LANGUAGE_CODE,
        template=NOTICE_TEMPLATE,
        context={
            "order": order,
            "customer": order.customer,
            "delay": delay,
            "reason": delay.reason,
            "is_update": is_update,
            "merchandiser": order.merchandiser,
            "merchandiser_name": _person_name(order.merchandiser),
            "status_url": hooks.customer_status_url(order),
        },
        dedupe_key=f"production-delay:{delay.pk}",
    )
