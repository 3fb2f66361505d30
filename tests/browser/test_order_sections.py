"""The order page's tabs in a real browser: a tab opens in place (htmx) and puts itself in the address; the
same link works with JavaScript off, and a bookmarked ?tab= opens that tab."""

import re

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD
from ..logistics.helpers import shipped_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_tab_opens_in_place_and_can_be_bookmarked(browser_page, merchandiser):
    page = browser_page
    order = shipped_order(merchandiser)[0]
    page.goto(f"/orders/{order.pk}/")
    sign_in(page, merchandiser)
    expect(page).to_have_url(re.compile(rf"/orders/{order.pk}/$"))

    tabs = page.get_by_role("navigation", name="Sections of the order")
    expect(tabs.get_by_role("link", name="Shipments")).to_have_attribute("aria-current", "page")  # its stage
    expect(page.locator(f"#run-h-{order.pk}")).to_have_count(0)  # another tab: not even loaded
    page.wait_for_load_state("load")  # htmx has taken the links over; a click sooner is a plain navigation
    page.evaluate("window.stillHere = true")
    tabs.get_by_role("link", name="Production & T&A").click()

    expect(page.get_by_text("Ningbo No. 2 garment factory")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/orders/{order.pk}/\?tab=production$"))
    assert page.evaluate("window.stillHere === true")  # in place, no navigation
    expect(tabs.get_by_role("link", name="Production & T&A")).to_be_focused()

    page.get_by_role("navigation", name="Sections of the order").get_by_role("link", name="Work record").click()
    expect(page.get_by_role("heading", name="Customer notifications")).to_be_visible()
    expect(page.get_by_text(f"Order {order.number} has shipped")).to_be_visible()

    page.reload()  # the address it left is a bookmark of that tab
    expect(page.get_by_role("heading", name="Customer notifications")).to_be_visible()
    assert page.console_errors == []


def test_the_tabs_work_without_javascript(chromium, live_server, reference_data, merchandiser):
    order = shipped_order(merchandiser)[0]
    context = chromium.new_context(base_url=live_server.url, locale="en-US", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/orders/{order.pk}/")
        sign_in(page, merchandiser)
        tabs = page.get_by_role("navigation", name="Sections of the order")
        tabs.get_by_role("link", name="Production & T&A").click()

        expect(page).to_have_url(re.compile(rf"/orders/{order.pk}/\?tab=production#order-tab$"))
        expect(page.get_by_text("Ningbo No. 2 garment factory")).to_be_visible()
        expect(
            page.get_by_role("navigation", name="Sections of the order").get_by_role("link", name="Production & T&A")
        ).to_have_attribute("aria-current", "page")
    finally:
        context.close()
