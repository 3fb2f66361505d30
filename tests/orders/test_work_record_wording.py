"""The work record reads the same on every page that shows it (templates/orders/_timeline.html), in the
reader's language: no state, event kind or choice as its code, a ticked item by its name, and what a
service wrote worded when read (a code and parameters, orders.event_wording), while what a person typed
stays as typed and notes stored as text before keep their text."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from aftersales.models import CaseChannel, CaseType, Severity
from aftersales.services import CaseInput, case_open, case_update
from orders import events
from orders.models import EventType, OrderEvent
from orders.selectors import order_timeline
from orders.services import order_reassign, order_transition, promise_approve
from production.models import ContactMethod, DelayReason
from production.services import CheckInInput, checkin_record, delay_record
from supervision.services.spotchecks import spot_check_draw_sample, spot_check_plan_create

from ..conftest import advance
from ..factories import make_order, staff
from ..logistics.conftest import ZEAL_ALLOW_RELOCK
from ..logistics.helpers import after_sales_order, in_production_order
from ..logistics.i18n import compile_stage_catalogues

pytestmark = pytest.mark.django_db

RAW_CODES = ("in_production", "milestone_done", "plan_generated", "production:", ">received<", "→ received", "checkin<")


@pytest.fixture(scope="module", autouse=True)
def _stage_catalogues_compiled():
    compile_stage_catalogues()


@pytest.fixture(autouse=True)
def _zeal_allows_the_order_relock(settings):
    settings.ZEAL_ALLOWLIST = ZEAL_ALLOW_RELOCK


def reading(person, language: str):
    person.preferred_language = language
    person.save(update_fields=["preferred_language"])
    return person


def record_on(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode().split('id="timeline"')[1].split("</ol>")[0]


def words(html: str) -> str:
    """The record's text, whitespace folded, as a person reads it."""
    import re
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- one renderer everywhere ------------------------------------------------------------------------------


def test_the_review_and_spot_check_pages_show_the_record_as_the_order_page_does(
    client, merchandiser, supervisor, qa_user
):
    order = in_production_order(merchandiser)
    checkin_record(
        order_id=order.pk,
        actor=merchandiser,
        data=CheckInInput(contact_name="Mr Liu", contact_method=ContactMethod.PHONE, quantity_done=300),
    )
    today = timezone.localdate()
    plan = spot_check_plan_create(
        actor=qa_user,
        name="Check",
        period_start=today - timedelta(days=30),
        period_end=today,
        sample_mode="percent",
        sample_size=100,
    )
    sample = spot_check_draw_sample(plan_id=plan.pk, actor=qa_user).samples.get()

    client.force_login(merchandiser)
    on_order_page = record_on(client, reverse("orders:detail", args=[order.pk]) + "?tab=record")
    client.force_login(supervisor)
    on_review = record_on(client, reverse("supervision:review_order", args=[order.pk]))
    client.force_login(qa_user)
    on_spot_check = record_on(client, reverse("supervision:sample_score", args=[sample.pk]))

    assert on_review == on_order_page == on_spot_check
    text = words(on_review)
    assert [code for code in RAW_CODES if code in on_review] == [], text
    assert "Order received" in text and "Entered → In production" in text
    assert "Daily check-in" in text and "Check-in" in text and "Mr Liu by Phone" in text
    assert "T&A plan made" in text and "Production details recorded" in text
    for event in OrderEvent.objects.filter(order=order, type=EventType.CHECKED):
        assert f"Checklist item ticked {event.payload['label_en']}" in text


def test_a_stage_record_a_supervisor_reads_in_chinese_has_no_codes(client, merchandiser, supervisor):
    order = in_production_order(merchandiser)
    client.force_login(reading(supervisor, "zh-hans"))

    text = words(record_on(client, reverse("supervision:review_order", args=[order.pk])))

    assert "已录入 → 生产中" in text and "已生成生产进度计划" in text and "已接收" in text
    assert "State changed" not in text and "entered" not in text


# --- system notes: a code and parameters, worded for the reader ----------------------------------------------


