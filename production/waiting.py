"""What production puts under "Waiting for you" (core/waiting.py), registered in ProductionConfig.ready()."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import waiting
from core.waiting import LIMIT, Item, Source
from orders.models import Order, OrderState
from orders.selectors import orders_visible_to
from workcalendar.calendar import WorkCalendar

from .models import CheckInStatus
from .selectors import _checkin_on


def _not_done(orders, day):
    """In-production orders, not on hold, whose check-in of `day` is neither done nor missed."""
    return (
        orders.filter(status=OrderState.IN_PRODUCTION, is_on_hold=False)
        .exclude(_checkin_on(day, CheckInStatus.DONE))
        .exclude(_checkin_on(day, CheckInStatus.MISSED))
    )


def _to_do_today(user, owners: Q) -> list[dict]:
    """Per merchandiser of `owners`: in-production orders (not on hold) whose check-in of today is neither
    done nor missed yet. One grouped query; nothing on a day off."""
    day = timezone.localdate()
    if not WorkCalendar.load().is_working_day(day):
        return []
    rows = (
        _not_done(orders_visible_to(user).filter(owners), day)
        .values("merchandiser_id", "merchandiser__first_name", "merchandiser__last_name", "merchandiser__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "merchandiser_id")[: LIMIT + 1]
    )
    return list(rows)


def _name(row: dict) -> str:
    """The person's name as everywhere else (the model's own rule), from the grouped row's columns."""
    person = get_user_model()(
        first_name=row["merchandiser__first_name"],
        last_name=row["merchandiser__last_name"],
        username=row["merchandiser__username"],
    )
    return str(person)


def my_checkins(user) -> list[Item]:
    """One's own orders whose check-in of today is still to do: one item that says how many. The ids are
    fetched (at most LIMIT + 1), not counted, so no COUNT runs over the orders table on every page."""
    day = timezone.localdate()
    if not WorkCalendar.load().is_working_day(day):
        return []
    ids = list(
        _not_done(orders_visible_to(user).filter(merchandiser=user), day).values_list("pk", flat=True)[: LIMIT + 1]
    )
    return _checkins_items(len(ids))


def _checkins_items(n: int) -> list[Item]:
    if not n:
        return []
    n = min(n, LIMIT + 1)
    text = ngettext("%(n)d check-in to do today", "%(n)d check-ins to do today", n) % {"n": n}
    return [Item(text if n <= LIMIT else text.replace(str(n), f"{LIMIT}+"), reverse("production:my_checkins"))]


def my_checkins_many(users) -> dict[int, list[Item]]:
    """my_checkins for many people: one grouped count. One's own orders are always among those one may see,
    so the visibility rule adds nothing here."""
    ids = [user.pk for user in users]
    day = timezone.localdate()
    if not WorkCalendar.load().is_working_day(day):
        return {pk: [] for pk in ids}
    counts = dict(
        _not_done(Order.objects.filter(merchandiser_id__in=ids), day)
        .order_by()
        .values("merchandiser_id")
        .annotate(n=Count("pk"))
        .values_list("merchandiser_id", "n")
    )
    return {pk: _checkins_items(counts.get(pk, 0)) for pk in ids}


def team_checkins(user) -> list[Item]:
    """The team's check-ins of today not done yet, per merchandiser: the supervisor follows them up."""
    return _team_items(_to_do_today(user, Q(merchandiser__team__supervisor=user)))


def _team_items(rows: list[dict]) -> list[Item]:
    url = reverse("production:board")
    return [
        Item(
            gettext("%(person)s: %(n)d check-ins not done today") % {"person": _name(r), "n": r["n"]},
            url,
        )
        for r in rows
    ]


def team_checkins_many(users) -> dict[int, list[Item]]:
    """team_checkins for many supervisors: one grouped query. A team's orders are always among those its
    supervisor may see (orders_visible_to), so the visibility rule adds nothing here."""
    ids = [user.pk for user in users]
    day = timezone.localdate()
    if not WorkCalendar.load().is_working_day(day):
        return {pk: [] for pk in ids}
    rows = (
        _not_done(Order.objects.filter(merchandiser__team__supervisor_id__in=ids), day)
        .order_by()
        .values(
            "merchandiser__team__supervisor_id",
            "merchandiser_id",
            "merchandiser__first_name",
            "merchandiser__last_name",
            "merchandiser__username",
        )
        .annotate(n=Count("pk"))
    )
    per_supervisor: dict[int, list[dict]] = {pk: [] for pk in ids}
    for row in rows:
        per_supervisor[row["merchandiser__team__supervisor_id"]].append(row)
    return {
        pk: _team_items(sorted(found, key=lambda r: (-r["n"], r["merchandiser_id"]))[: LIMIT + 1])
        for pk, found in per_supervisor.items()
    }


def register() -> None:
    waiting.register(
        Source(
            "my-checkins",
            _("Check-ins to do"),
            "stages",
            frozenset({Role.MERCHANDISER}),
            my_checkins,
            32,
            many=my_checkins_many,
        )
    )
    waiting.register(
        Source(
            "team-checkins",
            _("Check-ins of the team not done"),
            "stages",
            frozenset({Role.SUPERVISOR}),
            team_checkins,
            33,
            many=team_checkins_many,
        )
    )
