"""The customer confirms the PI from their status link: the order's confirmation records "PI confirmed
online", the time, the PI's version and SHA-256. Only their own order's current PI is offered or accepted."""

import pytest
from django.urls import reverse

from documents.services import pi_confirm_online, pi_generate
from logistics.selectors import status_link_path, status_link_token
from logistics.services import status_link_ensure
from orders.models import Confirmation, ConfirmationMethod, OrderEvent, OrderLine

from ..factories import make_order
from .helpers import pdf_text


@pytest.fixture
def order(merchandiser):
    return make_order(merchandiser=merchandiser, lines=1, customer_po="PO-CONF-9")


def token_of(order):
    return status_link_token(status_link_ensure(order=order))


def test_the_customer_downloads_and_confirms_the_current_pi(client, merchandiser, order):
    document = pi_generate(order_id=order.pk, actor=merchandiser)
    token = token_of(order)

    page = client.get(status_link_path(status_link_ensure(order=order))).content.decode()
    assert reverse("portal:pi", args=[token]) in page
    download = client.get(reverse("portal:pi", args=[token]))
    assert download.status_code == 200 and download["Cache-Control"] == "no-store, private"
    assert "PO-CONF-9" in pdf_text(b"".join(download.streaming_content))

    response = client.post(
        reverse("portal:pi_confirm", args=[token]), {"pi-document": document.pk, "pi-contact_name": "Alice Buyer"}
    )

    assert response.status_code == 302
    confirmation = Confirmation.objects.get(order=order)
    assert confirmation.method == ConfirmationMethod.PI_ONLINE
    assert confirmation.get_method_display() == "PI confirmed online"
    assert (confirmation.document_version, confirmation.document_sha256) == (1, document.sha256)
    assert confirmation.recorded_by is None and confirmation.contact == "Alice Buyer"
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert event.type == "confirmation_recorded" and event.actor is None
    assert event.payload["sha256"] == document.sha256
    page = client.get(status_link_path(status_link_ensure(order=order))).content.decode()
    assert "You confirmed version 1" in page


def test_the_merchandiser_sees_the_online_confirmation(client, merchandiser, order):
    document = pi_generate(order_id=order.pk, actor=merchandiser)
    pi_confirm_online(order_id=order.pk, document_id=document.pk, contact="Alice Buyer")
    client.force_login(merchandiser)

    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()

    assert "PI confirmed online" in page
    assert document.sha256[:10] in page


def test_confirming_twice_records_once(merchandiser, order):
    document = pi_generate(order_id=order.pk, actor=merchandiser)

    first = pi_confirm_online(order_id=order.pk, document_id=document.pk, contact="Alice")
    again = pi_confirm_online(order_id=order.pk, document_id=document.pk, contact="Alice")

    assert first == again and Confirmation.objects.count() == 1


def test_a_replaced_pi_cannot_be_confirmed(client, merchandiser, order):
    old = pi_generate(order_id=order.pk, actor=merchandiser)
    OrderLine.objects.filter(order=order).update(unit_price="9.99")
    new = pi_generate(order_id=order.pk, actor=merchandiser)
    token = token_of(order)

    response = client.post(
        reverse("portal:pi_confirm", args=[token]), {"pi-document": old.pk, "pi-contact_name": "Alice Buyer"}
    )

    assert response.status_code == 400
    assert "replaced by a newer version" in response.content.decode()
    assert not Confirmation.objects.exists()
    assert f"version {new.version}" in response.content.decode()


def test_another_orders_pi_cannot_be_confirmed_through_this_link(client, merchandiser, order):
    other = make_order(merchandiser=merchandiser)
    foreign = pi_generate(order_id=other.pk, actor=merchandiser)
    pi_generate(order_id=order.pk, actor=merchandiser)

    response = client.post(
        reverse("portal:pi_confirm", args=[token_of(order)]), {"pi-document": foreign.pk, "pi-contact_name": "Eve"}
    )

    assert response.status_code == 400
    assert not Confirmation.objects.exists()


def test_without_a_pi_the_link_offers_none(client, order):
    token = token_of(order)

    assert client.get(reverse("portal:pi", args=[token])).status_code == 404
    assert reverse("portal:pi", args=[token]) not in client.get(reverse("portal:status", args=[token])).content.decode()


def test_a_forged_link_gets_nothing(client, merchandiser, order):
    pi_generate(order_id=order.pk, actor=merchandiser)
    token = token_of(order)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    assert client.get(reverse("portal:pi", args=[forged])).status_code == 404
    assert client.post(reverse("portal:pi_confirm", args=[forged]), {"pi-contact_name": "x"}).status_code == 404


def test_staff_cannot_record_an_online_confirmation_by_hand(merchandiser, order):
    from core.errors import InvalidInput
    from orders.services import order_record_confirmation

    with pytest.raises(InvalidInput):
        order_record_confirmation(
            order_id=order.pk,
            actor=merchandiser,
            method=ConfirmationMethod.PI_ONLINE,
            contact="Alice",
            confirmed_at=order.received_at,
        )


def test_a_cancelled_order_offers_its_pi_but_no_confirmation(client, merchandiser, order):
    from orders.services import order_transition

    pi_generate(order_id=order.pk, actor=merchandiser)
    order_transition(order_id=order.pk, name="cancel", actor=merchandiser, reason="Customer withdrew")
    token = token_of(order)

    page = client.get(reverse("portal:status", args=[token])).content.decode()

    assert reverse("portal:pi", args=[token]) in page
    assert reverse("portal:pi_confirm", args=[token]) not in page
