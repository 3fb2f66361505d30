"""after_sales → closed once the service period has ended and every case is closed: by the nightly job
and by hand, both through the guards."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from aftersales.models import CaseChannel, CaseType
from aftersales.services import CaseInput, case_open, case_transition, orders_close_finished
from aftersales.tasks import close_finished_orders
from core.errors import TransitionRefused
from orders.models import OrderEvent, OrderState
from orders.services import order_transition

from ..logistics.helpers import after_sales_order, fresh


def open_case(order, actor):
    return case_open(
        order_id=order.pk,
        actor=actor,
        data=CaseInput(
            case_type=CaseType.INQUIRY,
            channel=CaseChannel.EMAIL,
            subject="Care label wording",
            description="Which washing temperature?",
        ),
    )


def days_later(days):
    return time_machine.travel(timezone.now() + timedelta(days=days), tick=False)


def test_the_job_closes_an_order_once_the_period_is_over(merchandiser):
    order = after_sales_order(merchandiser)
    assert orders_close_finished() == 0  # the service period has just started

    with days_later(30):
        close_finished_orders()  # the beat task, run as beat would
        order = fresh(order)
        assert order.status == OrderState.CLOSED
        event = OrderEvent.objects.get(order=order, type="transition", payload__transition="close")
        assert event.actor is None  # the system closed it
        assert orders_close_finished() == 0  # idempotent


def test_an_open_case_keeps_the_order_open_after_the_period(merchandiser):
    order = after_sales_order(merchandiser)
    case = open_case(order, merchandiser)

    with days_later(45):
        assert orders_close_finished() == 0
        with pytest.raises(TransitionRefused) as refused:
            order_transition(order_id=order.pk, name="close", actor=merchandiser)
        assert "1 after-sales case is not closed yet." in refused.value.reasons

        case_transition(case_id=case.pk, name="resolve", actor=merchandiser, resolution="Answered: 30 °C")
        assert orders_close_finished() == 0  # resolved is not closed
        case_transition(case_id=case.pk, name="close", actor=merchandiser)
        assert orders_close_finished() == 1
    assert fresh(order).status == OrderState.CLOSED


def test_closing_by_hand_once_both_conditions_hold(merchandiser):
    order = after_sales_order(merchandiser)
    with days_later(31):
        order = order_transition(order_id=order.pk, name="close", actor=merchandiser)
    assert order.status == OrderState.CLOSED


@override_settings(AFTERSALES_SERVICE_PERIOD_DAYS=60)
def test_the_service_period_is_configurable(merchandiser):
    after_sales_order(merchandiser)
    with days_later(45):
        assert orders_close_finished() == 0
    with days_later(60):
        assert orders_close_finished() == 1


def test_a_case_cannot_be_reopened_on_a_closed_order(merchandiser):
    order = after_sales_order(merchandiser)
    case = open_case(order, merchandiser)
    case_transition(case_id=case.pk, name="resolve", actor=merchandiser, resolution="Answered")
    case_transition(case_id=case.pk, name="close", actor=merchandiser)
    with days_later(31):
        orders_close_finished()
        with pytest.raises(TransitionRefused):
            case_transition(case_id=case.pk, name="reopen", actor=merchandiser)
