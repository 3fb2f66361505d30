"""The customer portal (issue #24, item 3), in a real browser on the demo data.

merch.li (who works in Chinese) opens her customer Nordic Home and clicks "邀请到客户门户" (Invite to the
customer portal) beside the buyer's contact. The buyer (English) follows the link in the email, sets a
password, and signs in through the ordinary form with their email address. They see Nordic Home's orders
and not another company's, add a webhook endpoint (their receiver, here on loopback) in the developer
settings, and keep its signing secret. merch.li ships one of Nordic Home's orders; the receiver gets one
signed `order.shipped`, and the buyer sees the delivery as delivered in the portal."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from ..webhooks.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUYER = "anna.berg@nordichome.example"
NEW_PASSWORD = "Nordic-portal-2026!"


def _orders():
    from orders.models import Order, OrderState

    mine = (
        Order.objects.filter(
            merchandiser__username="merch.li",
            customer__code="NORD",
            status=OrderState.IN_PRODUCTION,
            is_on_hold=False,
            shipments__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    assert mine is not None, "the demo gives merch.li an order of Nordic Home in production, nothing shipped yet"
    theirs = Order.objects.filter(customer__code="PACI").exclude(number__isnull=True).order_by("pk").first()
    return mine, theirs


def _surveys_by_score(code, *, at_most):
    """The order numbers of a customer's survey answers with some score at or below `at_most`, and the rest."""
    from aftersales.models import Feedback, FeedbackSource

    low, high = [], []
    for answer in Feedback.objects.filter(customer__code=code, source=FeedbackSource.SURVEY).select_related("order"):
        lowest = min(answer.quality, answer.delivery, answer.communication)
        (low if lowest <= at_most else high).append(answer.order.display_number)
    return low, high


@pytest.fixture
def receiver():
    found = Receiver().start()
    yield found
    found.stop()


def test_a_contact_is_invited_signs_in_sees_their_orders_and_gets_a_signed_event(open_journey, demo, receiver):
    mine, theirs = _orders()

    # 1. merch.li (Chinese) invites the buyer from the customer's page.
    merch = open_journey("zh-hans", name="portal-merchandiser")
    merch.start("/").sign_in("merch.li", demo)
    merch.nav("客户")
    merch.click_link("NORD")
    row = merch.page.get_by_test_id("portal-contact").filter(has_text=BUYER)
    expect(row).to_contain_text("未邀请")
    merch.click_button("邀请到客户门户", within=row)
    expect(merch.message()).to_contain_text(f"邀请已发送至 {BUYER}")
    expect(merch.page.get_by_test_id("portal-contact").filter(has_text=BUYER)).to_contain_text("已邀请，尚未设置密码")

    # 2. The buyer follows the emailed link (Nordic Home's language is English) and sets a password.
    invitation = [m for m in mail.outbox if m.to == [BUYER] and "/customer/welcome/" in m.body][-1]
    link = re.search(r"https?://[^/\s]+(/customer/welcome/\S+/)", invitation.body).group(1)
    buyer = open_journey("en", name="portal-buyer")
    buyer.start(link)
    expect(buyer.heading()).to_have_text("Set your password for the customer portal")
    buyer.fill("New password", NEW_PASSWORD)
    buyer.fill("New password confirmation", NEW_PASSWORD)
    buyer.click_button("Set my password")
    expect(buyer.message()).to_contain_text("Your password is set.")

    # 3. Sign in through the ordinary form with the email: the portal's home, Nordic Home's orders only.
    buyer.sign_in(BUYER, NEW_PASSWORD)
    expect(buyer.heading()).to_have_text("Nordic Home AB")
    buyer.nav("Orders")
    buyer.fill("Order, PO or style", mine.display_number)
    buyer.click_button("Apply")
    buyer.click_link(mine.display_number)
    expect(buyer.heading()).to_contain_text(mine.display_number)
    buyer.nav("Orders")
    if theirs is not None:
        buyer.fill("Order, PO or style", theirs.display_number)
        buyer.click_button("Apply")
        expect(buyer.page.locator("table")).not_to_contain_text(theirs.display_number)

    # 3b. The surveys the company answered, narrowed to those with a score of 3 or less.
    low, high = _surveys_by_score("NORD", at_most=3)
    assert low, "the demo gives Nordic Home a survey with a score of 3 or less"
    buyer.nav("Surveys")
    buyer.select("A score at or below", "3")
    buyer.click_button("Apply")
    table = buyer.page.locator("table")
    for number in low:
        expect(table).to_contain_text(number)
    for number in high:
        expect(table).not_to_contain_text(number)

    # 4. Developer settings: add an endpoint pointing at the buyer's receiver; keep the secret shown once.
    buyer.nav("Developer settings")
    buyer.click_link("Add an endpoint")
    buyer.fill("URL", receiver.url)
    buyer.fill("Description", "Nordic ERP")
    buyer.click(buyer.page.get_by_label("Shipment sent"))
    buyer.click_button("Add endpoint")
    expect(buyer.message()).to_contain_text("Endpoint added.")
    secret = buyer.page.get_by_test_id("signing-secret").inner_text().strip()
    assert secret.startswith("whsec_")
    receiver.secret = secret
    buyer.click_link("Done")
    expect(buyer.page.get_by_test_id("endpoint").filter(has_text=receiver.url)).to_contain_text("Shipment sent")

    # 5. merch.li ships the order from its page, found with the top bar's search.
    box = merch.page.get_by_role("searchbox", name="搜索")
    box.press_sequentially(mine.display_number, delay=20)
    merch.click(
        merch.page.get_by_role("region", name="搜索结果")
        .get_by_role("link", name=re.compile(mine.display_number))
        .first
    )
    expect(merch.heading()).to_contain_text(mine.display_number)
    merch.click_link("登记发货", within=merch.next_step())
    merch.select("承运商", "浙江陆运")
    merch.select("运输方式", "卡车")
    merch.fill("预计到达", (timezone.localdate() + timedelta(days=3)).isoformat())
    merch.click_button("保存发货")
    expect(merch.message()).to_contain_text("已登记，并已通知客户。")

    # 6. The receiver got one signed order.shipped; the buyer sees it delivered in the portal.
    shipped = [r for r in receiver.taken() if json.loads(r["body"])["type"] == "order.shipped"]
    assert len(shipped) == 1 and len(receiver.received) == len(receiver.taken())
    assert json.loads(shipped[0]["body"])["data"]["order"]["id"] == mine.pk
    buyer.nav("Developer settings")
    delivery = buyer.page.get_by_test_id("delivery").filter(has_text=receiver.url).first
    expect(delivery).to_contain_text("Shipment sent")
    expect(delivery).to_contain_text("Delivered")
    buyer.click(delivery.get_by_role("link"))
    expect(buyer.page.get_by_test_id("delivery-status")).to_have_text("Delivered")
    expect(buyer.page.get_by_test_id("attempt")).to_have_count(1)
