"""The inbox behind the bell (issue #21 item 1), in a real browser on the demo data.

merch.chen (team B, English) names her supervisor sup.sun in the discussion of one of her orders. sup.sun
signs in through the form and sees the bell's unread count in the top bar, opens the inbox, clicks the
mention and lands on the order's discussion; back on a page, the bell counts one fewer. Then, on the
notification preferences page, he chooses "In the app only" for mentions, by the choice's label."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "@sup.sun the buyer asks for a pre-shipment inspection slot, can you confirm one?"


def _mention_sup_sun():
    from accounts.models import User
    from orders.models import Order
    from orders.services import order_comment_post

    chen = User.objects.get(username="merch.chen")
    order = (
        Order.objects.filter(merchandiser=chen).exclude(number="").exclude(number__isnull=True).order_by("pk").first()
    )
    assert order is not None, "the demo gives merch.chen numbered orders"
    order_comment_post(order_id=order.pk, actor=chen, text=TEXT)
    return order


def _unread(username: str) -> int:
    from notifications.models import InboxItem

    return InboxItem.objects.filter(user__username=username, read_at__isnull=True).count()


def _mention_title(username: str) -> str:
    from notifications.models import InboxItem

    return InboxItem.objects.filter(user__username=username, kind="order_mention").latest("created_at").title


def test_a_supervisor_follows_a_mention_from_the_bell_and_chooses_the_app_only(open_journey, demo):
    order = _mention_sup_sun()
    unread = _unread("sup.sun")
    assert unread >= 2, "the demo's welcome and this mention"

    j = open_journey("en", name="inbox")
    j.start("/").sign_in("sup.sun", demo)
    bell = j.page.locator("header").get_by_role("link", name=re.compile("Notifications"))
    expect(bell).to_contain_text(f"{unread} unread")

    j.click(bell)
    expect(j.heading()).to_have_text("Notifications")
    j.see(f"{unread} unread notices.")
    title = _mention_title("sup.sun")
    assert title.endswith(f"mentioned you on order {order.display_number}")
    j.click_button(title)
    expect(j.heading()).to_contain_text(order.display_number)
    assert "open=discussion" in j.page.url
    j.see(TEXT.removeprefix("@sup.sun "))
    expect(bell).to_contain_text(f"{unread - 1} unread")

    j.click(j.page.locator("details.usermenu summary"))
    j.click_link("Notification preferences")
    expect(j.heading()).to_have_text("Notification preferences")
    mentions = j.page.get_by_role("group", name="Someone names you in an order's discussion")
    expect(mentions.get_by_label("In the app and by email")).to_be_checked()
    j.click(mentions.get_by_label("In the app only"))
    j.click_button("Save preferences")
    expect(j.message()).to_contain_text("Your notification preferences are saved.")
    expect(
        j.page.get_by_role("group", name="Someone names you in an order's discussion").get_by_label("In the app only")
    ).to_be_checked()

    from accounts.models import User
    from notifications.selectors import inbox_channels_for

    assert inbox_channels_for(user=User.objects.get(username="sup.sun"), kind="order_mention") == set()
    j.assert_clean()
