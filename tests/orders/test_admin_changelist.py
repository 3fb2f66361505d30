"""The admin's order changelist, built for a million orders (orders/admin.py: OrderAdmin, OrderChangeList,
CappedCountPaginator): search by number or PO prefix, filters on state, channel and flags, newest or
oldest first only, a count that stops at its cap, and no query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import urlencode
from django.utils.timezone import localtime

from orders.admin import CappedCountPaginator, OrderAdmin
from orders.models import Order

from ..factories import CustomerFactory, staff
from ..perf.helpers import bulk_orders, counts_all_orders

pytestmark = pytest.mark.django_db

URL = "/admin/orders/order/"
RECEIVED = OrderAdmin.list_display.index("received")  # the one sortable column


@pytest.fixture
def superuser_client(client):
    client.force_login(staff(None, is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def orders(merchandiser):
    """60 orders, newest first: SO-2099-… numbers, PO-0 … PO-59, every third one at risk."""
    return bulk_orders(merchandiser=merchandiser, n=60)


def shown(response) -> list[int]:
    assert response.status_code == 200
    return [order.pk for order in response.context["cl"].result_list]


def page_sql(client, url: str) -> list[str]:
    client.get(url)  # one-off costs (content types, permissions) out of the way
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


# --- order ------------------------------------------------------------------------------------------


def test_newest_first_by_default_and_oldest_first_on_request(superuser_client, orders):
    assert shown(superuser_client.get(URL)) == [o.pk for o in orders[:50]]
    assert shown(superuser_client.get(f"{URL}?o={RECEIVED}")) == [o.pk for o in reversed(orders)][:50]
    assert shown(superuser_client.get(f"{URL}?o=-{RECEIVED}")) == [o.pk for o in orders[:50]]


def test_only_the_received_column_sorts_and_a_hand_written_sort_is_ignored(superuser_client, orders):
    # given a sort on the customer column, which no index serves at a million orders
    response = superuser_client.get(f"{URL}?o={OrderAdmin.list_display.index('customer_name')}")

    # then the list stays newest first, and only the received column offers sorting
    assert shown(response) == [o.pk for o in orders[:50]]
    html = response.content.decode()
    assert html.count('<th scope="col" class="sortable') == 1
    assert 'class="sortable column-received' in html


# --- search -----------------------------------------------------------------------------------------


def test_search_by_whole_number_in_any_case_finds_the_order(superuser_client, orders):
    target = orders[17]
    assert shown(superuser_client.get(URL, {"q": target.number.lower()})) == [target.pk]


def test_search_by_number_prefix_finds_all_its_orders_newest_first(superuser_client, orders):
    prefix = orders[17].number[:-1]
    expected = [o.pk for o in orders if o.number.startswith(prefix)]
    assert len(expected) > 1
    assert shown(superuser_client.get(URL, {"q": prefix})) == expected


def test_search_by_po_prefix_finds_the_orders(superuser_client, orders):
    expected = [o.pk for o in orders if o.customer_po.startswith("PO-1")]  # PO-1, PO-10 … PO-19
    assert len(expected) == 11
    assert shown(superuser_client.get(URL, {"q": "po-1"})) == expected


def test_search_matches_the_beginning_only(superuser_client, orders):
    inner = orders[5].number[3:]  # "2099-…": inside the number, not its start
    assert shown(superuser_client.get(URL, {"q": inner})) == []
    assert shown(superuser_client.get(URL, {"q": "no-such-order"})) == []


# --- filters ----------------------------------------------------------------------------------------


def test_filters_by_state_channel_and_flags(superuser_client, orders):
    # given three orders in production, two by phone and one overdue (raw updates: test data only)
    Order.objects.filter(pk__in=[o.pk for o in orders[:3]]).update(status="in_production")
    Order.objects.filter(pk__in=[orders[4].pk, orders[40].pk]).update(channel="phone")
    Order.objects.filter(pk=orders[7].pk).update(is_overdue=True)

    assert shown(superuser_client.get(URL, {"status__exact": "in_production"})) == [o.pk for o in orders[:3]]
    assert shown(superuser_client.get(URL, {"channel__exact": "phone"})) == [orders[4].pk, orders[40].pk]
    assert shown(superuser_client.get(URL, {"is_overdue__exact": "1"})) == [orders[7].pk]
    assert shown(superuser_client.get(URL, {"is_at_risk__exact": "1"})) == [o.pk for o in orders[::3]]
    both = superuser_client.get(URL, {"status__exact": "in_production", "is_at_risk__exact": "1", "q": "SO-"})
    assert shown(both) == [orders[0].pk]


def test_the_state_column_shows_the_flags(superuser_client, orders):
    Order.objects.filter(pk=orders[3].pk).update(is_overdue=True, is_on_hold=True)
    html = superuser_client.get(URL, {"q": orders[3].number}).content.decode()
    assert "Received · Overdue · At risk · On hold" in html
    html = superuser_client.get(URL, {"q": orders[1].number}).content.decode()
    assert '<td class="field-state">Received</td>' in html


# --- rows ---------------------------------------------------------------------------------------------


def test_a_row_shows_the_order_and_links_to_it_keeping_the_filters(superuser_client, orders):
    order = orders[2]
    filters = {"status__exact": "received", "q": order.number}
    html = superuser_client.get(URL, filters).content.decode()
    link = f"/admin/orders/order/{order.pk}/change/?" + urlencode({"_changelist_filters": urlencode(filters)})
    assert f'<a href="{link}">{order.number}</a>' in html
    assert order.customer.name_en in html
    assert str(order.merchandiser) in html
    assert order.customer_po in html
    assert order.delivery_date.isoformat() in html
    assert localtime(order.received_at).strftime("%Y-%m-%d\u00a0%H:%M") in html
    assert superuser_client.get(link).status_code == 200  # the (read-only) order page itself


def test_names_of_customers_and_merchandisers_cost_no_query_per_row(superuser_client, merchandiser, supervisor):
    bulk_orders(merchandiser=merchandiser, n=5)
    small = page_sql(superuser_client, URL)

    # when 45 more orders of another customer and merchandiser arrive
    customer = CustomerFactory(name_en="Northwind Traders")
    bulk_orders(merchandiser=supervisor, n=45, customer=customer)
    large = page_sql(superuser_client, URL)

    assert len(large) == len(small) <= 15
    page = [q for q in large if 'FROM "orders_order"' in q and "COUNT(" not in q]
    assert len(page) == 1 and '"orders_customer"' in page[0] and '"accounts_user"' in page[0]
    html = superuser_client.get(URL).content.decode()
    assert "Northwind Traders" in html and str(supervisor) in html and str(merchandiser) in html


# --- counting -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?p=2",
        f"?o={RECEIVED}",
        "?q=SO-2099",
        "?q=PO-1",
        "?status__exact=received&is_at_risk__exact=1",
        "?_facets=1",
    ],
)
def test_no_query_counts_the_orders_table(superuser_client, orders, query):
    sql = page_sql(superuser_client, URL + query)
    assert any('"orders_order"' in q for q in sql), "the changelist's query was not captured"
    assert not [q for q in sql if counts_all_orders(q)]


def test_no_facet_counts_are_offered(superuser_client, orders):
    # a facet is a COUNT per filter option over the whole table: neither offered nor honoured when asked
    html = superuser_client.get(URL).content.decode()
    assert "Show counts" not in html
    sql = page_sql(superuser_client, f"{URL}?_facets=1")
    assert [q for q in sql if "COUNT(" in q.upper()] == [q for q in sql if "COUNT(" in q.upper() and " LIMIT " in q]
    assert len([q for q in sql if "COUNT(" in q.upper()]) == 1  # the capped count of the page, nothing per option


def test_the_count_stops_at_its_cap(superuser_client, orders, monkeypatch):
    # given a cap of 20 orders on pages of 5 (1,000 on pages of 50 for real)
    monkeypatch.setattr(CappedCountPaginator, "cap", 20)
    monkeypatch.setattr(OrderAdmin, "list_per_page", 5)

    response = superuser_client.get(URL)
    assert "20+ orders" in response.content.decode()
    assert response.context["cl"].paginator.num_pages == 4
    assert shown(superuser_client.get(URL, {"p": 4})) == [o.pk for o in orders[15:20]]
    assert superuser_client.get(URL, {"p": 5}).status_code == 302  # past the cap: Django's invalid-page redirect

    # a search under the cap is counted exactly
    response = superuser_client.get(URL, {"q": "PO-1"})
    assert response.context["cl"].result_count == 11
    assert "11 orders" in response.content.decode()
