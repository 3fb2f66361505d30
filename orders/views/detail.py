from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.roles import user_roles
from core.jinja2 import render_fragment
from notifications.services import notifications_for

from .. import hooks
from ..downloads import download_response, file_not_found
from ..forms import AttachmentForm, ConfirmationForm, PromiseDecisionForm
from ..models import CANCELLABLE_STATES, OrderState, PromiseStatus
from ..permissions import TRANSITIONS, can_decide_promise, can_edit, can_hold, can_reassign, can_transition
from ..selectors import (
    order_checklist,
    order_get_for_page,
    order_get_for_user,
    order_promises,
    order_stages,
    order_timeline,
)
from ..services import transitions_available
from ..services.workflow import FORWARD, transition_blockers
from .discussion import discussion_context
from .work_record import work_record


def _require_staff_role(request):
    if not user_roles(request.user):
        raise Http404


# --- The order page's tabs and its own sections ----------------------------------------------------
# Registered with the stages' (orders.hooks) from OrdersConfig.ready(): a tab is read only when it is open.


def _details_context(*, order, user) -> dict:
    return {}


def _lines_context(*, order, user) -> dict:
    return {"lines": order.lines.all()}  # prefetched with the order


def _checklist_context(*, order, user) -> dict:
    return {"checklist": order_checklist(order=order), "editable": can_edit(user, order)}


def _confirmations_context(*, order, user) -> dict:
    may_record = order.status == OrderState.RECEIVED and can_edit(user, order)
    return {
        "confirmations": list(order.confirmations.select_related("recorded_by", "attachment")),
        "confirmation_form": ConfirmationForm(initial={"version": order.version}) if may_record else None,
    }


def _promises_context(*, order, user) -> dict:
    promises = order_promises(order=order)
    waiting = next((p for p in promises if p.status == PromiseStatus.PROPOSED), None)
    return {
        "promises": promises,
        "waiting": waiting,
        "can_decide": waiting is not None and can_decide_promise(user, waiting),
        "decision_form": PromiseDecisionForm(),
    }


def _attachments_context(*, order, user) -> dict:
    editable = can_edit(user, order)
    return {
        "attachments": list(order.attachments.select_related("uploaded_by")),
        "attachment_form": AttachmentForm(initial={"version": order.version}) if editable else None,
    }


def _work_record_context(*, order, user) -> dict:
    return {"record": work_record(order)}


def _notifications_context(*, order, user) -> dict:
    return {"notifications": list(notifications_for(reference=f"order:{order.pk}")[:20])}


BEFORE_ENTRY = (OrderState.RECEIVED, OrderState.CONFIRMED)
TABS = (
    hooks.OrderTab(
        key="overview",
        title=_("Overview"),
        order=10,
        opens_in=(*BEFORE_ENTRY, OrderState.CLOSED, OrderState.CANCELLED),
    ),
    hooks.OrderTab(key="lines", title=_("Lines"), order=20),
    hooks.OrderTab(key="record", title=_("Work record"), order=90),
)
PANELS = (
    hooks.OrderPanel(
        key="details", title=_("Order"), template="orders/_panel_details.html", context=_details_context, order=10
    ),
    hooks.OrderPanel(
        key="checklist",
        title=_("Verification checklist"),
        template="orders/_section_checklist.html",
        context=_checklist_context,
        order=20,
    ),
    hooks.OrderPanel(
        key="confirmations",
        title=_("Customer confirmations"),
        template="orders/_section_confirmations.html",
        context=_confirmations_context,
        order=30,
    ),
    # The delivery promises (the ledger): the first and the latest, every new date, its decision and the
    # customer's answer.
    hooks.OrderPanel(
        key="promises",
        title=_("Delivery promises"),
        template="orders/_section_promises.html",
        context=_promises_context,
        order=35,
    ),
    hooks.OrderPanel(
        key="attachments",
        title=_("Attachments"),
        template="orders/_panel_attachments.html",
        context=_attachments_context,
        order=40,
    ),
    hooks.OrderPanel(
        key="lines", title=_("Lines"), template="orders/_panel_lines.html", context=_lines_context, tab="lines"
    ),
    hooks.OrderPanel(
        key="discussion",
        title=_("Discussion"),
        template="orders/_section_discussion.html",
        context=discussion_context,
        tab="record",
        order=10,
    ),
    hooks.OrderPanel(
        key="work-record",
        title=_("Work record"),
        template="orders/_panel_work_record.html",
        context=_work_record_context,
        tab="record",
        order=20,
    ),
    hooks.OrderPanel(
        key="notifications",
        title=_("Customer notifications"),
        template="orders/_section_notifications.html",
        context=_notifications_context,
        tab="record",
        order=30,
    ),
)
# What stands in the way of the core's own transitions, and where the page shows it.
STEPS = (
    hooks.NextStep(transition="confirm", tab="overview"),
    hooks.NextStep(transition="enter", tab="lines"),
)


