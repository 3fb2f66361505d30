"""Senior management, in a real browser: the company dashboards show the demo's data, and the policy
revision the demo leaves waiting for management's approval is approved and published."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What mgmt.zheng (Chinese) reads and clicks.
ZH = {
    "heading": "公司概览",
    "on_time_chart": "每月准时交货率（百分比）",
    "rating_chart": "每月客户平均评分",
    "complaint_chart": "每月投诉率",
    "stage_chart": "各状态订单",
    "approvals": "待您处理",  # Waiting for you
    "awaiting": "待高层管理层批准",
    "approve": "批准并发布",
    "approved": "已批准并发布。",
    "in_force": "现行",
    "home": "我的工作",
    "nothing_waiting": "目前没有待您处理的事项。",
}


def test_management_reads_the_dashboards_and_approves_a_revision(open_journey, demo):
    t = ZH
    j = open_journey("zh-hans", name="management")
    j.start("/").sign_in("mgmt.zheng", demo)

    # The company overview: every chart has points or bars from the demo, and this month's row has figures.
    expect(j.heading()).to_contain_text(t["heading"])
    for chart in ("on_time_chart", "rating_chart", "complaint_chart"):
        expect(j.page.get_by_role("img", name=t[chart]).locator("circle.dot").first).to_be_attached()
    expect(j.page.get_by_role("img", name=t["stage_chart"]).locator("rect.bar")).to_have_count(8)
    month = j.page.get_by_role("row", name=re.compile("^" + timezone.localdate().strftime("%Y-%m")))
    cells = month.get_by_role("cell")
    expect(cells).to_have_count(6)
    for n in range(1, 6):
        expect(cells.nth(n)).to_have_text(re.compile(r"^\d+(\.\d+)?$"))

    # Waiting for management: the demo's v1.1, reviewed by a supervisor, to approve.
    approvals = j.page.get_by_role("region", name=t["approvals"])
    j.click_link(re.compile(r"v1\.1$"), within=approvals)
    expect(j.heading()).to_contain_text("v1.1")
    expect(j.heading()).to_contain_text(t["awaiting"])
    j.click_button(t["approve"])
    expect(j.message()).to_contain_text(t["approved"])
    expect(j.heading()).to_contain_text(t["in_force"])

    j.nav(t["home"])
    expect(j.page.get_by_role("region", name=t["approvals"])).to_contain_text(t["nothing_waiting"])
