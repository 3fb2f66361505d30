"""In a real browser: HR scores a quarter and watches the progress bar fill (htmx polling every second),
adjusts one score with a reason, and finalises the quarter."""

import re
import threading
import time

import pytest
from django.db import connection
from playwright.sync_api import expect

from accounts.roles import Role
from evaluation import services
from evaluation.codes import QuarterStatus, RunStatus
from evaluation.models import EvaluationQuarter, EvaluationRun, ScoreAdjustment, ScoreLine

from ..browser.conftest import (  # noqa: F401 - the shared browser fixtures
    allow_async_unsafe,
    browser_page,
    chromium,
    reference_data,
)
from ..factories import PASSWORD, staff, team_with_people
from .conftest import Q1, build_fixture_quarter, scheme_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()


@pytest.fixture
def slow_worker(monkeypatch):
    """A stand-in for the Celery worker: the job runs in a thread of its own, each step a little slowed
    down so the page has progress to show."""
    started = []
    step = services._step

    def slow_step(run_id, attempt):
        time.sleep(0.4)
        step(run_id, attempt)

    def work(run_id):
        try:
            services.evaluation_score_quarter(run_id=run_id)
        finally:
            connection.close()

    def delay(run_id):
        thread = threading.Thread(target=work, args=(run_id,), daemon=True)
        started.append(thread)
        thread.start()

    monkeypatch.setattr(services, "_step", slow_step)
    monkeypatch.setattr("evaluation.tasks.score_quarter.delay", delay)
    yield started
    for thread in started:
        thread.join(timeout=30)


def test_hr_scores_a_quarter_watches_the_progress_adjusts_a_score_and_finalises(browser_page, slow_worker):  # noqa: F811
    page = browser_page
    team, supervisor, alice = team_with_people(name_en="Team A", name_zh="一组")
    fx = build_fixture_quarter((team, supervisor, alice))
    hr = fx.hr
    services.scheme_create(actor=hr, quarter=Q1, lines=scheme_lines(), note="browser test")
    staff(Role.MANAGEMENT)

    sign_in(page, hr)
    menu = page.get_by_role("navigation", name="Main navigation")
    menu.locator("summary", has_text="Performance").click()  # the menu group that holds Evaluation
    menu.get_by_role("link", name="Evaluation").click()
    expect(page.get_by_role("heading", name="Score a quarter")).to_be_visible()
    page.get_by_label("Quarter", exact=True).select_option("2026Q1")
    page.get_by_role("button", name="Start scoring").click()

    # The quarter page polls the run's progress every second; it rises through intermediate values.
    expect(page).to_have_url(re.compile(r"/evaluation/2026/q1/$"))
    expect(page.get_by_role("status").filter(has_text="Scoring of 2026Q1 has started.")).to_be_visible()
    progress = page.locator("#run-progress")
    seen = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = progress.get_attribute("data-status")
        seen.add(int(progress.locator("progress").get_attribute("value")))
        if status == "done":
            break
        page.wait_for_timeout(200)
    assert progress.get_attribute("data-status") == "done"
    assert any(0 < value < 100 for value in seen), f"no intermediate progress seen: {sorted(seen)}"
    expect(progress).to_contain_text("100 %")
    expect(progress).to_contain_text("3 merchandisers scored")
    assert EvaluationRun.objects.get().status == RunStatus.DONE

    # The results: open Alice's scorecard from the ranking.
    progress.get_by_role("link", name="Show the results").click()
    ranking = page.locator("section.card", has=page.get_by_role("heading", name="Ranking"))
    ranking.get_by_role("link", name=str(alice)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scorecard 2026Q1")
    line = ScoreLine.objects.get(merchandiser=alice, kpi="on_time_delivery")
    row = page.locator(f'tr[data-kpi="{line.kpi}"]')
    expect(row).to_contain_text(str(line.score))  # scored as of today: more deliveries are due than in April

    # Adjust one score: the reason is required.
    row.get_by_text("Adjust On-time delivery rate").click()
    row.get_by_label("New score").fill("90")
    row.get_by_role("button", name="Save adjustment").click()
    assert not ScoreAdjustment.objects.exists()  # the browser refuses a blank reason
    row.get_by_label("Reason").fill("Port strike in Ningbo: force majeure")
    row.get_by_role("button", name="Save adjustment").click()
    expect(page.get_by_role("status")).to_contain_text("The score is adjusted and the reason recorded.")
    adjustments = page.locator("section.card", has=page.get_by_role("heading", name="Adjustments"))
    expect(adjustments).to_contain_text("Port strike in Ningbo: force majeure")
    expect(adjustments).to_contain_text(str(line.score))
    expect(adjustments).to_contain_text("90.00")
    adjustment = ScoreAdjustment.objects.get()
    assert (adjustment.by, adjustment.new_score) == (hr, 90)

    # Finalise (the button asks first), and the quarter is frozen.
    page.get_by_role("link", name="Back to the quarter").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Finalise the quarter").click()
    expect(page.locator("#messages")).to_contain_text("2026Q1 is finalised.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Finalised")
    expect(page.get_by_role("button", name="Score again")).to_have_count(0)
    assert EvaluationQuarter.objects.get().status == QuarterStatus.FINALISED
    page.get_by_role("link", name=str(alice)).click()
    expect(page.get_by_text("Adjust On-time delivery rate")).to_have_count(0)
    assert page.console_errors == []
