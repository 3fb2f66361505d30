"""The weekly merchandiser meeting (每周跟单员会议, policy ch.4 art.2.2)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Team
from core.errors import InvalidInput, NotPermitted, TransitionRefused
from orders.models import Order

from ..events import supervision_event
from ..models import ActionItem, MeetingAttendance, WeeklyMeeting
from ..selectors import agenda_compile, can_run_meeting, merchandisers_of_team
from ..weeks import meeting_scheduled_at, this_week, week_start_of


def meeting_create_for_week(*, team: Team, week_start: date, actor=None) -> tuple[WeeklyMeeting, bool]:
    """The team's meeting of the week, created with its agenda and attendance list if it does not exist
    yet. Idempotent and safe under concurrency: the unique (team, week_start) constraint decides, and
    the loser of a race returns the winner's meeting. Returns (meeting, created)."""
    week_start = week_start_of(week_start)
    existing = WeeklyMeeting.objects.filter(team=team, week_start=week_start).first()
    if existing is not None:
        return existing, False
    agenda = agenda_compile(team=team, week_start=week_start)
    try:
        with transaction.atomic():
            meeting = WeeklyMeeting.objects.create(
                team=team,
                week_start=week_start,
                scheduled_at=meeting_scheduled_at(week_start),
                agenda=agenda,
                agenda_compiled_at=timezone.now(),
            )
            people = list(merchandisers_of_team(team=team))
            if team.supervisor_id and team.supervisor_id not in {p.pk for p in people}:
                people.insert(0, team.supervisor)
            MeetingAttendance.objects.bulk_create([MeetingAttendance(meeting=meeting, person=p) for p in people])
            supervision_event(meeting, "created", actor, week_start=week_start.isoformat())
    except IntegrityError:
        return WeeklyMeeting.objects.get(team=team, week_start=week_start), False
    return meeting, True


def meetings_create_for_week(*, week_start: date | None = None) -> int:
    """The Monday job: every team's meeting of the week. Returns how many were created (0 on a rerun)."""
    week_start = week_start or this_week()
    return sum(
        1 for team in Team.objects.order_by("pk") if meeting_create_for_week(team=team, week_start=week_start)[1]
    )


def _lock_meeting(meeting_id, actor) -> WeeklyMeeting:
    try:
        meeting = WeeklyMeeting.objects.select_for_update(of=("self",)).select_related("team").get(pk=meeting_id)
    except WeeklyMeeting.DoesNotExist as exc:
        raise InvalidInput(_("This meeting no longer exists.")) from exc
    if not can_run_meeting(actor, meeting):
        raise NotPermitted(_("Only the team's supervisor runs this meeting."))
    return meeting


def meeting_refresh_agenda(*, meeting_id, actor) -> WeeklyMeeting:
    """Compile the agenda again from today's records (before the meeting, to include late news)."""
    with transaction.atomic():
        meeting = _lock_meeting(meeting_id, actor)
        meeting.agenda = agenda_compile(team=meeting.team, week_start=meeting.week_start)
        meeting.agenda_compiled_at = timezone.now()
        meeting.save(update_fields=["agenda", "agenda_compiled_at"])
        supervision_event(meeting, "agenda_refreshed", actor)
    return meeting


def meeting_record(*, meeting_id, actor, minutes: str, decisions: str, present_ids, notes=None) -> WeeklyMeeting:
    """Record the meeting: who attended, the minutes and the decisions. It can be corrected later."""
    if not minutes.strip():
        raise InvalidInput(_("Write the minutes of the meeting."))
    present = {int(pk) for pk in present_ids}
    notes = notes or {}
    with transaction.atomic():
        meeting = _lock_meeting(meeting_id, actor)
        if not can_proceed(meeting.record):
            raise TransitionRefused(_("This meeting cannot be recorded."))
        meeting.record()
        meeting.minutes, meeting.decisions = minutes.strip(), decisions.strip()
        meeting.recorded_by = actor
        meeting.save(update_fields=["status", "held_at", "minutes", "decisions", "recorded_by"])
        rows = list(meeting.attendance.all())
        for row in rows:
            row.present = row.person_id in present
            row.note = str(notes.get(row.person_id, row.note))[:200]
        MeetingAttendance.objects.bulk_update(rows, ["present", "note"])
        supervision_event(meeting, "recorded", actor, present=sorted(present))
    return meeting


def action_item_add(*, meeting_id, actor, title: str, owner, due_date: date, order_id=None) -> ActionItem:
    """A meeting decided someone will do something by a date. The owner is someone of the team."""
    problems = []
    if not title.strip():
        problems.append(_("Say what is to be done."))
    if due_date is None:
        problems.append(_("Give a due date."))
    if problems:
        raise InvalidInput(_("The action item could not be saved."), reasons=problems)
    with transaction.atomic():
        meeting = _lock_meeting(meeting_id, actor)
        if owner is None or (owner.team_id != meeting.team_id and owner.pk != meeting.team.supervisor_id):
            raise InvalidInput(_("The owner must be someone of the team."))
        order = None
        if order_id:
            order = Order.objects.filter(pk=order_id, merchandiser__team=meeting.team).first()
            if order is None:
                raise InvalidInput(_("The order must be one of the team's."))
        item = ActionItem.objects.create(
            meeting=meeting, title=title.strip()[:300], owner=owner, due_date=due_date, order=order, created_by=actor
        )
        supervision_event(meeting, "action_item_added", actor, item=item.pk, owner=owner.pk)
    return item


ACTION_ITEM_STEPS = ("complete", "drop", "reopen")


def action_item_step(*, item_id, actor, name: str, note: str = "") -> ActionItem:
    """Close an action item (done or dropped) or reopen it: the team's supervisor, or the owner."""
    if name not in ACTION_ITEM_STEPS:
        raise TransitionRefused(_("Unknown action."))
    with transaction.atomic():
        try:
            item = ActionItem.objects.select_for_update(of=("self",)).select_related("meeting__team").get(pk=item_id)
        except ActionItem.DoesNotExist as exc:
            raise InvalidInput(_("This action item no longer exists.")) from exc
        if not (item.owner_id == actor.pk or can_run_meeting(actor, item.meeting)):
            raise NotPermitted(_("Only the owner or the team's supervisor can change this action item."))
        method = getattr(item, name)
        if not can_proceed(method):
            raise TransitionRefused(
                _("The action item is %(state)s, so this is not possible.") % {"state": item.get_status_display()}
            )
        method()
        item.closing_note = note.strip()[:300]
        item.save(update_fields=["status", "closed_at", "closing_note"])
        supervision_event(item.meeting, f"action_item_{name}", actor, item=item.pk, note=note.strip())
    return item
