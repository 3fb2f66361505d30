"""Daily check-ins (每日跟进): created each working morning, filled in by the merchandiser, closed at night."""

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import waiting
from core.errors import InvalidInput, TransitionRefused
from core.statistics import analyze_on_commit
from orders.models import Order, OrderState
from orders.services import order_lock
from workcalendar.calendar import WorkCalendar

from .. import wording
from ..models import CheckIn, CheckInStatus, ContactMethod, PlanMilestone
from ._common import require_edit, stage_event
from .flags import order_flags_refresh
from .plans import milestone_set_actual


def checkins_create_for_day(*, day: date | None = None, calendar: WorkCalendar | None = None) -> int:
    """Create the day's check-in for every in-production order not on hold, owned by the order's merchandiser.

    One set-based statement, INSERT … SELECT … ON CONFLICT DO NOTHING against the (order, day) unique
    constraint: the database does the work, memory does not grow with the number of orders, and a second
    run, or two runs at once, add nothing. Non-working days create nothing. Returns how many it created.
    """
    day = day or timezone.localdate()
    calendar = calendar or WorkCalendar.load()
    if not calendar.is_working_day(day):
        return 0
    ops = connection.ops
    checkin, order = CheckIn._meta.db_table, Order._meta.db_table
    q = connection.ops.quote_name
    # The WHERE clause also keeps SQLite's parser from reading ON CONFLICT as a join condition.
    sql = (
        f"INSERT INTO {q(checkin)} (order_id, day, merchandiser_id, status, contact_name, contact_method, "  # noqa: S608
        f"problems, next_steps, created_at) "
        f"SELECT o.id, %s, o.merchandiser_id, %s, '', '', '', '', %s FROM {q(order)} o "
        f"WHERE o.status = %s AND o.is_on_hold = %s "
        f"ON CONFLICT DO NOTHING"
    )
    params = [
        ops.adapt_datefield_value(day),
        CheckInStatus.PENDING.value,
        ops.adapt_datetimefield_value(timezone.now()),
        OrderState.IN_PRODUCTION.value,
        False,  # a held order needs no contact with production: nothing to miss
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        cursor.execute(sql, params)
        created = max(cursor.rowcount, 0)
        if created:
            analyze_on_commit(CheckIn)  # the new day, for the planner (core/statistics.py)
        return created


def checkins_mark_missed(*, day: date | None = None) -> int:
    """Close every check-in of `day` and before that is still to do: missed, or not needed when the order
    left production or was put on hold meanwhile (a miss would count against the merchandiser for a pause
    the customer asked for). Idempotent; a night the job did not run is caught up the next."""
    day = day or timezone.localdate()
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        open_ = CheckIn.objects.filter(status=CheckInStatus.PENDING, day__lte=day)
        waived = open_.filter(~Q(order__status=OrderState.IN_PRODUCTION) | Q(order__is_on_hold=True)).update(
            status=CheckInStatus.WAIVED
        )
        missed = open_.update(status=CheckInStatus.MISSED)
        if waived or missed:
            analyze_on_commit(CheckIn)  # the day's statuses, for the planner (core/statistics.py)
        return missed


@dataclass(frozen=True)
class CheckInInput:
    contact_name: str
    contact_method: str
    quantity_done: int | None = None
    milestone_id: int | None = None  # a milestone reached today: its actual date is set to the day
    problems: str = ""
    next_steps: str = ""


def checkin_record(*, order_id, actor, data: CheckInInput, day: date | None = None) -> CheckIn:
    """Record the day's contact with production for one order. Creates the check-in if the morning job
    has not (an order started today); saving again the same day updates it. A missed or waived day is
    closed. A milestone reached gets its actual date; the order's flags are recomputed."""
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise InvalidInput(_("A check-in cannot be recorded for a future day."))
    if not data.contact_name.strip():
        raise InvalidInput(_("Say whom you spoke to in production."))
    if data.contact_method not in ContactMethod.values:
        raise InvalidInput(_("Choose how you contacted production."))
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        order = order_lock(order_id=order_id)
        require_edit(actor, order)
        if order.status != OrderState.IN_PRODUCTION:
            raise TransitionRefused(_("Daily check-ins are recorded only while the order is in production."))
        checkin, _created = CheckIn.objects.get_or_create(
            order=order, day=day, defaults={"merchandiser_id": order.merchandiser_id}
        )
        if checkin.status in (CheckInStatus.MISSED, CheckInStatus.WAIVED):
            raise TransitionRefused(
                _("The check-in of %(day)s is closed (%(status)s).")
                % {"day": day.isoformat(), "status": checkin.get_status_display()}
            )
        milestone = None
        if data.milestone_id:
            milestone = PlanMilestone.objects.filter(pk=data.milestone_id, plan__order_id=order.pk).first()
            if milestone is None:
                raise InvalidInput(_("This milestone is not part of the order's plan."))
        updated = checkin.status == CheckInStatus.DONE
        checkin.status = CheckInStatus.DONE
        checkin.merchandiser_id = order.merchandiser_id  # a handed-over order: the new owner answers for it
        checkin.contact_name = data.contact_name.strip()
        checkin.contact_method = data.contact_method
        checkin.quantity_done = data.quantity_done
        checkin.milestone = milestone or checkin.milestone
        checkin.problems = data.problems.strip()
        checkin.next_steps = data.next_steps.strip()
        checkin.completed_at = timezone.now()
        checkin.completed_by = actor
        checkin.save()
        stage_event(
            order,
            actor,
            action="checkin_updated" if updated else "checkin",
            note=wording.CHECKIN(
                day=checkin.day,
                contact=checkin.contact_name,
                method=checkin.contact_method,
                quantity=checkin.quantity_done,
                problems=checkin.problems,
                next=checkin.next_steps,
            ),
            payload={
                "checkin": checkin.pk,
                "day": day.isoformat(),
                "method": checkin.contact_method,
                "quantity": checkin.quantity_done,
            },
        )
        if milestone is not None and milestone.actual_date is None:
            milestone_set_actual(
                order=order, milestone=milestone, actor=actor, actual_date=day, payload={"checkin": checkin.pk}
            )
        order_flags_refresh(order=order)
    return checkin
