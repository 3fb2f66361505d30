"""Reads: a customer's endpoints and deliveries, for the staff who manage them and for the customer's API."""

from django.db.models import Prefetch, QuerySet

from .models import Attempt, Delivery, Endpoint

ATTEMPTS_SHOWN = 20


def endpoints_of(*, customer) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(customer=customer).order_by("pk")


def deliveries_of(*, customer, endpoint_id=None, limit: int = 50, before: int | None = None) -> list[Delivery]:
    """Newest first, each with its latest attempts; `before` (a delivery id) gives the next, older page."""
    deliveries = (
        Delivery.objects.filter(endpoint__customer=customer)
        .select_related("endpoint", "order")
        .prefetch_related(Prefetch("attempts", queryset=Attempt.objects.order_by("-started_at", "-pk")))
        .order_by("-pk")
    )
    if endpoint_id is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    if before is not None:
        deliveries = deliveries.filter(pk__lt=before)
    return list(deliveries[:limit])


def delivery_of(*, customer, pk: int) -> Delivery | None:
    return (
        Delivery.objects.filter(endpoint__customer=customer, pk=pk)
        .select_related("endpoint", "order")
        .prefetch_related(Prefetch("attempts", queryset=Attempt.objects.order_by("-started_at", "-pk")))
        .first()
    )
