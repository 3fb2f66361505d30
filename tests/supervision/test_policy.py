"""The policy: v1.0 seeded and in force in both languages; a revision goes HR draft → supervisor
review → management approval, nobody approving their own work; staff acknowledge; HR sees who has not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from core.errors import InvalidInput, NotPermitted, TransitionRefused
from supervision.models import PolicyStatus, PolicyVersion
from supervision.selectors import policy_acknowledgement_status, policy_blocks, policy_in_force
from supervision.services.policy import (
    policy_acknowledge,
    policy_approve,
    policy_draft_create,
    policy_draft_update,
    policy_review,
    policy_send_back,
    policy_submit,
)

from ..factories import staff

pytestmark = pytest.mark.django_db


def test_version_one_is_seeded_published_and_in_force_in_both_languages():
    v1 = policy_in_force()
    assert v1.version == "1.0" and v1.status == PolicyStatus.PUBLISHED
    assert v1.title_zh == "跟单员工作管理制度"
    assert "每周召开一次跟单员会议" in v1.body_zh
    assert "初次给予警告,记录在案" in v1.body_zh
    assert "本制度由人力资源部负责解释" in v1.body_zh
    assert "A revision is reviewed by the department supervisor and approved by senior management." in v1.body_en
    headings = [b["text"] for b in policy_blocks(v1.body_zh) if b["kind"] == "h2"]
    assert headings[0] == "第一章 总则" and headings[-1] == "第六章 附则" and len(headings) == 6


def _draft(hr, version="1.1"):
    draft = policy_draft_create(actor=hr, version=version)
    return policy_draft_update(
        version_id=draft.pk,
        actor=hr,
        title_zh=draft.title_zh,
        title_en=draft.title_en,
        body_zh=draft.body_zh + "\n4.本制度每年复审一次。",
        body_en=draft.body_en + "\n4. The rules are reviewed every year.",
        change_summary="Yearly review added.",
    )


def test_the_revision_flow_in_order(hr_user, supervisor, management_user):
    draft = _draft(hr_user)
    assert draft.based_on == policy_in_force()
    # the steps cannot be skipped
    with pytest.raises(TransitionRefused):
        policy_review(version_id=draft.pk, actor=supervisor)
    with pytest.raises(TransitionRefused):
        policy_approve(version_id=draft.pk, actor=management_user, effective_date=timezone.localdate())
    policy_submit(version_id=draft.pk, actor=hr_user)
    with pytest.raises(TransitionRefused):
        policy_approve(version_id=draft.pk, actor=management_user, effective_date=timezone.localdate())
    policy_review(version_id=draft.pk, actor=supervisor, comment="Fine.")
    published = policy_approve(version_id=draft.pk, actor=management_user, effective_date=timezone.localdate())
    assert published.status == PolicyStatus.PUBLISHED and published.approved_by == management_user
    assert policy_in_force() == published
    # past versions stay readable
    assert PolicyVersion.objects.get(version="1.0").body_zh


def test_each_step_needs_its_role(hr_user, supervisor, management_user, merchandiser):
    with pytest.raises(NotPermitted):
        policy_draft_create(actor=supervisor, version="1.1")
    draft = _draft(hr_user)
    with pytest.raises(NotPermitted):
        policy_submit(version_id=draft.pk, actor=merchandiser)
    policy_submit(version_id=draft.pk, actor=hr_user)
    for wrong in (hr_user, management_user, merchandiser):
        with pytest.raises(NotPermitted):
            policy_review(version_id=draft.pk, actor=wrong)
    policy_review(version_id=draft.pk, actor=supervisor)
    for wrong in (hr_user, supervisor, merchandiser):
        with pytest.raises(NotPermitted):
            policy_approve(version_id=draft.pk, actor=wrong, effective_date=timezone.localdate())


def test_no_one_reviews_or_approves_their_own_draft(supervisor, management_user):
    # a person who is HR and supervisor drafts; they may not review it themselves
    hr_and_supervisor = staff(Role.HR)
    hr_and_supervisor.groups.add(*supervisor.groups.all())
    draft = _draft(hr_and_supervisor)
    policy_submit(version_id=draft.pk, actor=hr_and_supervisor)
    with pytest.raises(NotPermitted):
        policy_review(version_id=draft.pk, actor=hr_and_supervisor)
    # a supervisor who also sits in management reviews; they may not also approve it
    reviewer = staff(Role.SUPERVISOR)
    reviewer.groups.add(*management_user.groups.all())
    policy_review(version_id=draft.pk, actor=reviewer)
    with pytest.raises(NotPermitted):
        policy_approve(version_id=draft.pk, actor=reviewer, effective_date=timezone.localdate())
    # nor may the drafter, even holding the management role
    hr_and_supervisor.groups.add(*management_user.groups.all())
    with pytest.raises(NotPermitted):
        policy_approve(version_id=draft.pk, actor=hr_and_supervisor, effective_date=timezone.localdate())
    policy_approve(version_id=draft.pk, actor=management_user, effective_date=timezone.localdate())


def test_send_back_returns_it_to_hr_and_the_review_starts_over(hr_user, supervisor, management_user):
    draft = _draft(hr_user)
    policy_submit(version_id=draft.pk, actor=hr_user)
    policy_review(version_id=draft.pk, actor=supervisor)
    with pytest.raises(InvalidInput):
        policy_send_back(version_id=draft.pk, actor=management_user, comment=" ")
    draft = policy_send_back(version_id=draft.pk, actor=management_user, comment="Say who reviews it.")
    assert draft.status == PolicyStatus.DRAFT and draft.reviewed_by is None


def test_a_future_effective_date_keeps_the_old_version_in_force(hr_user, supervisor, management_user):
    draft = _draft(hr_user)
    policy_submit(version_id=draft.pk, actor=hr_user)
    policy_review(version_id=draft.pk, actor=supervisor)
    later = timezone.localdate() + timedelta(days=10)
    policy_approve(version_id=draft.pk, actor=management_user, effective_date=later)
    assert policy_in_force().version == "1.0"
    assert policy_in_force(day=later).version == "1.1"
    with pytest.raises(InvalidInput):
        policy_approve(
            version_id=draft.pk, actor=management_user, effective_date=timezone.localdate() - timedelta(days=1)
        )


def test_staff_acknowledge_and_hr_sees_who_has_not(hr_user, merchandiser, supervisor, qa_user):
    v1 = policy_in_force()
    policy_acknowledge(version_id=v1.pk, actor=merchandiser)
    policy_acknowledge(version_id=v1.pk, actor=merchandiser)  # idempotent
    status = policy_acknowledgement_status(version=v1)
    assert [row["person"] for row in status["done"]] == [merchandiser]
    assert {supervisor, qa_user, hr_user} <= set(status["missing"])
    draft = _draft(hr_user)
    with pytest.raises(InvalidInput):
        policy_acknowledge(version_id=draft.pk, actor=merchandiser)


def test_the_policy_page_shows_each_person_the_revisions_waiting_for_their_step(
    client, hr_user, supervisor, management_user, merchandiser
):
    """Nothing told the supervisor or management that a revision waited for them: they had to open every
    version to find it."""
    from django.urls import reverse

    draft = _draft(hr_user)
    page = reverse("supervision:policy_current")
    link = reverse("supervision:policy_version", args=[draft.pk])

    def shown_to(user) -> bool:
        client.force_login(user)
        return link in client.get(page).content.decode()

    assert shown_to(hr_user)  # a draft to send for review
    assert not shown_to(supervisor) and not shown_to(management_user)
    policy_submit(version_id=draft.pk, actor=hr_user)
    assert shown_to(supervisor)
    assert not shown_to(hr_user) and not shown_to(management_user)
    policy_review(version_id=draft.pk, actor=supervisor)
    assert shown_to(management_user)
    assert not shown_to(supervisor) and not shown_to(hr_user) and not shown_to(merchandiser)
    policy_approve(version_id=draft.pk, actor=management_user, effective_date=timezone.localdate())
    assert not shown_to(management_user)
