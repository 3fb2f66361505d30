"""One date rule for every input (issue 19, item 5), and pages that never fail on a stored date at the edge
of the calendar."""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.dates import EARLIEST, latest
from orders.models import Order

from ..logistics.helpers import after_sales_order, fresh, in_production_order
from .conftest import client_for
from .test_fuzz_forms import valid_submission

STAFF = ("merchandiser", "supervisor", "qa", "hr", "management")
EDGES = [date.max, date.min, date(9999, 12, 25)]


def store_delivery_date(order, value: date) -> None:
    """Put a date in the database directly, as an older release or another system might have."""
    Order.objects.filter(pk=order.pk).update(delivery_date=value)


@pytest.mark.django_db
@pytest.mark.parametrize("edge", EDGES, ids=str)
def test_an_order_at_the_edge_of_the_calendar_renders_for_every_staff_role(world, edge):
    store_delivery_date(world.order, edge)
    for role in STAFF:
        response = client_for(world, role).get(reverse("orders:detail", args=[world.order.pk]))
        assert response.status_code == 200, role
        assert edge.isoformat() in response.content.decode() or edge.strftime("%Y") in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("stage", ["in_production", "after_sales"])
@pytest.mark.parametrize("edge", [date.max, date.min], ids=str)
def test_later_stages_at_the_edge_of_the_calendar_render(world, stage, edge):
    merchandiser = world.users["merchandiser"]
    order = in_production_order(merchandiser) if stage == "in_production" else after_sales_order(merchandiser)
    store_delivery_date(order, edge)
    for role in ("merchandiser", "supervisor"):
        client = client_for(world, role)
        response = client.get(reverse("orders:detail", args=[order.pk]))
        assert response.status_code == 200, role
        for key in ("plan", "production", "shipments", "aftersales", "notifications", "checklist"):
            assert client.get(reverse("orders:section", args=[order.pk, key])).status_code in (200, 404), key
    assert fresh(order).delivery_date == edge


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["9999-12-31", "2999-01-01", "1999-12-31", "0001-01-01"])
def test_the_api_refuses_a_delivery_date_outside_the_rule_with_its_json_error(world, value):
    body = valid_submission(world) | {"delivery_date": value}
    response = client_for(world, "customer_api").post(
        "/api/v1/orders", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"far-{value}"
    )
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid_input"
    assert [e["field"] for e in error["errors"]] == ["delivery_date"]
    assert not Order.objects.filter(customer_po="PO-FUZZ-1").exists()


# --- every input keeps the one rule ---------------------------------------------------------------------

FAR = date(2999, 1, 1)


def project_forms() -> list[type]:
    """Every form class of our apps, found by importing their forms modules."""
    import importlib

    from django import forms

    for app in ("orders", "production", "logistics", "aftersales", "supervision", "evaluation"):
        try:
            importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
    found, todo = [], [forms.Form, forms.ModelForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in OUR_APPS:
            found.append(cls)
    return found


OUR_APPS = {
    "accounts",
    "workcalendar",
    "orders",
    "production",
    "logistics",
    "aftersales",
    "supervision",
    "evaluation",
    "dashboards",
}


def date_fields(fields) -> list[tuple[str, object]]:
    from django import forms

    kinds = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)
    return [(name, field) for name, field in fields.items() if isinstance(field, kinds)]


def test_every_date_field_of_every_form_keeps_the_date_rule():
    from core.dates import validate_date_rule

    checked = []
    for form in project_forms():
        for name, field in date_fields(form.base_fields):
            checked.append(f"{form.__name__}.{name}")
            assert validate_date_rule in field.validators, f"{form.__module__}.{form.__name__}.{name}"
    assert "OrderHeaderForm.delivery_date" in checked and "DelayForm.new_date" in checked


@pytest.mark.django_db
def test_every_date_field_of_the_admin_keeps_the_date_rule(rf):
    from django.contrib import admin

    from core.dates import validate_date_rule

    from .conftest import make_superuser

    request = rf.get("/admin/")
    request.user = make_superuser()
    checked, missing = [], []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue  # a library's own admin (OTP devices, axes): superuser only, not our input
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue  # read only: its form never saves
        for form in [model_admin.get_form(request)] + [
            formset.form for formset, _inline in model_admin.get_formsets_with_inlines(request)
        ]:
            for name, field in date_fields(form.base_fields):
                checked.append(f"{model._meta.label}.{name}")
                if validate_date_rule not in field.validators:
                    missing.append(f"{model._meta.label}.{name}")
    assert not missing, f"add core.dates.DateRuleAdminMixin to the admin of {missing}"
    assert "workcalendar.CalendarDay.date" in checked


