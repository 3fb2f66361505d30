"""Every time a page shows is in the company's time zone (settings.TIME_ZONE), whatever the database hands
back: PostgreSQL aware datetimes, SQLite text or naive UTC datetimes."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.utils import timezone

from orders.models import ChecklistItem
from orders.selectors import order_checklist
from orders.services import order_check_item

from ..factories import make_order

pytestmark = pytest.mark.django_db

NOON_UTC = datetime(2026, 3, 2, 4, 5, tzinfo=UTC)  # 12:05 in Shanghai


def test_the_company_time_zone_is_shanghai(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_a_checklist_tick_reads_as_an_aware_time(merchandiser):
    order = make_order(merchandiser=merchandiser)
    item = ChecklistItem.objects.filter(active=True).first()
    with time_machine.travel(NOON_UTC, tick=False):
        order_check_item(order_id=order.pk, item_id=item.pk, actor=merchandiser, checked=True)

    tick = next(row["check"] for row in order_checklist(order=order) if row["item"].pk == item.pk)

    assert timezone.is_aware(tick.checked_at) and tick.checked_at == NOON_UTC


def test_the_checklist_shows_the_tick_time_beside_received_in_local_time(client, merchandiser):
    with time_machine.travel(NOON_UTC, tick=False):
        order = make_order(merchandiser=merchandiser)
        item = ChecklistItem.objects.filter(active=True).first()
        order_check_item(order_id=order.pk, item_id=item.pk, actor=merchandiser, checked=True)
    client.force_login(merchandiser)

    page = client.get(f"/orders/{order.pk}/").content.decode()
    checklist = page.split('id="checklist"')[1].split("</ul>")[0]

    assert "2026-03-02 12:05" in checklist and "04:05" not in checklist
    assert "2026-03-02 12:05" in page.split('id="checklist"')[0]  # "Received", in the header
