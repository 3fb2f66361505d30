"""Fast entry (issue 18, item 2), counted in a real browser: from "New order" to an entered order in at most
10 clicks, and on to an order in production in at most 14. Every click counts, and so does every Enter that
does a click's work (Journey.clicks, through click_* and press_enter). Prints the counts and the typed fields.

The order page is being rebuilt around the next step: its part of the path is `walk_the_order_page`, the one
place to change when its labels or layout move."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .merch_labels import LABELS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TO_ENTERED, TO_PRODUCTION = 10, 14
USERS = {"en": ("merch.wang", "Pacific Apparel Inc."), "zh-hans": ("merch.li", "北欧家居有限公司")}


def take_the_call(j, t, customer: str) -> None:
    """The phone intake page: the header, then two lines typed in the grid, moving on with Enter."""
    today = timezone.localdate()
    j.nav(t["nav_new_order"])
    expect(j.heading()).to_have_text(t["phone_heading"])
    j.select(t["customer"], customer)
    j.fill(t["customer_po"], "FAST-1")
    j.select(t["currency"], "USD")
    j.fill(t["delivery_date"], (today + timedelta(days=80)).isoformat())
    for number, (style, quantity, price) in enumerate((("TS-1001", "1200", "3.85"), ("BG-0907", "800", "1.20")), 1):
        row = j.grid_row(number)
        j.fill(t["style_no"], style, within=row)
        j.fill(t["quantity"], quantity, within=row)
        j.fill(t["unit_price"], price, within=row)
        expect(row.get_by_label(t["unit"], exact=True).locator("option:checked")).to_have_text(t["pieces"])
        if number == 1:
            j.press_enter(t["unit_price"], within=row)  # to the next row, as a spreadsheet does
    j.click_button(t["save_order"])
    expect(j.message()).to_contain_text(t["order_received"])


def walk_the_order_page(j, t) -> dict:
    """From the new order's page to in production: the checklist, the confirmation, confirm, enter, start.
    Returns the click count at each state reached."""
    counts = {}
    j.click(j.page.get_by_role("button", name=re.compile("^" + re.escape(t["tick_all"]))))
    expect(j.page.get_by_role("button", name=re.compile("^" + re.escape(t["tick"])))).to_have_count(0)
    j.select(t["method"], t["phone"])
    j.fill(t["contact"], "Grace Lee")  # "Confirmed at" starts at now
    j.click_button(t["save_confirmation"])
    expect(j.message()).to_contain_text(t["confirmation_recorded"])
    j.click_button(t["confirm_order"])
    expect(j.heading()).to_contain_text(t["confirmed"])
    j.click_button(t["enter_order"])
    expect(j.heading()).to_contain_text(t["entered"])
    counts["entered"] = j.clicks
    production = j.next_step()  # the card that holds the next step's form: start production
    j.fill(t["factory"], "Ningbo No. 2", within=production)
    j.fill(t["line"], "Line 3", within=production)
    j.fill(t["work_order"], "WO-FAST-1", within=production)
    j.fill(t["start_date"], timezone.localdate().isoformat(), within=production)
    j.click_button(t["start_production"], within=production)
    expect(j.message()).to_contain_text(t["production_started"])
    expect(j.heading()).to_contain_text(t["in_production"])
    counts["in_production"] = j.clicks
    return counts


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_phone_call_to_production_within_the_click_targets(open_journey, demo, lang):
    t = LABELS[lang]
    username, customer = USERS[lang]
    j = open_journey(lang)
    j.start("/").sign_in(username, demo)
    j.clicks = j.fields_filled = 0  # counted from "New order"

    take_the_call(j, t, customer)
    counts = walk_the_order_page(j, t)

    print(
        f"fast entry ({lang}): entered after {counts['entered']} clicks (target {TO_ENTERED}), "
        f"in production after {counts['in_production']} (target {TO_PRODUCTION}); {j.fields_filled} fields filled"
    )
    assert counts["entered"] <= TO_ENTERED
    assert counts["in_production"] <= TO_PRODUCTION


def test_the_lines_grid_by_keyboard(open_journey, demo):
    """Tab moves along a row; a style number fills description and unit, and typing over the suggested
    description replaces it; Enter in the last cell of the last row adds a row in place, counted in the
    formset's TOTAL_FORMS."""
    t = LABELS["en"]
    j = open_journey("en")
    page = j.page
    j.start("/").sign_in("merch.wang", demo)
    j.nav(t["nav_new_order"])
    first = j.grid_row(1)
    first.get_by_label(t["style_no"], exact=True).focus()
    page.keyboard.type("ts-1001")
    page.keyboard.press("Tab")
    expect(first.get_by_label(t["description"], exact=True)).to_be_focused()
    expect(first.get_by_label(t["description"], exact=True)).to_have_value("Men's cotton crew-neck T-shirt")
    expect(first.get_by_label(t["style_no"], exact=True)).to_have_value("TS-1001")
    page.keyboard.type("Crew-neck T-shirt, navy")  # the suggestion arrived in the cell: typing replaces it
    expect(first.get_by_label(t["description"], exact=True)).to_have_value("Crew-neck T-shirt, navy")
    expect(first.get_by_label(t["unit"], exact=True).locator("option:checked")).to_have_text(t["pieces"])
    for label in ("colour", "size", "quantity", "unit", "unit_price"):
        page.keyboard.press("Tab")
        expect(first.get_by_label(t[label], exact=True)).to_be_focused()

    rows = page.get_by_role("row").filter(has=page.get_by_role("rowheader"))
    expect(rows).to_have_count(3)
    total = page.locator("input[name='lines-TOTAL_FORMS']")
    address = page.url
    j.press_enter(t["unit_price"], within=j.grid_row(3))
    expect(rows).to_have_count(4)
    expect(total).to_have_value("4")
    expect(j.grid_row(4).get_by_label(t["style_no"], exact=True)).to_be_focused()
    assert page.url == address
    j.audit(force=True)  # the added row's cells are labelled too
