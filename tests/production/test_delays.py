"""Delays: a new date proposed, approved by the supervisor, the customer's notice in their language, a new
notice per move."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.errors import InvalidInput, NotPermitted, Stale
from notifications.models import Notification
from orders.models import Order, OrderEvent
from orders.services import promise_approve
from production.models import Delay, DelayReason, PlanMilestone
from production.services import delay_record

from ..factories import CustomerFactory
from .conftest import in_production_order

pytestmark = pytest.mark.django_db


def reason(code="material_late") -> DelayReason:
    return DelayReason.objects.get(code=code)


def order_for(merchandiser, language="en", email="buyer@customer.example"):
    customer = CustomerFactory(merchandiser=merchandiser, preferred_language=language, email=email)
    return in_production_order(merchandiser, customer=customer, customer_po="PO-7788")


@pytest.fixture
def delay(supervisor):
    """Record a delay and have the owner's supervisor approve it: what a delay was before the ledger."""

    def record(**kwargs) -> Delay:
        promise = delay_record(**kwargs)
        promise_approve(promise_id=promise.pk, actor=supervisor)
        return Delay.objects.get(promise=promise)

    return record


def test_reason_codes_are_seeded():
    assert list(DelayReason.objects.values_list("code", flat=True)) == [
        "material_late",
        "capacity",
        "quality_rework",
        "customer_change",
        "other",
    ]


def test_a_delay_moves_the_date_and_writes_the_notice_in_english(
    merchandiser, django_capture_on_commit_callbacks, delay
):
    order = order_for(merchandiser, "en")
    new_date = order.delivery_date + timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        recorded = delay(
            order_id=order.pk, actor=merchandiser, reason_id=reason().pk, new_date=new_date, note="dye lot"
        )
    order = Order.objects.get(pk=order.pk)
    assert order.delivery_date == new_date
    notice = Notification.objects.get(dedupe_key=f"production-delay:{recorded.pk}")
    assert (notice.kind, notice.language, notice.to_email) == ("production_delay", "en", "buyer@customer.example")
    assert notice.reference == f"order:{order.pk}"
    with translation.override("en"):
        assert notice.subject == f"Order {order.number}: new delivery date {date_format(new_date)}"
    assert "Dear Customer" in notice.body_text and "Materials late" in notice.body_text
    assert "PO-7788" in notice.body_text and "dye lot" not in notice.body_text  # the internal note stays inside
    assert "<table>" in notice.body_html
    # Sent after commit through the outbox.
    assert [m.subject for m in mail.outbox] == [notice.subject]


def test_the_notice_is_rendered_in_simplified_chinese(merchandiser, delay):
    order = order_for(merchandiser, "zh-hans")
    new_date = order.delivery_date + timedelta(days=10)
    recorded = delay(order_id=order.pk, actor=merchandiser, reason_id=reason("capacity").pk, new_date=new_date)
    notice = Notification.objects.get(dedupe_key=f"production-delay:{recorded.pk}")
    assert notice.language == "zh-hans"
    assert notice.subject == f"订单 {order.number}：新交货期 {new_date.year}年{new_date.month}月{new_date.day}日"
    assert f"尊敬的{order.customer.name_zh}" in notice.body_text
    assert "产能不足" in notice.body_text  # the reason's Chinese name
    assert "新交货期" in notice.body_html


def test_each_move_of_the_date_is_a_new_notice(merchandiser, delay):
    order = order_for(merchandiser, "en")
    first_date = order.delivery_date + timedelta(days=7)
    second_date = first_date + timedelta(days=10)
    first = delay(order_id=order.pk, actor=merchandiser, reason_id=reason().pk, new_date=first_date)
    second = delay(order_id=order.pk, actor=merchandiser, reason_id=reason("quality_rework").pk, new_date=second_date)
    notices = list(Notification.objects.filter(reference=f"order:{order.pk}").order_by("created_at", "pk"))
    assert [n.dedupe_key for n in notices] == [f"production-delay:{first.pk}", f"production-delay:{second.pk}"]
    assert notices[1].subject.startswith("Update:")
    assert "has changed again" in notices[1].body_text
    assert (second.previous_date, second.new_date) == (first_date, second_date)
    assert Order.objects.get(pk=order.pk).delivery_date == second_date
    stage = OrderEvent.objects.filter(order=order, type="stage", payload__action="delay")
    assert stage.count() == 2


def test_the_date_change_is_not_counted_as_a_correction(merchandiser, delay):
    order = order_for(merchandiser)
    delay(order_id=order.pk, actor=merchandiser, reason_id=reason().pk, new_date=order.delivery_date + timedelta(1))
    assert not OrderEvent.objects.filter(order=order, type="correction").exists()
    approved = OrderEvent.objects.get(order=order, type="promise_approved")
    assert approved.payload["to"] == (order.delivery_date + timedelta(1)).isoformat()
    assert order.history.first().history_change_reason.startswith("面辅料延误 / Materials late")


def test_a_delay_replans_the_open_milestones_from_the_new_ex_factory_date(merchandiser, delay):
    order = order_for(merchandiser)
    plan = order.production_plan
    old_ex_factory = plan.ex_factory_date
    delay(order_id=order.pk, actor=merchandiser, reason_id=reason().pk, new_date=order.delivery_date + timedelta(28))
    plan.refresh_from_db()
    assert plan.ex_factory_date > old_ex_factory
    ex_factory = PlanMilestone.objects.get(plan=plan, code="ex_factory")
    assert ex_factory.revised_date == plan.ex_factory_date and ex_factory.planned_date == old_ex_factory
    assert "Materials late" in ex_factory.revision_reason


def test_a_failed_delay_leaves_no_notice_and_no_record(merchandiser):
    order = order_for(merchandiser)
    with pytest.raises(Stale):
        delay_record(
            order_id=order.pk,
            actor=merchandiser,
            reason_id=reason().pk,
            new_date=order.delivery_date + timedelta(days=5),
            expected_version=order.version - 1,
        )
    assert not Delay.objects.exists() and not Notification.objects.exists()


def test_no_email_on_file_means_no_notice_but_the_delay_is_recorded(merchandiser, delay):
    order = order_for(merchandiser, email="")
    order.customer.contacts.update(email="")
    recorded = delay(
        order_id=order.pk, actor=merchandiser, reason_id=reason().pk, new_date=order.delivery_date + timedelta(3)
    )
    assert recorded.notification is None and not Notification.objects.exists()
    event = OrderEvent.objects.get(order=order, type="stage", payload__action="delay")
    assert "No customer email" in event.note_text


def test_delay_input_is_checked(merchandiser, other_merchandiser):
    order = order_for(merchandiser)
    with pytest.raises(InvalidInput):
        delay_record(
            order_id=order.pk, actor=merchandiser, reason_id=reason().pk, new_date=timezone.localdate() - timedelta(1)
        )
    with pytest.raises(InvalidInput):
        delay_record(order_id=order.pk, actor=merchandiser, reason_id=reason().pk, new_date=order.delivery_date)
    with pytest.raises(InvalidInput):
        delay_record(
            order_id=order.pk, actor=merchandiser, reason_id=999999, new_date=order.delivery_date + timedelta(1)
        )
    with pytest.raises(NotPermitted):
        delay_record(
            order_id=order.pk,
            actor=other_merchandiser,
            reason_id=reason().pk,
            new_date=order.delivery_date + timedelta(1),
        )
