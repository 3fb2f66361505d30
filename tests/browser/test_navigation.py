"""The menu, "Waiting for you" and breadcrumbs, in a real browser (issue #18, items 3 and 4).

Every role signs in and finds at most seven entries in the menu, opens a group with the keyboard (Tab to
it, Enter opens it, Escape closes it and leaves the focus, visibly, on it) and reads "Waiting for you" on
its landing page. Management follows the revision waiting there and approves it, and the count on the
menu goes; HR answers the scorecard appeal waiting there. On a phone the menu is one button that takes
no room until opened. On an order page the breadcrumbs lead back to the list."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# Who signs in, in their own language, and what they read.
ROLES = [
    ("merch.wang", "en"),
    ("sup.sun", "en"),
    ("qa.zhou", "zh-hans"),
    ("hr.wu", "zh-hans"),
    ("mgmt.zheng", "zh-hans"),
]
WORDS = {
    "en": {"home": "My work", "waiting": "Waiting for you", "orders": "Orders", "breadcrumb": "Breadcrumb"},
    "zh-hans": {"home": "我的工作", "waiting": "待您处理", "orders": "订单", "breadcrumb": "页面路径"},
}
ZH = {
    "policy": "制度",
    "policy_source": "待您处理的制度修订",
    "approve": "批准并发布",
    "approved": "已批准并发布。",
    "appeal_source": "待答复的评分卡申诉",
    "decision": "决定",
    "upheld": "申诉成立",
    "answer": "答复",
    "send_answer": "发送答复",
    "answered": "答复已发送。",
}


def waiting_region(j):
    return j.page.get_by_role("region", name=WORDS[j.lang]["waiting"], exact=True)


def has_visible_focus(j) -> bool:
    return j.page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
    )


@pytest.mark.parametrize(("login", "lang"), ROLES)
def test_each_role_has_a_short_menu_that_works_by_keyboard(open_journey, demo, login, lang):
    j = open_journey(lang, name=f"navigation-{login}")
    j.start("/").sign_in(login, demo)
    words = WORDS[lang]

    # At most seven entries, on one row.
    entries = j.menu_groups()
    assert 3 <= entries.count() <= 7, entries.all_inner_texts()
    tops = {round(box["y"]) for box in (entries.nth(i).bounding_box() for i in range(entries.count()))}
    assert len(tops) == 1, "the menu wraps onto a second row"

    # Tab from "My work" to the first group, Enter opens it, Escape closes it and the focus stays, visible.
    group = j.main_menu().locator("details.navgroup").first
    summary = group.locator("summary")
    j.main_menu().get_by_role("link", name=words["home"], exact=True).focus()
    for _entry in range(7):  # past the entries that are plain links
        j.page.keyboard.press("Tab")
        if summary.evaluate("node => node === document.activeElement"):
            break
    expect(summary).to_be_focused()
    assert has_visible_focus(j)
    j.page.keyboard.press("Enter")
    expect(group).to_have_attribute("open", "")
    first = group.get_by_role("link").first
    expect(first).to_be_visible()
    j.screenshot("group-open")
    j.page.keyboard.press("Tab")
    expect(first).to_be_focused()
    j.page.keyboard.press("Escape")
    expect(group).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    j.audit(force=True)

    # "Waiting for you" on the landing page.
    expect(waiting_region(j)).to_be_visible()


def test_management_approves_the_revision_waiting_and_the_menu_count_goes(open_journey, demo):
    j = open_journey("zh-hans", name="navigation-management")
    j.start("/").sign_in("mgmt.zheng", demo)
    policy_entry = j.menu_groups().filter(has=j.page.get_by_role("link", name=ZH["policy"], exact=True))
    expect(policy_entry.locator(".navcount")).to_contain_text("1")

    source = waiting_region(j).get_by_role("region", name=re.compile(ZH["policy_source"]))
    j.click_link(re.compile(r"v1\.1$"), within=source)
    expect(j.heading()).to_contain_text("v1.1")
    j.click_button(ZH["approve"])
    expect(j.message()).to_contain_text(ZH["approved"])
    expect(policy_entry.locator(".navcount")).to_have_count(0)
    j.nav(WORDS["zh-hans"]["home"])
    expect(waiting_region(j).get_by_role("region", name=re.compile(ZH["policy_source"]))).to_have_count(0)


def test_hr_answers_the_scorecard_appeal_waiting(open_journey, demo):
    j = open_journey("zh-hans", name="navigation-hr")
    j.start("/").sign_in("hr.wu", demo)
    source = waiting_region(j).get_by_role("region", name=re.compile(ZH["appeal_source"]))
    j.click_link(re.compile("张静"), within=source)
    j.select(ZH["decision"], ZH["upheld"])
    j.fill(ZH["answer"], "经核实外箱破损由承运商造成，该投诉不影响你的满意度评价。")
    j.click_button(ZH["send_answer"])
    expect(j.message()).to_contain_text(ZH["answered"])
    j.nav(WORDS["zh-hans"]["home"])
    expect(waiting_region(j).get_by_role("region", name=re.compile(ZH["appeal_source"]))).to_have_count(0)


def test_on_a_phone_the_menu_is_one_button(open_journey, demo):
    j = open_journey("en", name="navigation-phone", viewport=PHONE)
    j.start("/").sign_in("merch.wang", demo)
    button = j.page.get_by_role("button", name="Menu")
    expect(button).to_be_visible()
    expect(j.main_menu()).to_be_hidden()
    header = j.page.locator("header.topbar").bounding_box()
    assert header["height"] <= 120, header  # the menu takes no room until opened
    j.screenshot("phone-closed")

    j.click(button)
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(j.main_menu()).to_be_visible()
    j.screenshot("phone-open")
    j.nav("My check-ins")  # in the "Production & delivery" group
    expect(j.heading()).to_contain_text("check-ins")
    expect(j.main_menu()).to_be_hidden()  # a new page starts with the menu folded


def test_breadcrumbs_lead_from_an_order_back_to_the_list(open_journey, demo):
    j = open_journey("en", name="navigation-breadcrumbs")
    j.start("/").sign_in("merch.wang", demo)
    j.nav("Orders")
    number = j.page.locator("table tbody").get_by_role("link").first.inner_text()
    j.click_link(number)
    crumbs = j.page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs).to_contain_text(number)
    j.click_link("Orders", within=crumbs)
    expect(j.heading()).to_have_text("Orders")
