"""One form per step of the workflow. Each view validates, calls one service, reports, redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
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
    ReleaseForm,
    TransitionForm,
)
from ..models import AttachmentKind
from ..permissions import TRANSITIONS, can_edit
from ..selectors import handover_choices, handover_orders, order_checklist, order_get_for_user, orders_visible_to
from ..services import (
    order_attachment_add,
    order_check_item,
    order_edit,
    order_hold,
    order_reassign,
    order_record_confirmation,
    order_release,
    order_transition,
)


@login_required
@require_POST
def check_item(request, pk, item_id):
    """Tick or clear one checklist item. With htmx, answers with the checklist alone."""
    order = order_get_for_user(user=request.user, pk=pk)
    try:
        order = order_check_item(
            order_id=order.pk,
            item_id=item_id,
            actor=request.user,
            checked=request.POST.get("checked") == "1",
            expected_version=request.POST.get("version") or None,
        )
    except DomainError as error:
        report_error(request, error)
        if request.htmx:
            response = render(request, "partials/_messages.html")
            response["HX-Refresh"] = "true"
            return response
    if request.htmx:
        # The service hands back the order it locked and saved: no second fetch.
        return render(
            request,
            "orders/_checklist.html",
            {"order": order, "checklist": order_checklist(order=order), "editable": True},
        )
    return redirect("orders:detail", pk=pk)


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
        return redirect("orders:detail", pk=pk)
    messages.success(request, _("The customer's confirmation is recorded."))
    return redirect("orders:detail", pk=pk)


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
        return redirect("orders:detail", pk=pk)
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
    return redirect("orders:detail", pk=pk)


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
                return redirect("orders:detail", pk=d["order"])
            return redirect("orders:handover")
    status = 400 if form.errors else 200
    return render(request, "orders/handover.html", {"form": form}, status=status)
