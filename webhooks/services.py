"""Endpoints change here; deliveries are written with the event and sent by the outbox's tasks.

Delivery is at least once: the row is written in the transaction of the event (orders.hooks.customer_event),
sent after commit, and retried with exponential backoff until WEBHOOKS_RETRY_HOURS have passed. A receiver
recognises a second copy by its `webhook-id` (the delivery's event id, the same on every attempt).
"""

import logging
import time
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from orders.models import Customer
from orders.permissions import can_edit_customer, is_contact_of

from . import signing
from .addresses import AddressRefused, url_check
from .events import Event
from .models import Attempt, Delivery, DeliveryStatus, Endpoint, EndpointEvent, new_event_id
from .payloads import body_for

logger = logging.getLogger(__name__)

# How long the secret before a rotation keeps signing beside the new one.
ROTATION_OVERLAP = timedelta(hours=24)
USER_AGENT = "gendan-webhooks/1"


def can_manage_webhooks(user, customer) -> bool:
    """The customer's merchandiser, the supervisor of their team and management (as for the customer); and
    the customer's own contacts signed in to the customer portal, for their own company only."""
    return can_edit_customer(user, customer) or is_contact_of(user, customer)


def customer_link(*, customer, user) -> dict | None:
    """The customer page's link to its webhooks (orders.hooks.register_customer_link)."""
    if not can_manage_webhooks(user, customer):
        return None
    return {"label": _("Webhooks"), "url": reverse("webhooks:customer", kwargs={"customer_pk": customer.pk})}


def _require_manage(actor, customer) -> None:
    if not can_manage_webhooks(actor, customer):
        raise NotPermitted(
            _("Only the customer's merchandiser, the supervisor of their team and management manage its webhooks.")
        )


def _clean(*, url: str, events) -> tuple[str, list[str]]:
    problems, cleaned_url = [], ""
    try:
        cleaned_url = url_check(url)
    except AddressRefused as exc:
        problems.append({"field": "url", "message": str(exc)})
    chosen = [value for value in Event.values if value in set(events or [])]
    if not chosen:
        problems.append({"field": "events", "message": _("Choose at least one event.")})
    if problems:
        raise InvalidInput(_("The endpoint could not be saved."), reasons=problems)
    return cleaned_url, chosen


def _audit(endpoint: Endpoint, actor, action: str, **payload) -> None:
    EndpointEvent.objects.create(endpoint=endpoint, actor=actor, action=action, payload=payload)


def endpoint_create(*, customer_id, actor, url: str, events, description: str = "") -> tuple[Endpoint, str]:
    """Add an endpoint with a new signing secret. Returns it with the secret, to be shown once."""
    with transaction.atomic():
        customer = Customer.objects.select_for_update(of=("self",)).select_related("merchandiser").get(pk=customer_id)
        _require_manage(actor, customer)
        cleaned_url, chosen = _clean(url=url, events=events)
        secret = signing.secret_new()
        endpoint = Endpoint.objects.create(
            customer=customer,
            url=cleaned_url,
            events=chosen,
            description=description.strip()[:200],
            secret=secret,
            created_by=actor,
        )
        _audit(endpoint, actor, "created", url=cleaned_url, events=chosen)
    return endpoint, secret


def _lock_endpoint(endpoint_id, actor) -> Endpoint:
    endpoint = (
        Endpoint.objects.select_for_update(of=("self",))
        .select_related("customer__merchandiser")
        .filter(pk=endpoint_id)
        .first()
    )
    if endpoint is None:
        raise InvalidInput(_("This endpoint no longer exists."))
    _require_manage(actor, endpoint.customer)
    return endpoint


def endpoint_update(*, endpoint_id, actor, url: str, events, description: str = "", active: bool = True) -> Endpoint:
    with transaction.atomic():
        endpoint = _lock_endpoint(endpoint_id, actor)
        cleaned_url, chosen = _clean(url=url, events=events)
        endpoint.url, endpoint.events = cleaned_url, chosen
        endpoint.description, endpoint.active = description.strip()[:200], bool(active)
        endpoint.save(update_fields=["url", "events", "description", "active"])
        _audit(endpoint, actor, "changed", url=cleaned_url, events=chosen, active=endpoint.active)
    return endpoint


def endpoint_rotate_secret(*, endpoint_id, actor) -> tuple[Endpoint, str]:
    """A new secret; the old one keeps signing beside it for ROTATION_OVERLAP. Returns the new secret once."""
    with transaction.atomic():
        endpoint = _lock_endpoint(endpoint_id, actor)
        secret = signing.secret_new()
        endpoint.previous_secret, endpoint.secret = endpoint.secret, secret
        endpoint.previous_secret_until = timezone.now() + ROTATION_OVERLAP
        endpoint.save(update_fields=["previous_secret", "secret", "previous_secret_until"])
        _audit(endpoint, actor, "rotated")
    return endpoint, secret


