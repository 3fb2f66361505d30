"""Violations and discipline."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import role_required
from accounts.lists import ListSpec, list_export, list_page
from accounts.roles import Role, has_role
from core.views import run_service
from orders.selectors import orders_visible_to
from production.selectors import team_merchandisers

from .. import forms
from ..filters import ViolationFilter
from ..models import (
    Sanction,
    ViolationStatus,
)
from ..selectors import (
    STAFF_ROLES,
    findings_visible_to,
    leads,
    staff_members,
    teams_led_by,
    violation_get_for_user,
    violation_list_queryset,
)
from ..services import discipline
from ..tables import ViolationTable
from ._common import post_action

VIOLATION_LIST = ListSpec(
    key="violations", filterset_class=ViolationFilter, table_class=ViolationTable, required=("reference",)
)


@role_required(*STAFF_ROLES)
def violation_list(request):
    rows = violation_list_queryset(user=request.user)
    can_record = has_role(request.user, Role.HR) or teams_led_by(request.user).exists()
    context = {"can_record": can_record}
    return list_page(request, VIOLATION_LIST, rows, template="supervision/violation_list.html", context=context)


@role_required(*STAFF_ROLES)
def violation_export(request, fmt):
    rows = violation_list_queryset(user=request.user)
    return list_export(request, VIOLATION_LIST, rows, fmt=fmt, title=_("Violations"), filename="violations")


def _people_for_violations(user):
    if has_role(user, Role.HR):
        return staff_members()
    return team_merchandisers(supervisor=user)


@role_required(Role.HR, Role.SUPERVISOR)
def violation_new(request):
    form = forms.ViolationForm(request.POST or None, people=_people_for_violations(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        order_id, finding_id = data.pop("order"), data.pop("finding")
        order = orders_visible_to(request.user).filter(pk=order_id).first() if order_id else None
        finding = findings_visible_to(request.user).filter(pk=finding_id).first() if finding_id else None
        violation = None

        def record():
            nonlocal violation
            violation = discipline.violation_record(actor=request.user, order=order, finding=finding, **data)

        if (order_id and order is None) or (finding_id and finding is None):
            messages.error(request, _("No such order or finding."))
        elif run_service(request, record, _("Violation recorded.")):
            return redirect("supervision:violation_detail", pk=violation.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/violation_form.html", {"form": form}, status=status)


@role_required(*STAFF_ROLES)
def violation_detail(request, pk):
    violation = violation_get_for_user(user=request.user, pk=pk)
    recorded = violation.status == ViolationStatus.RECORDED
    hr_other = has_role(request.user, Role.HR) and violation.person_id != request.user.pk
    proposed = violation.proposed_sanction
    if proposed not in discipline.sanctions_offered():  # a fine proposed before fines were switched off
        proposed = Sanction.DEDUCTION
    context = {
        "violation": violation,
        "opinion_form": forms.OpinionForm() if recorded and leads(request.user, violation.person) else None,
        "decision_form": forms.DecisionForm(
            initial={"sanction": proposed, "amount": violation.proposed_amount},
            offered=discipline.sanctions_offered(),
        )
        if recorded and hr_other
        else None,
        "can_acknowledge": violation.person_id == request.user.pk and violation.status == ViolationStatus.DECIDED,
        "appeal_form": forms.AppealForm() if discipline.can_appeal(violation, request.user) else None,
        "answer_form": forms.AppealAnswerForm() if violation.status == ViolationStatus.APPEALED and hr_other else None,
        # A job reassignment in force: the person's supervisor hands their orders over.
        "can_hand_over": violation.decided_sanction == Sanction.REASSIGNMENT
        and violation.counts
        and violation.status != ViolationStatus.APPEALED
        and leads(request.user, violation.person),
    }
    return render(request, "supervision/violation_detail.html", context)


@post_action(Role.SUPERVISOR)
def violation_opinion(request, pk):
    violation = violation_get_for_user(user=request.user, pk=pk)
    form = forms.OpinionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether you agree."))
    else:
        run_service(
            request,
            lambda: discipline.violation_opinion(violation_id=violation.pk, actor=request.user, **form.cleaned_data),
            _("Your opinion is on file."),
        )
    return redirect("supervision:violation_detail", pk=violation.pk)


@post_action(Role.HR)
def violation_decide(request, pk):
    violation = violation_get_for_user(user=request.user, pk=pk)
    form = forms.DecisionForm(request.POST, offered=discipline.sanctions_offered())
    if not form.is_valid():
        messages.error(request, _("Choose whether the violation is upheld, and a sanction."))
    else:
        run_service(
            request,
            lambda: discipline.violation_decide(violation_id=violation.pk, actor=request.user, **form.cleaned_data),
            _("Decision recorded."),
        )
    return redirect("supervision:violation_detail", pk=violation.pk)


@post_action(*STAFF_ROLES)
def violation_acknowledge(request, pk):
    violation = violation_get_for_user(user=request.user, pk=pk)
    run_service(
        request,
        lambda: discipline.violation_acknowledge(violation_id=violation.pk, actor=request.user),
        _("Acknowledged."),
    )
    return redirect("supervision:violation_detail", pk=violation.pk)


@post_action(*STAFF_ROLES)
def violation_appeal(request, pk):
    violation = violation_get_for_user(user=request.user, pk=pk)
    form = forms.AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you appeal."))
    else:
        run_service(
            request,
            lambda: discipline.violation_appeal(violation_id=violation.pk, actor=request.user, **form.cleaned_data),
            _("Your appeal is on file; HR will answer it."),
        )
    return redirect("supervision:violation_detail", pk=violation.pk)


@post_action(Role.HR)
def violation_appeal_answer(request, pk):
    violation = violation_get_for_user(user=request.user, pk=pk)
    form = forms.AppealAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an answer and give a comment."))
    else:
        run_service(
            request,
            lambda: discipline.violation_appeal_answer(
                violation_id=violation.pk, actor=request.user, **form.cleaned_data
            ),
            _("Your answer to the appeal is on file."),
        )
    return redirect("supervision:violation_detail", pk=violation.pk)
