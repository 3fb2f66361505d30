from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts.roles import user_roles
from core.jinja2 import render_fragment
from notifications.services import notifications_for

from .. import hooks
from ..downloads import download_response, file_not_found
from ..forms import AttachmentForm, ConfirmationForm, TransitionForm
from ..models import CANCELLABLE_STATES, OrderState
from ..permissions import can_edit, can_hold, can_reassign
from ..selectors import order_checklist, order_get_for_page, order_get_for_user, order_timeline
from ..services import transitions_available
from .discussion import discussion_context
from .work_record import work_record


def _require_staff_role(request):
    if not user_roles(request.user):
        raise Http404


# --- The order page's own sections that become history ----------------------------------------------
# Built like the stages' panels (orders.hooks.OrderPanel): live while the order is in one of their states,
# folded after, and read from the database only when someone opens them.
BEFORE_ENTRY = (OrderState.RECEIVED, OrderState.CONFIRMED)


def _checklist_context(*, order, user) -> dict:
    return {"checklist": order_checklist(order=order), "editable": can_edit(user, order)}


def _confirmations_context(*, order, user) -> dict:
    may_record = order.status == OrderState.RECEIVED and can_edit(user, order)
    return {
        "confirmations": list(order.confirmations.select_related("recorded_by", "attachment")),
        "confirmation_form": ConfirmationForm(initial={"version": order.version}) if may_record else None,
    }


def _notifications_context(*, order, user) -> dict:
    return {"notifications": list(notifications_for(reference=f"order:{order.pk}")[:20])}


SECTIONS = {
    section.key: section
    for section in (
        hooks.OrderPanel(
            key="checklist",
            title=_("Verification checklist"),
            template="orders/_section_checklist.html",
            context=_checklist_context,
            live_states=BEFORE_ENTRY,
        ),
        hooks.OrderPanel(
            key="confirmations",
            title=_("Customer confirmations"),
            template="orders/_section_confirmations.html",
            context=_confirmations_context,
            live_states=BEFORE_ENTRY,
        ),
        # The thread, in every state. Fetched by htmx as the page loads (?open=discussion without
        # JavaScript, and from a "mentioned you" link), so the page keeps its query budget.
        hooks.OrderPanel(
            key="discussion",
            title=_("Discussion"),
            template="orders/_section_discussion.html",
            context=discussion_context,
            live_states=(),
        ),
        # A log of what was sent, like the whole work record: read on demand in every state.
        hooks.OrderPanel(
            key="notifications",
            title=_("Customer notifications"),
            template="orders/_section_notifications.html",
            context=_notifications_context,
            live_states=(),
        ),
    )
}


def _unfold(request) -> frozenset[str]:
    """The folded sections asked for with ?open=<key> (the fallback when JavaScript is off). Keys that name
    no section are dropped: anyone can type them."""
    return frozenset(key for key in request.GET.getlist("open") if key in SECTIONS or hooks.panel_get(key))


@login_required
def order_detail(request, pk):
    """The order page."""
    _require_staff_role(request)
    order = order_get_for_page(user=request.user, pk=pk)
    body = render_to_string(
        "orders/_detail_body.html", _body_context(request, order, _unfold(request)), request=request
    )
    return render(request, "orders/detail.html", {"title": order.display_number, "body": body})


def _body_context(request, order, unfold: frozenset[str]) -> dict:
    editable = can_edit(request.user, order)
    return {
        "order": order,
        "lines": order.lines.all(),  # prefetched with the order
        "sections": {key: hooks.panel_view(s, order, request.user, unfold=unfold) for key, s in SECTIONS.items()},
        "attachments": order.attachments.select_related("uploaded_by"),
        "work_record": work_record(order),
        "transitions": transitions_available(order=order, user=request.user),
        "panels": hooks.panels_for(order, request.user, unfold=unfold),
        "editable": editable,
        "can_reassign": can_reassign(request.user, order),
        "can_hold": can_hold(request.user, order) and (order.is_on_hold or order.status in CANCELLABLE_STATES),
        "transition_form": TransitionForm(initial={"version": order.version}),
        "attachment_form": AttachmentForm(initial={"version": order.version}) if editable else None,
    }


@login_required
def order_section(request, pk, key):
    """One section or stage panel of the order page, unfolded: fetched by htmx when a folded one opens."""
    _require_staff_role(request)
    section = SECTIONS.get(key) or hooks.panel_get(key)
    if section is None:
        raise Http404
    order = order_get_for_page(user=request.user, pk=pk)
    part = hooks.panel_view(section, order, request.user, unfold=frozenset({key}))
    return render(request, "orders/_section_body.html", {"order": order, "p": part})


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
