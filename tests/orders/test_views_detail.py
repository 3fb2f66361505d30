"""The order page (orders/views/detail.py): the stepper, the next-step card, and the tabs (orders.hooks
OrderTab/OrderPanel). Only the open tab is read and drawn; another is fetched by htmx or asked with ?tab=."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aftersales.services import orders_close_finished
from orders.models import Order
from orders.services import order_transition

from ..conftest import advance, verify_and_confirm
from ..factories import make_order
from ..logistics.helpers import after_sales_order, in_production_order, shipped_order


def page_of(client, order, query: str = "") -> str:
    response = client.get(reverse("orders:detail", args=[order.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def open_tab(page: str) -> str:
    return re.search(r'<a href="\?tab=(\w+)#order-tab"[^>]*aria-current="page"', page).group(1)


def tab_of(client, order, key: str):
    return client.get(reverse("orders:tab", args=[order.pk, key]))


def card(page: str) -> str:
    return page.split('id="next-step"', 1)[1].split("</section>", 1)[0] if 'id="next-step"' in page else ""


# --- which tab opens, and what is read ------------------------------------------------------------------


def test_a_received_order_opens_on_its_overview_with_checklist_and_confirmation(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    page = page_of(client, order)

    assert open_tab(page) == "overview"
    assert 'id="checklist"' in page and "Record the customer's confirmation" in page
    assert "No notifications sent for this order." not in page  # another tab: not read at all
    assert 'id="panel-production-plan"' not in page


@pytest.mark.parametrize(
    ("state", "tab"),
    [
        ("entered", "production"),
        ("in_production", "production"),
        ("shipped", "shipments"),
        ("after_sales", "aftersales"),
    ],
)
def test_the_tab_of_the_orders_stage_opens_first(client, merchandiser, state, tab):
    if state == "entered":
        order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm", "enter")
    elif state == "in_production":
        order = in_production_order(merchandiser)
    elif state == "shipped":
        order = shipped_order(merchandiser)[0]
    else:
        order = after_sales_order(merchandiser)
    client.force_login(merchandiser)

    assert open_tab(page_of(client, order)) == tab


def test_every_tab_is_a_link_that_works_without_javascript(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)

    page = page_of(client, order)
    lines = page_of(client, order, "?tab=lines")

    for key in ("overview", "lines", "production", "shipments", "aftersales", "record"):
        assert f'href="?tab={key}#order-tab"' in page
        assert f'hx-get="/orders/{order.pk}/tabs/{key}/"' in page
    assert open_tab(lines) == "lines" and 'id="panel-lines"' in lines
    assert "Ningbo No. 2 garment factory" not in lines  # the production tab is not drawn


def test_a_tab_fetched_by_htmx_comes_with_its_tab_bar(client, merchandiser):
    order = shipped_order(merchandiser)[0]
    client.force_login(merchandiser)

    fragment = tab_of(client, order, "production").content.decode()

    assert open_tab(fragment) == "production"
    assert "Ningbo No. 2 garment factory" in fragment and "<html" not in fragment


def test_a_mentioned_you_link_opens_the_tab_holding_the_discussion(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    page = page_of(client, order, "?open=discussion")

    assert open_tab(page) == "record" and 'id="discussion"' in page


def test_a_tab_nobody_registered_is_not_found_and_a_typed_one_is_ignored(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    assert tab_of(client, order, "no-such-tab").status_code == 404
    assert open_tab(page_of(client, order, "?tab=<script>")) == "overview"


def test_a_tab_of_someone_elses_order_is_not_found(client, merchandiser, other_merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(other_merchandiser)

    assert tab_of(client, order, "record").status_code == 404


def test_an_outsider_is_sent_to_sign_in(client, merchandiser):
    order = make_order(merchandiser=merchandiser)

    response = tab_of(client, order, "record")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the stepper ----------------------------------------------------------------------------------------


def test_the_stepper_shows_each_stage_reached_with_its_date_and_the_current_one(client, merchandiser):
    order = shipped_order(merchandiser)[0]
    client.force_login(merchandiser)

    page = page_of(client, order)
    stepper = page.split('class="journey"', 1)[1].split("</ol>", 1)[0]

    today = timezone.localdate().isoformat()
    assert re.search(r'<li class="current" aria-current="step"><span class="journey-label">Shipped</span>', stepper)
    assert stepper.count('class="done"') == 4  # received, confirmed, entered, in production
    assert stepper.count(f">{today}</time>") == 5
    assert "After-sales</span></li>" in stepper  # not reached: no date


def test_a_cancelled_order_says_so_beside_where_it_stopped(client, merchandiser):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")
    order_transition(order_id=order.pk, name="cancel", actor=merchandiser, reason="Customer withdrew")
    client.force_login(merchandiser)

    page = page_of(client, order)

    assert "state-cancelled" in page and "Customer withdrew" in page
    assert 'aria-current="step"' not in page
    assert "Next step:" not in page  # nothing left to do


# --- the next-step card ---------------------------------------------------------------------------------


def test_a_received_order_says_what_stands_in_the_way_of_confirming_with_no_button(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    step = card(page_of(client, order))

    assert "Next step: Confirm order" in step
    assert "Tick every checklist item first" in step and "Record the customer&#x27;s confirmation first." in step
    assert 'href="?tab=overview#order-tab"' in step
    assert 'type="submit">Confirm order</button>' not in step


def test_once_nothing_is_missing_the_card_button_confirms(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    verify_and_confirm(order, merchandiser)
    client.force_login(merchandiser)

    step = card(page_of(client, order))

    assert f'action="/orders/{order.pk}/transition/confirm/"' in step
    assert "Not possible yet" not in step


def test_an_entered_order_starts_production_from_the_card_with_the_runs_details(client, merchandiser):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm", "enter")
    client.force_login(merchandiser)

    page = page_of(client, order)

    assert 'id="start-production-form"' in card(page)
    assert page.count('id="start-production-form"') == 1  # not a second time in the production panel


def test_an_order_in_production_leads_to_recording_a_shipment_not_to_a_refusing_button(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)

    step = card(page_of(client, order))

    assert f'href="/logistics/orders/{order.pk}/shipments/new/">Record a shipment</a>' in step
    assert ">Mark shipped</button>" not in step


def test_a_shipped_order_shows_why_after_sales_has_not_begun_and_where_to_look(client, merchandiser):
    order = shipped_order(merchandiser)[0]
    client.force_login(merchandiser)

    step = card(page_of(client, order))

    assert "Delivery is not confirmed yet for 1 of 1 shipment(s)." in step
    assert 'href="?tab=shipments#order-tab"' in step
    assert "</button>" not in step.split('class="actions more-actions"')[0]


def test_someone_who_may_not_do_the_step_sees_what_comes_next_and_no_form(client, merchandiser, qa_user):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm", "enter")
    client.force_login(qa_user)

    step = card(page_of(client, order))

    assert "Next step: Start production" in step
    assert "<form" not in step


def test_a_closed_order_has_no_next_step(client, merchandiser):
    order = after_sales_order(merchandiser)
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        orders_close_finished()
    order = Order.objects.get(pk=order.pk)
    client.force_login(merchandiser)

    page = page_of(client, order)

    assert order.status == "closed" and open_tab(page) == "overview"
    assert "Next step:" not in page


def test_a_checklist_tick_by_htmx_asks_the_card_to_refresh(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    page = page_of(client, order)
    item_id = re.search(rf"/orders/{order.pk}/check/(\d+)/", page).group(1)

    response = client.post(
        reverse("orders:check_item", args=[order.pk, item_id]), {"checked": "1"}, headers={"HX-Request": "true"}
    )
    refreshed = client.get(reverse("orders:next_step", args=[order.pk]))

    assert response["HX-Trigger"] == "order-changed"
    assert refreshed.status_code == 200 and "Next step: Confirm order" in refreshed.content.decode()


# --- after a save -----------------------------------------------------------------------------------------


def test_after_a_save_the_page_opens_on_the_tab_used_with_the_message_at_its_top(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    version = Order.objects.get(pk=order.pk).version

    response = client.post(
        reverse("orders:add_attachment", args=[order.pk]),
        {"version": version, "file": SimpleUploadedFile("po.pdf", b"%PDF-1.4 test", content_type="application/pdf")},
    )
    assert response["Location"] == f"/orders/{order.pk}/?tab=overview#order-tab"
    page = client.get(response["Location"]).content.decode()

    tab = page.split('id="order-tab"', 1)[1]
    assert "The file is attached." in tab.split('id="panel-details"', 1)[0]  # at the top of the tab
    assert page.count("The file is attached.") == 1  # not a second time above the page


def test_a_stage_form_comes_back_to_its_own_tab(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)

    response = client.post(reverse("production:delay", args=[order.pk]), {"delay-version": "x"})

    assert response["Location"] == f"/orders/{order.pk}/?tab=production#order-tab"


@pytest.mark.parametrize(
    ("language", "overview", "record"), [("en", "Overview", "Work record"), ("zh-hans", "概览", "工作记录")]
)
def test_the_tabs_speak_the_users_language(client, merchandiser, language, overview, record):
    order = make_order(merchandiser=merchandiser)
    merchandiser.preferred_language = language
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)

    page = page_of(client, order)

    assert f">{overview}</a>" in page and f">{record}</a>" in page
