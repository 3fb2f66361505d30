"""The merchandiser's whole journey, in a real browser, in English and in Chinese: a phone order walked from
received to closed through the UI only, then the other ways an order comes in and goes out (spreadsheet,
email, export)."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from aftersales.tasks import close_finished_orders
from workcalendar.calendar import WorkCalendar

from .merch_labels import LABELS, attach_customer_evidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Person:
    username: str
    lang: str
    customer: str  # as the customer list shows it in the person's language
    customer_email: str
    products: tuple[str, str]  # the two lines' products, as the product list shows them
    po: str


WANG = Person(
    "merch.wang",
    "en",
    "Pacific Apparel Inc.",
    "buying@pacificapparel.example",
    ("TS-1001 Men's cotton crew-neck T-shirt", "BG-0907 Canvas tote bag"),
    "PACI-JOURNEY-1",
)
LI = Person(
    "merch.li",
    "zh-hans",
    "北欧家居有限公司",
    "anna.berg@nordichome.example",
    ("TS-1001 男士纯棉圆领T恤", "BG-0907 帆布购物袋"),
    "NORD-JOURNEY-1",
)


def working_day_morning():
    """09:30 on the next working day of the demo calendar when today is not one (daily check-ins belong to
    working days); None when today is. Decided once, before the journey starts."""
    today = timezone.localdate()
    day = WorkCalendar.load().on_or_after(today)
    if day == today:
        return None
    return timezone.make_aware(datetime.combine(day, time(9, 30)))


def section(j, heading: str):
    """A card of the order page, found by its heading."""
    return j.page.locator("section.card", has=j.page.get_by_role("heading", name=heading, exact=True))


@pytest.mark.parametrize("person", [WANG, LI], ids=["en-merch.wang", "zh-merch.li"])
def test_merchandiser_walks_an_order_from_phone_call_to_closed(open_journey, demo, person):
    t = LABELS[person.lang]
    destination = working_day_morning()
    with time_machine.travel(destination or timezone.now(), tick=True):
        j = open_journey(person.lang)
        page = j.page
        today = timezone.localdate()

        # 1. Sign in; take the order by phone, with two lines.
        j.start("/").sign_in(person.username, demo)
        j.nav(t["nav_new_order"])
        expect(j.heading()).to_have_text(t["phone_heading"])
        j.select(t["customer"], person.customer)
        j.fill(t["customer_po"], person.po)
        j.select(t["currency"], "USD")
        j.fill(t["delivery_date"], (today + timedelta(days=90)).isoformat())
        # The lines grid: a style number brings its description and unit; Enter in the last cell moves on.
        first = j.grid_row(1)
        style, name = person.products[0].split(" ", 1)
        j.fill(t["style_no"], style, within=first)
        j.fill(t["quantity"], "1200", within=first)
        expect(first.get_by_label(t["description"], exact=True)).to_have_value(name)
        expect(first.get_by_label(t["unit"], exact=True).locator("option:checked")).to_have_text(t["pieces"])
        j.fill(t["description"], "Crew-neck T-shirt, navy", within=first)
        j.fill(t["unit_price"], "3.85", within=first)
        address = page.url
        j.press_enter(t["unit_price"], within=first)
        second = j.grid_row(2)
        expect(second.get_by_label(t["style_no"], exact=True)).to_be_focused()
        assert page.url == address  # moved in place, nothing reloaded
        j.fill(t["style_no"], person.products[1].split(" ", 1)[0], within=second)
        j.fill(t["description"], "Canvas tote bag, natural", within=second)
        j.fill(t["quantity"], "800", within=second)
        expect(second.get_by_label(t["unit"], exact=True).locator("option:checked")).to_have_text(t["pieces"])
        j.fill(t["unit_price"], "1.20", within=second)
        j.click_button(t["save_order"])
        expect(j.message()).to_contain_text(t["order_received"])
        expect(j.heading()).to_contain_text(t["received"])
        order_page = page.url

        # 2. Tick every checklist item (in place), record the customer's confirmation, confirm, enter.
        ticks = page.get_by_role("button", name=re.compile("^" + re.escape(t["tick"])))
        tick_all = page.get_by_role("button", name=re.compile("^" + re.escape(t["tick_all"])))
        total = ticks.count()
        assert total > 1
        cleared = page.get_by_role("button", name=re.compile("^" + re.escape(t["clear"])))
        j.click(tick_all)
        expect(cleared).to_have_count(total)  # htmx swapped the checklist in place, every item ticked
        expect(ticks).to_have_count(0)
        expect(tick_all).to_have_count(0)
        assert page.url.split("#", 1)[0] == order_page
        j.select(t["method"], t["phone"])
        j.fill(t["contact"], "Grace Lee")
        # "Confirmed at" starts at now (the call has just ended): left as it is
        now = re.compile(rf"^{timezone.localdate().isoformat()}T\d\d:\d\d$")
        expect(page.get_by_label(t["confirmed_at"], exact=True)).to_have_value(now)
        j.click_button(t["save_confirmation"])
        expect(j.message()).to_contain_text(t["confirmation_recorded"])
        j.see("Grace Lee")
        j.click_button(t["confirm_order"])
        expect(j.heading()).to_contain_text(t["confirmed"])
        j.click_button(t["enter_order"])
        expect(j.heading()).to_contain_text(t["entered"])
        number = re.search(r"SO-\d{4}-\d{6}", j.heading().inner_text()).group(0)

        # 3. Start production: the next-step card holds the run's details and the button that starts it.
        step = j.next_step()
        j.fill(t["factory"], "Ningbo No. 2", within=step)
        j.fill(t["line"], "Line 3", within=step)
        j.fill(t["work_order"], "WO-J-001", within=step)
        j.fill(t["start_date"], today.isoformat(), within=step)
        j.click_button(t["start_production"], within=step)
        expect(j.message()).to_contain_text(t["production_started"])
        expect(j.message()).to_be_in_viewport()
        expect(j.heading()).to_contain_text(t["in_production"])
        expect(section(j, t["production"])).to_contain_text("WO-J-001")

        # 4. Today's check-in for it.
        j.nav(t["nav_checkins"])
        expect(j.heading()).to_contain_text(t["checkins_heading"])
        row = page.get_by_role("form", name=re.compile(re.escape(number)))
        j.fill(t["spoke_to"], "Wang (line leader)", within=row)
        j.select(t["how"], t["phone"], within=row)
        j.fill(t["produced"], "300", within=row)
        j.click_button(t["save"], within=row)
        row = page.get_by_role("form", name=re.compile(re.escape(number)))
        expect(row.get_by_role("status")).to_contain_text(t["saved"])

        # 5. A delay, with the new date: the customer is told.
        j.click_link(number, within=row)
        production = section(j, t["production"])
        j.click(production.get_by_text(t["record_delay"], exact=True))
        new_date = today + timedelta(days=104)
        j.select(t["reason"], t["customer_change"], within=production)
        attach_customer_evidence(production, t)
        j.fill(t["new_date"], new_date.isoformat(), within=production)
        j.click_button(t["notify_delay"])
        expect(j.message()).to_contain_text(t["delay_recorded"])
        # The page comes back on the promises (Overview); the delay and its notice are on Production.
        j.order_tab(t["tab_production"])
        production = section(j, t["production"])
        expect(production).to_contain_text(f"{t['customer_notice']}: {person.customer_email}")
        j.order_tab(t["tab_record"])
        notifications = section(j, t["notifications"])
        expect(notifications).to_contain_text(number)
        expect(notifications).to_contain_text(person.customer_email)

        # 6. Ship part, then the rest: the next step leads to the shipment form.
        j.click_link(t["record_shipment"], within=j.next_step())
        j.select(t["carrier"], {"en": "Zhejiang Road Freight", "zh-hans": "浙江陆运"}[person.lang])
        j.select(t["mode"], t["truck"])
        j.fill(t["eta"], (today + timedelta(days=3)).isoformat())
        j.fill(t["line_qty"].format(n=1, item="Crew-neck T-shirt, navy"), "1200")
        j.fill(t["line_qty"].format(n=2, item="Canvas tote bag, natural"), "")
        j.click_button(t["save_shipment"])
        expect(j.message()).to_contain_text(t["shipment_recorded"])
        expect(j.heading()).to_contain_text(t["in_production"])
        expect(j.message()).to_be_in_viewport()
        j.click_link(t["record_shipment"], within=j.next_step())
        j.select(t["carrier"], {"en": "Zhejiang Road Freight", "zh-hans": "浙江陆运"}[person.lang])
        j.select(t["mode"], t["truck"])
        j.fill(t["eta"], (today + timedelta(days=3)).isoformat())
        j.click_button(t["save_shipment"])
        expect(j.message()).to_contain_text(t["shipment_recorded"])
        expect(j.heading()).to_contain_text(t["shipped"])

        # 7. Confirm delivery, the first from the shipments list, the second on the order page it leads back to:
        # after the second, the order is in after-sales.
        j.nav(t["nav_shipments"])
        expect(j.heading()).to_have_text(t["shipments_heading"])
        expect(page.get_by_role("table")).to_contain_text(f"{number}-S2")  # both on their way
        j.click_link(f"{number}-S1")
        for reference in (f"{number}-S1", f"{number}-S2"):
            shipment = page.locator("article.shipment", has=page.get_by_role("heading", name=re.compile(reference)))
            j.click_link(t["confirm_delivery"], within=shipment)
            expect(j.heading()).to_contain_text(reference)
            j.fill(t["delivered_on"], today.isoformat())
            j.fill(t["received_by"], "Warehouse gate 2")
            j.click_button(t["confirm_delivery"])
            expect(j.message()).to_contain_text(t["delivery_confirmed"].format(ref=reference))
        expect(j.heading()).to_contain_text(t["after_sales"])

        # 8. An after-sales case, opened and resolved; the customer's feedback from a call.
        j.order_tab(t["tab_aftersales"])
        j.click_link(t["open_case"])
        j.select(t["case_channel"], t["phone_call"])
        j.select(t["case_type"], t["quality_problem"])
        j.fill(t["subject"], "Loose threads on 20 T-shirts")
        j.fill(t["description"], "The buyer found loose threads on 20 pieces of carton 4.")
        j.click_button(t["submit_case"])
        expect(j.message()).to_contain_text(t["case_opened"])
        j.click(page.get_by_text(t["resolve"], exact=True).first)
        resolve = page.locator("form", has=page.get_by_role("button", name=t["resolve"], exact=True))
        j.fill(t["resolution"], "Credit note for 20 pieces; QC re-briefed.", within=resolve)
        j.click_button(t["resolve"], within=resolve)
        expect(j.heading()).to_contain_text(t["case_resolved"])
        j.click(page.get_by_text(t["close_case"], exact=True).first)
        close = page.locator("form", has=page.get_by_role("button", name=t["close_case"], exact=True))
        j.click_button(t["close_case"], within=close)
        expect(j.heading()).to_contain_text(t["case_closed"])
        j.click_link(number)
        j.click_link(t["log_feedback"])
        j.select(t["given_by"], t["phone_call"])
        j.fill(t["contact"], "Grace Lee")
        for group in ("quality", "delivery", "communication"):
            # Each rating is a radio group named by its legend; each radio by its number and caption.
            j.click(page.get_by_role("group", name=t[group]).get_by_label(t["rating_4"], exact=True))
        j.fill(t["comment"], "Fast answer on the loose threads.")
        j.click_button(t["save_feedback"])
        expect(j.message()).to_contain_text(t["feedback_recorded"])
        j.see("Fast answer on the loose threads.")
        expect(j.heading()).to_contain_text(t["after_sales"])

    # 9. Past the after-sales service period the nightly job closes the order; the person reloads the page.
    later = today + timedelta(days=settings.AFTERSALES_SERVICE_PERIOD_DAYS + 1)
    with time_machine.travel(timezone.make_aware(datetime.combine(later, time(9, 30))), tick=True):
        close_finished_orders()
        page.reload()
        j.settle()
        # A month on, the session has long expired: the person signs in again and lands on the order.
        j.sign_in(person.username, demo)
        assert page.url.split("#", 1)[0].split("?", 1)[0] == order_page  # on the tab it was left on
        expect(j.heading()).to_contain_text(t["closed"])
        # Both lines, as taken on the phone, on the order's Lines tab.
        j.order_tab(t["lines"])
        expect(section(j, t["lines"]).get_by_role("row")).to_have_count(3)  # the header and both lines
    print(f"clicks: {person.username} ({person.lang}): {j.clicks}")


SHEET_HEADERS_EN = (
    "customer_code,customer_po,delivery_date,currency,style_no,description,colour,size,quantity,unit,unit_price"
)
SHEET_HEADERS_ZH = "客户代码,客户订单号,交货日期,币种,款号,品名,颜色,尺码,数量,单位,单价"


def test_spreadsheet_intake_in_utf8_and_gbk_then_export(open_journey, demo, tmp_path):
    """Two files from two customers' habits (English headers in UTF-8, Chinese headers in GBK), previewed
    and imported; then the list the person sees goes out as CSV and as Excel."""
    t = LABELS["en"]
    delivery = (timezone.localdate() + timedelta(days=80)).isoformat()
    utf8 = tmp_path / "pacific-po.csv"
    utf8.write_text(
        f"{SHEET_HEADERS_EN}\n"
        f"PACI,PACI-SHEET-UTF8,{delivery},USD,TS-1001,,white,M,600,PCS,3.10\n"
        f"PACI,PACI-SHEET-UTF8,{delivery},USD,,Apron — navy “chef”,navy,,300,PCS,2.40\n",
        encoding="utf-8",
    )
    gbk = tmp_path / "太平洋订单.csv"
    gbk.write_bytes(
        f"{SHEET_HEADERS_ZH}\nPACI,PACI-SHEET-GBK,{delivery},USD,,棉质围裙,藏青,,500,件,2.50\n".encode("gbk")
    )
    j = open_journey("en")
    page = j.page
    j.start("/").sign_in("merch.wang", demo)

    for path, po, lines in ((utf8, "PACI-SHEET-UTF8", 2), (gbk, "PACI-SHEET-GBK", 1)):
        j.nav(t["import_sheet"])
        expect(j.heading()).to_have_text(t["import_heading"])
        page.get_by_label(t["spreadsheet"], exact=True).set_input_files(path)
        j.click_button(t["check_file"])
        preview = page.get_by_role("region", name=re.compile(t["preview"]))
        expect(preview).to_contain_text(f"PO {po}")
        expect(preview).to_contain_text(t["preview_counts"].format(orders=1, lines=lines, rows=lines))
        j.click_button(t["import_one"])
        expect(j.message()).to_contain_text(t["imported_one"])
        expect(j.heading()).to_have_text(t["nav_orders"])
        j.see(po)
        j.nav(t["nav_my_work"])

    # The list as the person filters it, then both exports of that list.
    j.nav(t["nav_orders"])
    # in the filter form: the column chooser's checkboxes carry the columns' names too
    filters = page.locator("form.filters")
    j.select(t["channel"], t["spreadsheet_import"], within=filters)
    j.click_button(t["apply"], within=filters)
    table = page.get_by_role("table")
    expect(table).to_contain_text("PACI-SHEET-GBK")
    seen = table.locator("tbody tr")
    shown = {
        (seen.nth(i).locator("td").nth(0).inner_text(), seen.nth(i).locator("td").nth(2).inner_text())
        for i in range(seen.count())
    }
    assert {"PACI-SHEET-UTF8", "PACI-SHEET-GBK"} <= {po for _number, po in shown}

    with page.expect_download() as csv_download:
        j.click_link(t["export_csv"])
    with page.expect_download() as xlsx_download:
        j.click_link(t["export_xlsx"])
    files = {}
    for download in (csv_download.value, xlsx_download.value):
        files[Path(download.suggested_filename).suffix] = target = tmp_path / download.suggested_filename
        download.save_as(target)
    assert set(files) == {".csv", ".xlsx"}
    csv_rows = list(csv.reader(io.StringIO(files[".csv"].read_text(encoding="utf-8-sig"))))
    sheet = openpyxl.load_workbook(files[".xlsx"], read_only=True).active.iter_rows(values_only=True)
    xlsx_rows = [["" if cell is None else str(cell) for cell in row] for row in sheet]
    for rows in (csv_rows, xlsx_rows):
        header, body = rows[0], rows[1:]
        number, po = header.index(t["col_order"]), header.index(t["col_po"])
        assert shown <= {(row[number], row[po]) for row in body}
    print(f"clicks: merch.wang spreadsheet + export (en): {j.clicks}")


EMAIL = """From: Anna Berg <anna.berg@nordichome.example>
To: merch.li@gendan.example
Subject: New order PO# NH-2027-0412 / 新订单
Date: Mon, 7 Dec 2026 09:12:00 +0800
Content-Type: text/plain; charset=utf-8

