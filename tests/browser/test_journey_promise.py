"""The promise ledger in a real browser (issue #20, rule 2): a merchandiser (merch.wang, English) proposes a
new delivery date for a capacity problem; it waits. Their supervisor (sup.zhao, Chinese) signs in, finds it
under "Dates to approve" and approves it. The customer opens the status link the order now shows and
accepts the new date, and the merchandiser reads the answer on My work and on the order."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order, OrderState, PromiseStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the customer reads and clicks, in their own language.
CUSTOMER = {
    "en": {"heading": "New delivery date", "accept": "Accept new date", "thanks": "Your answer is recorded"},
    "zh-hans": {"heading": "新交货期", "accept": "接受新交货期", "thanks": "您的答复已记录"},
}


@pytest.fixture
def site_url(settings, live_server):
    """The status link is built from SITE_URL, the address the site is served at: here, the live server."""
    settings.SITE_URL = live_server.url


def order_card(j, heading: str):
    """A card of the order page, found by its heading."""
    return j.page.locator("section.card", has=j.page.get_by_role("heading", name=heading, exact=True))


def _order_of(username: str) -> Order:
    """An order of theirs in production, not held and with no date waiting, with a customer to email; else
    one handed to them (given: the demo spreads its few in-production orders over the merchandisers)."""
    from django.contrib.auth import get_user_model

    running = (
        Order.objects.filter(status=OrderState.IN_PRODUCTION, is_on_hold=False)
        .exclude(promises__status=PromiseStatus.PROPOSED)
        .exclude(customer__email="")
        .order_by("pk")
    )
    order = running.filter(merchandiser__username=username).first()
    if order is None:
        order = running.first()
        assert order is not None, "the demo has orders in production"
        Order.objects.filter(pk=order.pk).update(merchandiser=get_user_model().objects.get(username=username))
    return order


def test_a_new_date_approved_by_the_supervisor_and_accepted_by_the_customer(open_journey, demo, site_url):
    order = _order_of("merch.wang")
    number = order.display_number
    new_date = (order.delivery_date + timedelta(days=21)).isoformat()
    assert order.delivery_date >= timezone.localdate()

    # 1. The merchandiser proposes the new date from the order's production panel.
    m = open_journey("en", name="promise-merchandiser")
    m.start("/").sign_in("merch.wang", demo)
    m.nav("My check-ins")
    all_view = m.page.get_by_role("link", name=re.compile(r"^All \("))
    if all_view.count():
        m.click(all_view)
    m.click_link(number, exact=True)
    expect(m.heading()).to_contain_text(number)
    production = m.page.locator("#panel-production")
    m.click(production.get_by_text("Record a delay", exact=True))
    m.select("Reason", "Production capacity", within=production)
    m.fill("New promised delivery date", new_date, within=production)
    m.fill("Internal note", "Line 3 is down for a week", within=production)
    m.click_button("Propose the new date")
    expect(m.message()).to_contain_text("It waits for your supervisor's approval.")
    promises = order_card(m, "Delivery promises")  # the page comes back on them (the Overview tab)
    expect(promises).to_contain_text(f"proposed {new_date} as the new delivery date")
    m.screenshot("proposed")

    # 2. The supervisor approves it from the list of dates to approve.
    s = open_journey("zh-hans", name="promise-supervisor")
    s.start("/").sign_in("sup.zhao", demo)
    waiting = s.page.locator("section", has=s.page.get_by_role("heading", name="待批交货期"))
    expect(waiting).to_contain_text(number)
    s.click_link("审批新交货期", within=waiting)
    expect(s.heading()).to_contain_text("待批交货期")
    card = s.page.locator("section.card", has=s.page.get_by_role("link", name=number, exact=True))
    s.fill("给跟单员的说明", "同意，请尽快通知客户", within=card)
    s.click_button(f"批准 {number} 的新交货期", within=card)
    expect(s.message()).to_contain_text(f"订单 {number} 的新交货期 {new_date} 已批准。")
    s.screenshot("approved")

    # 3. The order now promises the new date (the first promise kept beside it) and shows the status link.
    m.page.reload()
    m.settle()
    promises = order_card(m, "Delivery promises")
    expect(promises).to_contain_text(f"latest promise: {new_date}")
    expect(promises).to_contain_text(f"First promise: {order.delivery_date.isoformat()}")
    m.order_tab("Shipments")  # the status link is with the shipments
    link = order_card(m, "Shipments").get_by_label("Status link", exact=True)
    expect(link).to_be_visible()
    url = link.input_value()

    # 4. The customer opens the link, with no login, and accepts the new date.
    language = order.customer.preferred_language or "zh-hans"
    c = CUSTOMER["en" if language == "en" else "zh-hans"]
    customer = open_journey(language, name="promise-customer")
    customer.start(url)
    section = customer.page.locator("#new-date")
    expect(section.get_by_role("heading", level=2)).to_have_text(c["heading"])
    expect(section).to_contain_text(new_date)
    customer.click_button(c["accept"], within=section)
    expect(customer.message()).to_contain_text(c["thanks"])
    expect(customer.page.get_by_test_id("new-date-answer")).to_be_visible()
    customer.screenshot("accepted")

    # 5. The merchandiser reads the answer on My work and on the order.
    m.nav("My work")
    answers = m.page.locator("section", has=m.page.get_by_role("heading", name="Customers' answers to new dates"))
    expect(answers).to_contain_text(number)
    expect(answers).to_contain_text("Accepted by the customer")
    m.click_link(number, within=answers)
    m.order_tab("Overview")
    expect(order_card(m, "Delivery promises")).to_contain_text("Accepted by the customer")
    m.screenshot("answer")
