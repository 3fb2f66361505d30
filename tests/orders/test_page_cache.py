"""The order page's cache (orders/views/page_cache.py, orders/page_generation.py): a second view of an
unchanged order is served from the cache, and any write to what the page shows is on the very next view."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orders.models import Customer, Order, OrderLine
from production.models import PlanMilestone

from ..conftest import advance
from ..factories import make_order
from ..logistics.helpers import in_production_order

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page(client, order) -> str:
    response = client.get(f"/orders/{order.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def body_of(html: str) -> str:
    """The page without its CSRF tokens, which differ on every response."""
    return TOKEN.sub("", html)


def test_a_second_view_of_an_unchanged_order_reads_no_order_tables(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    first = page(client, order)

    with CaptureQueriesContext(connection) as captured:
        second = page(client, order)

    # Each query's main table (its last FROM: the stamp reads the newest event id in a subquery).
    tables = [q["sql"].rsplit(" FROM ", 1)[1].split()[0] for q in captured.captured_queries]
    assert tables == ['"accounts_user"', '"orders_order"']  # the user, as every page; the order's stamp
    assert body_of(second) == body_of(first)


def test_the_page_is_rendered_every_time_when_the_cache_is_off(client, merchandiser, settings):
    settings.PAGE_CACHE_SECONDS = 0
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    page(client, order)

    with CaptureQueriesContext(connection) as captured:
        page(client, order)

    assert any("production_planmilestone" in q["sql"] for q in captured.captured_queries)


def test_a_service_write_shows_on_the_next_view(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    assert "state-confirmed" not in page(client, order)

    advance(order, merchandiser, "confirm")

    assert 'class="badge state-confirmed"' in page(client, order)


def test_a_row_that_points_at_the_order_shows_on_the_next_view(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    page(client, order)

    line = OrderLine.objects.filter(order=order).first()
    line.description = "Recut collar, navy"
    line.save()  # no service, no event: the signal alone marks the page

    assert "Recut collar, navy" in page(client, order)


def test_a_row_two_steps_from_the_order_shows_on_the_next_view(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    page(client, order)

    milestone = PlanMilestone.objects.filter(plan__order=order).order_by("sequence").first()
    milestone.name_en = "Lab dip sign-off by buyer"
    milestone.save()  # milestone -> plan -> order

    assert "Lab dip sign-off by buyer" in page(client, order)


def test_a_renamed_customer_shows_on_every_order_page_at_once(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    page(client, order)

    customer = Customer.objects.get(pk=order.customer_id)
    customer.name_en = "Zephyr Textiles Ltd"
    customer.save()

    assert "Zephyr Textiles Ltd" in page(client, order)


def test_a_bulk_update_of_the_orders_flags_shows_at_once(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    assert "flag-risk" not in page(client, order)

    Order.objects.filter(pk=order.pk).update(is_at_risk=True)  # no signal: the stamp sees it

    assert "flag-risk" in page(client, order)


def test_someone_who_may_no_longer_see_the_order_gets_404_not_the_stored_page(client, merchandiser, other_merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    page(client, order)

    Order.objects.filter(pk=order.pk).update(merchandiser=other_merchandiser)  # no signal

    assert client.get(f"/orders/{order.pk}/").status_code == 404


def test_each_viewer_gets_their_own_buttons(client, merchandiser, qa_user):
    order = make_order(merchandiser=merchandiser)
    edit = f'href="/orders/{order.pk}/edit/"'
    client.force_login(merchandiser)
    assert edit in page(client, order)

    client.force_login(qa_user)  # read-only: the owner's stored page must not be served

    assert edit not in page(client, order)


def test_each_language_gets_its_own_page(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    assert "Verification checklist" in page(client, order)

    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])

    chinese = page(client, order)
    assert "核对清单" in chinese and "Verification checklist" not in chinese


def test_a_stored_page_carries_a_fresh_token_that_the_forms_accept(merchandiser):
    order = make_order(merchandiser=merchandiser)
    client = Client(enforce_csrf_checks=True)
    client.force_login(merchandiser)
    first = TOKEN.findall(page(client, order))
    second = TOKEN.findall(page(client, order))  # from the cache
    assert first and second and set(first).isdisjoint(second)  # masked anew on each response

    response = client.post(
        f"/orders/{order.pk}/transition/cancel/",
        {"csrfmiddlewaretoken": second[0], "version": order.version, "reason": "Customer withdrew"},
    )

    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_an_htmx_rendering_is_never_served_to_a_plain_request(client, merchandiser):
    order = make_order(merchandiser=merchandiser)  # received: the checklist is live
    client.force_login(merchandiser)
    assert "hx-swap-oob" in client.get(f"/orders/{order.pk}/", HTTP_HX_REQUEST="true").content.decode()

    assert "hx-swap-oob" not in page(client, order)


def test_unknown_sections_asked_open_share_the_plain_page(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    page(client, order)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/orders/{order.pk}/?open=nonsense&open=%00")

    assert response.status_code == 200
    assert len(captured) == 2  # the user and the stamp: the plain page's kept body, not a new one


def test_text_that_looks_like_the_token_marker_is_shown_literally(client, merchandiser):
    """A note can hold any text, including the marker a kept body once used for the CSRF token: it is shown
    as typed, never swapped for the viewer's token (hostile test, issue 19 item 9)."""
    note = "Call back __kept-page-csrf-token__ tomorrow"
    order = make_order(merchandiser=merchandiser, notes=note)
    client.force_login(merchandiser)

    first = page(client, order)
    second = page(client, order)  # from the cache

    for html in (first, second):
        assert note in html
        token = TOKEN.search(html).group(1)
        assert token not in html.replace(f'value="{token}"', "")  # the token is in the forms only
