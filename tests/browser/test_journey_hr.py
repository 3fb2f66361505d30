"""HR's quarter, in a real browser, on the demo data: hr.wu (Chinese) scores the quarter the demo leaves
unscored (the current one, once it has ended), watches the scoring job's progress and reads the results,
drills down from a scorecard to the orders behind a KPI, adjusts a score with a reason, answers the appeal
the demo leaves waiting, and finalises the quarter.

Then the policy revision chain (policy ch.6), four people in four fresh browsers: HR drafts a revision,
the department supervisor reviews it, senior management approves it, a merchandiser acknowledges it.
Each sees the revision's new state after their step."""

import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from evaluation.quarters import Quarter, company_tz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each person clicks and reads, in their own language. Literal strings: an untranslated label
# fails the journey.
ZH = {
    "evaluation": "绩效评估",
    "score_a_quarter": "季度评分",
    "quarter": "季度",
    "start_scoring": "开始评分",
    "started": "{q} 的评分已开始。",
    "run_done": "{q} 评分：已完成",
    "scored": "为 4 位跟单员评分",
    "show_results": "查看结果",
    "ranking": "排名",
    "evaluation_of": "{q} 绩效评估",
    "scorecard_of": "评分卡 {q} · {who}",
    "kpis": "KPI 指标",
    "kpi": "在规定工时内确认",
    "hours_allowed": "N：允许的工作小时数",
    "back_to_scorecard": "返回评分卡",
    "adjust": "调整 在规定工时内确认",
    "new_score": "新分数",
    "reason": "原因",
    "save_adjustment": "保存调整",
    "adjusted": "分数已调整，原因已记录。",
    "adjustments": "调整记录",
    "appeals": "申诉",
    "waiting": "待人力资源部处理",
    "decision": "决定",
    "upheld": "申诉成立",
    "answer": "答复",
    "send_answer": "发送答复",
    "answered": "答复已发送。",
    "acknowledgement_and_appeals": "确认与申诉",
    "not_enough_data": "数据不足",
    "back_to_quarter": "返回季度",
    "finalise": "季度定稿",
    "finalised": "{q} 已定稿。",
    "finalised_badge": "已定稿",
    "policy": "制度",
    "all_versions": "所有版本",
    "draft_revision": "起草修订",
    "new_version": "新版本号",
    "start_draft": "开始起草",
    "draft_started": "已基于现行版本创建草稿。",
    "what_changed": "修改内容",
    "text_zh": "正文（中文）",
    "text_en": "正文（英文）",
    "save_draft": "保存草稿",
    "draft_saved": "草稿已保存。",
    "draft_badge": "草稿（人力资源部）",
    "submit": "提交审核",
    "submitted": "已提交审核。",
    "in_review": "待主管审核",
    "comment": "意见",
    "review": "审核通过：提交高层管理层",
    "reviewed": "已审核，已提交高层管理层批准。",
    "in_approval": "待高层管理层批准",
    "effective_from": "生效日期",
    "approve": "批准并发布",
    "approved": "已批准并发布。",
    "in_force": "现行",
    "awaiting": "待您处理的修订",
}
EN = {
    "policy": "Policy",
    "in_force": "In force",
    "acknowledge": "I have read and acknowledge it",
    "acknowledged": "Thank you: your acknowledgement of version {v} is on file.",
    "acknowledged_note": "You have acknowledged this version.",
}
NEW_VERSION = "1.2"
RULE_ZH = "4.季度评估中有数据的指标权重合计不足六成时，评分卡显示“数据不足”，不予评分、排名与奖励。"
RULE_EN = (
    "4. When the indicators with data weigh less than 60% of a quarter's evaluation, the scorecard reads "
    "“not enough data”: no score, no rank, no reward."
)


def after_the_quarter(quarter: Quarter) -> datetime:
    """10:00 on the first working day of the next quarter, in the company's time zone."""
    day = quarter.next().first_day
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=company_tz())


