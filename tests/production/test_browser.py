"""A merchandiser signs in and fills today's check-ins for three orders on one screen (htmx, one row at
a time), in Debian's chromium driven by Playwright."""

import os
import shutil
from datetime import datetime, time

import pytest
import time_machine
from django.utils import timezone

from production.models import CheckIn, CheckInStatus

from ..conftest import IN_CI
from .conftest import bulk_in_production, done_today, in_production_order, next_weekday

CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(monkeypatch, live_server):
    """Chromium on a phone-sized page. Playwright's sync API runs an event loop in this thread, so the
    test's own ORM calls need DJANGO_ALLOW_ASYNC_UNSAFE: set for this test only (a session-wide setting
    would leak into the subprocesses other suites start, such as `manage.py check --deploy`)."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is required under CI for the browser tests")
        pytest.skip("chromium is not installed")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    if "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")  # a phone
        page = context.new_page()
        errors = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            yield page, errors
        finally:
            context.close()
            browser.close()
            connections.close_all()  # opened while Playwright's loop ran; not for the database teardown


def sign_in(page, base_url, user, password):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/dashboards/merchandiser/")


def test_merchandiser_fills_three_checkins_on_one_screen(live_server, team_a, password, browser_page):
    page, errors = browser_page
    merchandiser = team_a[2]
    orders = [in_production_order(merchandiser) for _ in range(3)]

    sign_in(page, live_server.url, merchandiser, password)
    page.goto(f"{live_server.url}/production/checkins/")
    assert page.locator("form.checkin").count() == 3
    assert page.inner_text("#checkin-done-count") == "0"

    for number, order in enumerate(orders, start=1):
        row = page.locator(f"#checkin-{order.pk}")
        prefix = f"o{order.pk}"
        row.locator(f"#id_{prefix}-contact_name").fill(f"Line leader {number}")
        row.locator(f"#id_{prefix}-contact_method").select_option("phone")
        row.locator(f"#id_{prefix}-quantity_done").fill(str(number * 100))
        if number == 2:  # problems sit in the row's fold, opened by its summary
            row.get_by_text("Milestone, problems, next steps", exact=True).click()
            row.locator(f"#id_{prefix}-problems").fill("Trims arrive Friday")
        row.get_by_role("button", name="Save").click()
        # htmx swaps the row in place: the new row says it is done and saved.
        page.wait_for_selector(f"#checkin-{order.pk}[data-status='done'] .checkin-saved")
        assert page.inner_text("#checkin-done-count") == str(number)
        assert page.inner_text("#checkin-count-todo") == str(3 - number)

    assert page.url == f"{live_server.url}/production/checkins/"
    checkins = {c.order_id: c for c in CheckIn.objects.filter(day=timezone.localdate())}
    assert {c.status for c in checkins.values()} == {CheckInStatus.DONE}
    assert [checkins[o.pk].quantity_done for o in orders] == [100, 200, 300]
    assert checkins[orders[1].pk].problems == "Trims arrive Friday"
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_an_invalid_row_shows_its_errors_in_place(live_server, team_a, password, browser_page):
    page, errors = browser_page
    merchandiser = team_a[2]
    order = in_production_order(merchandiser)
    sign_in(page, live_server.url, merchandiser, password)
    page.goto(f"{live_server.url}/production/checkins/")
    row = page.locator(f"#checkin-{order.pk}")
    # Required fields are enforced by the browser first; bypass them to exercise the server's answer.
    page.evaluate("document.querySelectorAll('form.checkin [required]').forEach(e => e.removeAttribute('required'))")
    row.get_by_role("button", name="Save").click()
    page.wait_for_selector(f"#checkin-{order.pk} .field-error")
    assert page.locator(f"#checkin-{order.pk}").get_attribute("data-status") == "pending"
    assert not CheckIn.objects.filter(status=CheckInStatus.DONE).exists()


def test_the_counters_cover_every_page_after_an_htmx_save(live_server, team_a, password, browser_page):
    """The progress line counts the whole worklist: a save on page 2 of the to-do list moves it from 3 to
    4 of 30, though that page shows one done row."""
    page, errors = browser_page
    merchandiser = team_a[2]
    # On a working day (nothing is due on a day off), soon enough that the session cookie stays valid.
    tuesday = next_weekday(timezone.localdate(), 1)
    with time_machine.travel(datetime.combine(tuesday, time(10, 30), tzinfo=timezone.get_current_timezone())):
        orders = bulk_in_production(merchandiser=merchandiser, n=30)
        done_today(orders[:3], merchandiser=merchandiser)
        sign_in(page, live_server.url, merchandiser, password)
        page.goto(f"{live_server.url}/production/checkins/?page=2")
        assert page.locator("form.checkin").count() == 2
        order = orders[29]
        page.locator(f"#checkin-{order.pk}").get_by_role("button", name="Save").click()  # yesterday's answers
        page.wait_for_selector(f"#checkin-{order.pk}[data-status='done'] .checkin-saved")
        assert page.inner_text("#checkin-done-count") == "4"
        assert page.inner_text("#checkin-total") == "30"
        assert (page.inner_text("#checkin-count-todo"), page.inner_text("#checkin-count-done")) == ("26", "4")
    assert not errors, errors
