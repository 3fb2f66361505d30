"""The bilingual rule (core.bilingual): the active language, else the other one."""

import pytest
from django.utils import translation

from accounts.models import Team
from core.bilingual import in_language
from orders.models import Currency


@pytest.mark.parametrize(
    ("language", "zh", "en", "expected"),
    [
        ("zh-hans", "美元", "US dollar", "美元"),
        ("en", "美元", "US dollar", "US dollar"),
        ("zh-hans", "", "US dollar", "US dollar"),  # no Chinese name yet: the English one, not a blank
        ("en", "美元", "", "美元"),
        ("en", None, None, ""),
    ],
)
def test_the_active_language_first_then_the_other(language, zh, en, expected):
    with translation.override(language):
        assert in_language(zh, en) == expected


def test_no_active_language_reads_english():
    with translation.override(None):
        assert in_language("美元", "US dollar") == "US dollar"


def test_models_follow_the_rule():
    currency = Currency(code="USD", name_zh="美元", name_en="")
    team = Team(name_zh="一组", name_en="Team 1")
    with translation.override("en"):
        assert currency.name == "美元"
        assert str(team) == "Team 1"
    with translation.override(None):  # Team's copy of the rule used to fail here
        assert str(team) == "Team 1"
    with translation.override("zh-hans"):
        assert str(team) == "一组"
