"""Shipments drive the order: partial and complete shipment, delivery, the guards behind the manual
buttons, and bad input refused with nothing saved."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from logistics.models import DocumentKind, Shipment, ShipmentDocument, ShipmentLine, ShipmentMode
from notifications.models import Notification
from orders.models import OrderEvent, OrderState
from orders.services import order_transition

from ..factories import make_order
from .helpers import after_sales_order, deliver, fresh, half, in_production_order, make_carrier, ship, shipped_order


def stage_actions(order) -> list[str]:
    return list(
        OrderEvent.objects.filter(order=order, type="stage", payload__stage="logistics")
        .order_by("id")
        .values_list("payload__action", flat=True)
    )


def transitions(order) -> list[str]:
    return list(
        OrderEvent.objects.filter(order=order, type="transition")
        .order_by("id")
        .values_list("payload__transition", flat=True)
    )


# --- partial and complete shipment ----------------------------------------------------------------------
def test_a_partial_shipment_keeps_the_order_in_production(merchandiser):
    order = in_production_order(merchandiser, lines=2)
    first, second = order.lines.order_by("line_no")

    shipment = ship(order, merchandiser, quantities={first.pk: half(first)})

    order = fresh(order)
    assert order.status == OrderState.IN_PRODUCTION
    assert shipment.reference == f"{order.number}-S1"
    assert list(shipment.lines.values_list("order_line_id", "quantity")) == [(first.pk, half(first))]
    assert stage_actions(order) == ["shipped"]
    assert "ship" not in transitions(order)
    # the customer hears of the partial shipment too, through the outbox
    assert Notification.objects.filter(reference=f"order:{order.pk}", kind="shipment_shipped").count() == 1


def test_the_shipment_that_completes_every_line_moves_the_order_to_shipped(merchandiser):
    order = in_production_order(merchandiser, lines=2)
    first, second = order.lines.order_by("line_no")
    ship(order, merchandiser, quantities={first.pk: half(first)})

    last = ship(order, merchandiser, quantities={first.pk: first.quantity - half(first), second.pk: second.quantity})

    order = fresh(order)
    assert order.status == OrderState.SHIPPED
    assert last.seq == 2
    event = OrderEvent.objects.get(order=order, type="transition", payload__transition="ship")
    assert event.actor == merchandiser
    assert event.payload["shipment"] == last.pk
    assert (event.from_state, event.to_state) == ("in_production", "shipped")
    assert Notification.objects.filter(reference=f"order:{order.pk}", kind="shipment_shipped").count() == 2


def test_delivery_of_the_last_shipment_starts_after_sales(merchandiser):
    order = in_production_order(merchandiser, lines=1)
    line = order.lines.get()
    first = ship(order, merchandiser, quantities={line.pk: half(line)})
    second = ship(order, merchandiser, quantities={line.pk: line.quantity - half(line)})
    deliver(first, merchandiser)
    order = fresh(order)
    assert order.status == OrderState.SHIPPED  # one shipment is still on its way

    deliver(second, merchandiser, received_by="Anna Berg")

    order = fresh(order)
    assert order.status == OrderState.AFTER_SALES
    event = OrderEvent.objects.get(order=order, type="transition", payload__transition="begin_after_sales")
    assert event.payload["delivered_on"] == timezone.localdate().isoformat()
    assert stage_actions(order) == ["shipped", "shipped", "delivered", "delivered"]
    # the customer is invited to rate the order, once
    assert Notification.objects.filter(reference=f"order:{order.pk}", kind="shipment_delivered").count() == 1


def test_a_partial_shipment_delivered_early_does_not_start_after_sales(merchandiser):
    order = in_production_order(merchandiser, lines=1)
    line = order.lines.get()
    deliver(ship(order, merchandiser, quantities={line.pk: half(line)}), merchandiser)
    order = fresh(order)
    assert order.status == OrderState.IN_PRODUCTION


# --- the manual buttons refuse with the reason ----------------------------------------------------------
def test_mark_shipped_by_hand_is_refused_until_everything_has_shipped(merchandiser):
    order = in_production_order(merchandiser, lines=1)
    line = order.lines.get()
    ship(order, merchandiser, quantities={line.pk: Decimal("40")})

    with pytest.raises(TransitionRefused) as refused:
        order_transition(order_id=order.pk, name="ship", actor=merchandiser)

    assert any("line 1: 40 of 100" in str(reason) for reason in refused.value.reasons)
    order = fresh(order)
    assert order.status == OrderState.IN_PRODUCTION


def test_the_ship_button_on_the_order_page_explains_the_refusal(client, merchandiser):
    order = in_production_order(merchandiser, lines=1)
    client.force_login(merchandiser)

    response = client.post(
        reverse("orders:transition", args=[order.pk, "ship"]), {"version": order.version}, follow=True
    )

    assert "Not everything has shipped yet" in response.content.decode()
    order = fresh(order)
    assert order.status == OrderState.IN_PRODUCTION


def test_begin_after_sales_by_hand_is_refused_until_delivery_is_confirmed(merchandiser):
    order, _shipment = shipped_order(merchandiser)

    with pytest.raises(TransitionRefused) as refused:
        order_transition(order_id=order.pk, name="begin_after_sales", actor=merchandiser)

    assert any("Delivery is not confirmed yet for 1 of 1" in str(r) for r in refused.value.reasons)


def test_close_by_hand_is_refused_during_the_service_period(merchandiser):
    order = after_sales_order(merchandiser)
    ends = timezone.localdate() + timedelta(days=30)

    with pytest.raises(TransitionRefused) as refused:
        order_transition(order_id=order.pk, name="close", actor=merchandiser)

    assert any(f"runs until {ends.isoformat()}" in str(r) for r in refused.value.reasons)


# --- bad input: a clear error and nothing saved ---------------------------------------------------------
def assert_nothing_saved(order):
    assert not Shipment.objects.filter(order=order).exists()
    assert not ShipmentLine.objects.filter(shipment__order=order).exists()
    assert not Notification.objects.filter(reference=f"order:{order.pk}").exists()
    assert stage_actions(order) == []


def test_over_shipment_is_refused(merchandiser):
    order = in_production_order(merchandiser, lines=1)
    line = order.lines.get()

    with pytest.raises(InvalidInput) as refused:
        ship(order, merchandiser, quantities={line.pk: line.quantity + 1})

    assert "Line 1: shipping 101 would exceed the ordered 100" in " ".join(refused.value.reasons)
    assert_nothing_saved(order)


def test_over_shipment_counts_what_already_shipped(merchandiser):
    order = in_production_order(merchandiser, lines=1)
    line = order.lines.get()
    ship(order, merchandiser, quantities={line.pk: Decimal("60")})

    with pytest.raises(InvalidInput) as refused:
        ship(order, merchandiser, quantities={line.pk: Decimal("41")})

    assert "60 already shipped, 40 left" in " ".join(refused.value.reasons)
    assert Shipment.objects.filter(order=order).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tracking_number": ""}, "needs a tracking number"),
        ({"tracking_number": "   ", "mode": ShipmentMode.SEA}, "needs a tracking number"),
        ({"ship_date": timezone.localdate() - timedelta(days=3)}, "cannot be before the order was received"),
        ({"ship_date": timezone.localdate() + timedelta(days=1)}, "cannot be in the future"),
        ({"eta": timezone.localdate() - timedelta(days=1)}, "estimated arrival cannot be before the ship date"),
        ({"quantities": {}}, "at least one line"),
    ],
)
def test_bad_shipment_input_is_refused_and_nothing_is_saved(merchandiser, overrides, message):
    order = in_production_order(merchandiser, lines=1)

    with pytest.raises(InvalidInput) as refused:
        ship(order, merchandiser, **overrides)

    assert message in " ".join(str(r) for r in refused.value.reasons)
    assert_nothing_saved(order)


def test_negative_and_foreign_lines_are_refused(merchandiser):
    order = in_production_order(merchandiser, lines=1)
    other = make_order(merchandiser=merchandiser)
    line = order.lines.get()

    with pytest.raises(InvalidInput) as refused:
        ship(order, merchandiser, quantities={line.pk: Decimal("-5"), other.lines.get().pk: Decimal("1")})

    reasons = " ".join(refused.value.reasons)
    assert "cannot be negative" in reasons
    assert "does not belong to this order" in reasons
    assert_nothing_saved(order)


def test_a_truck_needs_no_tracking_number(merchandiser):
    order = in_production_order(merchandiser, lines=1)
    shipment = ship(order, merchandiser, mode=ShipmentMode.TRUCK, tracking_number="")
    assert shipment.tracking_number == ""


def test_shipments_only_while_in_production(merchandiser):
    order = make_order(merchandiser=merchandiser)
    with pytest.raises(TransitionRefused):
        ship(order, merchandiser)
    assert_nothing_saved(order)


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "cannot be before the ship date"), (1, "cannot be in the future")],
)
def test_bad_delivery_dates_are_refused(merchandiser, days, message):
    order, shipment = shipped_order(merchandiser)

    with pytest.raises(InvalidInput) as refused:
        deliver(shipment, merchandiser, on=timezone.localdate() + timedelta(days=days))

    assert message in " ".join(refused.value.reasons)
    shipment.refresh_from_db()
    assert shipment.delivered_on is None
    order = fresh(order)
    assert order.status == OrderState.SHIPPED


def test_delivery_cannot_be_confirmed_twice(merchandiser):
    order = after_sales_order(merchandiser)
    with pytest.raises(TransitionRefused):
        deliver(order.shipments.get(), merchandiser)


# --- documents ------------------------------------------------------------------------------------------
def test_documents_travel_with_the_shipment(merchandiser):
    order = in_production_order(merchandiser, lines=1)
    packing = SimpleUploadedFile("packing.pdf", b"%PDF-1.4 packing list", content_type="application/pdf")

    shipment = ship(order, merchandiser, documents=[(DocumentKind.PACKING_LIST, packing)])

    document = shipment.documents.get()
    assert (document.kind, document.original_name) == ("packing_list", "packing.pdf")
    assert not document.file.name.endswith("packing.pdf")  # a random name on disk


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_an_oversized_document_refuses_the_whole_shipment(merchandiser):
    order = in_production_order(merchandiser, lines=1)
    big = SimpleUploadedFile("bl.pdf", b"x" * 2048, content_type="application/pdf")

    with pytest.raises(InvalidInput) as refused:
        ship(order, merchandiser, documents=[(DocumentKind.BILL_OF_LADING, big)])

    assert "too large" in " ".join(refused.value.reasons)
    assert_nothing_saved(order)
    assert not ShipmentDocument.objects.exists()


def test_a_document_of_a_refused_type_is_refused(merchandiser):
    order = in_production_order(merchandiser, lines=1)
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(InvalidInput):
        ship(order, merchandiser, documents=[(DocumentKind.OTHER, script)])
    assert_nothing_saved(order)


# --- who may ship ---------------------------------------------------------------------------------------
def test_another_teams_merchandiser_cannot_ship(merchandiser, other_merchandiser):
    order = in_production_order(merchandiser, lines=1)
    with pytest.raises(NotPermitted):
        ship(order, other_merchandiser)
    assert_nothing_saved(order)


def test_the_supervisor_of_the_team_can_ship(merchandiser, supervisor):
    order = in_production_order(merchandiser, lines=1)
    ship(order, supervisor)
    order = fresh(order)
    assert order.status == OrderState.SHIPPED


def test_an_inactive_carrier_is_refused(merchandiser):
    order = in_production_order(merchandiser, lines=1)
    carrier = make_carrier(code="gone", active=False)
    with pytest.raises(InvalidInput):
        ship(order, merchandiser, carrier=carrier)


def test_progress_from_loaded_shipments_matches_the_grouped_query(merchandiser):
    """The order page works out what is left to ship from the shipments it already loaded; the guards ask
    the database. Both must agree, partial shipments included."""
    from logistics.selectors import order_shipments, shipping_progress

    order = in_production_order(merchandiser, lines=2)
    first, second = order.lines.order_by("line_no")
    ship(order, merchandiser, quantities={first.pk: half(first), second.pk: half(second)})
    ship(fresh(order), merchandiser, quantities={first.pk: half(first)})
    order = fresh(order)

    from_query = shipping_progress(order=order)
    from_loaded = shipping_progress(order=order, shipments=order_shipments(order=order))

    as_numbers = [
        [(r["line"].pk, r["ordered"], r["shipped"], r["remaining"]) for r in rows] for rows in (from_query, from_loaded)
    ]
    assert as_numbers[0] == as_numbers[1]
    assert as_numbers[0][0][3] == first.quantity - 2 * half(first)


def test_nothing_ships_while_the_order_is_on_hold(merchandiser):
    """Broken rule 5: a held order ships nothing, not even part of it, until it is released."""
    from orders.services import order_hold, order_release

    order = in_production_order(merchandiser, lines=1)
    order_hold(order_id=order.pk, actor=merchandiser, reason="Customer paused")
    with pytest.raises(TransitionRefused, match="on hold"):
        ship(order, merchandiser)
    assert not Shipment.objects.filter(order=order).exists()
    order_release(order_id=order.pk, actor=merchandiser)
    ship(order, merchandiser)
    assert fresh(order).status == OrderState.SHIPPED
