from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role

from ..factories import make_order, staff


@pytest.fixture(autouse=True)
def _zeal_allows_the_order_relock(settings):
    """A service re-locks the order a view fetched (orders_visible_to, then order_lock): allowed, as in
    tests/logistics/conftest.py; a relation loaded row by row is still an N+1 error."""
    settings.ZEAL_ALLOWLIST = [{"model": "orders.Order", "field": "get()"}]


@pytest.fixture
def second_merchandiser(team_a):
    return staff(Role.MERCHANDISER, team=team_a[0])


@pytest.fixture
def order(merchandiser):
    return make_order(merchandiser=merchandiser)


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)
