"""Violations: the ladder's proposal from the person's record, the supervisor's opinion, HR's decision,
the person's acknowledgement; visible to HR, the supervisor and the person only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from supervision.models import Sanction, ViolationStatus
from supervision.selectors import violations_visible_to
from supervision.services.discipline import (
    sanction_propose,
    violation_acknowledge,
    violation_decide,
    violation_opinion,
    violation_record,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("severity", "earlier", "sanction", "amount"),
    [
        ("minor", 0, Sanction.WARNING, None),  # a first violation: a warning on file
        ("minor", 1, Sanction.FINE, Decimal("200.00")),  # the second in twelve months: a fine
        ("minor", 2, Sanction.FINE, Decimal("400.00")),  # the fine grows with repetition
        ("minor", 3, Sanction.REASSIGNMENT, None),  # the fourth: a job reassignment
        ("serious", 0, Sanction.FINE, Decimal("200.00")),  # a serious one: a fine at once
        ("serious", 1, Sanction.REASSIGNMENT, None),  # serious and repeated: a job reassignment
    ],
)
def test_ladder(severity, earlier, sanction, amount):
    proposal = sanction_propose(severity=severity, earlier=earlier)
    assert (proposal.sanction, proposal.amount) == (sanction, amount)


def test_ladder_thresholds_are_settings(settings):
    settings.SUPERVISION_REPEAT_THRESHOLD = 3
    assert sanction_propose(severity="minor", earlier=1).sanction == Sanction.WARNING
    assert sanction_propose(severity="minor", earlier=2).sanction == Sanction.FINE


def _record(actor, person, *, days_ago=1, severity="minor"):
    return violation_record(
        actor=actor,
        person=person,
        type="process",
        severity=severity,
        occurred_at=timezone.now() - timedelta(days=days_ago),
        description="Confirmed without the customer's confirmation on file.",
    )


def test_the_proposal_counts_the_last_twelve_months_only(hr_user, merchandiser):
    old = _record(hr_user, merchandiser, days_ago=400)
    assert old.proposed_sanction == Sanction.WARNING
    first = _record(hr_user, merchandiser, days_ago=30)
    assert (first.prior_count, first.proposed_sanction) == (0, Sanction.WARNING)
    second = _record(hr_user, merchandiser, days_ago=2)
    assert (second.prior_count, second.proposed_sanction) == (1, Sanction.FINE)


def test_who_may_record(team_a, team_b, hr_user, qa_user, merchandiser, second_merchandiser):
    assert _record(team_a[1], merchandiser).supervisor == team_a[1]  # the person's supervisor
    for outsider in (team_b[1], qa_user, second_merchandiser):
        with pytest.raises(NotPermitted):
            _record(outsider, merchandiser)


def test_supervisor_opinion_then_hr_decides_then_the_person_acknowledges(team_a, hr_user, merchandiser):
    supervisor = team_a[1]
    violation = _record(supervisor, merchandiser)
    with pytest.raises(TransitionRefused):  # HR waits for the supervisor's opinion
        violation_decide(violation_id=violation.pk, actor=hr_user, sanction=Sanction.WARNING)
    with pytest.raises(NotPermitted):
        violation_opinion(violation_id=violation.pk, actor=hr_user, agreed=True, opinion="")
    violation_opinion(violation_id=violation.pk, actor=supervisor, agreed=True, opinion="Agreed.")
    with pytest.raises(NotPermitted):
        violation_decide(violation_id=violation.pk, actor=supervisor, sanction=Sanction.WARNING)
    with pytest.raises(InvalidInput):  # departing from the proposal needs reasons
        violation_decide(violation_id=violation.pk, actor=hr_user, sanction=Sanction.FINE, amount="100")
    with pytest.raises(InvalidInput):  # a fine needs an amount
        violation_decide(violation_id=violation.pk, actor=hr_user, sanction=Sanction.FINE, note="Repeat case")
    with pytest.raises(TransitionRefused):  # nothing decided yet
        violation_acknowledge(violation_id=violation.pk, actor=merchandiser)
    violation = violation_decide(violation_id=violation.pk, actor=hr_user, sanction=Sanction.WARNING)
    assert (violation.status, violation.decided_sanction, violation.decided_by) == (
        ViolationStatus.DECIDED,
        Sanction.WARNING,
        hr_user,
    )
    assert violation.supervisor_agreed is True
    with pytest.raises(NotPermitted):
        violation_acknowledge(violation_id=violation.pk, actor=supervisor)
    violation = violation_acknowledge(violation_id=violation.pk, actor=merchandiser)
    assert violation.status == ViolationStatus.ACKNOWLEDGED and violation.acknowledged_at is not None


def test_a_fine_is_decided_with_its_amount(team_a, hr_user, merchandiser):
    _record(hr_user, merchandiser, days_ago=10)
    violation = _record(hr_user, merchandiser)
    assert violation.proposed_sanction == Sanction.FINE
    violation_opinion(violation_id=violation.pk, actor=team_a[1], agreed=False, opinion="A warning is enough.")
    with pytest.raises(InvalidInput):  # against the supervisor's opinion: reasons needed
        violation_decide(violation_id=violation.pk, actor=hr_user, sanction=Sanction.FINE, amount="200")
    violation = violation_decide(
        violation_id=violation.pk, actor=hr_user, sanction=Sanction.FINE, amount="150", note="Second this year."
    )
    assert violation.fine_amount == Decimal("150.00")


def test_everything_stays_on_file_visible_to_hr_the_supervisor_and_the_person(
    team_a, team_b, hr_user, qa_user, management_user, merchandiser, second_merchandiser
):
    violation = _record(hr_user, merchandiser)
    for person in (hr_user, team_a[1], merchandiser):
        assert violation in violations_visible_to(person)
    for person in (team_b[1], qa_user, management_user, second_merchandiser):
        assert violation not in violations_visible_to(person)
