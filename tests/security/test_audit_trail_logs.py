"""The supervision and evaluation records are append-only in the database too, as the order's work record is
(issue 19 item 12): on PostgreSQL a row trigger refuses every UPDATE and DELETE, whoever sends it. The one
update let through is the database's own ON DELETE SET NULL when a re-run drops a scorecard; the event keeps
everything else it said."""

import pytest
from django.db import DatabaseError, connection, transaction

from evaluation.codes import EventType
from evaluation.models import EvaluationEvent, EvaluationQuarter, Scorecard
from supervision.models import SupervisionEvent

from ..conftest import is_postgres, require_server

pytestmark = pytest.mark.django_db

TABLES = ["supervision_supervisionevent", "evaluation_evaluationevent"]


def require_postgres():
    require_server(is_postgres(), "PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.fixture
def quarter(db):
    return EvaluationQuarter.objects.create(year=2026, quarter=1)


@pytest.fixture
def events(merchandiser, quarter) -> dict:
    card = Scorecard.objects.create(evaluation=quarter, merchandiser=merchandiser)
    return {
        "supervision_supervisionevent": SupervisionEvent.objects.create(
            subject="violation:1", action="recorded", actor=merchandiser, note="as said"
        ),
        "evaluation_evaluationevent": EvaluationEvent.objects.create(
            evaluation=quarter, scorecard=card, type=EventType.ADJUSTED, actor=merchandiser, payload={"new": "90"}
        ),
    }


@pytest.mark.parametrize(
    ("table", "sql"),
    [
        ("supervision_supervisionevent", "UPDATE supervision_supervisionevent SET note = 'rewritten' WHERE id = %s"),
        (
            "supervision_supervisionevent",
            "UPDATE supervision_supervisionevent SET created_at = created_at - interval '1 day' WHERE id = %s",
        ),
        ("supervision_supervisionevent", "DELETE FROM supervision_supervisionevent WHERE id = %s"),
        ("evaluation_evaluationevent", "UPDATE evaluation_evaluationevent SET type = 'finalised' WHERE id = %s"),
        (
            "evaluation_evaluationevent",
            "UPDATE evaluation_evaluationevent SET created_at = created_at - interval '1 day' WHERE id = %s",
        ),
        ("evaluation_evaluationevent", "DELETE FROM evaluation_evaluationevent WHERE id = %s"),
    ],
)
def test_postgresql_refuses_update_and_delete_whoever_sends_them(events, table, sql):
    require_postgres()
    event = events[table]

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])

    stored = type(event).objects.filter(pk=event.pk).values().get()
    assert stored["created_at"] == event.created_at
    assert stored.get("note", "") == getattr(event, "note", "")
    assert stored.get("type", "") == getattr(event, "type", "")


def test_postgresql_refuses_to_relink_an_evaluation_event_to_another_scorecard(events, quarter, other_merchandiser):
    require_postgres()
    event = events["evaluation_evaluationevent"]
    other = Scorecard.objects.create(evaluation=quarter, merchandiser=other_merchandiser)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE evaluation_evaluationevent SET scorecard_id = %s WHERE id = %s", [other.pk, event.pk])

    assert EvaluationEvent.objects.get(pk=event.pk).scorecard_id != other.pk


def test_a_scorecard_dropped_by_a_rerun_leaves_its_events_whole_but_unlinked(events):
    """evaluation_score_quarter deletes the scorecard of someone no longer scored; its events stay."""
    event = events["evaluation_evaluationevent"]

    Scorecard.objects.filter(pk=event.scorecard_id).delete()

    stored = EvaluationEvent.objects.get(pk=event.pk)
    assert stored.scorecard_id is None
    assert (stored.type, stored.payload, stored.created_at) == (event.type, event.payload, event.created_at)


@pytest.mark.parametrize("table", TABLES)
def test_the_triggers_are_installed_by_the_migrations(table):
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_manipulation, action_orientation, action_timing FROM information_schema.triggers "
            "WHERE event_object_table = %s AND trigger_name = %s",
            [table, f"{table}_append_only"],
        )
        rows = cursor.fetchall()
    assert sorted(rows) == [("DELETE", "ROW", "BEFORE"), ("UPDATE", "ROW", "BEFORE")]
