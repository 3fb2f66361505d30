"""Thin views: validate the form, call one service, turn domain errors into messages or a 403."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.lists import ListSpec, list_export, list_page
from accounts.roles import Role
from core.errors import DomainError, NotPermitted
from core.jinja2 import render_fragment
from core.views import report_error, run_service
from orders.hooks import order_page_url
from orders.models import PromiseStatus
from orders.permissions import can_edit
from orders.selectors import order_get_for_user, promises_waiting_for

from .filters import CheckInFilter
from .forms import (
    CheckInForm,
    DelayForm,
    MilestoneActualForm,
    MilestoneReviseForm,
    ProductionStartForm,
)
from .models import PlanMilestone
from .panels import milestone_forms
from .selectors import (
    BOARD_PROBLEM_DAYS,
    CHECKIN_FILTERS,
    CHECKIN_PAGE_SIZES,
    board_page,
    checkin_compliance,
    checkin_counts,
    checkin_list_queryset,
    checkin_problems,
    checkin_worklist,
    checkin_worklist_page,
    factory_report_problems,
    next_milestones,
    promise_warnings_open,
    team_merchandisers,
)
from .services import (
    CheckInInput,
    RunDetails,
    checkin_record,
    delay_record,
    milestone_record_actual,
    milestone_revise,
    production_start,
)
from .tables import CheckInTable


def _back_to_order(pk, panel="production"):
    return redirect(order_page_url(pk, panel=panel))


def _report_invalid(request, form) -> None:
    """The panels' forms post from the order page and come back to it: their errors go out as a message."""
    problems = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if field is None:
            problems.append(" ".join(errors))
        elif field.widget.is_hidden:
            # The order's version: it has no label, and nothing the person typed can put it right.
            problems.append(_("The page was incomplete. Reload it and try again."))
        else:
            problems.append(f"{field.label}: {' '.join(errors)}")
    messages.error(request, _("Please correct: %(problems)s") % {"problems": " ".join(problems)})


def _order_for_action(request, pk):
    """The order, if the user may see it (else 404) and change it (else 403)."""
    order = order_get_for_user(user=request.user, pk=pk)
    if not can_edit(request.user, order):
        raise PermissionDenied
    return order


# --- panel actions on the order page ------------------------------------------------------------------
@login_required
@require_POST
def start_production(request, pk):
    order = _order_for_action(request, pk)
    form = ProductionStartForm(request.POST, prefix="start")
    if not form.is_valid():
        _report_invalid(request, form)
        return _back_to_order(pk)
    d = form.cleaned_data
    details = RunDetails(d["factory"], d["line"], d["work_order_ref"], d["start_date"])
    if run_service(
        request,
        lambda: production_start(
            order_id=order.pk, actor=request.user, details=details, expected_version=d["version"], note=d["note"]
        ),
    ):
        messages.success(request, _("Production has started."))
    return _back_to_order(pk)


@login_required
def milestone_update(request, pk, milestone_id):
    """GET: the milestone's two forms (record the actual date, revise the due date), as the T&A table's
    Update cell fetches them when opened (htmx), or as a page of their own without JavaScript. POST: one
    of them."""
    order = _order_for_action(request, pk)
    if request.method != "POST":
        milestone = get_object_or_404(PlanMilestone, plan__order=order, pk=milestone_id)
        context = {"order": order, "m": milestone, "update": milestone_forms(milestone, timezone.localdate())}
        if request.htmx:
            return HttpResponse(render_fragment("production/_milestone_forms.html", context, request))
        return render(request, "production/milestone_form.html", context)
    action = request.POST.get("action")
    if action == "actual":
        form = MilestoneActualForm(request.POST, prefix=f"m{milestone_id}")
        if form.is_valid():
            date = form.cleaned_data["actual_date"]
            if run_service(
                request,
                lambda: milestone_record_actual(
                    order_id=order.pk, milestone_id=milestone_id, actor=request.user, actual_date=date
                ),
            ):
                messages.success(request, _("The milestone is recorded as done."))
            return _back_to_order(pk, "production-plan")
    elif action == "revise":
        form = MilestoneReviseForm(request.POST, prefix=f"m{milestone_id}")
        if form.is_valid():
            d = form.cleaned_data
            if run_service(
                request,
                lambda: milestone_revise(
                    order_id=order.pk,
                    milestone_id=milestone_id,
                    actor=request.user,
                    revised_date=d["revised_date"],
                    reason=d["reason"],
                ),
            ):
                messages.success(request, _("The milestone has a new date."))
            return _back_to_order(pk, "production-plan")
    else:
        messages.error(request, _("Unknown action."))
        return _back_to_order(pk, "production-plan")
    _report_invalid(request, form)
    return _back_to_order(pk, "production-plan")


