"""The order list's rows (orders/views/order_rows.py): the cells a template would have drawn, every value
escaped, labels in the reader's language, dates in the local time zone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from orders.models import Order
from orders.selectors import ORDER_LIST_FIELDS
from orders.views.order_rows import order_rows_from_values, order_rows_html, order_summary_rows_html

from ..factories import CustomerFactory, make_order

pytestmark = pytest.mark.django_db


def rows_of(*orders) -> str:
    return str(order_rows_html(orders))


def test_a_row_shows_each_column_in_the_tables_order(merchandiser):
    customer = CustomerFactory(code="ZEP", name_en="Zephyr Textiles", name_zh="泽风纺织")
    order = make_order(merchandiser=merchandiser, customer=customer, customer_po="ZT-1", delivery_date=date(2027, 3, 9))
    Order.objects.filter(pk=order.pk).update(received_at=datetime(2026, 11, 27, 1, 30, tzinfo=ZoneInfo("UTC")))
    order = Order.objects.get(pk=order.pk)  # refresh_from_db would set the protected state

    with translation.override("en"), timezone.override("Asia/Shanghai"):
        html = rows_of(order)

    cells = [c.split("</td>")[0] for c in html.split("<td>")[1:]]
    assert f'href="/orders/{order.pk}/"' in cells[0] and "Draft: Zephyr Textiles PO ZT-1" in cells[0]
    assert cells[1] == "Zephyr Textiles"
    assert cells[2] == "ZT-1"
    assert 'class="badge state-received">Received</span>' in cells[3]
    assert cells[4] == "2027-03-09"
    assert cells[5] == str(merchandiser)
    assert cells[6] == "Phone"
    assert cells[7] == "2026-11-27 09:30"  # 01:30 UTC, shown in Shanghai time


def test_labels_and_names_follow_the_language(merchandiser):
    customer = CustomerFactory(name_en="Zephyr Textiles", name_zh="泽风纺织")
    order = make_order(merchandiser=merchandiser, customer=customer)
    Order.objects.filter(pk=order.pk).update(is_at_risk=True)
    order = Order.objects.get(pk=order.pk)  # refresh_from_db would set the protected state

    with translation.override("zh-hans"):
        html = rows_of(order)

    assert "泽风纺织" in html and "Zephyr" not in html
    assert ">已接收<" in html
    assert 'class="flag flag-risk">' in html and "At risk" not in html


def test_every_value_is_escaped(merchandiser):
    customer = CustomerFactory(name_en="<script>alert(1)</script>", name_zh="<b>x</b>")
    order = make_order(merchandiser=merchandiser, customer=customer, customer_po='"><img src=x onerror=alert(1)>')

    with translation.override("en"):
        html = rows_of(order)

    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_no_po_shows_a_dash_and_rows_alternate(merchandiser):
    first, second = make_order(merchandiser=merchandiser), make_order(merchandiser=merchandiser)

    html = rows_of(first, second)

    assert html.count("<td>—</td>") == 2
    assert html.index('<tr class="even">') < html.index('<tr class="odd">')


def test_the_list_page_says_when_nothing_matches(client, merchandiser):
    client.force_login(merchandiser)

    response = client.get("/orders/?q=no-such-order")

    assert response.status_code == 200
    assert "No orders match." in response.content.decode()


def test_the_header_links_sort_keeping_the_filters_and_marks_the_sorted_column(client, merchandiser):
    for _ in range(3):
        make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    html = client.get("/orders/?status=received&sort=-customer&page=2&per_page=25").content.decode()
    head = html.split("<thead>")[1].split("</thead>")[0]

    assert '<th class="desc orderable" aria-sort="descending"><a href="?status=received&amp;sort=customer' in head
    assert 'href="?status=received&amp;sort=delivery_date&amp;per_page=25"' in head  # page dropped
    assert head.count("<th") == 8


def test_the_pager_of_a_sorted_list_keeps_filter_and_sort(client, merchandiser):
    for _ in range(27):
        make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    first = client.get("/orders/?sort=delivery_date&status=received").content.decode()
    second = client.get("/orders/?sort=delivery_date&status=received&page=2").content.decode()

    assert 'href="?sort=delivery_date&amp;status=received&amp;page=2" rel="next"' in first
    assert 'href="?sort=delivery_date&amp;status=received&amp;page=1" rel="prev"' in second
    assert second.split("<tbody>")[1].count("<tr") == 2


# --- the dashboards' short tables (order_summary_rows_html, templates/dashboards/_recent.html) ----------


def test_a_summary_row_shows_number_customer_state_delivery_and_merchandiser(merchandiser):
    customer = CustomerFactory(name_en="Zephyr <Textiles>", name_zh="泽风纺织")
    order = make_order(merchandiser=merchandiser, customer=customer, delivery_date=date(2027, 3, 9))
    Order.objects.filter(pk=order.pk).update(is_overdue=True)
    order = Order.objects.get(pk=order.pk)

    with translation.override("en"):
        english = str(order_summary_rows_html([order]))
    with translation.override("zh-hans"):
        chinese = str(order_summary_rows_html([order]))

    cells = [c.split("</td>")[0] for c in english.split("<td>")[1:]]
    assert f'href="/orders/{order.pk}/"' in cells[0]
    assert cells[1] == "Zephyr &lt;Textiles&gt;"
    assert 'state-received">Received</span> <span class="flag flag-overdue">Overdue</span>' in cells[2]
    assert cells[3] == "March 9, 2027"  # the language's date format, as the template's {{ date }} gave
    assert cells[4] == str(merchandiser)
    assert "泽风纺织" in chinese and "2027年3月9日" in chinese and ">已接收<" in chinese


def test_a_dashboard_with_no_orders_says_so(client, merchandiser):
    client.force_login(merchandiser)

    page = client.get("/dashboards/merchandiser/").content.decode()

    assert page.count('<td colspan="5" class="empty">Nothing to show.</td>') == 2  # to verify, recent


def test_a_dashboard_lists_the_merchandisers_orders_through_the_summary_rows(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    page = client.get("/dashboards/merchandiser/").content.decode()

    assert f'<a href="/orders/{order.pk}/">{order.display_number}</a>' in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_rows_read_as_values_are_written_as_the_orders_themselves(merchandiser, other_merchandiser, language):
    """The list reads its rows with values_list (OrderRow): the same cells as from the model instances,
    in both languages, for entered and not-yet-entered orders, flags and Chinese names included."""
    other_merchandiser.first_name, other_merchandiser.last_name = "娜", "李"
    other_merchandiser.save()
    customer = CustomerFactory(name_en="Zephyr Textiles", name_zh="泽风纺织")
    orders = [
        make_order(merchandiser=merchandiser, customer=customer, customer_po="<PO>"),
        make_order(merchandiser=other_merchandiser, delivery_date=date(2027, 1, 2)),
    ]
    Order.objects.filter(pk=orders[0].pk).update(number="SO-2026-000777", is_at_risk=True, is_on_hold=True)
    instances = list(Order.objects.select_related("customer", "merchandiser").order_by("pk"))
    values = Order.objects.order_by("pk").values_list(*ORDER_LIST_FIELDS)

    with translation.override(language):
        assert str(order_rows_html(order_rows_from_values(values))) == str(order_rows_html(instances))
