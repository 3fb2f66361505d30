"""On hold and problems that reach people, in a real browser (issue #20, rules 5 and 8).

A merchandiser (merch.chen, English) puts an order of theirs on hold with the customer's reason, reads the
banner on the order page, no longer finds the order on "My check-ins today", finds it again with the order
list's "On hold" filter and releases it. Then they write a problem in the order's check-in, and their
supervisor (sup.sun) reads it on the production board and in the weekly meeting's agenda under
"Problems this week"."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order, OrderState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Customer paused: waiting for the new carton artwork"
ALL = re.compile(r"^All \(")  # the worklist's "All (n)" view
PROBLEM = "Zip pullers from the trims supplier are the wrong colour"


def _order_of(username: str) -> Order:
    """An order in production and not on hold for the person: one of theirs from the demo, else one handed
    to them (given: the demo spreads its few in-production orders over the other merchandisers)."""
    from django.contrib.auth import get_user_model

    running = Order.objects.filter(status=OrderState.IN_PRODUCTION, is_on_hold=False).order_by("pk")
    order = running.filter(merchandiser__username=username).first()
    if order is None:
        order = running.first()
        assert order is not None, "the demo has orders in production"
        Order.objects.filter(pk=order.pk).update(merchandiser=get_user_model().objects.get(username=username))
    return order


def test_hold_release_and_a_problem_that_reaches_the_supervisor(open_journey, demo):
    number = _order_of("merch.chen").display_number
    j = open_journey("en", name="hold-merchandiser")
    j.start("/").sign_in("merch.chen", demo)

    # The check-in page lists the order; its link opens the order page.
    j.nav("My check-ins")
    expect(j.heading()).to_contain_text("My check-ins today")
    j.click_link(ALL)
    j.click_link(number, exact=True)
    expect(j.heading()).to_contain_text(number)

    # Hold it, with the customer's reason: the banner says why and since when.
    j.click(j.page.get_by_text("Put on hold", exact=True))
    j.fill("Reason for the hold", REASON)
    j.click_button("Hold this order")
    expect(j.message()).to_contain_text(f"Order {number} is on hold.")
    # a region of its own, not a status: the page's one status is the messages area (Journey.message)
    banner = j.page.get_by_role("region", name="On hold", exact=True)
    expect(banner).to_contain_text("On hold since")
    expect(banner).to_contain_text(REASON)
    j.screenshot("held")

    # No check-in is due for it while it is held.
    j.nav("My check-ins")
    if j.page.get_by_role("link", name=ALL).count():  # no tabs at all when it was their only order
        j.click_link(ALL)
    expect(j.page.get_by_role("link", name=number, exact=True)).to_have_count(0)

    # The order list finds held orders; release it from its page.
    j.nav("Orders")
    j.select("On hold", "Yes")
    j.click_button("Apply")
    j.click_link(number, exact=True)
    j.click_button("Release", within=banner)
    expect(j.message()).to_contain_text(f"Order {number} is released from hold.")
    expect(banner).to_have_count(0)

    # Back on the check-in page (the demo may have checked it in today already), with a problem.
    j.nav("My check-ins")
    j.click_link(ALL)
    row = j.page.get_by_role("form", name=re.compile(re.escape(number)))
    j.fill("Spoke to", "Chen (line leader)", within=row)
    j.select("How", "Phone", within=row)
    more = row.locator("details.checkin-more")  # folded unless today's check-in already holds a problem
    if more.get_attribute("open") is None:
        j.click(more.get_by_text("Milestone, problems, next steps"))
    j.fill("Problems", PROBLEM, within=row)
    j.click_button(re.compile(r"^(Save|Update)$"), within=row)  # "Update" when checked in already today
    row = j.page.get_by_role("form", name=re.compile(re.escape(number)))
    expect(row.get_by_role("status")).to_contain_text("Saved")

    # The supervisor reads the problem on the production board and in the meeting's agenda.
    s = open_journey("en", name="hold-supervisor")
    s.start("/").sign_in("sup.sun", demo)
    s.nav("Production board")
    problems = s.page.locator("#problems")
    expect(problems).to_contain_text(PROBLEM)
    expect(problems).to_contain_text(number)
    s.screenshot("board")
    s.nav("Meetings")
    s.click_button(re.compile(r"^Open this week's meeting"))
    s.click_button("Compile again from today's records")
    agenda = s.page.locator("#agenda")
    expect(agenda.get_by_role("heading", name="Problems this week").first).to_be_visible()
    expect(agenda).to_contain_text(PROBLEM)
    s.screenshot("agenda")
