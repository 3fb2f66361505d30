"""`migrate` is core's: the same command, without django-fsm-2's receivers piling up on every rendered
historical model (core/management/commands/migrate.py)."""

from django.apps import apps
from django.core.management import get_commands
from django.db.migrations.state import ProjectState
from django.db.models.signals import class_prepared
from django.dispatch.dispatcher import NONE_ID

from core.management.commands.migrate import fsm_receivers_per_class
from orders.models import Order


def receivers_for_every_class() -> int:
    return sum(1 for (_receiver, sender), *_ in class_prepared.receivers if sender == NONE_ID)


def render_every_model():
    """Every model rendered as migrate renders them; the caller holds the result so none is collected."""
    return ProjectState.from_apps(apps).apps


def test_migrate_is_cores_command():
    assert get_commands()["migrate"] == "core"


def test_rendering_the_models_adds_no_receiver_for_every_class():
    before = receivers_for_every_class()
    with fsm_receivers_per_class():
        scoped = render_every_model()
    assert receivers_for_every_class() == before
    # Without it, each rendered state field adds one (the cost the command removes).
    unscoped = render_every_model()
    assert receivers_for_every_class() > before
    assert scoped and unscoped


def test_the_real_models_keep_their_transitions():
    with fsm_receivers_per_class():
        assert render_every_model()
    assert Order._meta.get_field("status").transitions
    assert "confirm" in {t.name for t in Order().get_all_status_transitions()}
