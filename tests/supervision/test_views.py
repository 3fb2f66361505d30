"""The pages each role works on: what they show, and that they render without an N+1 (django-zeal
raises on one in tests)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from supervision.models import PolicyAcknowledgement, WeeklyMeeting
from supervision.services.meetings import action_item_add, meeting_create_for_week
from supervision.weeks import this_week

from ..factories import make_order

pytestmark = pytest.mark.django_db


def test_meeting_page_shows_the_agenda_and_the_carried_items(client, team_a, merchandiser, second_merchandiser):
    team, supervisor = team_a[0], team_a[1]
    for _ in range(3):
        make_order(merchandiser=merchandiser)
    last, _ = meeting_create_for_week(team=team, week_start=this_week() - timedelta(days=7))
    action_item_add(
        meeting_id=last.pk, actor=supervisor, title="Chase the mill", owner=merchandiser, due_date=this_week()
    )
    client.force_login(supervisor)
    response = client.post("/supervision/meetings/this-week/")
    meeting = WeeklyMeeting.objects.get(team=team, week_start=this_week())
    assert response.status_code == 302 and response["Location"] == f"/supervision/meetings/{meeting.pk}/"
    page = client.get(f"/supervision/meetings/{meeting.pk}/").content.decode()
    assert "Chase the mill" in page and "Carried over" in page and str(merchandiser) in page
    assert "Save the record of the meeting" in page
    client.force_login(merchandiser)  # a team member reads it, without the supervisor's forms
    page = client.get(f"/supervision/meetings/{meeting.pk}/").content.decode()
    assert "Chase the mill" in page and "Save the record of the meeting" not in page


def test_policy_page_in_chinese_and_english_and_acknowledgement(client, merchandiser, hr_user):
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)
    page = client.get("/supervision/policy/").content.decode()
    assert "第一章 总则" in page and "<script" not in page.split("</head>")[1]
    merchandiser.preferred_language = "en"
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)
    page = client.get("/supervision/policy/").content.decode()
    assert "Chapter 1 General" in page
    client.post("/supervision/policy/acknowledge/")
    assert PolicyAcknowledgement.objects.filter(person=merchandiser).exists()
    client.force_login(hr_user)
    page = client.get("/supervision/policy/acknowledgements/").content.decode()
    assert "Not yet acknowledged" in page and str(hr_user) in page


def test_list_pages_render_for_each_role_with_rows(client, team_a, merchandiser, qa_user, hr_user, management_user):
    from supervision.services.discipline import violation_record

    for _ in range(3):
        violation_record(
            actor=hr_user,
            person=merchandiser,
            type="process",
            severity="minor",
            occurred_at=timezone.now() - timedelta(days=1),
            description="x",
        )
    pages = {
        team_a[1]: [
            "/supervision/meetings/",
            "/supervision/reports/",
            "/supervision/reviews/",
            "/supervision/violations/",
        ],
        merchandiser: ["/supervision/reports/mine/", "/supervision/findings/", "/supervision/violations/"],
        qa_user: ["/supervision/spot-checks/", "/supervision/findings/"],
        hr_user: ["/supervision/violations/", "/supervision/policy/versions/", "/supervision/reports/"],
        management_user: ["/supervision/policy/versions/", "/supervision/policy/"],
    }
    for person, urls in pages.items():
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 200, (person, url)


def test_management_sees_the_approval_button_only_when_the_revision_waits_for_it(
    client, hr_user, supervisor, management_user
):
    from supervision.services.policy import policy_draft_create, policy_review, policy_submit

    draft = policy_draft_create(actor=hr_user, version="1.1")
    type(draft).objects.filter(pk=draft.pk).update(change_summary="Yearly review.")
    client.force_login(management_user)
    assert "Approve and publish" not in client.get(f"/supervision/policy/versions/{draft.pk}/").content.decode()
    policy_submit(version_id=draft.pk, actor=hr_user)
    policy_review(version_id=draft.pk, actor=supervisor)
    page = client.get(f"/supervision/policy/versions/{draft.pk}/").content.decode()
    assert "Approve and publish" in page
    response = client.post(
        f"/supervision/policy/versions/{draft.pk}/step/approve/", {"effective_date": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.approved_by == management_user


def test_action_item_step_never_redirects_off_site(client, team_a, merchandiser):
    meeting, _ = meeting_create_for_week(team=team_a[0], week_start=this_week())
    item = action_item_add(meeting_id=meeting.pk, actor=team_a[1], title="x", owner=merchandiser, due_date=this_week())
    client.force_login(merchandiser)
    response = client.post(f"/supervision/actions/{item.pk}/complete/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/supervision/meetings/{meeting.pk}/"
    item.refresh_from_db()
    assert item.status == "done"


def test_scoring_page_names_each_note_and_result_group_by_its_item(client, qa_user, merchandiser):
    """The notes and pass/fail choices sit in table cells with no <label>: each must say which item it is
    for, or a screen reader hears five identical "Note" boxes (axe: label)."""
    from html.parser import HTMLParser

    from supervision.models import SpotCheckItem
    from supervision.services.spotchecks import spot_check_draw_sample, spot_check_plan_create

    make_order(merchandiser=merchandiser)
    today = timezone.localdate()
    plan = spot_check_plan_create(
        actor=qa_user,
        name="Check",
        period_start=today - timedelta(days=30),
        period_end=today,
        sample_mode="count",
        sample_size=1,
    )
    sample = spot_check_draw_sample(plan_id=plan.pk, actor=qa_user, seed="s").samples.get()
    client.force_login(qa_user)
    page = client.get(f"/supervision/spot-checks/samples/{sample.pk}/").content.decode()

    class Inputs(HTMLParser):
        def __init__(self):
            super().__init__()
            self.notes, self.groups = {}, {}

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and (attrs.get("name") or "").startswith("note_"):
                self.notes[attrs["name"]] = attrs.get("aria-label")
            if attrs.get("role") == "radiogroup":
                self.groups[attrs.get("aria-labelledby")] = True

    found = Inputs()
    found.feed(page)
    items = list(SpotCheckItem.objects.filter(active=True))
    assert found.notes == {f"note_{item.pk}": f"Note: {item.label}" for item in items}
    assert set(found.groups) == {f"item-{item.pk}" for item in items}
    for item in items:
        assert f'id="item-{item.pk}"' in page