def section(j, heading: str):
    """The card whose heading reads exactly `heading`."""
    return j.page.locator("section", has=j.page.get_by_role("heading", name=heading, exact=True))


def test_hr_scores_reviews_and_finalises_a_quarter_then_the_policy_revision_chain(open_journey, demo):
    password = demo
    quarter = Quarter.current()  # the demo scored and finalised the previous one; this one is unscored
    q = str(quarter)
    # The quarter ends and HR scores it in the first days of the next one, as the schedule would.
    with time_machine.travel(after_the_quarter(quarter), tick=True):
        hr_scores_the_quarter(open_journey, password, q)
        policy_revision_chain(open_journey, password)


def hr_scores_the_quarter(open_journey, password, q):
    t = ZH
    j = open_journey("zh-hans", name="hr-evaluation")
    j.start("/").sign_in("hr.wu", password)

    # Score the quarter: the job runs (eagerly here) and the page shows its progress bar, then the results.
    j.nav(t["evaluation"])
    expect(j.page.get_by_role("heading", name=t["score_a_quarter"], exact=True)).to_be_visible()
    j.select(t["quarter"], q)
    j.click_button(t["start_scoring"])
    expect(j.heading()).to_contain_text(t["evaluation_of"].format(q=q))
    expect(j.message()).to_contain_text(t["started"].format(q=q))
    progress = j.page.locator("#run-progress")
    expect(progress).to_contain_text(t["run_done"].format(q=q))
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    expect(progress).to_contain_text("100 %")
    expect(progress).to_contain_text(t["scored"])
    # The job ran inline, so the results are already below the bar ("Show the results" would reload it).
    expect(progress.get_by_role("link", name=t["show_results"])).to_be_visible()
    ranking = section(j, t["ranking"])
    expect(ranking.locator("tbody tr")).to_have_count(4)

    # Drill down from a scorecard to the orders behind one KPI, and back.
    j.click_link("李娜", within=ranking)
    expect(j.heading()).to_contain_text(t["scorecard_of"].format(q=q, who="李娜"))
    kpis = section(j, t["kpis"])
    j.click_link(t["kpi"], within=kpis)
    expect(j.heading()).to_contain_text(t["kpi"])
    expect(j.page.locator("dl.kv")).to_contain_text(t["hours_allowed"])
    evidence = j.page.locator("table").last
    expect(evidence.get_by_role("link", name=re.compile(r"^SO-\d{4}-\d{6}$")).first).to_be_visible()
    j.click_link(t["back_to_scorecard"])

    # Adjust that KPI's score, with the reason on record.
    row = j.page.locator('tr[data-kpi="confirmation_time"]')
    j.click(row.get_by_text(t["adjust"]))
    j.fill(t["new_score"], "92.5", within=row)
    j.fill(t["reason"], "客户放假，确认顺延非本人原因", within=row)
    j.click_button(t["save_adjustment"], within=row)
    expect(j.message()).to_contain_text(t["adjusted"])
    expect(row.locator("strong.adjusted")).to_have_text("92.50")
    adjustments = section(j, t["adjustments"])
    expect(adjustments).to_contain_text("客户放假，确认顺延非本人原因")
    expect(adjustments).to_contain_text("92.50")

    # Answer the appeal the demo leaves waiting (merch.zhang, on the finalised previous quarter).
    j.click_link(t["back_to_quarter"])
    j.click_link(t["appeals"])
    waiting = section(j, t["waiting"])
    j.click_link("张静", within=waiting)
    j.select(t["decision"], t["upheld"])
    j.fill(t["answer"], "经核实外箱破损由承运商造成，该投诉不影响你的满意度评价。")
    j.click_button(t["send_answer"])
    expect(j.message()).to_contain_text(t["answered"])
    appeals = section(j, t["acknowledgement_and_appeals"])
    expect(appeals.locator(".badge").first).to_have_text(t["upheld"])
    expect(appeals).to_contain_text("经核实外箱破损由承运商造成")

    # That quarter's ranking: the newcomer who had no orders of her own yet has no score and no rank.
    j.click_link(t["back_to_quarter"])
    newcomer = section(j, t["ranking"]).get_by_role("row").filter(has_text="刘洋")
    expect(newcomer).to_contain_text(t["not_enough_data"])
    expect(newcomer.get_by_role("cell").first).to_have_text("—")

    # Finalise the quarter (the button asks first); its results are frozen.
    j.nav(t["evaluation"])
    j.click_link(q)
    j.page.once("dialog", lambda dialog: dialog.accept())
    j.click_button(t["finalise"])
    expect(j.message()).to_contain_text(t["finalised"].format(q=q))
    expect(j.heading()).to_contain_text(t["finalised_badge"])
    expect(j.page.get_by_role("button", name=t["finalise"])).to_have_count(0)


