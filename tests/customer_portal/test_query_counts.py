"""The portal's pages cost the same number of queries whatever the number of rows (pinned)."""

import pytest

from ..factories import make_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/customer/", "/customer/orders/", "/customer/shipments/", "/customer/developer/"])
def test_a_page_costs_the_same_for_three_orders_as_for_one(client, contact_user, merchandiser, path):
    customer = contact_user.customer_contact.customer
    make_order(merchandiser=merchandiser, customer=customer)
    client.force_login(contact_user)
    client.get(path)  # warm the per-process caches (menu, content types)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    for _ in range(2):
        make_order(merchandiser=merchandiser, customer=customer)
    with CaptureQueriesContext(connection) as three:
        assert client.get(path).status_code == 200
    assert len(three) == len(one) <= 16, [q["sql"] for q in three.captured_queries]
