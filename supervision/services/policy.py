"""The policy document (附则, policy ch.6): HR drafts a revision; a department supervisor who did not
draft it reviews; senior management, neither drafter nor reviewer, approves it, and it is published
with an effective date. Staff acknowledge the version in force. Published versions never change."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.roles import Role, has_role, user_roles
from core import waiting
from core.errors import InvalidInput, NotPermitted, TransitionRefused

from ..events import supervision_event
from ..models import PolicyAcknowledgement, PolicyInterpretation, PolicyStatus, PolicyVersion
from ..selectors import policy_blocks, policy_in_force


def _lock(version_id) -> PolicyVersion:
    try:
        return PolicyVersion.objects.select_for_update().get(pk=version_id)
    except PolicyVersion.DoesNotExist as exc:
        raise InvalidInput(_("This policy version no longer exists.")) from exc


def _refuse_unless(method, version: PolicyVersion) -> None:
    if not can_proceed(method):
        raise TransitionRefused(
            _("Version %(version)s is “%(state)s”, so this step is not possible.")
            % {"version": version.version, "state": version.get_status_display()}
        )


def policy_draft_create(*, actor, version: str, based_on: PolicyVersion | None = None) -> PolicyVersion:
    """HR starts a revision, as a copy of the version in force (or of `based_on`)."""
    if not has_role(actor, Role.HR):
        raise NotPermitted(_("HR drafts revisions of the policy."))
    version = version.strip()
    if not version:
        raise InvalidInput(_("Give the new version a number, e.g. 1.1."))
    base = based_on or policy_in_force()
    if base is None:
        raise InvalidInput(_("There is no published version to revise."))
    try:
        with transaction.atomic():
            waiting.changed()  # "Waiting for you" counts (core/waiting.py)
            draft = PolicyVersion.objects.create(
                version=version[:20],
                title_zh=base.title_zh,
                title_en=base.title_en,
                body_zh=base.body_zh,
                body_en=base.body_en,
                based_on=base,
                drafted_by=actor,
            )
            supervision_event(draft, "drafted", actor, based_on=base.version)
    except IntegrityError as exc:
        raise InvalidInput(_("Version %(version)s exists already.") % {"version": version}) from exc
    return draft


def policy_draft_update(
    *, version_id, actor, title_zh: str, title_en: str, body_zh: str, body_en: str, change_summary: str
) -> PolicyVersion:
    if not has_role(actor, Role.HR):
        raise NotPermitted(_("HR drafts revisions of the policy."))
    if not all(v.strip() for v in (title_zh, title_en, body_zh, body_en)):
        raise InvalidInput(_("The policy needs its title and text in both languages."))
    with transaction.atomic():
        draft = _lock(version_id)
        if draft.status != PolicyStatus.DRAFT:
            raise TransitionRefused(_("Only a draft can be edited."))
        draft.title_zh, draft.title_en = title_zh.strip(), title_en.strip()
        draft.body_zh, draft.body_en = body_zh.strip(), body_en.strip()
        draft.change_summary = change_summary.strip()
        draft.save(update_fields=["title_zh", "title_en", "body_zh", "body_en", "change_summary"])
        supervision_event(draft, "edited", actor)
    return draft


def policy_submit(*, version_id, actor) -> PolicyVersion:
    """HR sends the draft to a department supervisor for review."""
    if not has_role(actor, Role.HR):
        raise NotPermitted(_("HR submits revisions of the policy."))
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        draft = _lock(version_id)
        _refuse_unless(draft.submit, draft)
        if not draft.change_summary.strip():
            raise InvalidInput(_("Say what changed before you submit the revision."))
        draft.submit()
        draft.save(update_fields=["status", "submitted_at"])
        supervision_event(draft, "submitted", actor)
    return draft


def policy_review(*, version_id, actor, comment: str = "") -> PolicyVersion:
    """A department supervisor reviewed the revision and sends it on to management. The drafter may
    not review their own draft."""
    if not has_role(actor, Role.SUPERVISOR):
        raise NotPermitted(_("A department supervisor reviews policy revisions."))
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        draft = _lock(version_id)
        _refuse_unless(draft.review, draft)
        if draft.drafted_by_id == actor.pk:
            raise NotPermitted(_("You drafted this revision, so someone else must review it."))
        draft.review()
        draft.reviewed_by = actor
        draft.save(update_fields=["status", "reviewed_at", "reviewed_by"])
        supervision_event(draft, "reviewed", actor, note=comment.strip())
    return draft


def policy_send_back(*, version_id, actor, comment: str) -> PolicyVersion:
    """The reviewer (supervisor) or the approver (management) returns the revision to HR, with reasons."""
    if not comment.strip():
        raise InvalidInput(_("Say what must change."))
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        draft = _lock(version_id)
        _refuse_unless(draft.send_back, draft)
        step_role = Role.SUPERVISOR if draft.status == PolicyStatus.IN_REVIEW else Role.MANAGEMENT
        if not has_role(actor, step_role):
            raise NotPermitted(_("Only the person at this step can send the revision back."))
        if draft.drafted_by_id == actor.pk:
            raise NotPermitted(_("You drafted this revision, so someone else must review it."))
        draft.send_back()
        draft.save(update_fields=["status", "submitted_at", "reviewed_at", "reviewed_by"])
        supervision_event(draft, "sent_back", actor, note=comment.strip())
    return draft


def policy_approve(*, version_id, actor, effective_date: date) -> PolicyVersion:
    """Senior management approves the reviewed revision; it is published at once and is in force from
    `effective_date` (today or later). No one approves a revision they drafted or reviewed."""
    if not has_role(actor, Role.MANAGEMENT):
        raise NotPermitted(_("Senior management approves policy revisions."))
    if effective_date is None or effective_date < timezone.localdate():
        raise InvalidInput(_("The effective date cannot be in the past."))
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        draft = _lock(version_id)
        _refuse_unless(draft.approve, draft)
        if actor.pk in (draft.drafted_by_id, draft.reviewed_by_id):
            raise NotPermitted(_("No one approves a revision they drafted or reviewed."))
        draft.approve()
        draft.approved_by, draft.effective_date = actor, effective_date
        draft.save(update_fields=["status", "approved_at", "published_at", "approved_by", "effective_date"])
        supervision_event(draft, "approved", actor, effective_date=effective_date.isoformat())
    return draft


def policy_acknowledge(*, version_id, actor) -> PolicyAcknowledgement:
    """A staff member acknowledges a published version. Idempotent."""
    if not user_roles(actor):
        raise NotPermitted(_("Only staff acknowledge the policy."))
    version = PolicyVersion.objects.filter(pk=version_id, status=PolicyStatus.PUBLISHED).first()
    if version is None:
        raise InvalidInput(_("Only a published version can be acknowledged."))
    existing = PolicyAcknowledgement.objects.filter(version=version, person=actor).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            ack = PolicyAcknowledgement.objects.create(version=version, person=actor)
            supervision_event(version, "acknowledged", actor)
    except IntegrityError:
        return PolicyAcknowledgement.objects.get(version=version, person=actor)
    return ack


def policy_interpret(*, actor, version_id, article: str, body: str) -> PolicyInterpretation:
    """HR's interpretation of one article of a published version (附则 1: HR interprets these rules),
    recorded against the article and the version and shown beside the article to everyone who reads it."""
    if not has_role(actor, Role.HR):
        raise NotPermitted(_("HR interprets the policy."))
    article, body = (article or "").strip(), (body or "").strip()
    if not body:
        raise InvalidInput(_("Write the interpretation first."))
    with transaction.atomic():
        version = _lock(version_id)
        if version.status != PolicyStatus.PUBLISHED:
            raise TransitionRefused(_("Only a published version of the policy is interpreted."))
        refs = {b["ref"] for text in (version.body_zh, version.body_en) for b in policy_blocks(text) if b["ref"]}
        if article not in refs:
            raise InvalidInput(
                _("Version %(version)s has no article %(article)s.") % {"version": version.version, "article": article}
            )
        interpretation = PolicyInterpretation.objects.create(
            version=version, article=article, body=body, written_by=actor
        )
        supervision_event(version, "interpreted", actor, article=article, interpretation=interpretation.pk)
    return interpretation
