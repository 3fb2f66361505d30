"""Improvement suggestions (改进建议): a merchandiser submits one, their supervisor reviews it and adopts or
declines it, each step with a comment kept in the suggestion's own record."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.roles import Role, has_role
from core import waiting
from core.errors import InvalidInput, NotPermitted, TransitionRefused

from ..models import Suggestion, SuggestionEvent, SuggestionTopic
from ..selectors import can_decide_suggestion


def suggestion_submit(*, actor, title: str, body: str, topic: str = SuggestionTopic.PROCESS, order=None) -> Suggestion:
    if not has_role(actor, Role.MERCHANDISER):
        raise NotPermitted(_("Improvement suggestions are submitted by merchandisers."))
    problems = []
    if not title.strip():
        problems.append(_("Give the suggestion a title."))
    if not body.strip():
        problems.append(_("Describe the suggestion."))
    if topic not in SuggestionTopic.values:
        problems.append(_("Choose a topic."))
    if problems:
        raise InvalidInput(_("The suggestion could not be saved."), reasons=problems)
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        suggestion = Suggestion.objects.create(
            title=title.strip()[:200], body=body.strip(), topic=topic, order=order, author=actor
        )
        SuggestionEvent.objects.create(suggestion=suggestion, actor=actor, to_state=suggestion.status)
    return suggestion


SUGGESTION_TRANSITIONS = ("review", "adopt", "decline")


def suggestion_transition(*, suggestion_id, name: str, actor, comment: str) -> Suggestion:
    """The author's supervisor moves a suggestion: submitted → reviewed → adopted or declined. Each step
    carries a comment, kept in the suggestion's record."""
    if name not in SUGGESTION_TRANSITIONS:
        raise TransitionRefused(_("Unknown action."))
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        try:
            suggestion = (
                Suggestion.objects.select_for_update(of=("self",)).select_related("author__team").get(pk=suggestion_id)
            )
        except Suggestion.DoesNotExist as exc:
            raise InvalidInput(_("This suggestion no longer exists.")) from exc
        if not can_decide_suggestion(actor, suggestion):
            raise NotPermitted(_("Only the author's supervisor decides on this suggestion."))
        method = getattr(suggestion, name)
        if not can_proceed(method):
            raise TransitionRefused(
                _("The suggestion is %(state)s now, so this action is not possible.")
                % {"state": suggestion.get_status_display()}
            )
        if not comment.strip():
            raise InvalidInput(_("Add a comment for the author."))
        from_state = suggestion.status
        method()
        suggestion.save(update_fields=["status", "decided_at"])
        SuggestionEvent.objects.create(
            suggestion=suggestion,
            actor=actor,
            from_state=from_state,
            to_state=suggestion.status,
            comment=comment.strip(),
        )
    return suggestion
