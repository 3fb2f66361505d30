"""The evaluation pages: HR runs, adjusts and finalises; each role sees only what it should; exports."""

from datetime import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from evaluation.codes import RunStatus
from evaluation.models import EvaluationQuarter, EvaluationRun, ScoreAdjustment, Scorecard, ScoreLine

from ..factories import staff, team_with_people
from .conftest import SCORED_AT, now_is

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(fixture_quarter, test_scheme, client, django_capture_on_commit_callbacks):
    client.force_login(fixture_quarter.hr)
    with now_is(SCORED_AT), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:run_start"), {"quarter": "2026Q1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:quarter_detail", args=[2026, 1])
    return fixture_quarter


def card_of(person):
    return Scorecard.objects.get(merchandiser=person)


def test_hr_runs_sees_progress_adjusts_and_finalises(scored, client):
    fx = scored
    run = EvaluationRun.objects.get()
    assert run.status == RunStatus.DONE
    page = client.get(reverse("evaluation:quarter_detail", args=[2026, 1]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="run-progress"' in body and "100 %" in body
    assert "every 1s" not in body  # finished: no more polling
    progress = client.get(reverse("evaluation:run_progress", args=[run.pk]))
    assert progress.status_code == 200 and b"<progress" in progress.content

    line = ScoreLine.objects.get(merchandiser=fx.alice, kpi="on_time_delivery")
    missing_reason = client.post(reverse("evaluation:adjust", args=[line.pk]), {"new_score": "90", "reason": ""})
    assert missing_reason.status_code == 302
    assert not ScoreAdjustment.objects.exists()
    client.post(reverse("evaluation:adjust", args=[line.pk]), {"new_score": "90", "reason": "Port strike"})
    assert ScoreAdjustment.objects.get().reason == "Port strike"

    with now_is(SCORED_AT):
        client.post(reverse("evaluation:finalise", args=[2026, 1]))
    assert EvaluationQuarter.objects.get().status == "finalised"
    page = client.get(reverse("evaluation:scorecard", args=[card_of(fx.alice).pk])).content.decode()
    assert "Port strike" in page and "Save adjustment" not in page


def test_a_running_run_polls_every_second(scored, client):
    run = EvaluationRun.objects.get()
    EvaluationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, done=3, total=12)
    body = client.get(reverse("evaluation:run_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'value="25"' in body


def test_drilldown_page_lists_the_orders(scored, client):
    fx = scored
    card = card_of(fx.alice)
    page = client.get(reverse("evaluation:drilldown", args=[card.pk, "order_accuracy"]))
    assert page.status_code == 200
    body = page.content.decode()
    for key in ("a1", "a2", "a3", "a9"):
        assert reverse("orders:detail", args=[fx.orders[key].pk]) in body
    assert reverse("orders:detail", args=[fx.orders["a4"].pk]) not in body
    assert client.get(reverse("evaluation:drilldown", args=[card.pk, "nonsense"])).status_code == 404


def test_drilldown_states_the_parameter_its_formula_names(scored, client):
    """The formula reads "confirmed within N working hours", and the page never said what N was."""
    card = card_of(scored.alice)
    body = client.get(reverse("evaluation:drilldown", args=[card.pk, "confirmation_time"])).content.decode()
    assert "<dt>N: working hours allowed</dt><dd>8</dd>" in body
    body = client.get(reverse("evaluation:drilldown", args=[card.pk, "violations"])).content.decode()
    assert "<dt>Points off per violation</dt><dd>20</dd>" in body
    body = client.get(reverse("evaluation:drilldown", args=[card.pk, "order_accuracy"])).content.decode()
    assert "working hours allowed" not in body and "Points off" not in body


def test_exports(scored, client):
    fx = scored
    card = card_of(fx.alice)
    xlsx = client.get(reverse("evaluation:scorecard_xlsx", args=[card.pk]))
    assert xlsx.status_code == 200
    sheet = load_workbook(BytesIO(xlsx.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert 64.0 in values
    pdf = client.get(reverse("evaluation:scorecard_pdf", args=[card.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert b"STSong-Light" in pdf.content
    quarter = client.get(reverse("evaluation:quarter_export", args=[2026, 1]))
    book = load_workbook(BytesIO(quarter.content))
    assert book.worksheets[0].max_row == 4  # header + 3 people
    assert book.worksheets[1].max_row == 1 + 3 * 12


def test_a_scorecard_export_holds_the_adjustment_time_as_a_local_excel_time(scored, client):
    # Adjusted at 02:00 on 1 April in Shanghai: 18:00 on 31 March in UTC.
    line = ScoreLine.objects.get(merchandiser=scored.alice, kpi="on_time_delivery")
    with now_is(SCORED_AT):
        client.post(reverse("evaluation:adjust", args=[line.pk]), {"new_score": "90", "reason": "Port strike"})

    xlsx = client.get(reverse("evaluation:scorecard_xlsx", args=[card_of(scored.alice).pk]))
    sheet = load_workbook(BytesIO(xlsx.content)).active
    row = next(r for r in sheet.iter_rows() if r[5].value == "Port strike")

    assert row[2].value == datetime(2026, 4, 1, 2, 0)  # a real date and time, the company's wall clock
    assert row[2].is_date and "h" in row[2].number_format


def test_the_quarter_export_is_in_the_readers_language(scored, client):
    scored.hr.preferred_language = "zh-hans"
    scored.hr.save(update_fields=["preferred_language"])

    quarter = client.get(reverse("evaluation:quarter_export", args=[2026, 1]))
    kpis = load_workbook(BytesIO(quarter.content)).worksheets[1]
    header = [cell.value for cell in kpis[1]]

    assert header[:4] == ["跟单员", "KPI", "权重", "分子"]
    assert "调整后得分" in header and "加权得分" in header and "是否适用" in header
    assert not {"Numerator", "Denominator", "Adjusted score", "Weighted points", "Applies"} & set(header)


def test_each_role_sees_only_what_it_should(scored, client):
    fx = scored
    alice_card, bob_card = card_of(fx.alice), card_of(fx.bob)
    _team_b, other_supervisor, other_merchandiser = team_with_people(name_en="Team B", name_zh="二组")
    qa, management = staff(Role.QA), staff(Role.MANAGEMENT)
    url = reverse("evaluation:scorecard", args=[alice_card.pk])
    quarter = reverse("evaluation:quarter_detail", args=[2026, 1])

    def status(user, path):
        client.force_login(user)
        return client.get(path).status_code

    # Draft: the supervisor of the team and HR/management see it; the person not yet; others never.
    assert status(fx.supervisor, url) == 200
    assert status(management, url) == 200
    assert status(fx.alice, url) == 404
    assert status(other_supervisor, url) == 404
    assert status(other_merchandiser, url) == 404
    assert status(qa, url) == 403
    assert status(qa, quarter) == 403
    assert status(fx.alice, quarter) == 403
    # The other team's supervisor sees the quarter, but none of team A's scorecards.
    client.force_login(other_supervisor)
    assert fx.alice.get_username() not in client.get(quarter).content.decode()
    # Management reads, never writes.
    line = ScoreLine.objects.filter(scorecard=alice_card).first()
    client.force_login(management)
    assert client.post(reverse("evaluation:adjust", args=[line.pk]), {"new_score": 1, "reason": "x"}).status_code == 403
    assert client.post(reverse("evaluation:finalise", args=[2026, 1])).status_code == 403

    client.force_login(fx.hr)
    with now_is(SCORED_AT):
        client.post(reverse("evaluation:finalise", args=[2026, 1]))
    # Final: the person sees their own, and only their own.
    assert status(fx.alice, url) == 200
    assert status(fx.alice, reverse("evaluation:scorecard", args=[bob_card.pk])) == 404
    assert status(fx.bob, url) == 404
    client.force_login(fx.alice)
    mine = client.get(reverse("evaluation:my_scorecards")).content.decode()
    assert url in mine and reverse("evaluation:scorecard", args=[bob_card.pk]) not in mine


def test_merchandiser_acknowledges_or_appeals_and_hr_answers(scored, client):
    fx = scored
    client.force_login(fx.hr)
    with now_is(SCORED_AT):
        client.post(reverse("evaluation:finalise", args=[2026, 1]))
    alice_card = card_of(fx.alice)
    client.force_login(fx.alice)
    client.post(
        reverse("evaluation:appeal", args=[alice_card.pk]), {"reason": "The late shipment was the customer's hold."}
    )
    appeal = alice_card.appeals.get()
    assert appeal.status == "open"
    refused = client.post(reverse("evaluation:acknowledge", args=[alice_card.pk]))
    assert refused.status_code == 302
    alice_card.refresh_from_db()
    assert alice_card.acknowledged_at is None

    client.force_login(fx.hr)
    client.post(
        reverse("evaluation:appeal_answer", args=[appeal.pk]), {"decision": "rejected", "answer": "The hold was ours."}
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.answered_by) == ("rejected", fx.hr)
    client.post(
        reverse("evaluation:outcome", args=[alice_card.pk]),
        {"kind": "warning", "reason": "Record missing", "violations": [fx.violation.pk]},
    )
    outcome = alice_card.outcomes.get()
    assert list(outcome.violations.all()) == [fx.violation]

    client.force_login(fx.alice)
    client.post(reverse("evaluation:acknowledge", args=[alice_card.pk]))
    alice_card.refresh_from_db()
    assert alice_card.acknowledged_at is not None
    # Bob may not act on Alice's scorecard.
    client.force_login(fx.bob)
    assert client.post(reverse("evaluation:appeal", args=[alice_card.pk]), {"reason": "x"}).status_code == 404


def test_supervisor_comments_on_the_team_scorecard(scored, client):
    fx = scored
    client.force_login(fx.supervisor)
    card = card_of(fx.alice)
    client.post(reverse("evaluation:comment", args=[card.pk]), {"body": "Good follow-up, slow confirmations."})
    assert card.comments.get().author == fx.supervisor
    page = client.get(reverse("evaluation:scorecard", args=[card.pk])).content.decode()
    assert "slow confirmations" in page


def test_hr_saves_a_scheme_in_the_app_with_validation(client, hr_user):
    client.force_login(hr_user)
    form = client.get(reverse("evaluation:scheme_new"))
    assert form.status_code == 200
    data = {"quarter": "2026Q2", "note": "more weight on delivery"}
    from evaluation.kpis import KPIS

    for k in KPIS:
        data.update(
            {
                f"{k.code}__weight": k.default.weight,
                f"{k.code}__target": k.default.target,
                f"{k.code}__floor": k.default.floor,
                f"{k.code}__rule": k.default.rule,
                f"{k.code}__param": k.default.param if k.default.param is not None else "",
            }
        )
    bad = {**data, "on_time_delivery__weight": 30}
    with now_is(SCORED_AT):
        refused = client.post(reverse("evaluation:scheme_new"), bad)
        assert refused.status_code == 422
        assert "add up to 115" in refused.content.decode(), refused.context["form"].errors
        saved = client.post(reverse("evaluation:scheme_new"), data)
    assert saved.status_code == 302
    from evaluation.models import KpiScheme

    assert KpiScheme.objects.get().note == "more weight on delivery"


@pytest.mark.parametrize("saved_scheme", [True, False], ids=["saved-scheme", "built-in-defaults"])
def test_the_scheme_page_names_categories_and_rules_in_the_reader_s_language(client, hr_user, saved_scheme):
    """The category and rule were printed as their codes ("accuracy"|capfirst, "linear"): English words on
    the Chinese page, and "Satisfaction" for "Customer satisfaction" on the English one."""
    from evaluation.quarters import Quarter
    from evaluation.services import default_scheme_lines, scheme_create

    if saved_scheme:
        scheme_create(actor=hr_user, quarter=Quarter.current(), lines=default_scheme_lines(), note="v1")
    hr_user.preferred_language = "zh-hans"
    hr_user.save(update_fields=["preferred_language"])
    client.force_login(hr_user)
    page = client.get(reverse("evaluation:scheme")).content.decode()
    for label in ("及时性", "准确性", "客户满意度", "纪律"):
        assert label in page
    for code in ("Timeliness", "Accuracy", "Satisfaction", "Discipline", ">linear<", ">deduction<"):
        assert code not in page


@pytest.mark.parametrize("with_scheme", [False, True])
def test_the_scheme_page_shows_categories_and_rules_by_label(client, hr_user, with_scheme, request):
    if with_scheme:
        request.getfixturevalue("test_scheme")
    hr_user.preferred_language = "zh-hans"
    hr_user.save(update_fields=["preferred_language"])
    client.force_login(hr_user)

    body = client.get(reverse("evaluation:scheme")).content.decode()

    if with_scheme:
        assert "及时性" in body and "Timeliness" not in body and "imeliness<" not in body
    else:
        assert "在下限与目标之间线性计分" in body and ">linear<" not in body
