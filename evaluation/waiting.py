"""What evaluation puts under "Waiting for you" (core/waiting.py), registered in EvaluationConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import waiting
from core.waiting import LIMIT, Item, Source

from .selectors import appeals_open


def scorecard_appeals(user) -> list[Item]:
    """Scorecard appeals HR has not answered yet, oldest first; never one's own (evaluation.services)."""
    return [
        Item(
            f"{a.scorecard.evaluation.period} · {a.scorecard.merchandiser}",
            reverse("evaluation:scorecard", args=[a.scorecard_id]),
            a.reason[:80],
        )
        for a in appeals_open().exclude(scorecard__merchandiser=user)[: LIMIT + 1]  # no one answers their own
    ]


def register() -> None:
    waiting.register(
        Source(
            "scorecard-appeals",
            _("Scorecard appeals to answer"),
            "evaluation",
            frozenset({Role.HR}),
            scorecard_appeals,
            25,
        )
    )
