"""The T&A plan: generated on entry, warned about before entry, kept by actuals and revisions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from orders.models import Order, OrderEvent, OrderState
from orders.services import order_transition
from production.models import PlanMilestone, PlanTemplate, ProductionPlan, ProductionRun
from production.services import milestone_record_actual, milestone_revise, production_run_save, production_start

from ..conftest import advance
from ..factories import ProductFactory, make_order
from .conftest import entered_order, in_production_order, run_details

pytestmark = pytest.mark.django_db


def test_entering_an_order_generates_its_plan_from_the_default_template(merchandiser):
    order = entered_order(merchandiser, delivery_date=timezone.localdate() + timedelta(days=120))
    plan = ProductionPlan.objects.get(order=order)
    milestones = list(plan.milestones.order_by("sequence"))
    # ProductFactory's product_type is "garment": the garment template, seeded by the data migration.
    assert plan.template.product_type == "garment"
    assert [m.code for m in milestones][0] == "materials_booked"
    assert milestones[-1].code == "ex_factory" and milestones[-1].planned_date == plan.ex_factory_date
    assert plan.ex_factory_date <= order.delivery_date - timedelta(days=plan.transit_days)
    assert not plan.is_compressed
    assert all(a.planned_date <= b.planned_date for a, b in zip(milestones, milestones[1:], strict=False))
    fabric = next(m for m in milestones if m.code == "fabric_in_house")
    assert fabric.depends_on.code == "materials_booked"
    event = OrderEvent.objects.get(order=order, type="stage", payload__action="plan_generated")
    assert event.payload["template"] == "garment"


def test_the_longest_template_governs_a_mixed_order(merchandiser):
    order = make_order(merchandiser=merchandiser, lines=2, delivery_date=timezone.localdate() + timedelta(days=150))
    first, second = order.lines.all()
    second.product = ProductFactory(product_type="home_textile")
    second.save()
    first.product = ProductFactory(product_type="accessory")
    first.save()
    order = advance(order, merchandiser, "confirm", "enter")
    assert order.production_plan.template.product_type == "home_textile"


def test_an_unknown_product_type_uses_the_default_template(merchandiser):
    order = make_order(merchandiser=merchandiser)
    line = order.lines.get()
    line.product = ProductFactory(product_type="furniture")
    line.save()
    order = advance(order, merchandiser, "confirm", "enter")
    assert order.production_plan.template.product_type == "default"


def test_transit_days_come_from_the_template_when_set(merchandiser, settings):
    settings.PRODUCTION_TRANSIT_DAYS = 7
    PlanTemplate.objects.filter(product_type="garment").update(transit_days=30)
    order = entered_order(merchandiser, delivery_date=timezone.localdate() + timedelta(days=150))
    assert order.production_plan.transit_days == 30
    assert order.production_plan.ex_factory_date <= order.delivery_date - timedelta(days=30)


def test_a_close_delivery_date_is_warned_before_entry_and_does_not_block_it(merchandiser, client):
    order = make_order(merchandiser=merchandiser, delivery_date=timezone.localdate() + timedelta(days=20))
    advance(order, merchandiser, "confirm")
    client.force_login(merchandiser)
    # The plan preview is on the production tab; the order opens on its stage's.
    page = client.get(reverse("orders:detail", args=[order.pk]) + "?tab=production").content.decode()
    assert 'id="plan-warning"' in page  # shown while the Enter button is still on the page
    assert "Enter order and assign number" in page
    order = order_transition(order_id=order.pk, name="enter", actor=merchandiser)  # not blocked
    plan = order.production_plan
    assert plan.is_compressed and plan.shortfall_days > 0
    assert plan.milestones.order_by("sequence").first().planned_date >= timezone.localdate()
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Compressed plan" in page


def test_a_comfortable_date_shows_the_plan_preview_without_warning(merchandiser, client):
    order = make_order(merchandiser=merchandiser, delivery_date=timezone.localdate() + timedelta(days=150))
    client.force_login(merchandiser)
    page = client.get(reverse("orders:detail", args=[order.pk]) + "?tab=production").content.decode()
    assert "plan-warning" not in page
    assert "Entering the order creates its T&A plan" in page


# --- production start ---------------------------------------------------------------------------
def test_start_production_is_refused_without_the_run_details(merchandiser):
    order = entered_order(merchandiser)
    with pytest.raises(TransitionRefused) as refused:
        order_transition(order_id=order.pk, name="start_production", actor=merchandiser)
    assert any("factory" in str(r) for r in refused.value.reasons)


def test_production_start_saves_the_run_and_moves_the_order(merchandiser):
    order = entered_order(merchandiser)
    order = production_start(
        order_id=order.pk, actor=merchandiser, details=run_details(), expected_version=order.version
    )
    assert order.status == OrderState.IN_PRODUCTION
    run = ProductionRun.objects.get(order=order)
    assert (run.factory, run.line, run.work_order_ref) == ("Ningbo No. 2 garment factory", "Line 3", "WO-2026-0042")
    actions = list(OrderEvent.objects.filter(order=order, type="stage").values_list("payload__action", flat=True))
    assert "run_recorded" in actions
    assert OrderEvent.objects.filter(order=order, type="transition", payload__transition="start_production").exists()


def test_a_refused_start_leaves_no_run_behind(merchandiser):
    order = entered_order(merchandiser)
    with pytest.raises(Exception):  # noqa: B017 - the stale version refuses it
        production_start(
            order_id=order.pk, actor=merchandiser, details=run_details(), expected_version=order.version - 1
        )
    assert not ProductionRun.objects.filter(order=order).exists()
    assert Order.objects.get(pk=order.pk).status == OrderState.ENTERED


def test_incomplete_run_details_are_refused(merchandiser):
    order = entered_order(merchandiser)
    with pytest.raises(InvalidInput):
        production_run_save(order_id=order.pk, actor=merchandiser, details=run_details(line="  "))


def test_another_teams_merchandiser_cannot_start_production(merchandiser, other_merchandiser):
    order = entered_order(merchandiser)
    with pytest.raises(NotPermitted):
        production_start(order_id=order.pk, actor=other_merchandiser, details=run_details())


def test_the_start_form_on_the_order_page(merchandiser, client):
    order = entered_order(merchandiser)
    client.force_login(merchandiser)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'id="start-production-form"' in page
    response = client.post(
        reverse("production:start", args=[order.pk]),
        {
            "start-factory": "Shaoxing mill",
            "start-line": "L2",
            "start-work_order_ref": "WO-9",
            "start-start_date": timezone.localdate().isoformat(),
            "start-version": order.version,
        },
    )
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).status == OrderState.IN_PRODUCTION


# --- actuals and revisions ---------------------------------------------------------------------------
def test_recording_an_actual_and_a_revision(merchandiser):
    order = in_production_order(merchandiser)
    booked = PlanMilestone.objects.get(plan__order=order, code="materials_booked")
    today = timezone.localdate()
    milestone_record_actual(order_id=order.pk, milestone_id=booked.pk, actor=merchandiser, actual_date=today)
    booked.refresh_from_db()
    assert booked.actual_date == today

    fabric = PlanMilestone.objects.get(plan__order=order, code="fabric_in_house")
    new_date = fabric.planned_date + timedelta(days=3)
    milestone_revise(
        order_id=order.pk, milestone_id=fabric.pk, actor=merchandiser, revised_date=new_date, reason="mill"
    )
    fabric.refresh_from_db()
    assert fabric.revised_date == new_date and fabric.planned_date != new_date  # the baseline stays
    actions = list(OrderEvent.objects.filter(order=order, type="stage").values_list("payload__action", flat=True))
    assert {"milestone_done", "milestone_revised"} <= set(actions)


def test_a_revision_needs_a_reason_and_an_actual_cannot_be_in_the_future(merchandiser):
    order = in_production_order(merchandiser)
    m = PlanMilestone.objects.filter(plan__order=order).first()
    with pytest.raises(InvalidInput):
        milestone_revise(
            order_id=order.pk, milestone_id=m.pk, actor=merchandiser, revised_date=m.planned_date, reason=" "
        )
    with pytest.raises(InvalidInput):
        milestone_record_actual(
            order_id=order.pk,
            milestone_id=m.pk,
            actor=merchandiser,
            actual_date=timezone.localdate() + timedelta(days=1),
        )


def test_a_milestone_of_another_order_is_refused(merchandiser):
    order, other = in_production_order(merchandiser), in_production_order(merchandiser)
    foreign = PlanMilestone.objects.filter(plan__order=other).first()
    with pytest.raises(InvalidInput):
        milestone_record_actual(
            order_id=order.pk, milestone_id=foreign.pk, actor=merchandiser, actual_date=timezone.localdate()
        )


def test_the_plan_panel_draws_the_gantt_chart_without_inline_styles(merchandiser, client):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert '<svg class="gantt"' in page
    assert page.count('class="gantt-planned') == order.production_plan.milestones.count()
    assert "style=" not in page
    assert "<script>" not in page


def test_the_customer_status_page_gets_the_critical_milestones_only(merchandiser):
    from orders import hooks

    order = in_production_order(merchandiser)
    shown = hooks.customer_milestones(order)
    critical = order.production_plan.milestones.filter(is_critical=True).order_by("sequence")
    assert [m["label"] for m in shown] == [m.name for m in critical]
    assert set(shown[0]) == {"label", "planned", "actual", "done"}  # nothing staff-only
