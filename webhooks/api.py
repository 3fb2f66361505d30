"""The customer's system reads its webhook deliveries and replays one (/api/v1/webhook-deliveries), with
the same token, rate limit and error contract as the rest of the API (orders/api/)."""

from datetime import datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status

from orders.api.openapi_docs import DESCRIPTIONS, errors, operation_extra
from orders.api.schemas import ErrorOut

from .selectors import deliveries_of, delivery_of
from .services import delivery_replay

router = Router(tags=["webhooks"])

LIST_ERRORS, LIST_ERRORS_DOC = errors(**{"404": ["not_found"], "422": ["bad_limit"]})
REPLAY_ERRORS, REPLAY_ERRORS_DOC = errors(**{"404": ["not_found"]})
REPLAY_ERRORS[422] = ErrorOut
REPLAY_ERRORS_DOC[422] = {
    "description": DESCRIPTIONS[422],
    "content": {
        "application/json": {
            "examples": {
                "endpoint_off": {
                    "value": {
                        "detail": "The endpoint is switched off: switch it on before replaying.",
                        "code": "refused",
                        "errors": [],
                    }
                }
            }
        }
    },
}


class AttemptOut(Schema):
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int
    replay: bool


class DeliveryOut(Schema):
    id: int
    event_id: str
    event: str
    endpoint_url: str
    created_at: datetime
    status: str
    attempt_count: int
    next_attempt_at: datetime | None
    succeeded_at: datetime | None
    attempts: list[AttemptOut]


class DeliveryPageOut(Schema):
    items: list[DeliveryOut]
    next: int | None


def _delivery(delivery) -> dict:
    return {
        "id": delivery.pk,
        "event_id": delivery.event_id,
        "event": delivery.event,
        "endpoint_url": delivery.endpoint.url,
        "created_at": delivery.created_at,
        "status": delivery.status,
        "attempt_count": delivery.attempt_count,
        "next_attempt_at": delivery.next_attempt_at if delivery.status == "pending" else None,
        "succeeded_at": delivery.succeeded_at,
        "attempts": [
            {
                "at": a.started_at,
                "status_code": a.status_code,
                "error": a.error,
                "duration_ms": a.duration_ms,
                "replay": a.replay,
            }
            for a in list(delivery.attempts.all())[:20]
        ],
    }


@router.get(
    "/webhook-deliveries",
    response={200: DeliveryPageOut, **LIST_ERRORS},
    url_name="webhook_delivery_list",
    operation_id="webhook_delivery_list",
    summary="Your webhook deliveries, newest first, with their attempts",
    description=(
        "Every event sent to your webhook endpoints, with each attempt (time, status code, error, duration). "
        "Pass `next` as `before` for the following (older) page; `next` is null on the last page."
    ),
    openapi_extra=operation_extra(LIST_ERRORS_DOC, success=(200,)),
)
def webhook_delivery_list(request, limit: int = Query(20, ge=1, le=100), before: int | None = Query(None, ge=1)):
    deliveries = deliveries_of(customer=request.auth, limit=limit + 1, before=before)
    more = len(deliveries) > limit
    deliveries = deliveries[:limit]
    return {"items": [_delivery(d) for d in deliveries], "next": deliveries[-1].pk if more else None}


@router.post(
    "/webhook-deliveries/{delivery_id}/replay",
    response={202: DeliveryOut, **REPLAY_ERRORS},
    url_name="webhook_delivery_replay",
    operation_id="webhook_delivery_replay",
    summary="Send a delivery again, with the same event id",
    description=(
        "Queues a new attempt of the delivery now, with the same `webhook-id`, so your receiver can recognise "
        "it. If it fails it is retried as usual for 24 hours. 202: queued (the answer is the delivery as it is "
        "at that moment)."
    ),
    openapi_extra=operation_extra(REPLAY_ERRORS_DOC, success=(202,)),
)
def webhook_delivery_replay(request, delivery_id: int):
    if delivery_of(customer=request.auth, pk=delivery_id) is None:
        raise Http404
    delivery_replay(delivery_id=delivery_id, customer=request.auth)
    return Status(202, _delivery(delivery_of(customer=request.auth, pk=delivery_id)))
