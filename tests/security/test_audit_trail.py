"""The work record (OrderEvent) is append-only: in Python, in the admin, and on PostgreSQL in the database
itself; and a transaction that rolls back leaves no event behind."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from orders import hooks
from orders.models import Order, OrderEvent, OrderState
from orders.services import order_transition

from ..conftest import is_postgres, require_server
from ..factories import make_order
from .conftest import make_superuser


def require_postgres():
    require_server(is_postgres(), "PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.mark.django_db
def test_python_refuses_to_change_or_delete_an_event(merchandiser):
    order = make_order(merchandiser=merchandiser)
    event = OrderEvent.objects.filter(order=order).first()
    for attempt in (
        lambda: event.save(),
        lambda: event.delete(),
        lambda: OrderEvent.objects.filter(pk=event.pk).update(note="changed"),
        lambda: OrderEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(PermissionError):
            attempt()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE orders_orderevent SET note = 'rewritten' WHERE id = %s",
        "UPDATE orders_orderevent SET created_at = created_at - interval '1 day' WHERE id = %s",
        "DELETE FROM orders_orderevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete_whoever_sends_them(merchandiser, sql):
    require_postgres()
    order = make_order(merchandiser=merchandiser)
    event = OrderEvent.objects.filter(order=order).first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    stored = OrderEvent.objects.get(pk=event.pk)
    assert (stored.note, stored.created_at) == (event.note, event.created_at)


@pytest.mark.django_db
def test_the_trigger_is_installed_by_the_migration():
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'orders_orderevent'::regclass AND NOT tgisinternal"
        )
        assert ("orders_orderevent_append_only",) in cursor.fetchall()


@pytest.mark.django_db
def test_the_trigger_fires_per_row_on_update_and_delete_only():
    """Not on INSERT (events keep being written) and not on TRUNCATE, which is a statement-level event:
    the test runner's flush between transactional tests still empties the table (the pair below)."""
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_manipulation, action_orientation, action_timing FROM information_schema.triggers "
            "WHERE event_object_table = 'orders_orderevent' AND trigger_name = 'orders_orderevent_append_only'"
        )
        rows = cursor.fetchall()
    assert sorted(rows) == [("DELETE", "ROW", "BEFORE"), ("UPDATE", "ROW", "BEFORE")]


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_flush_the_event_table_between_tests_a(merchandiser):
    make_order(merchandiser=merchandiser)
    assert OrderEvent.objects.count() >= 1


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_flush_the_event_table_between_tests_b(merchandiser):
    """Runs after _a: its events were flushed despite the trigger (or this one would see them)."""
    assert not OrderEvent.objects.exists()


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_event(merchandiser):
    order = make_order(merchandiser=merchandiser)
    before = OrderEvent.objects.filter(order=order).count()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        order_transition(order_id=order.pk, name="cancel", actor=merchandiser, reason="changed my mind")
        assert OrderEvent.objects.filter(order=order).count() == before + 1
        raise Boom

    assert OrderEvent.objects.filter(order=order).count() == before
    assert Order.objects.get(pk=order.pk).status == OrderState.RECEIVED


@pytest.mark.django_db
def test_a_failure_after_the_event_is_written_takes_the_event_with_it(merchandiser, monkeypatch):
    """A stage's after-transition action that fails rolls back the state change and its event together."""
    order = make_order(merchandiser=merchandiser)
    before = OrderEvent.objects.filter(order=order).count()

    def failing_after(order, actor):
        raise RuntimeError("stage failed")

    monkeypatch.setitem(hooks._after, "cancel", [failing_after])
    with pytest.raises(RuntimeError):
        order_transition(order_id=order.pk, name="cancel", actor=merchandiser, reason="x")
    assert OrderEvent.objects.filter(order=order).count() == before
    assert Order.objects.get(pk=order.pk).status == OrderState.RECEIVED


@pytest.mark.django_db
def test_the_admin_shows_events_read_only(merchandiser):
    order = make_order(merchandiser=merchandiser)
    event = OrderEvent.objects.filter(order=order).first()
    client = Client()
    client.force_login(make_superuser())
    change_url = f"/admin/orders/orderevent/{event.pk}/change/"
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # viewable, not editable
    assert client.post(change_url, {"note": "rewritten"}).status_code == 403
    assert client.post(f"/admin/orders/orderevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/orders/orderevent/add/").status_code == 403
    assert OrderEvent.objects.get(pk=event.pk).note == event.note
