"""The customer's status link expires (issue 19 item 12): STATUS_LINK_DAYS after it was issued, renewed or
last sent to the customer. An expired link shows a page that says so and whom to ask, and accepts nothing;
the merchandiser renews it from the order page, which writes an event, and every copy sent works again."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aftersales.models import Case
from core.errors import NotPermitted
from logistics.models import StatusLink
from logistics.selectors import status_link_expires_at, status_link_path
from logistics.services import status_link_ensure, status_link_renew
from orders.models import OrderEvent

from .helpers import fresh, in_production_order, ship, shipped_order

pytestmark = pytest.mark.django_db

EXPIRED = "This link has expired"


def later(days: int):
    return time_machine.travel(timezone.now() + timedelta(days=days), tick=False)


@pytest.fixture
def order(merchandiser):
    return shipped_order(merchandiser)[0]


@pytest.fixture
def path(order):
    return status_link_path(status_link_ensure(order=order))


def test_the_default_is_180_days(settings):
    assert settings.STATUS_LINK_DAYS == 180


def test_a_link_works_until_its_last_day(client, order, path):
    with later(179):
        response = client.get(path)
    assert response.status_code == 200
    assert order.number in response.content.decode() and EXPIRED not in response.content.decode()


def test_an_expired_link_says_so_and_whom_to_ask(client, order, path, merchandiser, caplog):
    merchandiser.first_name, merchandiser.last_name = "Wang", "Fang"
    merchandiser.save(update_fields=["first_name", "last_name"])
    caplog.set_level(logging.INFO, logger="security")

    with later(181):
        response = client.get(path)

    page = response.content.decode()
    assert response.status_code == 200  # the page the customer is meant to read
    assert EXPIRED in page
    assert "Wang Fang" in page and merchandiser.email in page  # whom to ask
    assert "SF1234567890" not in page  # nothing of the order beyond its number
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert any("status link expired" in r.getMessage() for r in caplog.records)


def test_the_expired_page_is_in_the_customers_language(client, order, path):
    customer = order.customer
    customer.preferred_language = "zh-hans"
    customer.save(update_fields=["preferred_language"])
    with later(181):
        page = client.get(path).content.decode()
    assert "此链接已过期" in page


def test_an_expired_link_accepts_nothing(client, order, path):
    with later(181):
        response = client.post(
            reverse("portal:open_case", args=[path.strip("/").split("/")[-1]]),
            {
                "case-case_type": "inquiry",
                "case-subject": "Where is it?",
                "case-description": "?",
                "case-contact_name": "A",
            },
        )
    assert EXPIRED in response.content.decode()
    assert not Case.objects.exists()


def test_the_merchandiser_renews_the_link_and_every_copy_works_again(client, order, path, merchandiser):
    with later(181):
        client.force_login(merchandiser)
        panel = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
        response = client.post(reverse("logistics:status_link_renew", args=[order.pk]))
        client.logout()
        page = client.get(path).content.decode()
        expires = status_link_expires_at(StatusLink.objects.get(order=order))
        assert timezone.now() + timedelta(days=179) < expires <= timezone.now() + timedelta(days=180)

    assert "Expired on" in panel and "Renew the link" in panel
    assert response.status_code == 302
    assert order.number in page and EXPIRED not in page  # the same link as before
    event = OrderEvent.objects.filter(order=order, payload__action="status_link_renewed").get()
    assert event.actor == merchandiser


def test_renewal_is_for_those_who_may_edit_the_order(order, path, other_merchandiser, qa_user):
    status_link_ensure(order=order)
    for stranger in (other_merchandiser, qa_user):
        with pytest.raises(NotPermitted):
            status_link_renew(order_id=order.pk, actor=stranger)
    assert not OrderEvent.objects.filter(order=order, payload__action="status_link_renewed").exists()


def test_an_email_that_carries_the_link_gives_it_a_new_term(client, merchandiser):
    order = in_production_order(merchandiser)
    first, second = order.lines.order_by("line_no")
    ship(order, merchandiser, quantities={first.pk: first.quantity})
    path = status_link_path(StatusLink.objects.get(order=order))
    with later(170):
        ship(fresh(order), merchandiser, quantities={second.pk: second.quantity})  # the link is emailed again
    with later(300):
        assert EXPIRED not in client.get(path).content.decode()


def test_zero_days_means_links_never_expire(client, path, settings):
    settings.STATUS_LINK_DAYS = 0
    with later(5000):
        assert EXPIRED not in client.get(path).content.decode()
