"""Delays (延期): a reason code, a new promised date, the customer told in their own language."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from notifications.services import notification_enqueue
from orders import hooks
from orders.event_wording import both_names
from orders.models import Order
from orders.services.records import order_reschedule
from workcalendar.calendar import WorkCalendar

from .. import wording
from ..models import Delay, DelayReason, ProductionPlan
from ._common import stage_event
from .flags import order_flags_refresh
from .plans import plan_replan_open

NOTICE_TEMPLATE = "production_delay"


def delay_record(*, order_id, actor, reason_id, new_date: date, note: str = "", expected_version=None) -> Delay:
    """Record a delay with its reason and new promised date, in one transaction:
    the order's delivery date moves (orders.services.records.order_reschedule), the open milestones are
    re-planned back from the new ex-factory date, the customer's notice goes into the outbox (sent after
    commit; one per delay, so every move of the date is a new notice), the timeline gets the record and
    the flags are recomputed."""
    today = timezone.localdate()
    if new_date < today:
        raise InvalidInput(_("The new promised date cannot be in the past."))
    reason = DelayReason.objects.filter(pk=reason_id, active=True).first() if str(reason_id).isdigit() else None
    if reason is None:
        raise InvalidInput(_("Choose a reason for the delay."))
    # Both names: the field history is read by colleagues in either language.
    why = f"{reason.name_zh} / {reason.name_en}" + (f": {note.strip()}" if note.strip() else "")
    with transaction.atomic():
        # Lock the row and read the date being replaced; order_reschedule checks permission, state and version.
        previous = Order.objects.select_for_update().filter(pk=order_id).values_list("delivery_date", flat=True).first()
        if previous is None:
            raise InvalidInput(_("This order no longer exists."))
        order = order_reschedule(
            order_id=order_id, actor=actor, delivery_date=new_date, reason=why, expected_version=expected_version
        )
        earlier = order.delays.count()
        delay = Delay.objects.create(
            order=order, reason=reason, note=note.strip(), previous_date=previous, new_date=new_date, recorded_by=actor
        )
        plan = ProductionPlan.objects.filter(order=order).first()
        moved = 0
        if plan is not None:
            calendar = WorkCalendar.load()
            ex_factory = calendar.on_or_before(new_date - timedelta(days=plan.transit_days))
            moved = plan_replan_open(plan=plan, ex_factory=ex_factory, reason=why, actor=actor, calendar=calendar)
        delay.notification = _notify_customer(order=order, delay=delay, is_update=earlier > 0)
        delay.save(update_fields=["notification"])
        stage_event(
            order,
            actor,
            action="delay",
            note=wording.DELAY(
                reason=both_names(reason), old=previous, new=new_date, notice=delay.notification is not None
            ),
            payload={
                "delay": delay.pk,
                "reason": reason.code,
                "from": previous.isoformat(),
                "to": new_date.isoformat(),
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
