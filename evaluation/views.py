"""Thin views: check the role, read through a selector, call one service, turn domain errors into messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.roles import Role, has_role
from core.charts import bar_chart
from core.errors import DomainError
from core.views import report_error

from . import exports, selectors, services
from .codes import QuarterStatus
from .forms import AdjustForm, AnswerForm, AppealForm, CommentForm, OutcomeForm, RatingForm, RunForm, SchemeForm
from .kpis import KPIS
from .models import Appeal, ScoreLine
from .permissions import can_comment, is_hr
from .quarters import Quarter

READERS = (Role.HR, Role.MANAGEMENT, Role.SUPERVISOR)
ANY_STAFF = (Role.HR, Role.MANAGEMENT, Role.SUPERVISOR, Role.MERCHANDISER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page(*roles):
    """A page: outsiders are sent to sign in, a POST answers 405, other roles get 403."""

    def decorator(view):
        return login_required(require_GET(role_required(*roles)(view)))

    return decorator


def post_action(*roles):
    """A POST-only action: outsiders are sent to sign in, a GET answers 405, other roles get 403."""

    def decorator(view):
        return login_required(require_POST(role_required(*roles)(view)))

    return decorator


def _form_errors(request, form) -> None:
    problems = [str(e) for errors in form.errors.values() for e in errors]
    messages.error(request, _("Please correct the errors: %(errors)s") % {"errors": " ".join(problems)})


def _quarter_or_404(year: int, q: int) -> Quarter:
    from django.http import Http404

    try:
        return Quarter(year, q)
    except ValueError as exc:
        raise Http404 from exc


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- quarters and runs -----------------------------------------------------------------------------------
@page(*READERS)
def quarter_list(request):
    quarters = list(selectors.quarters_visible_to(request.user).order_by("-year", "-quarter")[:20])
    context = {"quarters": quarters, "run_form": RunForm() if is_hr(request.user) else None}
    return render(request, "evaluation/quarter_list.html", context)


@page(*READERS)
def quarter_detail(request, year: int, q: int):
    evaluation = selectors.quarter_get(user=request.user, quarter=_quarter_or_404(year, q))
    scorecards = selectors.quarter_scorecards(user=request.user, evaluation=evaluation)
    bands = selectors.score_distribution(scorecards)
    context = {
        "evaluation": evaluation,
        "scorecards": scorecards,
        "lacking_data": selectors.lacking_data(scorecards),
        "distribution_chart": bar_chart([(f"{b['low']}–{b['high']}", b["count"]) for b in bands]),
        "run": selectors.latest_run(evaluation) if is_hr(request.user) else None,
        "is_hr": is_hr(request.user),
        "kpis": KPIS,
    }
    return render(request, "evaluation/quarter_detail.html", context)


@post_action(Role.HR)
def run_start(request):
    form = RunForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("evaluation:quarter_list")
    quarter = form.cleaned_data["quarter"]
    try:
        services.evaluation_run_start(quarter=quarter, actor=request.user)
    except DomainError as error:
        report_error(request, error)
        return redirect("evaluation:quarter_list")
    messages.success(request, _("Scoring of %(quarter)s has started.") % {"quarter": quarter})
    return redirect("evaluation:quarter_detail", year=quarter.year, q=quarter.q)


@page(Role.HR)
def run_progress(request, run_id: int):
    """The progress bar, polled by htmx every second while the run is active."""
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    context = {"run": run, "evaluation": run.evaluation, "refresh_link": True}
    return render(request, "evaluation/_run_progress.html", context)


@post_action(Role.HR)
def finalise(request, year: int, q: int):
    evaluation = selectors.quarter_get(user=request.user, quarter=_quarter_or_404(year, q))
    if evaluation.pk is None:
        messages.error(request, _("Score the quarter before finalising it."))
    else:
        try:
            services.evaluation_finalise(evaluation_id=evaluation.pk, actor=request.user)
            messages.success(request, _("%(quarter)s is finalised.") % {"quarter": evaluation.period})
            lacking = selectors.lacking_data(selectors.quarter_scorecards(user=request.user, evaluation=evaluation))
            if lacking:
                messages.warning(
                    request,
                    _("Not enough data to score, so no final score, rank or reward: %(names)s.")
                    % {"names": ", ".join(str(card.merchandiser) for card in lacking)},
                )
        except DomainError as error:
            report_error(request, error)
    return redirect("evaluation:quarter_detail", year=year, q=q)


@page(*READERS)
def quarter_export(request, year: int, q: int):
    evaluation = selectors.quarter_get(user=request.user, quarter=_quarter_or_404(year, q))
    scorecards = selectors.quarter_scorecards(user=request.user, evaluation=evaluation)
    return _download(exports.quarter_xlsx(evaluation, scorecards), f"evaluation-{evaluation.period}.xlsx", XLSX)


# --- scorecards ------------------------------------------------------------------------------------------
@page(Role.MERCHANDISER)
def my_scorecards(request):
    return render(request, "evaluation/my_scorecards.html", {"scorecards": selectors.my_scorecards(request.user)})


@page(*ANY_STAFF)
def scorecard(request, pk: int):
    card = selectors.scorecard_get_for_user(user=request.user, pk=pk)
    view = selectors.scorecard_view(card)
    draft = card.evaluation.status == QuarterStatus.DRAFT
    final = not draft
    own = card.merchandiser_id == request.user.pk
    hr = is_hr(request.user)
    decides = hr and not own  # HR who is also scored never decides their own result (evaluation.services)
    violations = None
    if hr and final:
        from supervision.models import Violation

        violations = Violation.objects.upheld().filter(
            person_id=card.merchandiser_id,
            occurred_at__gte=card.evaluation.period.start,
            occurred_at__lt=card.evaluation.period.end,
        )
    context = {
        "card": card,
        "view": view,
        "assessment": selectors.scorecard_assessment(card),
        "is_hr": hr,
        "can_see_quarter": has_role(request.user, *READERS),
        "can_adjust": decides and draft,
        "can_comment": draft and can_comment(request.user, card),
        "can_decide": decides and final,
        "can_answer": decides,
        "can_respond": own and final and not card.acknowledged_at and view.open_appeal is None,
        "adjust_form": AdjustForm(),
        "comment_form": CommentForm(),
        "outcome_form": OutcomeForm(violations=violations) if decides and final else None,
        "appeal_form": AppealForm(),
        "answer_form": AnswerForm(),
    }
    return render(request, "evaluation/scorecard.html", context)


@page(*ANY_STAFF)
def scorecard_xlsx(request, pk: int):
    card = selectors.scorecard_get_for_user(user=request.user, pk=pk)
    name = f"scorecard-{card.evaluation.period}-{card.merchandiser.get_username()}.xlsx"
    return _download(exports.scorecard_xlsx(selectors.scorecard_view(card)), name, XLSX)


@page(*ANY_STAFF)
def scorecard_pdf(request, pk: int):
    card = selectors.scorecard_get_for_user(user=request.user, pk=pk)
    name = f"scorecard-{card.evaluation.period}-{card.merchandiser.get_username()}.pdf"
    return _download(exports.scorecard_pdf(selectors.scorecard_view(card)), name, "application/pdf")


@page(*ANY_STAFF)
def drilldown(request, pk: int, kpi: str):
    card = selectors.scorecard_get_for_user(user=request.user, pk=pk)
    data = selectors.drilldown(user=request.user, scorecard=card, kpi_code=kpi, page_number=request.GET.get("page"))
    return render(request, "evaluation/drilldown.html", {"card": card, "drill": data})


def _back(card_pk: int):
    return redirect("evaluation:scorecard", pk=card_pk)


@post_action(Role.HR)
def adjust(request, line_id: int):
    line = ScoreLine.objects.filter(pk=line_id).only("pk", "scorecard_id").first()
    if line is None:
        messages.error(request, _("This result no longer exists."))
        return redirect("evaluation:quarter_list")
    form = AdjustForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(line.scorecard_id)
    try:
        services.score_adjust(
            line_id=line.pk,
            actor=request.user,
            new_score=form.cleaned_data["new_score"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The score is adjusted and the reason recorded."))
    except DomainError as error:
        report_error(request, error)
    return _back(line.scorecard_id)


@post_action(Role.HR, Role.SUPERVISOR)
def comment(request, pk: int):
    card = selectors.scorecard_get_for_user(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(card.pk)
    try:
        services.scorecard_comment(scorecard_id=card.pk, actor=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your comment is added."))
    except DomainError as error:
        report_error(request, error)
    return _back(card.pk)


@post_action(Role.HR)
def outcome(request, pk: int):
    card = selectors.scorecard_get_for_user(user=request.user, pk=pk)
    from supervision.models import Violation

    form = OutcomeForm(request.POST, violations=Violation.objects.upheld().filter(person_id=card.merchandiser_id))
    if not form.is_valid():
        _form_errors(request, form)
        return _back(card.pk)
    data = form.cleaned_data
    try:
        services.outcome_record(
            scorecard_id=card.pk,
            actor=request.user,
            kind=data["kind"],
            reason=data["reason"],
            amount=data["amount"],
            violation_ids=[v.pk for v in data["violations"]],
        )
        messages.success(request, _("The decision is recorded."))
    except DomainError as error:
        report_error(request, error)
    return _back(card.pk)


@post_action(Role.MERCHANDISER)
def acknowledge(request, pk: int):
    card = selectors.scorecard_get_for_user(user=request.user, pk=pk)
    try:
        services.scorecard_acknowledge(scorecard_id=card.pk, actor=request.user)
        messages.success(request, _("You have acknowledged your scorecard."))
    except DomainError as error:
        report_error(request, error)
    return _back(card.pk)


@post_action(Role.MERCHANDISER)
def appeal(request, pk: int):
    card = selectors.scorecard_get_for_user(user=request.user, pk=pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(card.pk)
    try:
        services.appeal_submit(scorecard_id=card.pk, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your appeal is sent to HR."))
    except DomainError as error:
        report_error(request, error)
    return _back(card.pk)


@page(Role.HR)
def appeal_list(request):
    return render(
        request, "evaluation/appeals.html", {"open": selectors.appeals_open(), "answered": selectors.appeals_recent()}
    )


@post_action(Role.HR)
def appeal_answer(request, pk: int):
    found = Appeal.objects.filter(pk=pk).only("pk", "scorecard_id", "status").first()
    if found is None:
        messages.error(request, _("This appeal no longer exists."))
        return redirect("evaluation:appeal_list")
    form = AnswerForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(found.scorecard_id)
    try:
        services.appeal_answer(
            appeal_id=found.pk,
            actor=request.user,
            decision=form.cleaned_data["decision"],
            answer=form.cleaned_data["answer"],
        )
        messages.success(request, _("The answer is sent."))
    except DomainError as error:
        report_error(request, error)
    return _back(found.scorecard_id)


# --- the KPI scheme -------------------------------------------------------------------------------------
@page(Role.HR, Role.MANAGEMENT)
def scheme(request):
    current = selectors.scheme_in_force(Quarter.current())
    return render(
        request,
        "evaluation/scheme.html",
        {"current": current, "schemes": selectors.schemes_list()[:12], "kpis": KPIS, "is_hr": is_hr(request.user)},
    )


@role_required(Role.HR)
def scheme_new(request):
    current = selectors.scheme_in_force(Quarter.current())
    initial_lines = list(current.lines.all()) if current else None
    form = SchemeForm(request.POST or None, initial_lines=initial_lines)
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.scheme_create(
                    actor=request.user,
                    quarter=form.cleaned_data["quarter"],
                    lines=form.lines(),
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("KPI scheme %(scheme)s is saved.") % {"scheme": saved})
                return redirect(reverse("evaluation:scheme"))
            except DomainError as error:
                report_error(request, error)
        else:
            messages.error(request, _("Please correct the errors below."))
    return render(request, "evaluation/scheme_form.html", {"form": form}, status=422 if form.errors else 200)


# --- the supervisor's assessment (policy 5.1.2) -------------------------------------------------------------
@page(Role.SUPERVISOR)
def ratings_current(request):
    quarter = Quarter.current()
    return redirect("evaluation:ratings", year=quarter.year, q=quarter.q)


@page(Role.SUPERVISOR)
def ratings(request, year: int, q: int):
    """The supervisor rates each merchandiser of their team for the quarter, with the record reviews beside."""
    quarter = _quarter_or_404(year, q)
    current = Quarter.current()
    members = selectors.team_assessments(user=request.user, quarter=quarter)
    for member in members:
        rating = member.assessment.rating
        # One form per person on the page; the action URL names the person, auto_id keeps the labels apart.
        member.form = RatingForm(
            auto_id=f"m{member.merchandiser.pk}-%s",
            initial={
                "rating": rating.rating if rating else None,
                "comment": rating.comment if rating else "",
            },
        )
    context = {
        "quarter": quarter,
        "members": members,
        "frozen": selectors.quarter_is_frozen(quarter),
        "not_started": quarter.start > current.start,
        "previous": quarter.previous(),
        "next": quarter.next() if quarter.next().start <= current.start else None,
    }
    return render(request, "evaluation/ratings.html", context)


@post_action(Role.SUPERVISOR)
def rate(request, year: int, q: int, person: int):
    quarter = _quarter_or_404(year, q)
    form = RatingForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.supervisor_rate(
                actor=request.user,
                merchandiser_id=person,
                quarter=quarter,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("The rating is saved. It counts at the next scoring run."))
        except DomainError as error:
            report_error(request, error)
    return redirect(reverse("evaluation:ratings", args=[quarter.year, quarter.q]) + f"#m-{person}")
