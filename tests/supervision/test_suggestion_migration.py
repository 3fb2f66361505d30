"""Suggestions moved from aftersales to supervision keep their rows, their record, their links from weekly
reports and their permissions (supervision 0004-0005, aftersales 0003)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.roles import Role
from tests.factories import staff

BEFORE = [("aftersales", "0002_case_active_idx"), ("supervision", "0003_supervisionevent_append_only")]
AFTER = [("aftersales", "0003_suggestion_to_supervision"), ("supervision", "0005_suggestion_tables")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_suggestion_written_before_the_move_is_there_after_it():
    author = staff(Role.MERCHANDISER)
    old = _migrate(BEFORE)
    old_suggestion = old.get_model("aftersales", "Suggestion")
    old_event = old.get_model("aftersales", "SuggestionEvent")
    suggestion = old_suggestion.objects.create(title="Pack by carton", body="One size a carton.", author_id=author.pk)
    old_event.objects.create(suggestion=suggestion, actor_id=author.pk, to_state="submitted")
    ContentType = old.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="aftersales", model="suggestion")

    try:
        new = _migrate(AFTER)
        moved = new.get_model("supervision", "Suggestion").objects.get(pk=suggestion.pk)
        assert moved.title == "Pack by carton"
        assert list(
            new.get_model("supervision", "SuggestionEvent")
            .objects.filter(suggestion_id=moved.pk)
            .values_list("to_state", flat=True)
        ) == ["submitted"]
        assert "supervision_suggestion" in connection.introspection.table_names()
        assert "aftersales_suggestion" not in connection.introspection.table_names()
        assert (
            new.get_model("contenttypes", "ContentType")
            .objects.filter(app_label="supervision", model="suggestion")
            .exists()
        )
    finally:
        # Leave the database as the rest of the suite expects it: every app at its latest migration, not only
        # at AFTER (going back to BEFORE also unapplied the later migrations of supervision and its dependents).
        _migrate_to_latest()
