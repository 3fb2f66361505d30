"""The supervisor's assessment and HR's interpretations, in a real browser on the demo data (issue #20,
items 8 and 9; policy 5.1.2 and 6.1).

A supervisor (sup.sun, English) opens "Team ratings", rates merch.chen for the current quarter with a
comment, beside the record reviews that are its evidence. When the quarter has ended HR (hr.wu, Chinese)
scores it and reads the rating, its comment and its KPI line on merch.chen's scorecard.

HR (hr.wu, Chinese) interprets clause 6.1 of the policy in force; a merchandiser (merch.wang, English)
reads the interpretation beside that clause on the policy page."""

import pytest
import time_machine
from django.utils import translation
from playwright.sync_api import expect

from evaluation.quarters import Quarter
from supervision.selectors import policy_articles, policy_in_force

from .test_journey_hr import after_the_quarter, section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "Chases the factory daily and tells customers early about slips."


def test_a_supervisor_rates_a_merchandiser_and_hr_reads_it_on_the_scorecard(open_journey, demo):
    quarter = Quarter.current()
    q = str(quarter)
    j = open_journey("en", name="assessment-supervisor")
    j.start("/").sign_in("sup.sun", demo)
    j.nav("Team ratings")
    expect(j.heading()).to_contain_text(f"Team ratings {q}")
    card = section(j, "陈浩")
    expect(card).to_contain_text("Evidence: record reviews")
    j.select("Rating", "4 — good", within=card)
    j.fill("Comment", COMMENT, within=card)
    j.click_button("Save rating", within=card)
    expect(j.message()).to_contain_text("The rating is saved.")
    card = section(j, "陈浩")
    expect(card).to_contain_text("Rated 4 / 5")
    expect(card).to_contain_text(COMMENT)
    j.screenshot("rated")
    j.assert_clean()

    # The quarter ends; HR scores it and opens merch.chen's scorecard.
    with time_machine.travel(after_the_quarter(quarter), tick=True):
        h = open_journey("zh-hans", name="assessment-hr")
        h.start("/").sign_in("hr.wu", demo)
        h.nav("绩效评估")
        h.select("季度", q)
        h.click_button("开始评分")
        expect(h.page.locator("#run-progress")).to_contain_text(f"{q} 评分：已完成")
        h.click_link("陈浩", within=section(h, "排名"))
        expect(h.heading()).to_contain_text(f"评分卡 {q} · 陈浩")
        expect(h.page.locator('tr[data-kpi="supervisor_rating"]')).to_contain_text("主管季度评分")
        assessment = section(h, "主管评估")
        expect(assessment).to_contain_text("评分 4 / 5")
        expect(assessment).to_contain_text(COMMENT)
        expect(assessment).to_contain_text("依据：工作记录检查")
        h.screenshot("scorecard")
        h.assert_clean()


INTERPRETATION = "“人力资源部负责解释”：解释由人力资源部书面记录，附于所解释的条款旁。"


def test_hr_interprets_an_article_and_a_merchandiser_reads_it_beside_the_article(open_journey, demo):
    with translation.override("zh-hans"):
        clause = dict(policy_articles(policy_in_force()))["6.1"]
    h = open_journey("zh-hans", name="interpretation-hr")
    h.start("/").sign_in("hr.wu", demo)
    h.nav("制度")
    form = section(h, "解释条款")
    h.select("条款", f"6.1 · {clause}", within=form)
    h.fill("解释", INTERPRETATION, within=form)
    h.click_button("记录解释", within=form)
    expect(h.message()).to_contain_text("6.1 的解释已记录。")
    aside = h.page.get_by_role("complementary", name="人力资源部对 6.1 的解释")
    expect(aside).to_contain_text(INTERPRETATION)
    h.screenshot("interpreted")
    h.assert_clean()

    m = open_journey("en", name="interpretation-merchandiser")
    m.start("/").sign_in("merch.wang", demo)
    m.nav("Policy")
    article = m.page.locator("#art-6\\.1")
    expect(article).to_contain_text("HR interprets these rules.")
    beside = m.page.get_by_role("complementary", name="HR's interpretation of 6.1")
    expect(beside).to_contain_text(INTERPRETATION)
    expect(m.page.get_by_role("heading", name="Interpret an article")).to_have_count(0)
    m.screenshot("read")
    m.assert_clean()
