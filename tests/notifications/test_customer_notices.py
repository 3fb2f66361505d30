"""Broken rule 6: every notice to a customer answers to its merchandiser (Reply-To) and carries the order's
signed status link. Read from the messages the outbox sent (django.core.mail.outbox)."""

from datetime import timedelta

import pytest
from django.core import mail

from logistics.models import StatusLink
from logistics.selectors import status_link_url
from orders.services import promise_approve
from production.models import DelayReason
from production.services import delay_record

from ..logistics.helpers import deliver, in_production_order, ship

pytestmark = pytest.mark.django_db


def sent_to_customer(order) -> list:
    return [m for m in mail.outbox if m.to == [order.customer.email]]


def status_url(order) -> str:
    return status_link_url(StatusLink.objects.get(order=order))


def assert_answers_to_merchandiser_with_link(message, order):
    assert message.reply_to == [order.merchandiser.email]
    assert message.extra_headers.get("Reply-To") is None  # set once, by Django from reply_to
    assert "Reply-To: " + order.merchandiser.email in message.message().as_string()
    url = status_url(order)
    assert url in message.body
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    assert url in html


def test_the_shipment_and_delivery_notices(merchandiser, django_capture_on_commit_callbacks):
    order = in_production_order(merchandiser, lines=1)
    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, merchandiser)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(shipment, merchandiser)
    messages = sent_to_customer(order)
    assert len(messages) == 2  # shipped, delivered
    for message in messages:
        assert_answers_to_merchandiser_with_link(message, order)


def test_the_delay_notice(merchandiser, supervisor, django_capture_on_commit_callbacks):
    order = in_production_order(merchandiser, lines=1)
    reason = DelayReason.objects.get(code="material_late")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = delay_record(
            order_id=order.pk,
            actor=merchandiser,
            reason_id=reason.pk,
            new_date=order.delivery_date + timedelta(days=7),
        )
        promise_approve(promise_id=proposal.pk, actor=supervisor)  # the customer is told once it is approved
    (message,) = sent_to_customer(order)
    assert_answers_to_merchandiser_with_link(message, order)
