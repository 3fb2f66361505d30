"""Issue 21 item 3: the morning digest, reminders before a deadline, approvals waiting too long, and the
escalation chain. Each job is run twice: the second run changes nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from notifications.models import InboxItem
from orders.models import OrderEvent
from production.models import PlanMilestone
from reminders.models import Digest, Escalation, EscalationStep
from reminders.services import approvals_chase, digest_counts, digests_send, escalations_run, reminders_send
from supervision.models import ReportStatus, WeeklyReport
from workcalendar.calendar import WorkCalendar

from ..factories import staff
from ..production.conftest import in_production_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar():
    return WorkCalendar.load()


@pytest.fixture
def workday(calendar):
    return calendar.on_or_after(timezone.localdate())


def _milestone(order, due):
    milestone = PlanMilestone.objects.filter(plan__order=order, actual_date__isnull=True).order_by("sequence").first()
    PlanMilestone.objects.filter(plan__order=order).exclude(pk=milestone.pk).update(actual_date=due)
    PlanMilestone.objects.filter(pk=milestone.pk).update(revised_date=due, revision_reason="test")
    milestone.refresh_from_db()
    return milestone


def _ex_factory_later(order, day):
    order.production_plan.__class__.objects.filter(order=order).update(ex_factory_date=day + timedelta(days=60))


def test_the_digest_lists_overdue_and_due_today_once_per_person_and_day(
    merchandiser, other_merchandiser, workday, calendar
):
    late = in_production_order(merchandiser)
    today = in_production_order(merchandiser)
    for order in (late, today):
        _ex_factory_later(order, workday)
    overdue = _milestone(late, calendar.subtract(workday, 3))
    due = _milestone(today, workday)

    made = digests_send(day=workday, calendar=calendar)

    digest = Digest.objects.get(user=merchandiser, day=workday)
    sections = {s["key"]: s for s in digest.content["sections"]}
    assert sections["overdue"]["count"] == 1 and overdue.name_en in sections["overdue"]["items"][0]["text"]
    assert sections["today"]["count"] == 1 and due.name_en in sections["today"]["items"][0]["text"]
    notice = InboxItem.objects.get(user=merchandiser, kind="digest")
    assert notice.link == reverse("reminders:digest_day", args=[workday.isoformat()])
    assert "1 overdue, 1 due today" in notice.title or "1 项逾期" in notice.title
    assert made >= 1
    # Nobody gets an empty digest, and a second run makes nothing.
    assert all(any(digest_counts(d.content).values()) for d in Digest.objects.all())
    assert digests_send(day=workday, calendar=calendar) == 0
    assert InboxItem.objects.filter(user=merchandiser, kind="digest").count() == 1


def test_no_digest_on_a_day_off(merchandiser, calendar, workday):
    day = workday + timedelta(days=1)
    while calendar.is_working_day(day):
        day += timedelta(days=1)
    assert digests_send(day=day, calendar=calendar) == 0
    assert not Digest.objects.exists()


def test_the_digest_page_is_the_persons_own(merchandiser, other_merchandiser, workday, calendar):
    order = in_production_order(merchandiser)
    _ex_factory_later(order, workday)
    milestone = _milestone(order, workday)
    digests_send(day=workday, calendar=calendar)
    url = reverse("reminders:digest_day", args=[workday.isoformat()])

    client = Client()
    client.force_login(merchandiser)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert milestone.name_en in page.content.decode() or milestone.name_zh in page.content.decode()
    other = Client()
    other.force_login(other_merchandiser)
    assert other.get(url).status_code == 404
    assert client.get(reverse("reminders:digest_day", args=["not-a-day"])).status_code == 404


def test_a_reminder_goes_n_working_days_before_and_once(merchandiser, workday, calendar, settings):
    settings.REMINDERS_MILESTONE_DAYS = 2
    order = in_production_order(merchandiser)
    _ex_factory_later(order, workday)
    milestone = _milestone(order, calendar.add(workday, 2))

    assert reminders_send(today=workday, calendar=calendar) == 1
    notice = InboxItem.objects.get(user=merchandiser, kind="reminder")
    assert order.number in notice.title
    assert reminders_send(today=workday, calendar=calendar) == 0
    # A date moved later is a new deadline: reminded again when it comes near.
    PlanMilestone.objects.filter(pk=milestone.pk).update(revised_date=calendar.add(workday, 1))
    assert reminders_send(today=workday, calendar=calendar) == 1


def test_a_held_order_is_not_reminded_nor_escalated(merchandiser, workday, calendar):
    order = in_production_order(merchandiser)
    _ex_factory_later(order, workday)
    _milestone(order, calendar.subtract(workday, 10))
    order.__class__.objects.filter(pk=order.pk).update(is_on_hold=True)
    assert escalations_run(today=workday, calendar=calendar) == 0
    digests_send(day=workday, calendar=calendar)
    assert not Escalation.objects.exists()
    digest = Digest.objects.filter(user=merchandiser).first()
    assert digest is None or not digest.content["sections"]


def test_the_escalation_chain_owner_supervisor_management_each_once(
    merchandiser, supervisor, workday, calendar, settings
):
    settings.REMINDERS_ESCALATE_SUPERVISOR_DAYS = 2
    settings.REMINDERS_ESCALATE_MANAGEMENT_DAYS = 5
    boss = staff(Role.MANAGEMENT)
    order = in_production_order(merchandiser)
    _ex_factory_later(order, workday)
    milestone = _milestone(order, calendar.subtract(workday, 1))

    assert escalations_run(today=workday, calendar=calendar) == 1
    assert list(Escalation.objects.values_list("step", flat=True)) == [EscalationStep.OWNER]
    assert InboxItem.objects.filter(user=merchandiser, kind="escalation").count() == 1

    # Three working days late: the supervisor; six: management. Each step once, however often it runs.
    PlanMilestone.objects.filter(pk=milestone.pk).update(revised_date=calendar.subtract(workday, 6))
    assert escalations_run(today=workday, calendar=calendar) == 2
    assert escalations_run(today=workday, calendar=calendar) == 0
    assert sorted(Escalation.objects.values_list("step", flat=True)) == [1, 2, 3]
    assert InboxItem.objects.filter(user=supervisor, kind="escalation").count() == 1
    assert InboxItem.objects.filter(user=boss, kind="escalation").count() == 1
    assert InboxItem.objects.filter(user=merchandiser, kind="escalation").count() == 1
    events = OrderEvent.objects.filter(order=order, payload__stage="reminders", payload__action="escalated")
    assert events.count() == 3

    # The supervisor sees them on the escalations page; a merchandiser may not open it.
    client = Client()
    client.force_login(supervisor)
    page = client.get(reverse("reminders:escalations"))
    assert page.status_code == 200 and order.number in page.content.decode()
    client.force_login(merchandiser)
    assert client.get(reverse("reminders:escalations")).status_code == 403


def test_a_closed_or_cancelled_order_stops_the_chain(merchandiser, workday, calendar):
    order = in_production_order(merchandiser)
    _ex_factory_later(order, workday)
    _milestone(order, calendar.subtract(workday, 10))
    order.__class__.objects.filter(pk=order.pk).update(status="cancelled")
    assert escalations_run(today=workday, calendar=calendar) == 0


def test_a_report_waiting_to_be_read_is_chased_once(merchandiser, supervisor, settings):
    settings.REMINDERS_APPROVAL_HOURS = 8
    now = timezone.now()
    WeeklyReport.objects.create(
        merchandiser=merchandiser,
        week_start=timezone.localdate() - timedelta(days=14),
        due_at=now - timedelta(days=10),
        submitted_at=now - timedelta(days=9),
        status=ReportStatus.SUBMITTED,
    )
    assert approvals_chase(now=now) == 1
    assert approvals_chase(now=now) == 0
    notice = InboxItem.objects.get(user=supervisor, kind="approval_waiting")
    assert str(merchandiser) in notice.title


def test_waiting_for_many_reads_the_same_as_waiting_for_each(merchandiser, supervisor, other_merchandiser, workday):
    from django.utils import translation

    from accounts.roles import user_roles
    from core.waiting import waiting_for, waiting_for_many
    from production.services import checkins_create_for_day

    for _ in range(2):
        in_production_order(merchandiser)
    in_production_order(other_merchandiser)
    checkins_create_for_day(day=timezone.localdate())
    people = [merchandiser, supervisor, other_merchandiser]
    with translation.override("en"):
        many = waiting_for_many((p, user_roles(p)) for p in people)
        for person in people:
            each = waiting_for(person, user_roles(person))
            assert [(w.source.key, w.items) for w in many[person.pk]] == [(w.source.key, w.items) for w in each]
    if WorkCalendar.load().is_working_day(timezone.localdate()):
        assert any(w.source.key == "my-checkins" for w in many[merchandiser.pk])
        assert any(w.source.key == "team-checkins" for w in many[supervisor.pk])  # read by its batch reader


# --- the digest's notices, written a chunk at a time (notifications.services.notify_many) -----------------
def _something_overdue(person, workday, calendar):
    order = in_production_order(person)
    _ex_factory_later(order, workday)
    _milestone(order, calendar.subtract(workday, 2))


def test_the_digest_respects_each_persons_channels_and_moves_their_bell(
    merchandiser, other_merchandiser, team_a, supervisor, workday, calendar
):
    from notifications.models import Notification
    from notifications.selectors import inbox_unread_count
    from notifications.services import inbox_preferences_save, team_robot_save

    team_robot_save(
        team_id=team_a[0].pk, channel="wecom", webhook_url="http://127.0.0.1:9/x?key=K", secret="", actor=supervisor
    )
    inbox_preferences_save(user=merchandiser, choices={"digest": {"wecom"}})
    inbox_preferences_save(user=other_merchandiser, choices={"digest": {"email"}})
    for person in (merchandiser, other_merchandiser):
        _something_overdue(person, workday, calendar)
        assert inbox_unread_count(user=person) == 0  # kept in the cache now

    digests_send(day=workday, calendar=calendar)

    assert inbox_unread_count(user=merchandiser) == 1 and inbox_unread_count(user=other_merchandiser) == 1
    wecom = Notification.objects.get(kind="digest", channel="wecom")
    email = Notification.objects.get(kind="digest", channel="email")
    assert wecom.robot.team_id == team_a[0].pk and str(merchandiser) in wecom.body_text
    assert (
        email.to_email == other_merchandiser.email and email.dedupe_key == f"digest:{other_merchandiser.pk}:{workday}"
    )
    digests_send(day=workday, calendar=calendar)
    assert Notification.objects.filter(kind="digest").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_digest_jobs_at_once_give_each_person_one_digest_and_one_notice():
    import threading

    from django.db import close_old_connections, connection

    from ..factories import team_with_people

    people = [team_with_people(name_en=f"Race {n}", name_zh=f"竞争{n}")[2] for n in range(3)]
    calendar = WorkCalendar.load()
    workday = calendar.on_or_after(timezone.localdate())
    for person in people:
        _something_overdue(person, workday, calendar)
    barrier = threading.Barrier(2)
    made = []

    def job():
        try:
            barrier.wait(timeout=10)
            made.append(digests_send(day=workday, calendar=calendar))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(made) == 2 and sum(made) == Digest.objects.filter(day=workday).count()
    for person in people:
        assert Digest.objects.filter(user=person, day=workday).count() == 1
        assert InboxItem.objects.filter(user=person, kind="digest").count() == 1
