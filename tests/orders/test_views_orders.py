"""The order pages, driven through the test client: intake, checklist, confirmation, transitions, edits,
handover, the detail page's buttons per role, and attachment downloads."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.errors import NotPermitted
from orders import hooks
from orders.models import (
    Channel,
    ChecklistItem,
    Confirmation,
    Currency,
    EventType,
    Handover,
    Order,
    OrderCheck,
    OrderEvent,
    OrderLine,
    OrderState,
    Unit,
)
from orders.services import order_attachment_add, order_check_item, order_reassign

from ..conftest import advance, verify_and_confirm
from ..factories import CustomerFactory, ProductFactory, make_order, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def flashed(response, text: str) -> bool:
    return any(text in m for m in flashes(response))


def fresh(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


def events_of(order: Order, type_: str | None = None):
    qs = OrderEvent.objects.filter(order=order)
    return qs.filter(type=type_) if type_ else qs


def phone_form(customer, *, lines=None, **header) -> dict:
    """POST data of the phone intake page: the header (prefix `order`) and a lines formset (`lines`)."""
    data = {
        "order-customer": customer.pk,
        "order-customer_po": "",
        "order-currency": Currency.objects.get(code="USD").pk,
        "order-delivery_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "order-trade_terms": "FOB Ningbo",
        "order-payment_terms": "30% deposit",
        "order-ship_to": "",
        "order-notes": "",
    }
    data.update({f"order-{k}": v for k, v in header.items()})
    pcs = Unit.objects.get(code="PCS").pk
    if lines is None:
        lines = [{"description": "Cotton T-shirt", "quantity": "500", "unit": pcs, "unit_price": "3.20"}]
    data.update(
        {
            "lines-TOTAL_FORMS": str(max(len(lines), 1)),
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
        }
    )
    for i, line in enumerate(lines):
        data.update({f"lines-{i}-{k}": v for k, v in line.items()})
    return data


def confirmation_form(order: Order, **overrides) -> dict:
    at = timezone.localtime(timezone.now() - timedelta(minutes=10))
    return {
        "version": order.version,
        "method": "phone",
        "contact": "Alice Buyer",
        "confirmed_at": at.strftime("%Y-%m-%dT%H:%M"),
        "note": "Confirmed by phone",
        **overrides,
    }


def in_production(order: Order, actor, monkeypatch) -> Order:
    """Move an order into production. A stage app may guard `start_production` (production wants its run
    recorded first); these tests are about the order pages, so stage guards are set aside for the move."""
    with monkeypatch.context() as m:
        m.setitem(hooks._guards, "start_production", [])
        return advance(order, actor, "confirm", "enter", "start_production")


def post_transition(client, order: Order, name: str, **data):
    """Press a transition button on a freshly loaded page. Follows the redirect to the order page,
    which shows (and so uses up) the flash messages."""
    return client.post(
        reverse("orders:transition", args=[order.pk, name]), {"version": fresh(order).version, **data}, follow=True
    )


# --- intake by phone ----------------------------------------------------------------------------


def test_phone_intake_creates_received_order_owned_by_merchandiser(client, merchandiser):
    # given
    customer = CustomerFactory()
    client.force_login(merchandiser)
    # when
    response = client.post(reverse("orders:intake_phone"), phone_form(customer, customer_po="PO-7781"))
    # then
    order = Order.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:detail", args=[order.pk])
    assert order.channel == Channel.PHONE
    assert order.status == OrderState.RECEIVED
    assert order.merchandiser == merchandiser
    assert order.created_by == merchandiser
    assert order.customer_po == "PO-7781"
    assert order.number is None
    line = order.lines.get()
    assert (line.quantity, line.unit_price, line.description) == (Decimal("500"), Decimal("3.2"), "Cotton T-shirt")
    assert list(events_of(order).values_list("type", flat=True)) == [EventType.CREATED]


def test_phone_intake_page_renders_for_merchandiser_only(client, merchandiser, qa_user):
    client.force_login(merchandiser)
    assert client.get(reverse("orders:intake_phone")).status_code == 200
    client.force_login(qa_user)
    assert client.get(reverse("orders:intake_phone")).status_code == 403


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("missing_quantity", "This field is required."),
        ("negative_price", "Ensure this value is greater than or equal to 0."),
        ("zero_quantity", "Ensure this value is greater than or equal to 0.01."),
        ("past_delivery", "The delivery date is in the past."),
        ("no_lines", "An order needs at least one line."),
        ("huge_po", "Ensure this value has at most 60 characters (it has 10000)."),
        ("no_product_no_description", "Give a style number or describe the item."),
    ],
)
def test_phone_intake_refuses_invalid_input_and_saves_nothing(client, merchandiser, case, error):
    # given
    customer = CustomerFactory()
    pcs = Unit.objects.get(code="PCS").pk
    line = {"description": "Shirt", "quantity": "10", "unit": pcs, "unit_price": "1.00"}
    data = {
        "missing_quantity": lambda: phone_form(customer, lines=[{**line, "quantity": ""}]),
        "negative_price": lambda: phone_form(customer, lines=[{**line, "unit_price": "-0.01"}]),
        "zero_quantity": lambda: phone_form(customer, lines=[{**line, "quantity": "0"}]),
        "past_delivery": lambda: phone_form(
            customer, delivery_date=(timezone.localdate() - timedelta(days=1)).isoformat()
        ),
        "no_lines": lambda: phone_form(customer, lines=[]),
        "huge_po": lambda: phone_form(customer, customer_po="P" * 10_000),
        "no_product_no_description": lambda: phone_form(customer, lines=[{**line, "description": ""}]),
    }[case]()
    client.force_login(merchandiser)
    # when
    response = client.post(reverse("orders:intake_phone"), data)
    # then
    assert response.status_code == 400
    assert error in response.content.decode()
    assert 'role="alert"' in response.content.decode()  # shown beside the field, or above the line
    assert flashed(response, "Please correct the errors below.")
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()
    assert not OrderEvent.objects.exists()


def test_phone_intake_with_product_line(client, merchandiser):
    customer = CustomerFactory()
    product = ProductFactory()
    client.force_login(merchandiser)
    # the style number typed in another case, and neither description nor unit given
    lines = [{"style_no": f" {product.style_no.lower()} ", "quantity": "12", "unit_price": "0"}]
    response = client.post(reverse("orders:intake_phone"), phone_form(customer, lines=lines))
    assert response.status_code == 302
    line = OrderLine.objects.get()
    assert line.product == product
    assert line.description == product.name  # filled from the product when left empty
    assert line.unit == product.unit  # likewise
    assert line.unit_price == 0


def test_duplicate_customer_po_warns_first_and_saves_only_when_confirmed(client, merchandiser):
    # given an order with this PO already exists
    customer = CustomerFactory()
    existing = make_order(merchandiser=merchandiser, customer=customer, customer_po="PO-DUP-1")
    client.force_login(merchandiser)
    # when the same PO (different case, extra spaces) is taken again
    warned = client.post(reverse("orders:intake_phone"), phone_form(customer, customer_po=" po-dup-1 "))
    # then a warning names the existing order and nothing is saved
    assert warned.status_code == 400
    assert "This customer PO number already exists" in warned.content.decode()
    assert warned.context["duplicates"] == [existing]
    assert reverse("orders:detail", args=[existing.pk]) in warned.content.decode()
    assert Order.objects.count() == 1
    # when the person ticks "save anyway"
    saved = client.post(
        reverse("orders:intake_phone"), phone_form(customer, customer_po="PO-DUP-1", confirm_duplicate="on")
    )
    # then the second order is saved
    assert saved.status_code == 302
    assert Order.objects.filter(customer=customer, customer_po="PO-DUP-1").count() == 2


def test_same_po_of_another_customer_is_not_a_duplicate(client, merchandiser):
    make_order(merchandiser=merchandiser, customer_po="PO-SHARED")
    client.force_login(merchandiser)
    response = client.post(reverse("orders:intake_phone"), phone_form(CustomerFactory(), customer_po="PO-SHARED"))
    assert response.status_code == 302
    assert Order.objects.filter(customer_po="PO-SHARED").count() == 2


# --- checklist ----------------------------------------------------------------------------------


def test_checklist_tick_and_clear_by_post(client, merchandiser):
    # given
    order = make_order(merchandiser=merchandiser)
    item = ChecklistItem.objects.filter(active=True).first()
    url = reverse("orders:check_item", args=[order.pk, item.pk])
    client.force_login(merchandiser)
    # when ticked
    response = client.post(url, {"checked": "1"})
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:detail", args=[order.pk]) + "?tab=overview#order-tab"
    check = OrderCheck.objects.get(order=order, item=item)
    assert check.checked_by == merchandiser
    assert fresh(order).version == order.version + 1
    assert events_of(order, EventType.CHECKED).get().payload == {
        "item": item.code,
        "label_zh": item.label_zh,
        "label_en": item.label_en,
    }
    # when cleared
    client.post(url, {"checked": "0"})
    # then
    assert not OrderCheck.objects.filter(order=order).exists()
    assert events_of(order, EventType.UNCHECKED).count() == 1


def test_checklist_tick_with_htmx_returns_the_checklist_partial(client, merchandiser):
    # given
    order = make_order(merchandiser=merchandiser)
    item = ChecklistItem.objects.filter(active=True).first()
    client.force_login(merchandiser)
    # when
    response = client.post(
        reverse("orders:check_item", args=[order.pk, item.pk]), {"checked": "1"}, headers={"HX-Request": "true"}
    )
    # then only the checklist comes back, with the item now ticked
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["orders/_checklist.html"]
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="checklist-block" id="checklist">')
    assert "<html" not in body
    assert f'aria-label="Clear: {item.label}"' in body
    assert OrderCheck.objects.filter(order=order, item=item).exists()


def test_checklist_tick_with_htmx_updates_the_version_the_page_will_post(client, merchandiser):
    """A tick bumps the order's version; the page's other forms must post the new one, else the
    confirmation recorded right after the ticks would be refused as 'changed by someone else'."""
    order = make_order(merchandiser=merchandiser)
    item = ChecklistItem.objects.filter(active=True).first()
    client.force_login(merchandiser)
    detail = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "hx-swap-oob" not in detail

    response = client.post(
        reverse("orders:check_item", args=[order.pk, item.pk]), {"checked": "1"}, headers={"HX-Request": "true"}
    )

    new_version = fresh(order).version
    assert new_version == order.version + 1
    oob = re.search(r'<input[^>]*hx-swap-oob="outerHTML:input\[name=version\]"[^>]*>', response.content.decode())
    assert oob is not None
    assert f'value="{new_version}"' in oob.group(0)


def test_checklist_refused_once_confirmed(client, merchandiser):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")
    item = ChecklistItem.objects.filter(active=True).first()
    client.force_login(merchandiser)
    response = client.post(reverse("orders:check_item", args=[order.pk, item.pk]), {"checked": "0"})
    assert response.status_code == 302
    assert flashed(response, "The checklist is closed once the order is confirmed.")
    assert OrderCheck.objects.filter(order=order, item=item).exists()


# --- customer confirmation ----------------------------------------------------------------------


def test_confirmation_form_records_a_confirmation(client, merchandiser):
    # given
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    # when
    response = client.post(reverse("orders:confirmation", args=[order.pk]), confirmation_form(order))
    # then
    assert response.status_code == 302
    assert flashed(response, "The customer's confirmation is recorded.")
    confirmation = Confirmation.objects.get(order=order)
    assert (confirmation.method, confirmation.contact, confirmation.recorded_by) == (
        "phone",
        "Alice Buyer",
        merchandiser,
    )
    assert events_of(order, EventType.CONFIRMATION_RECORDED).count() == 1


def test_confirmation_with_evidence_file_is_attached(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    evidence = SimpleUploadedFile("signed-po.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client.post(
        reverse("orders:confirmation", args=[order.pk]),
        {**confirmation_form(order, method="signed_po"), "attachment": evidence},
    )
    assert response.status_code == 302
    confirmation = Confirmation.objects.get(order=order)
    assert confirmation.attachment.original_name == "signed-po.pdf"
    assert confirmation.attachment.kind == "confirmation"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact": ""}, "contact"),
        ({"method": "carrier-pigeon"}, "method"),
        ({"confirmed_at": "yesterday-ish"}, "confirmed_at"),
        ({"version": "not-a-number"}, "version"),
        ({"contact": "x" * 121}, "contact"),
    ],
)
def test_confirmation_with_bad_data_rerenders_with_400_and_saves_nothing(client, merchandiser, overrides, field):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    response = client.post(reverse("orders:confirmation", args=[order.pk]), confirmation_form(order, **overrides))
    assert response.status_code == 400
    assert "orders/confirmation_form.html" in [t.name for t in response.templates]
    assert field in response.context["form"].errors
    assert not Confirmation.objects.exists()
    assert fresh(order).version == order.version


def test_confirmation_in_the_future_is_refused_on_the_form(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    future = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("orders:confirmation", args=[order.pk]), confirmation_form(order, confirmed_at=future)
    )
    assert response.status_code == 400
    assert "The confirmation time cannot be in the future." in response.content.decode()
    assert not Confirmation.objects.exists()


def test_confirmation_with_forbidden_file_type_is_refused_on_the_form(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    evidence = SimpleUploadedFile("evidence.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        reverse("orders:confirmation", args=[order.pk]), {**confirmation_form(order), "attachment": evidence}
    )
    assert response.status_code == 400
    assert "are not accepted" in response.content.decode()
    assert response.context["form"]["contact"].value() == "Alice Buyer"  # what was typed is kept
    assert not Confirmation.objects.exists()
    assert not fresh(order).attachments.exists()


# --- transitions --------------------------------------------------------------------------------


def test_confirm_is_refused_with_reasons_until_checklist_and_confirmation(client, merchandiser):
    # given a received order with nothing verified
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    # when
    response = post_transition(client, order, "confirm")
    # then both reasons are given and nothing changes
    assert response.redirect_chain == [(reverse("orders:detail", args=[order.pk]), 302)]
    messages = " ".join(flashes(response))
    assert "This action is not possible yet." in messages
    assert "Tick every checklist item first. Missing:" in messages
    assert "Record the customer's confirmation first." in messages
    assert fresh(order).status == OrderState.RECEIVED
    assert not events_of(order, EventType.TRANSITION).exists()

    # given the checklist ticked but still no confirmation
    for item in ChecklistItem.objects.filter(active=True):
        order_check_item(order_id=order.pk, item_id=item.pk, actor=merchandiser, checked=True)
    response = post_transition(client, order, "confirm")
    messages = " ".join(flashes(response))
    assert "Tick every checklist item first" not in messages
    assert "Record the customer's confirmation first." in messages
    assert fresh(order).status == OrderState.RECEIVED

    # given the confirmation recorded too
    client.post(reverse("orders:confirmation", args=[order.pk]), confirmation_form(fresh(order)))
    response = post_transition(client, order, "confirm")
    # then it is confirmed
    assert flashed(response, "is now Confirmed")
    order = fresh(order)
    assert order.status == OrderState.CONFIRMED
    assert order.confirmed_at is not None
    event = events_of(order, EventType.TRANSITION).get()
    assert (event.from_state, event.to_state, event.actor) == ("received", "confirmed", merchandiser)


def test_confirm_refused_when_only_some_items_ticked(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    first, *rest = ChecklistItem.objects.filter(active=True)
    order_check_item(order_id=order.pk, item_id=first.pk, actor=merchandiser, checked=True)
    client.force_login(merchandiser)
    response = post_transition(client, order, "confirm")
    message = " ".join(flashes(response))
    assert str(rest[0]) in message
    assert str(first) not in message.split("Missing:")[1]
    assert fresh(order).status == OrderState.RECEIVED


def test_enter_assigns_the_yearly_order_number(client, merchandiser):
    # given
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")
    client.force_login(merchandiser)
    # when
    response = post_transition(client, order, "enter")
    # then
    order = fresh(order)
    assert order.status == OrderState.ENTERED
    assert re.fullmatch(rf"SO-{timezone.localdate().year}-\d{{6}}", order.number)
    assert flashed(response, f"Order {order.number} is now Entered.")
    assert events_of(order, EventType.NUMBER_ASSIGNED).get().payload == {"number": order.number}
    detail = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert order.number in detail


def test_stale_version_is_refused_and_changes_nothing(client, merchandiser):
    # given the page was loaded, then someone ticked an item (the version moved on)
    order = make_order(merchandiser=merchandiser)
    verify_and_confirm(order, merchandiser)
    loaded_version = fresh(order).version
    item = ChecklistItem.objects.filter(active=True).first()
    order_check_item(order_id=order.pk, item_id=item.pk, actor=merchandiser, checked=False)
    order_check_item(order_id=order.pk, item_id=item.pk, actor=merchandiser, checked=True)
    before = fresh(order)
    event_count = events_of(order).count()
    client.force_login(merchandiser)
    # when the old page posts
    response = client.post(reverse("orders:transition", args=[order.pk, "confirm"]), {"version": loaded_version})
    # then
    assert response.status_code == 302
    assert flashed(response, "was changed by someone else")
    after = fresh(order)
    assert (after.status, after.version) == (before.status, before.version)
    assert events_of(order).count() == event_count


@pytest.mark.parametrize("url_name", ["orders:confirmation", "orders:edit"])
def test_stale_version_refused_on_other_forms(client, merchandiser, url_name):
    # given a page loaded before someone ticked an item
    order = make_order(merchandiser=merchandiser)
    data = {
        "orders:confirmation": confirmation_form(order),
        "orders:edit": edit_form(order, customer_po="PO-STALE"),
    }[url_name]
    item = ChecklistItem.objects.filter(active=True).first()
    order_check_item(order_id=order.pk, item_id=item.pk, actor=merchandiser, checked=True)
    event_count = events_of(order).count()
    client.force_login(merchandiser)
    # when it posts
    response = client.post(reverse(url_name, args=[order.pk]), data)
    # then
    assert response.status_code == 302
    assert flashed(response, "was changed by someone else")
    assert not Confirmation.objects.exists()
    assert fresh(order).customer_po == ""
    assert events_of(order).count() == event_count


def test_transition_without_version_is_refused(client, merchandiser):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")
    client.force_login(merchandiser)
    response = client.post(reverse("orders:transition", args=[order.pk, "enter"]), {})
    assert flashed(response, "The page was incomplete.")
    assert fresh(order).status == OrderState.CONFIRMED


def test_transition_in_wrong_state_is_refused(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    response = post_transition(client, order, "enter")
    assert flashed(response, "so this action is no longer possible")
    assert fresh(order).status == OrderState.RECEIVED


def test_cancel_needs_a_reason(client, merchandiser):
    # given
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    # when no reason (or only blanks) is given
    response = post_transition(client, order, "cancel", reason="   ")
    # then
    assert flashed(response, "Give a reason for the cancellation.")
    assert fresh(order).status == OrderState.RECEIVED
    # when a reason is given
    response = post_transition(client, order, "cancel", reason="Customer withdrew the enquiry")
    # then
    order = fresh(order)
    assert order.status == OrderState.CANCELLED
    assert order.cancel_reason == "Customer withdrew the enquiry"
    assert events_of(order, EventType.TRANSITION).get().note == "Customer withdrew the enquiry"


def test_cancel_in_production_needs_the_team_supervisor(client, monkeypatch, merchandiser, supervisor):
    # given an order in production
    order = in_production(make_order(merchandiser=merchandiser), merchandiser, monkeypatch)
    client.force_login(merchandiser)
    # when the merchandiser tries
    response = post_transition(client, order, "cancel", reason="Fabric supplier failed")
    # then refused: a 403 page that says why
    assert response.status_code == 403
    assert "Only the team&#x27;s supervisor can cancel an order that is in production." in response.content.decode()
    assert fresh(order).status == OrderState.IN_PRODUCTION
    # when the team's supervisor does it
    client.force_login(supervisor)
    response = post_transition(client, order, "cancel", reason="Fabric supplier failed")
    # then cancelled, by the supervisor
    assert flashed(response, "is now Cancelled")
    order = fresh(order)
    assert order.status == OrderState.CANCELLED
    assert events_of(order, EventType.TRANSITION).latest("id").actor == supervisor


def test_unknown_transition_name_is_refused(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    response = post_transition(client, order, "teleport")
    assert flashed(response, "Unknown action.")
    assert fresh(order).version == order.version


# --- edit and correction ------------------------------------------------------------------------


def edit_form(order: Order, **changes) -> dict:
    """The edit page's POST: the header, then each line under the prefix `line-<id>`, unchanged."""
    lines = {}
    for line in order.lines.all():
        for field in ("description", "colour", "size", "quantity", "unit_price"):
            lines[f"line-{line.pk}-{field}"] = getattr(line, field)
        lines[f"line-{line.pk}-unit"] = line.unit_id
    return {
        **lines,
        "version": order.version,
        "customer_po": order.customer_po,
        "delivery_date": order.delivery_date.isoformat(),
        "trade_terms": order.trade_terms,
        "payment_terms": order.payment_terms,
        "ship_to": order.ship_to,
        "notes": order.notes,
        "reason": "",
        **changes,
    }


