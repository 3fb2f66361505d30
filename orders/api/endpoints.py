"""Thin endpoints: read the request, call one service or selector, shape the answer."""

from django.http import HttpResponse
from django.urls import reverse
from ninja import Header, Query, Router, Status

from ..models import OrderState
from ..services.api_intake import IDEMPOTENCY_KEY_MAX_LENGTH, OrderSubmission, api_order_submit
from .openapi_docs import errors, operation_extra
from .schemas import OrderOut, OrderPageOut, OrderSubmitOut, order_detail, order_summary
from .selectors import api_order_get, api_order_page

IDEMPOTENCY_HEADER = "Idempotency-Key"

router = Router(tags=["orders"])

# operation_id is part of the contract: generated clients name their functions after it (tests pin them).
SUBMIT_ERRORS, SUBMIT_ERRORS_DOC = errors(
    **{
        "400": ["idempotency_key_required", "malformed_json"],
        "404": ["not_found"],
        "413": ["payload_too_large"],
        "415": ["unsupported_media_type"],
        "422": ["invalid_input", "idempotency_key_reused", "account_not_set_up"],
    }
)
LIST_ERRORS, LIST_ERRORS_DOC = errors(**{"404": ["not_found"], "422": ["bad_cursor", "bad_limit"]})
GET_ERRORS, GET_ERRORS_DOC = errors(**{"404": ["not_found"], "422": ["bad_order_id"]})


@router.post(
    "/orders",
    response={200: OrderSubmitOut, 201: OrderSubmitOut, **SUBMIT_ERRORS},
    url_name="order_submit",
    operation_id="order_submit",
    summary="Submit an order",
    description=(
        "Creates the order in state `received` (201). Resending the same Idempotency-Key with the same "
        "body returns the first order (200, `Idempotent-Replayed: true`); with a different body: 422 "
        "`idempotency_key_reused`. A purchase order number already used on another of your orders is "
        "accepted with a `duplicate_customer_po` warning."
    ),
    openapi_extra=operation_extra(SUBMIT_ERRORS_DOC, success=(200, 201)),
)
def order_submit(
    request,
    response: HttpResponse,
    payload: OrderSubmission,
    idempotency_key: str = Header(
        ...,
        alias=IDEMPOTENCY_HEADER,
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX_LENGTH,
        description="A unique key per order (e.g. a UUID). Reuse it only to retry the same order.",
    ),
):
    order, replayed, warnings = api_order_submit(
        customer=request.auth, idempotency_key=idempotency_key, payload=payload.model_dump(mode="json")
    )
    body = {
        **order_detail(api_order_get(customer=request.auth, pk=order.pk)),
        "replayed": replayed,
        "warnings": warnings,
    }
    response["Location"] = reverse("api:order_get", kwargs={"order_id": order.pk})
    if replayed:
        response["Idempotent-Replayed"] = "true"
        return Status(200, body)
    return Status(201, body)


@router.get(
    "/orders",
    response={200: OrderPageOut, **LIST_ERRORS},
    url_name="order_list",
    operation_id="order_list",
    summary="List your orders, newest first",
    description=(
        "Keyset pagination: pass the `next` value of one page as `cursor` to get the following (older) page, "
        "`prev` for the previous (newer) one; `next_url` and `prev_url` are the same pages as full URLs, also "
        "given in a `Link` header. `next` is null on the last page, `prev` on the first. No total count is "
        "computed."
    ),
    openapi_extra=operation_extra(LIST_ERRORS_DOC, success=(200,)),
)
def order_list(
    request,
    response: HttpResponse,
    limit: int = Query(20, ge=1, le=100),
    cursor: str | None = Query(None, max_length=200),
    status: OrderState | None = None,
):
    orders, next_cursor, prev_cursor = api_order_page(
        customer=request.auth, limit=limit, cursor=cursor, status=status.value if status else None
    )
    next_url, prev_url = (_page_url(request, c) for c in (next_cursor, prev_cursor))
    links = [f'<{url}>; rel="{rel}"' for rel, url in (("next", next_url), ("prev", prev_url)) if url]
    if links:
        response["Link"] = ", ".join(links)
    return {
        "items": [order_summary(order) for order in orders],
        "next": next_cursor,
        "prev": prev_cursor,
        "next_url": next_url,
        "prev_url": prev_url,
    }


def _page_url(request, cursor: str | None) -> str | None:
    """This request's URL with another cursor: limit, status and any other parameter stay as they were."""
    if cursor is None:
        return None
    params = request.GET.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@router.get(
    "/orders/{order_id}",
    response={200: OrderOut, **GET_ERRORS},
    url_name="order_get",
    operation_id="order_get",
    summary="One of your orders, with its lines and state history",
    openapi_extra=operation_extra(GET_ERRORS_DOC, success=(200,)),
)
def order_get(request, order_id: int):
    return order_detail(api_order_get(customer=request.auth, pk=order_id))
