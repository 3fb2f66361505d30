"""A customer opens the status link from their shipment email, sees the shipment, and, once it is
delivered, answers the satisfaction survey: in a real browser (Debian's chromium, Playwright)."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.models import Feedback, FeedbackSource
from logistics.models import StatusLink
from logistics.selectors import status_link_url

from .helpers import deliver, shipped_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_follows_the_shipment_and_rates_the_order(browser_page, merchandiser, live_server, settings):
    page = browser_page
    settings.SITE_URL = live_server.url
    order, shipment = shipped_order(merchandiser, lines=1)
    link = status_link_url(StatusLink.objects.get(order=order))
    assert link.startswith(live_server.url + "/s/")

    # The customer opens the link from the email: no sign-in, their order, their shipment.
    page.goto(link)
    expect(page).to_have_url(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    expect(page.get_by_test_id("stage")).to_have_text("Shipped")
    shipment_card = page.get_by_test_id("shipment")
    expect(shipment_card).to_contain_text("SF Express")
    expect(shipment_card).to_contain_text("On its way")
    tracking = page.get_by_test_id("tracking").get_by_role("link", name="SF1234567890")
    expect(tracking).to_have_attribute("href", re.compile(r"^https://www\.sf-express\.example/track\?no=SF1234567890$"))
    expect(page.get_by_test_id("eta")).to_have_text(shipment.eta.isoformat())
    expect(page.get_by_role("button", name="Send my ratings")).to_have_count(0)  # not delivered yet

    # The goods arrive; the merchandiser confirms delivery; the survey opens on the same link.
    deliver(shipment, merchandiser, received_by="Anna Berg")
    page.reload()
    expect(page.get_by_test_id("stage")).to_have_text("Delivered")
    expect(shipment_card).to_contain_text("Delivered")

    survey = page.locator("form.survey")
    survey.locator("input[name='survey-quality'][value='5']").check()
    survey.locator("input[name='survey-delivery'][value='4']").check()
    survey.locator("input[name='survey-communication'][value='5']").check()
    survey.get_by_label("Comment").fill("Cartons in perfect condition.")
    survey.get_by_role("button", name="Send my ratings").click()

    expect(page.get_by_role("status")).to_contain_text("Thank you for your feedback.")
    expect(page.get_by_role("button", name="Update my ratings")).to_be_visible()
    response = Feedback.objects.get(order=order)
    assert (response.source, response.quality, response.delivery, response.communication) == (
        FeedbackSource.SURVEY,
        5,
        4,
        5,
    )

    # A second submission corrects the first: still one response.
    page.locator("form.survey input[name='survey-delivery'][value='3']").check()
    page.get_by_role("button", name="Update my ratings").click()
    expect(page.get_by_role("status")).to_contain_text("Your feedback is updated.")
    assert Feedback.objects.filter(order=order).count() == 1
    assert Feedback.objects.get(order=order).delivery == 3

    # Strict CSP: nothing on the page was blocked, no script error.
    assert page.console_errors == []


def test_a_tampered_link_shows_not_found(browser_page, merchandiser, live_server, settings):
    settings.SITE_URL = live_server.url
    order, _shipment = shipped_order(merchandiser, lines=1)
    link = status_link_url(StatusLink.objects.get(order=order))

    response = browser_page.goto(link[:-2] + "xx/")

    assert response.status == 404
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert order.number not in browser_page.content()
