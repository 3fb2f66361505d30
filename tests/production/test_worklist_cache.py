"""The check-in page is kept per merchandiser, view and day (production/worklist_cache.py): a second view
of an unchanged worklist renders nothing, and every write to what it shows is on the very next view."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from orders.models import Customer
from orders.services import order_reassign
from production.models import CheckIn, CheckInStatus, PlanMilestone
from production.services import CheckInInput, checkin_record, production_start

from ..factories import staff
from .conftest import entered_order, in_production_order, run_details

pytestmark = pytest.mark.django_db

URL = reverse("production:my_checkins")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def worklist(client, query: str = "") -> str:
    response = client.get(f"{URL}?{query}" if query else URL)
    assert response.status_code == 200
    return response.content.decode()


def row_ids(html: str) -> set[str]:
    return set(re.findall(r'<form class="checkin card[^"]*" id="checkin-(\d+)"', html))


def test_a_second_view_of_an_unchanged_worklist_reads_nothing_but_the_user(client, merchandiser):
    in_production_order(merchandiser)
    client.force_login(merchandiser)
    first = worklist(client)

    with CaptureQueriesContext(connection) as captured:
        second = worklist(client)

    assert [q["sql"].rsplit(" FROM ", 1)[1].split()[0] for q in captured.captured_queries] == ['"accounts_user"']
    assert TOKEN.sub("", second) == TOKEN.sub("", first)


def test_a_saved_checkin_shows_on_the_next_view(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    assert 'id="checkin-done-count">0<' in worklist(client)
    assert "Foreman Li" not in worklist(client, "show=done")

    checkin_record(
        order_id=order.pk, actor=merchandiser, data=CheckInInput(contact_name="Foreman Li", contact_method="visit")
    )

    html = worklist(client, "show=done")
    assert 'id="checkin-done-count">1<' in html and "Foreman Li" in html


def test_a_renamed_milestone_shows_on_the_next_view(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    worklist(client)

    milestone = PlanMilestone.objects.filter(plan__order=order, actual_date__isnull=True).order_by("sequence").first()
    milestone.name_en = "Bulk fabric in house"
    milestone.save()  # milestone -> plan -> order -> its merchandiser

    assert "Bulk fabric in house" in worklist(client)


def test_a_new_order_in_production_shows_on_the_next_view(client, merchandiser):
    first = in_production_order(merchandiser)
    second = entered_order(merchandiser)
    client.force_login(merchandiser)
    assert row_ids(worklist(client)) == {str(first.pk)}

    production_start(order_id=second.pk, actor=merchandiser, details=run_details())

    assert row_ids(worklist(client)) == {str(first.pk), str(second.pk)}


def test_a_handover_moves_the_row_between_both_worklists_at_once(client, merchandiser, supervisor, team_a):
    colleague = staff(Role.MERCHANDISER, team=team_a[0])
    order = in_production_order(merchandiser)
    other = Client()
    other.force_login(colleague)
    client.force_login(merchandiser)
    assert row_ids(worklist(client)) == {str(order.pk)}
    assert row_ids(worklist(other)) == set()

    order_reassign(order_ids=[order.pk], to_user=colleague, actor=supervisor, reason="Leave")

    assert row_ids(worklist(client)) == set()
    assert row_ids(worklist(other)) == {str(order.pk)}


def test_a_renamed_customer_shows_on_the_next_view(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    worklist(client)

    customer = Customer.objects.get(pk=order.customer_id)
    customer.name_en = "Harbour Knitwear Co"
    customer.save()

    assert "Harbour Knitwear Co" in worklist(client)


def test_each_view_of_the_worklist_is_kept_apart(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    assert row_ids(worklist(client)) == {str(order.pk)}  # to do

    assert row_ids(worklist(client, "show=done")) == set()


def test_a_kept_page_carries_a_fresh_token_that_the_forms_accept(merchandiser):
    order = in_production_order(merchandiser)
    client = Client(enforce_csrf_checks=True)
    client.force_login(merchandiser)
    first = TOKEN.findall(worklist(client))
    second = TOKEN.findall(worklist(client))  # kept
    assert first and second and set(first).isdisjoint(second)

    data = {f"o{order.pk}-{k}": v for k, v in {"contact_name": "Ms Zhou", "contact_method": "wechat"}.items()}
    response = client.post(
        reverse("production:checkin_save", args=[order.pk]), {"csrfmiddlewaretoken": second[0], **data}
    )

    assert response.status_code == 302
    assert CheckIn.objects.get(order=order).status == CheckInStatus.DONE
