"""The order list's table (templates/jinja2/orders/_order_table.html) and the dashboards' short tables:
a cell per column of orders.tables.OrderTable, in its order, whether the page was read by keyset (rows from
values()) or by offset (model instances); every value escaped; labels in the reader's language."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from orders.models import Order
from orders.tables import OrderTable

from ..factories import CustomerFactory, make_order

pytestmark = pytest.mark.django_db


def cells_of(html: str, order) -> list[str]:
    row = re.search(rf'<tr class="even">(<td><a href="/orders/{order.pk}/">.*?)</tr>', html, re.S).group(1)
    return [cell.split("</td>")[0] for cell in row.split("<td>")[1:]]


@pytest.mark.parametrize("query", ["", "?sort=delivery_date"])  # keyset rows, then model instances
def test_a_row_has_a_cell_per_column_in_the_tables_order(client, merchandiser, query):
    customer = CustomerFactory(code="ZEP", name_en="Zephyr Textiles", name_zh="泽风纺织")
    order = make_order(merchandiser=merchandiser, customer=customer, customer_po="ZT-1", delivery_date=date(2027, 3, 9))
    Order.objects.filter(pk=order.pk).update(
        received_at=datetime(2026, 11, 27, 1, 30, tzinfo=ZoneInfo("UTC")), is_overdue=True
    )
    client.force_login(merchandiser)

    html = client.get(reverse("orders:list") + query).content.decode()

    headers = re.findall(r"<th scope=\"col\"", html)
    assert len(headers) == len(OrderTable.base_columns)
    cells = cells_of(html, order)
    assert len(cells) == len(OrderTable.base_columns)
    assert "Draft: Zephyr Textiles PO ZT-1" in cells[0]
    assert cells[1] == "Zephyr Textiles"
    assert cells[2] == "ZT-1"
    assert cells[3] == (
        '<span class="badge state-received">Received</span> <span class="flag flag-overdue">Overdue</span>'
    )
    assert cells[4] == "2027-03-09"
    assert cells[5] == str(merchandiser)
    assert cells[6] == "Phone"
    assert cells[7] == "2026-11-27 09:30"  # 01:30 UTC, shown in Shanghai time


def test_labels_and_names_follow_the_language(client, merchandiser):
    customer = CustomerFactory(name_en="Zephyr Textiles", name_zh="泽风纺织")
    order = make_order(merchandiser=merchandiser, customer=customer)
    Order.objects.filter(pk=order.pk).update(is_at_risk=True)
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)

    html = client.get(reverse("orders:list")).content.decode()

    cells = cells_of(html, order)
    assert cells[1] == "泽风纺织"
    assert ">已接收<" in cells[3] and 'class="flag flag-risk">' in cells[3] and "At risk" not in cells[3]


def test_every_value_is_escaped(client, merchandiser):
    customer = CustomerFactory(name_en="<script>alert(1)</script>", name_zh="<b>x</b>")
    make_order(merchandiser=merchandiser, customer=customer, customer_po='"><img src=x onerror=alert(1)>')
    client.force_login(merchandiser)

    pages = [reverse("orders:list"), reverse("orders:list") + "?sort=customer_po", reverse("dashboards:merchandiser")]
    for url in pages:
        html = client.get(url, follow=True).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url


def test_the_sort_links_keep_the_filters_and_start_again_at_page_one(client, merchandiser):
    make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    html = client.get(reverse("orders:list") + "?status=received&page=2&sort=delivery_date").content.decode()

    assert 'aria-sort="ascending"' in html
    assert 'href="?status=received&amp;sort=-delivery_date"' in html
