"""Logistics pages: who may open them, the panel on the order page, the forms end to end."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from logistics.models import Carrier, Shipment, StatusLink
from orders.models import OrderState

from .helpers import after_sales_order, fresh, in_production_order, make_carrier, shipped_order


def shipment_form(order, **overrides):
    data = {
        "carrier": make_carrier().pk,
        "mode": "air",
        "tracking_number": "172-12345675",
        "ship_date": timezone.localdate().isoformat(),
        "eta": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }
    data.update({f"qty_{line.pk}": str(line.quantity) for line in order.lines.all()})
    data.update(overrides)
    return data


# --- wrong role, wrong team -----------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["qa_user", "hr_user", "management_user"])
def test_read_only_roles_cannot_record_a_shipment(client, request, merchandiser, who):
    order = in_production_order(merchandiser, lines=1)
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("logistics:shipment_new", args=[order.pk])).status_code == 403
    assert client.post(reverse("logistics:shipment_new", args=[order.pk]), shipment_form(order)).status_code == 403
    assert not Shipment.objects.exists()


def test_another_teams_merchandiser_gets_404(client, merchandiser, other_merchandiser):
    order, shipment = shipped_order(merchandiser)
    client.force_login(other_merchandiser)
    for url in (
        reverse("logistics:shipment_new", args=[order.pk]),
        reverse("logistics:shipment_deliver", args=[shipment.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("logistics:status_link_revoke", args=[order.pk])).status_code == 404
    assert client.post(reverse("logistics:shipment_deliver", args=[shipment.pk]), {}).status_code == 404
    assert fresh(shipment).delivered_on is None


def test_signed_out_people_are_sent_to_sign_in(client, merchandiser):
    order = in_production_order(merchandiser, lines=1)
    response = client.get(reverse("logistics:shipment_new", args=[order.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_only_supervisors_manage_carriers(client, merchandiser, supervisor):
    client.force_login(merchandiser)
    assert client.get(reverse("logistics:carrier_list")).status_code == 200
    assert client.get(reverse("logistics:carrier_new")).status_code == 403

    client.force_login(supervisor)
    response = client.post(
        reverse("logistics:carrier_new"),
        {"code": "COSCO", "name_zh": "中远海运", "name_en": "COSCO Shipping", "default_mode": "sea", "active": "on"},
    )
    assert response.status_code == 302
    assert Carrier.objects.get(code="cosco").name_en == "COSCO Shipping"


def test_a_tracking_link_must_be_https_with_a_placeholder(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("logistics:carrier_new"),
        {"code": "x", "name_zh": "x", "name_en": "x", "tracking_url": "http://evil.example/", "active": "on"},
    )
    assert response.status_code == 400
    assert not Carrier.objects.filter(code="x").exists()


# --- the forms ------------------------------------------------------------------------------------------
def test_recording_a_shipment_through_the_form(client, merchandiser):
    order = in_production_order(merchandiser, lines=2)
    client.force_login(merchandiser)
    page = client.get(reverse("logistics:shipment_new", args=[order.pk]))
    assert page.status_code == 200

    packing = SimpleUploadedFile("packing.xlsx", b"PK\x03\x04 packing list")
    response = client.post(
        reverse("logistics:shipment_new", args=[order.pk]), {**shipment_form(order), "packing_list": packing}
    )

    assert response.status_code == 302
    assert fresh(order).status == OrderState.SHIPPED
    assert Shipment.objects.get(order=order).documents.get().kind == "packing_list"


def test_the_form_shows_every_problem_and_saves_nothing(client, merchandiser):
    order = in_production_order(merchandiser, lines=1)
    line = order.lines.get()
    client.force_login(merchandiser)

    response = client.post(
        reverse("logistics:shipment_new", args=[order.pk]),
        shipment_form(order, tracking_number="", **{f"qty_{line.pk}": "150"}),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "needs a tracking number" in page
    assert "would exceed the ordered 100" in page
    assert not Shipment.objects.exists()


def test_confirming_delivery_through_the_form(client, merchandiser):
    order, shipment = shipped_order(merchandiser)
    client.force_login(merchandiser)
    pod = SimpleUploadedFile("pod.jpg", b"\xff\xd8\xff fake jpeg")

    response = client.post(
        reverse("logistics:shipment_deliver", args=[shipment.pk]),
        {"delivered_on": timezone.localdate().isoformat(), "received_by": "Anna Berg", "proof": pod},
    )

    assert response.status_code == 302
    assert fresh(order).status == OrderState.AFTER_SALES
    assert fresh(shipment).documents.get().kind == "proof_of_delivery"


def test_documents_download_only_for_people_who_see_the_order(client, merchandiser, other_merchandiser):
    order, shipment = shipped_order(merchandiser)
    client.force_login(merchandiser)
    client.post(
        reverse("logistics:document_add", args=[shipment.pk]),
        {"kind": "bill_of_lading", "file": SimpleUploadedFile("bl.pdf", b"%PDF-1.4 bl")},
    )
    document = shipment.documents.get()
    url = reverse("logistics:document", args=[shipment.pk, document.pk])

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")

    client.force_login(other_merchandiser)
    assert client.get(url).status_code == 404


def test_revoking_the_link_from_the_order_page(client, merchandiser):
    order, _shipment = shipped_order(merchandiser)
    old = StatusLink.objects.get(order=order).nonce
    client.force_login(merchandiser)

    client.post(reverse("logistics:status_link_revoke", args=[order.pk]))

    assert StatusLink.objects.get(order=order).nonce != old


# --- the panel on the order page ------------------------------------------------------------------------
def test_the_order_page_shows_shipments_and_the_customers_link(client, merchandiser):
    order = after_sales_order(merchandiser)
    client.force_login(merchandiser)

    # The order opens on its stage's tab (after-sales); the shipments and the link are on their own tab.
    detail = reverse("orders:detail", args=[order.pk])
    assert 'id="panel-aftersales"' in client.get(detail).content.decode()
    page = client.get(f"{detail}?tab=shipments").content.decode()

    assert 'id="panel-logistics"' in page
    assert f"{order.number}-S1" in page
    assert "/s/" in page  # the status link to copy
    assert "Revoke and replace the link" in page


def test_the_order_page_query_count_does_not_grow_with_shipments(client, merchandiser, django_assert_max_num_queries):
    order = in_production_order(merchandiser, lines=3)
    lines = list(order.lines.all())
    from .helpers import ship

    for line in lines:
        ship(order, merchandiser, quantities={line.pk: 10})
    client.force_login(merchandiser)
    url = reverse("orders:detail", args=[order.pk])
    client.get(url)

    with django_assert_max_num_queries(60) as few:
        client.get(url)
    budget = len(few.captured_queries)  # read now: the next request resets the query log
    for line in lines:
        ship(order, merchandiser, quantities={line.pk: 10})
    client.get(url)  # the new events' work record is rendered once, then served from the cache
    with django_assert_max_num_queries(budget):
        client.get(url)


def test_the_shipment_list(client, merchandiser, qa_user, django_assert_max_num_queries):
    for _ in range(3):
        shipped_order(merchandiser)
    client.force_login(merchandiser)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("logistics:shipment_list"))
    assert response.content.decode().count("-S1") == 3
    client.force_login(qa_user)
    assert client.get(reverse("logistics:shipment_list") + "?scope=all").status_code == 200
