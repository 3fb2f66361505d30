"""The order state machine: every transition × role, allowed and refused, and the guards."""

import pytest
from django_fsm import TransitionNotAllowed

from accounts.roles import Role
from core.errors import InvalidInput, NotPermitted, Stale, TransitionRefused
from orders import hooks
from orders.models import ChecklistItem, Order, OrderEvent, OrderState
from orders.services import order_check_item, order_edit, order_set_flags, order_transition

from ..conftest import advance, verify_and_confirm
from ..factories import make_order, staff

PATH = [
    ("confirm", OrderState.RECEIVED, OrderState.CONFIRMED),
    ("enter", OrderState.CONFIRMED, OrderState.ENTERED),
    ("start_production", OrderState.ENTERED, OrderState.IN_PRODUCTION),
    ("ship", OrderState.IN_PRODUCTION, OrderState.SHIPPED),
    ("begin_after_sales", OrderState.SHIPPED, OrderState.AFTER_SALES),
    ("close", OrderState.AFTER_SALES, OrderState.CLOSED),
]


@pytest.fixture(autouse=True)
def no_stage_guards(monkeypatch):
    """These tests are about the core; stage apps' guards are tested in their own suites."""
    for name in hooks.STAGE_TRANSITIONS:
        monkeypatch.setitem(hooks._guards, name, [])


def order_in(state_index: int, merchandiser):
    order = make_order(merchandiser=merchandiser)
    return advance(order, merchandiser, *[name for name, _, _ in PATH[:state_index]])


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(len(PATH)))
@pytest.mark.parametrize("who", ["owner", "supervisor"])
def test_each_transition_allowed_for_owner_and_team_supervisor(index, who, merchandiser, supervisor):
    name, source, target = PATH[index]
    order = order_in(index, merchandiser)
    assert order.status == source
    if name == "confirm":
        verify_and_confirm(order, merchandiser)
    actor = merchandiser if who == "owner" else supervisor
    before = OrderEvent.objects.filter(order=order, type="transition").count()
    order = order_transition(order_id=order.pk, name=name, actor=actor)
    assert order.status == target
    assert OrderEvent.objects.filter(order=order, type="transition").count() == before + 1
    event = OrderEvent.objects.filter(order=order, type="transition").latest("id")
    assert (event.from_state, event.to_state, event.actor) == (source, target, actor)


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(len(PATH)))
@pytest.mark.parametrize("role", ["other_merchandiser", "other_supervisor", Role.QA, Role.HR, Role.MANAGEMENT])
def test_each_transition_refused_for_everyone_else(index, role, merchandiser, team_b):
    name, source, _ = PATH[index]
    order = order_in(index, merchandiser)
    if name == "confirm":
        verify_and_confirm(order, merchandiser)
    actor = {"other_merchandiser": team_b[2], "other_supervisor": team_b[1]}.get(role) or staff(role)
    with pytest.raises(NotPermitted):
        order_transition(order_id=order.pk, name=name, actor=actor)
    assert Order.objects.get(pk=order.pk).status == source


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(len(PATH)))
def test_transitions_from_the_wrong_state_are_refused(index, merchandiser):
    order = order_in(index, merchandiser)
    for name, source, _ in PATH:
        if source == order.status:
            continue
        with pytest.raises(TransitionRefused):
            order_transition(order_id=order.pk, name=name, actor=merchandiser)
    assert Order.objects.get(pk=order.pk).status == order.status


@pytest.mark.django_db
def test_confirm_needs_full_checklist_and_a_confirmation(merchandiser):
    order = make_order(merchandiser=merchandiser)
    with pytest.raises(TransitionRefused) as refused:
        order_transition(order_id=order.pk, name="confirm", actor=merchandiser)
    assert len(refused.value.reasons) == 2  # checklist and confirmation
    items = list(ChecklistItem.objects.filter(active=True))
    for item in items[:-1]:
        order_check_item(order_id=order.pk, item_id=item.pk, actor=merchandiser, checked=True)
    with pytest.raises(TransitionRefused) as refused:
        order_transition(order_id=order.pk, name="confirm", actor=merchandiser)
    assert items[-1].label_en in " ".join(str(r) for r in refused.value.reasons)
    verify_and_confirm(order, merchandiser)
    assert order_transition(order_id=order.pk, name="confirm", actor=merchandiser).status == OrderState.CONFIRMED


