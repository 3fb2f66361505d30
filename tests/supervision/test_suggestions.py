"""Improvement suggestions: merchandisers submit, their supervisor moves them submitted → reviewed →
adopted or declined, each step with a comment."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from supervision.models import Suggestion, SuggestionStatus
from supervision.selectors import suggestions_to_decide, suggestions_visible_to
from supervision.services.suggestions import suggestion_submit, suggestion_transition

from ..logistics.helpers import fresh


def submit(author, **overrides):
    values = {"title": "Share the packing list with the forwarder", "body": "Saves a day per shipment."}
    values.update(overrides)
    return suggestion_submit(actor=author, **values)


def test_a_suggestion_goes_from_submitted_to_adopted(merchandiser, supervisor):
    suggestion = submit(merchandiser)
    assert suggestion.status == SuggestionStatus.SUBMITTED
    assert list(suggestions_to_decide(user=supervisor)) == [suggestion]

    suggestion_transition(suggestion_id=suggestion.pk, name="review", actor=supervisor, comment="Discussed Monday")
    suggestion = suggestion_transition(suggestion_id=suggestion.pk, name="adopt", actor=supervisor, comment="Do it")

    assert suggestion.status == SuggestionStatus.ADOPTED
    assert suggestion.decided_at is not None
    steps = list(suggestion.events.values_list("from_state", "to_state", "comment", "actor"))
    assert steps == [
        ("", "submitted", "", merchandiser.pk),
        ("submitted", "reviewed", "Discussed Monday", supervisor.pk),
        ("reviewed", "adopted", "Do it", supervisor.pk),
    ]
    assert list(suggestions_to_decide(user=supervisor)) == []


def test_a_suggestion_can_be_declined_straight_away(merchandiser, supervisor):
    suggestion = submit(merchandiser)
    suggestion = suggestion_transition(
        suggestion_id=suggestion.pk, name="decline", actor=supervisor, comment="The forwarder has it"
    )
    assert suggestion.status == SuggestionStatus.DECLINED


def test_adopting_needs_a_review_first(merchandiser, supervisor):
    suggestion = submit(merchandiser)
    with pytest.raises(TransitionRefused):
        suggestion_transition(suggestion_id=suggestion.pk, name="adopt", actor=supervisor, comment="Yes")


def test_every_decision_needs_a_comment(merchandiser, supervisor):
    suggestion = submit(merchandiser)
    with pytest.raises(InvalidInput):
        suggestion_transition(suggestion_id=suggestion.pk, name="review", actor=supervisor, comment="  ")
    assert fresh(suggestion).status == SuggestionStatus.SUBMITTED


def test_only_the_authors_supervisor_decides(merchandiser, other_merchandiser, team_b):
    suggestion = submit(merchandiser)
    other_supervisor = team_b[1]
    for person in (merchandiser, other_merchandiser, other_supervisor):
        with pytest.raises(NotPermitted):
            suggestion_transition(suggestion_id=suggestion.pk, name="review", actor=person, comment="x")
    assert fresh(suggestion).status == SuggestionStatus.SUBMITTED


def test_only_merchandisers_submit(supervisor, qa_user):
    for person in (supervisor, qa_user):
        with pytest.raises(NotPermitted):
            submit(person)
    assert not Suggestion.objects.exists()


def test_an_empty_suggestion_is_refused(merchandiser):
    with pytest.raises(InvalidInput):
        submit(merchandiser, title=" ", body="")


def test_who_sees_which_suggestions(merchandiser, supervisor, other_merchandiser, qa_user):
    mine = submit(merchandiser)
    theirs = submit(other_merchandiser)
    assert set(suggestions_visible_to(merchandiser)) == {mine}
    assert set(suggestions_visible_to(supervisor)) == {mine}
    assert set(suggestions_visible_to(qa_user)) == {mine, theirs}


def test_the_suggestion_pages(client, merchandiser, supervisor):
    client.force_login(merchandiser)
    response = client.post(
        reverse("supervision:suggestion_new"), {"title": "Weekly carrier review", "topic": "logistics", "body": "..."}
    )
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    # the author cannot decide on it
    assert client.post(reverse("supervision:suggestion_step", args=[suggestion.pk, "review"])).status_code == 403

    client.force_login(supervisor)
    page = client.get(reverse("supervision:suggestion_detail", args=[suggestion.pk])).content.decode()
    assert "Mark reviewed" in page
    client.post(reverse("supervision:suggestion_step", args=[suggestion.pk, "review"]), {"comment": "Good idea"})
    assert fresh(suggestion).status == SuggestionStatus.REVIEWED


def test_qa_cannot_make_a_suggestion(client, qa_user):
    client.force_login(qa_user)
    assert client.get(reverse("supervision:suggestion_new")).status_code == 403


def test_the_suggestions_record_shows_its_states_by_label(client, merchandiser, supervisor):
    suggestion = submit(merchandiser)
    suggestion_transition(suggestion_id=suggestion.pk, name="review", actor=supervisor, comment="Discussed Monday")
    supervisor.preferred_language = "zh-hans"
    supervisor.save(update_fields=["preferred_language"])
    client.force_login(supervisor)

    page = client.get(reverse("supervision:suggestion_detail", args=[suggestion.pk])).content.decode()
    record = page.split('class="timeline"')[1].split("</ol>")[0]

    assert "submitted" not in record and "reviewed" not in record
    with translation.override("zh-hans"):
        submitted, reviewed = str(SuggestionStatus.SUBMITTED.label), str(SuggestionStatus.REVIEWED.label)
    assert submitted != "Submitted" and f"{submitted} → {reviewed}" in record


def test_the_list_selector_filters_by_state_and_stops_at_its_limit(merchandiser, supervisor):
    from supervision.selectors import suggestions_listed, suggestions_of_author

    first, second, third = (submit(merchandiser, title=f"Idea {n}") for n in range(3))
    suggestion_transition(suggestion_id=first.pk, name="decline", actor=supervisor, comment="Not now")

    assert suggestions_listed(user=supervisor, status="declined") == [first]
    assert suggestions_listed(user=supervisor, status="nonsense") == [third, second, first]  # unknown: all
    assert suggestions_listed(user=supervisor, limit=2) == [third, second]
    assert list(suggestions_of_author(user=merchandiser, limit=1)) == [third]
