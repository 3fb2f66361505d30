"""Violations and discipline (违规处理, policy ch.5 art.3): a first or minor violation gets a warning on
file; repeated or serious ones a fine (or, by default, a performance-pay deduction) or a job reassignment.
The ladder proposes, the supervisor gives an opinion, HR finds the violation upheld or not upheld, the
person acknowledges or appeals, HR answers the appeal. Only upheld violations, not overturned, count.
Nothing is deleted."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from core import waiting
from core.errors import InvalidInput, NotPermitted, TransitionRefused
from workcalendar.calendar import WorkCalendar

from ..events import supervision_event
from ..models import (
    MONEY_SANCTIONS,
    AppealAnswer,
    Finding,
    Sanction,
    Violation,
    ViolationSeverity,
    ViolationStatus,
    ViolationType,
)
from ..selectors import leads, supervisor_of, violations_in_window


@dataclass(frozen=True)
class Proposal:
    sanction: str
    amount: Decimal | None
    count: int  # violations in the window, this one included


def sanction_propose(*, severity: str, earlier: int) -> Proposal:
    """The ladder. `earlier` is the person's violations in the SUPERVISION_VIOLATION_WINDOW_DAYS before
    this one. With this one counted:
      - the first, or a minor one below the repeat threshold: a warning on file;
      - minor and repeated (count ≥ SUPERVISION_REPEAT_THRESHOLD), or serious: a fine;
      - serious and repeated, or count ≥ SUPERVISION_REASSIGN_THRESHOLD: a job reassignment.
    The fine proposed is SUPERVISION_FINE_AMOUNT for each violation beyond the first warning. Unless
    SUPERVISION_FINES_ENABLED, a performance-pay deduction of that amount is proposed instead."""
    count = earlier + 1
    repeated = count >= settings.SUPERVISION_REPEAT_THRESHOLD
    serious = severity == ViolationSeverity.SERIOUS
    if count >= settings.SUPERVISION_REASSIGN_THRESHOLD or (serious and repeated):
        return Proposal(Sanction.REASSIGNMENT, None, count)
    if serious or repeated:
        base = Decimal(settings.SUPERVISION_FINE_AMOUNT)
        money = Sanction.FINE if settings.SUPERVISION_FINES_ENABLED else Sanction.DEDUCTION
        return Proposal(money, base * max(1, count - 1), count)
    return Proposal(Sanction.WARNING, None, count)


def violation_record(
    *,
    actor,
    person,
    type: str,  # noqa: A002 - the field's name
    severity: str,
    occurred_at: datetime,
    description: str,
    evidence: str = "",
    order=None,
    finding: Finding | None = None,
) -> Violation:
    """HR, or the person's supervisor, records a violation; the ladder's proposal is stored with it."""
    if not (has_role(actor, Role.HR) or leads(actor, person)):
        raise NotPermitted(_("Violations are recorded by HR or the person's supervisor."))
    problems = []
    if type not in ViolationType.values:
        problems.append(_("Choose a type."))
    if severity not in ViolationSeverity.values:
        problems.append(_("Choose a severity."))
    if occurred_at is None or occurred_at > timezone.now():
        problems.append(_("The violation cannot have happened in the future."))
    if not description.strip():
        problems.append(_("Describe what happened."))
    if finding is not None and finding.merchandiser_id != person.pk:
        problems.append(_("The finding is about someone else."))
    if order is not None and order.merchandiser_id != person.pk:
        problems.append(_("The order is someone else's."))
    if problems:
        raise InvalidInput(_("The violation could not be recorded."), reasons=problems)
    with transaction.atomic():
        earlier = violations_in_window(person=person, at=occurred_at, days=settings.SUPERVISION_VIOLATION_WINDOW_DAYS)
        proposal = sanction_propose(severity=severity, earlier=earlier)
        violation = Violation.objects.create(
            person=person,
            type=type,
            severity=severity,
            occurred_at=occurred_at,
            order=order,
            finding=finding,
            description=description.strip(),
            evidence=evidence.strip(),
            recorded_by=actor,
            prior_count=earlier,
            proposed_sanction=proposal.sanction,
            proposed_amount=proposal.amount,
            supervisor=supervisor_of(person),
        )
        supervision_event(violation, "recorded", actor, proposed=proposal.sanction, earlier=earlier)
    return violation


def _lock(violation_id) -> Violation:
    try:
        return Violation.objects.select_for_update(of=("self",)).select_related("person__team").get(pk=violation_id)
    except Violation.DoesNotExist as exc:
        raise InvalidInput(_("This violation no longer exists.")) from exc


def violation_opinion(*, violation_id, actor, agreed: bool, opinion: str) -> Violation:
    """The person's supervisor agrees with the proposed sanction or not, with reasons."""
    with transaction.atomic():
        violation = _lock(violation_id)
        if not leads(actor, violation.person):
            raise NotPermitted(_("Only the person's supervisor gives this opinion."))
        if violation.status != ViolationStatus.RECORDED:
            raise TransitionRefused(_("HR has decided already."))
        if not agreed and not opinion.strip():
            raise InvalidInput(_("Say why you do not agree."))
        violation.supervisor = actor
        violation.supervisor_agreed = bool(agreed)
        violation.supervisor_opinion = opinion.strip()
        violation.supervisor_opinion_at = timezone.now()
        violation.save(update_fields=["supervisor", "supervisor_agreed", "supervisor_opinion", "supervisor_opinion_at"])
        supervision_event(violation, "supervisor_opinion", actor, agreed=bool(agreed))
    return violation


