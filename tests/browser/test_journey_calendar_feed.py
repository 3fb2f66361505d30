"""A merchandiser puts their deadlines in their calendar app (issue #22, item 4), in a real browser on the
demo data: merch.li (Chinese) opens "My calendar feed" from the menu under their name, creates the link,
and a calendar app that reads it gets their ex-factory dates and milestones; renewing the link stops the old
one, and turning it off stops the new one. merch.wang does the same in English."""

import re
import urllib.error
import urllib.request

import pytest
from icalendar import Calendar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_user_menu(j, username: str):
    from django.contrib.auth import get_user_model

    name = str(get_user_model().objects.get(username=username))
    j.click(j.page.get_by_text(re.compile(rf"^{re.escape(name)}")).first)


def _calendar_app_reads(j, link: str) -> tuple[int, set[str]]:
    """What a calendar app does: fetch the link on its own, with no session and no cookie of the browser's."""
    try:
        with urllib.request.urlopen(link, timeout=30) as answer:  # noqa: S310 - the live test server
            body = answer.read()
    except urllib.error.HTTPError as error:
        return error.code, set()
    return 200, {str(e["SUMMARY"]) for e in Calendar.from_ical(body).walk("VEVENT")}


def test_a_merchandiser_subscribes_renews_and_turns_off_their_calendar(open_journey, demo):
    from django.contrib.auth import get_user_model

    from calendarfeed.selectors import feed_items

    li = get_user_model().objects.get(username="merch.li")
    expected = {item.title_zh for item in feed_items(user=li) if item.kind in ("ex_factory", "milestone")}
    assert any(title.endswith("出厂") for title in expected), "the demo gives merch.li orders in production"

    j = open_journey("zh-hans", name="calendar-feed")
    j.start("/").sign_in("merch.li", demo)
    _open_user_menu(j, "merch.li")
    j.click_link("我的日历订阅")
    j.see("您还没有日历链接。")
    j.click_button("生成我的日历链接")
    j.see("您的日历链接已生成：请添加到日历应用。", within=j.message())
    j.see("出厂")
    link = j.page.get_by_label("日历链接").input_value()
    assert link.endswith(".ics")
    status, summaries = _calendar_app_reads(j, link)
    assert status == 200
    assert expected <= summaries

    j.click_button("更换链接")
    j.see("新链接已生成，旧链接已失效：请把新链接添加到日历应用。", within=j.message())
    renewed = j.page.get_by_label("日历链接").input_value()
    assert renewed != link
    assert _calendar_app_reads(j, link)[0] == 404
    assert _calendar_app_reads(j, renewed)[0] == 200

    j.click_button("停用链接")
    j.see("您的日历链接已停用：日历应用将不再获取任何内容。", within=j.message())
    j.see("您还没有日历链接。")
    assert _calendar_app_reads(j, renewed)[0] == 404


def test_the_page_reads_in_english(open_journey, demo):
    j = open_journey("en", name="calendar-feed-en")
    j.start("/").sign_in("merch.wang", demo)
    _open_user_menu(j, "merch.wang")
    j.click_link("My calendar feed")
    j.click_button("Create my calendar link")
    j.see("Your calendar link is ready: add it to your calendar app.", within=j.message())
    assert _calendar_app_reads(j, j.page.get_by_label("Calendar link").input_value())[0] == 200
