"""The lists as their people use them, in a real browser: a merchandiser saves a filter of the order list and
hides a column, finds both again after signing back in, and exports; a supervisor filters cases by an owner
of their own team only; QA exports the findings."""

import re

import pytest
from django.db.models import Q
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOM = b"\xef\xbb\xbf"

# What merch.wang and sup.sun (English) read and click.
EN = {
    "orders": "Orders",
    "after_sales": "After-sales",
    "state": "State",
    "in_production": "In production",
    "apply": "Apply",
    "save_this_filter": "Save this filter",
    "filter_name": "Name of the filter",
    "save_filter": "Save filter",
    "saved": "Filter saved. It is listed above the list.",
    "saved_filters": "Saved filters",
    "columns": "Columns",
    "customer_po": "Customer PO",
    "show_columns": "Show these columns",
    "columns_saved": "Columns saved.",
    "sign_out": "Sign out",
    "export_csv": "Export CSV",
    "all": "All",
    "owner": "Owner",
    "any": "Any",
    "overdue": "Overdue",
    "filter_orders": "Filter orders",
    "filter_cases": "Filter cases",
}
# What qa.zhou (Chinese) reads and clicks.
ZH = {"findings": "问题项", "export_csv": "导出 CSV"}


def downloaded(page, click) -> bytes:
    with page.expect_download() as download:
        click()
    return download.value.path().read_bytes()


def test_a_merchandiser_keeps_a_saved_filter_and_a_column_choice(open_journey, demo):
    t = EN
    j = open_journey("en", name="lists-merchandiser")
    page = j.page
    j.start("/").sign_in("merch.wang", demo)

    # The list filtered to the orders in production; the flags read Any / Yes / No.
    j.nav(t["orders"])
    # the column chooser's checkboxes carry the columns' names too: the filter's fields are read in its form
    form = page.get_by_role("form", name=t["filter_orders"])
    overdue = form.get_by_label(t["overdue"], exact=True)
    expect(overdue.locator("option")).to_have_text([t["any"], "Yes", "No"])
    j.select(t["state"], t["in_production"], within=form)
    j.click_button(t["apply"], within=form)
    expect(page).to_have_url(re.compile(r"status=in_production"))

    # Saved under a name, and a column hidden.
    j.click(page.get_by_text(t["save_this_filter"], exact=True))
    j.fill(t["filter_name"], "My orders in production")
    j.click_button(t["save_filter"])
    expect(j.message()).to_contain_text(t["saved"])
    j.click(page.get_by_text(t["columns"], exact=True))
    j.click(page.get_by_label(t["customer_po"], exact=True))
    j.click_button(t["show_columns"])
    expect(j.message()).to_contain_text(t["columns_saved"])
    expect(page.get_by_role("columnheader", name=t["customer_po"])).to_have_count(0)

    # Signed out and back in: the filter is there, the column still hidden.
    j.click(page.locator("details.usermenu summary"))
    j.click_button(t["sign_out"])
    j.start("/").sign_in("merch.wang", demo)
    j.nav(t["orders"])
    expect(page.get_by_role("columnheader", name=t["customer_po"])).to_have_count(0)
    saved = page.get_by_role("navigation", name=t["saved_filters"])
    j.click_link("My orders in production", within=saved)
    expect(page).to_have_url(re.compile(r"status=in_production"))
    form = page.get_by_role("form", name=t["filter_orders"])
    expect(form.get_by_label(t["state"], exact=True)).to_have_value("in_production")

    # The export of that list opens in Excel on a Chinese Windows: it starts with the byte-order mark.
    body = downloaded(page, lambda: j.click_link(t["export_csv"]))
    assert body.startswith(BOM)
    header = body.decode("utf-8-sig").splitlines()[0]
    assert "Order" in header and t["customer_po"] not in header
    print(f"clicks: merch.wang saved filter and columns (en): {j.clicks}")


def test_a_supervisor_filters_cases_by_an_owner_of_their_team(open_journey, demo):
    t = EN
    team_b = {str(u) for u in User.objects.filter(Q(team__supervisor__username="sup.sun") | Q(username="sup.sun"))}
    team_a = {str(u) for u in User.objects.filter(team__supervisor__username="sup.zhao")}
    chen = str(User.objects.get(username="merch.chen"))
    j = open_journey("en", name="lists-supervisor")
    page = j.page
    j.start("/").sign_in("sup.sun", demo)

    j.nav(t["after_sales"])
    j.click_link(t["all"], within=page.get_by_role("navigation", name="Scope"))
    form = page.get_by_role("form", name=t["filter_cases"])
    owners = form.get_by_label(t["owner"], exact=True).locator("option")
    offered = {text.strip() for text in owners.all_inner_texts()} - {"---------"}
    assert offered <= team_b and not offered & team_a, offered
    j.select(t["owner"], chen, within=form)
    j.click_button(t["apply"], within=form)
    expect(page).to_have_url(re.compile(r"owner=\d+"))
    for row in page.locator("table tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        assert chen in cells or "Nothing to show." in cells
    print(f"clicks: sup.sun cases by owner (en): {j.clicks}")


def test_qa_exports_the_findings(open_journey, demo):
    t = ZH
    j = open_journey("zh-hans", name="lists-qa")
    j.start("/").sign_in("qa.zhou", demo)
    j.nav(t["findings"])
    body = downloaded(j.page, lambda: j.click_link(t["export_csv"]))
    assert body.startswith(BOM)
    rows = body.decode("utf-8-sig").splitlines()
    assert len(rows) >= 2  # the demo's finding
    print(f"clicks: qa.zhou findings export (zh): {j.clicks}")
