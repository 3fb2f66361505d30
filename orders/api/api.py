"""The customer-system intake API (policy: orders arrive "by system"), mounted at /api/v1/.

Every error answers JSON of one shape, ErrorOut: {"detail", "code", "errors": [{"field", "message"}]}.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from core.errors import DomainError, InvalidInput

from ..services.api_intake import IdempotencyKeyInvalid, IdempotencyKeyReused, error_field
from .auth import CustomerTokenAuth
from .endpoints import IDEMPOTENCY_HEADER, router
from .errors import JsonBodyParser, MalformedJson, UnsupportedMediaType, error_body, too_large_detail
from .selectors import BadCursor
from .throttling import CustomerRateThrottle

# The title names generated clients (openapi-python-client: "order-follow-up-api-client", package
# order_follow_up_api_client), so it stays ASCII; a name with 中文 gives a package pip refuses.
TITLE = "Order Follow-up API"
CLIENT_PACKAGE = "order_follow_up_api_client"

DESCRIPTION = """
跟单系统接口 — the order follow-up system's API for customers' own systems.

Orders from a customer's own system. Authenticate with the bearer token you were issued
(`Authorization: Bearer <token>`); you see and create only your own orders.

`POST /orders` needs an `Idempotency-Key` header (1–100 characters, e.g. a UUID, one per order).
Resending the same key with the same body returns the first order (`200`, header
`Idempotent-Replayed: true`) instead of creating another; the same key with a different body is refused.

Errors are JSON: `{"detail": "...", "code": "...", "errors": [{"field": "lines[0].unit", "message": "..."}]}`,
whatever the status: `400` (`malformed_json`, `idempotency_key_required`), `401`, `404`, `405`, `413`
(`payload_too_large`), `415` (`unsupported_media_type`: send `Content-Type: application/json`), `422`
(`invalid_input`, `idempotency_key_reused`, `refused`), `429` (`too_many_requests`, with `Retry-After`)
and `500` (`server_error`).

Every answer to an authenticated request carries `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (seconds). Lists page with cursors: `next`/`prev`, or the `next_url`/`prev_url` links.

Versioning: `/api/v1` only ever grows (new fields, endpoints, optional parameters); a change that breaks a
client gets `/api/v2`, and `/api/v1` answers with `Deprecation` and `Sunset` headers for at least 12
months before it goes.

Quantities and prices are decimal strings (`"1200"`, `"2.35"`: digits and at most one decimal point, no
exponent) or JSON numbers.
"""


class CustomerApi(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        # Every answer the throttle counted tells the client where it stands, successes and errors alike.
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        state = getattr(request, "rate_limit", None)
        if state is not None:
            for name, value in state.headers().items():
                response[name] = value
        return response


api = CustomerApi(
    title=TITLE,
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    auth=CustomerTokenAuth(),
    throttle=CustomerRateThrottle(),
    # Generators that do not take the package name from the title can read it here.
    openapi_extra={"info": {"x-client-package-name": CLIENT_PACKAGE}},
    # Swagger UI comes from ninja's bundled static files (ninja is in INSTALLED_APPS), never a CDN.
    # validatorUrl=None stops Swagger UI from sending the schema to validator.swagger.io: intranet.
    docs=Swagger(settings={"validatorUrl": None}),
    parser=JsonBodyParser(),
)
api.add_router("", router)


def _error(request, status: int, detail, code: str, errors=None, headers=None):
    response = api.create_response(request, error_body(detail, code, errors), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _reasons(reasons) -> list[dict]:
    return [
        {"field": r.get("field"), "message": str(r.get("message", ""))}
        if isinstance(r, dict)
        else {"field": None, "message": str(r)}
        for r in reasons
    ]


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(
        request,
        401,
        _("Missing, invalid or revoked API token. Send “Authorization: Bearer <token>”."),
        "unauthorized",
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


@api.exception_handler(ValidationError)
def on_invalid_request(request, exc):
    errors = []
    for e in exc.errors:
        source, *path = e["loc"]
        if source == "header" and path and str(path[0]).lower() == IDEMPOTENCY_HEADER.lower():
            return _error(
                request,
                400,
                _("Send an Idempotency-Key header of 1 to 100 characters (e.g. a UUID), one per order."),
                "idempotency_key_required",
                [{"field": IDEMPOTENCY_HEADER, "message": e["msg"]}],
            )
        if source == "body" and path and path[0] == "payload":
            path = path[1:]
        errors.append({"field": error_field(path) or source, "message": e["msg"]})
    return _error(request, 422, _("The request is not valid."), "invalid_input", errors)


@api.exception_handler(IdempotencyKeyInvalid)
def on_bad_idempotency_key(request, exc):
    return _error(request, 400, exc.message, "idempotency_key_required", _reasons(exc.reasons))


@api.exception_handler(IdempotencyKeyReused)
def on_idempotency_key_reused(request, exc):
    return _error(request, 422, exc.message, "idempotency_key_reused")


@api.exception_handler(InvalidInput)
def on_invalid_input(request, exc):
    return _error(request, 422, exc.message, "invalid_input", _reasons(exc.reasons))


@api.exception_handler(DomainError)
def on_order_error(request, exc):
    return _error(request, 422, exc.message, "refused", _reasons(exc.reasons))


@api.exception_handler(BadCursor)
def on_bad_cursor(request, exc):
    return _error(
        request,
        422,
        _("The request is not valid."),
        "invalid_input",
        [{"field": "cursor", "message": _("Unknown cursor: use the “next” value of the previous page.")}],
    )


@api.exception_handler(Throttled)
def on_throttled(request, exc):
    state = getattr(request, "rate_limit", None)
    seconds = state.reset if state else 60
    return _error(
        request,
        429,
        _("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": seconds},
        "too_many_requests",
        headers={"Retry-After": str(seconds)},
    )


@api.exception_handler(RequestDataTooBig)
def on_too_large(request, exc):
    return _error(request, 413, too_large_detail(), "payload_too_large")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, _("Not found."), "not_found")


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    # Ninja turns whatever the body parser raises into a bare 400; the parser's own reason is its cause.
    cause = exc.__cause__
    if isinstance(cause, UnsupportedMediaType):
        return _error(
            request,
            415,
            _("Send the body as JSON, with “Content-Type: application/json” (this request sent “%(type)s”).")
            % {"type": cause.content_type or "-"},
            "unsupported_media_type",
        )
    if isinstance(cause, MalformedJson):
        return _error(request, 400, str(cause), "malformed_json")
    return _error(request, exc.status_code, str(exc), "bad_request" if exc.status_code == 400 else "error")
