"""django-zeal is on in the test settings and raises on an N+1: every request a test makes is checked."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from zeal import NPlusOneError, zeal_context
from zeal.middleware import zeal_middleware

from orders.models import Order

from .helpers import bulk_orders

pytestmark = pytest.mark.django_db


def test_zeal_wraps_every_request_in_the_test_settings():
    assert "zeal" in settings.INSTALLED_APPS
    assert "zeal.middleware.zeal_middleware" in settings.MIDDLEWARE
    assert settings.ZEAL_RAISE is True


def test_a_view_that_loads_a_relation_row_by_row_raises(merchandiser):
    bulk_orders(merchandiser=merchandiser, n=5)

    def careless_view(request):
        return HttpResponse(", ".join(order.customer.code for order in Order.objects.all()))

    with pytest.raises(NPlusOneError):
        zeal_middleware(careless_view)(RequestFactory().get("/"))


def test_select_related_passes(merchandiser):
    bulk_orders(merchandiser=merchandiser, n=5)
    with zeal_context():
        codes = [order.customer.code for order in Order.objects.select_related("customer")]
    assert len(codes) == 5
