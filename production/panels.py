"""What production shows on the order page, through orders.hooks panels. Each context function costs a
constant number of queries and renders nothing for states it has nothing to say about."""

from dataclasses import dataclass

from django.utils import timezone

from core.qr import qr_data_uri
from orders.hooks import related_or_none
from orders.models import OrderState
from orders.permissions import can_edit

from .forms import DelayForm, MilestoneActualForm, MilestoneReviseForm
from .models import Delay
from .selectors import (
    delay_reasons_active,
    factory_link_active,
    factory_link_url,
    factory_links_of,
    factory_reports_of,
    plan_preview,
    plan_view,
)

BEFORE_ENTRY = (OrderState.RECEIVED, OrderState.CONFIRMED)
PLAN_OPEN = (OrderState.ENTERED, OrderState.IN_PRODUCTION)
RECENT_CHECKINS = 10


def plan_panel_context(*, order, user) -> dict:
    today = timezone.localdate()
    if order.status in BEFORE_ENTRY:
        # Warn before Enter is pressed: the plan the order would get, compressed or not.
        return {"mode": "preview", "preview": plan_preview(order=order, today=today), "today": today}
    view = plan_view(order=order, today=today)
    if view is None:
        return {"mode": "none"}
    editable = order.status in PLAN_OPEN and can_edit(user, order)
    return {
        "mode": "plan",
        "today": today,
        "editable": editable,
        **view,
        # Each milestone's row. Its Update cell's forms are fetched when the cell is opened
        # (production/_milestone_update.html, views.milestone_update): most views of a plan change nothing.
        "lines": [(row, None) for row in view["rows"]],
    }


@dataclass(frozen=True)
class MilestoneForms:
    actual: MilestoneActualForm
    revise: MilestoneReviseForm | None  # none once the milestone is done


def milestone_forms(milestone, today) -> MilestoneForms:
    """Record the actual date (any milestone) or revise the due date (one not done yet); the prefix is the
    one production.views.milestone_update reads."""
    prefix = f"m{milestone.pk}"
    actual = MilestoneActualForm(initial={"actual_date": milestone.actual_date or today}, prefix=prefix)
    actual.fields["actual_date"].widget.attrs["max"] = today.isoformat()
    revise = None
    if not milestone.actual_date:
        revise = MilestoneReviseForm(initial={"revised_date": milestone.due_date}, prefix=prefix)
    return MilestoneForms(actual=actual, revise=revise)


def production_panel_context(*, order, user) -> dict:
    if order.status in BEFORE_ENTRY:
        return {"mode": "not_yet"}
    editable = order.status in PLAN_OPEN and can_edit(user, order)
    run = related_or_none(order, "production_run")  # joined in by the order page (orders.hooks)
    return {
        "mode": "run",
        "run": run,
        "editable": editable,
        "delay_form": _delay_form(order) if editable else None,
        "delays": list(Delay.objects.filter(order=order).select_related("reason", "recorded_by", "notification")[:20]),
        "checkins": list(order.checkins.select_related("completed_by").order_by("-day")[:RECENT_CHECKINS]),
        "factory": _factory_context(order, run, editable),
    }


def _factory_context(order, run, editable: bool) -> dict | None:
    """The factory's phone link (to hand out, as a QR code and as text to paste into WeChat) and the
    reports it brought in, each with its Confirm button. Nothing before there is a run."""
    if run is None:
        return None
    links = factory_links_of(order=order)
    link = factory_link_active(links) if editable else None
    url = factory_link_url(link) if link else ""
    return {
        "link": link,
        "url": url,
        "qr": qr_data_uri(url) if url else "",
        "reports": factory_reports_of(order=order) if links else [],  # a report comes only through a link
        "can_confirm": editable and order.status == OrderState.IN_PRODUCTION,
    }


def _delay_form(order) -> DelayForm:
    form = DelayForm(initial={"version": order.version}, prefix="delay")
    # The same choices the form's queryset gives, from the cache; a post still validates against the table.
    reason = form.fields["reason"]
    reason.choices = [("", reason.empty_label), *((r.pk, str(r)) for r in delay_reasons_active())]
    return form
