"""The order page's work record (orders/views/work_record.py) is rendered once and served from the cache
until an event is added: every new event shows on the very next view, in the reader's language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.services import order_transition

from ..conftest import verify_and_confirm
from ..factories import make_order

pytestmark = pytest.mark.django_db


def record_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode().split('id="timeline"')[1].split("</ol>")[0]


def test_a_new_event_shows_on_the_next_view(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    before = record_of(client.get(f"/orders/{order.pk}/?tab=record"))
    assert before.count("<li>") == 1  # created

    verify_and_confirm(order, merchandiser)  # seven ticks and the customer's confirmation

    after = record_of(client.get(f"/orders/{order.pk}/?tab=record"))
    assert after.count("<li>") > before.count("<li>")
    assert "Customer confirmation recorded" in after


def test_the_second_view_reads_the_events_from_the_cache(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    client.get(f"/orders/{order.pk}/?tab=record")

    with CaptureQueriesContext(connection) as captured:
        client.get(f"/orders/{order.pk}/?tab=record")

    event_queries = [q["sql"] for q in captured.captured_queries if "orders_orderevent" in q["sql"]]
    # The head id only (the cache's key); never the rows.
    assert len(event_queries) == 1 and not event_queries[0].startswith('SELECT "orders_orderevent"')


def test_each_language_gets_its_own_rendering(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    order = order_transition(order_id=order.pk, name="cancel", actor=merchandiser, reason="Customer withdrew")
    client.force_login(merchandiser)

    english = record_of(client.get(f"/orders/{order.pk}/?tab=record", HTTP_ACCEPT_LANGUAGE="en"))
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])
    chinese = record_of(client.get(f"/orders/{order.pk}/?tab=record"))

    assert "Cancelled" in english
    assert "Cancelled" not in chinese and "已取消" in chinese
