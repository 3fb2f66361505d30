"""A merchandiser takes a phone order and carries it to Entered, in a real browser."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import ChecklistItem, Order, OrderState

from ..factories import PASSWORD, CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page):
    """Wait until htmx and any navigation have finished talking to the server."""
    page.wait_for_load_state("networkidle")


def test_phone_order_from_intake_to_entered(browser_page, merchandiser):
    page = browser_page
    customer = CustomerFactory(name_en="Harbour Apparel Ltd", name_zh="港湾服饰")
    items = list(ChecklistItem.objects.filter(active=True))
    assert items, "the checklist has no items: the reference data is missing"

    # Sign in through the real login page.
    page.goto("/orders/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(merchandiser.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/orders/$"))

    # Take the order by phone: "New order" sits in the menu's Orders group.
    menu = page.get_by_role("navigation", name="Main navigation")
    menu.locator("summary", has_text=re.compile(r"^Orders")).click()
    menu.get_by_role("link", name="New order").click()
    expect(page.get_by_role("heading", name="Take a phone order")).to_be_visible()
    page.get_by_label("Customer", exact=True).select_option(label=str(customer))
    page.get_by_label("Customer PO number").fill("HA-2026-17")
    page.get_by_label("Currency").select_option(label="USD")
    page.get_by_label("Promised delivery date").fill((timezone.localdate() + timedelta(days=75)).isoformat())
    line = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="1", exact=True))
    line.get_by_label("Description").fill("Crew-neck T-shirt, navy")
    line.get_by_label("Quantity").fill("1200")
    line.get_by_label("Unit", exact=True).select_option(label="pieces")
    line.get_by_label("Unit price").fill("3.85")
    page.get_by_role("button", name="Save order").click()

    # The order page, in state Received.
    expect(page).to_have_url(re.compile(r"/orders/\d+/$"))
    order = Order.objects.get(customer=customer)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"Draft: {customer} PO HA-2026-17")
    expect(heading).to_contain_text("Received")
    expect(page.get_by_role("status")).to_contain_text("Order received.")

    # Tick every checklist item; each tick swaps the checklist in place (htmx).
    for item in items:
        page.get_by_role("button", name=f"Tick: {item.label}").click()
        expect(page.get_by_role("button", name=f"Clear: {item.label}")).to_be_visible()
        settle(page)
    expect(page.get_by_role("button", name=re.compile(r"^Tick: "))).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/orders/{order.pk}/$"))  # no full reload happened

    # Record how the customer confirmed, a quarter of an hour ago ("Confirmed at" starts at now).
    confirmed_at = timezone.localtime(timezone.now() - timedelta(minutes=15))
    page.get_by_label("Method").select_option(label="Phone")
    page.get_by_label("Customer contact").fill("Grace Lee (buyer)")
    expect(page.get_by_label("Confirmed at")).not_to_have_value("")
    page.get_by_label("Confirmed at").fill(confirmed_at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save confirmation").click()
    settle(page)
    expect(page.get_by_role("status")).to_contain_text("The customer's confirmation is recorded.")
    expect(page.get_by_text("Grace Lee (buyer)")).to_be_visible()

    # Confirm, then enter.
    page.get_by_role("button", name="Confirm order").click()
    settle(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirmed")
    page.get_by_role("button", name="Enter order and assign number").click()
    settle(page)

    # The order number appears, and the work record shows each step.
    order = Order.objects.get(pk=order.pk)  # protected FSM field: no refresh_from_db
    assert order.status == OrderState.ENTERED
    assert re.fullmatch(r"SO-\d{4}-\d{6}", order.number)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(order.number)
    expect(heading).to_contain_text("Entered")
    tabs = page.get_by_role("navigation", name="Sections of the order")
    tabs.get_by_role("link", name="Work record", exact=True).click()
    settle(page)
    record = page.locator("section.card", has=page.get_by_role("heading", name="Work record"))
    expect(record).to_contain_text("Received → Confirmed")
    expect(record).to_contain_text("Confirmed → Entered")
    expect(record).to_contain_text("Order number assigned")
    expect(record).to_contain_text(order.number)
    expect(record).to_contain_text("Customer confirmation recorded")
    expect(record.get_by_text("Checklist item ticked")).to_have_count(len(items))
    assert page.console_errors == []
