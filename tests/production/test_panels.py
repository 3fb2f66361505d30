"""production/panels.py: the delay form's reasons come from the cache, and any change to a reason shows on
the next page (production.selectors.forget_delay_reasons, connected in ProductionConfig)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from production.models import DelayReason

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

    added = DelayReason.objects.create(code="port_strike", name_zh="港口罢工", name_en="Port strike", sequence=99)

    assert f'<option value="{added.pk}">Port strike</option>' in delay_form_of(client, order)


def test_a_retired_reason_is_no_longer_offered(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    reason = DelayReason.objects.get(code="material_late")
    assert f'value="{reason.pk}"' in delay_form_of(client, order)

    reason.active = False
    reason.save()

    assert f'value="{reason.pk}"' not in delay_form_of(client, order)
