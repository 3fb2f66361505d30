""" "Waiting for you": the work that waits for one person's step, gathered from every app.

Each app registers its sources from its AppConfig.ready() (`register(...)`), so core knows no domain and
imports stay downward. A source answers for one person with one query at most: up to LIMIT rows, each an
Item that links to the page where the step is done.

The menu shows a count per group on every page. Those counts are kept in the cache, keyed by the person
and by a version that the writing services move with `changed()` (docs/caching.md), and for at most
WAITING_COUNTS_MAX_AGE seconds, because some sources also move with the clock (a case nearing its SLA).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

LIMIT = 20  # rows a source returns at most; the menu reads "20+" beyond
VERSION_KEY = "waiting:version"


@dataclass(frozen=True)
class Item:
    """One thing waiting: what it is, and the address of the page where the step is done."""

    text: str
    url: str
    note: str = ""  # a date, a deadline, a person
    urgent: bool = False


@dataclass(frozen=True)
class Source:
    """A kind of work that waits. `roles` are role values (accounts.roles.Role); `items(user)` returns up
    to LIMIT + 1 Items in one query; `group` is the menu group whose badge counts them."""

    key: str
    label: object  # a lazy translation
    group: str
    roles: frozenset[str]
    items: Callable[..., list[Item]] = field(compare=False)
    order: int = 100
    # Optional: the same items for many people in one query (the morning digest reads everyone's):
    # `many(users)` maps a person's id to their items; a person it leaves out is asked with `items`.
    many: Callable[..., dict[int, list[Item]]] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Waiting:
    source: Source
    items: list[Item]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def more(self) -> bool:
        return len(self.items) > LIMIT

    @property
    def shown(self) -> list[Item]:
        return self.items[:LIMIT]


_sources: dict[str, Source] = {}


def register(source: Source) -> None:
    """Add a source (from an AppConfig.ready()). Registering the same key again replaces it."""
    _sources[source.key] = source


def sources_for(roles: Iterable[str]) -> list[Source]:
    held = set(roles)
    return sorted((s for s in _sources.values() if s.roles & held), key=lambda s: (s.order, s.key))


def waiting_for(user, roles: Iterable[str]) -> list[Waiting]:
    """Everything waiting for `user`, live: one query per source the person's roles concern."""
    found = []
    for source in sources_for(roles):
        items = list(source.items(user))[: LIMIT + 1]
        if items:
            found.append(Waiting(source, items))
    return found


def waiting_for_many(people: Iterable[tuple[object, Iterable[str]]]) -> dict[int, list[Waiting]]:
    """waiting_for() for many (person, roles) at once, in the active language: a source with `many` is asked
    once for all the people it concerns, the others once per person. Keyed by the person's id."""
    people = [(user, set(roles)) for user, roles in people]
    found: dict[int, list[Waiting]] = {user.pk: [] for user, _ in people}
    for source in sorted(_sources.values(), key=lambda s: (s.order, s.key)):
        users = [user for user, roles in people if source.roles & roles]
        if not users:
            continue
        answered = source.many(users) if source.many else {}
        for user in users:
            items = answered[user.pk] if user.pk in answered else list(source.items(user))
            if items:
                found[user.pk].append(Waiting(source, items[: LIMIT + 1]))
    return found


def waiting_kept(user, roles: Iterable[str], *, max_age: int) -> list[Waiting]:
    """waiting_for(), kept in the cache like the menu's counts: per person, version (moved by the writing
    services with `changed()`) and language, for at most `max_age` seconds; 0 reads live. A role's landing
    page reads it, so coming back to it costs no query per source. A cache that fails reads live."""
    roles = sorted(roles)
    if not max_age or not sources_for(roles):
        return waiting_for(user, roles)
    try:
        key = f"waiting:items:{user.pk}:{_version()}:{get_language()}:{','.join(roles)}"
        kept = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not take the page down
        logger.warning("cache unavailable; reading live", exc_info=True)
        return waiting_for(user, roles)
    if kept is not None:
        return [Waiting(_sources[k], items) for k, items in kept if k in _sources]
    found = waiting_for(user, roles)
    try:
        cache.set(key, [(w.source.key, w.items) for w in found], max_age)
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable; waiting work not kept", exc_info=True)
    return found


def counts_by_group(waiting: Iterable[Waiting]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in waiting:
        counts[entry.source.group] = counts.get(entry.source.group, 0) + min(entry.count, LIMIT)
    return counts


def max_age() -> int:
    return getattr(settings, "WAITING_COUNTS_MAX_AGE", 60)


def cached_counts(user, roles: Iterable[str]) -> dict[str, int]:
    """counts_by_group(waiting_for(...)) for the menu, kept per person and version (see the module's
    docstring). A cache that fails counts live."""
    roles = sorted(roles)
    if not sources_for(roles):
        return {}
    timeout = max_age()
    if not timeout:
        return counts_by_group(waiting_for(user, roles))
    try:
        key = f"waiting:counts:{user.pk}:{_version()}:{','.join(roles)}"
        counts = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not take the menu down
        logger.warning("cache unavailable; counting live", exc_info=True)
        return counts_by_group(waiting_for(user, roles))
    if counts is None:
        counts = counts_by_group(waiting_for(user, roles))
        remember_counts(user, roles, counts, key=key)
    return counts


def remember_counts(user, roles: Iterable[str], counts: dict[str, int], *, key: str | None = None) -> None:
    """Keep counts just computed live (the landing page's) for the menu of the next pages."""
    try:
        key = key or f"waiting:counts:{user.pk}:{_version()}:{','.join(sorted(roles))}"
        cache.set(key, counts, max_age())
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable; counts not kept", exc_info=True)


def _version() -> int:
    return cache.get(VERSION_KEY) or 0


def changed() -> None:
    """Called by a service that writes something a source reads: every person's counts are read afresh.
    Moved at the write and again on commit, so no page between the two keeps the old counts."""
    _move_version()
    transaction.on_commit(_move_version)


def _move_version() -> None:
    try:
        if not cache.add(VERSION_KEY, 1, None):
            cache.incr(VERSION_KEY)
    except Exception:  # noqa: BLE001 - the counts then live out their short time-out
        logger.warning("cache unavailable; waiting version not moved", exc_info=True)
