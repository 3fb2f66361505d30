"""The backup procedure of docs/operations/backup-restore.md, run for real: pg_dump -Fc of the database,
pg_restore into a fresh empty one, and every order and event is there, byte for byte the same."""

import hashlib
import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from orders.services import order_transition

from ..conftest import advance, is_postgres, require_server
from ..factories import make_order

ORDERS_SQL = "SELECT id, number, status, version, customer_id, delivery_date FROM orders_order ORDER BY id"
EVENTS_SQL = (
    "SELECT id, order_id, type, from_state, to_state, actor_id, (extract(epoch FROM created_at) * 1e6)::bigint, "
    "payload::text "
    "FROM orders_orderevent ORDER BY id"
)
LINES_SQL = "SELECT id, order_id, line_no, quantity, unit_price FROM orders_orderline ORDER BY id"


def fingerprint(cursor) -> dict:
    result = {}
    for name, sql in (("orders", ORDERS_SQL), ("events", EVENTS_SQL), ("lines", LINES_SQL)):
        cursor.execute(sql)
        rows = cursor.fetchall()
        result[name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def pg_env(settings_dict) -> dict:
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def pg_args(settings_dict) -> list[str]:
    args = ["-h", settings_dict.get("HOST") or "127.0.0.1", "-U", settings_dict.get("USER") or "postgres"]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    return args


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # pg_dump reads over its own connection: the data must be committed
def test_dump_and_restore_into_an_empty_database_keeps_every_order_and_event(merchandiser, supervisor, tmp_path):
    require_server(is_postgres(), "PostgreSQL (DATABASE_URL=postgres://...)")
    require_server(bool(shutil.which("pg_dump") and shutil.which("pg_restore")), "pg_dump and pg_restore")

    # given: orders in several states, with their events
    for i in range(6):
        order = make_order(merchandiser=merchandiser, lines=2)
        if i % 3 == 1:
            advance(order, merchandiser, "confirm", "enter")
        elif i % 3 == 2:
            order_transition(order_id=order.pk, name="cancel", actor=supervisor, reason=f"test {i}")
    settings_dict = connection.settings_dict
    with connection.cursor() as cursor:
        original = fingerprint(cursor)
    assert original["orders"][0] == 6 and original["events"][0] > 6

    dump = tmp_path / "gendan.dump"
    restored_db = f"{settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    env, args = pg_env(settings_dict), pg_args(settings_dict)
    try:
        # when: the documented commands
        subprocess.run(
            ["pg_dump", *args, "-Fc", "--no-owner", "-f", str(dump), settings_dict["NAME"]],
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        assert dump.stat().st_size > 0
        subprocess.run(["createdb", *args, restored_db], env=env, check=True, capture_output=True, timeout=60)
        restore = subprocess.run(
            ["pg_restore", *args, "--no-owner", "--exit-on-error", "-d", restored_db, str(dump)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert restore.returncode == 0, restore.stderr

        # then: the same rows, and the restored database still refuses to rewrite history
        dsn = {
            "host": settings_dict.get("HOST") or "127.0.0.1",
            "port": settings_dict.get("PORT") or 5432,
            "user": settings_dict.get("USER") or "postgres",
            "password": settings_dict.get("PASSWORD") or None,
            "dbname": restored_db,
        }
        with psycopg.connect(**{k: v for k, v in dsn.items() if v is not None}) as restored:
            with restored.cursor() as cursor:
                assert fingerprint(cursor) == original
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    cursor.execute("DELETE FROM orders_orderevent")
            restored.rollback()
    finally:
        subprocess.run(["dropdb", *args, "--if-exists", restored_db], env=env, capture_output=True, timeout=60)
