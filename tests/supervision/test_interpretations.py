"""HR's interpretations of the policy (附则 1, policy 6.1): recorded against an article and a published
version, with an event; only HR writes; everyone who reads the version sees them beside the article."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.errors import InvalidInput, NotPermitted, TransitionRefused
from supervision.models import PolicyInterpretation, SupervisionEvent
from supervision.selectors import policy_articles, policy_blocks, policy_in_force, policy_text
from supervision.services.policy import policy_draft_create, policy_interpret

from ..factories import staff

pytestmark = pytest.mark.django_db

TEXT = "“部门主管定期检查”指每月至少检查一次每位跟单员的工作记录。"


def test_every_chapter_article_and_clause_has_the_same_reference_in_both_languages():
    v1 = policy_in_force()
    zh = [(b["kind"], b["ref"]) for b in policy_blocks(v1.body_zh)]
    en = [(b["kind"], b["ref"]) for b in policy_blocks(v1.body_en) if b["ref"]]
    assert [r for r in zh if r[1]] == en
    refs = dict(policy_articles(v1))
    assert refs["5.1.2"].startswith("2. Department supervisors") and refs["6.1"] == "1. HR interprets these rules."
    assert refs["5"] == "Chapter 5 Supervision" and refs["4.2"] == "Article 2 Workflow"
    assert "4.2.1" in refs and not any(ref.startswith("1.") for ref in refs)  # chapter 1 has no clauses


def test_hr_interprets_an_article_and_it_shows_beside_it(hr_user):
    v1 = policy_in_force()
    item = policy_interpret(actor=hr_user, version_id=v1.pk, article="5.1.2", body=f"  {TEXT}  ")
    assert (item.version, item.article, item.body, item.written_by) == (v1, "5.1.2", TEXT, hr_user)
    event = SupervisionEvent.objects.get(action="interpreted")
    assert event.subject == f"policyversion:{v1.pk}" and event.payload["article"] == "5.1.2"
    assert event.actor == hr_user

    beside = {b["ref"]: b["interpretations"] for b in policy_text(v1) if b["ref"]}
    assert beside["5.1.2"] == [item] and beside["5.1.1"] == [] and beside["5.1"] == []


def test_only_hr_interprets(supervisor, merchandiser, management_user):
    v1 = policy_in_force()
    for person in (supervisor, merchandiser, management_user, staff(Role.QA)):
        with pytest.raises(NotPermitted):
            policy_interpret(actor=person, version_id=v1.pk, article="6.1", body=TEXT)
    assert not PolicyInterpretation.objects.exists()


@pytest.mark.parametrize(("article", "body"), [("9.9", TEXT), ("", TEXT), ("5.1.2", "   "), ("<b>", TEXT)])
def test_an_unknown_article_or_an_empty_text_is_refused(hr_user, article, body):
    with pytest.raises(InvalidInput):
        policy_interpret(actor=hr_user, version_id=policy_in_force().pk, article=article, body=body)


def test_a_draft_is_not_interpreted_and_a_version_keeps_its_own(hr_user):
    v1 = policy_in_force()
    draft = policy_draft_create(actor=hr_user, version="1.1")
    with pytest.raises(TransitionRefused):
        policy_interpret(actor=hr_user, version_id=draft.pk, article="6.1", body=TEXT)
    policy_interpret(actor=hr_user, version_id=v1.pk, article="6.1", body=TEXT)
    assert all(not b["interpretations"] for b in policy_text(draft))


def test_the_pages(client, hr_user, merchandiser):
    v1 = policy_in_force()
    url = reverse("supervision:policy_interpret", args=[v1.pk])
    client.force_login(hr_user)
    assert "Interpret an article" in client.get(reverse("supervision:policy_current")).content.decode()
    assert client.post(url, {"article": "7.7", "body": TEXT}).status_code == 302  # a form error, no 500
    assert not PolicyInterpretation.objects.exists()
    client.post(url, {"article": "5.1.2", "body": TEXT})
    assert PolicyInterpretation.objects.get().article == "5.1.2"

    client.force_login(merchandiser)
    page = client.get(reverse("supervision:policy_current")).content.decode()
    assert TEXT in page and 'id="art-5.1.2"' in page and "Interpret an article" not in page
    assert client.post(url, {"article": "6.1", "body": TEXT}).status_code == 403
