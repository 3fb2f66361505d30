"""Fair discipline, in a real browser (issue #20, rule 7).

A supervisor (sup.sun, English) records a violation of merch.chen; HR (hr.wu, Chinese) finds it not
upheld, with the reason; merch.chen reads on the violation's page that it counts toward nothing. Then a
second violation is upheld with a performance-pay deduction (the fine is not offered by default);
merch.chen appeals it within the appeal time, HR overturns it with a comment, and merch.chen reads that
it no longer counts."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "Confirmed the PO before the customer's approval was on file"
SECOND = "Weekly report handed in two days late"
NOT_UPHELD = "客户的确认邮件已在案。"
APPEAL = "The report was late because the order was on hold and I was at the factory."
OVERTURNED = "核实属实，撤销。"


def _record(s, description: str) -> str:
    """The supervisor records a violation of merch.chen; returns its reference (V-00012)."""
    s.nav("Violations")
    s.click_link("Record a violation")
    s.select("Person", "陈浩")
    s.select("Type", "Weekly report missing or late" if "report" in description else "Work process not followed")
    s.fill("What happened", description)
    s.click_button("Record")
    expect(s.message()).to_contain_text("Violation recorded.")
    return re.search(r"V-\d+", s.heading().inner_text()).group(0)


def _open_as_hr(h, reference: str) -> None:
    h.nav("违规处理")
    h.click_link(reference)
    expect(h.heading()).to_contain_text(reference)


def test_a_violation_found_not_upheld_then_an_appeal_overturned(open_journey, demo):
    s = open_journey("en", name="discipline-supervisor")
    s.start("/").sign_in("sup.sun", demo)
    first = _record(s, FIRST)
    expect(s.page.locator("#decision")).to_contain_text("Not yet: awaiting HR's decision")
    s.screenshot("recorded")

    # HR finds it not upheld, with the reason; no supervisor's opinion is needed for that.
    h = open_journey("zh-hans", name="discipline-hr")
    h.start("/").sign_in("hr.wu", demo)
    _open_as_hr(h, first)
    h.click(h.page.get_by_label("不成立", exact=True))
    expect(h.page.get_by_label("决定的处分")).to_be_hidden()  # nothing to sanction
    h.fill("决定理由", NOT_UPHELD)
    h.click_button("决定")
    expect(h.page.locator("#decision")).to_contain_text("不成立")
    expect(h.page.locator("#decision")).to_contain_text(NOT_UPHELD)
    h.screenshot("not-upheld")

    # The merchandiser reads that it does not count.
    m = open_journey("en", name="discipline-merchandiser")
    m.start("/").sign_in("merch.chen", demo)
    m.nav("Violations")
    m.click_link(first)
    decision = m.page.locator("#decision")
    expect(decision).to_contain_text("Not upheld")
    expect(decision).to_contain_text(NOT_UPHELD)
    expect(decision.locator("dt", has_text="Counts toward the ladder and the KPI").locator("+ dd")).to_have_text("No")
    expect(m.page.get_by_role("button", name="Appeal")).to_have_count(0)
    m.screenshot("does-not-count")

    # A second one: the supervisor agrees with the proposal, HR upholds it with a deduction.
    second = _record(s, SECOND)
    s.click(s.page.get_by_label("I agree", exact=True))
    s.click_button("Give opinion")
    expect(s.message()).to_contain_text("Your opinion is on file.")
    _open_as_hr(h, second)
    expect(h.page.get_by_label("决定的处分").locator("option", has_text="罚款")).to_have_count(0)  # fines are off
    h.select("决定的处分", "绩效扣减")
    h.fill("罚款或扣减金额（元）", "100")
    h.fill("决定理由", "本年度第一次，扣减绩效。")
    h.click_button("决定")
    expect(h.page.locator("#decision")).to_contain_text("绩效扣减")

    # The merchandiser appeals within the time allowed.
    m.nav("Violations")
    m.click_link(second)
    expect(m.page.locator("#decision")).to_contain_text("Appeal by")
    m.fill("Why you appeal", APPEAL)
    m.click_button("Appeal")
    expect(m.message()).to_contain_text("Your appeal is on file; HR will answer it.")
    expect(m.page.locator("#decision")).to_contain_text(APPEAL)

    # HR overturns it with a comment.
    _open_as_hr(h, second)
    expect(h.page.locator("#decision")).to_contain_text(APPEAL)
    h.click(h.page.get_by_label("撤销原决定", exact=True))
    h.fill("意见", OVERTURNED)
    h.click_button("答复申诉")
    expect(h.message()).to_contain_text("申诉答复已记录。")
    h.screenshot("overturned")

    # The merchandiser reads the answer; the violation no longer counts.
    m.page.reload()
    m.settle()
    decision = m.page.locator("#decision")
    expect(decision).to_contain_text("Decision overturned")
    expect(decision).to_contain_text(OVERTURNED)
    expect(decision.locator("dt", has_text="Counts toward the ladder and the KPI").locator("+ dd")).to_have_text("No")
    m.screenshot("overturned")
