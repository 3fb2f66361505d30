"""A search from the top bar (issue #22, item 2), in a real browser on the demo data: merch.wang signs in
through the form, presses "/" to reach the search box, types a customer's name, sees the results grouped
by kind as they type, moves through them with the arrow keys, closes them with Escape, and opens an order
with Enter. What team B's merchandiser types finds none of team A's orders, and a two-character Chinese word
finds their cases by subject."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _newest_order(username: str, customer_code: str):
    from orders.models import Order

    return (
        Order.objects.filter(merchandiser__username=username, customer__code=customer_code)
        .select_related("customer")
        .order_by("-received_at", "-id")
        .first()
    )


def test_a_merchandiser_finds_an_order_from_the_top_bar_with_the_keyboard(open_journey, demo):
    order = _newest_order("merch.wang", "PACI")
    assert order is not None, "the demo gives merch.wang orders of Pacific Apparel"

    j = open_journey("en", name="search")
    j.start("/").sign_in("merch.wang", demo)
    box = j.page.get_by_role("searchbox", name="Search")
    expect(box).to_have_attribute("placeholder", "Search orders, customers, styles… ( / )")

    j.page.locator("body").press("/")
    expect(box).to_be_focused()
    box.press_sequentially("Pacific", delay=40)
    results = j.page.get_by_role("region", name="Search results")
    expect(results.get_by_role("heading", name="Orders")).to_be_visible()
    expect(results.get_by_role("heading", name="Customers")).to_be_visible()
    expect(results.get_by_role("link", name=re.compile(r"^Pacific Apparel Inc\. PACI"))).to_be_visible()
    j.audit(force=True)  # the open dropdown, too

    links = results.get_by_role("link")
    box.press("ArrowDown")
    expect(links.first).to_be_focused()
    j.page.keyboard.press("ArrowDown")
    expect(links.nth(1)).to_be_focused()
    j.page.keyboard.press("ArrowUp")
    expect(links.first).to_be_focused()
    j.page.keyboard.press("ArrowUp")
    expect(box).to_be_focused()

    j.page.keyboard.press("Escape")
    expect(results).to_have_count(0)
    expect(box).to_be_focused()

    box.press_sequentially(" ", delay=40)  # the same words again: the dropdown opens again
    expect(results.get_by_role("heading", name="Orders")).to_be_visible()
    box.press("ArrowDown")
    expect(links.first).to_contain_text(order.display_number)
    with j.page.expect_navigation():
        j.page.keyboard.press("Enter")
    j.settle()
    expect(j.heading()).to_contain_text(order.display_number)


def test_the_results_page_works_without_the_dropdown_and_in_chinese(open_journey, demo):
    theirs = _newest_order("merch.wang", "PACI")

    j = open_journey("zh-hans", name="search-zh")
    j.start("/").sign_in("merch.zhang", demo)  # team B: Pacific Apparel's orders are team A's
    box = j.page.get_by_role("searchbox", name="搜索")
    box.fill("太平洋服饰")
    j.press_enter("搜索")
    expect(j.heading()).to_have_text("搜索：“太平洋服饰”")
    expect(j.page.get_by_role("main").get_by_role("heading", name="客户")).to_be_visible()
    expect(j.page.get_by_role("main").get_by_role("link", name=re.compile(r"^太平洋服饰公司 PACI"))).to_be_visible()
    expect(j.page.get_by_role("main").get_by_role("link", name=theirs.display_number, exact=False)).to_have_count(0)
    expect(j.page.get_by_role("main").get_by_role("heading", name="订单")).to_have_count(0)

    # A two-character Chinese word finds the cases whose subject holds it, and only the ones this person sees.
    from accounts.models import User
    from aftersales.selectors import cases_visible_to

    damaged = cases_visible_to(User.objects.get(username="merch.zhang")).filter(subject__contains="破损")
    assert damaged.exists(), "the demo gives team B a case of damaged cartons (破损)"
    box = j.page.get_by_role("searchbox", name="搜索")
    box.fill("破损")
    j.press_enter("搜索")
    expect(j.heading()).to_have_text("搜索：“破损”")
    for case in damaged:
        expect(j.page.get_by_role("main").get_by_role("link", name=re.compile(case.reference))).to_be_visible()
