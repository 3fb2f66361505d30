"""What the schema tells a client's developer beyond the models: each endpoint's error answers with an example
of each, and the headers that come with them. Kept apart so endpoints.py stays a list of thin endpoints.

The examples are the schema's own text (English, like the rest of the schema); at run time `detail` and
`message` follow Accept-Language."""

from .schemas import ErrorOut

RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {
        "description": "Requests allowed per window, for all of your organisation's tokens together.",
        "schema": {"type": "integer"},
    },
    "RateLimit-Remaining": {"description": "Requests left in the current window.", "schema": {"type": "integer"}},
    "RateLimit-Reset": {
        "description": "Seconds until the oldest request in the window leaves it, freeing a request.",
        "schema": {"type": "integer"},
    },
}

DESCRIPTIONS = {
    400: "The request could not be read: JSON that does not parse, or no usable Idempotency-Key.",
    401: "No token, an unknown one or a revoked one. Send `Authorization: Bearer <token>`.",
    404: "No such order among yours (another customer's order is not found either), or no such path.",
    413: "The body is over the size limit.",
    415: "The body is not JSON: send `Content-Type: application/json`.",
    422: "The request is understood but not valid; `errors` names each field that is wrong.",
    429: "Over the rate limit: wait `Retry-After` seconds.",
}


def _example(detail: str, code: str, errors=None) -> dict:
    return {"value": {"detail": detail, "code": code, "errors": errors or []}}


EXAMPLES = {
    "malformed_json": _example(
        "The body is not valid JSON: Expecting value: line 1 column 1 (char 0).", "malformed_json"
    ),
    "idempotency_key_required": _example(
        "Send an Idempotency-Key header of 1 to 100 characters (e.g. a UUID), one per order.",
        "idempotency_key_required",
        [{"field": "Idempotency-Key", "message": "Field required"}],
    ),
    "unauthorized": _example(
        "Missing, invalid or revoked API token. Send “Authorization: Bearer <token>”.", "unauthorized"
    ),
    "not_found": _example("Not found.", "not_found"),
    "payload_too_large": _example("The request body is too large: the limit is 5120 KB.", "payload_too_large"),
    "unsupported_media_type": _example(
        "Send the body as JSON, with “Content-Type: application/json” (this request sent “text/plain”).",
        "unsupported_media_type",
    ),
    "invalid_input": _example(
        "The order could not be accepted.",
        "invalid_input",
        [{"field": "lines[0].unit", "message": "Unknown unit code “BOX”. Known units: CTN, KG, M, PCS, SET."}],
    ),
    "idempotency_key_reused": _example(
        "This Idempotency-Key was already used for a different order (order #1234). "
        "Use a new key for a new order; resend exactly the same body to retry.",
        "idempotency_key_reused",
    ),
    "account_not_set_up": _example(
        "Your account is not set up to receive orders by system yet (no merchandiser is assigned). "
        "Please contact your merchandiser or our sales office.",
        "invalid_input",
    ),
    "bad_cursor": _example(
        "The request is not valid.",
        "invalid_input",
        [{"field": "cursor", "message": "Unknown cursor: use the “next” value of the previous page."}],
    ),
    "bad_limit": _example(
        "The request is not valid.",
        "invalid_input",
        [{"field": "limit", "message": "Input should be less than or equal to 100"}],
    ),
    "bad_order_id": _example(
        "The request is not valid.",
        "invalid_input",
        [{"field": "order_id", "message": "Input should be a valid integer, unable to parse string as an integer"}],
    ),
    "too_many_requests": _example("Too many requests. Try again in 12 seconds.", "too_many_requests"),
}


def errors(**by_status: list[str]) -> tuple[dict, dict]:
    """(response models, openapi_extra) for the error statuses given, each with its named examples.
    Every operation can get 401 and 429, so they are always there."""
    by_status = {"401": ["unauthorized"], "429": ["too_many_requests"], **by_status}
    models, documented = {}, {}
    for status_text, names in sorted(by_status.items(), key=lambda item: int(item[0])):
        status = int(status_text)
        models[status] = ErrorOut
        answer = {
            "description": DESCRIPTIONS[status],
            "content": {"application/json": {"examples": {name: EXAMPLES[name] for name in names}}},
        }
        if status == 429:
            answer["headers"] = {
                "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}},
                **RATE_LIMIT_HEADERS,
            }
        documented[status] = answer
    return models, documented


def operation_extra(documented_errors: dict, success: tuple[int, ...]) -> dict:
    """openapi_extra for an operation: its documented errors, and the rate-limit headers on each success."""
    return {
        "responses": {
            **documented_errors,
            **{status: {"headers": dict(RATE_LIMIT_HEADERS)} for status in success},
        }
    }
