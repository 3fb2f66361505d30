"""A team's WeCom robot (issue #21 item 2), in a real browser on the demo data, against the fake robots
on loopback (tests/fakes/robot_server.py).

mgmt.zheng (management, Chinese) opens "群机器人" from the user menu, sets up merchandising team B's WeCom
robot by pasting the webhook address, and sees it masked. merch.chen (team B, English) then picks "In
the app and in my team's WeCom group" for mentions on the preferences page, by its label. sup.sun names
him in an order's discussion; the fake robot receives exactly one message, in English, naming him and
linking to the order."""

import pytest
from playwright.sync_api import expect

from ..fakes.robot_server import FakeRobotServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAM_B = "跟单二组"
MENTIONS = "Someone names you in an order's discussion"
WECOM_CHOICE = "In the app and in my team's WeCom group"


@pytest.fixture
def fake():
    server = FakeRobotServer(wecom_key="journey-team-b-key").start()
    yield server
    server.stop()


def _mention_chen():
    from accounts.models import User
    from orders.models import Order
    from orders.services import order_comment_post

    chen = User.objects.get(username="merch.chen")
    sun = User.objects.get(username="sup.sun")
    order = Order.objects.filter(merchandiser=chen).exclude(number="").order_by("pk").first()
    assert order is not None, "the demo gives merch.chen numbered orders"
    order_comment_post(order_id=order.pk, actor=sun, text="@merch.chen the buyer asks for the lab dips today")
    return order


def test_management_sets_up_a_wecom_robot_and_a_merchandiser_gets_his_mention_there(open_journey, demo, fake):
    boss = open_journey("zh-hans", name="robot-admin")
    boss.start("/").sign_in("mgmt.zheng", demo)
    boss.click(boss.page.locator("details.usermenu summary"))
    boss.click_link("群机器人")
    expect(boss.heading()).to_have_text("群机器人")
    boss.click_link(f"设置{TEAM_B}的企业微信机器人")
    boss.fill("Webhook 地址", fake.wecom_url)
    boss.click_button("保存机器人")
    expect(boss.message()).to_contain_text("机器人已保存")
    boss.see(f"…{fake.wecom_key[-4:]}")
    expect(boss.page.locator("main")).not_to_contain_text(fake.wecom_key)
    boss.assert_clean()

    chen = open_journey("en", name="robot-merchandiser")
    chen.start("/").sign_in("merch.chen", demo)
    chen.click(chen.page.locator("details.usermenu summary"))
    chen.click_link("Notification preferences")
    mentions = chen.page.get_by_role("group", name=MENTIONS)
    chen.click(mentions.get_by_label(WECOM_CHOICE))
    chen.click_button("Save preferences")
    expect(chen.message()).to_contain_text("Your notification preferences are saved.")
    expect(chen.page.get_by_role("group", name=MENTIONS).get_by_label(WECOM_CHOICE)).to_be_checked()
    chen.assert_clean()

    order = _mention_chen()  # committed: the outbox sends after commit (tasks run inline under test)
    (message,) = fake.messages("wecom")
    assert not fake.rejected
    assert f"mentioned you on order {order.display_number}" in message.text
    assert "For 陈浩" in message.text or "For Hao Chen" in message.text
    assert f"/orders/{order.pk}/" in message.text
    assert "提到了你" not in message.text  # his language, not the site's default
