"""An improvement suggestion (改进建议, now part of supervision), in a real browser: a merchandiser makes one
from the Suggestions page, their supervisor reviews and adopts it with a comment, and the merchandiser
sees it adopted with the supervisor's comment in its history."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Send the packing list to the forwarder with the booking"

# merch.wang reads English.
EN = {
    "suggestions": "Suggestions",
    "make": "Make a suggestion",
    "title": "Title",
    "topic": "Topic",
    "logistics": "Logistics",
    "suggestion": "Suggestion",
    "submit": "Submit",
    "thanks": "Thank you. Your supervisor will review the suggestion.",
    "submitted": "Submitted",
    "adopted": "Adopted",
}
# sup.zhao, team A's supervisor, reads Chinese.
ZH = {
    "suggestions": "改进建议",
    "comment": "意见",
    "mark_reviewed": "标记为已审阅",
    "reviewed": "建议现在为“已评审”。",
    "adopt": "采纳",
    "adopted": "建议现在为“已采纳”。",
}


def test_a_suggestion_made_and_adopted(open_journey, demo):
    e = EN
    merchandiser = open_journey("en", name="suggestion-merchandiser")
    merchandiser.start("/").sign_in("merch.wang", demo)
    merchandiser.nav(e["suggestions"])
    merchandiser.click_link(e["make"])
    merchandiser.fill(e["title"], TITLE)
    merchandiser.select(e["topic"], e["logistics"])
    merchandiser.fill(e["suggestion"], "The forwarder asks for it every time; sending it at booking saves a day.")
    merchandiser.click_button(e["submit"])
    expect(merchandiser.message()).to_contain_text(e["thanks"])
    expect(merchandiser.heading()).to_contain_text(TITLE)
    expect(merchandiser.heading()).to_contain_text(e["submitted"])

    z = ZH
    supervisor = open_journey("zh-hans", name="suggestion-supervisor")
    supervisor.start("/").sign_in("sup.zhao", demo)
    supervisor.nav(z["suggestions"])
    supervisor.click_link(TITLE)
    supervisor.fill(z["comment"], "下周例会上讨论。")
    supervisor.click_button(z["mark_reviewed"])
    expect(supervisor.message()).to_contain_text(z["reviewed"])
    supervisor.fill(z["comment"], "采纳：从下周起订舱时附上装箱单。")
    supervisor.click_button(z["adopt"])
    expect(supervisor.message()).to_contain_text(z["adopted"])

    merchandiser.nav(e["suggestions"])
    merchandiser.click_link(TITLE)
    expect(merchandiser.heading()).to_contain_text(e["adopted"])
    merchandiser.see("采纳：从下周起订舱时附上装箱单。")