def sanctions_offered() -> list[str]:
    """The sanctions HR may decide: a fine only where the company allows it."""
    return [s for s in Sanction.values if s != Sanction.FINE or settings.SUPERVISION_FINES_ENABLED]


def appeal_deadline(decided_on: date) -> date:
    """The last day to appeal: SUPERVISION_APPEAL_DAYS working days of the company calendar after the
    decision."""
    return WorkCalendar.load().add(decided_on, settings.SUPERVISION_APPEAL_DAYS)


def violation_decide(
    *, violation_id, actor, upheld: bool = True, sanction: str = "", amount=None, note: str = ""
) -> Violation:
    """HR decides, once the supervisor has given their opinion: the violation is upheld, with a sanction,
    or not upheld, with reasons. A fine or deduction needs an amount; a decision other than the
    proposal, or against the supervisor's opinion, needs reasons."""
    if not has_role(actor, Role.HR):
        raise NotPermitted(_("HR decides on sanctions."))
    if not upheld:
        return _not_upheld(violation_id=violation_id, actor=actor, note=note)
    problems = []
    if sanction not in sanctions_offered():
        problems.append(_("Choose a sanction."))
    fine = None
    if sanction in MONEY_SANCTIONS:
        try:
            fine = Decimal(str(amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            fine = None
        if fine is None or fine <= 0:
            problems.append(_("A fine or deduction needs an amount above zero."))
    if problems:
        raise InvalidInput(_("The decision could not be saved."), reasons=problems)
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        violation = _lock(violation_id)
        if violation.person_id == actor.pk:
            raise NotPermitted(_("No one decides on their own violation."))
        if violation.status != ViolationStatus.RECORDED:
            raise TransitionRefused(_("This violation has been decided already."))
        if violation.supervisor_id and violation.supervisor_agreed is None:
            raise TransitionRefused(_("Wait for the supervisor's opinion before deciding."))
        departs = sanction != violation.proposed_sanction or violation.supervisor_agreed is False
        if departs and not note.strip():
            raise InvalidInput(_("Give the reasons for this decision."))
        violation.decide()
        violation.decided_sanction, violation.fine_amount = sanction, fine
        violation.decided_by, violation.decision_note = actor, note.strip()
        violation.appeal_deadline = appeal_deadline(timezone.localdate(violation.decided_at))
        violation.save(
            update_fields=[
                "status",
                "decided_at",
                "decided_sanction",
                "fine_amount",
                "decided_by",
                "decision_note",
                "appeal_deadline",
            ]
        )
        supervision_event(violation, "decided", actor, sanction=sanction, amount=str(fine) if fine else None)
    return violation


def _not_upheld(*, violation_id, actor, note: str) -> Violation:
    """HR finds the violation not upheld: it stays on file and counts toward nothing."""
    if not note.strip():
        raise InvalidInput(_("Give the reasons why the violation is not upheld."))
    with transaction.atomic():
        violation = _lock(violation_id)
        if violation.person_id == actor.pk:
            raise NotPermitted(_("No one decides on their own violation."))
        if violation.status != ViolationStatus.RECORDED:
            raise TransitionRefused(_("This violation has been decided already."))
        violation.dismiss()
        violation.decided_by, violation.decision_note = actor, note.strip()
        violation.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        supervision_event(violation, "not_upheld", actor, note=note.strip())
    return violation


def can_appeal(violation: Violation, user, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        violation.person_id == user.pk
        and violation.status in (ViolationStatus.DECIDED, ViolationStatus.ACKNOWLEDGED)
        and violation.appeal_deadline is not None
        and today <= violation.appeal_deadline
    )


def violation_appeal(*, violation_id, actor, text: str) -> Violation:
    """The person appeals an upheld decision, with their reasons, by the appeal deadline. The decision
    keeps counting until HR answers."""
    if not text.strip():
        raise InvalidInput(_("Say why you appeal."))
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        violation = _lock(violation_id)
        if violation.person_id != actor.pk:
            raise NotPermitted(_("Only the person concerned appeals."))
        if violation.status not in (ViolationStatus.DECIDED, ViolationStatus.ACKNOWLEDGED):
            raise TransitionRefused(_("There is no decision to appeal."))
        if not can_appeal(violation, actor):
            raise TransitionRefused(_("The time to appeal this decision has passed."))
        violation.appeal()
        violation.appeal_text = text.strip()
        violation.save(update_fields=["status", "appealed_at", "appeal_text"])
        supervision_event(violation, "appealed", actor, note=text.strip())
    return violation


def violation_appeal_answer(*, violation_id, actor, answer: str, comment: str) -> Violation:
    """HR answers the appeal: the decision is upheld, or overturned and stops counting. Either way with
    a comment; not by the person nor by whoever took the decision appealed against."""
    if not has_role(actor, Role.HR):
        raise NotPermitted(_("HR answers appeals."))
    problems = []
    if answer not in AppealAnswer.values:
        problems.append(_("Choose an answer."))
    if not comment.strip():
        problems.append(_("Give a comment on the appeal."))
    if problems:
        raise InvalidInput(_("The answer could not be saved."), reasons=problems)
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        violation = _lock(violation_id)
        if violation.person_id == actor.pk:
            raise NotPermitted(_("No one decides on their own violation."))
        if violation.status != ViolationStatus.APPEALED:
            raise TransitionRefused(_("There is no appeal to answer."))
        if answer == AppealAnswer.OVERTURNED:
            violation.overturn()
        else:
            violation.confirm()
        violation.appeal_answer, violation.appeal_comment = answer, comment.strip()
        violation.appeal_answered_by = actor
        violation.save(
            update_fields=["status", "appeal_answer", "appeal_comment", "appeal_answered_by", "appeal_answered_at"]
        )
        supervision_event(violation, "appeal_answered", actor, note=comment.strip(), answer=answer)
    return violation


def violation_acknowledge(*, violation_id, actor) -> Violation:
    """The person acknowledges the decision on file."""
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        violation = _lock(violation_id)
        if violation.person_id != actor.pk:
            raise NotPermitted(_("Only the person concerned acknowledges."))
        if violation.status != ViolationStatus.DECIDED:
            raise TransitionRefused(_("There is no decision to acknowledge."))
        violation.acknowledge()
        violation.save(update_fields=["status", "acknowledged_at"])
        supervision_event(violation, "acknowledged", actor)
    return violation
