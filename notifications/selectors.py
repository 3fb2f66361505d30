"""Reading the staff inbox: a person's notices, the bell's unread count, their delivery preferences.

The bell asks for the count every NOTIFICATIONS_POLL_SECONDS on every open page, so the count is kept in
the cache, keyed by a per-person version that every write to the person's inbox moves (`inbox_changed`,
called by notify, inbox_mark_read and inbox_mark_all_read: docs/caching.md)."""

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
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
    inbox_changed_many(user_ids=[user_id])


def inbox_changed_many(*, user_ids: Iterable[int]) -> None:
    """`inbox_changed` for several people at once: one cache call at the write and one on commit."""
    user_ids = list(user_ids)
    if not user_ids:
        return
    _move_versions(user_ids)
    transaction.on_commit(lambda: _move_versions(user_ids))


def _move_versions(user_ids: list[int]) -> None:
    # A version never used before, rather than an increment: one set_many moves every person's at once,
    # and a count kept under an older version can never be read again, whatever the interleaving.
    version = uuid.uuid4().hex
    try:
        cache.set_many({_version_key(user_id): version for user_id in user_ids}, None)
    except Exception:  # noqa: BLE001 - the count then lives out its time-out
        logger.warning("cache unavailable; inbox version not moved", exc_info=True)


def inbox_channels_for(*, user, kind: str) -> set[str]:
    """The channels that carry this kind of notice to this person besides the inbox: their choice, or the
    kind's default. Only channels that work are ever answered."""
    return inbox_channels_for_many(pairs=[(user.pk, kind)])[(user.pk, kind)]


def inbox_channels_for_many(*, pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], set[str]]:
    """`inbox_channels_for` of each (person id, kind), in one query."""
    pairs = set(pairs)
    chosen: dict[tuple[int, str], dict[str, bool]] = defaultdict(dict)
    if pairs:
        rows = DeliveryPreference.objects.filter(
            user_id__in={user_id for user_id, _kind in pairs}, kind__in={kind for _user_id, kind in pairs}
        ).values_list("user_id", "kind", "channel", "enabled")
        for user_id, kind, channel, enabled in rows:
            chosen[(user_id, kind)][channel] = enabled
    answer = {}
    for user_id, kind in pairs:
        default = KINDS[kind].default_channels if kind in KINDS else frozenset()
        mine = chosen.get((user_id, kind), {})
        answer[(user_id, kind)] = {channel for channel in CHANNELS if mine.get(channel, channel in default)}
    return answer


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


def team_robots(*, team_ids: Iterable[int | None]) -> dict[tuple[int, str], TeamRobot]:
    """The robots of these teams by (team id, channel), in one query (none for no team)."""
    team_ids = {team_id for team_id in team_ids if team_id is not None}
    if not team_ids:
        return {}
    return {(robot.team_id, robot.channel): robot for robot in TeamRobot.objects.filter(team_id__in=team_ids)}


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
