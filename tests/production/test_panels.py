"""production/panels.py: the delay form's reasons come from the cache, and any change to a reason made
through the services (production/services/delay_reasons.py, which the admin calls) shows on the next page."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from production.models import DelayReason
from production.services import delay_reason_save

from .conftest import in_production_order


def delay_form_of(client, order) -> str:
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    return page.split('name="delay-reason"')[1].split("</select>")[0]


def test_the_delay_reasons_are_read_once_then_come_from_the_cache(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    first = delay_form_of(client, order)

    with CaptureQueriesContext(connection) as queries:
        again = delay_form_of(client, order)

    assert again == first and "Materials late" in first
    assert not [q for q in queries.captured_queries if q["sql"].startswith('SELECT "production_delayreason"')]


def test_a_new_reason_shows_on_the_next_page(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    delay_form_of(client, order)

    added = delay_reason_save(
        reason=DelayReason(code="port_strike", name_zh="港口罢工", name_en="Port strike", sequence=99)
    )

    assert f'<option value="{added.pk}">Port strike</option>' in delay_form_of(client, order)


def test_a_retired_reason_is_no_longer_offered(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    reason = DelayReason.objects.get(code="material_late")
    assert f'value="{reason.pk}"' in delay_form_of(client, order)

    reason.active = False
    delay_reason_save(reason=reason)

    assert f'value="{reason.pk}"' not in delay_form_of(client, order)


def test_a_reason_retired_in_the_admin_is_no_longer_offered(client, merchandiser):
    order = in_production_order(merchandiser)
    reason = DelayReason.objects.get(code="material_late")
    client.force_login(merchandiser)
    assert f'value="{reason.pk}"' in delay_form_of(client, order)

    admin = get_user_model().objects.create_superuser("reasons-admin", "reasons@example.com", "x")
    client.force_login(admin)
    fields = {"code": reason.code, "name_zh": reason.name_zh, "name_en": reason.name_en, "sequence": reason.sequence}
    response = client.post(reverse("admin:production_delayreason_change", args=[reason.pk]), fields)  # active off
    assert response.status_code == 302

    client.force_login(merchandiser)
    assert f'value="{reason.pk}"' not in delay_form_of(client, order)
