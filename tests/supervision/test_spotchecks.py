"""QA spot checks: a reproducible and fair random sample, suggested pass/fail from the records, scoring,
findings that the merchandiser acknowledges and closes with evidence."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from supervision.models import FindingStatus, SpotCheckItem, SpotCheckRule, SpotCheckSample
from supervision.selectors import sample_sizes, spot_check_results_by_merchandiser, spot_check_suggestions
from supervision.services.spotchecks import (
    finding_acknowledge,
    finding_close,
    finding_raise,
    sample_draw,
    spot_check_draw_sample,
    spot_check_plan_create,
    spot_check_score,
    spot_check_verify,
)

from ..conftest import advance
from ..factories import make_order

pytestmark = pytest.mark.django_db

# Chi-square critical value for 19 degrees of freedom (20 orders) at p = 0.001 (scipy.stats.chi2.ppf(0.999, 19)).
CHI2_CRITICAL_DF19_P001 = 43.820


def _plan(qa, **overrides):
    today = timezone.localdate()
    values = {
        "name": "November check",
        "period_start": today - timedelta(days=30),
        "period_end": today,
        "sample_mode": "count",
        "sample_size": 2,
    }
    return spot_check_plan_create(actor=qa, **{**values, **overrides})


# --- the draw -------------------------------------------------------------------------------------------
def test_the_same_seed_and_population_give_the_same_sample():
    strata = [{"merchandiser": 7, "stratum": "", "order_ids": list(range(100, 160))}]
    first = sample_draw(seed="a1b2c3", strata=strata, sizes=[6])
    assert first == sample_draw(seed="a1b2c3", strata=strata, sizes=[6])
    assert first != sample_draw(seed="a1b2c4", strata=strata, sizes=[6])
    assert len(set(first[0])) == 6 and set(first[0]) <= set(range(100, 160))


def test_selection_is_uniform_over_many_draws():
    """Each of 20 orders, drawn 5 at a time with 4 000 different seeds, is picked about 1 000 times. The
    chi-square statistic of the counts against that expectation stays below the critical value for
    19 degrees of freedom at p = 0.001."""
    population = list(range(1, 21))
    strata = [{"merchandiser": 1, "stratum": "", "order_ids": population}]
    draws, k = 4000, 5
    seeds = random.Random(42).sample(range(10**9), draws)  # fixed, so the test is deterministic
    counts = Counter()
    for seed in seeds:
        counts.update(sample_draw(seed=str(seed), strata=strata, sizes=[k])[0])
    expected = draws * k / len(population)
    chi2 = sum((counts[order_id] - expected) ** 2 / expected for order_id in population)
    assert chi2 < CHI2_CRITICAL_DF19_P001, (chi2, counts)


def test_sample_sizes_count_percent_and_strata():
    strata = [
        {"merchandiser": 1, "stratum": "entered", "order_ids": [1, 2, 3, 4, 5, 6]},
        {"merchandiser": 1, "stratum": "received", "order_ids": [7, 8]},
        {"merchandiser": 2, "stratum": "received", "order_ids": [9]},
    ]
    assert sample_sizes(strata=strata, mode="count", size=4) == [3, 1, 1]  # per person, in proportion
    assert sample_sizes(strata=strata, mode="percent", size=25) == [2, 1, 1]  # rounded up per stratum
    assert sample_sizes(strata=strata, mode="count", size=50) == [6, 2, 1]  # never more than there are


def test_draw_stores_seed_and_population_and_verify_redraws_the_same(qa_user, merchandiser, other_merchandiser):
    orders = [make_order(merchandiser=merchandiser) for _ in range(5)]
    others = [make_order(merchandiser=other_merchandiser) for _ in range(3)]
    plan = spot_check_draw_sample(plan_id=_plan(qa_user).pk, actor=qa_user, seed="seed-1")

    assert plan.status == "drawn" and plan.seed == "seed-1"
    strata = {s["merchandiser"]: s["order_ids"] for s in plan.population["strata"]}
    assert strata[merchandiser.pk] == sorted(o.pk for o in orders)
    assert strata[other_merchandiser.pk] == sorted(o.pk for o in others)
    drawn = Counter(plan.samples.values_list("merchandiser_id", flat=True))
    assert drawn == {merchandiser.pk: 2, other_merchandiser.pk: 2}
    assert spot_check_verify(plan_id=plan.pk, actor=qa_user).matches
    # a second plan with the same seed over the same population draws the same orders
    again = spot_check_draw_sample(plan_id=_plan(qa_user).pk, actor=qa_user, seed="seed-1")
    assert set(again.samples.values_list("order_id", flat=True)) == set(plan.samples.values_list("order_id", flat=True))
    # tampering with the stored sample is detected
    sample = plan.samples.first()
    unsampled = next(o for o in orders if not plan.samples.filter(order=o).exists())
    SpotCheckSample.objects.filter(pk=sample.pk).update(order=unsampled, merchandiser=merchandiser)
    assert not spot_check_verify(plan_id=plan.pk, actor=qa_user).matches


def test_a_plan_is_drawn_once(qa_user, merchandiser):
    make_order(merchandiser=merchandiser)
    plan = spot_check_draw_sample(plan_id=_plan(qa_user).pk, actor=qa_user)
    assert plan.seed  # a fresh random one
    with pytest.raises(TransitionRefused):
        spot_check_draw_sample(plan_id=plan.pk, actor=qa_user)


def test_stratified_percentage_draws_from_each_stage(qa_user, merchandiser):
    received = [make_order(merchandiser=merchandiser) for _ in range(4)]
    confirmed = [advance(make_order(merchandiser=merchandiser), merchandiser, "confirm") for _ in range(4)]
    plan = _plan(qa_user, sample_mode="percent", sample_size=50, stratify_by_stage=True)
    plan = spot_check_draw_sample(plan_id=plan.pk, actor=qa_user)
    assert Counter(plan.samples.values_list("stratum", flat=True)) == {"received": 2, "confirmed": 2}
    assert set(plan.samples.filter(stratum="received").values_list("order_id", flat=True)) <= {o.pk for o in received}
    assert set(plan.samples.filter(stratum="confirmed").values_list("order_id", flat=True)) <= {o.pk for o in confirmed}


def test_only_qa_plans_and_draws(merchandiser, supervisor):
    for person in (merchandiser, supervisor):
        with pytest.raises(NotPermitted):
            _plan(person)


# --- scoring and findings -------------------------------------------------------------------------------
def test_suggestions_come_from_the_records(merchandiser):
    fresh = make_order(merchandiser=merchandiser)
    suggested = spot_check_suggestions(order=fresh)
    assert suggested[SpotCheckRule.CONFIRMATION_EXISTS] is None  # not confirmed yet: not applicable
    confirmed = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")
    suggested = spot_check_suggestions(order=confirmed)
    assert suggested[SpotCheckRule.CONFIRMATION_EXISTS] is True
    assert suggested[SpotCheckRule.CHECKLIST_BEFORE_CONFIRMATION] is True
    assert suggested[SpotCheckRule.CHECKINS_ON_TIME] is None  # no check-ins
    assert suggested[SpotCheckRule.CUSTOMER_NOTIFIED_ON_SHIPMENT] is None  # nothing shipped


def _scored_sample(qa, merchandiser, *, fail_code="records_complete"):
    make_order(merchandiser=merchandiser)
    plan = spot_check_draw_sample(plan_id=_plan(qa, sample_size=1).pk, actor=qa)
    sample = plan.samples.get()
    items = SpotCheckItem.objects.filter(active=True)
    results = {
        item.pk: (item.code != fail_code, "no delay notice on file" if item.code == fail_code else "") for item in items
    }
    spot_check_score(sample_id=sample.pk, actor=qa, results=results)
    return sample, sample.results.get(item__code=fail_code)


def test_scoring_records_every_item_and_a_line_on_the_orders_record(qa_user, merchandiser):
    sample, failed = _scored_sample(qa_user, merchandiser)
    sample.refresh_from_db()
    assert sample.scored_at is not None and sample.scored_by == qa_user
    assert sample.results.count() == SpotCheckItem.objects.filter(active=True).count()
    assert not failed.passed
    assert sample.order.events.filter(type="stage", payload__action="spot_checked").exists()
    rows = spot_check_results_by_merchandiser(start=timezone.localdate(), end=timezone.localdate())
    assert [(r["merchandiser_id"], r["samples"], r["items"] - r["passed"]) for r in rows] == [(merchandiser.pk, 1, 1)]


def test_scoring_needs_every_item(qa_user, merchandiser):
    make_order(merchandiser=merchandiser)
    plan = spot_check_draw_sample(plan_id=_plan(qa_user, sample_size=1).pk, actor=qa_user)
    with pytest.raises(InvalidInput):
        spot_check_score(sample_id=plan.samples.get().pk, actor=qa_user, results={})


def test_a_finding_goes_open_acknowledged_closed_by_its_merchandiser(qa_user, merchandiser, second_merchandiser):
    sample, failed = _scored_sample(qa_user, merchandiser)
    finding = finding_raise(
        result_id=failed.pk,
        actor=qa_user,
        severity="major",
        corrective_action="Send the delay notice and file it.",
        due_date=timezone.localdate() + timedelta(days=5),
    )
    assert finding.merchandiser == merchandiser and finding.status == FindingStatus.OPEN
    with pytest.raises(TransitionRefused):
        finding_raise(
            result_id=failed.pk, actor=qa_user, severity="minor", corrective_action="x", due_date=timezone.localdate()
        )
    with pytest.raises(NotPermitted):
        finding_acknowledge(finding_id=finding.pk, actor=second_merchandiser)
    with pytest.raises(TransitionRefused):
        finding_close(finding_id=finding.pk, actor=merchandiser, evidence="done")
    finding_acknowledge(finding_id=finding.pk, actor=merchandiser)
    with pytest.raises(InvalidInput):
        finding_close(finding_id=finding.pk, actor=merchandiser, evidence="  ")
    proof = SimpleUploadedFile("notice.pdf", b"%PDF-1.4 notice", content_type="application/pdf")
    finding = finding_close(finding_id=finding.pk, actor=merchandiser, evidence="Notice sent 3 Nov.", uploaded=proof)
    assert finding.status == FindingStatus.CLOSED and finding.closed_at and finding.evidence_name == "notice.pdf"


def test_a_passed_item_is_no_finding(qa_user, merchandiser):
    sample, _failed = _scored_sample(qa_user, merchandiser)
    passed = sample.results.filter(passed=True).first()
    with pytest.raises(TransitionRefused):
        finding_raise(
            result_id=passed.pk,
            actor=qa_user,
            severity="minor",
            corrective_action="x",
            due_date=timezone.localdate() + timedelta(days=1),
        )


def test_evidence_file_is_served_only_to_those_who_see_the_finding(client, qa_user, merchandiser, other_merchandiser):
    _sample, failed = _scored_sample(qa_user, merchandiser)
    finding = finding_raise(
        result_id=failed.pk,
        actor=qa_user,
        severity="minor",
        corrective_action="File it.",
        due_date=timezone.localdate() + timedelta(days=5),
    )
    finding_acknowledge(finding_id=finding.pk, actor=merchandiser)
    proof = SimpleUploadedFile("notice.pdf", b"%PDF-1.4 notice", content_type="application/pdf")
    finding_close(finding_id=finding.pk, actor=merchandiser, evidence="Filed.", uploaded=proof)
    url = f"/supervision/findings/{finding.pk}/evidence/"
    client.force_login(qa_user)
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    client.force_login(other_merchandiser)
    assert client.get(url).status_code == 404


def test_the_plan_page_shows_the_population_by_names_and_stages_not_ids(client, qa_user, merchandiser):
    from django.urls import reverse

    from ..factories import CustomerFactory

    zephyr = CustomerFactory(name_en="Zephyr Textiles", name_zh="泽风纺织")
    draft = make_order(merchandiser=merchandiser, customer=zephyr, customer_po="ZT-5")
    entered = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm", "enter")
    plan = _plan(qa_user, sample_mode="percent", sample_size=100, stratify_by_stage=True)
    spot_check_draw_sample(plan_id=plan.pk, actor=qa_user)
    qa_user.preferred_language = "zh-hans"
    qa_user.save(update_fields=["preferred_language"])
    client.force_login(qa_user)

    page = client.get(reverse("supervision:plan_detail", args=[plan.pk])).content.decode()
    population = page.split("</dl>")[0].split("抽样总体")[-1]

    assert f"{merchandiser} · 已录入: 1" in population and f"{merchandiser} · 已接收: 1" in population
    assert "草稿：泽风纺织 PO ZT-5" in population and entered.number in population
    assert f"#{merchandiser.pk}" not in population and f">{draft.pk}," not in population
    samples = page.split('id="samples"')[1]
    assert "已录入" in samples and ">entered<" not in samples


def test_each_note_on_the_score_page_is_named_by_its_item(client, qa_user, merchandiser):
    from django.urls import reverse

    make_order(merchandiser=merchandiser)
    plan = spot_check_draw_sample(plan_id=_plan(qa_user).pk, actor=qa_user)
    client.force_login(qa_user)

    page = client.get(reverse("supervision:sample_score", args=[plan.samples.get().pk])).content.decode()

    for item in SpotCheckItem.objects.filter(active=True):
        assert f'aria-label="Note: {item.label_en}"' in page
