"""One form per step of the workflow. Each view validates, calls one service, reports, redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import DomainError, InvalidInput
from core.views import report_error, report_form_errors

from ..forms import (
    AttachmentForm,
    ConfirmationForm,
    HandoverForm,
    HoldForm,
    LineEditForm,
    OrderEditForm,
    PromiseDecisionForm,
    ReleaseForm,
    TransitionForm,
)
from ..hooks import order_page_url
from ..models import AttachmentKind
from ..permissions import TRANSITIONS, can_edit
from ..selectors import (
    handover_choices,
    handover_orders,
    order_checklist,
    order_get_for_user,
    orders_visible_to,
    promise_get_for_order,
    promises_waiting_for,
)
from ..services import (
    order_attachment_add,
    order_check_all,
    order_check_item,
    order_edit,
    order_hold,
    order_reassign,
    order_record_confirmation,
    order_release,
    order_transition,
    promise_approve,
    promise_reject,
)


def _checklist_answer(request, pk, change):
    """Run one checklist change. With htmx, answer with the checklist alone (the page reloads after a
    refusal, to show the message and the current order); without, go back to the order page."""
    try:
        order = change()
    except DomainError as error:
        report_error(request, error)
        if request.htmx:
            response = render(request, "partials/_messages.html")
            response["HX-Refresh"] = "true"
            return response
        return redirect("orders:detail", pk=pk)
    if request.htmx:
        # The service hands back the order it locked and saved: no second fetch. The next-step card listens
        # for order-changed and asks again what still stands in the way of confirming.
        response = render(
            request,
            "orders/_checklist.html",
            {"order": order, "checklist": order_checklist(order=order), "editable": True},
        )
        response["HX-Trigger"] = "order-changed"
        return response
    return redirect(order_page_url(pk, panel="checklist"))


@login_required
@require_POST
def check_item(request, pk, item_id):
    """Tick or clear one checklist item."""
    order = order_get_for_user(user=request.user, pk=pk)
    return _checklist_answer(
        request,
        pk,
        lambda: order_check_item(
            order_id=order.pk,
            item_id=item_id,
            actor=request.user,
            checked=request.POST.get("checked") == "1",
            expected_version=request.POST.get("version") or None,
        ),
    )


@login_required
@require_POST
def check_all(request, pk):
    """Tick every item still open, each recorded with who and when."""
    order = order_get_for_user(user=request.user, pk=pk)
    return _checklist_answer(
        request,
        pk,
        lambda: order_check_all(
            order_id=order.pk, actor=request.user, expected_version=request.POST.get("version") or None
        ),
    )


@login_required
@require_POST
def record_confirmation(request, pk):
    order = order_get_for_user(user=request.user, pk=pk)
    form = ConfirmationForm(request.POST, request.FILES)
    if not form.is_valid():
        report_form_errors(request, form)
        return render(request, "orders/confirmation_form.html", {"order": order, "form": form}, status=400)
    d = form.cleaned_data
    try:
        order_record_confirmation(
            order_id=order.pk,
            actor=request.user,
            method=d["method"],
            contact=d["contact"],
            confirmed_at=d["confirmed_at"],
            note=d["note"],
            uploaded=d.get("attachment"),
            expected_version=d["version"],
        )
    except InvalidInput as error:
        # A value the service refuses (a time in the future, a file type) is a form error: keep what was typed.
        form.add_error(None, error.message)
        return render(request, "orders/confirmation_form.html", {"order": order, "form": form}, status=400)
    except DomainError as error:
        report_error(request, error)
        return redirect(order_page_url(pk, panel="confirmations"))
    messages.success(request, _("The customer's confirmation is recorded."))
    return redirect(order_page_url(pk, panel="confirmations"))


@login_required
@require_POST
def transition(request, pk, name):
    order = order_get_for_user(user=request.user, pk=pk)
    if name not in TRANSITIONS:
        messages.error(request, _("Unknown action."))
        return redirect("orders:detail", pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was incomplete. Reload it and try again."))
        return redirect("orders:detail", pk=pk)
    try:
        order = order_transition(
            order_id=order.pk,
            name=name,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        report_error(request, error)
        return redirect("orders:detail", pk=pk)
    messages.success(
        request,
        _("Order %(order)s is now %(state)s.") % {"order": order.display_number, "state": order.get_status_display()},
    )
    return redirect("orders:detail", pk=pk)


@login_required
@require_POST
def hold(request, pk):
    """Put the order on hold, with the reason (the customer paused it)."""
    order = order_get_for_user(user=request.user, pk=pk)
    form = HoldForm(request.POST)
    if not form.is_valid():
        if "reason" in form.errors:
            messages.error(request, _("Give the reason for the hold."))
        else:
            messages.error(request, _("The page was incomplete. Reload it and try again."))
        return redirect("orders:detail", pk=pk)
    try:
        order = order_hold(
            order_id=order.pk,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as error:
        report_error(request, error)
        return redirect("orders:detail", pk=pk)
    messages.success(request, _("Order %(order)s is on hold.") % {"order": order.display_number})
    return redirect("orders:detail", pk=pk)


@login_required
@require_POST
def release(request, pk):
    order = order_get_for_user(user=request.user, pk=pk)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was incomplete. Reload it and try again."))
        return redirect("orders:detail", pk=pk)
    try:
        order = order_release(
            order_id=order.pk,
            actor=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as error:
        report_error(request, error)
        return redirect("orders:detail", pk=pk)
    messages.success(request, _("Order %(order)s is released from hold.") % {"order": order.display_number})
    return redirect("orders:detail", pk=pk)


LINE_VALUE_FIELDS = ("description", "colour", "size", "quantity", "unit_price")


def _line_forms(order, data=None):
    return [LineEditForm(data, instance=line, prefix=f"line-{line.pk}") for line in order.lines.select_related("unit")]


def _line_values(line_forms) -> dict:
    return {
        form.instance.pk: {
            **{f: form.cleaned_data[f] for f in LINE_VALUE_FIELDS},
            "unit_id": form.cleaned_data["unit"].pk,
        }
        for form in line_forms
    }


@login_required
def edit(request, pk):
    """Change the header and the lines. After confirmation every change is a correction with a reason."""
    order = order_get_for_user(user=request.user, pk=pk)
    if not can_edit(request.user, order):
        raise PermissionDenied
    initial = {f: getattr(order, f) for f in OrderEditForm.base_fields if hasattr(order, f)}
    form = OrderEditForm(request.POST or None, initial={**initial, "version": order.version})
    line_forms = _line_forms(order, request.POST or None)
    context = {"order": order, "form": form, "line_forms": line_forms}
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in line_forms):
        header = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "reason")}
        try:
            order_edit(
                order_id=order.pk,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                header=header,
                lines=_line_values(line_forms),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            report_error(request, error)
            if isinstance(error, InvalidInput):
                return render(request, "orders/edit.html", context, status=400)
            return redirect("orders:detail", pk=pk)
        messages.success(request, _("The order is updated."))
        return redirect("orders:detail", pk=pk)
    if request.method == "POST":
        report_form_errors(request, form)
        return render(request, "orders/edit.html", context, status=400)
    return render(request, "orders/edit.html", context)


@login_required
@require_POST
def add_attachment(request, pk):
    order = order_get_for_user(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(order_page_url(pk, panel="attachments"))
    try:
        order_attachment_add(
            order_id=order.pk,
            actor=request.user,
            uploaded=form.cleaned_data["file"],
            kind=AttachmentKind.OTHER,
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The file is attached."))
    return redirect(order_page_url(pk, panel="attachments"))


def _handover_initial(request, choices) -> dict:
    """The order page links here with ?order=<id>: start the form on that order and its owner. A
    confirmed job reassignment links here with ?from_user=<id>: start on all of that person's orders."""
    from_user = request.GET.get("from_user", "")
    if from_user.isdigit() and choices.team_members.filter(pk=from_user).exists():
        return {"from_user": int(from_user)}
    order_id = request.GET.get("order", "")
    order = orders_visible_to(request.user).filter(pk=order_id).first() if order_id.isdigit() else None
    if order is None:
        return {}
    return {"order": order.pk, "from_user": order.merchandiser_id}


