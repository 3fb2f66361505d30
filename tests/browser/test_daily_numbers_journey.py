"""A merchandiser and their supervisor read today's check-ins, each on their own page, and see the same
answer; the supervisor then records the weekly meeting, ticking attendance by each person's name.

The demo is loaded for the real date: on a working day both pages count the same check-ins due, on a day
off both say that nothing is due. merch.li holds the demo's orders in production; team A reads Chinese."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZH = {
    "my_checkins": "我的跟进",
    "checkins_heading": "今日跟进",
    "page_day_off": "今天不是工作日",
    "board": "生产看板",
    "board_day_off": "非工作日",
    "meetings": "会议",
    "minutes": "会议纪要",
    "save_meeting": "保存会议记录",
    "recorded": "会议已记录。",
}
MERCHANDISER, NAME, SUPERVISOR = "merch.li", "李娜", "sup.zhao"


def test_the_merchandiser_and_the_supervisor_see_the_same_checkins_due(open_journey, demo):
    from supervision.weeks import this_week

    # The merchandiser's own count.
    merchandiser = open_journey("zh-hans", name="daily-numbers-merchandiser").start("/").sign_in(MERCHANDISER, demo)
    merchandiser.nav(ZH["my_checkins"])
    expect(merchandiser.heading()).to_contain_text(ZH["checkins_heading"])
    progress = " ".join(merchandiser.page.locator(".checkin-progress").inner_text().split())

    # The supervisor's board: the merchandiser's row, today's column.
    supervisor = open_journey("zh-hans", name="daily-numbers-supervisor").start("/").sign_in(SUPERVISOR, demo)
    supervisor.nav(ZH["board"])
    expect(supervisor.heading()).to_contain_text(ZH["board"])
    row = supervisor.page.get_by_role("row").filter(has=supervisor.page.get_by_role("rowheader", name=NAME))
    today = " ".join(row.get_by_role("cell").first.inner_text().split())

    if ZH["page_day_off"] in progress:
        assert today.startswith(ZH["board_day_off"]), (progress, today)
    else:
        done, due = re.search(r"(\d+) / (\d+)", progress).groups()
        assert int(due) > 0 and today.startswith(f"{done}/{due}"), (progress, today)

    # The weekly meeting: attendance is ticked by the person's name.
    supervisor.nav(ZH["meetings"])
    supervisor.click_link(this_week().strftime("%Y-%m-%d"))
    supervisor.page.get_by_label(NAME, exact=True).check()
    supervisor.fill(ZH["minutes"], "复盘延期辅料；每天跟进染厂。")
    supervisor.click_button(ZH["save_meeting"])
    expect(supervisor.message()).to_contain_text(ZH["recorded"])
    expect(supervisor.page.get_by_label(NAME, exact=True)).to_be_checked()
