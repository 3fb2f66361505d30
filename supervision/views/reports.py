"""Weekly work reports: writing, submitting, reviewing, suggestions."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.decorators import role_required
from accounts.roles import Role, has_role
from core.views import run_service
from production.selectors import team_merchandisers

from .. import forms
from ..models import ReportStatus
from ..selectors import (
    all_merchandisers,
    leads,
    report_get_for_user,
    reports_of_merchandiser,
    reports_of_week,
    suggestions_of_author,
)
from ..services import reports
from ..weeks import this_week
from ._common import post_action, week_param


@role_required(Role.MERCHANDISER)
def report_mine(request):
    week = this_week()
    if request.method == "POST":
        report = None

        def start():
            nonlocal report
            report = reports.report_start_mine(actor=request.user, week_start=week)

        if run_service(request, start):
            return redirect("supervision:report_detail", pk=report.pk)
        return redirect("supervision:report_mine")
    mine = reports_of_merchandiser(merchandiser=request.user)
    current = next((r for r in mine if r.week_start == week), None)
    return render(request, "supervision/report_mine.html", {"rows": mine, "current": current, "week": week})


@role_required(Role.SUPERVISOR, Role.HR)
def report_inbox(request):
    week = week_param(request)
    people = all_merchandisers() if has_role(request.user, Role.HR) else team_merchandisers(supervisor=request.user)
    rows = reports_of_week(merchandisers=people, week_start=week)
    return render(
        request,
        "supervision/report_inbox.html",
        {
            "rows": rows,
            "week": week,
            "previous": week - timedelta(days=7),
            "next": week + timedelta(days=7),
            "now": timezone.now(),
        },
    )


@role_required(Role.MERCHANDISER, Role.SUPERVISOR, Role.HR)
def report_detail(request, pk):
    report = report_get_for_user(user=request.user, pk=pk)
    own_draft = report.merchandiser_id == request.user.pk and report.status == ReportStatus.DRAFT
    status = 200
    form = forms.ReportForm(
        request.POST or None,
        initial={"summary": report.summary, "problems": report.problems, "plans": report.plans},
    )
    if request.method == "POST":
        if form.is_valid():
            run_service(
                request,
                lambda: reports.report_save(report_id=report.pk, actor=request.user, **form.cleaned_data),
                _("Report saved."),
            )
            return redirect("supervision:report_detail", pk=report.pk)
        messages.error(request, _("Please correct the errors below."))
        status = 400
    own_suggestions = list(suggestions_of_author(user=request.user, not_in_report=report)) if own_draft else []
    context = {
        "report": report,
        "figures": report.figures,
        "own_draft": own_draft,
        "form": form if own_draft else None,
        "suggestion_form": forms.ReportSuggestionForm(suggestions=own_suggestions) if own_draft else None,
        "suggestions": report.suggestions.all(),
        "can_review": leads(request.user, report.merchandiser) and report.status == ReportStatus.SUBMITTED,
        "review_form": forms.ReportReviewForm(),
    }
    return render(request, "supervision/report_detail.html", context, status=status)


REPORT_STEPS = {"submit": reports.report_submit, "refresh": reports.report_refresh_figures}


@post_action(Role.MERCHANDISER)
def report_step(request, pk, name):
    report = report_get_for_user(user=request.user, pk=pk)
    step = REPORT_STEPS.get(name)
    if step is None:
        raise Http404
    done = {"submit": _("Report submitted to your supervisor."), "refresh": _("Figures taken again from the records.")}
    run_service(request, lambda: step(report_id=report.pk, actor=request.user), done[name])
    return redirect("supervision:report_detail", pk=report.pk)


@post_action(Role.MERCHANDISER)
def report_suggestion(request, pk):
    report = report_get_for_user(user=request.user, pk=pk)
    form = forms.ReportSuggestionForm(request.POST, suggestions=suggestions_of_author(user=request.user))
    if not form.is_valid():
        messages.error(request, _("Choose a suggestion or write a new one."))
    elif form.cleaned_data["existing"]:
        run_service(
            request,
            lambda: reports.report_link_suggestion(
                report_id=report.pk, actor=request.user, suggestion_id=form.cleaned_data["existing"]
            ),
            _("Suggestion attached."),
        )
    else:
        run_service(
            request,
            lambda: reports.report_add_suggestion(
                report_id=report.pk,
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                topic=form.cleaned_data["topic"],
            ),
            _("Suggestion made and attached; your supervisor decides on it."),
        )
    return redirect("supervision:report_detail", pk=report.pk)


@post_action(Role.SUPERVISOR)
def report_review(request, pk):
    report = report_get_for_user(user=request.user, pk=pk)
    form = forms.ReportReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    run_service(
        request,
        lambda: reports.report_review(report_id=report.pk, actor=request.user, comment=comment),
        _("Marked as read."),
    )
    return redirect("supervision:report_detail", pk=report.pk)
