"""The order page folds what is history (orders/views/detail.py, orders.hooks.OrderPanel.live_states): a
folded section costs no query until someone opens it, by htmx or with ?open=<key> without JavaScript."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aftersales.services import orders_close_finished
from orders.models import Order

from ..conftest import advance
from ..factories import make_order
from ..logistics.helpers import after_sales_order, in_production_order, shipped_order


def page_of(client, order, query: str = "") -> str:
    response = client.get(reverse("orders:detail", args=[order.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def folded(page: str, order, key: str) -> bool:
    return f'hx-get="/orders/{order.pk}/sections/{key}/"' in page


def section_of(client, order, key: str):
    return client.get(reverse("orders:section", args=[order.pk, key]))


def test_a_received_order_shows_its_checklist_and_confirmations_and_folds_the_notification_log(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    page = page_of(client, order)

    assert not folded(page, order, "checklist") and 'id="checklist"' in page
    assert not folded(page, order, "confirmations") and "Record the customer's confirmation" in page
    assert folded(page, order, "notifications")
    assert "No notifications sent for this order." not in page  # not read at all


def test_after_entry_the_checklist_is_history_read_only_when_opened(client, merchandiser):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm", "enter")
    client.force_login(merchandiser)

    page = page_of(client, order)
    opened = section_of(client, order, "checklist")
    unfolded = page_of(client, order, "?open=checklist")

    assert folded(page, order, "checklist") and 'id="checklist"' not in page
    assert folded(page, order, "confirmations")
    assert opened.status_code == 200 and 'id="checklist"' in opened.content.decode()
    assert "☑" in opened.content.decode()  # the ticks made before confirming
    assert not folded(unfolded, order, "checklist") and 'id="checklist"' in unfolded
    assert folded(unfolded, order, "confirmations")  # only what was asked for opens


def test_the_checklist_opened_after_entry_cannot_be_ticked(client, merchandiser):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm", "enter")
    client.force_login(merchandiser)

    opened = section_of(client, order, "checklist").content.decode()

    assert "hx-post" not in opened


def test_in_production_every_stage_is_live(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)

    page = page_of(client, order)

    for key in ("production-plan", "production", "logistics", "aftersales"):
        assert not folded(page, order, key), key
    assert "Ningbo No. 2 garment factory" in page
    assert 'id="start-production-form"' not in page


def test_once_shipped_production_is_folded_and_opens_with_its_run(client, merchandiser):
    order = shipped_order(merchandiser)[0]
    client.force_login(merchandiser)

    page = page_of(client, order)
    opened = section_of(client, order, "production")

    assert folded(page, order, "production") and folded(page, order, "production-plan")
    assert f'id="run-h-{order.pk}"' not in page
    assert opened.status_code == 200 and f'id="run-h-{order.pk}"' in opened.content.decode()
    assert "Ningbo No. 2 garment factory" in opened.content.decode()
    assert not folded(page, order, "logistics") and not folded(page, order, "aftersales")


def test_a_closed_order_folds_its_shipments_too(client, merchandiser):
    order = after_sales_order(merchandiser)
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        orders_close_finished()
    order = Order.objects.get(pk=order.pk)
    client.force_login(merchandiser)

    page = page_of(client, order)

    assert order.status == "closed"
    assert folded(page, order, "logistics")
    assert not folded(page, order, "aftersales")
    assert "SF Express" in section_of(client, order, "logistics").content.decode()


def test_a_section_nobody_registered_is_not_found(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    assert section_of(client, order, "no-such-section").status_code == 404


def test_a_section_of_someone_elses_order_is_not_found(client, merchandiser, other_merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(other_merchandiser)

    assert section_of(client, order, "notifications").status_code == 404


def test_an_outsider_is_sent_to_sign_in(client, merchandiser):
    order = make_order(merchandiser=merchandiser)

    response = section_of(client, order, "notifications")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("language", "show", "load"), [("en", "Show", "Load this section"), ("zh-hans", "显示", "加载此部分")]
)
def test_a_folded_section_speaks_the_users_language(client, merchandiser, language, show, load):
    order = make_order(merchandiser=merchandiser)
    merchandiser.preferred_language = language
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)

    page = page_of(client, order)

    assert f"<summary>{show}</summary>" in page
    assert load in page
