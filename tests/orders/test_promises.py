"""The promise ledger (issue 20, rule 2): the first promised date is kept; a new date proposed by the
merchandiser waits for the supervisor of the owner's team unless the customer caused it and the evidence
is attached; the customer accepts or questions it; every step is one event of the work record."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from orders.models import EventType, Order, OrderEvent, Promise, PromiseKind, PromiseStatus
from orders.services import (
    PromiseReason,
    promise_approve,
    promise_customer_answer,
    promise_propose,
    promise_reject,
)

from ..conftest import advance
from ..factories import make_order

pytestmark = pytest.mark.django_db

LATE = PromiseReason("material_late", "面辅料延误", "Materials late")
CUSTOMER = PromiseReason("customer_change", "客户变更", "Customer change", customer_caused=True)


def entered(merchandiser) -> Order:
    return advance(make_order(merchandiser=merchandiser), merchandiser, "confirm", "enter")


def propose(order, actor, *, days=14, reason=LATE, **kwargs) -> Promise:
    return promise_propose(
        order_id=order.pk, actor=actor, new_date=order.delivery_date + timedelta(days=days), reason=reason, **kwargs
    )


def test_confirmation_keeps_the_first_promise(merchandiser):
    order = make_order(merchandiser=merchandiser)
    assert order.first_delivery_date is None and order.first_promise == order.delivery_date
    confirmed = advance(order, merchandiser, "confirm")
    assert Order.objects.get(pk=order.pk).first_delivery_date == confirmed.delivery_date


def test_a_new_date_waits_for_the_supervisor_and_the_first_promise_is_kept(merchandiser, supervisor):
    order = entered(merchandiser)
    first = order.delivery_date
    promise = propose(order, merchandiser, note="dye lot")
    order = Order.objects.get(pk=order.pk)
    assert promise.status == PromiseStatus.PROPOSED and order.delivery_date == first  # nothing moved yet
    ledger = list(order.promises.values_list("sequence", "kind", "status", "delivery_date"))
    assert ledger == [
        (1, PromiseKind.FIRST, PromiseStatus.APPROVED, first),
        (2, PromiseKind.CHANGE, PromiseStatus.PROPOSED, first + timedelta(days=14)),
    ]
    assert OrderEvent.objects.filter(order=order, type=EventType.PROMISE_PROPOSED).count() == 1

    promise_approve(promise_id=promise.pk, actor=supervisor, note="ok")
    order = Order.objects.get(pk=order.pk)
    assert order.delivery_date == first + timedelta(days=14) and order.first_delivery_date == first
    promise.refresh_from_db()
    assert (promise.status, promise.decided_by, promise.decision_note) == (PromiseStatus.APPROVED, supervisor, "ok")
    event = OrderEvent.objects.get(order=order, type=EventType.PROMISE_APPROVED)
    assert event.actor == supervisor and event.detail.startswith(f"{first.isoformat()} → ")


def test_nobody_decides_their_own_proposal_nor_another_team(merchandiser, supervisor, other_merchandiser, team_b):
    order = entered(merchandiser)
    own = propose(order, supervisor)  # the supervisor may propose on their team's order...
    with pytest.raises(NotPermitted):
        promise_approve(promise_id=own.pk, actor=supervisor)  # ...but not approve it
    with pytest.raises(NotPermitted):
        promise_approve(promise_id=own.pk, actor=merchandiser)
    with pytest.raises(NotPermitted):
        promise_approve(promise_id=own.pk, actor=team_b[1])  # another team's supervisor
    with pytest.raises(NotPermitted):
        propose(entered(merchandiser), other_merchandiser)


def test_a_rejected_date_keeps_the_order_as_it_was(merchandiser, supervisor):
    order = entered(merchandiser)
    promise = propose(order, merchandiser)
    with pytest.raises(InvalidInput):
        promise_reject(promise_id=promise.pk, actor=supervisor, note=" ")
    promise_reject(promise_id=promise.pk, actor=supervisor, note="Ask the mill for air freight first")
    order = Order.objects.get(pk=order.pk)
    assert order.delivery_date == order.first_delivery_date
    event = OrderEvent.objects.get(order=order, type=EventType.PROMISE_REJECTED)
    assert event.note == "Ask the mill for air freight first"
    with pytest.raises(TransitionRefused):
        promise_approve(promise_id=promise.pk, actor=supervisor)  # decided already


def test_one_proposal_at_a_time(merchandiser):
    order = entered(merchandiser)
    propose(order, merchandiser)
    with pytest.raises(TransitionRefused):
        propose(Order.objects.get(pk=order.pk), merchandiser, days=20)


def test_a_customer_caused_date_with_evidence_needs_no_approval(merchandiser):
    order = entered(merchandiser)
    evidence = SimpleUploadedFile("change-request.pdf", b"%PDF-1.4 the buyer moved the artwork", "application/pdf")
    promise = propose(order, merchandiser, reason=CUSTOMER, evidence=evidence)
    order = Order.objects.get(pk=order.pk)
    assert promise.status == PromiseStatus.APPROVED and promise.decided_by is None
    assert order.delivery_date == promise.delivery_date and promise.evidence.original_name == "change-request.pdf"
    # Without the evidence the same reason waits for the supervisor.
    later = propose(order, merchandiser, reason=CUSTOMER, days=30)
    assert later.status == PromiseStatus.PROPOSED


def test_the_customer_accepts_or_questions_the_new_date_once(merchandiser, supervisor):
    order = entered(merchandiser)
    promise = propose(order, merchandiser)
    with pytest.raises(TransitionRefused):  # not approved yet: the customer was not told
        promise_customer_answer(order_id=order.pk, promise_id=promise.pk, answer="accepted")
    promise_approve(promise_id=promise.pk, actor=supervisor)
    with pytest.raises(InvalidInput):
        promise_customer_answer(order_id=order.pk, promise_id=promise.pk, answer="questioned", text="")
    promise_customer_answer(order_id=order.pk, promise_id=promise.pk, answer="questioned", text="We need it by May")
    promise.refresh_from_db()
    assert (promise.customer_answer, promise.customer_answer_text) == ("questioned", "We need it by May")
    event = OrderEvent.objects.get(order=order, type=EventType.PROMISE_ANSWERED)
    assert event.actor is None and event.note == "We need it by May" and event.detail.endswith("questioned")
    with pytest.raises(TransitionRefused):
        promise_customer_answer(order_id=order.pk, promise_id=promise.pk, answer="accepted")


def test_the_supervisor_decides_from_the_list_and_others_cannot_open_it(client, merchandiser, supervisor):
    order = entered(merchandiser)
    promise = propose(order, merchandiser)
    client.force_login(merchandiser)
    assert client.get(reverse("orders:promises_waiting")).status_code == 403
    client.force_login(supervisor)
    page = client.get(reverse("orders:promises_waiting"))
    assert page.status_code == 200 and order.display_number in page.content.decode()
    response = client.post(
        reverse("orders:promise_decide", args=[order.pk, promise.pk]), {"decision": "approve", "from": "list"}
    )
    assert response.status_code == 302 and response.url == reverse("orders:promises_waiting")
    assert Order.objects.get(pk=order.pk).delivery_date == promise.delivery_date
    # The order page shows the ledger (fetched as the page loads; ?open= without JavaScript).
    body = client.get(reverse("orders:detail", args=[order.pk]) + "?open=promises").content.decode()
    assert "First promise" in body and promise.delivery_date.isoformat() in body
