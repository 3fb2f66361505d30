"""Playwright (sync API) driving Debian's chromium against pytest-django's live server.

`playwright install` cannot download browsers here, so the system chromium is launched directly. Without
it the browser tests are skipped, except under CI, where a missing browser fails the run.
"""

import importlib
import os
import re
from pathlib import Path

import pytest

from ..conftest import IN_CI

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture can tell at teardown that the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def allow_async_unsafe(monkeypatch):
    """Playwright's sync API runs an asyncio event loop in this thread; Django would otherwise refuse the
    test's own ORM calls (fixtures, assertions) as "async-unsafe". The live server thread is not affected.

    The equivalent of os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true"), but only while a browser
    test runs: set for the whole session it leaks into every subprocess, and `manage.py check --deploy`
    (tests/security) then fails with async.E001.
    """
    if "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def chromium(allow_async_unsafe):
    """Chromium under a Playwright started for this test only.

    While Playwright runs, its event loop counts as "running" in this thread, and Django then keeps
    database connections per async context instead of per thread. The test database's set-up and
    teardown (serialized rollback, flush) must not happen in that state, so Playwright starts after
    them and stops before them: function scope, and the connections opened meanwhile are closed.
    """
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is required under CI for the browser tests, but it is missing")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests skipped outside CI")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


@pytest.fixture
def reference_data(db):
    """Currencies, units and checklist items come from a data migration, and a transactional test's flush
    removes them. tests/conftest.py restores them by serialized rollback; loading them again (idempotent)
    keeps this test independent of that."""
    from django.apps import apps

    importlib.import_module("orders.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def browser_page(request, chromium, live_server, reference_data):
    """A fresh browser context (English, no shared cookies) on the live server. Screenshot on failure."""
    context = chromium.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    page.console_errors = console_errors
    yield page
    failed = any(getattr(getattr(request.node, f"report_{when}", None), "failed", False) for when in ("setup", "call"))
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            print(f"screenshot: {path}")
        except Exception as exc:  # the page may be gone; the test's own failure is what matters
            print(f"no screenshot: {exc}")
    context.close()


@pytest.fixture
def demo(reference_data):
    """The demo data `make run` loads: every role's demo login, orders in every state. Journeys walk it as a
    newcomer would, so a broken demo fails them too."""
    from demo.loader import DEMO_PASSWORD, demo_load

    demo_load()
    return DEMO_PASSWORD


@pytest.fixture
def open_journey(request, chromium, live_server, demo):
    """open_journey(lang="en", viewport=None) -> a Journey in a fresh context (no shared cookies).

    Contexts bypass the CSP only so that axe-core can be injected; the product's own pages are unchanged.
    Every journey opened is checked at the end (accessibility, content types, console), and screenshotted
    on failure.
    """
    from .journey import Journey, axe_source

    axe = axe_source()
    opened = []

    def open_(lang: str = "en", *, viewport: dict | None = None, name: str | None = None) -> Journey:
        context = chromium.new_context(
            base_url=live_server.url,
            locale="zh-CN" if lang.startswith("zh") else "en-US",
            viewport=viewport or {"width": 1280, "height": 900},
            bypass_csp=True,
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        label = name or f"{request.node.name}-{len(opened) + 1}"
        journey = Journey(context.new_page(), name=re.sub(r"[^A-Za-z0-9_.-]+", "-", label), lang=lang, axe=axe)
        opened.append(journey)
        return journey

    yield open_
    failed = any(getattr(getattr(request.node, f"report_{when}", None), "failed", False) for when in ("setup", "call"))
    try:
        for journey in opened:
            if failed:
                ARTIFACTS.mkdir(exist_ok=True)
                try:
                    path = ARTIFACTS / f"{journey.name}.png"
                    journey.page.screenshot(path=str(path), full_page=True)
                    print(f"screenshot: {path}")
                except Exception as exc:  # the page may be gone; the test's own failure is what matters
                    print(f"no screenshot: {exc}")
            else:
                journey.assert_clean()
    finally:
        for journey in opened:
            journey.page.context.close()
