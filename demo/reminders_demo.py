"""The morning digest, reminders, approvals waiting and escalations in the demo's inboxes (issue 21 item 3):
the real jobs run once over the demo's orders, reports and cases, as beat would run them this morning. On a
day off, the digest is the one of the last working day. Running the demo again adds nothing the same day.

So that the whole escalation chain shows (the owner, sup.sun, mgmt.zheng), one of merch.zhang's orders in
production has a milestone revised to a date long enough ago, through the production service."""

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from orders.models import Order, OrderState
from production.models import PlanMilestone
from production.services import milestone_revise
from reminders.models import Escalation, EscalationStep
from reminders.services import approvals_chase, digests_send, escalations_run, reminders_send
from workcalendar.calendar import WorkCalendar

LATE_REASON = "面料厂延迟交货 / The fabric mill delivers late"


def _one_long_overdue(calendar, day) -> None:
    if Escalation.objects.filter(step=EscalationStep.MANAGEMENT).exists():
        return
    zhang = User.objects.get(username="merch.zhang")
    order = (
        Order.objects.filter(merchandiser=zhang, status=OrderState.IN_PRODUCTION, is_on_hold=False)
        .order_by("pk")
        .first()
    )
    milestone = (
        PlanMilestone.objects.filter(plan__order=order, actual_date__isnull=True).order_by("sequence").first()
        if order
        else None
    )
    if milestone is None:
        return
    late = calendar.subtract(day, settings.REMINDERS_ESCALATE_MANAGEMENT_DAYS + 1)
    milestone_revise(order_id=order.pk, milestone_id=milestone.pk, actor=zhang, revised_date=late, reason=LATE_REASON)


def load(rng=None) -> dict:
    calendar = WorkCalendar.load()
    day = calendar.on_or_before(timezone.localdate())
    _one_long_overdue(calendar, day)
    return {
        "reminders": reminders_send(today=day, calendar=calendar),
        "approvals": approvals_chase(),
        "escalations": escalations_run(today=day, calendar=calendar),
        "digests": digests_send(day=day, calendar=calendar),
    }
