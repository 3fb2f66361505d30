"""A finished stage is folded on the order page and opens in place (htmx), in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD
from ..logistics.helpers import shipped_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_opening_a_folded_stage_loads_it_in_place(browser_page, merchandiser):
    page = browser_page
    order = shipped_order(merchandiser)[0]
    page.goto(f"/orders/{order.pk}/")
    page.get_by_label("Username").fill(merchandiser.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/orders/{order.pk}/$"))

    production = page.locator("#panel-production")
    expect(production.locator(f"#run-h-{order.pk}")).to_have_count(0)  # folded: not even loaded
    production.get_by_text("Show", exact=True).click()

    expect(production.get_by_text("Ningbo No. 2 garment factory")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/orders/{order.pk}/$"))  # in place, no navigation
    notifications = page.locator("#panel-notifications")
    notifications.get_by_text("Show", exact=True).click()
    expect(notifications.get_by_text(f"Order {order.number} has shipped")).to_be_visible()
    assert page.console_errors == []