@role_required(Role.SUPERVISOR)
def handover(request):
    """Reassign one order, or every open order of one merchandiser, within the supervisor's team."""
    choices = handover_choices(supervisor=request.user)
    form = HandoverForm(
        request.POST or None,
        initial=_handover_initial(request, choices),
        team_members=choices.team_members,
        merchandisers=choices.merchandisers,
        open_orders=choices.open_orders,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            moved = order_reassign(
                order_ids=handover_orders(supervisor=request.user, from_user=d["from_user"], order_id=d.get("order")),
                to_user=d["to_user"],
                actor=request.user,
                reason=d["reason"],
            )
        except DomainError as error:
            report_error(request, error)
        else:
            messages.success(request, _("%(n)d order(s) handed over.") % {"n": moved})
            # One order handed over: back to it, where its new merchandiser shows.
            if d.get("order"):
                return redirect(order_page_url(d["order"], panel="details"))  # where the new owner shows
            return redirect("orders:handover")
    status = 400 if form.errors else 200
    return render(request, "orders/handover.html", {"form": form}, status=status)


@login_required
@require_POST
def promise_decide(request, pk, promise_id):
    """The owner's supervisor approves or rejects a proposed delivery date, from the order page or from the
    list of dates to approve, and goes back there."""
    order = order_get_for_user(user=request.user, pk=pk)
    promise_get_for_order(order=order, pk=promise_id)
    form = PromiseDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was incomplete. Reload it and try again."))
    else:
        d = form.cleaned_data
        decide = promise_approve if d["decision"] == "approve" else promise_reject
        try:
            promise = decide(promise_id=promise_id, actor=request.user, note=d["note"])
        except DomainError as error:
            report_error(request, error)
        else:
            done = (
                _("The new date %(date)s for order %(order)s is approved.")
                if d["decision"] == "approve"
                else _("The new date %(date)s for order %(order)s is rejected.")
            )
            messages.success(request, done % {"date": promise.delivery_date, "order": order.display_number})
    if request.POST.get("from") == "list":
        return redirect("orders:promises_waiting")
    return redirect(f"{reverse('orders:detail', args=[pk])}?open=promises#panel-promises")


@login_required
@role_required(Role.SUPERVISOR)
def promises_waiting(request):
    """Dates to approve: the proposals of the supervisor's teams, oldest first."""
    return render(
        request,
        "orders/promises_waiting.html",
        {
            "title": _("Dates to approve"),
            "promises": promises_waiting_for(user=request.user),
            "form": PromiseDecisionForm(),
        },
    )
