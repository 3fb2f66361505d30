"""Thin views: validate the form, call one service, turn domain errors into messages, redirect."""

import django_tables2 as tables
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from accounts.decorators import role_required
from accounts.lists import ListSpec, list_export, list_page
from accounts.roles import Role
from core.errors import DomainError, InvalidInput
from core.params import id_param
from core.tables import DateTimeColumn
from core.views import report_error
from orders.downloads import download_response, file_not_found
from orders.hooks import order_page_url
from orders.selectors import order_get_for_user

from .filters import CaseFilter
from .forms import (
    AttachmentForm,
    CaseEditForm,
    CaseForm,
    CaseStepForm,
    FeedbackLogForm,
)
from .models import ACTIVE_CASE_STATES, Case
from .selectors import (
    case_get_for_user,
    case_history,
    case_list_queryset,
    case_sla,
    feedback_listed,
    feedback_visible_to,
)
from .services import (
    CASE_TRANSITIONS,
    can_work_on_case,
    case_add_attachment,
    case_open,
    case_transition,
    case_update,
    feedback_log,
)

STAFF_ROLES = (Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.HR, Role.MANAGEMENT)
EDIT_ROLES = (Role.MERCHANDISER, Role.SUPERVISOR)

CASE_ACTION_LABELS = {
    "start": gettext_lazy("Start work (first response)"),
    "wait_on_customer": gettext_lazy("Wait on the customer"),
    "resume": gettext_lazy("Customer replied: resume"),
    "resolve": gettext_lazy("Resolve"),
    "close": gettext_lazy("Close case"),
    "reopen": gettext_lazy("Reopen"),
}


def _to_case(case_id):
    return redirect("aftersales:case_detail", pk=case_id)


def _to_order(order_id):
    return redirect(order_page_url(order_id, panel="aftersales"))


# --- cases ----------------------------------------------------------------------------------------------
class CaseTable(tables.Table):
    reference = tables.Column(
        verbose_name=gettext_lazy("Case"), accessor="pk", linkify=("aftersales:case_detail", {"pk": tables.A("pk")})
    )
    subject = tables.Column(verbose_name=gettext_lazy("Subject"))
    order = tables.Column(verbose_name=gettext_lazy("Order"), orderable=False)
    customer = tables.Column(verbose_name=gettext_lazy("Customer"), orderable=False)
    case_type = tables.Column(verbose_name=gettext_lazy("Type"))
    severity = tables.Column(verbose_name=gettext_lazy("Severity"))
    status = tables.TemplateColumn(
        verbose_name=gettext_lazy("State"), template_name="aftersales/_case_state_cell.html", order_by=("status",)
    )
    owner = tables.Column(verbose_name=gettext_lazy("Owner"), orderable=False)
    resolution_due_at = DateTimeColumn(verbose_name=gettext_lazy("Resolution due"))
    opened_at = DateTimeColumn(verbose_name=gettext_lazy("Opened"))

    class Meta:
        model = Case
        fields = (
            "reference",
            "subject",
            "order",
            "customer",
            "case_type",
            "severity",
            "status",
            "owner",
            "resolution_due_at",
            "opened_at",
        )
        order_by = ("-opened_at",)
        attrs = {"class": "table"}

    def render_reference(self, record):
        return record.reference

    def render_order(self, record):
        return record.order.display_number

    def value_status(self, record):
        return record.get_status_display()


CASE_LIST = ListSpec(
    key="cases", filterset_class=CaseFilter, table_class=CaseTable, required=("reference",), extra_keys=("scope",)
)


def _cases_in_scope(request):
    scope = request.GET.get("scope", "mine" if request.user.owned_cases.exists() else "open")
    qs = case_list_queryset(user=request.user)
    if scope == "mine":
        qs = qs.filter(owner=request.user, status__in=ACTIVE_CASE_STATES)
    elif scope == "open":
        qs = qs.filter(status__in=ACTIVE_CASE_STATES)
    elif scope == "escalated":
        qs = qs.filter(escalated_at__isnull=False, status__in=ACTIVE_CASE_STATES)
    return scope, qs


@role_required(*STAFF_ROLES)
def case_list(request):
    """The cases a person may see, by scope and filter (accounts.lists)."""
    scope, qs = _cases_in_scope(request)
    return list_page(request, CASE_LIST, qs, template="aftersales/case_list.html", context={"scope": scope})


@role_required(*STAFF_ROLES)
def case_export(request, fmt):
    _scope, qs = _cases_in_scope(request)
    return list_export(request, CASE_LIST, qs, fmt=fmt, title=_("After-sales cases"), filename="cases")