def test_edit_before_confirmation_needs_no_reason(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    assert client.get(reverse("orders:edit", args=[order.pk])).status_code == 200
    response = client.post(reverse("orders:edit", args=[order.pk]), edit_form(order, customer_po="PO-1"))
    assert response.status_code == 302
    assert fresh(order).customer_po == "PO-1"
    event = events_of(order, EventType.FIELDS_CHANGED).get()
    assert event.payload["changes"] == [{"field": "customer_po", "old": "", "new": "PO-1"}]


def test_edit_after_confirmation_is_a_correction_with_reason_and_history(client, merchandiser):
    # given a confirmed order
    order = advance(make_order(merchandiser=merchandiser, customer_po="PO-OLD"), merchandiser, "confirm")
    old_date = order.delivery_date
    new_date = old_date + timedelta(days=14)
    client.force_login(merchandiser)
    data = edit_form(order, customer_po="PO-NEW", delivery_date=new_date.isoformat())
    # when saved without a reason
    refused = client.post(reverse("orders:edit", args=[order.pk]), data)
    # then refused on the form, nothing changed
    assert refused.status_code == 400
    assert "give the reason for this correction" in refused.content.decode()
    assert fresh(order).customer_po == "PO-OLD"
    assert not events_of(order, EventType.CORRECTION).exists()
    # when saved with a reason
    response = client.post(
        reverse("orders:edit", args=[order.pk]), {**data, "reason": "Customer moved the delivery date"}
    )
    # then a correction event holds old → new values
    assert response.status_code == 302
    order = fresh(order)
    assert (order.customer_po, order.delivery_date) == ("PO-NEW", new_date)
    event = events_of(order, EventType.CORRECTION).get()
    assert event.note == "Customer moved the delivery date"
    assert event.actor == merchandiser
    assert sorted(event.payload["changes"], key=lambda c: c["field"]) == [
        {"field": "customer_po", "old": "PO-OLD", "new": "PO-NEW"},
        {"field": "delivery_date", "old": str(old_date), "new": str(new_date)},
    ]
    # and simple_history records the change, who made it and why
    record = order.history.latest("history_id")
    assert record.history_change_reason == "Customer moved the delivery date"
    assert record.history_user == merchandiser
    assert record.customer_po == "PO-NEW"
    assert record.prev_record.customer_po == "PO-OLD"
    # and the timeline shows it
    detail = client.get(reverse("orders:detail", args=[order.pk]) + "?tab=record").content.decode()
    assert "customer PO number: PO-OLD → PO-NEW" in detail  # the field by its name, not its code


def test_edit_with_invalid_values_is_a_400(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    response = client.post(reverse("orders:edit", args=[order.pk]), edit_form(order, customer_po="P" * 61))
    assert response.status_code == 400
    assert "customer_po" in response.context["form"].errors
    assert fresh(order).version == order.version


def test_edit_without_changes_writes_nothing(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    response = client.post(reverse("orders:edit", args=[order.pk]), edit_form(order))
    assert response.status_code == 302
    assert fresh(order).version == order.version
    assert list(events_of(order).values_list("type", flat=True)) == [EventType.CREATED]


# --- handover -----------------------------------------------------------------------------------


@pytest.fixture
def colleague(team_a):
    """A second merchandiser in team A, to hand orders to."""
    return staff(Role.MERCHANDISER, team=team_a[0])


def test_handover_of_one_order(client, supervisor, merchandiser, colleague):
    # given
    order = make_order(merchandiser=merchandiser)
    other = make_order(merchandiser=merchandiser)
    client.force_login(supervisor)
    assert client.get(reverse("orders:handover")).status_code == 200
    # when
    response = client.post(
        reverse("orders:handover"),
        {"from_user": merchandiser.pk, "to_user": colleague.pk, "order": order.pk, "reason": "Holiday cover"},
    )
    # then
    assert response.status_code == 302
    assert flashed(response, "1 order(s) handed over.")
    assert fresh(order).merchandiser == colleague
    assert fresh(other).merchandiser == merchandiser
    event = events_of(order, EventType.REASSIGNED).get()
    assert event.actor == supervisor
    assert event.note == "Holiday cover"
    assert event.payload == {"from": merchandiser.username, "to": colleague.username}
    handover = Handover.objects.get()
    assert (handover.from_user, handover.to_user, handover.by, handover.order_count) == (
        merchandiser,
        colleague,
        supervisor,
        1,
    )
    # and the new owner can work on it
    client.force_login(colleague)
    assert client.get(reverse("orders:detail", args=[order.pk])).status_code == 200


def test_handover_of_one_order_returns_to_it_showing_the_new_merchandiser(
    client, supervisor, merchandiser, colleague, other_merchandiser
):
    """Handed over from its page, the order is shown again with its new owner. Another team's merchandiser
    is not a choice: the handover stays within the team, and nothing moves."""
    order = make_order(merchandiser=merchandiser)
    client.force_login(supervisor)
    response = client.post(
        reverse("orders:handover"),
        {"from_user": merchandiser.pk, "to_user": colleague.pk, "order": order.pk, "reason": "Holiday cover"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("orders:detail", args=[order.pk]) + "?tab=overview#order-tab", 302)]
    assert flashed(response, "1 order(s) handed over.")
    assert re.search(rf"<dt>Merchandiser</dt><dd>{re.escape(str(colleague))}</dd>", response.content.decode())

    away = make_order(merchandiser=merchandiser)
    response = client.post(
        reverse("orders:handover"),
        {"from_user": merchandiser.pk, "to_user": other_merchandiser.pk, "order": away.pk, "reason": "Moved"},
    )
    assert response.status_code == 400
    assert fresh(away).merchandiser == merchandiser


def test_handover_of_all_open_orders(client, supervisor, merchandiser, colleague):
    # given two open orders and one cancelled
    open_orders = [make_order(merchandiser=merchandiser), make_order(merchandiser=merchandiser)]
    cancelled = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    post_transition(client, cancelled, "cancel", reason="Duplicate")
    client.force_login(supervisor)
    # when
    response = client.post(
        reverse("orders:handover"),
        {"from_user": merchandiser.pk, "to_user": colleague.pk, "order": "", "reason": "Left the company"},
    )
    # then
    assert response.status_code == 302
    assert flashed(response, "2 order(s) handed over.")
    for order in open_orders:
        assert fresh(order).merchandiser == colleague
        assert events_of(order, EventType.REASSIGNED).count() == 1
    assert fresh(cancelled).merchandiser == merchandiser
    assert not events_of(cancelled, EventType.REASSIGNED).exists()
    assert Handover.objects.get().order_count == 2


def test_handover_needs_reason_and_two_different_people(client, supervisor, merchandiser, colleague):
    order = make_order(merchandiser=merchandiser)
    client.force_login(supervisor)
    no_reason = client.post(
        reverse("orders:handover"), {"from_user": merchandiser.pk, "to_user": colleague.pk, "reason": ""}
    )
    same = client.post(
        reverse("orders:handover"), {"from_user": merchandiser.pk, "to_user": merchandiser.pk, "reason": "x"}
    )
    assert no_reason.status_code == 400
    assert "reason" in no_reason.context["form"].errors
    assert same.status_code == 400
    assert "Choose two different merchandisers." in same.content.decode()
    assert fresh(order).merchandiser == merchandiser
    assert not Handover.objects.exists()


def test_handover_to_another_teams_merchandiser_is_refused_by_the_form(client, supervisor, merchandiser, team_b):
    """Handover is within the team (issue 19 item 12): another team's merchandiser is not a choice."""
    order = make_order(merchandiser=merchandiser)
    stranger = team_b[2]
    client.force_login(supervisor)

    page = client.get(reverse("orders:handover")).content.decode()
    response = client.post(
        reverse("orders:handover"),
        {"from_user": merchandiser.pk, "to_user": stranger.pk, "order": order.pk, "reason": "Holiday cover"},
    )

    assert f'value="{stranger.pk}"' not in page
    assert response.status_code == 400
    assert "to_user" in response.context["form"].errors
    assert fresh(order).merchandiser == merchandiser
    assert not Handover.objects.exists()


def test_handover_to_another_teams_merchandiser_is_refused_by_the_service(supervisor, merchandiser, team_b):
    order = make_order(merchandiser=merchandiser)

    with pytest.raises(NotPermitted):
        order_reassign(order_ids=[order.pk], to_user=team_b[2], actor=supervisor, reason="Holiday cover")

    assert fresh(order).merchandiser == merchandiser
    assert not events_of(order, EventType.REASSIGNED).exists()
    assert not Handover.objects.exists()


@pytest.mark.parametrize("role_fixture", ["merchandiser", "qa_user", "hr_user", "management_user"])
def test_handover_page_is_403_for_non_supervisors(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("orders:handover")).status_code == 403
    assert client.post(reverse("orders:handover"), {}).status_code == 403


# --- the detail page per role -------------------------------------------------------------------


def transition_actions(response, order) -> set[str]:
    body = response.content.decode()
    prefix = reverse("orders:transition", args=[order.pk, "X"])[: -len("X/")]
    return set(re.findall(re.escape(prefix) + r"([a-z_]+)/", body))


def test_detail_shows_owner_the_buttons_of_the_state(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    response = client.get(reverse("orders:detail", args=[order.pk]))
    assert response.status_code == 200
    # Confirm is not offered until the checklist and the confirmation are done: the card says what is missing.
    assert transition_actions(response, order) == {"cancel"}
    body = response.content.decode()
    assert "Confirm order" in body
    assert reverse("orders:edit", args=[order.pk]) in body
    assert reverse("orders:confirmation", args=[order.pk]) in body
    assert reverse("orders:check_item", args=[order.pk, ChecklistItem.objects.first().pk]) in body
    assert "Hand over" not in body


def test_detail_in_production_hides_cancel_from_merchandiser_but_not_supervisor(
    client, monkeypatch, merchandiser, supervisor
):
    order = in_production(make_order(merchandiser=merchandiser), merchandiser, monkeypatch)
    client.force_login(merchandiser)
    # Shipping is done by recording shipments (the next-step card leads there), not by a button that refuses.
    assert transition_actions(client.get(reverse("orders:detail", args=[order.pk])), order) == set()
    client.force_login(supervisor)
    response = client.get(reverse("orders:detail", args=[order.pk]))
    assert transition_actions(response, order) == {"cancel"}
    assert f"{reverse('orders:handover')}?order={order.pk}" in response.content.decode()


@pytest.mark.parametrize("role_fixture", ["qa_user", "hr_user", "management_user"])
def test_detail_shows_read_only_roles_no_actions(client, request, merchandiser, role_fixture):
    order = make_order(merchandiser=merchandiser)
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.get(reverse("orders:detail", args=[order.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert transition_actions(response, order) == set()
    assert "Next steps" not in body
    assert reverse("orders:edit", args=[order.pk]) not in body
    assert reverse("orders:confirmation", args=[order.pk]) not in body
    assert reverse("orders:add_attachment", args=[order.pk]) not in body
    assert "hx-post" not in body


def test_handover_link_from_the_order_prefills_the_form(client, supervisor, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(supervisor)
    response = client.get(reverse("orders:handover"), {"order": order.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["order"].value() == order.pk
    assert form["from_user"].value() == merchandiser.pk


@pytest.mark.parametrize("junk", ["abc", "-1", "999999", ""])
def test_handover_link_with_junk_order_shows_an_empty_form(client, supervisor, junk):
    client.force_login(supervisor)
    response = client.get(reverse("orders:handover"), {"order": junk})
    assert response.status_code == 200
    assert response.context["form"]["order"].value() is None


def test_handover_link_does_not_prefill_an_order_of_another_team(client, supervisor, other_merchandiser):
    order = make_order(merchandiser=other_merchandiser)
    client.force_login(supervisor)
    response = client.get(reverse("orders:handover"), {"order": order.pk})
    assert response.context["form"]["order"].value() is None
    assert response.context["form"]["from_user"].value() is None


# --- attachments --------------------------------------------------------------------------------


def test_attachment_upload_and_download(client, merchandiser, other_merchandiser):
    # given
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    upload = SimpleUploadedFile("spec sheet.pdf", b"%PDF-1.4 spec", content_type="application/pdf")
    response = client.post(
        reverse("orders:add_attachment", args=[order.pk]), {"version": order.version, "file": upload}
    )
    assert response.status_code == 302
    attachment = fresh(order).attachments.get()
    url = reverse("orders:attachment", args=[order.pk, attachment.pk])
    # when the owner downloads it
    response = client.get(url)
    # then it comes as a download, never inline
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="spec sheet.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 spec"  # consuming it closes the file
    # when a merchandiser of another team asks
    client.force_login(other_merchandiser)
    # then 404
    assert client.get(url).status_code == 404


def test_attachment_of_another_order_is_404(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    mine_too = make_order(merchandiser=merchandiser)
    attachment = order_attachment_add(
        order_id=mine_too.pk,
        actor=merchandiser,
        uploaded=SimpleUploadedFile("a.txt", b"hello"),
        kind="other",
    )
    client.force_login(merchandiser)
    assert client.get(reverse("orders:attachment", args=[order.pk, attachment.pk])).status_code == 404


def test_attachment_of_forbidden_type_is_refused(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        reverse("orders:add_attachment", args=[order.pk]), {"version": order.version, "file": upload}
    )
    assert flashed(response, "are not accepted")
    assert not fresh(order).attachments.exists()


def test_handover_offers_the_teams_open_orders_by_name_under_their_merchandiser(
    client, supervisor, merchandiser, colleague, other_merchandiser
):
    zephyr = CustomerFactory(name_en="Zephyr Textiles", name_zh="泽风纺织")
    draft = make_order(merchandiser=merchandiser, customer=zephyr, customer_po="ZT-7")
    entered = advance(make_order(merchandiser=colleague), colleague, "confirm", "enter")
    theirs = make_order(merchandiser=other_merchandiser, customer=zephyr, customer_po="ZT-8")
    client.force_login(supervisor)

    page = client.get(reverse("orders:handover")).content.decode()
    select = page.split('name="order"')[1].split("</select>")[0]

    assert "Only this order (id)" not in page and "Only this order" in page
    assert f'<optgroup label="{merchandiser}">' in select and f'<optgroup label="{colleague}">' in select
    assert f'<option value="{draft.pk}">Draft: Zephyr Textiles PO ZT-7</option>' in select
    assert f'<option value="{entered.pk}">{entered.number}</option>' in select
    assert "ZT-8" not in select and f'value="{theirs.pk}"' not in select  # another team's


def test_handover_of_an_order_that_is_not_the_chosen_merchandisers_is_a_form_error(
    client, supervisor, merchandiser, colleague
):
    colleagues = make_order(merchandiser=colleague)
    client.force_login(supervisor)

    response = client.post(
        reverse("orders:handover"),
        {"from_user": merchandiser.pk, "to_user": colleague.pk, "order": colleagues.pk, "reason": "x"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["order"] == ["This order is not one of that merchandiser's open orders."]
    assert fresh(colleagues).merchandiser == colleague