def register() -> None:
    for tab in TABS:
        hooks.register_tab(tab)
    for panel in PANELS:
        hooks.register_panel(panel)
    for step in STEPS:
        hooks.register_step(step)


def _tab_asked(request, order) -> hooks.OrderTab:
    """The tab asked for with ?tab=<key> (a tab link without JavaScript, a bookmark, the way back after a
    save), or the one holding the panel asked for with ?open=<key> (a "mentioned you" link), or else the tab
    of the order's stage. A key that names nothing is ignored: anyone can type one."""
    tab = hooks.tab_get(request.GET.get("tab", ""))
    if tab is None and (panel := hooks.panel_get(request.GET.get("open", ""))):
        tab = hooks.tab_get(panel.tab)
    return tab or hooks.tab_for_state(order.status)


def _tab_context(request, order, tab: hooks.OrderTab) -> dict:
    return {"order": order, "tabs": hooks.tabs(), "tab": tab, "panels": hooks.panels_in(tab.key, order, request.user)}


def _next_step(order, user) -> dict | None:
    """The card's step: the transition that moves the order on, as a form that does it, or why it cannot
    happen yet and where to put that right; for someone who may not do it, only what comes next."""
    name = FORWARD.get(order.status)
    if name is None or order.is_on_hold:
        return None  # finished, or the hold banner's Release is the step
    step = {"name": name, "label": TRANSITIONS[name].label, "mine": can_transition(user, order, name)}
    registered = hooks.step_for(name)
    if registered:
        step["tab"] = hooks.tab_get(registered.tab)
    if not step["mine"]:
        return step
    if registered and registered.template:
        ctx = registered.context(order=order, user=user) if registered.context else {}
        if ctx is not None:
            return {**step, "template": registered.template, "ctx": ctx}
    return {**step, "blockers": transition_blockers(order=order, name=name, actor=user)}


def _next_step_context(request, order) -> dict:
    editable = can_edit(request.user, order)
    transitions = transitions_available(order=order, user=request.user)
    return {
        "order": order,
        "step": _next_step(order, request.user),
        "can_cancel": any(t["name"] == "cancel" for t in transitions),
        "editable": editable,
        "can_reassign": can_reassign(request.user, order),
        "can_hold": can_hold(request.user, order) and (order.is_on_hold or order.status in CANCELLABLE_STATES),
    }


@login_required
def order_detail(request, pk):
    """The order page: where the order stands, its next step, and the open tab; the other tabs load when
    opened."""
    _require_staff_role(request)
    order = order_get_for_page(user=request.user, pk=pk)
    context = {
        **_next_step_context(request, order),
        **_tab_context(request, order, _tab_asked(request, order)),
        "stages": order_stages(order=order),
    }
    # One render, so the context processors (the menu and its counts) run once a request.
    return render(request, "orders/detail.html", {**context, "title": order.display_number})


@login_required
def order_tab(request, pk, key):
    """One tab of the order page with its tab bar: fetched by htmx when the tab is opened."""
    _require_staff_role(request)
    tab = hooks.tab_get(key)
    if tab is None:
        raise Http404
    order = order_get_for_page(user=request.user, pk=pk)
    return render(request, "orders/_tabs.html", _tab_context(request, order, tab))


@login_required
def order_next_step(request, pk):
    """The next-step card alone: fetched again by htmx when something on the page changed what it says
    (a checklist item ticked)."""
    _require_staff_role(request)
    order = order_get_for_page(user=request.user, pk=pk)
    return render(request, "orders/_next_step.html", _next_step_context(request, order))


@login_required
def order_section(request, pk, key):
    """One panel of the order page alone (a link that names one, an embed)."""
    _require_staff_role(request)
    panel = hooks.panel_get(key)
    if panel is None:
        raise Http404
    order = order_get_for_page(user=request.user, pk=pk)
    return render(request, "orders/_section.html", {"order": order, "p": hooks.panel_view(panel, order, request.user)})


@login_required
def order_timeline_partial(request, pk):
    """The whole timeline, fetched by htmx when someone asks for more than the first page."""
    _require_staff_role(request)
    order = order_get_for_user(user=request.user, pk=pk)
    context = {"order": order, "timeline": order_timeline(order=order, limit=5000)}
    return HttpResponse(render_fragment("orders/_timeline.html", context, request))


@login_required
def attachment_download(request, pk, attachment_id):
    """Only people who may see the order get its files, always as a download, never rendered inline."""
    _require_staff_role(request)
    order = order_get_for_user(user=request.user, pk=pk)
    attachment = order.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise file_not_found(request, "attachment")
    return download_response(attachment.file, attachment.original_name)