# --- the outbox -------------------------------------------------------------------------------------------
def deliveries_record(*, event: str, order, subject=None) -> list[Delivery]:
    """The listener of orders.hooks.customer_event: one delivery per active endpoint of the order's customer
    that chose the event, in the caller's transaction, sent after commit."""
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(customer_id=order.customer_id, active=True)
        if event in endpoint.events
    ]
    if not endpoints:
        return []
    now = timezone.now()
    body = body_for(event=event, order=order, subject=subject, at=now)
    event_id = new_event_id()
    retry_until = now + timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                endpoint=endpoint,
                event_id=event_id,
                event=event,
                order=order,
                body=body,
                created_at=now,
                next_attempt_at=now,
                retry_until=retry_until,
            )
            for endpoint in endpoints
        ]
    )
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: _dispatch(ids))
    return deliveries


def _dispatch(delivery_ids: list[int]) -> None:
    """Hand the sends to a worker. A broker that is down fails nobody's request: the retry job sends later."""
    from .tasks import send_delivery

    for delivery_id in delivery_ids:
        try:
            send_delivery.delay(delivery_id)
        except Exception:  # noqa: BLE001 - any broker error; the outbox row is the source of truth
            logger.warning("broker unavailable; webhook delivery %s left for the retry job", delivery_id)


def backoff(attempt_count: int) -> timedelta:
    """The wait after the n-th failed attempt: the first wait, doubled each time, capped."""
    seconds = settings.WEBHOOKS_RETRY_FIRST_SECONDS * 2 ** max(attempt_count - 1, 0)
    return timedelta(seconds=min(seconds, settings.WEBHOOKS_RETRY_MAX_SECONDS))


def _post(endpoint: Endpoint, delivery: Delivery) -> tuple[int | None, str]:
    """(status code, error): the receiver's answer, or why there was none. Never raises."""
    try:
        url = url_check(endpoint.url)
    except AddressRefused as exc:
        return None, str(exc)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signing.signature_header(
            secrets_=endpoint.signing_secrets(),
            msg_id=delivery.event_id,
            timestamp=timestamp,
            body=delivery.body,
        ),
    }
    try:
        # The answer's body is never read: a receiver cannot make us download anything.
        with (
            httpx.Client(timeout=settings.WEBHOOKS_TIMEOUT_SECONDS, follow_redirects=False) as client,
            client.stream("POST", url, content=delivery.body.encode(), headers=headers) as response,
        ):
            return response.status_code, ""
    except httpx.TimeoutException:
        return None, _("No answer within %(s)s seconds.") % {"s": settings.WEBHOOKS_TIMEOUT_SECONDS}
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]


def delivery_send(*, delivery_id: int) -> bool:
    """Make one attempt at a due delivery and record it. Returns True if the receiver took it.

    Idempotent: a delivery that is not due (sent, given up, waiting for its retry, or being sent by another
    worker right now) is left alone."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return False
        endpoint = delivery.endpoint
        started = time.monotonic()
        if endpoint.active:
            status_code, error = _post(endpoint, delivery)
        else:
            status_code, error = None, _("The endpoint is switched off.")
        duration_ms = int((time.monotonic() - started) * 1000)
        ok = status_code is not None and 200 <= status_code < 300
        if status_code is not None and not ok:
            error = _("The receiver answered %(code)s.") % {"code": status_code}
        Attempt.objects.create(
            delivery=delivery,
            started_at=now,
            duration_ms=duration_ms,
            status_code=status_code,
            error=error[:500],
            replay=delivery.replay_requested,
        )
        delivery.attempt_count += 1
        delivery.last_status_code, delivery.last_error = status_code, error[:500]
        delivery.replay_requested = False
        if ok:
            delivery.status, delivery.succeeded_at = DeliveryStatus.SUCCEEDED, timezone.now()
        else:
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempt_count)
            if delivery.next_attempt_at > delivery.retry_until or not endpoint.active:
                delivery.status = DeliveryStatus.GIVEN_UP
        delivery.save(
            update_fields=[
                "attempt_count",
                "last_status_code",
                "last_error",
                "replay_requested",
                "status",
                "succeeded_at",
                "next_attempt_at",
            ]
        )
    if not ok:
        logger.info("webhook delivery %s failed: %s", delivery_id, error)
    return ok


def deliveries_send_due(*, limit: int = 500) -> int:
    """The retry job: every pending delivery whose time has come. Idempotent."""
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if delivery_send(delivery_id=pk))


def delivery_replay(*, delivery_id, actor=None, customer=None) -> Delivery:
    """Send a delivery again, under the same event id, now (and retried as a new one if it fails).

    `actor` is a member of staff who manages the customer's webhooks; `customer` is the customer's own
    system (the API, its token). A delivery of another customer does not exist for them."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("endpoint__customer__merchandiser")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or (customer is not None and delivery.endpoint.customer_id != customer.pk):
            raise InvalidInput(_("This delivery does not exist."))
        if customer is None:
            _require_manage(actor, delivery.endpoint.customer)
        if not delivery.endpoint.active:
            raise TransitionRefused(_("The endpoint is switched off: switch it on before replaying."))
        now = timezone.now()
        delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, now
        delivery.retry_until = now + timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)
        delivery.replay_requested = True
        delivery.save(update_fields=["status", "next_attempt_at", "retry_until", "replay_requested"])
        _audit(delivery.endpoint, actor, "replayed", delivery=delivery.pk, event_id=delivery.event_id)
        transaction.on_commit(lambda: _dispatch([delivery.pk]))
    return delivery