def test_a_delay_written_by_a_chinese_reader_reads_in_english_for_an_english_one(client, merchandiser, supervisor):
    order = in_production_order(reading(merchandiser, "zh-hans"))
    new_date = order.delivery_date + timedelta(days=14)
    with translation.override("zh-hans"):
        proposal = delay_record(
            order_id=order.pk,
            actor=merchandiser,
            reason_id=DelayReason.objects.get(code="material_late").pk,
            new_date=new_date,
        )
        promise_approve(promise_id=proposal.pk, actor=supervisor)
    event = OrderEvent.objects.get(order=order, payload__action="delay")
    assert event.note == "" and event.payload["note_code"] == "production.delay"

    client.force_login(reading(supervisor, "en"))
    english = words(record_on(client, reverse("supervision:review_order", args=[order.pk])))
    client.force_login(merchandiser)
    chinese = words(record_on(client, reverse("orders:detail", args=[order.pk]) + "?tab=record"))

    assert "Delay recorded" in english
    assert (
        f"Delay (Materials late): promised date {order.delivery_date.isoformat()} → {new_date.isoformat()}." in english
    )
    assert "面辅料延误" not in english.split("Delay recorded")[1].split("·")[0]
    delay_line = chinese.split("已记录延期")[1].split("新交货期已批准")[0]
    assert "延期（面辅料延误）" in delay_line and "Materials late" not in delay_line


def test_a_note_stored_as_text_before_codes_reads_as_stored(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    events.event_stage(order, merchandiser, stage="production", action="delay", note="延期（面辅料延误）：旧记录")
    client.force_login(merchandiser)

    text = words(record_on(client, reverse("orders:detail", args=[order.pk]) + "?tab=record"))

    assert "延期（面辅料延误）：旧记录" in text and "Delay recorded" in text


def test_what_a_person_typed_stays_as_typed(client, merchandiser):
    order = make_order(merchandiser=reading(merchandiser, "zh-hans"))
    with translation.override("zh-hans"):
        order_transition(order_id=order.pk, name="cancel", actor=merchandiser, reason="客户撤单 customer withdrew")
    client.force_login(reading(merchandiser, "en"))

    text = words(record_on(client, reverse("orders:detail", args=[order.pk]) + "?tab=record"))

    assert "客户撤单 customer withdrew" in text and "Received → Cancelled" in text


def test_an_unknown_note_code_falls_back_to_the_stored_text(merchandiser):
    order = make_order(merchandiser=merchandiser)
    event = events.event_stage(
        order, merchandiser, stage="gone", action="x", note="kept", payload={"note_code": "gone.app", "note_params": {}}
    )
    assert event.note_text == "kept" and event.type_label == "Stage record"


# --- choices, people and a case's own record -----------------------------------------------------------------


def test_a_handover_names_both_people(client, merchandiser, supervisor, team_a):
    colleague = staff("Merchandiser", team=team_a[0], first_name="Wang", last_name="Lei")
    merchandiser.first_name, merchandiser.last_name = "Li", "Na"
    merchandiser.save(update_fields=["first_name", "last_name"])
    order = make_order(merchandiser=merchandiser)
    order_reassign(order_ids=[order.pk], to_user=colleague, actor=supervisor, reason="Holiday cover")

    event = next(e for e in order_timeline(order=order) if e.type == EventType.REASSIGNED)

    assert event.detail == "Li Na → Wang Lei"


def test_a_case_page_shows_its_record_with_labels_not_codes(client, merchandiser):
    order = after_sales_order(merchandiser)
    case = case_open(
        order_id=order.pk,
        actor=merchandiser,
        data=CaseInput(case_type=CaseType.QUALITY, subject="Stains", description="...", channel=CaseChannel.PHONE),
    )
    case_update(case_id=case.pk, actor=merchandiser, severity=Severity.URGENT)
    client.force_login(merchandiser)

    text = words(record_on(client, reverse("aftersales:case_detail", args=[case.pk])))

    assert "severity: Medium → Urgent" in text
    assert f"Case {case.reference} opened (Quality problem, Medium): Stains" in text
    assert "urgent" not in text and "medium" not in text


def test_the_order_page_record_is_kept_per_language(client, merchandiser):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")
    client.force_login(merchandiser)
    english = words(record_on(client, reverse("orders:detail", args=[order.pk]) + "?tab=record"))
    client.force_login(reading(merchandiser, "zh-hans"))
    chinese = words(record_on(client, reverse("orders:detail", args=[order.pk]) + "?tab=record"))

    assert "Received → Confirmed" in english and "已接收 → 已确认" in chinese
