"""Supervision's sources of "Waiting for you": each person sees the step that is theirs, linked to the page
where they take it, and the item leaves once the step is taken."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from supervision import waiting as sources
from supervision.models import Finding, PolicyVersion
from supervision.services.discipline import violation_acknowledge, violation_appeal, violation_appeal_answer
from supervision.services.policy import policy_approve, policy_draft_create, policy_review, policy_submit
from supervision.services.reports import report_draft, report_review, report_save, report_submit
from supervision.services.spotchecks import finding_acknowledge, finding_raise

from ..factories import staff
from .test_discipline import _record, _uphold
from .test_spotchecks import _scored_sample

pytestmark = pytest.mark.django_db


def urls(items) -> list[str]:
    return [item.url for item in items]


def test_a_policy_revision_waits_for_each_step_in_turn(hr_user, supervisor, management_user):
    draft = policy_draft_create(actor=hr_user, version="1.1")
    page = reverse("supervision:policy_version", args=[draft.pk])
    assert urls(sources.policy_steps(hr_user)) == [page]  # HR: send it for review
    assert sources.policy_steps(supervisor) == [] and sources.policy_steps(management_user) == []

    PolicyVersion.objects.filter(pk=draft.pk).update(change_summary="Meetings on Mondays.")
    policy_submit(version_id=draft.pk, actor=hr_user)
    assert urls(sources.policy_steps(supervisor)) == [page]  # the supervisor reviews
    assert sources.policy_steps(management_user) == []

    policy_review(version_id=draft.pk, actor=supervisor)
    assert urls(sources.policy_steps(management_user)) == [page]  # management approves
    assert sources.policy_steps(supervisor) == [] and sources.policy_steps(hr_user) == []
    assert "v1.1" in sources.policy_steps(management_user)[0].text

    policy_approve(version_id=draft.pk, actor=management_user, effective_date=timezone.localdate())
    assert sources.policy_steps(management_user) == []


def test_a_violation_waits_for_its_person_then_its_appeal_for_hr(hr_user, merchandiser):
    violation = _uphold(_record(hr_user, merchandiser), hr_user)
    page = reverse("supervision:violation_detail", args=[violation.pk])
    assert urls(sources.violations_to_acknowledge(merchandiser)) == [page]
    assert sources.violation_appeals(hr_user) == []

    violation_appeal(violation_id=violation.pk, actor=merchandiser, text="The customer had agreed by phone.")
    assert sources.violations_to_acknowledge(merchandiser) == []
    other_hr = staff(Role.HR)
    assert urls(sources.violation_appeals(other_hr)) == [page]
    assert sources.violation_appeals(hr_user) == []  # who decided does not answer the appeal
    violation_appeal_answer(violation_id=violation.pk, actor=other_hr, answer="upheld", comment="On file.")
    assert sources.violation_appeals(hr_user) == []


def test_an_acknowledged_violation_waits_no_more(hr_user, merchandiser):
    violation = _uphold(_record(hr_user, merchandiser), hr_user)
    violation_acknowledge(violation_id=violation.pk, actor=merchandiser)
    assert sources.violations_to_acknowledge(merchandiser) == []


def test_a_finding_waits_for_its_merchandiser_until_closed(qa_user, merchandiser, other_merchandiser):
    _sample, failed = _scored_sample(qa_user, merchandiser)
    finding = finding_raise(
        result_id=failed.pk,
        actor=qa_user,
        severity="major",
        corrective_action="Send the delay notice and file it.",
        due_date=timezone.localdate(),
    )
    Finding.objects.filter(pk=finding.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    found = sources.findings_to_answer(merchandiser)
    assert urls(found) == [reverse("supervision:finding_detail", args=[finding.pk])]
    assert found[0].urgent  # past its due date
    assert sources.findings_to_answer(other_merchandiser) == []
    finding_acknowledge(finding_id=finding.pk, actor=merchandiser)
    assert len(sources.findings_to_answer(merchandiser)) == 1  # acknowledged, still to close


def test_a_submitted_report_waits_for_the_team_supervisor(merchandiser, supervisor):
    report, _ = report_draft(merchandiser=merchandiser, week_start=timezone.localdate())
    report_save(report_id=report.pk, actor=merchandiser, summary="Chased 3 mills", problems="", plans="PP samples")
    assert sources.reports_to_read(supervisor) == []
    report_submit(report_id=report.pk, actor=merchandiser)
    assert urls(sources.reports_to_read(supervisor)) == [reverse("supervision:report_detail", args=[report.pk])]
    report_review(report_id=report.pk, actor=supervisor, comment="Thanks.")
    assert sources.reports_to_read(supervisor) == []
