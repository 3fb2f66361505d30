"""The customer, in a real browser: a merchandiser opens a delivered order and reads its status link off
the page; the customer, with no login, opens that link in a fresh browser, sees the order's status and
rates the delivery."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What merch.chen (English) reads and clicks.
EN = {
    "orders": "Orders",
    "filters": "Filter orders",
    "state": "State",
    "after_sales": "After-sales",
    "apply": "Apply",
    "status_link": "Status link",
}

# What the customer reads and clicks: the customer's own language is Chinese.
ZH = {
    "delivered": "已签收",
    "survey": "请评价我们的服务",
    "quality": "产品质量",
    "delivery": "交期",
    "communication": "沟通",
    "comment": "意见",
    "send": "提交评分",
    "thanks": "感谢您的反馈。",
    "rated": "感谢您在",
}


@pytest.fixture
def site_url(settings, live_server):
    """The status link is built from SITE_URL, the address the site is served at: here, the live server."""
    settings.SITE_URL = live_server.url


def test_customer_opens_the_status_link_and_rates_the_delivery(open_journey, demo, site_url):
    # The merchandiser opens one of their delivered orders (after-sales: the customer confirmed delivery).
    t = EN
    merch = open_journey("en", name="customer-merchandiser")
    merch.start("/").sign_in("merch.chen", demo)
    merch.nav(t["orders"])
    merch.select(t["state"], t["after_sales"], within=merch.page.get_by_role("form", name=t["filters"]))
    merch.click_button(t["apply"])
    first = merch.page.locator("table tbody").get_by_role("link").first
    number = first.inner_text()
    merch.click(first)
    expect(merch.heading()).to_contain_text(number)
    merch.order_tab("Shipments")  # a delivered order opens on its after-sales tab
    link = merch.page.locator("#panel-logistics").get_by_label(t["status_link"], exact=True)
    expect(link).to_be_visible()
    url = link.input_value()
    assert re.match(r"^http://.+/s/", url), url  # an address the customer's browser can open
    merch.page.context.close()

    # The customer (a Chinese buyer) opens the link in a fresh browser, with no login.
    c = ZH
    customer = open_journey("zh-hans", name="customer")
    customer.start(url)
    expect(customer.heading()).to_contain_text(number)
    expect(customer.page.get_by_test_id("stage")).to_have_text(c["delivered"])

    # The survey offered once delivery is confirmed: three ratings from 1 to 5, and a comment.
    survey = customer.page.locator("#survey")
    expect(survey.get_by_role("heading", level=2)).to_have_text(c["survey"])
    for rating, stars in ((c["quality"], "5"), (c["delivery"], "4"), (c["communication"], "5")):
        field = survey.locator(".field", has_text=rating)
        # The number starts the radio's label; a caption may follow it.
        customer.click(field.get_by_label(re.compile(rf"^\s*{stars}\b")))
    customer.fill(c["comment"], "准时到货，包装完好。", within=survey)
    customer.click_button(c["send"], within=survey)
    expect(customer.message()).to_contain_text(c["thanks"])
    expect(customer.page.locator("#survey")).to_contain_text(c["rated"])
