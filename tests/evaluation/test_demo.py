"""The demo's evaluation: a newcomer exploring the product finds the last quarter scored on real numbers and
finalised, a bonus for the best total, a warning citing a violation, an appeal waiting for HR, and one
scorecard that reads "not enough data" (a merchandiser who joined two weeks before the quarter ended)."""

import pytest

from demo.loader import demo_load
from evaluation.codes import AppealStatus, OutcomeKind, QuarterStatus
from evaluation.models import EvaluationQuarter
from evaluation.quarters import Quarter

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_finalised_last_quarter_with_enough_data_and_one_newcomer_without():
    demo_load()
    demo_load()  # idempotent: a second load changes nothing below

    last = Quarter.current().previous()
    evaluation = EvaluationQuarter.objects.get(year=last.year, quarter=last.q)
    assert evaluation.status == QuarterStatus.FINALISED
    cards = {card.merchandiser.username: card for card in evaluation.scorecards.select_related("merchandiser")}
    regulars = ["merch.li", "merch.wang", "merch.zhang", "merch.chen"]
    assert set(cards) == {*regulars, "merch.liu"}
    for username in regulars:
        assert cards[username].has_score and cards[username].coverage >= 60, username
    assert len({cards[u].total for u in regulars}) == 4  # a real spread, not everyone on 100

    newcomer = cards["merch.liu"]
    assert (newcomer.total, newcomer.coverage) == (None, 10)
    assert not newcomer.merchandiser.is_active  # she left since: the current quarter does not score her
    assert not newcomer.outcomes.exists()

    best = max((cards[u] for u in regulars), key=lambda card: card.total)
    assert best.outcomes.get().kind == OutcomeKind.BONUS
    assert cards["merch.wang"].outcomes.get(kind=OutcomeKind.WARNING).violations.exists()
    assert cards["merch.zhang"].appeals.get().status == AppealStatus.OPEN

    # The supervisor's assessment of team A, scored with its weight, and its evidence on the scorecard.
    from evaluation.selectors import scorecard_assessment

    for username in ("merch.li", "merch.wang"):
        line = cards[username].lines.get(kpi="supervisor_rating")
        assert line.applicable and line.weight > 0, username
        assessment = scorecard_assessment(cards[username])
        assert assessment.rating.rated_by.username == "sup.zhao" and assessment.reviews, username
    assert not cards["merch.zhang"].lines.get(kpi="supervisor_rating").applicable  # team B: not rated

    # HR's interpretation of the policy (supervision's demo, loaded by the same demo_load): 5.1.2, once.
    from supervision.models import PolicyInterpretation

    assert list(PolicyInterpretation.objects.values_list("article", "written_by__username")) == [("5.1.2", "hr.wu")]
