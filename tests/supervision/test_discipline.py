"""Violations: the ladder's proposal from the person's upheld record, the supervisor's opinion, HR's
decision (upheld or not upheld), the person's acknowledgement or appeal and HR's answer; visible to HR,
the supervisor and the person only."""

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
    violation_appeal,
    violation_appeal_answer,
    violation_decide,
    violation_opinion,
    violation_record,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("severity", "earlier", "sanction", "amount"),
    [
        ("minor", 0, Sanction.WARNING, None),  # a first violation: a warning on file
        # the second in twelve months: a performance-pay deduction (a fine only where enabled)
        ("minor", 1, Sanction.DEDUCTION, Decimal("200.00")),
        ("minor", 2, Sanction.DEDUCTION, Decimal("400.00")),  # the deduction grows with repetition
        ("minor", 3, Sanction.REASSIGNMENT, None),  # the fourth: a job reassignment
        ("serious", 0, Sanction.DEDUCTION, Decimal("200.00")),  # a serious one: money at once
        ("serious", 1, Sanction.REASSIGNMENT, None),  # serious and repeated: a job reassignment
    ],
)
def test_ladder(severity, earlier, sanction, amount):
    proposal = sanction_propose(severity=severity, earlier=earlier)
    assert (proposal.sanction, proposal.amount) == (sanction, amount)


def test_ladder_thresholds_are_settings(settings):
    settings.SUPERVISION_REPEAT_THRESHOLD = 3
    assert sanction_propose(severity="minor", earlier=1).sanction == Sanction.WARNING
    assert sanction_propose(severity="minor", earlier=2).sanction == Sanction.DEDUCTION
    settings.SUPERVISION_FINES_ENABLED = True
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


def _uphold(violation, hr):
    if violation.supervisor:
        violation_opinion(violation_id=violation.pk, actor=violation.supervisor, agreed=True, opinion="")
    return violation_decide(violation_id=violation.pk, actor=hr, sanction=violation.proposed_sanction, note="On file.")


def test_the_proposal_counts_the_last_twelve_months_only(hr_user, merchandiser):
    old = _uphold(_record(hr_user, merchandiser, days_ago=400), hr_user)
    assert old.proposed_sanction == Sanction.WARNING
    first = _uphold(_record(hr_user, merchandiser, days_ago=30), hr_user)
    assert (first.prior_count, first.proposed_sanction) == (0, Sanction.WARNING)
    second = _record(hr_user, merchandiser, days_ago=2)
    assert (second.prior_count, second.proposed_sanction) == (1, Sanction.DEDUCTION)


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


def test_a_fine_is_decided_with_its_amount(settings, team_a, hr_user, merchandiser):
    settings.SUPERVISION_FINES_ENABLED = True
    _uphold(_record(hr_user, merchandiser, days_ago=10), hr_user)
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


# --- a decision that is fair: not upheld, appealed, answered (issue 20, rule 7) ------------------------
def test_a_violation_found_not_upheld_no_longer_counts(hr_user, merchandiser):
    """Before: every recorded violation counted toward the ladder, not upheld or not."""
    from supervision.models import Violation

    first = _record(hr_user, merchandiser, days_ago=10)
    assert Violation.objects.upheld().count() == 0  # awaiting HR's decision: counts nothing yet
    assert _record(hr_user, merchandiser, days_ago=5).prior_count == 0
    with pytest.raises(InvalidInput):  # not upheld needs reasons
        violation_decide(violation_id=first.pk, actor=hr_user, upheld=False)
    first = violation_decide(violation_id=first.pk, actor=hr_user, upheld=False, note="The customer had confirmed.")
    assert (first.status, first.counts, first.decided_by) == (ViolationStatus.NOT_UPHELD, False, hr_user)
    assert _record(hr_user, merchandiser, days_ago=1).proposed_sanction == Sanction.WARNING
    with pytest.raises(TransitionRefused):  # decided once
        violation_decide(violation_id=first.pk, actor=hr_user, sanction=Sanction.WARNING)
    with pytest.raises(TransitionRefused):  # nothing to appeal
        violation_appeal(violation_id=first.pk, actor=merchandiser, text="?")


def test_fines_are_offered_only_where_the_company_allows(settings, hr_user, merchandiser):
    violation = _record(hr_user, merchandiser)
    if violation.supervisor:
        violation_opinion(violation_id=violation.pk, actor=violation.supervisor, agreed=True, opinion="")
    with pytest.raises(InvalidInput):
        violation_decide(violation_id=violation.pk, actor=hr_user, sanction=Sanction.FINE, amount="100", note="x")
    with pytest.raises(InvalidInput):  # a deduction needs its amount
        violation_decide(violation_id=violation.pk, actor=hr_user, sanction=Sanction.DEDUCTION, note="x")
    violation = violation_decide(
        violation_id=violation.pk, actor=hr_user, sanction=Sanction.DEDUCTION, amount="80", note="Pay deduction."
    )
    assert (violation.decided_sanction, violation.fine_amount, violation.counts) == (
        Sanction.DEDUCTION,
        Decimal("80.00"),
        True,
    )


