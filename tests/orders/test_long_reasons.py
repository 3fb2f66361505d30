"""A reason as long as its form allows is kept whole in the field history. The history's reason column was a
varchar(100) while the forms take up to 2,000 characters: on PostgreSQL a long correction reason, handover
reason or delay note was a DataError (a 500) and nothing was saved. SQLite does not enforce the length, so
this fails before the fix on PostgreSQL only (DATABASE_URL=postgres://...)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.roles import Role
from orders.models import Order
from orders.services import promise_approve
from production.models import DelayReason
from production.services import delay_record

from ..conftest import advance
from ..factories import make_order, staff
from ..logistics.helpers import in_production_order

pytestmark = pytest.mark.django_db

LONG = ("The customer's buyer called twice and confirmed in writing; " * 40)[:2000]


def test_a_correction_with_a_long_reason_is_saved_with_it(client, merchandiser):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")
    client.force_login(merchandiser)
    form = {
        "version": order.version,
        "customer_po": "PO-REVISED",
        "delivery_date": order.delivery_date.isoformat(),
        "reason": LONG,
    }
    for line in order.lines.all():
        for field in ("description", "colour", "size", "quantity", "unit_price"):
            form[f"line-{line.pk}-{field}"] = getattr(line, field)
        form[f"line-{line.pk}-unit"] = line.unit_id

    response = client.post(reverse("orders:edit", args=[order.pk]), form)

    assert response.status_code == 302
    record = Order.objects.get(pk=order.pk).history.first()
    assert (record.customer_po, record.history_change_reason) == ("PO-REVISED", LONG)


def test_a_handover_with_a_long_reason_is_saved_with_it(client, supervisor, merchandiser, team_a):
    colleague = staff(Role.MERCHANDISER, team=team_a[0])
    order = make_order(merchandiser=merchandiser)
    client.force_login(supervisor)

    response = client.post(
        reverse("orders:handover"),
        {"from_user": merchandiser.pk, "to_user": colleague.pk, "order": order.pk, "reason": LONG},
    )

    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).history.first().history_change_reason == LONG


def test_a_delay_with_a_long_note_is_saved_with_it(merchandiser, supervisor):
    order = in_production_order(merchandiser)

    proposal = delay_record(
        order_id=order.pk,
        actor=merchandiser,
        reason_id=DelayReason.objects.get(code="capacity").pk,
        new_date=order.delivery_date + timedelta(days=10),
        note=LONG,
    )
    promise_approve(promise_id=proposal.pk, actor=supervisor)

    assert proposal.note == LONG
    assert Order.objects.get(pk=order.pk).history.first().history_change_reason.endswith(LONG)
