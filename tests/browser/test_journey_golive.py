"""Go-live: sup.sun (English) downloads the import template, fills it with four orders of team B already
under way (received, confirmed, in production with a part shipped, shipped), sees the preview and imports
them; then merch.chen carries one of them on through the normal workflow."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EN = {
    "nav": "Go-live import",
    "heading": "Go-live import: orders under way",
    "template_csv": "Download the template (.csv)",
    "file": "Spreadsheet",
    "check": "Check the file",
    "preview": "Preview",
    "counts": "4 orders from 5 rows.",
    "import": "Import all 4 orders",
    "imported": "4 orders imported, each in its state.",
    "see_orders": "See the imported orders",
    "earlier": "Earlier imports",
    "orders": "Orders",
    "channel": "Channel",
    "golive": "Go-live import",
    "apply": "Apply",
    "enter_order": "Enter order and assign number",
    "entered": "Entered",
    "work_record": "Work record",
    "work_record_note": "Imported at go-live",
}


def test_supervisor_imports_orders_under_way_and_a_merchandiser_carries_one_on(open_journey, demo, tmp_path):
    t = EN
    today = timezone.localdate()

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    j = open_journey("en")
    page = j.page
    j.start("/").sign_in("sup.sun", demo)
    j.nav(t["nav"])
    expect(j.heading()).to_have_text(t["heading"])

    # The template, as downloaded: its header row is what the file is filled in under.
    with page.expect_download() as download:
        j.click_link(t["template_csv"])
    template = tmp_path / "template.csv"
    download.value.save_as(template)
    header = next(csv.reader(io.StringIO(template.read_text(encoding="utf-8-sig"))))
    assert {"customer_code", "customer_po", "state", "milestones_done", "shipped_quantity"} <= set(header)

    common = {"customer_code": "SHGM", "currency": "USD", "unit": "PCS", "unit_price": "3.10"}
    rows = [
        common
        | {
            "customer_po": "GLJ-1",
            "state": "received",
            "received_date": day(-6),
            "delivery_date": day(80),
            "description": "Apron",
            "quantity": "300",
        },
        common
        | {
            "customer_po": "GLJ-2",
            "state": "Confirmed",
            "received_date": day(-12),
            "confirmed_date": day(-10),
            "delivery_date": day(90),
            "style_no": "TS-1001",
            "quantity": "600",
        },
        common
        | {
            "customer_po": "GLJ-3",
            "state": "in_production",
            "received_date": day(-50),
            "confirmed_date": day(-47),
            "delivery_date": day(40),
            "factory": "Ningbo No. 2",
            "milestones_done": "materials_booked",
            "style_no": "TS-1001",
            "quantity": "1000",
            "shipped_quantity": "400",
            "carrier": "cosco",
            "ship_date": day(-2),
        },
        common
        | {
            "customer_po": "GLJ-3",
            "state": "in_production",
            "received_date": day(-50),
            "confirmed_date": day(-47),
            "delivery_date": day(40),
            "factory": "Ningbo No. 2",
            "milestones_done": "materials_booked",
            "style_no": "PL-2040",
            "quantity": "500",
            "carrier": "cosco",
            "ship_date": day(-2),
        },
        common
        | {
            "customer_po": "GLJ-4",
            "state": "shipped",
            "received_date": day(-90),
            "confirmed_date": day(-88),
            "delivery_date": day(-5),
            "factory": "Ningbo No. 2",
            "description": "Tote bag",
            "quantity": "800",
            "carrier": "cosco",
        },
    ]
    filled = tmp_path / "golive-team-b.csv"
    with filled.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([[r.get(column, "") for column in header] for r in rows])

    page.get_by_label(t["file"], exact=True).set_input_files(filled)
    j.click_button(t["check"])
    preview = page.get_by_role("region", name=re.compile(t["preview"]))
    expect(preview).to_contain_text(t["counts"])
    for po in ("GLJ-1", "GLJ-2", "GLJ-3", "GLJ-4"):
        expect(preview).to_contain_text(f"PO {po}")
    j.click_button(t["import"])  # a worker imports the file; its page follows the job to the end
    expect(j.heading()).to_contain_text(filled.name)
    expect(j.message()).to_contain_text(t["imported"])
    j.click_link(t["see_orders"])
    expect(j.heading()).to_have_text(t["orders"])
    table = page.get_by_role("table")
    for po in ("GLJ-1", "GLJ-2", "GLJ-3", "GLJ-4"):
        expect(table).to_contain_text(po)

    # merch.chen owns SHGM's orders: he finds them by their channel and enters the confirmed one.
    m = open_journey("en")
    m.start("/").sign_in("merch.chen", demo)
    m.nav(t["orders"])
    filters = m.page.locator("form.filters")
    m.select(t["channel"], t["golive"], within=filters)
    m.click_button(t["apply"], within=filters)
    row = m.page.get_by_role("row").filter(has_text="GLJ-2")
    m.click(row.get_by_role("link").first)
    expect(m.heading()).to_contain_text("Confirmed")
    m.order_tab(t["work_record"])  # the work record says it came in at go-live, not that it was received here
    m.see(t["work_record_note"])
    m.click_button(t["enter_order"])
    expect(m.heading()).to_contain_text(t["entered"])
    assert re.search(r"SO-\d{4}-\d{6}", m.heading().inner_text())
    # Back on the import page, the supervisor finds the job among the earlier imports.
    j.nav(t["nav"])
    earlier = page.get_by_role("region", name=t["earlier"])
    expect(earlier).to_contain_text(filled.name)
    expect(earlier).to_contain_text("Imported")
    print(f"clicks: sup.sun go-live import {j.clicks}, merch.chen enter {m.clicks}")
