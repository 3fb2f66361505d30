"""core.fields.StateField: an FSM field on the model, a plain CharField in migrations."""

import weakref

from django.db import models
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import class_prepared
from django_fsm import FSMField

from core.fields import StateField
from orders.models import Order


def test_a_state_field_deconstructs_to_the_charfield_it_stores():
    field = StateField(default="draft", choices=[("draft", "Draft")], protected=True)
    field.set_attributes_from_name("status")
    name, path, args, kwargs = field.deconstruct()
    assert path == "django.db.models.CharField"
    assert "protected" not in kwargs
    assert kwargs["max_length"] == 50
    assert kwargs["default"] == "draft"


def test_the_real_model_keeps_its_transitions_and_protection():
    status = Order._meta.get_field("status")
    assert isinstance(status, FSMField)
    assert status.protected
    assert {t.name for t in Order().get_all_status_transitions()} >= {"confirm", "enter", "cancel"}


def test_no_migration_builds_an_fsm_field():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    fsm_fields = []
    for (app_label, name), migration in loader.disk_migrations.items():
        for operation in migration.operations:
            fields = [f for _, f in getattr(operation, "fields", [])]
            if getattr(operation, "field", None) is not None:
                fields.append(operation.field)
            fsm_fields += [f"{app_label}.{name}" for f in fields if isinstance(f, FSMField)]
    assert fsm_fields == []


def _fsm_receivers() -> int:
    receivers = [r() if isinstance(r, weakref.ReferenceType) else r for _key, r, *_rest in class_prepared.receivers]
    return sum(1 for r in receivers if getattr(r, "__func__", None) is FSMField._collect_transitions)


def test_rendering_the_migration_state_connects_no_receivers():
    """The cause of a slow first migrate: every historical model built from an FSMField connected one more
    class_prepared receiver, and each later model build walked them all."""
    before = _fsm_receivers()
    loader = MigrationLoader(None, ignore_no_migrations=True)
    state = loader.project_state()
    apps = state.apps  # builds every historical model
    assert apps.get_model("orders", "Order")._meta.get_field("status").__class__ is models.CharField
    assert _fsm_receivers() == before
