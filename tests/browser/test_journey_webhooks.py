"""Webhooks to a customer's system (issue #24, item 2), in a real browser on the demo data.

merch.li (who works in Chinese) signs in through the form, opens her customer Nordic Home from the customer
list, follows "Webhook", adds an endpoint (the customer's receiver, here on loopback) by its URL and the
events' checkbox labels, and reads the signing secret shown once, which the customer's developer puts into
the receiver. She then ships one of Nordic Home's orders in production from the order page. The receiver
gets one signed `order.shipped` event; back on the Webhooks page the delivery shows as delivered, and
"Replay" sends the same event again under the same id, which the receiver recognises as a duplicate."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ..webhooks.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _order_to_ship():
    from orders.models import Order, OrderState

    order = (
        Order.objects.filter(
            merchandiser__username="merch.li",
            customer__code="NORD",
            status=OrderState.IN_PRODUCTION,
            is_on_hold=False,
            shipments__isnull=True,
        )
        .select_related("customer")
        .order_by("pk")
        .first()
    )
    assert order is not None, "the demo gives merch.li an order of Nordic Home in production, nothing shipped yet"
    return order


@pytest.fixture
def receiver():
    found = Receiver().start()
    yield found
    found.stop()


def test_a_merchandiser_adds_an_endpoint_ships_and_the_customer_gets_a_signed_event(open_journey, demo, receiver):
    order = _order_to_ship()
    j = open_journey("zh-hans", name="webhooks")
    j.start("/").sign_in("merch.li", demo)

    # 1. The customer's page leads to its webhooks; add the endpoint by its URL and the events' labels.
    j.nav("客户")
    j.click_link("NORD")
    j.click_link("Webhook")
    expect(j.heading()).to_have_text("北欧家居有限公司 的 Webhook")
    j.fill("URL", receiver.url)
    j.fill("描述", "Nordic ERP")
    j.click(j.page.get_by_label("已发货"))
    j.click(j.page.get_by_label("已送达"))
    j.click_button("添加端点")
    expect(j.message()).to_contain_text("端点已添加。")
    expect(j.heading()).to_have_text("签名密钥")
    secret = j.page.get_by_test_id("signing-secret").inner_text().strip()
    assert secret.startswith("whsec_")
    receiver.secret = secret  # the customer's developer configures their receiver with it
    j.click_link("已完成")
    expect(j.page.get_by_test_id("endpoint").filter(has_text=receiver.url)).to_contain_text("已发货, 已送达")

    # 2. Ship the order from its page, found with the top bar's search.
    box = j.page.get_by_role("searchbox", name="搜索")
    box.press_sequentially(order.display_number, delay=20)
    j.click(
        j.page.get_by_role("region", name="搜索结果").get_by_role("link", name=re.compile(order.display_number)).first
    )
    expect(j.heading()).to_contain_text(order.display_number)
    j.click_link("登记发货", within=j.next_step())
    j.select("承运商", "浙江陆运")
    j.select("运输方式", "卡车")
    j.fill("预计到达", (timezone.localdate() + timedelta(days=3)).isoformat())
    j.click_button("保存发货")
    expect(j.message()).to_contain_text("已登记，并已通知客户。")

    # 3. The receiver got one signed event, with the shipment.
    shipped = [r for r in receiver.taken() if json.loads(r["body"])["type"] == "order.shipped"]
    assert len(shipped) == 1 and len(receiver.received) == len(receiver.taken())
    data = json.loads(shipped[0]["body"])["data"]
    assert data["order"]["id"] == order.pk and data["shipment"]["carrier"] == "Zhejiang Road Freight"

    # 4. Staff see the delivery succeed, and replay it: the same id arrives again.
    j.nav("客户")
    j.click_link("NORD")
    j.click_link("Webhook")
    row = j.page.get_by_test_id("delivery").filter(has_text=receiver.url).first
    expect(row).to_contain_text("已发货")
    expect(row).to_contain_text("投递成功")
    j.click(row.get_by_role("link"))
    expect(j.page.get_by_test_id("delivery-status")).to_have_text("投递成功")
    expect(j.page.get_by_test_id("attempt")).to_have_count(1)
    j.click_button("重发")
    expect(j.message()).to_contain_text("已排队重发")
    expect(j.page.get_by_test_id("attempt")).to_have_count(2)
    expect(j.page.get_by_test_id("attempt").first).to_contain_text(re.compile(r"重发.*204", re.S))
    ids = [r["id"] for r in receiver.taken()]
    assert ids == [shipped[0]["id"]] * 2
