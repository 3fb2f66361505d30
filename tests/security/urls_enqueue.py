"""A test-only URL in front of the project's: a POST that writes a customer email to the outbox, as the
stage services do (shipment recorded, case opened), so the broker-fault tests have a request that
enqueues work whatever stage apps exist. Used with override_settings(ROOT_URLCONF=...)."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST

from notifications.services import notification_enqueue


@login_required
@require_POST
def enqueue_notification(request):
    with transaction.atomic():
        notification = notification_enqueue(
            kind="security_test",
            reference=f"order:{request.POST.get('order', '0')}",
            to_email="buyer@customer.example",
            language="en",
            template="case_opened",
            context={"order": None, "case": None},
        )
    return HttpResponse(str(notification.pk), status=201)


urlpatterns = [
    path("__test__/enqueue/", enqueue_notification, name="test_enqueue"),
    path("", include("config.urls")),
]
