"""The menu of every role: at most seven top-level entries, the right groups, dropdowns in the markup,
the count of what waits in each group, and breadcrumbs on detail pages."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from config.navigation import GROUPS, TOP_LEVEL_MAX, menu_for
from core import waiting

pytestmark = pytest.mark.django_db

EXPECTED = {
    Role.MERCHANDISER: [
        "My work",
        "Orders",
        "Production & delivery",
        "Team",
        "Quality & discipline",
        "My scorecards",
        "Policy",
    ],
    Role.SUPERVISOR: [
        "My work",
        "Orders",
        "Production & delivery",
        "Team",
        "Quality & discipline",
        "Performance",
        "Company",
    ],
    Role.QA: ["My work", "Orders", "Production & delivery", "Quality & discipline", "Policy"],
    Role.HR: ["My work", "Orders", "Reports", "Quality & discipline", "Performance", "Company"],
    Role.MANAGEMENT: ["My work", "Orders", "Production & delivery", "Team", "Evaluation", "Policy"],
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_at_most_seven_top_level_entries(role):
    menu = menu_for(frozenset({role}))
    assert len(menu) <= TOP_LEVEL_MAX
    assert [str(entry["label"]) for entry in menu] == EXPECTED[role]


def test_a_group_with_one_page_for_the_role_is_that_page():
    [scorecards] = [e for e in menu_for(frozenset({Role.MERCHANDISER})) if e["key"] == "evaluation"]
    assert "links" not in scorecards and scorecards["url"] == reverse("evaluation:my_scorecards")


def test_every_page_of_the_old_menu_is_still_reached():
    reached = {link["url"] for role in Role for e in menu_for(frozenset({role})) for link in e.get("links", [e])}
    named = {reverse(name) for group in GROUPS for _l, name, _r in group.items}
    assert named <= reached


def test_even_all_roles_together_keep_to_seven():
    assert len(menu_for(frozenset(Role))) <= TOP_LEVEL_MAX


def test_the_menu_is_dropdowns_with_the_count_of_what_waits(client, hr_user, supervisor, management_user, settings):
    settings.WAITING_COUNTS_MAX_AGE = 60
    from supervision.models import PolicyVersion
    from supervision.services.policy import policy_approve, policy_draft_create, policy_review, policy_submit

    draft = policy_draft_create(actor=hr_user, version="1.1")
    PolicyVersion.objects.filter(pk=draft.pk).update(change_summary="Meetings on Mondays.")
    policy_submit(version_id=draft.pk, actor=hr_user)
    policy_review(version_id=draft.pk, actor=supervisor)

    client.force_login(management_user)
    html = client.get(reverse("orders:list")).content.decode()
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    assert nav.count('<details class="navgroup">') == 3  # Orders, Production & delivery, Team
    policy_url = reverse("supervision:policy_current")
    policy = re.search(rf'<li>\s*<a href="{policy_url}"[^>]*>Policy</a>(.*?)</li>', nav, re.S)
    assert policy and 'class="navcount">1<' in policy.group(1)  # the revision waits for management
    assert 'class="menu-button"' in html and 'aria-controls="mainnav"' in html

    policy_approve(version_id=draft.pk, actor=management_user, effective_date=timezone.localdate())
    html = client.get(reverse("orders:list")).content.decode()
    assert "navcount" not in re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)


def test_a_landing_page_has_no_second_row_of_menu_buttons(client, merchandiser):
    client.force_login(merchandiser)
    html = client.get(reverse("dashboards:merchandiser")).content.decode()
    main = html.split("<main", 1)[1]
    for name in (
        "orders:intake_email",
        "orders:intake_spreadsheet",
        "supervision:meeting_list",
        "supervision:report_mine",
    ):
        assert f'href="{reverse(name)}"' not in main, name
    assert 'id="waiting"' in main


def test_breadcrumbs_lead_back_from_a_detail_page(client, merchandiser):
    from ..factories import make_order

    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    html = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert f'href="{reverse("orders:list")}"' in crumbs and order.display_number in crumbs


def test_waiting_registry_is_filled_by_the_apps():
    assert waiting.sources_for({Role.MANAGEMENT})
