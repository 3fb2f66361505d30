"""QA spot-checks a merchandiser's work, in a real browser: a new plan, a sample drawn, one sampled order
scored against the checklist, and a finding raised on the item that failed."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What qa.zhou (Chinese) reads and clicks.
ZH = {
    "spot_checks": "抽查",
    "new_plan": "新建抽查计划",
    "save_plan": "保存计划",
    "plan_saved": "计划已保存。准备好后即可抽样。",
    "draw": "抽样",
    "drawn": "已完成抽样。",
    "spot_checks_heading": "质量抽查",
    "findings_heading": "问题项",
    "fail": "不合格",
    "pass": "合格",
    "note": "备注",  # the note box is named after its item: "备注: <item>"
    "save_scores": "保存评分",
    "scored": "已评分。请为每个不合格项提出问题项。",
    "item": "各环节工作记录完整、准确",
    "severity": "严重程度",
    "major": "严重",
    "corrective": "纠正措施",
    "raise": "提出问题项",
    "raised": "问题项已提出；跟单员可在其问题项页面查看。",
    "findings": "问题项",
}


def test_qa_draws_a_sample_and_raises_a_finding(open_journey, demo):
    t = ZH
    j = open_journey("zh-hans", name="qa")
    j.start("/").sign_in("qa.zhou", demo)

    # A plan with the suggested period and size (this month so far, three orders per merchandiser), drawn.
    j.nav(t["spot_checks"])
    expect(j.heading()).to_have_text(t["spot_checks_heading"])
    j.click_link(t["new_plan"])
    j.click_button(t["save_plan"])
    expect(j.message()).to_contain_text(t["plan_saved"])
    j.click_button(t["draw"])
    expect(j.message()).to_contain_text(t["drawn"])
    samples = j.page.locator("#samples tbody tr")
    expect(samples.first).to_be_visible()
    sample = samples.first.get_by_role("link")
    number = sample.inner_text()
    j.click(sample)
    expect(j.heading()).to_contain_text(number)

    # Every item gets a result; the record's completeness fails, with a note.
    score = j.page.locator("#score")
    for passed in score.get_by_label(t["pass"], exact=True).all():
        j.click(passed)
    failed = score.get_by_role("row", name=re.compile(t["item"]))
    j.click(failed.get_by_label(t["fail"], exact=True))
    j.fill(f"{t['note']}: {t['item']}", "与工厂的通话未记录。", within=failed)
    j.click_button(t["save_scores"])
    expect(j.message()).to_contain_text(t["scored"])

    # The failed item becomes a finding with a corrective action.
    findings = j.page.locator("#findings")
    j.select(t["severity"], t["major"], within=findings)
    j.fill(t["corrective"], "补记通话，以后每次通话都记录。", within=findings)
    j.click_button(t["raise"], within=findings)
    expect(j.message()).to_contain_text(t["raised"])
    reference = j.page.locator("#findings").get_by_role("link").first
    expect(reference).to_have_text(re.compile(r"\S"))
    finding = reference.inner_text()

    # The finding is listed among QA's findings.
    j.nav(t["findings"])
    expect(j.heading()).to_contain_text(t["findings_heading"])
    expect(j.page.get_by_role("row", name=re.compile(re.escape(finding)))).to_contain_text(number)
