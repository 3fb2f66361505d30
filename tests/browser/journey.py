"""A person walking the product in Chromium: the helpers every journey test uses.

A journey moves the way a person does. It signs in through the sign-in form, clicks visible link and
button labels, fills fields by their labels, and reads what the page shows. Behind each step it also
checks what the person cannot see:
- axe-core (the npm package, installed by scripts/test_tools.sh) audits every distinct page it reaches,
  and a serious or critical violation fails the journey;
- every HTML answer, whole page or htmx fragment, must be `text/html; charset=utf-8`;
- the browser console must stay free of errors.

Set JOURNEY_SCREENSHOTS=1 to keep a screenshot of every step in test-artifacts/journeys/<test>/.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from ..conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "journeys"
KEEP_SCREENSHOTS = os.environ.get("JOURNEY_SCREENSHOTS", "").lower() in ("1", "true", "yes")
HTML = "text/html; charset=utf-8"
# What an answer that is not a page may legitimately be: downloads, feeds, the API, images, assets.
NOT_HTML = re.compile(
    r"^(application/(json|pdf|zip|octet-stream|vnd\.|javascript|problem\+json)|text/(csv|calendar|css|javascript|plain)|image/|font/)"
)
SERIOUS = ("serious", "critical")

# Labels a journey reads, in each UI language.
SIGN_IN = {"en": ("Username", "Password", "Sign in"), "zh-hans": ("用户名", "密码", "登录")}
ORDER_TABS = {"en": "Sections of the order", "zh-hans": "订单的各部分"}  # the order page's tab bar
NEXT_STEP = {"en": "Next step", "zh-hans": "下一步"}  # the order page's next-step card


def axe_source() -> str | None:
    if AXE_JS.exists():
        return AXE_JS.read_text(encoding="utf-8")
    if IN_CI:
        pytest.fail(f"{AXE_JS} is missing under CI: scripts/test_tools.sh installs it (npm ci)")
    return None


@dataclass
class Journey:
    """One person in one browser context. `clicks` counts what they clicked, for the click targets."""

    page: Page
    name: str
    lang: str = "en"
    axe: str | None = None
    clicks: int = 0
    fields_filled: int = 0
    audited: set = field(default_factory=set)
    violations: list = field(default_factory=list)
    wrong_types: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    step_no: int = 0

    def __post_init__(self):
        self.page.on("response", self._check_content_type)
        self.page.on("console", lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    # --- moving -----------------------------------------------------------------------------------------

    def start(self, path: str = "/") -> Journey:
        """Open the start page, or a link the UI itself showed (a status link). Nothing else is typed."""
        self.page.goto(path)
        self.settle()
        return self

    def sign_in(self, username: str, password: str) -> Journey:
        user_label, password_label, button = SIGN_IN[self.lang]
        self.page.get_by_label(user_label, exact=True).fill(username)
        self.page.get_by_label(password_label, exact=True).fill(password)
        return self.click_button(button)

    def click_link(self, name: str | re.Pattern, *, within: Locator | None = None, exact: bool = True) -> Journey:
        scope = within if within is not None else self.page
        return self._click(scope.get_by_role("link", name=name, exact=exact if isinstance(name, str) else None))

    def click_button(self, name: str | re.Pattern, *, within: Locator | None = None, exact: bool = True) -> Journey:
        scope = within if within is not None else self.page
        return self._click(scope.get_by_role("button", name=name, exact=exact if isinstance(name, str) else None))

    def click(self, locator: Locator) -> Journey:
        """Click something found by its visible label another way (a tab, a checkbox's label)."""
        return self._click(locator)

    def _click(self, locator: Locator) -> Journey:
        locator = locator.first if locator.count() > 1 and _all_same_target(locator) else locator
        expect(locator).to_be_visible()
        locator.click()
        self.clicks += 1
        self.settle()
        return self

    def press_enter(self, label: str | re.Pattern, *, within: Locator | None = None, exact: bool = True) -> Journey:
        """Press Enter in a field found by its label. A key that does what a click would counts as a click."""
        scope = within if within is not None else self.page
        scope.get_by_label(label, exact=exact if isinstance(label, str) else None).press("Enter")
        self.clicks += 1
        self.settle()
        return self

    def grid_row(self, number: int) -> Locator:
        """Row `number` of an entry grid (the order lines), found by its row heading."""
        heading = self.page.get_by_role("rowheader", name=str(number), exact=True)
        return self.page.get_by_role("row").filter(has=heading)

    def nav(self, name: str) -> Journey:
        """Follow an item of the main navigation as a person does: on a narrow screen open the menu button
        first, then the item's group when it sits in one (each a click), then the item."""
        self.open_menu()
        menu = self.main_menu()
        link = menu.get_by_role("link", name=name, exact=True)
        if not link.count():  # folded in a closed group: open the group that holds it
            item = self.page.locator(f"a:text-is({json.dumps(name, ensure_ascii=False)})")  # CSS reads no \uXXXX
            group = menu.locator("details.navgroup").filter(has=item)
            self._click(group.locator("summary"))
        return self.click_link(name, within=menu)

    def main_menu(self) -> Locator:
        return self.page.locator("nav#mainnav")

    def menu_groups(self) -> Locator:
        """The top-level entries of the main menu: links and groups."""
        return self.main_menu().locator(":scope > ul > li")

    def open_menu(self) -> None:
        """On a narrow screen the menu is one button: open it when it is closed."""
        button = self.page.locator(".menu-button[aria-controls=mainnav]")
        if button.is_visible() and button.get_attribute("aria-expanded") == "false":
            self._click(button)

    def order_tab(self, name: str) -> Journey:
        """Open a tab of the order page by its label (fetched by htmx; the address takes ?tab=)."""
        return self.click_link(name, within=self.page.get_by_role("navigation", name=ORDER_TABS[self.lang]))

    def next_step(self) -> Locator:
        """The order page's next-step card, named by its heading ("Next step: Start production")."""
        return self.page.get_by_role("region", name=re.compile("^" + re.escape(NEXT_STEP[self.lang])))

    def fill(self, label: str | re.Pattern, value: str, *, within: Locator | None = None, exact: bool = True):
        scope = within if within is not None else self.page
        target = scope.get_by_label(label, exact=exact if isinstance(label, str) else None)
        target.fill(value)
        self.fields_filled += 1
        return self

    def select(self, label: str | re.Pattern, option: str, *, within: Locator | None = None, exact: bool = True):
        scope = within if within is not None else self.page
        target = scope.get_by_label(label, exact=exact if isinstance(label, str) else None)
        target.select_option(label=option)
        self.fields_filled += 1
        return self

    def settle(self) -> None:
        """Wait for navigation and htmx to finish, then audit what is now on screen."""
        self.page.wait_for_load_state("networkidle")
        self.audit()
        if KEEP_SCREENSHOTS:
            self.screenshot()

    # --- seeing -----------------------------------------------------------------------------------------

    def see(self, text: str | re.Pattern, *, within: Locator | None = None) -> Journey:
        scope = within if within is not None else self.page
        expect(scope.get_by_text(text).first).to_be_visible()
        return self

    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    def message(self) -> Locator:
        """The flash message area (role=status), where the result of an action is said."""
        return self.page.get_by_role("status").first

    def screenshot(self, label: str = "") -> Path:
        self.step_no += 1
        folder = ARTIFACTS / self.name
        folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9]+", "-", label or self.page.url.split("//", 1)[-1].split("/", 1)[-1])[:60]
        path = folder / f"{self.step_no:03d}-{slug.strip('-') or 'page'}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    # --- the checks behind every step -------------------------------------------------------------------

    def audit(self, *, force: bool = False) -> None:
        """axe-core over the page as it is now: once per page and heading, or whenever forced."""
        if self.axe is None:
            return
        try:
            key = (self.page.url.split("?", 1)[0], self.heading().first.inner_text(timeout=500))
        except Exception:  # no h1 on this page: the address alone names it
            key = (self.page.url.split("?", 1)[0], "")
        if key in self.audited and not force:
            return
        self.audited.add(key)
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(content=self.axe)
        result = self.page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 160))})); }"
        )
        for violation in result:
            if violation["impact"] in SERIOUS:
                self.violations.append({"url": key[0], "heading": key[1], **violation})

    def _check_content_type(self, response) -> None:
        request = response.request
        is_page = request.resource_type == "document" or (
            request.resource_type in ("xhr", "fetch") and request.headers.get("hx-request") == "true"
        )
        if not is_page or response.status in (204, 301, 302, 303, 304, 307, 308):
            return
        headers = response.headers
        content_type = headers.get("content-type", "")
        if "attachment" in headers.get("content-disposition", "") or NOT_HTML.match(content_type):
            return
        if content_type.replace(" ", "").lower() != HTML.replace(" ", ""):
            self.wrong_types.append((request.method, response.url, response.status, content_type))

    def assert_clean(self) -> None:
        """What the person could not see went right too. Called for every journey at the end."""
        problems = []
        if self.violations:
            problems.append("accessibility (axe-core, serious or critical):\n" + json.dumps(self.violations, indent=1))
        if self.wrong_types:
            problems.append(f"HTML answers with the wrong content type: {self.wrong_types}")
        if self.console_errors:
            problems.append(f"browser console errors: {self.console_errors}")
        assert not problems, f"journey {self.name}:\n" + "\n".join(problems)


def _all_same_target(locator: Locator) -> bool:
    """Two matches that do the same thing (the same link twice on a page) are one choice for a person."""
    hrefs = {locator.nth(i).get_attribute("href") for i in range(locator.count())}
    return len(hrefs) == 1 and None not in hrefs
