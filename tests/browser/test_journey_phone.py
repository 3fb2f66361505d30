"""A merchandiser on a phone (390×844), in a real browser: the daily check-in page fits the screen with no
sideways scrolling, and a check-in is filled in and saved there."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from workcalendar.calendar import WorkCalendar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# What merch.li (Chinese) reads and clicks.
ZH = {
    "checkins": "我的跟进",
    "heading": "今日跟进",
    "spoke_to": "联系人",
    "how": "方式",
    "phone": "电话",
    "produced": "累计完成数量",
    "next_steps": "下一步",
    "more": "节点、问题、下一步",
    "save": "保存",
    "saved": "已保存",
}


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def next_working_day():
    """Check-ins are daily work: the journey happens on a working day of the company calendar."""
    calendar, day = WorkCalendar.load(), timezone.localdate()
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def test_phone_check_in(open_journey, demo):
    t = ZH
    day = next_working_day()
    # On a working day the journey happens now; otherwise on the morning of the next one.
    moment = timezone.now() if day == timezone.localdate() else timezone.make_aware(datetime.combine(day, time(9, 30)))
    with time_machine.travel(moment, tick=True):
        j = open_journey("zh-hans", viewport=PHONE, name="phone")
        j.start("/").sign_in("merch.li", demo)
        assert fits_the_screen(j.page)
        j.nav(t["checkins"])
        expect(j.heading()).to_contain_text(t["heading"])
        assert fits_the_screen(j.page)

        # The first order to check in today: whom she spoke to, how, how many are done, what comes next.
        row = j.page.locator("form.checkin").first
        number = row.get_by_role("heading", level=2).get_by_role("link").inner_text()
        j.fill(t["spoke_to"], "王主管 Wang (line leader)", within=row)
        j.select(t["how"], t["phone"], within=row)
        j.fill(t["produced"], "520", within=row)
        j.click(row.get_by_text(t["more"], exact=True))  # folded, so that a card fits the screen
        j.fill(t["next_steps"], "明天上午再确认面料到厂时间。", within=row)
        j.click_button(t["save"], within=row)

        # The row, swapped in place, says it is saved, and keeps what was typed.
        saved = j.page.locator("form.checkin", has=j.page.get_by_role("link", name=number, exact=True))
        expect(saved.get_by_role("status")).to_contain_text(t["saved"])
        expect(saved.get_by_label(t["produced"], exact=True)).to_have_value("520")
        expect(saved).to_have_attribute("data-status", "done")
        assert fits_the_screen(j.page)