@pytest.mark.django_db
def test_the_admin_refuses_a_calendar_day_in_the_year_2999(client):
    from workcalendar.models import CalendarDay

    from .conftest import make_superuser

    client.force_login(make_superuser())
    before = CalendarDay.objects.count()  # 2026 ships with the install
    response = client.post(
        reverse("admin:workcalendar_calendarday_add"), {"date": FAR.isoformat(), "name": "Far", "kind": "holiday"}
    )
    assert response.status_code == 200
    assert "more than five years away" in response.content.decode()
    assert CalendarDay.objects.count() == before


@pytest.mark.django_db
def test_the_services_refuse_a_date_outside_the_rule_whoever_calls_them(world):
    from core.errors import InvalidInput
    from orders.services import PromiseReason, order_edit, promise_propose

    from ..factories import make_order

    merchandiser = world.users["merchandiser"]
    with pytest.raises(InvalidInput) as refused:
        make_order(merchandiser=merchandiser, delivery_date=FAR)
    assert "more than five years away" in str(refused.value.reasons)
    with pytest.raises(InvalidInput):
        order_edit(
            order_id=world.order.pk,
            actor=merchandiser,
            expected_version=world.order.version,
            header={"delivery_date": FAR},
        )
    assert Order.objects.get(pk=world.order.pk).delivery_date == world.order.delivery_date
    running = in_production_order(merchandiser)
    with pytest.raises(InvalidInput):
        promise_propose(
            order_id=running.pk, actor=merchandiser, new_date=FAR, reason=PromiseReason("other", "其他", "Other")
        )
    assert fresh(running).delivery_date == running.delivery_date


@pytest.mark.django_db
def test_a_spreadsheet_row_in_the_year_2999_is_an_error_of_its_cell(world):
    from django.core.files.base import ContentFile

    from orders.services.spreadsheet_import import spreadsheet_parse

    line = world.order.lines.select_related("unit").first()
    header = "customer_code,customer_po,delivery_date,currency,description,quantity,unit,unit_price\n"
    row = f"{world.customer.code},PO-FAR,{FAR.isoformat()},USD,Shirt,10,{line.unit.code},1.5\n"
    preview = spreadsheet_parse(ContentFile((header + row).encode(), name="far.csv"))
    assert not preview.ok
    assert [(e.field, "five years" in str(e.message)) for e in preview.errors] == [("delivery_date", True)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("2999-01-01,Far\n", "Line 1"),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:99991231\nSUMMARY:Edge\nEND:VEVENT\nEND:VCALENDAR\n",
            "Edge",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:99991231\nSUMMARY:Long\n"
            "END:VEVENT\nEND:VCALENDAR\n",
            "Long",
        ),
    ],
    ids=["csv", "ics-edge", "ics-centuries"],
)
def test_a_calendar_file_with_dates_outside_the_rule_imports_nothing(text, found):
    from workcalendar.calendar_import import calendar_import
    from workcalendar.models import CalendarDay

    before = CalendarDay.objects.count()  # 2026 ships with the install
    result = calendar_import(text=text)
    assert any(found in error and "five years" in error for error in result.errors), result.errors
    assert CalendarDay.objects.count() == before


@pytest.mark.django_db
def test_the_web_forms_refuse_far_dates_with_a_form_error(world):
    merchandiser = world.users["merchandiser"]
    client = client_for(world, "merchandiser")
    order = world.order
    response = client.post(
        reverse("orders:edit", args=[order.pk]),
        {"version": order.version, "delivery_date": FAR.isoformat(), "customer_po": order.customer_po},
    )
    assert response.status_code in (200, 400)
    assert "more than five years away" in response.content.decode()
    assert Order.objects.get(pk=order.pk).delivery_date == order.delivery_date
    assert merchandiser.pk == order.merchandiser_id


