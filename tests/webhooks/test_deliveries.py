"""Webhooks end to end against a receiver on loopback: every event arrives signed; a receiver that is down,
comes back, is slow; duplicates recognisable by id; replay; nothing internal leaks; the addresses allowed."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from aftersales.models import CaseChannel, CaseType
from aftersales.services import CaseInput, case_open, case_transition
from core.errors import InvalidInput, NotPermitted
from orders.services import PromiseReason, promise_approve, promise_propose
from webhooks.addresses import AddressRefused, url_check
from webhooks.events import Event
from webhooks.models import Delivery, DeliveryStatus
from webhooks.services import (
    backoff,
    deliveries_send_due,
    delivery_replay,
    delivery_send,
    endpoint_create,
    endpoint_rotate_secret,
    endpoint_update,
)

from ..conftest import advance
from ..factories import CustomerFactory, make_order
from ..logistics.helpers import deliver, fresh, in_production_order, ship

pytestmark = pytest.mark.django_db
LEAK = "INTERNAL-ONLY-7f3a"


def subscribe(receiver, customer, actor, events=None):
    endpoint, secret = endpoint_create(
        customer_id=customer.pk, actor=actor, url=receiver.url, events=events or Event.values
    )
    receiver.secret = secret
    return endpoint


def types(received) -> list[str]:
    return [json.loads(r["body"])["type"] for r in received]


def test_every_event_arrives_signed_with_customer_visible_fields_only(
    receiver, merchandiser, supervisor, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(merchandiser=merchandiser)
    subscribe(receiver, customer, merchandiser)
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(merchandiser=merchandiser, customer=customer, notes=LEAK)
        order = advance(order, merchandiser, "confirm", "enter")
        promise = promise_propose(
            order_id=order.pk,
            actor=merchandiser,
            new_date=order.delivery_date + timedelta(days=14),
            reason=PromiseReason("material_late", "面辅料延误", "Materials late"),
            note=LEAK,
        )
        promise_approve(promise_id=promise.pk, actor=supervisor, note=LEAK)
    with django_capture_on_commit_callbacks(execute=True):
        order = in_production_order(merchandiser, customer=customer, notes=LEAK)
        shipment = ship(order, merchandiser, notes=LEAK)
        deliver(shipment, merchandiser, received_by="Dock 4", note=LEAK)
        case = case_open(
            order_id=order.pk,
            actor=merchandiser,
            data=CaseInput(
                case_type=CaseType.COMPLAINT, channel=CaseChannel.EMAIL, subject="Stitching", description=LEAK
            ),
        )
        case_transition(case_id=case.pk, name="resolve", actor=merchandiser, resolution="Remade 20 pieces")

    received = receiver.taken()
    assert set(types(received)) == set(Event.values)
    assert len(received) == len(receiver.received)  # every signature verified
    assert len({r["id"] for r in received}) == len(received)  # one id per event
    assert all(LEAK not in r["body"] for r in received)
    assert not Delivery.objects.filter(body__contains=LEAK).exists()
    by_type = {json.loads(r["body"])["type"]: json.loads(r["body"])["data"] for r in received}
    assert by_type["order.delayed"]["delay"]["new_delivery_date"] == promise.delivery_date.isoformat()
    assert by_type["order.shipped"]["shipment"]["tracking_number"] == "SF1234567890"
    assert by_type["order.delivered"]["shipment"]["received_by"] == "Dock 4"
    assert by_type["case.resolved"]["case"]["resolution"] == "Remade 20 pieces"
    assert "notes" not in by_type["order.received"]["order"]
    # The first order: received, confirmed, entered, delayed; the second all but delayed.
    assert Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == len(received) == 4 + 8


def test_only_the_chosen_events_of_active_endpoints_of_the_orders_customer(
    receiver, merchandiser, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(merchandiser=merchandiser)
    endpoint = subscribe(receiver, customer, merchandiser, events=["order.entered"])
    other = CustomerFactory(merchandiser=merchandiser)
    with django_capture_on_commit_callbacks(execute=True):
        advance(make_order(merchandiser=merchandiser, customer=customer), merchandiser, "confirm", "enter")
        advance(make_order(merchandiser=merchandiser, customer=other), merchandiser, "confirm", "enter")
    assert types(receiver.taken()) == ["order.entered"]
    endpoint_update(
        endpoint_id=endpoint.pk, actor=merchandiser, url=receiver.url, events=["order.received"], active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_order(merchandiser=merchandiser, customer=customer)
    assert len(receiver.received) == 1


def test_a_rolled_back_change_sends_nothing(receiver, merchandiser, django_capture_on_commit_callbacks):
    customer = CustomerFactory(merchandiser=merchandiser)
    subscribe(receiver, customer, merchandiser)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        make_order(merchandiser=merchandiser, customer=customer)
        raise RuntimeError("the change fails after the event")
    assert not Delivery.objects.exists()
    assert receiver.received == []


def test_a_receiver_that_is_down_gets_the_event_when_it_comes_back(
    receiver, merchandiser, settings, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(merchandiser=merchandiser)
    subscribe(receiver, customer, merchandiser, events=["order.received"])
    receiver.stop()
    with django_capture_on_commit_callbacks(execute=True):
        make_order(merchandiser=merchandiser, customer=customer)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempt_count == 1 and delivery.last_status_code is None and delivery.last_error
    first_wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=settings.WEBHOOKS_RETRY_FIRST_SECONDS - 5) < first_wait

    assert deliveries_send_due() == 0  # not due yet: nothing is tried early
    receiver.start()  # back, on the same port
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # the wait has passed
    assert deliveries_send_due() == 1
    assert deliveries_send_due() == 0  # idempotent: a sent delivery is not sent again
    delivery = fresh(delivery)
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempt_count == 2
    assert [a.status_code for a in delivery.attempts.order_by("pk")] == [None, 204]
    assert [r["id"] for r in receiver.taken()] == [delivery.event_id]


def test_an_error_answer_is_retried_and_the_retry_is_a_duplicate_by_id(
    receiver, merchandiser, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(merchandiser=merchandiser)
    subscribe(receiver, customer, merchandiser, events=["order.received"])
    receiver.answer = 503
    with django_capture_on_commit_callbacks(execute=True):
        make_order(merchandiser=merchandiser, customer=customer)
    receiver.answer = 200
    Delivery.objects.update(next_attempt_at=timezone.now())
    deliveries_send_due()
    first, second = receiver.received
    assert first["id"] == second["id"] and first["body"] == second["body"]
    assert fresh(Delivery.objects.get()).last_status_code == 200
    attempt = Delivery.objects.get().attempts.order_by("pk").first()
    assert attempt.status_code == 503 and "503" in attempt.error


def test_a_slow_receiver_is_cut_off_by_the_timeout(
    receiver, merchandiser, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    customer = CustomerFactory(merchandiser=merchandiser)
    subscribe(receiver, customer, merchandiser, events=["order.received"])
    receiver.delay = 2.0
    with django_capture_on_commit_callbacks(execute=True):
        make_order(merchandiser=merchandiser, customer=customer)
    attempt = Delivery.objects.get().attempts.get()
    assert attempt.status_code is None and "0.3" in attempt.error
    assert attempt.duration_ms < 1500
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_backoff_doubles_up_to_the_cap_and_the_delivery_is_given_up_after_its_window(
    receiver, merchandiser, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_RETRY_FIRST_SECONDS, settings.WEBHOOKS_RETRY_MAX_SECONDS = 30, 3600
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 8, 20)] == [30, 60, 120, 240, 3600, 3600]
    customer = CustomerFactory(merchandiser=merchandiser)
    subscribe(receiver, customer, merchandiser, events=["order.received"])
    receiver.stop()
    with django_capture_on_commit_callbacks(execute=True):
        make_order(merchandiser=merchandiser, customer=customer)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now(), retry_until=timezone.now() + timedelta(seconds=10)
    )
    assert delivery_send(delivery_id=delivery.pk) is False
    delivery = fresh(delivery)
    assert delivery.status == DeliveryStatus.GIVEN_UP and delivery.attempt_count == 2
    assert deliveries_send_due() == 0


def test_replay_sends_the_same_event_id_again(
    receiver, merchandiser, other_merchandiser, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(merchandiser=merchandiser)
    subscribe(receiver, customer, merchandiser, events=["order.received"])
    with django_capture_on_commit_callbacks(execute=True):
        make_order(merchandiser=merchandiser, customer=customer)
    delivery = Delivery.objects.get()
    with pytest.raises(NotPermitted):
        delivery_replay(delivery_id=delivery.pk, actor=other_merchandiser)
    with pytest.raises(InvalidInput):
        delivery_replay(delivery_id=delivery.pk, customer=CustomerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery_id=delivery.pk, actor=merchandiser)
    first, again = receiver.taken()
    assert first["id"] == again["id"] == delivery.event_id
    assert [a.replay for a in fresh(delivery).attempts.order_by("pk")] == [False, True]


def test_a_rotated_secret_signs_beside_the_old_one(receiver, merchandiser, django_capture_on_commit_callbacks):
    customer = CustomerFactory(merchandiser=merchandiser)
    endpoint = subscribe(receiver, customer, merchandiser, events=["order.received"])
    old = receiver.secret
    _, new = endpoint_rotate_secret(endpoint_id=endpoint.pk, actor=merchandiser)
    assert new != old
    with django_capture_on_commit_callbacks(execute=True):
        make_order(merchandiser=merchandiser, customer=customer)
    assert receiver.taken()  # the receiver still holding the old secret verifies
    receiver.secret = new
    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery_id=Delivery.objects.get().pk, actor=merchandiser)
    assert len(receiver.taken()) == 2


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",  # not https
        "https://10.0.0.5/hook",  # private
        "https://192.168.1.20/hook",
        "https://169.254.169.254/latest/meta-data",  # link-local: the cloud's metadata service
        "https://[fd00::1]/hook",
        "https://0.0.0.0/hook",
        "ftp://example.com/x",
        "https://user:pw@example.com/hook",
    ],
)
def test_addresses_inside_our_network_are_refused(url):
    with pytest.raises(AddressRefused):
        url_check(url)


def test_loopback_only_when_allowed(settings):
    assert url_check(" http://127.0.0.1:9000/hook ") == "http://127.0.0.1:9000/hook"
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    for url in ("http://127.0.0.1:9000/hook", "https://127.0.0.1/hook", "https://[::1]/hook"):
        with pytest.raises(AddressRefused):
            url_check(url)
    assert url_check("https://93.184.216.34/hook")  # a public address


def test_a_bad_endpoint_is_refused_with_reasons(merchandiser, other_merchandiser):
    customer = CustomerFactory(merchandiser=merchandiser)
    with pytest.raises(InvalidInput) as refused:
        endpoint_create(customer_id=customer.pk, actor=merchandiser, url="https://10.1.1.1/x", events=[])
    assert {r["field"] for r in refused.value.reasons} == {"url", "events"}
    with pytest.raises(NotPermitted):
        endpoint_create(
            customer_id=customer.pk, actor=other_merchandiser, url="http://127.0.0.1/x", events=["order.received"]
        )
