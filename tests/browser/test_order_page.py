"""The order page built around the next step, in a real browser: the stepper says where the order stands,
the next-step card does the step, the tabs open in place, a save's message is where the person looks; and
on a phone (390×844) every control of the order page and the check-in page is big enough for a thumb.

ORDER_PAGE_SCREENSHOTS=1 writes the screenshots docs/orders.md shows (docs/screenshots/order-page-*.png)."""

import os
import re
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from workcalendar.calendar import WorkCalendar

from ..conftest import advance
from ..factories import make_order
from ..logistics.helpers import in_production_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
KEEP_FOR_DOCS = os.environ.get("ORDER_PAGE_SCREENSHOTS", "").lower() in ("1", "true", "yes")
PHONE = {"width": 390, "height": 844}
THUMB = 44  # px: the smallest tap target on the pages used on the floor

EN = {
    "stages": "Stages",
    "entered": "Entered",
    "in_production": "In production",
    "production_tab": "Production & T&A",
    "overview": "Overview",
    "start": "Next step: Start production",
    "factory": "Factory",
    "line": "Production line",
    "work_order": "Work order number",
    "start_date": "Production start date",
    "start_production": "Start production",
    "started": "Production has started.",
    "ship": "Next step: Mark shipped",
    "record_shipment": "Record a shipment",
    "file": "File",
    "upload": "Upload",
    "attached": "The file is attached.",
}
ZH = {"stages": "阶段", "in_production": "生产中", "production_tab": "生产与T&A", "checkins": "我的跟进"}

# What a thumb presses: buttons, things styled as buttons, folds, fields and the tabs. Links inside text are
# exempt, as WCAG's target-size rule has them.
CONTROLS = (
    "main :is(button, .btn, summary, select, textarea, .tabbar a,"
    " input:not([type=hidden]):not([type=checkbox]):not([type=radio]))"
)


def small_controls(scope) -> list[str]:
    """Visible controls under THUMB px in either direction, as 'text (w×h)'."""
    return scope.evaluate(
        """(args) => [...document.querySelectorAll(args.selector)]
            .filter((el) => el.offsetParent !== null && !el.closest('[hidden]'))
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([el, r]) => r.height < args.thumb || r.width < args.thumb)
            .map(([el, r]) => `${(el.innerText || el.name || el.tagName).trim().slice(0, 30)}`
                + ` (${Math.round(r.width)}×${Math.round(r.height)})`)""",
        {"selector": CONTROLS, "thumb": THUMB},
    )


def keep(j, name: str) -> None:
    if KEEP_FOR_DOCS:
        DOCS.mkdir(parents=True, exist_ok=True)
        j.page.screenshot(path=str(DOCS / f"order-page-{name}.png"))


def current_stage(j):
    return j.page.get_by_role("region", name=j_words(j)["stages"]).locator("[aria-current=step]")


def j_words(j):
    return EN if j.lang == "en" else ZH


def test_the_next_step_card_does_the_step_and_the_message_is_in_view(open_journey, demo, tmp_path):
    t = EN
    wang = get_user_model().objects.get(username="merch.wang")
    order = advance(make_order(merchandiser=wang, lines=2), wang, "confirm", "enter")
    j = open_journey("en")
    page = j.page
    j.start(f"/orders/{order.pk}/").sign_in("merch.wang", demo)

    # Where the order stands: entered today, and the production tab is the one open.
    expect(current_stage(j)).to_contain_text(t["entered"])
    expect(current_stage(j)).to_contain_text(timezone.localdate().isoformat())
    tabs = page.get_by_role("navigation", name="Sections of the order")
    expect(tabs.get_by_role("link", name=t["production_tab"])).to_have_attribute("aria-current", "page")
    keep(j, "desktop-en")

    # The card holds the step's form; its button does the step.
    step = j.next_step()
    expect(step.get_by_role("heading")).to_have_text(t["start"])
    j.fill(t["factory"], "Ningbo No. 2", within=step)
    j.fill(t["line"], "Line 3", within=step)
    j.fill(t["work_order"], "WO-PAGE-1", within=step)
    j.fill(t["start_date"], timezone.localdate().isoformat(), within=step)
    j.click_button(t["start_production"], within=step)
    expect(j.message()).to_contain_text(t["started"])
    expect(j.message()).to_be_in_viewport()
    expect(current_stage(j)).to_contain_text(t["in_production"])

    # Next, shipping: the card leads to the shipment form and has no button that would only refuse.
    step = j.next_step()
    expect(step.get_by_role("heading")).to_have_text(t["ship"])
    expect(step.get_by_role("link", name=t["record_shipment"])).to_be_visible()
    expect(step.get_by_role("button", name="Mark shipped")).to_have_count(0)

    # Another tab opens in place; a file saved there comes back to it with the message in view.
    j.order_tab(t["overview"])
    expect(page).to_have_url(re.compile(r"\?tab=overview$"))
    attachment = tmp_path / "packing-list.pdf"
    attachment.write_bytes(b"%PDF-1.4 packing list")
    page.get_by_label(t["file"], exact=True).set_input_files(attachment)
    j.click_button(t["upload"])
    expect(page).to_have_url(re.compile(r"\?tab=overview#order-tab$"))
    expect(j.message()).to_contain_text(t["attached"])
    expect(j.message()).to_be_in_viewport()
    expect(tabs.get_by_role("link", name=t["overview"])).to_have_attribute("aria-current", "page")
    print(f"clicks: merch.wang order page (en): {j.clicks}")


def next_working_morning():
    calendar, day = WorkCalendar.load(), timezone.localdate()
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return None if day == timezone.localdate() else timezone.make_aware(datetime.combine(day, time(9, 30)))


def test_on_a_phone_every_control_takes_a_thumb_and_a_check_in_card_fits_the_screen(open_journey, demo):
    import time_machine

    t = ZH
    li = get_user_model().objects.get(username="merch.li")
    order = in_production_order(li)
    moment = next_working_morning()
    with time_machine.travel(moment or timezone.now(), tick=True):
        j = open_journey("zh-hans", viewport=PHONE)
        j.start(f"/orders/{order.pk}/").sign_in("merch.li", demo)
        expect(current_stage(j)).to_contain_text(t["in_production"])
        assert small_controls(j.page) == []
        keep(j, "phone-zh")

        j.nav(t["checkins"])
        card = j.page.locator("form.checkin").first
        expect(card).to_be_visible()
        assert card.bounding_box()["height"] <= PHONE["height"]
        assert small_controls(j.page) == []


def test_the_order_page_for_the_docs_in_the_other_languages(open_journey, demo):
    """The screenshots docs/orders.md links: desktop in Chinese, phone in English (the other two are taken
    above). Without ORDER_PAGE_SCREENSHOTS it still checks that both open on the order's stage."""
    li = get_user_model().objects.get(username="merch.li")
    wang = get_user_model().objects.get(username="merch.wang")
    for user, lang, viewport, name in ((li, "zh-hans", None, "desktop-zh"), (wang, "en", PHONE, "phone-en")):
        order = in_production_order(user)
        j = open_journey(lang, viewport=viewport)
        j.start(f"/orders/{order.pk}/").sign_in(user.username, demo)
        expect(current_stage(j)).to_contain_text(j_words(j)["in_production"])
        keep(j, name)
