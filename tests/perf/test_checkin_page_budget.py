"""The merchandiser's check-in page costs a fixed number of queries, whatever the number of orders in
production: its counts are one grouped COUNT over the user's own in-production orders, and only one page
of rows is read. Measured like test_query_budgets: a warm request, at 5 orders and at 60."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..production.conftest import bulk_in_production, done_today

pytestmark = pytest.mark.django_db

CHECKIN_PAGE_BUDGET = 10  # including the session, the user and the user's roles

VIEWS = ["", "show=done", "show=all", "show=all&page=2&per_page=25", "show=todo&per_page=100", "page=999"]


def queries_of(client, url: str) -> list[str]:
    client.get(url)  # the first request pays one-off costs (content types, caches)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in captured.captured_queries]


def grow_to(merchandiser, orders: list, n: int) -> None:
    """Add in-production orders until there are `n`, a fifth of them checked in today."""
    new = bulk_in_production(merchandiser=merchandiser, n=n - len(orders))
    done_today(new[::5], merchandiser=merchandiser)
    orders += new


@pytest.mark.parametrize("query", VIEWS)
def test_the_checkin_page_costs_the_same_at_5_and_60_orders(client, merchandiser, other_merchandiser, query):
    # given: someone else's orders too, which must not be counted
    bulk_in_production(merchandiser=other_merchandiser, n=30)
    orders: list = []
    grow_to(merchandiser, orders, 5)
    client.force_login(merchandiser)
    url = f"{reverse('production:my_checkins')}?{query}"
    small = queries_of(client, url)
    # when
    grow_to(merchandiser, orders, 60)
    large = queries_of(client, url)
    # then
    listing = "\n".join(large)
    assert len(small) == len(large), f"queries grew with the data: {len(small)} -> {len(large)}\n{listing}"
    assert len(large) <= CHECKIN_PAGE_BUDGET, f"{len(large)} queries, budget {CHECKIN_PAGE_BUDGET}:\n{listing}"


def test_the_counts_are_restricted_to_the_users_in_production_orders(client, merchandiser, other_merchandiser):
    bulk_in_production(merchandiser=other_merchandiser, n=5)
    bulk_in_production(merchandiser=merchandiser, n=30)
    client.force_login(merchandiser)
    counts = [q for q in queries_of(client, reverse("production:my_checkins")) if "COUNT(" in q.upper()]
    assert len(counts) == 1, counts  # the tabs, the progress line and the pager share one query
    assert '"orders_order"."merchandiser_id" =' in counts[0] and '"orders_order"."status" =' in counts[0]


def test_an_htmx_save_costs_the_same_at_5_and_60_orders(client, merchandiser):
    orders: list = []
    grow_to(merchandiser, orders, 5)
    client.force_login(merchandiser)
    client.get(reverse("production:my_checkins"))

    def save(order) -> int:
        data = {f"o{order.pk}-contact_name": "Ms Zhou", f"o{order.pk}-contact_method": "phone", "back": "page=2"}
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("production:checkin_save", args=[order.pk]), data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        return len(captured)

    small = save(orders[1])
    grow_to(merchandiser, orders, 60)
    assert save(orders[2]) == small
