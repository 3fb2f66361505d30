"""The search box's big-table lookups are ones an index answers on PostgreSQL (search/migrations/0002,
orders 0017): the query's expression must be the index's own, or at a million orders the planner walks a
whole table. Sequential scans are switched off so that the test table's few rows do not hide a mismatch."""

import pytest
from django.db import connection

from logistics.selectors import shipments_visible_to
from orders.selectors import orders_visible_to
from search.selectors import _prefix_key

from ..conftest import IN_CI, is_postgres


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if not is_postgres():
        if IN_CI:
            pytest.fail("these indexes are PostgreSQL's: CI runs this on PostgreSQL")
        pytest.skip("the prefix keys and their indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")


def _plan(qs) -> str:
    return qs.explain()


@pytest.mark.parametrize(
    ("field_name", "index"), [("number", "search_order_number_key"), ("customer_po", "search_order_po_key")]
)
def test_a_prefix_of_a_number_or_po_is_read_from_its_key_in_order(management_user, field_name, index):
    qs = orders_visible_to(management_user).alias(key=_prefix_key(field_name))
    plan = _plan(qs.filter(key__startswith="SO-2026-00").order_by("-key")[:6])

    assert index in plan
    assert "Sort" not in plan  # read in the key's order: no rows gathered and sorted


def test_a_tracking_number_prefix_is_read_from_its_key(management_user):
    qs = shipments_visible_to(management_user).alias(key=_prefix_key("tracking_number"))

    assert "search_shipment_tracking_key" in _plan(qs.filter(key__startswith="SF99").order_by("-key")[:6])


def test_a_customers_orders_are_read_newest_first_from_the_customers_index(management_user):
    plan = _plan(orders_visible_to(management_user).filter(customer_id=1).order_by("-received_at", "-id")[:6])

    assert "order_customer_recv_idx" in plan
