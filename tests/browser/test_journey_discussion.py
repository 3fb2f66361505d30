"""Talking about an order, in a real browser (issue #20 item 7, policy 4.2.2).

A merchandiser (merch.wang, English) opens one of their orders and writes in its discussion. Naming a
merchandiser of the other team, who may not see the order, is refused with a message that says so; naming
their supervisor (sup.zhao) posts the comment, and the thread updates in place (htmx). The supervisor
(Chinese) signs in, finds the comment under "提到你的" (mentioned you) on their work page, follows it to
the order and reads it in the order's discussion and its work record."""

import pytest
from playwright.sync_api import expect

from orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "@sup.zhao Trims supplier is a week late; can the factory move the sewing slot?"
REFUSED = "@merch.zhang can you lend us your trims contact?"


def _order_of(username: str) -> Order:
    """An order of the person's from the demo with its number (read the same in both languages), else one
    handed to them."""
    from django.contrib.auth import get_user_model

    numbered = Order.objects.exclude(number="").exclude(number__isnull=True).order_by("pk")
    order = numbered.filter(merchandiser__username=username).first()
    if order is None:
        order = numbered.first()
        Order.objects.filter(pk=order.pk).update(merchandiser=get_user_model().objects.get(username=username))
    return order


def test_a_merchandiser_mentions_the_supervisor_who_reads_it(open_journey, demo):
    number = _order_of("merch.wang").display_number
    j = open_journey("en", name="discussion-merchandiser")
    j.start("/").sign_in("merch.wang", demo)
    j.nav("Orders")
    j.click_link(number, exact=True)
    expect(j.heading()).to_contain_text(number)
    j.order_tab("Work record")  # the discussion sits with the work record
    thread = j.page.locator("#discussion")
    j.see("No comments yet.", within=thread)

    # Someone who may not see the order cannot be named: the comment is refused and kept to correct.
    j.fill("Comment", REFUSED)
    j.click_button("Post comment")
    expect(j.page.locator("#discussion").get_by_role("alert")).to_contain_text("@merch.zhang may not see order")
    expect(j.page.get_by_label("Comment", exact=True)).to_have_value(REFUSED)
    # The refusal is answered 422 (the htmx form rule, docs/architecture.md), which chromium logs as a
    # failed resource: expected here, and only that.
    assert [e for e in j.console_errors if "422" not in e] == []
    j.console_errors.clear()

    url = j.page.url
    j.fill("Comment", TEXT)
    j.click_button("Post comment")
    thread = j.page.locator("#discussion")
    j.see(TEXT.removeprefix("@sup.zhao "), within=thread)
    expect(thread.locator(".comment")).to_have_count(1)
    expect(j.page.get_by_label("Comment", exact=True)).to_have_value("")
    assert j.page.url == url  # the thread changed in place, the page was not reloaded
    j.screenshot("thread")

    sup = open_journey("zh-hans", name="discussion-supervisor")
    sup.start("/").sign_in("sup.zhao", demo)
    mentions = sup.page.get_by_role("region", name="提到你的")
    sup.see("Trims supplier is a week late", within=mentions)
    sup.screenshot("mentioned-you")
    sup.click_link(number, within=mentions)
    expect(sup.heading()).to_contain_text(number)
    thread = sup.page.locator("#discussion")
    sup.see("Trims supplier is a week late", within=thread)
    sup.see("王磊", within=thread)
    # The work record has the comment too, with whom it named.
    sup.see("@sup.zhao", within=sup.page.locator("#timeline"))
    sup.screenshot("order")
