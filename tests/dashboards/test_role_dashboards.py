"""A dashboard for every role: who gets which page, what each shows, and that company-wide aggregates are
served from the cache (at most a minute old)."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from evaluation.models import EvaluationRun
from evaluation.services import appeal_submit, evaluation_finalise, evaluation_run_start
from orders.models import Order

from ..evaluation.conftest import Q1, SCORED_AT, now_is, sh

pytestmark = pytest.mark.django_db

DASHBOARDS = {
    "merchandiser": "dashboards:merchandiser",
    "supervisor": "dashboards:supervisor",
    "qa": "dashboards:qa",
    "hr": "dashboards:hr",
    "management": "dashboards:management",
}


@pytest.fixture
def people(fixture_quarter, qa_user, management_user):
    fx = fixture_quarter
    return {
        "merchandiser": fx.alice,
        "supervisor": fx.supervisor,
        "qa": qa_user,
        "hr": fx.hr,
        "management": management_user,
    }


def test_each_role_opens_its_own_dashboard_and_no_other(people, client):
    for role, user in people.items():
        client.force_login(user)
        for other, name in DASHBOARDS.items():
            response = client.get(reverse(name))
            expected = 200 if other == role else 403
            assert response.status_code == expected, f"{role} on {other}: {response.status_code}"
        if role == "merchandiser":
            continue
        home = client.get(reverse("home"))
        assert home.status_code == 302 and home["Location"] == reverse(DASHBOARDS[role])


def _no_inline_script_or_style(html: str):
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert " style=" not in html and "<style" not in html


def test_merchandiser_sees_their_kpis_so_far(people, test_scheme, client):
    client.force_login(people["merchandiser"])
    with now_is(sh(2026, 3, 31, 20, 0)):  # late on the last day of Q1
        html = client.get(reverse("dashboards:merchandiser")).content.decode()
    _no_inline_script_or_style(html)
    assert "My KPIs so far in 2026Q1" in html
    # Orders without corrections: 3 of 4 confirmed in Q1 (live, same definition as the quarterly job).
    row = re.search(r"Orders without corrections after confirmation</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[:4] == ["3", "4", "75.00 %", "100.00 %"]


def test_supervisor_sees_pipeline_risk_compliance_reviews_and_findings(people, client):
    fx_orders = Order.objects.filter(merchandiser=people["merchandiser"])
    late = fx_orders.first()
    Order.objects.filter(pk=late.pk).update(is_overdue=True)
    client.force_login(people["supervisor"])
    html = client.get(reverse("dashboards:supervisor")).content.decode()
    _no_inline_script_or_style(html)
    for text in ("Orders by state", "At-risk and late orders", "Record review coverage", "Open QA findings (1)"):
        assert text in html
    assert late.display_number in html


def test_qa_sees_sampling_progress_and_findings_by_merchandiser(people, client):
    client.force_login(people["qa"])
    with now_is(sh(2026, 3, 20, 10)):
        html = client.get(reverse("dashboards:qa")).content.decode()
    _no_inline_script_or_style(html)
    assert "Q1 check" in html
    assert '<progress max="100" value="75"' in html  # 3 of 4 samples scored
    assert "Findings by merchandiser, 2026Q1" in html


def test_hr_sees_quarter_status_ranking_distribution_and_appeals(
    people, test_scheme, client, django_capture_on_commit_callbacks
):
    fx_hr = people["hr"]
    with now_is(SCORED_AT), django_capture_on_commit_callbacks(execute=True):
        evaluation_run_start(quarter=Q1, actor=fx_hr)
    run = EvaluationRun.objects.get()
    with now_is(SCORED_AT):
        evaluation_finalise(evaluation_id=run.evaluation_id, actor=fx_hr)
    card = people["merchandiser"].scorecards.get()
    appeal_submit(scorecard_id=card.pk, actor=people["merchandiser"], reason="Please check SLA")
    client.force_login(fx_hr)
    with now_is(SCORED_AT):
        html = client.get(reverse("dashboards:hr")).content.decode()
    _no_inline_script_or_style(html)
    # Carol had nothing to measure: no total, so she is counted apart rather than ranked on 100.
    assert "Ranking, 2026Q1 (2 people)" in html and "1 scorecard has not enough data to be ranked." in html
    assert "Appeals waiting for HR (1)" in html and "Please check SLA" in html
    assert "<svg" in html and "Score distribution" in html
    assert "2026Q2" in html and "not scored yet" in html


def test_management_sees_trends_drawn_without_a_cdn(people, client):
    client.force_login(people["management"])
    with now_is(sh(2026, 3, 31, 12)):
        html = client.get(reverse("dashboards:management")).content.decode()
    _no_inline_script_or_style(html)
    assert "<polyline" in html and "http" not in re.sub(r'(href|src|xmlns)="[^"]*"', "", html.split("<main", 1)[1])
    # February 2026: 2 shipments measured, both on time; ratings 14 of 15 → 4.67; one complaint, 2 orders shipped.
    row = re.search(r"<td>2026-02</td>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["100.0", "4.67", "1", "2", "50.0"]


@override_settings(DASHBOARD_COUNTS_MAX_AGE=60)
def test_company_aggregates_come_from_the_cache(people, client, django_assert_max_num_queries):
    from django.core.cache import cache

    cache.clear()
    client.force_login(people["management"])
    with now_is(sh(2026, 3, 31, 12)):
        first = client.get(reverse("dashboards:management")).content
        Order.objects.filter(merchandiser=people["merchandiser"]).update(status="closed")
        with django_assert_max_num_queries(6):  # session, user, roles... but no aggregate
            second = client.get(reverse("dashboards:management")).content
    main = lambda html: html.decode().split("<main", 1)[1]  # noqa: E731 - the header carries a CSRF token
    assert main(first) == main(second)  # a minute-old picture, on purpose
    cache.clear()


def test_management_dashboard_lists_the_revisions_waiting_for_its_approval(
    client, hr_user, supervisor, management_user
):
    """Management approves policy revisions (policy ch.6): the one reviewed and waiting is on its dashboard,
    linked; a draft still with the supervisor is not; once approved the list says nothing is waiting."""
    from supervision.models import PolicyVersion
    from supervision.services.policy import policy_approve, policy_draft_create, policy_review, policy_submit

    waiting = policy_draft_create(actor=hr_user, version="1.1")
    in_review = policy_draft_create(actor=hr_user, version="1.2")
    PolicyVersion.objects.filter(pk__in=[waiting.pk, in_review.pk]).update(change_summary="Meetings on Mondays.")
    for draft in (waiting, in_review):
        policy_submit(version_id=draft.pk, actor=hr_user)
    policy_review(version_id=waiting.pk, actor=supervisor)
    client.force_login(management_user)

    html = client.get(reverse("dashboards:management")).content.decode()
    section = re.search(r'<section class="card waiting" id="waiting".*</section>', html, re.S).group(0)
    assert reverse("supervision:policy_version", args=[waiting.pk]) in section
    assert "v1.1" in section and "Policy revisions to act on" in section
    assert reverse("supervision:policy_version", args=[in_review.pk]) not in section

    policy_approve(version_id=waiting.pk, actor=management_user, effective_date=timezone.localdate())
    html = client.get(reverse("dashboards:management")).content.decode()
    assert "Nothing is waiting for you." in html
