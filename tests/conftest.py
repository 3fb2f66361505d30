import os

import pytest
from django.db import connection

from accounts.roles import Role
from orders.models import ChecklistItem
from orders.services import order_check_item, order_record_confirmation, order_transition

from .factories import PASSWORD, staff, team_with_people

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(items):
    """Transactional tests (threads, live server, real workers) flush the database after each test,
    which would also wipe what data migrations load (roles, units, checklist items...). Serialized
    rollback restores that content before each such test."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        transactional = (marker and marker.kwargs.get("transaction")) or bool(
            {"live_server", "transactional_db"} & set(fixtures)
        )
        if transactional:
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False)


def require_server(available: bool, what: str) -> None:
    """Skip a test that needs a server only outside CI; under CI a missing server fails the run."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI but is not reachable")
    pytest.skip(f"{what} not reachable (allowed outside CI only)")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: pages keep fragments, filter options and counts there for up
    to a minute, and ids repeat between tests, so one test's cached fragment must never show in the next."""
    from django.core.cache import cache

    cache.clear()
    from core.breaker import reset_all

    reset_all()  # a breaker a test opened must not skip Redis for the next one


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request by someone who reads Chinese activates it for
    the thread (accounts.middleware.UserLanguageMiddleware, as every request does), and a service called
    directly by the next test would otherwise write its notes in Chinese."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def team_a(db):
    return team_with_people(name_en="Team A", name_zh="一组")


@pytest.fixture
def team_b(db):
    return team_with_people(name_en="Team B", name_zh="二组")


@pytest.fixture
def merchandiser(team_a):
    return team_a[2]


@pytest.fixture
def supervisor(team_a):
    return team_a[1]


@pytest.fixture
def other_merchandiser(team_b):
    """A merchandiser of another team: must never see team A's orders."""
    return team_b[2]


@pytest.fixture
def qa_user(db):
    return staff(Role.QA)


@pytest.fixture
def hr_user(db):
    return staff(Role.HR)


@pytest.fixture
def management_user(db):
    return staff(Role.MANAGEMENT)


def verify_and_confirm(order, actor):
    """Tick the whole checklist and record a confirmation, as a merchandiser would before confirming."""
    from datetime import timedelta

    from django.utils import timezone

    for item in ChecklistItem.objects.filter(active=True):
        order_check_item(order_id=order.pk, item_id=item.pk, actor=actor, checked=True)
    order_record_confirmation(
        order_id=order.pk,
        actor=actor,
        method="email",
        contact="Alice Buyer",
        confirmed_at=timezone.now() - timedelta(minutes=5),
    )


def advance(order, actor, *names):
    """Run transitions in turn (for setting up a state); returns the fresh order. What a stage's guard
    needs is recorded on the way (production's run before start_production)."""
    for name in names:
        if name == "confirm":
            verify_and_confirm(order, actor)
        if name == "start_production":
            record_production_run(order, actor)
        order = order_transition(order_id=order.pk, name=name, actor=actor)
    return order


def record_production_run(order, actor):
    """The factory, line, work order and start date that production's guard on start_production needs."""
    from django.utils import timezone

    from production.services import RunDetails, production_run_save

    details = RunDetails("Test factory", "Line 1", f"WO-{order.pk}", timezone.localdate())
    return production_run_save(order_id=order.pk, actor=actor, details=details)


@pytest.fixture
def empty_calendar(db):
    """A company calendar with no day at all, for tests that set their own days: the install's years
    (workcalendar's data migration) are removed for this test only."""
    from workcalendar.calendar import forget_calendar
    from workcalendar.models import CalendarDay

    CalendarDay.objects.all().delete()
    forget_calendar()
