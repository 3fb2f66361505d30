"""Fast entry (issue 18, item 2): "Tick all" on the checklist, the intake grid's style numbers, the duplicate
question asked only on a duplicate, and the confirmation time that starts at now."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.errors import NotPermitted, Stale, TransitionRefused
from orders.forms import ConfirmationForm
from orders.models import ChecklistItem, EventType, Order, OrderCheck, OrderEvent, OrderLine
from orders.selectors import product_for_style, products_visible_to
from orders.services import order_check_all, order_check_item, order_transition

from ..conftest import verify_and_confirm
from ..factories import CustomerFactory, ProductFactory, make_order, staff
from .test_views_orders import phone_form

pytestmark = pytest.mark.django_db


def fresh(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


def ticked_events(order: Order):
    return OrderEvent.objects.filter(order=order, type=EventType.CHECKED)


# --- tick all: the service ------------------------------------------------------------------------------


def test_tick_all_records_each_item_with_who_and_when_and_its_own_event(merchandiser):
    # given an order with the first item already ticked by someone earlier
    order = make_order(merchandiser=merchandiser)
    items = list(ChecklistItem.objects.filter(active=True))
    assert len(items) > 2
    with time_machine.travel(timezone.now() - timedelta(hours=2)):
        order_check_item(order_id=order.pk, item_id=items[0].pk, actor=merchandiser, checked=True)
    earlier = OrderCheck.objects.get(order=order, item=items[0])
    version = fresh(order).version
    # when the rest are ticked at once
    before = timezone.now()
    order_check_all(order_id=order.pk, actor=merchandiser, expected_version=version)
    # then every item is ticked, each with who and when, and the first keeps its own tick
    checks = {c.item_id: c for c in OrderCheck.objects.filter(order=order)}
    assert set(checks) == {item.pk for item in items}
    assert checks[items[0].pk].checked_at == earlier.checked_at
    for item in items[1:]:
        assert checks[item.pk].checked_by == merchandiser
        assert checks[item.pk].checked_at >= before
    # one "ticked" event per item, as the single ticks write; the version moved once
    assert sorted(e.payload["item"] for e in ticked_events(order)) == sorted(i.code for i in items)
    assert all(e.actor == merchandiser for e in ticked_events(order))
    assert fresh(order).version == version + 1


def test_tick_all_with_nothing_open_changes_nothing(merchandiser):
    order = make_order(merchandiser=merchandiser)
    order_check_all(order_id=order.pk, actor=merchandiser)
    version, events = fresh(order).version, ticked_events(order).count()
    order_check_all(order_id=order.pk, actor=merchandiser, expected_version=version)
    assert fresh(order).version == version
    assert ticked_events(order).count() == events


def test_tick_all_refuses_a_stale_page_and_ticks_nothing(merchandiser):
    order = make_order(merchandiser=merchandiser)
    with pytest.raises(Stale):
        order_check_all(order_id=order.pk, actor=merchandiser, expected_version=order.version - 1)
    assert not OrderCheck.objects.filter(order=order).exists()


@pytest.mark.parametrize("who", ["other_merchandiser", "qa_user"])
def test_tick_all_is_refused_to_whoever_may_not_change_the_order(request, merchandiser, who):
    order = make_order(merchandiser=merchandiser)
    with pytest.raises(NotPermitted):
        order_check_all(order_id=order.pk, actor=request.getfixturevalue(who))
    assert not OrderCheck.objects.filter(order=order).exists()


def test_tick_all_is_closed_once_the_order_is_confirmed(merchandiser):
    order = make_order(merchandiser=merchandiser)
    verify_and_confirm(order, merchandiser)
    order_transition(order_id=order.pk, name="confirm", actor=merchandiser)
    with pytest.raises(TransitionRefused):
        order_check_all(order_id=order.pk, actor=merchandiser)


# --- tick all: the page ---------------------------------------------------------------------------------


def test_the_checklist_offers_tick_all_only_to_its_editor_while_items_are_open(client, merchandiser, supervisor):
    order = make_order(merchandiser=merchandiser)
    open_items = ChecklistItem.objects.filter(active=True).count()
    client.force_login(merchandiser)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert f"Tick all {open_items} open items" in page
    assert reverse("orders:check_all", args=[order.pk]) in page
    client.force_login(staff(Role.QA))
    assert "Tick all" not in client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    order_check_all(order_id=order.pk, actor=merchandiser)
    client.force_login(merchandiser)
    assert "Tick all" not in client.get(reverse("orders:detail", args=[order.pk])).content.decode()


def test_tick_all_with_htmx_answers_with_the_ticked_checklist_and_the_new_version(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    response = client.post(
        reverse("orders:check_all", args=[order.pk]), {"version": order.version}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["orders/_checklist.html"]
    body = response.content.decode()
    assert "Tick: " not in body and "Tick all" not in body
    assert body.count('aria-label="Clear: ') == ChecklistItem.objects.filter(active=True).count()
    oob = re.search(r'<input[^>]*hx-swap-oob="outerHTML:input\[name=version\]"[^>]*>', body)
    assert oob is not None and f'value="{fresh(order).version}"' in oob.group(0)


def test_tick_all_from_a_stale_page_says_so_and_ticks_nothing(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    response = client.post(reverse("orders:check_all", args=[order.pk]), {"version": order.version + 5})
    assert response.status_code == 302
    assert not OrderCheck.objects.filter(order=order).exists()


def test_tick_all_on_another_teams_order_is_404(client, merchandiser, other_merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(other_merchandiser)
    assert client.post(reverse("orders:check_all", args=[order.pk]), {"version": order.version}).status_code == 404
    assert not OrderCheck.objects.filter(order=order).exists()


# --- the style number -----------------------------------------------------------------------------------


def test_products_are_visible_to_the_roles_of_the_product_list_only(merchandiser, hr_user):
    product = ProductFactory(style_no="TS-9001")
    assert product_for_style(user=merchandiser, style_no=" ts-9001 ") == product
    assert product_for_style(user=merchandiser, style_no="NOPE") is None
    assert product_for_style(user=merchandiser, style_no="  ") is None
    assert not products_visible_to(hr_user).exists()
    assert product_for_style(user=hr_user, style_no="TS-9001") is None


def test_the_lookup_answers_description_and_unit_of_a_style(client, merchandiser):
    product = ProductFactory(style_no="TS-9002", name_en="Polo shirt", name_zh="POLO衫")
    client.force_login(merchandiser)
    found = client.get(reverse("orders:product_lookup"), {"style_no": "ts-9002"})
    assert found.status_code == 200
    assert found.json() == {"found": True, "style_no": "TS-9002", "description": "Polo shirt", "unit": product.unit_id}
    unknown = client.get(reverse("orders:product_lookup"), {"style_no": "XX-0"})
    assert unknown.json() == {"found": False}


def test_the_lookup_is_refused_to_roles_that_do_not_see_products(client, hr_user):
    ProductFactory(style_no="TS-9003")
    client.force_login(hr_user)
    response = client.get(reverse("orders:product_lookup"), {"style_no": "TS-9003"})
    assert response.status_code in (403, 404)
    assert b"Test product" not in response.content


def test_an_unknown_style_number_is_a_cell_error_and_nothing_is_saved(client, merchandiser):
    client.force_login(merchandiser)
    lines = [{"style_no": "ZZ-404", "quantity": "5", "unit_price": "1"}]
    response = client.post(reverse("orders:intake_phone"), phone_form(CustomerFactory(), lines=lines))
    assert response.status_code == 400
    assert "No product has the style number “ZZ-404”." in response.content.decode()
    assert not Order.objects.exists()


def test_a_described_line_without_a_unit_asks_for_the_unit(client, merchandiser):
    client.force_login(merchandiser)
    lines = [{"description": "Socks", "quantity": "5", "unit_price": "1"}]
    response = client.post(reverse("orders:intake_phone"), phone_form(CustomerFactory(), lines=lines))
    assert response.status_code == 400
    assert "Choose the unit." in response.content.decode()
    assert not OrderLine.objects.exists()


# --- the grid -------------------------------------------------------------------------------------------


def test_the_phone_page_draws_the_lines_as_a_grid_with_a_label_on_every_cell(client, merchandiser):
    client.force_login(merchandiser)
    page = client.get(reverse("orders:intake_phone")).content.decode()
    grid = page.split('<table class="table line-grid"', 1)[1].split("</table>", 1)[0]
    assert grid.count('<tr class="line-row">') == 3  # empty rows to spare without JavaScript
    assert 'name="lines-TOTAL_FORMS" value="3"' in page
    for n in range(3):
        for name in ("style_no", "description", "colour", "size", "quantity", "unit", "unit_price"):
            assert f'<label class="visually-hidden" for="id_lines-{n}-{name}">' in grid
    assert "New line" not in page
    assert '<template id="lines-empty">' in page and "__prefix__" in page.split('<template id="lines-empty">')[1]
    assert "js/line-grid.js" in page


def test_rows_left_empty_are_not_lines(client, merchandiser):
    client.force_login(merchandiser)
    pcs = ProductFactory().unit_id
    cap = {"description": "Cap", "quantity": "3", "unit": pcs, "unit_price": "2"}
    data = phone_form(CustomerFactory(), lines=[cap])
    data.update({"lines-TOTAL_FORMS": "4", "lines-3-description": "Scarf", "lines-3-quantity": "1"})
    data.update({"lines-3-unit": pcs, "lines-3-unit_price": "4"})
    assert client.post(reverse("orders:intake_phone"), data).status_code == 302
    assert list(OrderLine.objects.order_by("line_no").values_list("description", flat=True)) == ["Cap", "Scarf"]


# --- the duplicate question -----------------------------------------------------------------------------

QUESTION = "Save anyway: I have checked that this is not a duplicate"


def test_a_new_order_is_not_asked_the_duplicate_question(client, merchandiser):
    client.force_login(merchandiser)
    assert QUESTION not in client.get(reverse("orders:intake_phone")).content.decode()
    # nor when the page comes back for another reason
    data = phone_form(CustomerFactory(), customer_po="NEW-1", currency="")
    invalid = client.post(reverse("orders:intake_phone"), data)
    assert invalid.status_code == 400
    assert QUESTION not in invalid.content.decode()


def test_a_duplicate_is_asked_and_still_needs_the_answer(client, merchandiser):
    customer = CustomerFactory()
    make_order(merchandiser=merchandiser, customer=customer, customer_po="PO-TWICE")
    client.force_login(merchandiser)
    asked = client.post(reverse("orders:intake_phone"), phone_form(customer, customer_po="PO-TWICE"))
    assert asked.status_code == 400 and QUESTION in asked.content.decode()
    # saved again without ticking it: asked again, nothing saved
    again = client.post(reverse("orders:intake_phone"), phone_form(customer, customer_po="PO-TWICE"))
    assert again.status_code == 400 and QUESTION in again.content.decode()
    assert Order.objects.filter(customer_po="PO-TWICE").count() == 1
    saved = client.post(
        reverse("orders:intake_phone"), phone_form(customer, customer_po="PO-TWICE", confirm_duplicate="on")
    )
    assert saved.status_code == 302
    assert Order.objects.filter(customer_po="PO-TWICE").count() == 2


def test_a_ticked_answer_is_kept_when_the_page_comes_back_for_another_reason(client, merchandiser):
    customer = CustomerFactory()
    make_order(merchandiser=merchandiser, customer=customer, customer_po="PO-KEEP")
    client.force_login(merchandiser)
    data = phone_form(customer, customer_po="PO-KEEP", confirm_duplicate="on", currency="")
    page = client.post(reverse("orders:intake_phone"), data).content.decode()
    question = re.search(r'<input[^>]*name="order-confirm_duplicate"[^>]*>', page)
    assert question is not None and "checked" in question.group(0)


# --- the confirmation time ------------------------------------------------------------------------------


def test_confirmed_at_starts_at_now_in_the_active_time_zone(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    moment = timezone.make_aware(datetime(2026, 11, 3, 22, 47, 31), timezone.get_fixed_timezone(0))
    with time_machine.travel(moment, tick=False), timezone.override("Asia/Shanghai"):
        initial = ConfirmationForm()["confirmed_at"].value()
        assert initial.strftime("%Y-%m-%d %H:%M") == "2026-11-04 06:47"  # in the active time zone
    with time_machine.travel(timezone.now(), tick=False):
        page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    field = re.search(r'<input[^>]*name="confirmed_at"[^>]*>', page)
    assert field is not None and f'value="{now}"' in field.group(0)
