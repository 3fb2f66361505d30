"""The work record as a supervisor reviews it and as QA spot-checks it, in a real browser: the same lines
as on the order page, in the reader's language, with no internal code (state, event kind, stage action)."""

import pytest
from playwright.sync_api import expect

from orders.models import Order
from supervision.models import SpotCheckSample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABELS = {
    "en": {
        "reviews": "Record reviews",
        "reviews_heading": "Review of work records",
        "record": "Work record",
        "started": "Entered → In production",
        "plan": "T&A plan made",
        "ticked": "Checklist item ticked",
    },
    "zh-hans": {
        "spot_checks": "抽查",
        "record": "工作记录",
        "confirmed": "已接收 → 已确认",
        "ticked": "已勾选核对项",
        "imported": "上线时导入",
    },
}
CODES = ("in_production", "milestone_done", "plan_generated", "production:", "→ received", "stage record")


def work_record(j, heading: str):
    return j.page.locator("section.card", has=j.page.get_by_role("heading", name=heading, exact=True))


def test_a_supervisor_and_qa_read_the_work_record_without_codes(open_journey, demo):
    # The supervisor of team B reviews one of the team's orders in production, in English.
    team_b = ("merch.zhang", "merch.chen")
    order = Order.objects.filter(merchandiser__username__in=team_b, status="in_production").order_by("pk").first()
    en = LABELS["en"]
    j = open_journey("en")
    j.start("/").sign_in("sup.sun", demo)
    j.nav(en["reviews"])
    expect(j.heading()).to_have_text(en["reviews_heading"])
    j.click_link(order.number)
    expect(j.heading()).to_contain_text(order.number)
    record = work_record(j, en["record"])
    for words in (en["started"], en["plan"], en["ticked"]):
        expect(record.get_by_text(words).first).to_be_visible()
    text = record.inner_text()
    assert not [code for code in CODES if code in text.lower()], text

    # QA opens a sample of the month's spot check, in Chinese.
    zh = LABELS["zh-hans"]
    q = open_journey("zh-hans")
    q.start("/").sign_in("qa.zhou", demo)
    q.nav(zh["spot_checks"])
    plan_link = q.page.locator("main table a").first
    q.click(plan_link)
    # The demo's sample is drawn from the orders' ids, which differ from run to run: any entered order's will do.
    # One received here is read for its transitions; one imported at go-live has its import as its start.
    samples = list(SpotCheckSample.objects.filter(order__number__isnull=False).select_related("order"))
    sample = next((s for s in samples if s.order.imported_at is None), samples[0])
    expected = (zh["confirmed"], zh["ticked"]) if sample.order.imported_at is None else (zh["imported"],)
    q.click_link(sample.order.number, within=q.page.locator("#samples"))
    expect(q.heading()).to_contain_text(sample.order.number)
    record = work_record(q, zh["record"])
    for words in expected:
        expect(record.get_by_text(words).first).to_be_visible()
    text = record.inner_text()
    assert not [code for code in CODES if code in text.lower()], text
    assert "State changed" not in text and "Checklist item ticked" not in text
