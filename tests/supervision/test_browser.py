"""In a real browser: QA draws a sample, scores one order and raises a finding; the merchandiser then
sees the finding and acknowledges it."""

import importlib
import re

import pytest
from playwright.sync_api import expect

from supervision.models import Finding, SpotCheckPlan

from ..browser.conftest import (  # noqa: F401 - the shared browser fixtures
    allow_async_unsafe,
    browser_page,
    chromium,
    reference_data,
)
from ..conftest import advance
from ..factories import PASSWORD, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def supervision_data(reference_data):  # noqa: F811
    """The QA checklist and the policy come from a data migration that an earlier transactional test may
    have flushed: load them again (idempotent)."""
    from django.apps import apps

    importlib.import_module("supervision.migrations.0002_seed_checklist_and_policy").load(apps, None)


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()


def open_menu_item(page, group, item):
    """Open the main menu's group, then follow its item, as a person does."""
    menu = page.get_by_role("navigation", name="Main navigation")
    menu.locator("summary", has_text=group).click()
    menu.get_by_role("link", name=item, exact=True).click()


def test_qa_draws_scores_and_raises_a_finding_the_merchandiser_sees(
    browser_page,  # noqa: F811
    supervision_data,
    qa_user,
    merchandiser,
):
    page = browser_page
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")

    # QA: a plan of one order per merchandiser, drawn with a seed anyone can reuse.
    sign_in(page, qa_user)
    open_menu_item(page, "Quality & discipline", "Spot checks")
    page.get_by_role("link", name="New check plan").click()
    page.get_by_label("Name").fill("Browser check")
    page.get_by_label("Sample size", exact=True).fill("1")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Browser check")
    page.get_by_label("Seed").fill("browser-seed")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_role("status")).to_contain_text("Sample drawn.")
    expect(page.locator("#plan-seed")).to_have_text("browser-seed")
    page.get_by_role("button", name="Verify: draw again and compare").click()
    expect(page.get_by_role("status")).to_contain_text("Verified")

    # Score the drawn order: what the records can tell is pre-filled.
    page.locator("#samples").get_by_role("link", name=order.display_number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.display_number)
    expect(page.locator('td[data-item="confirmation_recorded"] input[value="pass"]')).to_be_checked()
    for code in ("checkins_on_time", "customer_notified_on_shipment"):
        page.locator(f'td[data-item="{code}"] input[value="pass"]').check()
    page.locator('td[data-item="records_complete"] input[value="fail"]').check()
    page.locator('td[data-item="records_complete"]').locator("xpath=..").locator("input[type=text]").fill(
        "No note of the call with the dye house"
    )
    page.get_by_role("button", name="Save the scores").click()
    expect(page.get_by_role("status")).to_contain_text("Scored.")

    # The failed item becomes a finding.
    failed = page.locator('[data-result="records_complete"]')
    failed.get_by_label("Severity").select_option("major")
    failed.get_by_label("Corrective action").fill("Record every call with the dye house on the order.")
    failed.get_by_role("button", name="Raise finding").click()
    expect(page.get_by_role("status")).to_contain_text("Finding raised")
    finding = Finding.objects.get(sample__order=order)
    assert SpotCheckPlan.objects.get().seed == "browser-seed"

    # The merchandiser sees it among their findings and acknowledges it.
    sign_in(page, merchandiser)
    open_menu_item(page, "Quality & discipline", "Findings")
    expect(page.get_by_role("heading", level=1)).to_have_text("My findings")
    row = page.locator("#findings tbody tr", has_text=finding.reference)
    expect(row).to_contain_text("No note of the call with the dye house")
    expect(row).to_contain_text("Major")
    row.get_by_role("link", name=finding.reference).click()
    expect(page).to_have_url(re.compile(rf"/supervision/findings/{finding.pk}/$"))
    expect(page.get_by_text("Record every call with the dye house on the order.")).to_be_visible()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status")).to_contain_text("Finding acknowledged.")
    finding.refresh_from_db()
    assert finding.status == "acknowledged"
    assert page.console_errors == []