@pytest.mark.django_db
def test_each_tick_records_who_and_when(merchandiser):
    order = make_order(merchandiser=merchandiser)
    item = ChecklistItem.objects.first()
    order_check_item(order_id=order.pk, item_id=item.pk, actor=merchandiser, checked=True)
    check = order.checks.get(item=item)
    assert check.checked_by == merchandiser and check.checked_at is not None
    assert OrderEvent.objects.filter(order=order, type="checked", payload__item=item.code).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(4))  # received .. in_production
def test_cancel_before_shipping_needs_reason_and_supervisor_once_in_production(index, merchandiser, supervisor):
    order = order_in(index, merchandiser)
    actor = merchandiser
    if order.status == OrderState.IN_PRODUCTION:
        with pytest.raises(NotPermitted):
            order_transition(order_id=order.pk, name="cancel", actor=merchandiser, reason="customer withdrew")
        actor = supervisor
    with pytest.raises(TransitionRefused):
        order_transition(order_id=order.pk, name="cancel", actor=actor, reason="  ")
    order = order_transition(order_id=order.pk, name="cancel", actor=actor, reason="customer withdrew")
    assert order.status == OrderState.CANCELLED and order.cancel_reason == "customer withdrew"


@pytest.mark.django_db
@pytest.mark.parametrize("index", [4, 5, 6])  # shipped, after_sales, closed
def test_cancel_is_not_possible_after_shipping(index, merchandiser, supervisor):
    order = order_in(index, merchandiser)
    with pytest.raises(TransitionRefused):
        order_transition(order_id=order.pk, name="cancel", actor=supervisor, reason="too late")


@pytest.mark.django_db
def test_status_cannot_be_written_by_hand(merchandiser):
    order = make_order(merchandiser=merchandiser)
    with pytest.raises(AttributeError):
        order.status = OrderState.SHIPPED
    with pytest.raises(TransitionNotAllowed):
        order.ship()


@pytest.mark.django_db
def test_stale_version_is_refused_and_changes_nothing(merchandiser):
    order = make_order(merchandiser=merchandiser)
    verify_and_confirm(order, merchandiser)
    current = Order.objects.get(pk=order.pk).version
    with pytest.raises(Stale):
        order_transition(order_id=order.pk, name="confirm", actor=merchandiser, expected_version=current - 1)
    assert Order.objects.get(pk=order.pk).status == OrderState.RECEIVED


@pytest.mark.django_db
def test_stage_guard_hook_refuses_with_its_message(merchandiser, monkeypatch):
    order = order_in(2, merchandiser)  # entered
    monkeypatch.setitem(hooks._guards, "start_production", [lambda order, **kw: "Record the factory first."])
    with pytest.raises(TransitionRefused) as refused:
        order_transition(order_id=order.pk, name="start_production", actor=merchandiser)
    assert refused.value.reasons == ["Record the factory first."]


@pytest.mark.django_db
def test_change_after_confirmation_is_a_correction_with_history(merchandiser):
    order = order_in(1, merchandiser)
    with pytest.raises(InvalidInput):
        order_edit(order_id=order.pk, actor=merchandiser, expected_version=order.version, header={"notes": "x"})
    order = order_edit(
        order_id=order.pk,
        actor=merchandiser,
        expected_version=order.version,
        header={"customer_po": "PO-NEW-1"},
        reason="customer sent a revised PO",
    )
    event = OrderEvent.objects.get(order=order, type="correction")
    assert event.payload["changes"] == [{"field": "customer_po", "old": "", "new": "PO-NEW-1"}]
    assert event.note == "customer sent a revised PO" and event.actor == merchandiser
    record = order.history.latest()
    assert record.customer_po == "PO-NEW-1"
    assert record.history_change_reason == "customer sent a revised PO"
    assert record.history_user == merchandiser


@pytest.mark.django_db
def test_flags_sit_beside_the_state(merchandiser):
    order = order_in(3, merchandiser)
    order = order_set_flags(order_id=order.pk, is_at_risk=True, is_overdue=True)
    assert order.status == OrderState.IN_PRODUCTION and order.is_at_risk and order.is_overdue
    order_set_flags(order_id=order.pk, is_at_risk=True)  # no change: no event
    assert OrderEvent.objects.filter(order=order, type="flags_changed").count() == 1


@pytest.mark.django_db
def test_events_are_append_only(merchandiser):
    order = make_order(merchandiser=merchandiser)
    event = OrderEvent.objects.filter(order=order).first()
    event.note = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        OrderEvent.objects.filter(order=order).update(note="x")
    with pytest.raises(PermissionError):
        OrderEvent.objects.filter(order=order).delete()