@pytest.mark.django_db
@pytest.mark.parametrize("edge", [date.max, date.min], ids=str)
def test_an_order_entered_with_a_stored_edge_date_gets_a_plan_and_its_pages_and_jobs_run(world, edge):
    from production import tasks

    from ..conftest import advance

    merchandiser = world.users["merchandiser"]
    store_delivery_date(world.order, edge)
    order = advance(fresh(world.order), merchandiser, "confirm", "enter")
    tasks.refresh_flags()
    tasks.create_daily_checkins()
    pages = {
        "merchandiser": [
            reverse("orders:detail", args=[order.pk]),
            reverse("orders:section", args=[order.pk, "plan"]),
            reverse("production:my_checkins"),
            reverse("dashboards:merchandiser"),
            reverse("orders:list"),
        ],
        "supervisor": [reverse("orders:detail", args=[order.pk]), reverse("production:board")],
        "management": [reverse("dashboards:management")],
    }
    for role, urls in pages.items():
        client = client_for(world, role)
        for url in urls:
            assert client.get(url).status_code in (200, 404), f"{role} {url}"


# --- fuzzing: dates across the whole calendar -------------------------------------------------------------

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
NEAR = st.dates(min_value=date.today() - timedelta(days=30), max_value=latest() + timedelta(days=30))
EDGES_OF_THE_RULE = [date.min, date.max, EARLIEST, latest(), latest() + timedelta(days=1)]
DATES = st.one_of(st.dates(), NEAR, st.sampled_from(EDGES_OF_THE_RULE))


@pytest.mark.django_db
def test_fuzzed_dates_keep_the_one_rule_in_the_form_and_the_api(world):
    from orders.forms import OrderHeaderForm
    from orders.models import Currency

    from .test_fuzz_forms import isolated

    client = client_for(world, "customer_api")
    usd = Currency.objects.get(code="USD")
    today = timezone.localdate()

    @FUZZ
    @given(day=DATES)
    def run(day):
        form = OrderHeaderForm({"customer": world.customer.pk, "currency": usd.pk, "delivery_date": day.isoformat()})
        assert form.is_valid() == (today <= day <= latest()), form.errors

        def post():
            body = valid_submission(world) | {"delivery_date": day.isoformat()}
            response = client.post(
                "/api/v1/orders", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(day)
            )
            if today - timedelta(days=1) <= day <= latest():
                assert response.status_code == 201
            else:
                assert response.status_code == 422
                assert [e["field"] for e in response.json()["errors"]] == ["delivery_date"]

        isolated(post)

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("edge", [date.max, date.min], ids=str)
def test_every_stored_date_of_a_delivered_order_at_the_edge_renders(world, edge):
    """Not only the delivery date: the shipment's dates and the plan's, stored at the edge by hand."""
    from django.test import Client

    from aftersales import tasks as aftersales_tasks
    from logistics.models import Shipment
    from logistics.selectors import status_link_token
    from logistics.services import status_link_ensure
    from production import tasks as production_tasks
    from production.models import PlanMilestone, ProductionRun

    merchandiser = world.users["merchandiser"]
    order = after_sales_order(merchandiser)
    store_delivery_date(order, edge)
    Shipment.objects.filter(order=order).update(ship_date=edge, eta=edge, delivered_on=edge)
    PlanMilestone.objects.filter(plan__order=order).update(planned_date=edge, revised_date=edge, actual_date=edge)
    ProductionRun.objects.filter(order=order).update(start_date=edge)
    for job in (aftersales_tasks.close_finished_orders, aftersales_tasks.check_sla, production_tasks.refresh_flags):
        job()  # what beat runs
    for role in ("merchandiser", "supervisor", "management"):
        client = client_for(world, role)
        for url in [
            reverse("orders:detail", args=[order.pk]),
            *(reverse("orders:section", args=[order.pk, key]) for key in ("plan", "production", "shipments")),
            reverse("logistics:shipment_list") + "?scope=all",
            reverse("aftersales:case_list") + "?scope=open",
        ]:
            assert client.get(url).status_code in (200, 403, 404), f"{role} {url}"
    token = status_link_token(status_link_ensure(order=order))
    assert Client().get(reverse("portal:status", args=[token])).status_code == 200  # the customer's page
