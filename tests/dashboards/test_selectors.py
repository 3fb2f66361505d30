"""The supervisor's team summary: one cache entry per supervisor, at most DASHBOARD_COUNTS_MAX_AGE old; and the
team's recent orders, which stay live and must be exactly what the plain query returns."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from dashboards import selectors
from orders.selectors import orders_visible_to

from ..factories import staff
from ..perf.helpers import bulk_orders

pytestmark = pytest.mark.django_db

NOON = datetime.fromisoformat("2026-03-10T12:00:00+08:00")


def _received(response) -> int:
    return next(s["count"] for s in response.context["by_state"] if s["state"] == "received")


def test_the_team_summary_is_at_most_a_minute_old_and_kept_per_supervisor(
    client, settings, supervisor, merchandiser, team_b
):
    # given: two teams, each with orders waiting to be verified, and aggregates kept for a minute
    settings.DASHBOARD_COUNTS_MAX_AGE = 60
    _, other_supervisor, other_merchandiser = team_b
    with time_machine.travel(NOON, tick=False) as clock:
        bulk_orders(merchandiser=merchandiser, n=1)
        bulk_orders(merchandiser=other_merchandiser, n=2)
        client.force_login(supervisor)
        assert _received(client.get(reverse("dashboards:supervisor"))) == 1
        # when: a new order arrives for the team
        (new,) = bulk_orders(merchandiser=merchandiser, n=1)
        clock.shift(timedelta(seconds=59))
        page = client.get(reverse("dashboards:supervisor"))
        # then: the counts are a minute-old picture, on purpose; the recent orders are live
        assert _received(page) == 1
        assert new in page.context["recent"]
        # and the other supervisor gets their own team's summary, not this one
        client.force_login(other_supervisor)
        theirs = client.get(reverse("dashboards:supervisor"))
        assert _received(theirs) == 2
        assert {o.merchandiser for o in theirs.context["flagged"]} == {other_merchandiser}
        # and past DASHBOARD_COUNTS_MAX_AGE the first supervisor sees the new order counted
        clock.shift(timedelta(seconds=2))
        client.force_login(supervisor)
        assert _received(client.get(reverse("dashboards:supervisor"))) == 2


def test_recent_orders_of_the_team_are_the_plain_querys_and_only_what_may_be_seen(
    supervisor, merchandiser, other_merchandiser
):
    # given: two team members whose orders interleave in time, and another team's orders
    colleague = staff(Role.MERCHANDISER, team=merchandiser.team)
    bulk_orders(merchandiser=merchandiser, n=6)
    bulk_orders(merchandiser=colleague, n=6)
    bulk_orders(merchandiser=other_merchandiser, n=6)
    orders = orders_visible_to(supervisor)
    owners = selectors.team_order_owners(supervisor=supervisor)
    # when
    recent = list(selectors.recent_orders_of(orders, owners=owners, limit=5))
    # then: the same five, in the same order, as the company-wide walk
    assert recent == list(selectors.recent_orders(orders, limit=5))
    assert {o.merchandiser for o in recent} == {merchandiser, colleague}
    # and naming an owner the supervisor may not see shows none of their orders
    assert other_merchandiser not in {
        o.merchandiser for o in selectors.recent_orders_of(orders, owners=[other_merchandiser.pk], limit=5)
    }


def test_the_team_is_every_member_and_the_supervisor_unless_they_see_everything(supervisor, merchandiser):
    gone = staff(Role.MERCHANDISER, team=merchandiser.team, is_active=False)
    assert selectors.team_order_owners(supervisor=supervisor) == sorted([supervisor.pk, merchandiser.pk, gone.pk])
    also_qa = staff(Role.SUPERVISOR)
    also_qa.groups.add(Group.objects.get(name=Role.QA))
    assert selectors.team_order_owners(supervisor=also_qa) is None
