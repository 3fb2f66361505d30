"""Thin endpoints: read the request, call one service or selector, shape the answer."""

from django.http import HttpResponse
from django.urls import reverse
from ninja import Header, Query, Router, Status

from ..models import OrderState
from ..services.api_intake import IDEMPOTENCY_KEY_MAX_LENGTH, OrderSubmission, api_order_submit
from .schemas import ErrorOut, OrderOut, OrderPageOut, OrderSubmitOut, order_detail, order_summary
from .selectors import api_order_get, api_order_page

IDEMPOTENCY_HEADER = "Idempotency-Key"

router = Router(tags=["orders"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
BODY_ERRORS = {413: ErrorOut, 415: ErrorOut}  # what only a request with a body can get


@router.post(
    "/orders",
    response={200: OrderSubmitOut, 201: OrderSubmitOut, **ERRORS, **BODY_ERRORS},
    url_name="order_submit",
    operation_id="order_submit",
    summary="Submit an order",
    description=(
        "Creates the order in state `received` (201). Resending the same Idempotency-Key with the same "
        "body returns the first order (200, `Idempotent-Replayed: true`); with a different body: 422 "
        "`idempotency_key_reused`. A purchase order number already used on another of your orders is "
        "accepted with a `duplicate_customer_po` warning."
    ),
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
    response={200: OrderPageOut, **ERRORS},
    url_name="order_list",
    operation_id="order_list",
    summary="List your orders, newest first",
    description=(
        "Keyset pagination: pass the `next` value of one page as `cursor` to get the following page; "
        "`next` is null on the last page. No total count is computed."
    ),
)
def order_list(
    request,
    limit: int = Query(20, ge=1, le=100),
    cursor: str | None = Query(None, max_length=200),
    status: OrderState | None = None,
):
    orders, next_cursor = api_order_page(
        customer=request.auth, limit=limit, cursor=cursor, status=status.value if status else None
    )
    return {"items": [order_summary(order) for order in orders], "next": next_cursor}


@router.get(
    "/orders/{order_id}",
    response={200: OrderOut, **ERRORS},
    url_name="order_get",
    operation_id="order_get",
    summary="One of your orders, with its lines and state history",
)
def order_get(request, order_id: int):
    return order_detail(api_order_get(customer=request.auth, pk=order_id))
