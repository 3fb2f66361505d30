"""Supervisors' review of work records: the queue (riskiest and newest first), reviews with a rating
and a comment, the coverage per merchandiser."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import InvalidInput, NotPermitted
from orders.services import order_set_flags
from supervision.selectors import review_coverage, review_queue
from supervision.services.reviews import record_review_create

from ..factories import make_order

pytestmark = pytest.mark.django_db


def test_queue_riskiest_then_newest_and_reviewed_orders_leave_it(
    team_a, merchandiser, second_merchandiser, other_merchandiser
):
    supervisor = team_a[1]
    old = make_order(merchandiser=merchandiser)
    type(old).objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=3))
    new = make_order(merchandiser=second_merchandiser)
    risky = make_order(merchandiser=merchandiser)
    type(risky).objects.filter(pk=risky.pk).update(received_at=timezone.now() - timedelta(days=5))
    order_set_flags(order_id=risky.pk, is_at_risk=True)
    make_order(merchandiser=other_merchandiser)  # another team's
    today = timezone.localdate()
    start = today - timedelta(days=30)

    assert [o.pk for o in review_queue(user=supervisor, start=start, end=today)] == [risky.pk, new.pk, old.pk]

    review = record_review_create(order_id=risky.pk, actor=supervisor, rating=4, comment="Good follow-up.")
    assert review.merchandiser == merchandiser and review.reviewer == supervisor
    assert risky.pk not in [o.pk for o in review_queue(user=supervisor, start=start, end=today)]
    assert risky.events.filter(type="stage", payload__action="record_reviewed").exists()
    coverage = {
        row["person"]: row
        for row in review_coverage(merchandisers=[merchandiser, second_merchandiser], start=start, end=today)
    }
    assert (
        coverage[merchandiser]["reviewed"],
        coverage[merchandiser]["active"],
        coverage[merchandiser]["percent"],
    ) == (1, 2, 50)
    assert coverage[second_merchandiser]["percent"] == 0


def test_rating_and_comment_are_required_and_only_the_supervisor_reviews(team_a, team_b, merchandiser, hr_user):
    order = make_order(merchandiser=merchandiser)
    for rating, comment in ((0, "x"), (6, "x"), (3, " ")):
        with pytest.raises(InvalidInput):
            record_review_create(order_id=order.pk, actor=team_a[1], rating=rating, comment=comment)
    for outsider in (team_b[1], merchandiser, hr_user):
        with pytest.raises(NotPermitted):
            record_review_create(order_id=order.pk, actor=outsider, rating=3, comment="x")
