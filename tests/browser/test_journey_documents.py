"""Documents, in a real browser: a merchandiser makes the PI of an order from its page, downloads it and reads
it, and sends it to the customer; the customer opens the status link with no login and confirms the PI; the
merchandiser sees "PI confirmed online". Then a shipment recorded with its cartons and weights sends the
customer a notice with the packing list attached."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from notifications.models import Notification
from orders.models import Order, OrderState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What merch.wang (English) reads and clicks.
EN = {
    "orders": "Orders",
    "documents": "Documents",
    "overview": "Overview",
    "shipments": "Shipments",
    "confirmations": "Customer confirmations",
    "make_pi": "Make the PI",
    "send_pi": "Send PI v1 to the customer to confirm",
    "sent": "is sent to the customer, who can confirm it on the status page.",
    "made": "is made.",
    "status_link": "Status link",
    "online": "PI confirmed online",
    "record_shipment": "Record a shipment",
    "carrier": "Carrier",
    "truck_carrier": "Zhejiang Road Freight",
    "mode": "Mode",
    "truck": "Truck",
    "eta": "Estimated arrival",
    "cartons": "Line 1: cartons",
    "net": "Line 1: net weight (kg)",
    "gross": "Line 1: gross weight (kg)",
    "save_shipment": "Save shipment",
    "shipment_recorded": "recorded; the customer is notified.",
}

# What the customer of the order (Pacific Apparel, who reads English) reads and clicks.
CUSTOMER = {
    "pi": "Proforma invoice",
    "name": "Your name",
    "confirm": "Confirm version 1 of the proforma invoice",
    "thanks": "Thank you. Your confirmation of the proforma invoice is recorded.",
    "confirmed": "You confirmed version 1",
}


@pytest.fixture
def site_url(settings, live_server):
    """The status link is built from SITE_URL, the address the site is served at: here, the live server."""
    settings.SITE_URL = live_server.url


def section(j, heading: str):
    return j.page.locator("section.card", has=j.page.get_by_role("heading", name=heading, exact=True))


def pdf_text(content: bytes) -> str:
    """The PDF's text without the spaces and NULs pypdf puts between the glyphs of an embedded CID font."""
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join(page.extract_text().replace("\x00", "").split()) for page in reader.pages)


def open_order(j, number: str) -> None:
    j.nav(EN["orders"])
    j.click_link(number, within=j.page.locator("table tbody"))
    expect(j.heading()).to_contain_text(number)


def one_of_wangs_orders(*states: str) -> Order:
    """An order of merch.wang's without documents, in the first of `states` he has one in (which orders the
    demo gives him is the loader's dice)."""
    mine = Order.objects.filter(merchandiser__username="merch.wang", is_on_hold=False, documents=None)
    for state in states:
        order = mine.filter(status=state).order_by("pk").first()
        if order is not None:
            return order
    raise AssertionError(f"the demo gives merch.wang no order in {states}")


def order_to_ship() -> tuple[Order, str]:
    """An order in production, not on hold, and who of the English readers may ship it."""
    english = {"merch.wang": "merch.wang", "merch.chen": "merch.chen", "merch.zhang": "sup.sun"}
    for order in Order.objects.filter(status=OrderState.IN_PRODUCTION, is_on_hold=False).order_by("pk"):
        name = order.merchandiser.username
        if name in english:
            return order, english[name]
    raise AssertionError("the demo has no order in production that an English reader may ship")


