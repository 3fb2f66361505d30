"""Broken rule 8: a problem written in a check-in reaches people: the supervisor's production board, the
weekly meeting's agenda ("Problems this week") and the merchandiser's weekly report draft. The agenda also
lists orders leaving the factory in the next 14 days, overdue QA findings and last week's missing reports."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderState
from production.models import CheckIn, CheckInStatus, ProductionPlan
from supervision.models import WeeklyReport
from supervision.selectors import agenda_compile
from supervision.services.reports import report_draft, report_refresh_figures
from supervision.weeks import report_due_at, this_week, week_start_of

from ..factories import make_order

pytestmark = pytest.mark.django_db

PROBLEM = "Fabric dye lot is off shade; factory waiting for approval from the customer"
WEDNESDAY = "2026-11-25 10:00 +08:00"


def _person(agenda, person):
    return next(p for p in agenda["people"] if p["person_id"] == person.pk)


def checkin_with_problem(order, merchandiser, day, problem=PROBLEM):
    return CheckIn.objects.create(
        order=order,
        day=day,
        merchandiser=merchandiser,
        status=CheckInStatus.DONE,
        contact_name="Mr Wang",
        contact_method="phone",
        problems=problem,
        next_steps="Send lab dip to the customer",
    )


def test_the_board_shows_the_problem_to_the_supervisor_only_for_orders_they_see(
    client, merchandiser, supervisor, other_merchandiser
):
    mine = make_order(merchandiser=merchandiser)
    theirs = make_order(merchandiser=other_merchandiser)
    today = timezone.localdate()
    checkin_with_problem(mine, merchandiser, today - timedelta(days=1))
    checkin_with_problem(theirs, other_merchandiser, today, problem="Another team's secret problem")
    checkin_with_problem(mine, merchandiser, today - timedelta(days=20), problem="An old, solved problem")
    client.force_login(supervisor)
    page = client.get(reverse("production:board")).content.decode()
    assert PROBLEM in page and "Send lab dip to the customer" in page
    assert "secret problem" not in page
    assert "An old, solved problem" not in page


def test_the_agenda_lists_problems_exits_overdue_findings_and_missing_reports(team_a, merchandiser):
    week = this_week()
    last_week = week - timedelta(days=7)
    order = make_order(merchandiser=merchandiser)
    checkin_with_problem(order, merchandiser, last_week + timedelta(days=2))
    checkin_with_problem(order, merchandiser, last_week - timedelta(days=3), problem="Two weeks ago")
    leaving = make_order(merchandiser=merchandiser)
    later = make_order(merchandiser=merchandiser)
    Order.objects.filter(pk__in=[leaving.pk, later.pk]).update(status=OrderState.IN_PRODUCTION)
    ProductionPlan.objects.create(order=leaving, ex_factory_date=week + timedelta(days=5), transit_days=7)
    ProductionPlan.objects.create(order=later, ex_factory_date=week + timedelta(days=30), transit_days=7)
    report = WeeklyReport.objects.create(
        merchandiser=merchandiser, week_start=last_week, due_at=report_due_at(last_week)
    )
    WeeklyReport.objects.filter(pk=report.pk).update(missing_flagged_at=timezone.now())
    finding = _overdue_finding(merchandiser, due=week - timedelta(days=1))

    agenda = agenda_compile(team=team_a[0], week_start=week)

    mine = _person(agenda, merchandiser)
    assert [(e["order"], e["problem"]) for e in mine["problems"]] == [(order.pk, PROBLEM)]
    assert [e["order"] for e in mine["leaving_factory"]] == [leaving.pk]
    assert [e["finding"] for e in mine["overdue_findings"]] == [finding.pk]
    assert [e["report"] for e in mine["missing_reports"]] == [report.pk]


def test_the_meeting_page_shows_problems_this_week(client, team_a, merchandiser, supervisor):
    from supervision.services.meetings import meeting_create_for_week

    week = this_week()
    order = make_order(merchandiser=merchandiser)
    checkin_with_problem(order, merchandiser, week - timedelta(days=5))
    meeting, _created = meeting_create_for_week(team=team_a[0], week_start=week)
    client.force_login(supervisor)
    page = client.get(reverse("supervision:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Problems this week" in page and PROBLEM in page
    assert "Leaving the factory in the next 14 days" in page


def test_the_weekly_report_draft_carries_the_weeks_problems(merchandiser):
    with time_machine.travel(WEDNESDAY, tick=False):
        week = week_start_of(timezone.localdate())
        order = make_order(merchandiser=merchandiser)
        checkin_with_problem(order, merchandiser, week + timedelta(days=1))
        report, _created = report_draft(merchandiser=merchandiser, week_start=week)
    assert [e["problem"] for e in report.figures["problems"]] == [PROBLEM]
    assert PROBLEM in report.problems


def test_refreshing_the_figures_fills_the_problems_only_if_empty(merchandiser):
    with time_machine.travel(WEDNESDAY, tick=False):
        week = week_start_of(timezone.localdate())
        report, _created = report_draft(merchandiser=merchandiser, week_start=week)
        assert report.problems == ""
        order = make_order(merchandiser=merchandiser)
        checkin_with_problem(order, merchandiser, week + timedelta(days=1))
        report = report_refresh_figures(report_id=report.pk, actor=merchandiser)
        assert PROBLEM in report.problems
        WeeklyReport.objects.filter(pk=report.pk).update(problems="My own words")
        report = report_refresh_figures(report_id=report.pk, actor=merchandiser)
    assert report.problems == "My own words"


def _overdue_finding(merchandiser, *, due):
    from accounts.roles import Role
    from supervision.models import Finding
    from supervision.services.spotchecks import finding_raise

    from ..factories import staff
    from .test_spotchecks import _scored_sample

    qa = staff(Role.QA)
    _sample, failed = _scored_sample(qa, merchandiser)
    finding = finding_raise(
        result_id=failed.pk,
        actor=qa,
        severity="major",
        corrective_action="File the notice.",
        due_date=timezone.localdate() + timedelta(days=1),
    )
    Finding.objects.filter(pk=finding.pk).update(due_date=due)
    return finding
