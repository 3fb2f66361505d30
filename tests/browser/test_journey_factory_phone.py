"""The factory reports from its phone (issue 21 item 4), in a real browser on the demo data: the
merchandiser signs in, opens an order in production and makes the link for the factory on its Production tab; the line
leader opens the link on a phone-sized screen with no login, in Chinese, fills in the report by its labels,
attaches a photo and sends it; the merchandiser sees the report with its photo on the order page and confirms it
as today's check-in in one click, and the day's check-in shows done."""

import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site_url(settings, live_server):
    """The link is built from SITE_URL, the address the site is served at: here, the live server."""
    settings.SITE_URL = live_server.url


def _order_to_report_on():
    """A demo order in production, not on hold, with no factory link yet; its merchandiser reads English
    here, so that this journey reads the merchandiser's side in English and the factory's in Chinese."""
    from orders.models import Order, OrderState

    order = (
        Order.objects.filter(status=OrderState.IN_PRODUCTION, is_on_hold=False, factory_links__isnull=True)
        .exclude(production_run=None)
        .select_related("merchandiser")
        .order_by("pk")
        .first()
    )
    assert order is not None, "the demo has an order in production without a factory link"
    order.merchandiser.preferred_language = "en"
    order.merchandiser.save(update_fields=["preferred_language"])
    return order


def test_the_factory_reports_from_its_phone_and_the_merchandiser_confirms_it(open_journey, demo, site_url, tmp_path):
    from production.models import CheckIn, CheckInStatus, FactoryReport, PlanMilestone

    order = _order_to_report_on()
    number = order.display_number
    milestone = PlanMilestone.objects.filter(plan__order=order, actual_date__isnull=True).order_by("sequence").first()
    photo = tmp_path / "cutting.png"
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1800), (70, 110, 170)).save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())

    # The merchandiser makes the link on the order's Production tab.
    merch = open_journey("en", name="factory-merchandiser")
    merch.start("/").sign_in(order.merchandiser.username, demo)
    merch.nav("Orders")
    merch.select("State", "In production", within=merch.page.get_by_role("form", name="Filter orders"))
    merch.click_button("Apply")
    merch.click_link(number, within=merch.page.locator("table tbody"))
    expect(merch.heading()).to_contain_text(number)
    merch.order_tab("Production & T&A")
    merch.click_button("Make a link for the factory")
    expect(merch.message()).to_contain_text("A new link for the factory is ready")
    panel = merch.page.locator("#factory-reports")
    expect(panel.get_by_role("img", name="QR code of the link for the factory")).to_be_visible()
    text = panel.get_by_label("Text to paste into WeChat").input_value()
    url = re.search(r"http://\S+/production/f/\S+/", text).group(0)

    # The line leader opens it on a phone: no login, Chinese.
    phone = open_journey("zh-hans", viewport=PHONE, name="factory-phone")
    phone.start(url)
    expect(phone.heading()).to_contain_text(number)
    phone.fill("您的姓名", "王组长")
    phone.fill("目前已完成数量", "860")
    phone.fill(f"{milestone.name_zh} 完成日期", timezone.localdate().isoformat())
    phone.fill("问题", "两台平车坏了，今天维修")
    phone.page.get_by_label("照片", exact=True).set_input_files(str(photo))
    phone.click_button("发送汇报")
    expect(phone.message()).to_contain_text("您的汇报已发送给跟单员")
    report = FactoryReport.objects.get(order=order)
    stored = report.photos.get()
    assert max(stored.width, stored.height) == 1600  # shrunk on the server

    # The merchandiser sees it on the order page, with its photo, and confirms it in one click.
    merch.page.reload()  # the page the link was made on: the order, open on its Production tab
    merch.settle()
    item = merch.page.locator("#factory-reports").get_by_test_id("factory-report").first
    expect(item).to_contain_text("王组长")
    expect(item).to_contain_text("两台平车坏了")
    expect(item.get_by_role("img", name="Photo 1 of the report")).to_be_visible()
    merch.click_button("Confirm as today's check-in", within=item)
    expect(merch.message()).to_contain_text("The factory's report is recorded as today's check-in.")
    today = timezone.localdate().isoformat()
    row = merch.page.get_by_role("row").filter(has_text=today).filter(has_text="王组长")
    expect(row).to_contain_text("Done")
    checkin = CheckIn.objects.get(order=order, day=timezone.localdate())
    assert checkin.status == CheckInStatus.DONE and checkin.quantity_done == 860
    milestone.refresh_from_db()
    assert milestone.actual_date == timezone.localdate()
