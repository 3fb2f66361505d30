from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts.roles import user_roles
from notifications.services import notifications_for

from .. import hooks
from ..downloads import download_response, file_not_found
from ..forms import AttachmentForm, ConfirmationForm, TransitionForm
from ..permissions import can_edit, can_reassign
from ..selectors import order_checklist, order_get_for_page, order_get_for_user, order_timeline
from ..services import transitions_available
from .work_record import work_record


def _require_staff_role(request):
    if not user_roles(request.user):
        raise Http404


@login_required
def order_detail(request, pk):
    _require_staff_role(request)
    order = order_get_for_page(user=request.user, pk=pk)
    editable = can_edit(request.user, order)
    context = {
        "order": order,
        "lines": order.lines.all(),  # prefetched with the order
        "checklist": order_checklist(order=order),
        "confirmations": order.confirmations.select_related("recorded_by", "attachment"),
        "attachments": order.attachments.select_related("uploaded_by"),
        "work_record": work_record(order),
        "transitions": transitions_available(order=order, user=request.user),
        "panels": hooks.panels_for(order, request.user),
        "notifications": notifications_for(reference=f"order:{order.pk}")[:20],
        "editable": editable,
        "can_reassign": can_reassign(request.user, order),
        "confirmation_form": ConfirmationForm(initial={"version": order.version}) if editable else None,
        "transition_form": TransitionForm(initial={"version": order.version}),
        "attachment_form": AttachmentForm(initial={"version": order.version}) if editable else None,
    }
    return render(request, "orders/detail.html", context)


@login_required
def order_timeline_partial(request, pk):
    """The whole timeline, fetched by htmx when someone asks for more than the first page."""
    _require_staff_role(request)
    order = order_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "orders/_timeline.html",
        {"order": order, "timeline": order_timeline(order=order, limit=5000)},
    )


@login_required
def attachment_download(request, pk, attachment_id):
    """Only people who may see the order get its files, always as a download, never rendered inline."""
    _require_staff_role(request)
    order = order_get_for_user(user=request.user, pk=pk)
    attachment = order.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise file_not_found(request, "attachment")
    return download_response(attachment.file, attachment.original_name)
