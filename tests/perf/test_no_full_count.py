"""No page of the order list (nor the admin's order changelist) counts the orders table.

At a million orders a COUNT(*) is a few hundred milliseconds on every page view. The list's paginator
fetches one row past the page instead; the admin uses CappedCountPaginator and no full result count.
A COUNT over a bounded subquery (SELECT COUNT(*) FROM (SELECT ... LIMIT n)) would be fine.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..factories import staff
from .helpers import bulk_orders, counts_all_orders

pytestmark = pytest.mark.django_db

LIST_URLS = [
    "/orders/",
    "/orders/?page=2",
    "/orders/?per_page=500",
    "/orders/?status=received&is_at_risk=true",
    "/orders/?sort=delivery_date",
    "/orders/?sort=customer&page=2",
    "/orders/?q=SO-2099",
    "/orders/?received_from=2000-01-01",
]


def captured_sql(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("url", LIST_URLS)
@pytest.mark.parametrize("who", ["merchandiser", "supervisor", "management_user"])
def test_the_order_list_never_counts_the_orders_table(client, request, merchandiser, who, url):
    bulk_orders(merchandiser=merchandiser, n=60)
    client.force_login(request.getfixturevalue(who))
    sql = captured_sql(client, url)
    assert any('"orders_order"' in q for q in sql), "the list's query was not captured"
    assert not [q for q in sql if counts_all_orders(q)]


@pytest.mark.parametrize(
    "url", ["/admin/orders/order/", "/admin/orders/order/?status__exact=received", "/admin/orders/order/?q=SO-2099"]
)
def test_the_admin_order_changelist_never_counts_the_orders_table(client, merchandiser, url):
    bulk_orders(merchandiser=merchandiser, n=60)
    client.force_login(staff(None, is_staff=True, is_superuser=True))
    sql = captured_sql(client, url)
    assert not [q for q in sql if counts_all_orders(q)]


def test_the_detector_sees_a_count():
    assert counts_all_orders('SELECT COUNT(*) AS "__count" FROM "orders_order"')
    assert counts_all_orders('SELECT COUNT(*) FROM "orders_order" WHERE "orders_order"."status" = \'received\'')
    assert not counts_all_orders('SELECT COUNT(*) FROM (SELECT "orders_order"."id" FROM "orders_order" LIMIT 1001) s')
    assert not counts_all_orders('SELECT "orders_order"."id" FROM "orders_order" LIMIT 26')
