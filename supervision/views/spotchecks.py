"""QA spot checks: plans, samples, findings."""

from datetime import timedelta

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.decorators import role_required
from accounts.lists import ListSpec, list_export, list_page
from accounts.roles import Role
from core.views import run_service
from orders.selectors import order_timeline

from .. import forms
from ..filters import FindingFilter
from ..models import (
    FindingStatus,
    PlanStatus,
    SpotCheckItem,
)
from ..selectors import (
    STAFF_ROLES,
    finding_get_for_user,
    finding_list_queryset,
    plan_get_for_user,
    plan_population_shown,
    plans_listed,
    plans_visible_to,
    sample_get_for_user,
    spot_check_results_by_merchandiser,
    spot_check_suggestions,
)
from ..services import spotchecks
from ..tables import FindingTable
from ._common import period_param, post_action


@role_required(Role.QA)
def plan_list(request):
    start, end = period_param(request)
    return render(
        request,
        "supervision/plan_list.html",
        {
            "rows": plans_listed(user=request.user),
            "results": spot_check_results_by_merchandiser(start=start, end=end),
            "start": start,
            "end": end,
        },
    )


@role_required(Role.QA)
def plan_new(request):
    today = timezone.localdate()
    form = forms.PlanForm(
        request.POST or None,
        initial={
            "period_start": today.replace(day=1),
            "period_end": today,
            "sample_mode": "count",
            "sample_size": 3,
            "name": _("Spot check %(month)s") % {"month": today.strftime("%Y-%m")},
        },
    )
    if request.method == "POST" and form.is_valid():
        plan = None

        def create():
            nonlocal plan
            plan = spotchecks.spot_check_plan_create(actor=request.user, **form.cleaned_data)

        if run_service(request, create, _("Plan saved. Draw the sample when you are ready.")):
            return redirect("supervision:plan_detail", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/plan_form.html", {"form": form}, status=status)


@role_required(Role.QA)
def plan_detail(request, pk):
    plan = plan_get_for_user(user=request.user, pk=pk)
    samples = plan.samples.select_related("order", "order__customer", "merchandiser").order_by(
        "merchandiser__username", "position"
    )
    return render(
        request,
        "supervision/plan_detail.html",
        {
            "plan": plan,
            "samples": samples,
            "draw_form": forms.DrawForm() if plan.status == PlanStatus.DRAFT else None,
            "strata": plan_population_shown(plan=plan),
            "sizes": plan.population.get("sizes", []),
        },
    )


@post_action(Role.QA)
def plan_draw(request, pk):
    plan = plan_get_for_user(user=request.user, pk=pk)
    form = forms.DrawForm(request.POST)
    seed = form.cleaned_data["seed"] if form.is_valid() else ""
    run_service(
        request,
        lambda: spotchecks.spot_check_draw_sample(plan_id=plan.pk, actor=request.user, seed=seed),
        _("Sample drawn."),
    )
    return redirect("supervision:plan_detail", pk=plan.pk)


@post_action(Role.QA)
def plan_verify(request, pk):
    plan = plan_get_for_user(user=request.user, pk=pk)
    outcome = None

    def verify():
        nonlocal outcome
        outcome = spotchecks.spot_check_verify(plan_id=plan.pk, actor=request.user)

    if run_service(request, verify):
        if outcome.matches:
            messages.success(
                request,
                _("Verified: drawing again with seed %(seed)s gives the same %(n)d orders.")
                % {"seed": plan.seed, "n": len(outcome.stored)},
            )
        else:
            messages.error(
                request,
                _("The stored sample differs from a fresh draw with the same seed and population (%(a)d vs %(b)d).")
                % {"a": len(outcome.stored), "b": len(outcome.expected)},
            )
    return redirect("supervision:plan_detail", pk=plan.pk)


@role_required(Role.QA)
def sample_score(request, pk):
    sample = sample_get_for_user(user=request.user, pk=pk)
    items = list(SpotCheckItem.objects.filter(active=True))
    suggested = spot_check_suggestions(order=sample.order)
    by_item = {item.pk: suggested.get(item.rule) if item.rule else None for item in items}
    results = list(sample.results.select_related("item", "finding"))
    initial = {r.item_id: (r.passed, r.note) for r in results} or {pk_: (v, "") for pk_, v in by_item.items()}
    form = forms.ScoreForm(request.POST or None, items=items, initial_results=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid() and run_service(
            request,
            lambda: spotchecks.spot_check_score(
                sample_id=sample.pk, actor=request.user, results=form.results(), suggestions=by_item
            ),
            _("Scored. Raise a finding for each failed item."),
        ):
            return redirect("supervision:sample_score", pk=sample.pk)
        if not form.is_valid():
            messages.error(request, _("Score every item."))
        status = 400
    due = timezone.localdate() + timedelta(days=7)
    for row in results:
        if not row.passed:
            row.finding_form = forms.FindingForm(auto_id=f"id_r{row.pk}_%s", initial={"due_date": due})
    context = {
        "sample": sample,
        "order": sample.order,
        "form": form,
        "suggested": by_item,
        "results": results,
        "timeline": order_timeline(order=sample.order, limit=50),
    }
    return render(request, "supervision/sample_score.html", context, status=status)


@post_action(Role.QA)
def finding_raise(request, pk):
    from ..models import SpotCheckResult

    result = SpotCheckResult.objects.filter(pk=pk, sample__plan__in=plans_visible_to(request.user)).first()
    if result is None:
        raise Http404
    form = forms.FindingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the severity, the corrective action and a due date."))
    else:
        run_service(
            request,
            lambda: spotchecks.finding_raise(result_id=result.pk, actor=request.user, **form.cleaned_data),
            _("Finding raised; the merchandiser sees it on their findings page."),
        )
    return redirect("supervision:sample_score", pk=result.sample_id)


FINDING_LIST = ListSpec(
    key="findings", filterset_class=FindingFilter, table_class=FindingTable, required=("reference",)
)


@role_required(*STAFF_ROLES)
def finding_list(request):
    rows = finding_list_queryset(user=request.user)
    context = {"status": request.GET.get("status", ""), "states": FindingStatus.choices}
    return list_page(request, FINDING_LIST, rows, template="supervision/finding_list.html", context=context)


@role_required(*STAFF_ROLES)
def finding_export(request, fmt):
    rows = finding_list_queryset(user=request.user)
    return list_export(request, FINDING_LIST, rows, fmt=fmt, title=_("Findings"), filename="findings")


@role_required(*STAFF_ROLES)
def finding_detail(request, pk):
    finding = finding_get_for_user(user=request.user, pk=pk)
    mine = finding.merchandiser_id == request.user.pk
    return render(
        request,
        "supervision/finding_detail.html",
        {
            "finding": finding,
            "mine": mine,
            "close_form": forms.FindingCloseForm() if mine and finding.status == FindingStatus.ACKNOWLEDGED else None,
            "can_acknowledge": mine and finding.status == FindingStatus.OPEN,
        },
    )


@post_action(*STAFF_ROLES)
def finding_acknowledge(request, pk):
    finding = finding_get_for_user(user=request.user, pk=pk)
    run_service(
        request,
        lambda: spotchecks.finding_acknowledge(finding_id=finding.pk, actor=request.user),
        _("Finding acknowledged."),
    )
    return redirect("supervision:finding_detail", pk=finding.pk)


@post_action(*STAFF_ROLES)
def finding_close(request, pk):
    finding = finding_get_for_user(user=request.user, pk=pk)
    form = forms.FindingCloseForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Describe what you did (the evidence)."))
    else:
        run_service(
            request,
            lambda: spotchecks.finding_close(
                finding_id=finding.pk,
                actor=request.user,
                evidence=form.cleaned_data["evidence"],
                uploaded=form.cleaned_data.get("file"),
            ),
            _("Finding closed."),
        )
    return redirect("supervision:finding_detail", pk=finding.pk)


@role_required(*STAFF_ROLES)
def finding_evidence(request, pk):
    finding = finding_get_for_user(user=request.user, pk=pk)
    if not finding.evidence_file:
        raise Http404
    return FileResponse(
        finding.evidence_file.open("rb"),
        as_attachment=True,
        filename=finding.evidence_name or "evidence",
        content_type=spotchecks.evidence_content_type(finding),
    )
