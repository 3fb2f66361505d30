"""Customer feedback: the survey is one response per order (unique constraint + update), correctable
until the order closes; staff log call feedback beside it; ratings outside 1–5 are refused."""

from datetime import timedelta
from threading import Barrier, Thread

import pytest
import time_machine
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from aftersales.models import Feedback, FeedbackSource
from aftersales.selectors import feedback_summary
from aftersales.services import feedback_log, feedback_submit_survey, orders_close_finished
from core.errors import InvalidInput, NotPermitted, TransitionRefused
from orders.models import OrderEvent

from ..logistics.helpers import after_sales_order, in_production_order, shipped_order


def survey(order, **overrides):
    values = {"quality": 5, "delivery": 4, "communication": 5, "comment": "Great", "contact_name": "Anna"}
    values.update(overrides)
    return feedback_submit_survey(order_id=order.pk, **values)


def test_a_second_submission_corrects_the_first(merchandiser):
    order = after_sales_order(merchandiser)

    first, created = survey(order)
    second, created_again = survey(order, delivery=2, comment="Two cartons were late")

    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert Feedback.objects.filter(order=order).count() == 1
    row = Feedback.objects.get(order=order)
    assert (row.quality, row.delivery, row.comment, row.revisions) == (5, 2, "Two cartons were late", 1)
    actions = OrderEvent.objects.filter(order=order, payload__stage="aftersales").values_list(
        "payload__action", flat=True
    )
    assert sorted(actions) == ["survey_corrected", "survey_submitted"]


def test_the_database_refuses_a_second_survey_row(merchandiser):
    order = after_sales_order(merchandiser)
    survey(order)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(
            order=order, customer=order.customer, source=FeedbackSource.SURVEY, quality=1, delivery=1, communication=1
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_leave_one_response(merchandiser):
    order = after_sales_order(merchandiser)
    barrier = Barrier(2)
    errors = []

    def submit(quality):
        try:
            barrier.wait(timeout=10)
            survey(order, quality=quality)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [Thread(target=submit, args=(q,)) for q in (2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    assert Feedback.objects.filter(order=order, source=FeedbackSource.SURVEY).count() == 1
    assert Feedback.objects.get(order=order).revisions == 1


@pytest.mark.parametrize(
    "ratings",
    [{"quality": 0}, {"delivery": 6}, {"communication": -1}, {"quality": "five"}, {"quality": 4.5}, {"quality": None}],
)
def test_a_rating_outside_one_to_five_is_refused_and_nothing_saved(merchandiser, ratings):
    order = after_sales_order(merchandiser)
    with pytest.raises(InvalidInput) as refused:
        survey(order, **ratings)
    assert "give a rating from 1 to 5" in " ".join(str(r) for r in refused.value.reasons)
    assert not Feedback.objects.exists()


def test_the_database_refuses_a_rating_outside_one_to_five(merchandiser):
    order = after_sales_order(merchandiser)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(
            order=order, customer=order.customer, source=FeedbackSource.CALL, quality=6, delivery=1, communication=1
        )


def test_the_survey_opens_after_delivery(merchandiser):
    order, _shipment = shipped_order(merchandiser)
    with pytest.raises(TransitionRefused, match="opens once the delivery is confirmed"):
        survey(order)


def test_the_survey_can_no_longer_be_changed_once_the_order_closes(merchandiser):
    order = after_sales_order(merchandiser)
    survey(order)
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        assert orders_close_finished() == 1
        with pytest.raises(TransitionRefused, match="closed"):
            survey(order, quality=1)
    assert Feedback.objects.get(order=order).quality == 5


def test_staff_log_feedback_from_calls_beside_the_survey(merchandiser):
    order = after_sales_order(merchandiser)
    survey(order)

    feedback_log(order_id=order.pk, actor=merchandiser, source="call", quality=3, delivery=3, communication=4)
    feedback_log(order_id=order.pk, actor=merchandiser, source="call", quality=4, delivery=5, communication=4)

    assert Feedback.objects.filter(order=order).count() == 3
    per_customer = feedback_summary(Feedback.objects.filter(customer=order.customer))
    assert per_customer["n"] == 3
    assert per_customer["quality"] == pytest.approx(4.0)


def test_staff_cannot_log_a_survey_or_feedback_on_another_teams_order(merchandiser, other_merchandiser):
    order = after_sales_order(merchandiser)
    with pytest.raises(InvalidInput):
        feedback_log(order_id=order.pk, actor=merchandiser, source="survey", quality=3, delivery=3, communication=3)
    with pytest.raises(NotPermitted):
        feedback_log(order_id=order.pk, actor=other_merchandiser, source="call", quality=3, delivery=3, communication=3)
    assert not Feedback.objects.exists()


def test_feedback_is_logged_only_once_the_order_has_shipped(merchandiser):
    order = in_production_order(merchandiser)
    with pytest.raises(TransitionRefused):
        feedback_log(order_id=order.pk, actor=merchandiser, source="call", quality=3, delivery=3, communication=3)
