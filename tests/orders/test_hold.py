"""On hold (broken rule 5): hold and release are services with a reason, written to the work record; a held
order cannot be entered, start production or ship; the order page says why and since when."""

import pytest
from django.urls import reverse

from core.errors import InvalidInput, NotPermitted, Stale, TransitionRefused
from orders.models import EventType, Order, OrderEvent
from orders.services import order_hold, order_release, order_transition, transitions_available

from ..conftest import advance
from ..factories import make_order


@pytest.mark.django_db
def test_hold_records_reason_time_and_event(merchandiser):
    order = make_order(merchandiser=merchandiser)
    held = order_hold(order_id=order.pk, actor=merchandiser, reason="Customer paused: artwork change")
    assert held.is_on_hold and held.hold_reason == "Customer paused: artwork change"
    assert held.held_since is not None
    assert held.version == order.version + 1
    event = OrderEvent.objects.get(order=order, type=EventType.HELD)
    assert event.note == "Customer paused: artwork change" and event.actor == merchandiser

    released = order_release(order_id=order.pk, actor=merchandiser, note="Artwork received")
    assert not released.is_on_hold and released.hold_reason == "" and released.held_since is None
    event = OrderEvent.objects.get(order=order, type=EventType.RELEASED)
    assert event.payload["reason"] == "Customer paused: artwork change" and event.note == "Artwork received"
    # The work record names both: "Released from hold", the hold's reason, the note.
    assert (event.type_label, event.detail) == ("Released from hold", "Customer paused: artwork change")


@pytest.mark.django_db
def test_hold_needs_a_reason_and_a_fresh_page(merchandiser):
    order = make_order(merchandiser=merchandiser)
    with pytest.raises(InvalidInput):
        order_hold(order_id=order.pk, actor=merchandiser, reason="  ")
    with pytest.raises(Stale):
        order_hold(order_id=order.pk, actor=merchandiser, reason="paused", expected_version=order.version + 5)
    order_hold(order_id=order.pk, actor=merchandiser, reason="paused")
    with pytest.raises(TransitionRefused):
        order_hold(order_id=order.pk, actor=merchandiser, reason="again")


@pytest.mark.django_db
def test_only_the_owner_and_their_supervisor_hold_and_release(merchandiser, other_merchandiser, supervisor):
    order = make_order(merchandiser=merchandiser)
    with pytest.raises(NotPermitted):
        order_hold(order_id=order.pk, actor=other_merchandiser, reason="not mine")
    order_hold(order_id=order.pk, actor=supervisor, reason="customer asked")
    with pytest.raises(NotPermitted):
        order_release(order_id=order.pk, actor=other_merchandiser)
    assert not order_release(order_id=order.pk, actor=merchandiser).is_on_hold


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["enter"])
def test_a_held_order_does_not_move_forward(merchandiser, name):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")
    order = order_hold(order_id=order.pk, actor=merchandiser, reason="Customer paused")
    assert name not in [t["name"] for t in transitions_available(order=order, user=merchandiser)]
    with pytest.raises(TransitionRefused, match="on hold"):
        order_transition(order_id=order.pk, name=name, actor=merchandiser)
    # Cancelling stays possible: the customer may call the order off.
    assert "cancel" in [t["name"] for t in transitions_available(order=order, user=merchandiser)]


@pytest.mark.django_db
def test_cancelling_a_held_order_ends_the_hold(merchandiser):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")
    order_hold(order_id=order.pk, actor=merchandiser, reason="Customer paused")
    cancelled = order_transition(order_id=order.pk, name="cancel", actor=merchandiser, reason="PO withdrawn")
    assert cancelled.status == "cancelled"
    assert (cancelled.is_on_hold, cancelled.hold_reason, cancelled.held_since) == (False, "", None)
    assert Order.objects.filter(pk=order.pk, is_on_hold=True).count() == 0
    released = OrderEvent.objects.get(order=order, type=EventType.RELEASED)
    assert released.payload["reason"] == "Customer paused"


@pytest.mark.django_db
def test_shipped_orders_cannot_be_held(merchandiser):
    order = make_order(merchandiser=merchandiser)
    order_transition(order_id=order.pk, name="cancel", actor=merchandiser, reason="gone")
    with pytest.raises(TransitionRefused):
        order_hold(order_id=order.pk, actor=merchandiser, reason="paused")


@pytest.mark.django_db
def test_order_page_shows_the_hold_and_release(client, merchandiser, password):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert reverse("orders:hold", args=[order.pk]) in page

    response = client.post(
        reverse("orders:hold", args=[order.pk]), {"version": order.version, "reason": "Customer paused the order"}
    )
    assert response.status_code == 302
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "hold-banner" in page and "Customer paused the order" in page
    assert reverse("orders:release", args=[order.pk]) in page

    order = Order.objects.get(pk=order.pk)
    client.post(reverse("orders:release", args=[order.pk]), {"version": order.version})
    assert not Order.objects.get(pk=order.pk).is_on_hold


@pytest.mark.django_db
def test_hold_without_reason_is_a_message_not_an_error(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    response = client.post(
        reverse("orders:hold", args=[order.pk]), {"version": order.version, "reason": ""}, follow=True
    )
    assert response.status_code == 200
    assert "Give the reason for the hold." in response.content.decode()
    assert not Order.objects.get(pk=order.pk).is_on_hold


@pytest.mark.django_db
def test_the_order_list_filters_held_orders(client, merchandiser):
    held = make_order(merchandiser=merchandiser, customer_po="HELD-PO-1")
    make_order(merchandiser=merchandiser, customer_po="OTHER-PO-2")
    order_hold(order_id=held.pk, actor=merchandiser, reason="paused")
    client.force_login(merchandiser)
    page = client.get(reverse("orders:list"), {"is_on_hold": "true"}).content.decode()
    assert "HELD-PO-1" in page and "OTHER-PO-2" not in page
