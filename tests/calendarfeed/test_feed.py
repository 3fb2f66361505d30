"""The personal calendar feed: what it holds, who may read it, and a link that can be renewed or turned off."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.roles import Role
from calendarfeed.models import CalendarFeed
from calendarfeed.selectors import calendar_feed_resolve, calendar_feed_token, feed_items
from calendarfeed.services import calendar_feed_issue, calendar_feed_turn_off
from orders.services import order_hold
from supervision.services.meetings import meeting_create_for_week
from supervision.services.reports import report_draft
from tests.factories import staff, team_with_people
from tests.production.conftest import entered_order

pytestmark = pytest.mark.django_db


def _monday(day):
    return day - timedelta(days=day.weekday())


def _read(client, feed) -> Calendar:
    response = client.get(reverse("calendarfeed:ics", args=[calendar_feed_token(feed)]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_the_feed_holds_the_owners_milestones_ex_factory_meeting_and_report(client):
    team, supervisor, merchandiser = team_with_people()
    order = entered_order(merchandiser)
    week = _monday(timezone.localdate())
    meeting, _ = meeting_create_for_week(team=team, week_start=week)
    report, _ = report_draft(merchandiser=merchandiser, week_start=week)

    items = feed_items(user=merchandiser)
    kinds = {item.kind for item in items}
    assert {"milestone", "ex_factory", "meeting", "report"} <= kinds
    open_milestones = order.production_plan.milestones.filter(actual_date__isnull=True).count()
    assert sum(1 for i in items if i.kind == "milestone") <= open_milestones
    ex_factory = next(i for i in items if i.kind == "ex_factory")
    assert ex_factory.day == order.production_plan.ex_factory_date

    calendar = _read(client, calendar_feed_issue(user=merchandiser))
    events = calendar.walk("VEVENT")
    assert len(events) == len(items)
    uids = {str(e["UID"]) for e in events}
    assert f"ex-factory-{order.pk}@gendan.local" in uids
    assert f"meeting-{meeting.pk}@gendan.local" in uids
    assert f"report-{report.pk}@gendan.local" in uids
    # the supervisor's feed holds the team's meeting, not the merchandiser's orders or report
    assert {i.kind for i in feed_items(user=supervisor)} == {"meeting"}


def test_a_colleagues_orders_and_a_held_order_stay_out():
    _team, _sup, merchandiser = team_with_people()
    other = staff(Role.MERCHANDISER)
    entered_order(other)
    held = entered_order(merchandiser)
    order_hold(order_id=held.pk, actor=merchandiser, reason="customer paused", expected_version=held.version)
    assert feed_items(user=merchandiser) == []


def test_the_feed_is_in_the_persons_language(client):
    _team, _sup, merchandiser = team_with_people()
    order = entered_order(merchandiser)
    merchandiser.preferred_language = "en"
    merchandiser.save()
    summaries = {str(e["SUMMARY"]) for e in _read(client, calendar_feed_issue(user=merchandiser)).walk("VEVENT")}
    assert f"{order.display_number} ex-factory" in summaries
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save()
    summaries = {str(e["SUMMARY"]) for e in _read(client, CalendarFeed.objects.get(user=merchandiser)).walk("VEVENT")}
    assert f"{order.display_number} 出厂" in summaries


def test_renewing_stops_the_old_link_and_turning_off_stops_the_new(client):
    merchandiser = staff(Role.MERCHANDISER)
    old = calendar_feed_token(calendar_feed_issue(user=merchandiser))
    new = calendar_feed_token(calendar_feed_issue(user=merchandiser))
    assert old != new
    assert client.get(reverse("calendarfeed:ics", args=[old])).status_code == 404
    assert client.get(reverse("calendarfeed:ics", args=[new])).status_code == 200
    assert calendar_feed_turn_off(user=merchandiser) is True
    assert client.get(reverse("calendarfeed:ics", args=[new])).status_code == 404
    assert calendar_feed_turn_off(user=merchandiser) is False
    history = CalendarFeed.history.filter(user_id=merchandiser.pk).order_by("history_date")
    assert [h.history_change_reason for h in history] == ["issued", "renewed", "turned off"]


def test_a_tampered_token_is_refused_before_any_query(django_assert_num_queries):
    merchandiser = staff(Role.MERCHANDISER)
    token = calendar_feed_token(calendar_feed_issue(user=merchandiser))
    with django_assert_num_queries(0):
        assert calendar_feed_resolve(token=token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert calendar_feed_resolve(token="no-signature") is None


def test_an_inactive_persons_link_answers_nothing(client):
    merchandiser = staff(Role.MERCHANDISER)
    token = calendar_feed_token(calendar_feed_issue(user=merchandiser))
    merchandiser.is_active = False
    merchandiser.save()
    assert client.get(reverse("calendarfeed:ics", args=[token])).status_code == 404


def test_the_page_issues_renews_and_turns_off_for_the_signed_in_person_only(client):
    merchandiser = staff(Role.MERCHANDISER)
    client.force_login(merchandiser)
    assert b"Create my calendar link" in client.get(reverse("calendarfeed:page"), HTTP_ACCEPT_LANGUAGE="en").content
    client.post(reverse("calendarfeed:issue"))
    feed = CalendarFeed.objects.get(user=merchandiser)
    page = client.get(reverse("calendarfeed:page")).content.decode()
    assert calendar_feed_token(feed) in page
    client.post(reverse("calendarfeed:turn_off"))
    assert not CalendarFeed.objects.filter(user=merchandiser).exists()
    assert client.get(reverse("calendarfeed:issue")).status_code == 405


def test_signed_out_the_page_asks_to_sign_in(client):
    response = client.get(reverse("calendarfeed:page"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