@role_required(*EDIT_ROLES)
def case_new(request, order_pk):
    order = order_get_for_user(user=request.user, pk=order_pk)
    form = CaseForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case = case_open(order_id=order.pk, actor=request.user, data=form.to_input())
            except DomainError as error:
                report_error(request, error)
                status = 400
                if not isinstance(error, InvalidInput):
                    return _to_order(order.pk)
            else:
                messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
                return _to_case(case.pk)
        else:
            messages.error(request, _("Please correct the errors below."))
            status = 400
    return render(request, "aftersales/case_form.html", {"order": order, "form": form}, status=status)


@role_required(*STAFF_ROLES)
def case_detail(request, pk):
    case = case_get_for_user(user=request.user, pk=pk)
    workable = can_work_on_case(request.user, case)
    actions = []
    if workable:
        actions = [
            {"name": name, "label": CASE_ACTION_LABELS[name]}
            for name in CASE_TRANSITIONS
            if can_proceed(getattr(case, name))
        ]
    context = {
        "case": case,
        "order": case.order,
        "sla": case_sla(case, now=timezone.now()),
        "history": case_history(case=case),
        "attachments": case.attachments.select_related("uploaded_by"),
        "workable": workable,
        "actions": actions,
        "step_form": CaseStepForm(initial={"resolution": case.resolution}) if workable else None,
        "edit_form": CaseEditForm(
            initial={
                "severity": case.severity,
                "case_type": case.case_type,
                "owner": case.owner_id,
                "root_cause": case.root_cause,
                "corrective_action": case.corrective_action,
                "resolution": case.resolution,
            }
        )
        if workable and case.status != "closed"
        else None,
        "attachment_form": AttachmentForm() if workable else None,
    }
    return render(request, "aftersales/case_detail.html", context)


@role_required(*EDIT_ROLES)
@require_POST
def case_step(request, pk, name):
    case = case_get_for_user(user=request.user, pk=pk)
    form = CaseStepForm(request.POST)
    if name not in CASE_TRANSITIONS or not form.is_valid():
        messages.error(request, _("Unknown action."))
        return _to_case(case.pk)
    try:
        case = case_transition(
            case_id=case.pk,
            name=name,
            actor=request.user,
            note=form.cleaned_data["note"],
            resolution=form.cleaned_data["resolution"],
        )
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(
            request, _("Case %(ref)s is now %(state)s.") % {"ref": case.reference, "state": case.get_status_display()}
        )
    return _to_case(case.pk)


@role_required(*EDIT_ROLES)
@require_POST
def case_edit(request, pk):
    case = case_get_for_user(user=request.user, pk=pk)
    form = CaseEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below.") + " " + form.errors.as_text())
        return _to_case(case.pk)
    d = form.cleaned_data
    try:
        case_update(
            case_id=case.pk,
            actor=request.user,
            severity=d["severity"],
            case_type=d["case_type"],
            owner=d["owner"],
            root_cause=d["root_cause"],
            corrective_action=d["corrective_action"],
            resolution=d["resolution"],
        )
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The case is updated."))
    return _to_case(case.pk)


@role_required(*EDIT_ROLES)
@require_POST
def case_attachment_add(request, pk):
    case = case_get_for_user(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return _to_case(case.pk)
    try:
        case_add_attachment(case_id=case.pk, actor=request.user, uploaded=form.cleaned_data["file"])
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The file is attached."))
    return _to_case(case.pk)


@role_required(*STAFF_ROLES)
def case_attachment(request, pk, attachment_id):
    case = case_get_for_user(user=request.user, pk=pk)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise file_not_found(request, "case attachment")
    return download_response(attachment.file, attachment.original_name)


# --- feedback -------------------------------------------------------------------------------------------
@role_required(*EDIT_ROLES)
def feedback_new(request, order_pk):
    order = order_get_for_user(user=request.user, pk=order_pk)
    form = FeedbackLogForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                feedback_log(
                    order_id=order.pk,
                    actor=request.user,
                    source=d["source"],
                    quality=d["quality"],
                    delivery=d["delivery"],
                    communication=d["communication"],
                    comment=d["comment"],
                    contact_name=d["contact_name"],
                )
            except DomainError as error:
                report_error(request, error)
                status = 400
            else:
                messages.success(request, _("The customer's feedback is recorded."))
                return _to_order(order.pk)
        else:
            messages.error(request, _("Please correct the errors below."))
            status = 400
    return render(request, "aftersales/feedback_form.html", {"order": order, "form": form}, status=status)


@role_required(*STAFF_ROLES)
def feedback_list(request):
    """All feedback the person may see, per customer when one is chosen, with the averages."""
    customer_id = id_param(request.GET.get("customer"))
    rows, summary = feedback_listed(user=request.user, customer_id=customer_id)
    per_customer = (
        feedback_visible_to(request.user).values("customer_id", "customer__code").order_by("customer__code").distinct()
    )
    context = {
        "rows": rows,
        "summary": summary,
        "customers": per_customer,
        "customer_id": customer_id,
    }
    return render(request, "aftersales/feedback_list.html", context)
