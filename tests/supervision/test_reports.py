"""Weekly reports: drafted from the records, edited, submitted (on time or late), flagged missing by the
job, improvement suggestions attached (the after-sales app's), read by the supervisor."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from production.models import CheckIn, CheckInStatus
from supervision.models import ReportStatus, Suggestion, WeeklyReport
from supervision.services.reports import (
    report_add_suggestion,
    report_draft,
    report_link_suggestion,
    report_review,
    report_save,
    report_submit,
    reports_draft_for_week,
    reports_flag_missing,
)
from supervision.tasks import flag_missing_reports
from supervision.weeks import report_due_at, week_start_of

from ..conftest import advance
from ..factories import make_order

pytestmark = pytest.mark.django_db

WEDNESDAY = "2026-11-25 10:00 +08:00"
MONDAY = "2026-11-23"


def test_draft_counts_the_merchandisers_own_records_of_the_week(merchandiser, second_merchandiser):
    with time_machine.travel(WEDNESDAY, tick=False):
        week = week_start_of(timezone.localdate())
        mine = make_order(merchandiser=merchandiser)
        advance(mine, merchandiser, "confirm", "enter")
        theirs = make_order(merchandiser=second_merchandiser)
        advance(theirs, second_merchandiser, "confirm")
        CheckIn.objects.create(order=mine, day=week, merchandiser=merchandiser, status=CheckInStatus.DONE)
        CheckIn.objects.create(
            order=mine, day=week + timedelta(days=1), merchandiser=merchandiser, status=CheckInStatus.MISSED
        )
        report, created = report_draft(merchandiser=merchandiser, week_start=week)

    assert created and report.status == ReportStatus.DRAFT
    assert report.week_start.isoformat() == MONDAY
    assert timezone.localtime(report.due_at).strftime("%a %H:%M") == "Fri 18:00"
    figures = report.figures
    assert figures["new_orders"] == 1
    assert [(e["order"], e["to"]) for e in figures["advanced"]] == [(mine.pk, "confirmed"), (mine.pk, "entered")]
    assert figures["checkins"] == {"total": 2, "done": 1, "missed": 1}
    assert report.summary.startswith("This week: 1 new orders, 2 order steps")


def test_drafting_is_idempotent_and_the_job_drafts_everyones(merchandiser, second_merchandiser, other_merchandiser):
    with time_machine.travel(WEDNESDAY, tick=False):
        assert reports_draft_for_week() == 3
        assert reports_draft_for_week() == 0
        again, created = report_draft(merchandiser=merchandiser, week_start=timezone.localdate())
    assert not created
    assert WeeklyReport.objects.count() == 3


def test_submitted_before_the_due_time_is_on_time_after_it_late(merchandiser, second_merchandiser):
    with time_machine.travel(WEDNESDAY, tick=False):
        on_time, _ = report_draft(merchandiser=merchandiser, week_start=timezone.localdate())
        late, _ = report_draft(merchandiser=second_merchandiser, week_start=timezone.localdate())
        on_time = report_submit(report_id=on_time.pk, actor=merchandiser)
    with time_machine.travel("2026-11-27 18:30 +08:00", tick=False):
        late = report_submit(report_id=late.pk, actor=second_merchandiser)
        assert on_time.submitted_at <= on_time.due_at and not on_time.is_late
        assert late.submitted_at > late.due_at and late.is_late


def test_the_job_flags_reports_missing_once_after_the_due_time(merchandiser, second_merchandiser):
    with time_machine.travel(WEDNESDAY, tick=False):
        submitted, _ = report_draft(merchandiser=merchandiser, week_start=timezone.localdate())
        report_submit(report_id=submitted.pk, actor=merchandiser)
        assert reports_flag_missing() == 0  # nothing is due yet
    with time_machine.travel("2026-11-27 19:05 +08:00", tick=False):
        assert flag_missing_reports.delay().get() == 1
        assert flag_missing_reports.delay().get() == 0
    missing = WeeklyReport.objects.get(merchandiser=second_merchandiser)
    assert missing.missing_flagged_at is not None and missing.submitted_at is None
    assert WeeklyReport.objects.get(merchandiser=merchandiser).missing_flagged_at is None


def test_due_time_is_configurable(settings, merchandiser):
    settings.SUPERVISION_REPORT_DUE_WEEKDAY = 0
    settings.SUPERVISION_REPORT_DUE_TIME = "12:00"
    due = report_due_at(week_start_of(timezone.localdate()))
    assert timezone.localtime(due).strftime("%a %H:%M") == "Mon 12:00"


def test_only_the_author_edits_and_submits_and_only_once(merchandiser, second_merchandiser):
    report, _ = report_draft(merchandiser=merchandiser, week_start=timezone.localdate())
    with pytest.raises(NotPermitted):
        report_save(report_id=report.pk, actor=second_merchandiser, summary="x", problems="", plans="")
    report_save(report_id=report.pk, actor=merchandiser, summary="Chased 3 mills", problems="", plans="PP samples")
    report_submit(report_id=report.pk, actor=merchandiser)
    with pytest.raises(TransitionRefused):
        report_save(report_id=report.pk, actor=merchandiser, summary="changed", problems="", plans="")
    with pytest.raises(TransitionRefused):
        report_submit(report_id=report.pk, actor=merchandiser)


def test_an_empty_report_cannot_be_submitted(merchandiser):
    report, _ = report_draft(merchandiser=merchandiser, week_start=timezone.localdate())
    report_save(report_id=report.pk, actor=merchandiser, summary=" ", problems="", plans="")
    with pytest.raises(InvalidInput):
        report_submit(report_id=report.pk, actor=merchandiser)


def test_improvement_suggestions_are_the_aftersales_apps(merchandiser, second_merchandiser):
    report, _ = report_draft(merchandiser=merchandiser, week_start=timezone.localdate())
    new = report_add_suggestion(
        report_id=report.pk, actor=merchandiser, title="Shared fabric calendar", body="...", topic="process"
    )
    assert isinstance(new, Suggestion) and new.author == merchandiser and new.status == "submitted"
    older = Suggestion.objects.create(title="Older idea", body="...", author=merchandiser)
    report_link_suggestion(report_id=report.pk, actor=merchandiser, suggestion_id=older.pk)
    assert set(report.suggestions.all()) == {new, older}
    someone_elses = Suggestion.objects.create(title="Not mine", body="...", author=second_merchandiser)
    with pytest.raises(InvalidInput):
        report_link_suggestion(report_id=report.pk, actor=merchandiser, suggestion_id=someone_elses.pk)


def test_the_supervisor_reads_a_submitted_report(team_a, team_b, merchandiser):
    report, _ = report_draft(merchandiser=merchandiser, week_start=timezone.localdate())
    with pytest.raises(TransitionRefused):
        report_review(report_id=report.pk, actor=team_a[1], comment="ok")
    report_submit(report_id=report.pk, actor=merchandiser)
    with pytest.raises(NotPermitted):
        report_review(report_id=report.pk, actor=team_b[1], comment="ok")
    report = report_review(report_id=report.pk, actor=team_a[1], comment="Good week.")
    assert report.status == ReportStatus.REVIEWED and report.reviewed_by == team_a[1]


def test_report_page_for_author_supervisor_and_outsider(client, team_a, merchandiser, other_merchandiser):
    report, _ = report_draft(merchandiser=merchandiser, week_start=timezone.localdate())
    client.force_login(merchandiser)
    page = client.get(f"/supervision/reports/{report.pk}/")
    assert page.status_code == 200 and b"Submit to my supervisor" in page.content
    response = client.post(f"/supervision/reports/{report.pk}/step/submit/")
    assert response.status_code == 302
    assert WeeklyReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    client.force_login(team_a[1])
    assert b"Mark as read" in client.get(f"/supervision/reports/{report.pk}/").content
    client.force_login(other_merchandiser)
    assert client.get(f"/supervision/reports/{report.pk}/").status_code == 404