def test_a_pi_made_downloaded_and_confirmed_online_and_a_packing_list_emailed(open_journey, demo, site_url, tmp_path):
    t = EN
    order = one_of_wangs_orders(OrderState.CONFIRMED, OrderState.RECEIVED, OrderState.ENTERED)
    label = order.number or f"Draft: {order.customer.name_en} PO {order.customer_po}"

    # 1. The merchandiser makes the PI on the order's page and downloads it.
    merch = open_journey("en", name="documents-merchandiser")
    merch.start("/").sign_in("merch.wang", demo)
    open_order(merch, label)
    merch.order_tab(t["documents"])  # the documents have a tab of their own
    documents = section(merch, t["documents"])
    merch.click_button(t["make_pi"], within=documents)
    expect(merch.message()).to_contain_text(t["made"])
    documents = section(merch, t["documents"])
    link = documents.get_by_role("link", name=re.compile(r"^PI-.+-v1\.pdf$"))
    with merch.page.expect_download() as download:
        merch.click(link)
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    text = pdf_text(saved.read_bytes())
    assert "形式发票" in text and "PROFORMAINVOICE" in text
    assert order.customer_po in text and order.currency.code in text
    first_line = order.lines.order_by("line_no").first()
    assert f"{first_line.quantity * first_line.unit_price:,.2f}" in text

    # 2. ... and sends it to the customer, with the request to confirm it on the status page.
    merch.click_button(t["send_pi"], within=documents)
    expect(merch.message()).to_contain_text(t["sent"])
    sent = Notification.objects.get(kind="pi_confirmation_request", reference=f"order:{order.pk}")
    assert [a.original_name for a in sent.attachments.all()] == [saved.name]
    merch.order_tab(t["shipments"])  # the status link is with the shipments
    url = section(merch, t["shipments"]).get_by_label(t["status_link"], exact=True).input_value()
    assert re.match(r"^http://.+/s/", url), url

    # 3. The customer opens the link with no login and confirms the PI.
    c = CUSTOMER
    customer = open_journey("en", name="documents-customer")
    customer.start(url)
    pi = customer.page.locator("#pi")
    expect(pi.get_by_role("heading", level=2)).to_have_text(c["pi"])
    customer.fill(c["name"], "Jane Buyer", within=pi)
    customer.click_button(c["confirm"], within=pi)
    expect(customer.message()).to_contain_text(c["thanks"])
    expect(customer.page.locator("#pi")).to_contain_text(c["confirmed"])

    # 4. The merchandiser sees the confirmation on the order page: "PI confirmed online".
    open_order(merch, label)
    merch.order_tab(t["documents"])
    expect(section(merch, t["documents"])).to_contain_text(t["online"])
    merch.order_tab(t["overview"])  # the confirmations are with the order's details
    expect(section(merch, t["confirmations"])).to_contain_text(t["online"])
    expect(section(merch, t["confirmations"])).to_contain_text("Jane Buyer")

    # 5. A shipment recorded with its cartons and weights: the customer's notice carries the packing list.
    # Which English reader has an order in production is the demo's dice: its merchandiser, or sup.sun for
    # one of team B's.
    producing, shipper_name = order_to_ship()
    mail.outbox.clear()
    merch.page.context.close()
    shipper = open_journey("en", name="documents-shipper")
    shipper.start("/").sign_in(shipper_name, demo)
    merch = shipper
    open_order(merch, producing.number)
    merch.order_tab(t["shipments"])
    merch.click_link(t["record_shipment"], within=section(merch, t["shipments"]))
    merch.select(t["carrier"], t["truck_carrier"])
    merch.select(t["mode"], t["truck"])
    merch.fill(t["eta"], (timezone.localdate() + timedelta(days=3)).isoformat())
    merch.fill(t["cartons"], "12")
    merch.fill(t["net"], "96.5")
    merch.fill(t["gross"], "108.25")
    merch.click_button(t["save_shipment"])
    expect(merch.message()).to_contain_text(t["shipment_recorded"])
    notice = Notification.objects.filter(kind="shipment_shipped", reference=f"order:{producing.pk}").latest("pk")
    (attachment,) = notice.attachments.all()
    assert attachment.original_name.startswith(f"PL-{producing.number}-S")
    emailed = [m for m in mail.outbox if m.subject == notice.subject]
    assert emailed, "the notice was sent"
    name, content, content_type = emailed[0].attachments[0]
    assert (name, content_type) == (attachment.original_name, "application/pdf")
    packing = pdf_text(content)
    assert "装箱单" in packing and "PACKINGLIST" in packing
    assert "108.25" in packing and "96.5" in packing and "1–12" in packing
