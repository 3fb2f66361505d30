"""The company calendar page: everyone who plans reads it; HR and admins change it."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.views import report_form_errors, run_service

from .forms import CalendarDayForm, CalendarUploadForm
from .selectors import calendar_changes, calendar_days_from, missing_next_year
from .services import calendar_day_delete, calendar_day_set, calendar_import

MANAGE = "workcalendar.add_calendarday"


def _page(request, *, day_form=None, upload_form=None, status=200):
    today = timezone.localdate()
    manages = request.user.has_perm(MANAGE)
    context = {
        "days": calendar_days_from(start=date(today.year, 1, 1)),
        "missing": missing_next_year(today=today),
        "manages": manages,
        "day_form": day_form or CalendarDayForm(),
        "upload_form": upload_form or CalendarUploadForm(),
        "changes": calendar_changes() if manages else [],
    }
    return render(request, "workcalendar/calendar.html", context, status=status)


@login_required
@permission_required("workcalendar.view_calendarday", raise_exception=True)
@require_GET
def calendar_page(request):
    return _page(request)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def day_set(request):
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return _page(request, day_form=form, status=400)
    data = form.cleaned_data
    done = run_service(
        request,
        lambda: calendar_day_set(actor=request.user, day=data["date"], name=data["name"], kind=data["kind"]),
        _("%(date)s saved in the calendar.") % {"date": data["date"].isoformat()},
    )
    return redirect("workcalendar:calendar") if done else _page(request, day_form=form, status=400)


@login_required
@permission_required("workcalendar.delete_calendarday", raise_exception=True)
@require_POST
def day_delete(request, pk: int):
    run_service(request, lambda: calendar_day_delete(actor=request.user, day_id=pk), _("The day was removed."))
    return redirect("workcalendar:calendar")


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def import_file(request):
    form = CalendarUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        report_form_errors(request, form)
        return _page(request, upload_form=form, status=400)
    result = calendar_import(text=form.cleaned_data["file"], actor=request.user)
    if result.errors:
        for error in result.errors[:20]:
            messages.error(request, error)
        return _page(request, upload_form=CalendarUploadForm(), status=400)
    messages.success(
        request,
        _("Calendar imported: %(created)d added, %(updated)d changed, %(unchanged)d already there.")
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect("workcalendar:calendar")
