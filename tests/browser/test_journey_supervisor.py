"""A department supervisor's week, in a real browser: the weekly meeting's agenda and an action item, the
review of a merchandiser's work record, an order handed over inside the team, and an order in production
cancelled with a reason (the suite's one walk to the cancelled state)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What sup.sun (English) reads and clicks.
EN = {
    "meetings": "Meetings",
    "open_meeting": re.compile(r"^Open this week's meeting"),
    "meeting_heading": "Weekly merchandiser meeting",
    "compile": "Compile again from today's records",
    "compiled": "The agenda was compiled again from today's records.",
    "action": "Action",
    "owner": "Owner",
    "due": "Due date",
    "add_action": "Add action item",
    "action_added": "Action item added.",
    "reviews": "Record reviews",
    "review_heading": "Review the work record",
    "rating": "4",
    "comment": "Comment",
    "mark_reviewed": "Mark reviewed",
    "reviewed": "Review recorded.",
    "orders": "Orders",
    "filters": "Filter orders",
    "state": "State",
    "in_production": "In production",
    "apply": "Apply",
    "hand_over": "Hand over",
    "from": "From merchandiser",
    "to": "To merchandiser",
    "hand_over_heading": "Hand over orders",
    "merchandiser": "Merchandiser",
    "reason": "Reason",
    "handed": "1 order(s) handed over.",
    "card": re.compile(r"^(Next step|Actions)"),
    "cancel": "Cancel order",
    "cancel_this": "Cancel this order",
    "cancelled": "Cancelled",
    "now_cancelled": "Order {order} is now Cancelled.",
    "cancel_reason": "Cancellation reason",
}


def test_supervisor_week(open_journey, demo):
    t = EN
    j = open_journey("en", name="supervisor")
    j.start("/").sign_in("sup.sun", demo)

    # The weekly meeting: open this week's, compile its agenda from today's records, add an action item.
    j.nav(t["meetings"])
    j.click_button(t["open_meeting"])
    expect(j.heading()).to_contain_text(t["meeting_heading"])
    j.click_button(t["compile"])
    expect(j.message()).to_contain_text(t["compiled"])
    actions = j.page.locator("#actions")
    j.fill(t["action"], "Call Hansa about the carton marks", within=actions)
    j.select(t["owner"], "张静", within=actions)
    j.fill(t["due"], (timezone.localdate() + timedelta(days=5)).isoformat(), within=actions)
    j.click_button(t["add_action"])
    expect(j.message()).to_contain_text(t["action_added"])
    expect(j.page.locator("#actions").get_by_role("row", name=re.compile("Call Hansa"))).to_be_visible()

    # Review a merchandiser's work record: the riskiest and newest order first.
    j.nav(t["reviews"])
    queue = j.page.locator("#queue")
    first = queue.get_by_role("link").first
    number = first.inner_text()
    j.click(first)
    expect(j.heading()).to_contain_text(t["review_heading"])
    expect(j.heading()).to_contain_text(number)
    j.click(j.page.get_by_label(t["rating"], exact=True))
    j.fill(t["comment"], "Every call with the factory is on the record.")
    j.click_button(t["mark_reviewed"])
    expect(j.message()).to_contain_text(t["reviewed"])
    expect(j.page.locator("#queue")).not_to_contain_text(number)

    # Team B's two orders in production: hand the first over inside the team, cancel the second (only a
    # supervisor may cancel an order in production, and only with a reason).
    j.nav(t["orders"])
    j.select(t["state"], t["in_production"], within=j.page.get_by_role("form", name=t["filters"]))
    j.click_button(t["apply"])
    links = j.page.locator("table tbody").get_by_role("link")
    expect(links).to_have_count(2)
    handed, cancelled = links.nth(0).inner_text(), links.nth(1).inner_text()

    j.click_link(handed)
    expect(j.heading()).to_contain_text(handed)
    j.click_link(t["hand_over"])
    expect(j.heading()).to_have_text(t["hand_over_heading"])
    owner = j.page.get_by_label(t["from"], exact=True).locator("option:checked").inner_text()
    colleague = {"张静": "陈浩", "陈浩": "张静"}[owner]  # team B's two merchandisers
    j.select(t["to"], colleague)
    j.fill(t["reason"], "Zhang Jing is on leave for two weeks.")
    j.click_button(t["hand_over"])
    expect(j.message()).to_contain_text(t["handed"])
    expect(j.heading()).to_contain_text(handed)
    expect(j.page.locator(f"dt:text-is('{t['merchandiser']}') + dd")).to_have_text(colleague)

    j.nav(t["orders"])
    j.select(t["state"], t["in_production"], within=j.page.get_by_role("form", name=t["filters"]))
    j.click_button(t["apply"])
    j.click_link(cancelled)
    # The card under the stepper: "Next step: …", or "Actions" when the order is on hold (as the demo's
    # second order in production is), its step being the hold banner's Release.
    next_steps = j.page.get_by_role("region", name=t["card"])
    j.click(next_steps.locator("summary", has_text=t["cancel"]))
    j.fill(t["reason"], "The customer withdrew the PO after the fabric was booked.", within=next_steps)
    j.click_button(t["cancel_this"])
    expect(j.heading()).to_contain_text(cancelled)
    expect(j.heading()).to_contain_text(t["cancelled"])
    expect(j.message()).to_contain_text(t["now_cancelled"].format(order=cancelled))
    expect(j.page.locator(f"dt:text-is('{t['cancel_reason']}') + dd")).to_have_text(
        "The customer withdrew the PO after the fabric was booked."
    )
