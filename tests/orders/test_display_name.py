"""An order not yet entered has no number: every page, email and export names it the way the merchandiser
knows it, "Draft: <customer> PO <po>" in the reader's language, never by its database id."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from orders.models import Order
from orders.models.order import order_draft_name

from ..conftest import advance
from ..factories import CustomerFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def zephyr():
    return CustomerFactory(code="ZEP", name_en="Zephyr Textiles", name_zh="泽风纺织")


@pytest.fixture
def draft(merchandiser, zephyr):
    return make_order(merchandiser=merchandiser, customer=zephyr, customer_po="ZT-1001")


def test_a_draft_is_named_by_its_customer_and_po_in_the_readers_language(draft):
    with translation.override("en"):
        assert draft.display_number == str(draft) == "Draft: Zephyr Textiles PO ZT-1001"
    with translation.override("zh-hans"):
        assert draft.display_number == str(draft) == "草稿：泽风纺织 PO ZT-1001"


def test_a_draft_without_a_po_is_named_by_its_customer(merchandiser, zephyr):
    order = make_order(merchandiser=merchandiser, customer=zephyr, customer_po="")
    with translation.override("en"):
        assert order.display_number == "Draft: Zephyr Textiles"
    assert order_draft_name(customer="Zephyr Textiles", po="") == "Draft: Zephyr Textiles"


def test_an_entered_order_is_named_by_its_number(merchandiser, draft):
    entered = advance(draft, merchandiser, "confirm", "enter")
    assert entered.number and entered.display_number == str(entered) == entered.number


def test_the_order_page_heading_and_title_name_the_draft(client, merchandiser, draft):
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)

    page = client.get(reverse("orders:detail", args=[draft.pk])).content.decode()

    assert "草稿：泽风纺织 PO ZT-1001" in page.split("</h1>")[0]
    assert "草稿：泽风纺织 PO ZT-1001" in page.split("</title>")[0]
    assert f"#{draft.pk}" not in page


def test_the_list_and_its_export_name_the_draft(client, merchandiser, draft):
    client.force_login(merchandiser)

    listed = client.get(reverse("orders:list")).content.decode()
    exported = client.get(reverse("orders:export", args=["csv"])).content.decode("utf-8-sig")

    assert "Draft: Zephyr Textiles PO ZT-1001" in listed
    assert list(csv.DictReader(io.StringIO(exported)))[0]["Order"] == "Draft: Zephyr Textiles PO ZT-1001"


def test_a_supervisors_review_queue_names_drafts_without_a_query_per_row(client, supervisor, merchandiser, zephyr):
    for n in range(4):
        make_order(merchandiser=merchandiser, customer=zephyr, customer_po=f"ZT-{n}")
    client.force_login(supervisor)

    page = client.get(reverse("supervision:review_queue")).content.decode()  # zeal raises on an N+1

    assert all(f"Draft: Zephyr Textiles PO ZT-{n}" in page for n in range(4))
    assert not Order.objects.filter(number__isnull=False).exists()