@login_required
@require_POST
def record_delay(request, pk):
    order = _order_for_action(request, pk)
    form = DelayForm(request.POST, request.FILES, prefix="delay")
    if not form.is_valid():
        _report_invalid(request, form)
        return _back_to_order(pk)
    d = form.cleaned_data
    try:
        promise = delay_record(
            order_id=order.pk,
            actor=request.user,
            reason_id=d["reason"].pk,
            new_date=d["new_date"],
            note=d["note"],
            evidence=d["evidence"],
            expected_version=d["version"],
        )
    except DomainError as error:
        report_error(request, error)
        return _back_to_order(pk)
    if promise.status == PromiseStatus.APPROVED:
        messages.success(request, _("The delay is recorded and the new date is promised."))
    else:
        messages.success(request, _("The new date is proposed. It waits for your supervisor's approval."))
    return redirect(f"{reverse('orders:detail', args=[pk])}?open=promises#panel-promises")


# --- My check-ins today ---------------------------------------------------------------------------
def _row_form(row, data=None):
    initial = {}
    source = row.checkin if row.checkin and row.checkin.completed_at else row.last
    if source:
        initial = {
            "contact_name": source.contact_name,
            "contact_method": source.contact_method,
            "quantity_done": source.quantity_done,
        }
    if row.checkin and row.checkin.completed_at:
        initial.update(problems=row.checkin.problems, next_steps=row.checkin.next_steps)
    return CheckInForm(data, initial=initial, prefix=f"o{row.order.pk}", milestones=row.open_milestones)


def _worklist_params(query: QueryDict) -> dict:
    """The list's own parameters, read from a query string; a value it does not know gets the default."""
    show = query.get("show")
    per_page = query.get("per_page", "")
    return {
        "show": show if show in CHECKIN_FILTERS else CHECKIN_FILTERS[0],
        "per_page": int(per_page) if per_page in {str(n) for n in CHECKIN_PAGE_SIZES} else CHECKIN_PAGE_SIZES[0],
        "page": _page_number(query.get("page", "")),
    }


def _page_number(value: str) -> int:
    """Anything but a number is the first page; a number past the end is the last (the selector clamps it)."""
    value = value.strip()
    if not (value.isascii() and value.isdigit()):
        return 1
    return max(1, int(value)) if len(value) < 10 else 10**9


def _worklist_query(*, show: str, per_page: int, page: int = 1) -> QueryDict:
    """Those parameters as a query string, leaving out the defaults."""
    query = QueryDict(mutable=True)
    if show != CHECKIN_FILTERS[0]:
        query["show"] = show
    if per_page != CHECKIN_PAGE_SIZES[0]:
        query["per_page"] = str(per_page)
    if page > 1:
        query["page"] = str(page)
    return query


@role_required(Role.MERCHANDISER)
@require_GET
def my_checkins(request):
    """The merchandiser's daily work list, a page at a time: one small form per in-production order,
    the orders still to do first."""
    params = _worklist_params(request.GET)
    body = render_to_string("production/_checkins_body.html", _worklist_context(request, params), request=request)
    return render(request, "production/checkins.html", {"body": body})


def _worklist_context(request, params: dict) -> dict:
    today = timezone.localdate()
    worklist = checkin_worklist_page(user=request.user, day=today, **params)
    # Links change one parameter and keep the others; the page is left out, so a new filter starts at 1.
    query = _worklist_query(show=worklist.show, per_page=params["per_page"])
    back = _worklist_query(show=worklist.show, per_page=params["per_page"], page=worklist.page.number)
    return {
        "rows": [(row, _row_form(row)) for row in worklist.rows],
        "back": back.urlencode(),
        "page": worklist.page,
        "show": worklist.show,
        "counts": worklist.counts,
        "due": worklist.due,
        "per_page": params["per_page"],
        "page_sizes": CHECKIN_PAGE_SIZES,
        "query": query,
        "today": today,
    }