def policy_revision_chain(open_journey, password):
    t = ZH
    # HR drafts a revision of the version in force and sends it for review.
    hr = open_journey("zh-hans", name="policy-hr")
    hr.start("/").sign_in("hr.wu", password)
    hr.nav(t["policy"])
    hr.click_link(t["all_versions"])
    hr.click_link(t["draft_revision"])
    hr.fill(t["new_version"], NEW_VERSION)
    hr.click_button(t["start_draft"])
    expect(hr.message()).to_contain_text(t["draft_started"])
    for label, rule in ((t["text_zh"], RULE_ZH), (t["text_en"], RULE_EN)):
        hr.fill(label, hr.page.get_by_label(label, exact=True).input_value() + "\n" + rule)
    hr.fill(t["what_changed"], "季度评估：数据不足时不予评分。/ Quarterly evaluation: no score without enough data.")
    hr.click_button(t["save_draft"])
    expect(hr.message()).to_contain_text(t["draft_saved"])
    expect(hr.heading()).to_contain_text(t["draft_badge"])
    hr.click_button(t["submit"])
    expect(hr.message()).to_contain_text(t["submitted"])
    expect(hr.heading()).to_contain_text(t["in_review"])

    # The department supervisor reviews it.
    supervisor = open_journey("zh-hans", name="policy-supervisor")
    supervisor.start("/").sign_in("sup.zhao", password)
    supervisor.nav(t["policy"])
    supervisor.click_link(f"v{NEW_VERSION}", within=section(supervisor, t["awaiting"]))
    expect(supervisor.heading()).to_contain_text(t["in_review"])
    supervisor.fill(t["comment"], "已与两组跟单员确认，同意。")
    supervisor.click_button(t["review"])
    expect(supervisor.message()).to_contain_text(t["reviewed"])
    expect(supervisor.heading()).to_contain_text(t["in_approval"])

    # Senior management approves it, in force from today.
    management = open_journey("zh-hans", name="policy-management")
    management.start("/").sign_in("mgmt.zheng", password)
    management.nav(t["policy"])
    management.click_link(f"v{NEW_VERSION}", within=section(management, t["awaiting"]))
    expect(management.heading()).to_contain_text(t["in_approval"])
    management.click_button(t["approve"])
    expect(management.message()).to_contain_text(t["approved"])
    expect(management.heading()).to_contain_text(t["in_force"])

    # A merchandiser reads the version now in force and acknowledges it.
    e = EN
    merchandiser = open_journey("en", name="policy-merchandiser")
    merchandiser.start("/").sign_in("merch.wang", password)
    merchandiser.nav(e["policy"])
    expect(merchandiser.heading()).to_contain_text(f"v{NEW_VERSION}")
    expect(merchandiser.heading()).to_contain_text(e["in_force"])
    merchandiser.see(RULE_EN)
    merchandiser.see("Quarterly evaluation: no score without enough data.")
    merchandiser.click_button(e["acknowledge"])
    expect(merchandiser.message()).to_contain_text(e["acknowledged"].format(v=NEW_VERSION))
    merchandiser.see(e["acknowledged_note"])
