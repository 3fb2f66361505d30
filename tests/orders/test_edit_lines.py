from decimal import Decimal

import pytest

from orders.models import OrderEvent, OrderLine

from ..conftest import advance
from ..factories import make_order


def edit_payload(order, line, **line_values):
    data = {"version": order.version, "delivery_date": order.delivery_date.isoformat(), "reason": "PO revision 2"}
    values = {
        "description": line.description,
        "colour": "",
        "size": "",
        "quantity": "100",
        "unit": line.unit_id,
        "unit_price": "2.5",
        **line_values,
    }
    data.update({f"line-{line.pk}-{k}": v for k, v in values.items()})
    return data


@pytest.mark.django_db
def test_line_change_after_confirmation_is_a_recorded_correction(client, merchandiser):
    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")
    line = order.lines.get()
    client.force_login(merchandiser)
    response = client.post(f"/orders/{order.pk}/edit/", edit_payload(order, line, quantity="120"))
    assert response.status_code == 302
    assert OrderLine.objects.get(pk=line.pk).quantity == Decimal("120")
    event = OrderEvent.objects.get(order=order, type="correction")
    assert event.payload["changes"] == [{"field": "line 1 quantity", "old": "100.00", "new": "120"}]
    assert line.history.latest().history_change_reason == "PO revision 2"


@pytest.mark.django_db
def test_negative_quantity_is_refused_and_nothing_changes(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    line = order.lines.get()
    client.force_login(merchandiser)
    response = client.post(f"/orders/{order.pk}/edit/", edit_payload(order, line, quantity="-5"))
    assert response.status_code == 400
    assert OrderLine.objects.get(pk=line.pk).quantity == Decimal("100")
    assert not OrderEvent.objects.filter(order=order, type__in=["correction", "fields_changed"]).exists()


@pytest.mark.django_db
def test_read_only_roles_cannot_open_the_edit_form(client, merchandiser, qa_user):
    order = make_order(merchandiser=merchandiser)
    client.force_login(qa_user)
    assert client.get(f"/orders/{order.pk}/edit/").status_code == 403


@pytest.mark.django_db
def test_a_changed_unit_reads_by_its_name_in_the_record_not_its_id(client, merchandiser):
    from orders.models import Unit

    order = advance(make_order(merchandiser=merchandiser), merchandiser, "confirm")
    line = order.lines.get()
    old_unit, new_unit = line.unit, Unit.objects.exclude(pk=line.unit_id).order_by("code").first()
    client.force_login(merchandiser)
    client.post(f"/orders/{order.pk}/edit/", edit_payload(order, line, unit=new_unit.pk))

    page = client.get(f"/orders/{order.pk}/?tab=record").content.decode()
    record = page.split('id="timeline"')[1].split("</ol>")[0]

    assert f"Line 1 · unit: {old_unit.name_en} → {new_unit.name_en}" in record
    assert f"{old_unit.pk} → {new_unit.pk}" not in record