@role_required(Role.MERCHANDISER)
@require_POST
def checkin_save(request, order_pk):
    """Save one row. With htmx, answers with the updated row and the day's counts (422 with the errors
    when invalid); without, goes back to the page and filter the row was posted from."""
    today = timezone.localdate()
    order = order_get_for_user(user=request.user, pk=order_pk)
    rows = checkin_worklist(user=request.user, day=today, order_ids=[order.pk])
    if not rows:  # not the user's own in-production order
        raise PermissionDenied
    row = rows[0]
    form = _row_form(row, data=request.POST)
    saved = False
    if form.is_valid():
        d = form.cleaned_data
        data = CheckInInput(
            contact_name=d["contact_name"],
            contact_method=d["contact_method"],
            quantity_done=d["quantity_done"],
            milestone_id=d["milestone"],
            problems=d["problems"],
            next_steps=d["next_steps"],
        )
        try:
            checkin_record(order_id=order.pk, actor=request.user, data=data, day=today)
            saved = True
        except NotPermitted as error:
            report_error(request, error)
        except DomainError as error:
            form.add_error(None, error.message)
    # Only the list's own parameters go back, rebuilt from known values: never a URL from the form.
    back = _worklist_query(**_worklist_params(QueryDict(request.POST.get("back", "")))).urlencode()
    if not request.htmx:
        if saved:
            messages.success(request, _("Check-in saved for %(order)s.") % {"order": order.display_number})
        else:
            _report_invalid(request, form)
        return redirect(reverse("production:my_checkins") + (f"?{back}" if back else ""))
    if saved:
        row = checkin_worklist(user=request.user, day=today, order_ids=[order.pk])[0]
        form = _row_form(row)
    context = {
        "rows": [(row, form)],
        "back": back,
        "saved_at": timezone.localtime() if saved else None,
        "counts": checkin_counts(user=request.user, day=today) if saved else None,
    }
    html = render_fragment("production/_checkin_saved.html", context, request)
    return HttpResponse(html, status=200 if saved else 422)


# --- the supervisor's production board ----------------------------------------------------------------
@role_required(Role.SUPERVISOR)
@require_GET
def board(request):
    today = timezone.localdate()
    page = board_page(user=request.user, day=today, number=request.GET.get("page"))
    upcoming = next_milestones(order_ids=[o.pk for o in page], day=today)
    rows = [{"order": o, "next": upcoming.get(o.pk)} for o in page]
    compliance = checkin_compliance(
        viewer=request.user, merchandisers=team_merchandisers(supervisor=request.user), day=today
    )
    since = today - timedelta(days=BOARD_PROBLEM_DAYS - 1)
    problems = checkin_problems(user=request.user, since=since, until=today)
    return render(
        request,
        "production/board.html",
        {
            "page": page,
            "rows": rows,
            "compliance": compliance,
            "today": today,
            "problems": problems,
            "factory_problems": factory_report_problems(user=request.user, since=since, until=today),
            "warnings": promise_warnings_open(supervisor=request.user),
            "dates_to_approve": promises_waiting_for(user=request.user, limit=10),
        },
    )


CHECKIN_LIST = ListSpec(key="checkins", filterset_class=CheckInFilter, table_class=CheckInTable, required=("day",))
STAFF_ROLES = (Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.HR, Role.MANAGEMENT)


@role_required(*STAFF_ROLES)
def checkin_list(request):
    """Every check-in record the person may see (theirs, their team's, or all)."""
    rows = checkin_list_queryset(user=request.user)
    return list_page(request, CHECKIN_LIST, rows, template="production/checkin_list.html")


@role_required(*STAFF_ROLES)
def checkin_export(request, fmt):
    rows = checkin_list_queryset(user=request.user)
    return list_export(request, CHECKIN_LIST, rows, fmt=fmt, title=_("Check-ins"), filename="checkins")
