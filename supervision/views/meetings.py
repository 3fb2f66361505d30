"""The weekly merchandiser meeting: its agenda, record and action items."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.decorators import role_required
from accounts.roles import Role
from core.views import run_service, safe_next

from .. import forms
from ..models import (
    ActionItemStatus,
)
from ..selectors import (
    can_run_meeting,
    meeting_get_for_user,
    meeting_people,
    meetings_listed,
    meetings_visible_to,
    open_action_items,
    teams_led_by,
)
from ..services import meetings
from ..weeks import this_week
from ._common import post_action


@role_required(Role.SUPERVISOR, Role.MERCHANDISER)
def meeting_list(request):
    rows = meetings_listed(user=request.user)
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
        run_service(
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
    run_service(
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
        run_service(
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
    from ..models import ActionItem

    item = ActionItem.objects.filter(meeting__in=meetings_visible_to(request.user), pk=pk).first()
    if item is None:
        raise Http404
    form = forms.ActionStepForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    run_service(
        request,
        lambda: meetings.action_item_step(item_id=item.pk, actor=request.user, name=name, note=note),
        _("Action item updated."),
    )
    return redirect(safe_next(request, reverse("supervision:meeting_detail", kwargs={"pk": item.meeting_id})))
