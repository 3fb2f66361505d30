"""Reminders, the morning digest and escalation (issue #21 item 3), in a real browser on the demo data.
Each journey runs the job through its Celery task function, then the person signs in through the form and
follows what the job sent from the bell."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _calendar_day():
    from django.utils import timezone

    from workcalendar.calendar import WorkCalendar

    calendar = WorkCalendar.load()
    return calendar, calendar.on_or_before(timezone.localdate())


def _open_milestone(username: str):
    """An open milestone of one of the person's orders in production, not on hold."""
    from production.models import PlanMilestone

    milestone = (
        PlanMilestone.objects.filter(
            plan__order__merchandiser__username=username,
            plan__order__status="in_production",
            plan__order__is_on_hold=False,
            actual_date__isnull=True,
        )
        .select_related("plan__order")
        .order_by("-sequence")
        .first()
    )
    assert milestone is not None, f"the demo gives {username} an order in production"
    return milestone


def _revise(milestone, revised_date, username):
    from accounts.models import User
    from production.services import milestone_revise

    milestone_revise(
        order_id=milestone.plan.order_id,
        milestone_id=milestone.pk,
        actor=User.objects.get(username=username),
        revised_date=revised_date,
        reason="The mill is late",
    )


def _notice(username: str, kind: str, reference: str = ""):
    from notifications.models import InboxItem

    items = InboxItem.objects.filter(user__username=username, kind=kind)
    return items.latest("created_at", "id")


def test_a_reminder_reaches_the_inbox_and_leads_to_the_order(open_journey, demo, settings):
    from reminders.tasks import chase

    settings.REMINDERS_MILESTONE_DAYS = 2
    calendar, day = _calendar_day()
    milestone = _open_milestone("merch.li")
    _revise(milestone, calendar.add(day, 2), "merch.li")
    chase()
    notice = _notice("merch.li", "reminder")
    assert milestone.name_zh in notice.title and milestone.plan.order.number in notice.title

    j = open_journey("zh-hans", name="reminder")
    j.start("/").sign_in("merch.li", demo)
    j.click(j.page.locator("header").get_by_role("link", name=re.compile("通知")))
    expect(j.heading()).to_have_text("通知")
    j.click_button(notice.title)
    expect(j.heading()).to_contain_text(milestone.plan.order.number)
    j.see(milestone.name_zh)


def test_a_supervisor_reads_the_morning_digest_from_the_bell_and_follows_an_item(open_journey, demo):
    from notifications.models import InboxItem
    from reminders.models import Digest
    from reminders.tasks import send_digests

    _calendar, day = _calendar_day()
    # The demo made this morning's digests already: sup.sun's is made again here by the job itself.
    Digest.objects.filter(user__username="sup.sun", day=day).delete()
    InboxItem.objects.filter(user__username="sup.sun", kind="digest").delete()
    send_digests(day=day.isoformat())
    digest = Digest.objects.get(user__username="sup.sun", day=day)
    notice = _notice("sup.sun", "digest")
    reports = [g for g in digest.content["waiting"] if g["label"] == "Weekly reports to read"]
    assert reports, "the demo gives sup.sun a weekly report to read"
    report = reports[0]["items"][0]

    j = open_journey("en", name="digest")
    j.start("/").sign_in("sup.sun", demo)
    j.click(j.page.locator("header").get_by_role("link", name=re.compile("Notifications")))
    j.click_button(notice.title)
    expect(j.heading()).to_have_text(f"Your day, {day.isoformat()}")
    waiting = j.page.get_by_role("region", name="Waiting for you")
    expect(waiting.get_by_role("heading", name=re.compile("Weekly reports to read"))).to_be_visible()
    j.click_link(report["text"], within=waiting)
    expect(j.heading()).to_contain_text("Weekly report")
    assert re.search(r"/supervision/reports/\d+/$", j.page.url)


def test_a_supervisor_follows_an_escalated_overdue_milestone(open_journey, demo, settings):
    from reminders.models import Escalation, EscalationStep
    from reminders.tasks import chase

    calendar, day = _calendar_day()
    milestone = _open_milestone("merch.zhang")
    _revise(milestone, calendar.subtract(day, settings.REMINDERS_ESCALATE_SUPERVISOR_DAYS), "merch.zhang")
    chase()
    step = Escalation.objects.get(kind="milestone", subject_id=milestone.pk, step=EscalationStep.SUPERVISOR)
    notice = _notice("sup.sun", "escalation")
    order = milestone.plan.order
    assert order.number in notice.title and "Escalated" in notice.title

    j = open_journey("en", name="escalation")
    j.start("/").sign_in("sup.sun", demo)
    j.click(j.page.locator("header").get_by_role("link", name=re.compile("Notifications")))
    j.click_button(notice.title)
    expect(j.heading()).to_contain_text(order.number)
    j.see(milestone.name_en)

    j.nav("Escalations")
    expect(j.heading()).to_have_text("Escalations")
    row = j.page.get_by_role("row", name=re.compile(re.escape(step.text_en)))
    expect(row.first).to_contain_text("Supervisor told")
    j.click_link(step.text_en, within=row.first)
    expect(j.heading()).to_contain_text(order.number)
