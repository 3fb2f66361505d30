"""Thin views: validate the form, call one service, turn domain errors into messages, redirect.

Who sees which row is decided in supervision.selectors (`*_get_for_user` answers 404); who may act is
decided in the services (NotPermitted). The role lists here only keep people away from pages that are
not theirs at all."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.roles import Role, has_role, user_roles
from aftersales.models import Suggestion
from core.params import date_param
from orders.errors import OrderError
from orders.permissions import leads_owner
from orders.selectors import order_get_for_user, order_timeline, orders_visible_to
from orders.views._common import report_error
from production.selectors import team_merchandisers

from . import forms
from .models import (
    ActionItemStatus,
    FindingStatus,
    PlanStatus,
    PolicyStatus,
    RecordReview,
    ReportStatus,
    SpotCheckItem,
    ViolationStatus,
    WeeklyReport,
)
from .selectors import (
    STAFF_ROLES,
    all_merchandisers,
    can_run_meeting,
    finding_get_for_user,
    findings_visible_to,
    leads,
    meeting_get_for_user,
    meeting_people,
    meetings_visible_to,
    open_action_items,
    plan_get_for_user,
    plan_population_shown,
    plans_visible_to,
    policy_acknowledged,
    policy_acknowledgement_status,
    policy_blocks,
    policy_get_for_user,
    policy_in_force,
    policy_revisions_awaiting,
    policy_versions_visible_to,
    report_get_for_user,
    reports_of_week,
    review_coverage,
    review_queue,
    sample_get_for_user,
    spot_check_results_by_merchandiser,
    spot_check_suggestions,
    staff_members,
    teams_led_by,
    violation_get_for_user,
    violations_visible_to,
)
from .services import discipline, meetings, policy, reports, reviews, spotchecks
from .weeks import this_week, week_start_of


def post_action(*roles):
    """A POST-only action: outsiders are sent to sign in, a GET answers 405, other roles get 403."""

    def decorator(view):
        return login_required(require_POST(role_required(*roles)(view)))

    return decorator


def _run(request, action, success: str = "") -> bool:
    """Call the service; a domain error becomes an error message. True when it succeeded."""
    try:
        action()
    except OrderError as error:
        report_error(request, error)
        return False
    if success:
        messages.success(request, success)
    return True


def _week_param(request):
    """?week= as the Monday of a week the date rule allows (a week near the calendar's end has no next)."""
    day = date_param(request.GET.get("week", ""))
    return week_start_of(day) if day else this_week()


def _period(request):
    """The period of a page: ?start=&end=, by default this month so far."""
    today = timezone.localdate()
    return forms.PeriodForm(request.GET or None).period(today.replace(day=1), today)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# --- 1. meetings -------------------------------------------------------------------------------------
@role_required(Role.SUPERVISOR, Role.MERCHANDISER)
def meeting_list(request):
    rows = meetings_visible_to(request.user).select_related("team").order_by("-week_start", "team__name_en")[:100]
    return render(
        request,
        "supervision/meeting_list.html",
        {"rows": rows, "teams": teams_led_by(request.user), "week": this_week()},
    )


@post_action(Role.SUPERVISOR)
def meeting_create(request):
    meeting = None
    for team in teams_led_by(request.user):
        meeting, _created = meetings.meeting_create_for_week(team=team, week_start=this_week(), actor=request.user)
    if meeting is None:
        messages.error(request, _("You lead no team."))
        return redirect("supervision:meeting_list")
    return redirect("supervision:meeting_detail", pk=meeting.pk)


@role_required(Role.SUPERVISOR, Role.MERCHANDISER)
def meeting_detail(request, pk):
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    runs = can_run_meeting(request.user, meeting)
    items = meeting.action_items.select_related("owner", "order")
    context = {
        "meeting": meeting,
        "agenda": meeting.agenda,
        "runs": runs,
        "attendance": meeting.attendance.select_related("person"),
        "items": items,
        "carried": open_action_items(team=meeting.team, before=meeting.week_start),
        "record_form": forms.MeetingRecordForm(initial={"minutes": meeting.minutes, "decisions": meeting.decisions})
        if runs
        else None,
        "item_form": forms.ActionItemForm(
            people=meeting_people(meeting=meeting), initial={"due_date": meeting.week_start + timedelta(days=7)}
        )
        if runs
        else None,
        "open_state": ActionItemStatus.OPEN,
    }
    return render(request, "supervision/meeting_detail.html", context)


@post_action(Role.SUPERVISOR)
def meeting_record(request, pk):
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    form = forms.MeetingRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the minutes of the meeting."))
    else:
        present = request.POST.getlist("present")
        notes = {
            int(key.removeprefix("note_")): value
            for key, value in request.POST.items()
            if key.startswith("note_") and key.removeprefix("note_").isdigit()
        }
        _run(
            request,
            lambda: meetings.meeting_record(
                meeting_id=meeting.pk,
                actor=request.user,
                minutes=form.cleaned_data["minutes"],
                decisions=form.cleaned_data["decisions"],
                present_ids=[p for p in present if p.isdigit()],
                notes=notes,
            ),
            _("The meeting is recorded."),
        )
    return redirect("supervision:meeting_detail", pk=meeting.pk)


@post_action(Role.SUPERVISOR)
def meeting_refresh(request, pk):
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    _run(
        request,
        lambda: meetings.meeting_refresh_agenda(meeting_id=meeting.pk, actor=request.user),
        _("The agenda was compiled again from today's records."),
    )
    return redirect("supervision:meeting_detail", pk=meeting.pk)


@post_action(Role.SUPERVISOR)
def action_item_add(request, pk):
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    form = forms.ActionItemForm(request.POST, people=meeting_people(meeting=meeting))
    if not form.is_valid():
        messages.error(request, _("Give the action, its owner and a due date."))
    else:
        _run(
            request,
            lambda: meetings.action_item_add(
                meeting_id=meeting.pk,
                actor=request.user,
                title=form.cleaned_data["title"],
                owner=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"],
            ),
            _("Action item added."),
        )
    return redirect("supervision:meeting_detail", pk=meeting.pk)


@post_action(Role.SUPERVISOR, Role.MERCHANDISER)
def action_item_step(request, pk, name):
    from .models import ActionItem

    item = ActionItem.objects.filter(meeting__in=meetings_visible_to(request.user), pk=pk).first()
    if item is None:
        raise Http404
    form = forms.ActionStepForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    _run(
        request,
        lambda: meetings.action_item_step(item_id=item.pk, actor=request.user, name=name, note=note),
        _("Action item updated."),
    )
    return redirect(_safe_next(request, reverse("supervision:meeting_detail", kwargs={"pk": item.meeting_id})))


# --- 2. weekly reports -------------------------------------------------------------------------------
@role_required(Role.MERCHANDISER)
def report_mine(request):
    week = this_week()
    if request.method == "POST":
        report = None

        def start():
            nonlocal report
            report = reports.report_start_mine(actor=request.user, week_start=week)

        if _run(request, start):
            return redirect("supervision:report_detail", pk=report.pk)
        return redirect("supervision:report_mine")
    mine = WeeklyReport.objects.filter(merchandiser=request.user).order_by("-week_start")[:20]
    current = next((r for r in mine if r.week_start == week), None)
    return render(request, "supervision/report_mine.html", {"rows": mine, "current": current, "week": week})


@role_required(Role.SUPERVISOR, Role.HR)
def report_inbox(request):
    week = _week_param(request)
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
            _run(
                request,
                lambda: reports.report_save(report_id=report.pk, actor=request.user, **form.cleaned_data),
                _("Report saved."),
            )
            return redirect("supervision:report_detail", pk=report.pk)
        messages.error(request, _("Please correct the errors below."))
        status = 400
    own_suggestions = (
        list(
            Suggestion.objects.filter(author=request.user).exclude(weekly_reports=report).order_by("-submitted_at")[:50]
        )
        if own_draft
        else []
    )
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
    _run(request, lambda: step(report_id=report.pk, actor=request.user), done[name])
    return redirect("supervision:report_detail", pk=report.pk)


@post_action(Role.MERCHANDISER)
def report_suggestion(request, pk):
    report = report_get_for_user(user=request.user, pk=pk)
    form = forms.ReportSuggestionForm(
        request.POST, suggestions=Suggestion.objects.filter(author=request.user).order_by("-submitted_at")[:50]
    )
    if not form.is_valid():
        messages.error(request, _("Choose a suggestion or write a new one."))
    elif form.cleaned_data["existing"]:
        _run(
            request,
            lambda: reports.report_link_suggestion(
                report_id=report.pk, actor=request.user, suggestion_id=form.cleaned_data["existing"]
            ),
            _("Suggestion attached."),
        )
    else:
        _run(
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
    _run(
        request,
        lambda: reports.report_review(report_id=report.pk, actor=request.user, comment=comment),
        _("Marked as read."),
    )
    return redirect("supervision:report_detail", pk=report.pk)


# --- 3. record reviews -------------------------------------------------------------------------------
@role_required(Role.SUPERVISOR)
def review_queue_view(request):
    start, end = _period(request)
    people = team_merchandisers(supervisor=request.user)
    return render(
        request,
        "supervision/review_queue.html",
        {
            "period_form": forms.PeriodForm(initial={"start": start, "end": end}),
            "start": start,
            "end": end,
            "queue": review_queue(user=request.user, start=start, end=end),
            "coverage": review_coverage(merchandisers=people, start=start, end=end),
        },
    )


@role_required(Role.SUPERVISOR)
def review_order(request, pk):
    order = order_get_for_user(user=request.user, pk=pk)
    if not leads_owner(request.user, order):
        raise Http404
    form = forms.RecordReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _run(
            request,
            lambda: reviews.record_review_create(order_id=order.pk, actor=request.user, **form.cleaned_data),
            _("Review recorded."),
        ):
            return redirect("supervision:review_queue")
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
        status = 400
    context = {
        "order": order,
        "timeline": order_timeline(order=order, limit=100),
        "reviews": RecordReview.objects.filter(order=order).select_related("reviewer")[:20],
        "form": form,
    }
    return render(request, "supervision/review_order.html", context, status=status)


# --- 4. spot checks ----------------------------------------------------------------------------------
@role_required(Role.QA)
def plan_list(request):
    start, end = _period(request)
    return render(
        request,
        "supervision/plan_list.html",
        {
            "rows": plans_visible_to(request.user).select_related("created_by")[:100],
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

        if _run(request, create, _("Plan saved. Draw the sample when you are ready.")):
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
    _run(
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

    if _run(request, verify):
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
        if form.is_valid() and _run(
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
    from .models import SpotCheckResult

    result = SpotCheckResult.objects.filter(pk=pk, sample__plan__in=plans_visible_to(request.user)).first()
    if result is None:
        raise Http404
    form = forms.FindingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the severity, the corrective action and a due date."))
    else:
        _run(
            request,
            lambda: spotchecks.finding_raise(result_id=result.pk, actor=request.user, **form.cleaned_data),
            _("Finding raised; the merchandiser sees it on their findings page."),
        )
    return redirect("supervision:sample_score", pk=result.sample_id)


@role_required(*STAFF_ROLES)
def finding_list(request):
    qs = findings_visible_to(request.user).select_related(
        "merchandiser", "sample__order", "sample__order__customer", "result__item"
    )
    state = request.GET.get("status", "")
    if state in FindingStatus.values:
        qs = qs.filter(status=state)
    return render(
        request,
        "supervision/finding_list.html",
        {"rows": qs[:200], "status": state, "states": FindingStatus.choices},
    )


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
    _run(
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
        _run(
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


# --- 5. violations -----------------------------------------------------------------------------------
@role_required(*STAFF_ROLES)
def violation_list(request):
    rows = violations_visible_to(request.user).select_related("person", "order")[:200]
    can_record = has_role(request.user, Role.HR) or teams_led_by(request.user).exists()
    return render(request, "supervision/violation_list.html", {"rows": rows, "can_record": can_record})


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
        elif _run(request, record, _("Violation recorded.")):
            return redirect("supervision:violation_detail", pk=violation.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/violation_form.html", {"form": form}, status=status)


@role_required(*STAFF_ROLES)
def violation_detail(request, pk):
    violation = violation_get_for_user(user=request.user, pk=pk)
    recorded = violation.status == ViolationStatus.RECORDED
    context = {
        "violation": violation,
        "opinion_form": forms.OpinionForm() if recorded and leads(request.user, violation.person) else None,
        "decision_form": forms.DecisionForm(
            initial={"sanction": violation.proposed_sanction, "amount": violation.proposed_amount}
        )
        if recorded and has_role(request.user, Role.HR) and violation.person_id != request.user.pk
        else None,
        "can_acknowledge": violation.person_id == request.user.pk and violation.status == ViolationStatus.DECIDED,
    }
    return render(request, "supervision/violation_detail.html", context)


@post_action(Role.SUPERVISOR)
def violation_opinion(request, pk):
    violation = violation_get_for_user(user=request.user, pk=pk)
    form = forms.OpinionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether you agree."))
    else:
        _run(
            request,
            lambda: discipline.violation_opinion(violation_id=violation.pk, actor=request.user, **form.cleaned_data),
            _("Your opinion is on file."),
        )
    return redirect("supervision:violation_detail", pk=violation.pk)


@post_action(Role.HR)
def violation_decide(request, pk):
    violation = violation_get_for_user(user=request.user, pk=pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a sanction."))
    else:
        _run(
            request,
            lambda: discipline.violation_decide(violation_id=violation.pk, actor=request.user, **form.cleaned_data),
            _("Decision recorded."),
        )
    return redirect("supervision:violation_detail", pk=violation.pk)


@post_action(*STAFF_ROLES)
def violation_acknowledge(request, pk):
    violation = violation_get_for_user(user=request.user, pk=pk)
    _run(
        request,
        lambda: discipline.violation_acknowledge(violation_id=violation.pk, actor=request.user),
        _("Acknowledged."),
    )
    return redirect("supervision:violation_detail", pk=violation.pk)


# --- 6. the policy -----------------------------------------------------------------------------------
@role_required(*STAFF_ROLES)
def policy_current(request):
    version = policy_in_force()
    return render(
        request,
        "supervision/policy_version.html",
        {
            "version": version,
            "blocks": policy_blocks(version.body) if version else [],
            "in_force": True,
            "acknowledged": policy_acknowledged(user=request.user, version=version),
            "awaiting": policy_revisions_awaiting(request.user),
        },
    )


@post_action(*STAFF_ROLES)
def policy_acknowledge(request):
    version = policy_in_force()
    if version is None:
        raise Http404
    _run(
        request,
        lambda: policy.policy_acknowledge(version_id=version.pk, actor=request.user),
        _("Thank you: your acknowledgement of version %(v)s is on file.") % {"v": version.version},
    )
    return redirect("supervision:policy_current")


@role_required(*STAFF_ROLES)
def policy_versions(request):
    rows = policy_versions_visible_to(request.user).select_related("drafted_by", "reviewed_by", "approved_by")
    current = policy_in_force()
    return render(
        request,
        "supervision/policy_versions.html",
        {"rows": rows, "current": current, "can_draft": has_role(request.user, Role.HR)},
    )


POLICY_STEP_ROLES = {
    "submit": {Role.HR},
    "review": {Role.SUPERVISOR},
    "send_back": {Role.SUPERVISOR, Role.MANAGEMENT},
    "approve": {Role.MANAGEMENT},
}
POLICY_STEP_STATES = {
    "submit": PolicyStatus.DRAFT,
    "review": PolicyStatus.IN_REVIEW,
    "approve": PolicyStatus.IN_APPROVAL,
}


@role_required(*STAFF_ROLES)
def policy_version(request, pk):
    version = policy_get_for_user(user=request.user, pk=pk)
    roles = user_roles(request.user)
    steps = [
        name
        for name, allowed in POLICY_STEP_ROLES.items()
        if roles & allowed
        and (
            version.status == POLICY_STEP_STATES.get(name)
            or (name == "send_back" and version.status in (PolicyStatus.IN_REVIEW, PolicyStatus.IN_APPROVAL))
        )
    ]
    return render(
        request,
        "supervision/policy_version.html",
        {
            "version": version,
            "blocks": policy_blocks(version.body),
            "in_force": version == policy_in_force(),
            "steps": steps,
            "step_form": forms.PolicyStepForm(initial={"effective_date": timezone.localdate()}) if steps else None,
            "can_edit": Role.HR in roles and version.status == PolicyStatus.DRAFT,
        },
    )


@role_required(Role.HR)
def policy_new(request):
    current = policy_in_force()
    form = forms.PolicyNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        draft = None

        def create():
            nonlocal draft
            draft = policy.policy_draft_create(actor=request.user, version=form.cleaned_data["version"])

        if _run(request, create, _("Draft started from the version in force.")):
            return redirect("supervision:policy_edit", pk=draft.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/policy_new.html", {"form": form, "current": current}, status=status)


@role_required(Role.HR)
def policy_edit(request, pk):
    version = policy_get_for_user(user=request.user, pk=pk)
    if version.status != PolicyStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("supervision:policy_version", pk=version.pk)
    form = forms.PolicyEditForm(
        request.POST or None,
        initial={
            "title_zh": version.title_zh,
            "title_en": version.title_en,
            "body_zh": version.body_zh,
            "body_en": version.body_en,
            "change_summary": version.change_summary,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: policy.policy_draft_update(version_id=version.pk, actor=request.user, **form.cleaned_data),
            _("Draft saved."),
        )
    ):
        return redirect("supervision:policy_version", pk=version.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/policy_edit.html", {"form": form, "version": version}, status=status)


@post_action(Role.HR, Role.SUPERVISOR, Role.MANAGEMENT)
def policy_step(request, pk, name):
    version = policy_get_for_user(user=request.user, pk=pk)
    form = forms.PolicyStepForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    effective = form.cleaned_data.get("effective_date")
    actions = {
        "submit": (lambda: policy.policy_submit(version_id=version.pk, actor=request.user), _("Sent for review.")),
        "review": (
            lambda: policy.policy_review(version_id=version.pk, actor=request.user, comment=comment),
            _("Reviewed; sent to senior management for approval."),
        ),
        "send_back": (
            lambda: policy.policy_send_back(version_id=version.pk, actor=request.user, comment=comment),
            _("Sent back to HR."),
        ),
        "approve": (
            lambda: policy.policy_approve(version_id=version.pk, actor=request.user, effective_date=effective),
            _("Approved and published."),
        ),
    }
    if name not in actions:
        raise Http404
    action, done = actions[name]
    _run(request, action, done)
    return redirect("supervision:policy_version", pk=version.pk)


@role_required(Role.HR)
def policy_acknowledgements(request):
    version = policy_in_force()
    requested = request.GET.get("version")
    if requested:
        version = policy_get_for_user(user=request.user, pk=requested)
    status = policy_acknowledgement_status(version=version) if version else None
    published = policy_versions_visible_to(request.user).filter(status=PolicyStatus.PUBLISHED)
    return render(
        request,
        "supervision/policy_acknowledgements.html",
        {"version": version, "status": status, "published": published},
    )
