"""The development receiver `make run` points the demo endpoint at: it takes signed deliveries, refuses
unsigned ones, and lists what it took, marking a replay as a duplicate."""

import pytest
from django.urls import reverse

from webhooks.models import Delivery

from ..factories import CustomerFactory, make_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dev_receiver_takes_signed_deliveries_and_marks_duplicates(live_server, client, merchandiser, settings):
    from webhooks.services import delivery_replay, endpoint_create

    customer = CustomerFactory(merchandiser=merchandiser)
    url = live_server.url + "/dev/webhooks/receiver/"
    endpoint_create(customer_id=customer.pk, actor=merchandiser, url=url, events=["order.received"])
    make_order(merchandiser=merchandiser, customer=customer)  # committed: sent on commit, eagerly
    delivery = Delivery.objects.get()
    assert delivery.status == "succeeded" and delivery.last_status_code == 204
    delivery_replay(delivery_id=delivery.pk, actor=merchandiser)

    assert client.post("/dev/webhooks/receiver/", data="{}", content_type="application/json").status_code == 400
    client.force_login(merchandiser)
    page = client.get(reverse("dev_webhooks_received")).content.decode()
    assert page.count('data-testid="received"') == 2
    assert page.count(delivery.event_id) == 2 and "order.received" in page
