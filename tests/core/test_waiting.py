"""The "Waiting for you" registry: sources by role, counts per menu group, and the menu's cached counts
that a writing service's changed() makes stale at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import waiting
from core.waiting import LIMIT, Item, Source


@pytest.fixture
def registry(monkeypatch):
    """A registry of its own, so the apps' real sources stay out of these tests."""
    monkeypatch.setattr(waiting, "_sources", {})
    return waiting


def items(n, name="x"):
    return lambda user: [Item(f"{name} {i}", f"/{name}/{i}/") for i in range(n)]


def test_sources_answer_for_the_roles_they_concern(registry):
    registry.register(Source("b", "B", "team", frozenset({"Supervisor"}), items(2, "b"), order=2))
    registry.register(Source("a", "A", "company", frozenset({"HR", "Supervisor"}), items(1, "a"), order=1))
    registry.register(Source("none", "None", "company", frozenset({"HR"}), items(0)))
    found = registry.waiting_for(object(), {"Supervisor"})
    assert [(w.source.key, w.count) for w in found] == [("a", 1), ("b", 2)]
    assert registry.counts_by_group(found) == {"company": 1, "team": 2}
    assert [w.source.key for w in registry.waiting_for(object(), {"HR"})] == ["a"]  # an empty source is left out
    assert registry.waiting_for(object(), {"QA"}) == []


def test_a_long_list_is_cut_and_says_there_is_more(registry):
    registry.register(Source("many", "Many", "team", frozenset({"QA"}), items(LIMIT + 5)))
    [entry] = registry.waiting_for(object(), {"QA"})
    assert entry.more and len(entry.shown) == LIMIT
    assert registry.counts_by_group([entry]) == {"team": LIMIT}  # the badge reads 20+


@pytest.mark.django_db
def test_menu_counts_are_kept_until_a_service_moves_the_version(registry, merchandiser, settings):
    settings.WAITING_COUNTS_MAX_AGE = 60
    found = []
    registry.register(Source("s", "S", "quality", frozenset({"Merchandiser"}), lambda user: list(found)))
    assert registry.cached_counts(merchandiser, {"Merchandiser"}) == {}
    found.append(Item("new", "/new/"))
    assert registry.cached_counts(merchandiser, {"Merchandiser"}) == {}  # kept
    registry.changed()
    assert registry.cached_counts(merchandiser, {"Merchandiser"}) == {"quality": 1}


@pytest.mark.django_db
def test_the_landing_pages_lists_are_kept_until_a_service_moves_the_version(registry, merchandiser):
    found = [Item("first", "/first/")]
    registry.register(Source("s", "S", "quality", frozenset({"Merchandiser"}), lambda user: list(found)))
    registry.changed()  # nothing kept from an earlier test
    [first] = registry.waiting_kept(merchandiser, {"Merchandiser"}, max_age=60)
    assert [i.text for i in first.items] == ["first"]
    found.append(Item("second", "/second/"))
    [kept] = registry.waiting_kept(merchandiser, {"Merchandiser"}, max_age=60)
    assert [i.text for i in kept.items] == ["first"]  # kept
    assert registry.waiting_kept(merchandiser, {"Merchandiser"}, max_age=0)[0].count == 2  # 0: live
    registry.changed()
    [fresh] = registry.waiting_kept(merchandiser, {"Merchandiser"}, max_age=60)
    assert [i.text for i in fresh.items] == ["first", "second"]


@pytest.mark.django_db
def test_a_person_with_no_source_pays_nothing(registry, qa_user):
    registry.register(Source("s", "S", "quality", frozenset({"Merchandiser"}), items(1)))
    with CaptureQueriesContext(connection) as captured:
        assert registry.cached_counts(qa_user, {"QA"}) == {}
    assert captured.captured_queries == []


def test_every_app_registers_its_sources_from_ready():
    keys = {source.key for source in waiting._sources.values()}
    assert {
        "policy",
        "violation-appeals",
        "findings",
        "violations",
        "reports",
        "suggestions",
        "scorecard-appeals",
        "cases-sla",
        "my-checkins",
        "team-checkins",
    } <= keys
