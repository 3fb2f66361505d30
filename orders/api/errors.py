"""The API's error contract beyond what its endpoints raise: a body that is not JSON, too large or malformed,
and any error answer Django or ninja would otherwise give as HTML or plain text (an unknown path, a wrong
method, a server error). Each is JSON of the one shape, ErrorOut: {"detail", "code", "errors"}."""

import json

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja.parser import Parser


class UnsupportedMediaType(Exception):
    def __init__(self, content_type: str):
        super().__init__(content_type)
        self.content_type = content_type


class MalformedJson(Exception):
    pass


def is_json(content_type: str) -> bool:
    main = (content_type or "").split(";", 1)[0].strip().lower()
    return main == "application/json" or (main.startswith("application/") and main.endswith("+json"))


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class JsonBodyParser(Parser):
    """A body is JSON, and only JSON. Ninja's own parser reads any body as JSON and answers a bare English
    "Cannot parse request body" for all that fails: here another content type is a 415, and JSON that cannot
    be read (not UTF-8, broken, NaN, nested past the parser's depth) a 400 that says where."""

    def parse_body(self, request):
        if not is_json(request.content_type):
            raise UnsupportedMediaType(request.content_type or "")
        try:
            return json.loads(request.body, parse_constant=_no_constant)
        except RecursionError as exc:
            raise MalformedJson(_("The body is not valid JSON: it is nested too deeply.")) from exc
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise MalformedJson(_("The body is not valid JSON: %(problem)s.") % {"problem": exc}) from exc


def error_body(detail, code: str, errors=None) -> dict:
    return {"detail": str(detail), "code": code, "errors": errors or []}


def too_large_detail() -> str:
    return _("The request body is too large: the limit is %(limit)d KB.") % {
        "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    }


def _fallback_errors() -> dict[int, tuple[str, str]]:
    return {
        400: (_("The request could not be read."), "bad_request"),
        401: (_("Missing, invalid or revoked API token. Send “Authorization: Bearer <token>”."), "unauthorized"),
        403: (_("Not allowed."), "forbidden"),
        404: (_("Not found."), "not_found"),
        405: (_("This method is not allowed here."), "method_not_allowed"),
        413: (too_large_detail(), "payload_too_large"),
        415: (_("Send the body as JSON, with “Content-Type: application/json”."), "unsupported_media_type"),
        429: (_("Too many requests. Try again later."), "too_many_requests"),
    }


class ApiJsonErrorsMiddleware:
    """Under /api/v1/, an error answer that is not JSON (Django's HTML 404 for an unknown path, ninja's plain
    405, Django's 400 or 500 page) is replaced by the API's JSON error of the same status. Headers such as
    Allow are kept."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or is_json(response.get("Content-Type", "")):
            return response
        if self._prefix is None:
            self._prefix = reverse("api:api-root")
        if not request.path.startswith(self._prefix):
            return response
        detail, code = _fallback_errors().get(
            response.status_code, (_("The server could not answer this request."), "server_error")
        )
        answer = JsonResponse(error_body(detail, code), status=response.status_code)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                answer[header] = response[header]
        return answer