Hello Li Na,

please book 1 200 hotel towel sets (TW-5500), white, delivery by end of March.
请确认交期。

Best regards,
Anna Berg, Nordic Home AB
"""


def test_email_intake_prefills_the_customer_and_po(open_journey, demo):
    """Chinese: the whole email pasted; the draft knows the customer by the sender and the PO by the subject."""
    t = LABELS["zh-hans"]
    j = open_journey("zh-hans")
    page = j.page
    j.start("/").sign_in("merch.li", demo)
    j.nav(t["email_intake"])
    expect(j.heading()).to_have_text(t["email_heading"])
    j.fill(t["paste_email"], EMAIL)
    j.click_button(t["read_email"])

    email = page.get_by_role("region", name=t["the_email"])
    expect(email).to_contain_text(f"{t['email_from']}")
    expect(email).to_contain_text("anna.berg@nordichome.example")
    customer = page.get_by_label(t["customer"], exact=True)
    expect(customer.locator("option:checked")).to_have_text(LI.customer)
    expect(page.get_by_label(t["customer_po"], exact=True)).to_have_value("NH-2027-0412")
    j.select(t["currency"], "USD")
    j.fill(t["delivery_date"], (timezone.localdate() + timedelta(days=110)).isoformat())
    line = j.grid_row(1)
    j.fill(t["style_no"], "TW-5500", within=line)
    j.fill(t["quantity"], "1200", within=line)
    expect(line.get_by_label(t["unit"], exact=True).locator("option:checked")).to_have_text(t["sets"])
    j.fill(t["unit_price"], "6.80", within=line)
    j.click_button(t["save_order"])

    expect(j.message()).to_contain_text(t["email_order_received"])
    expect(j.heading()).to_contain_text(t["received"])
    order = section(j, t["order"])
    expect(order).to_contain_text("NH-2027-0412")
    expect(order).to_contain_text(f"{LI.customer} (NORD)")
    expect(order).to_contain_text(t["email"])
    print(f"clicks: merch.li email intake (zh-hans): {j.clicks}")