def test_the_person_appeals_in_time_and_hr_answers(settings, hr_user, merchandiser, second_merchandiser):
    from supervision.models import AppealAnswer, Violation

    settings.SUPERVISION_APPEAL_DAYS = 3
    violation = _uphold(_record(hr_user, merchandiser), hr_user)
    assert violation.appeal_deadline > timezone.localdate()
    with pytest.raises(InvalidInput):
        violation_appeal(violation_id=violation.pk, actor=merchandiser, text=" ")
    with pytest.raises(NotPermitted):
        violation_appeal(violation_id=violation.pk, actor=second_merchandiser, text="Not me.")
    violation = violation_appeal(violation_id=violation.pk, actor=merchandiser, text="The order was on hold.")
    assert violation.status == ViolationStatus.APPEALED and violation.counts  # counts until answered
    with pytest.raises(TransitionRefused):  # one appeal
        violation_appeal(violation_id=violation.pk, actor=merchandiser, text="Again.")
    with pytest.raises(NotPermitted):
        violation_appeal_answer(violation_id=violation.pk, actor=merchandiser, answer="overturned", comment="x")
    with pytest.raises(InvalidInput):  # a comment is required
        violation_appeal_answer(violation_id=violation.pk, actor=hr_user, answer="overturned", comment="")
    violation = violation_appeal_answer(
        violation_id=violation.pk, actor=hr_user, answer=AppealAnswer.OVERTURNED, comment="It was on hold."
    )
    assert (violation.status, violation.counts, violation.appeal_answered_by) == (
        ViolationStatus.OVERTURNED,
        False,
        hr_user,
    )
    assert not Violation.objects.upheld().filter(pk=violation.pk).exists()


def test_an_appeal_upheld_keeps_counting_and_a_late_appeal_is_refused(settings, hr_user, merchandiser):
    from supervision.models import Violation

    violation = _uphold(_record(hr_user, merchandiser), hr_user)
    violation_appeal(violation_id=violation.pk, actor=merchandiser, text="Too harsh.")
    violation = violation_appeal_answer(violation_id=violation.pk, actor=hr_user, answer="upheld", comment="Stands.")
    assert violation.status == ViolationStatus.CONFIRMED and violation.counts
    late = _uphold(_record(hr_user, merchandiser, days_ago=2), hr_user)
    Violation.objects.filter(pk=late.pk).update(appeal_deadline=timezone.localdate() - timedelta(days=1))
    with pytest.raises(TransitionRefused):
        violation_appeal(violation_id=late.pk, actor=merchandiser, text="Too late?")


def test_the_appeal_deadline_counts_working_days(settings):
    from datetime import date

    from supervision.services.discipline import appeal_deadline

    settings.SUPERVISION_APPEAL_DAYS = 7
    # Decided on Friday 4 December 2026: the weekends do not count.
    assert appeal_deadline(date(2026, 12, 4)) == date(2026, 12, 15)


def test_a_confirmed_reassignment_opens_the_handover_of_the_persons_orders(client, team_a, hr_user, merchandiser):
    from ..factories import make_order

    supervisor = team_a[1]
    make_order(merchandiser=merchandiser)
    violation = _record(supervisor, merchandiser, severity="serious")
    violation_opinion(violation_id=violation.pk, actor=supervisor, agreed=True, opinion="")
    violation_decide(violation_id=violation.pk, actor=hr_user, sanction=Sanction.REASSIGNMENT, note="Moved.")
    client.force_login(supervisor)
    page = client.get(f"/supervision/violations/{violation.pk}/").content.decode()
    link = f"/orders/handover/?from_user={merchandiser.pk}"
    assert link in page
    handover = client.get(link).content.decode()
    assert f'<option value="{merchandiser.pk}" selected>' in handover
    client.force_login(merchandiser)  # the person does not hand over their own orders
    assert link not in client.get(f"/supervision/violations/{violation.pk}/").content.decode()


def test_the_violation_page_offers_the_decision_and_the_appeal(client, team_a, hr_user, merchandiser):
    violation = _record(hr_user, merchandiser)
    client.force_login(hr_user)
    page = client.get(f"/supervision/violations/{violation.pk}/").content.decode()
    assert 'value="deduction"' in page and 'value="fine"' not in page and 'value="no"' in page
    response = client.post(
        f"/supervision/violations/{violation.pk}/decide/", {"upheld": "no", "note": "Not proven."}, follow=True
    )
    assert "Not upheld" in response.content.decode() or "不成立" in response.content.decode()
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.NOT_UPHELD


def test_the_violations_kpi_counts_upheld_violations_only(team_a, hr_user, merchandiser):
    """Before: the KPI counted every violation on file, recorded, undecided or not."""
    from evaluation.kpis import KPI_BY_CODE, Period
    from evaluation.quarters import Quarter

    kpi = KPI_BY_CODE["violations"]
    period = Period.of(Quarter.current())
    waiting, dismissed, upheld = (_record(hr_user, merchandiser, days_ago=0) for _ in range(3))
    violation_decide(violation_id=dismissed.pk, actor=hr_user, upheld=False, note="Not proven.")
    _uphold(upheld, hr_user)
    found = kpi.measure(period, people=[merchandiser.pk], param=kpi.default.param)
    assert found[merchandiser.pk].numerator == 1
    assert [r.label.split(" · ")[0] for r in kpi.drilldown(period, person_id=merchandiser.pk)] == [upheld.reference]
    assert waiting.status == ViolationStatus.RECORDED
