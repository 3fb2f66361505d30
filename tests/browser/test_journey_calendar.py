"""The company calendar in a real browser, on the demo data (issue #20, rules 3 and 4). Today is
6 December 2026: 2026 came with the install, 2027 has no calendar yet.

A supervisor (sup.sun, English) sees the warning on the team overview, and the meeting of the National Day
week on Thursday 8 October, not on the holiday Monday. HR (hr.wu, Chinese) sees the warning, imports
2027's notice from a CSV file and adds one more holiday by hand; the warning is gone, for the supervisor
too."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NOTICE_2027 = "date,name,kind\n2027-01-01,元旦 New Year's Day,holiday\n2027-02-06,春节 Spring Festival,holiday\n"
WARNING_EN = "The company calendar has no holidays for 2027 yet."
WARNING_ZH = "公司日历还没有 2027 年的节假日。"


def test_hr_loads_next_year_and_the_supervisor_sees_the_meeting_moved(open_journey, demo, tmp_path):
    from supervision.services.meetings import meetings_create_for_week

    password = demo
    with time_machine.travel(TODAY, tick=True):
        meetings_create_for_week(week_start=date(2026, 10, 5))  # the Monday job of the National Day week

        sup = open_journey("en", name="calendar-supervisor")
        sup.start("/").sign_in("sup.sun", password)
        sup.see(WARNING_EN)
        sup.nav("Meetings")
        row = sup.page.get_by_role("row").filter(has_text="2026-10-05")
        sup.see("2026-10-08 08:00", within=row)  # Monday 5 October is National Day
        sup.nav("Company calendar")
        sup.see(WARNING_EN)
        sup.see("国庆节 National Day")
        assert sup.page.get_by_role("button", name="Import").count() == 0  # supervisors read it

        hr = open_journey("zh-hans", name="calendar-hr")
        hr.start("/").sign_in("hr.wu", password)
        hr.see(WARNING_ZH)
        hr.click_link("打开公司日历")
        notice = tmp_path / "holidays-2027.csv"
        notice.write_text(NOTICE_2027, encoding="utf-8")
        hr.page.get_by_label("日历文件").set_input_files(str(notice))
        hr.fields_filled += 1
        hr.click_button("导入")
        hr.see("日历已导入：新增 2 天，修改 0 天，0 天已存在。", within=hr.message())
        assert hr.page.get_by_text(WARNING_ZH).count() == 0
        hr.fill("日期", "2027-02-08")
        hr.fill("名称", "春节 Spring Festival")
        hr.select("类型", "节假日（休息）")
        hr.click_button("保存日期")
        hr.see("2027-02-08 已保存到日历。", within=hr.message())
        hr.see("2027-02-08")
        hr.nav("我的工作")
        assert hr.page.get_by_text(WARNING_ZH).count() == 0

        sup.nav("My work")
        assert sup.page.get_by_text(WARNING_EN).count() == 0
