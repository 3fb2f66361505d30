"""Reading the staff inbox: a person's notices, the bell's unread count, their delivery preferences.

The bell asks for the count every NOTIFICATIONS_POLL_SECONDS on every open page, so the count is kept in
the cache, keyed by a per-person version that every write to the person's inbox moves (`inbox_changed`,
called by notify, inbox_mark_read and inbox_mark_all_read: docs/caching.md)."""

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction

from .kinds import CHANNELS, KINDS
from .models import DeliveryPreference, InboxItem, TeamRobot
from .robots import ROBOT_CHANNELS

logger = logging.getLogger(__name__)

PER_PAGE = 20
UNREAD_SHOWN_MAX = 99  # the badge reads "99+" beyond
COUNT_TIMEOUT = 3600  # a backstop: the version moves with every write


def inbox_page(*, user, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """The person's notices, newest first, one page of them (a page beyond the last gives the last)."""
    items = InboxItem.objects.filter(user=user).order_by("-created_at", "-id")
    return Paginator(items, per_page).get_page(page)


def inbox_unread_count_live(*, user) -> int:
    return InboxItem.objects.filter(user=user, read_at__isnull=True).count()


def _version_key(user_id) -> str:
    return f"inbox:version:{user_id}"


def inbox_unread_count(*, user) -> int:
    """The bell's count, kept per person and version. A cache that fails counts live."""
    try:
        version = cache.get(_version_key(user.pk)) or 0
        key = f"inbox:unread:v1:{user.pk}:{version}"
        count = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not take the bell down
        logger.warning("cache unavailable; counting the inbox live", exc_info=True)
        return inbox_unread_count_live(user=user)
    if count is None:
        count = inbox_unread_count_live(user=user)
        try:
            cache.set(key, count, COUNT_TIMEOUT)
        except Exception:  # noqa: BLE001
            logger.warning("cache unavailable; inbox count not kept", exc_info=True)
    return count


def inbox_changed(*, user_id) -> None:
    """Called by every write to a person's inbox: their bell counts afresh. Moved at the write and again on
    commit, so no request between the two keeps the old count."""
    _move_version(user_id)
    transaction.on_commit(lambda: _move_version(user_id))


def _move_version(user_id) -> None:
    try:
        if not cache.add(_version_key(user_id), 1, None):
            cache.incr(_version_key(user_id))
    except Exception:  # noqa: BLE001 - the count then lives out its time-out
        logger.warning("cache unavailable; inbox version not moved", exc_info=True)


def inbox_channels_for(*, user, kind: str) -> set[str]:
    """The channels that carry this kind of notice to this person besides the inbox: their choice, or the
    kind's default. Only channels that work are ever answered."""
    chosen = dict(DeliveryPreference.objects.filter(user=user, kind=kind).values_list("channel", "enabled"))
    default = KINDS[kind].default_channels if kind in KINDS else frozenset()
    return {channel for channel in CHANNELS if chosen.get(channel, channel in default)}


@dataclass(frozen=True)
class KindChoice:
    key: str
    label: object
    channels: frozenset[str]


def inbox_preferences(*, user) -> list[KindChoice]:
    """Each kind of notice with the channels it takes for this person, in one query."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in DeliveryPreference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    return [
        KindChoice(
            key=kind.key,
            label=kind.label,
            channels=frozenset(c for c in CHANNELS if chosen.get((kind.key, c), c in kind.default_channels)),
        )
        for kind in KINDS.values()
    ]


def team_robot(*, team_id: int | None, channel: str) -> TeamRobot | None:
    if team_id is None:
        return None
    return TeamRobot.objects.filter(team_id=team_id, channel=channel).first()


def inbox_channels_offered(*, user) -> list[tuple[str, object]]:
    """The channels the preferences page offers this person, with their labels: email, and WeCom or DingTalk
    only when the person's team has that robot."""
    robots = set()
    if getattr(user, "team_id", None):
        robots = set(TeamRobot.objects.filter(team_id=user.team_id).values_list("channel", flat=True))
    return [(key, label) for key, label in CHANNELS.items() if key not in ROBOT_CHANNELS or key in robots]


def team_robots_overview() -> list[dict]:
    """Every team with its robots (masked), for the robots page: one query for the teams, one for the robots."""
    team_model = TeamRobot._meta.get_field("team").related_model
    robots: dict[int, dict[str, TeamRobot]] = {}
    for robot in TeamRobot.objects.defer("webhook_url", "secret"):
        robots.setdefault(robot.team_id, {})[robot.channel] = robot
    return [
        {"team": team, "robots": [(channel, robots.get(team.pk, {}).get(channel)) for channel in ROBOT_CHANNELS]}
        for team in team_model.objects.all()
    ]
