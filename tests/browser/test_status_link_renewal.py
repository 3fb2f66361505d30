"""A customer's status link has expired; the merchandiser renews it from the order page, and the link the
customer already has works again (issue 19 item 12), in each UI language.

Half a year after the demo's shipments (time-machine), the merchandiser opens the delivered order, sees that
its link expired, copies the link as the page shows it, and the customer (a second browser) finds a page
saying it expired and whom to ask. The merchandiser presses Renew; the same link now shows the order.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each language's journey: who signs in, which of their delivered demo orders, and the words they read.
CASES = {
    "en": {
        "user": "merch.wang",
        "order": "SO-2026-000014",  # Pacific Apparel, delivered: its link went out with the shipment email
        "customer_lang": "en",
        "home": "My work",
        "orders": "Orders",
        "shipments": "Shipments",
        "link_label": "Status link",
        "expired": "Expired on",
        "renew": "Renew the link",
        "renewed": "The link works again until",
        "works_until": "Works until",
    },
    "zh-hans": {
        "user": "merch.li",
        "order": "SO-2026-000012",  # Nordic Home, shipped
        "customer_lang": "en",
        "home": "我的工作",
        "orders": "订单",
        "shipments": "发货",
        "link_label": "状态链接",
        "expired": "已于",
        "renew": "续期链接",
        "renewed": "链接已续期",
        "works_until": "有效期至",
    },
}
# What the customer reads, in the customer's language.
CUSTOMER = {"en": {"expired": "This link has expired", "order": "Order {n}"}}


@pytest.mark.parametrize("lang", CASES)
def test_a_merchandiser_renews_an_expired_status_link(open_journey, demo, live_server, settings, lang):
    settings.SITE_URL = live_server.url  # links in the page and emails point at the site, as deployed
    words = CASES[lang]
    seen_by_customer = CUSTOMER[words["customer_lang"]]
    half_a_year_later = timezone.now() + timedelta(days=200)

    with time_machine.travel(half_a_year_later, tick=True):
        staff = open_journey(lang, name=f"renew-{lang}-merchandiser")
        staff.start("/").sign_in(words["user"], demo)
        expect(staff.heading()).to_contain_text(words["home"])
        staff.nav(words["orders"])
        expect(staff.heading()).to_have_text(words["orders"])
        staff.click_link(words["order"])
        expect(staff.heading()).to_contain_text(words["order"])
        if staff.page.locator("#panel-logistics").count() == 0:  # a delivered order opens on its after-sales
            staff.order_tab(words["shipments"])
        shipments = staff.page.locator("#panel-logistics")
        term = shipments.get_by_test_id("status-link-term")
        expect(term).to_contain_text(words["expired"])

        # The link exactly as the page shows it, opened by the customer in their own browser.
        link = shipments.get_by_label(words["link_label"], exact=True).input_value()
        customer = open_journey(words["customer_lang"], name=f"renew-{lang}-customer")
        customer.start(link)
        expect(customer.heading()).to_have_text(seen_by_customer["expired"])
        expect(customer.page.get_by_test_id("whom-to-ask")).to_be_visible()

        staff.click_button(words["renew"], within=shipments)
        expect(staff.message()).to_contain_text(words["renewed"])
        expect(staff.page.locator("#panel-logistics").get_by_test_id("status-link-term")).to_contain_text(
            words["works_until"]
        )

        customer.start(link)  # the copy the customer already had
        expect(customer.heading()).to_contain_text(seen_by_customer["order"].format(n=words["order"]))
