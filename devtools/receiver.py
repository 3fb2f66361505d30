"""A development-only webhook receiver, so `make run` shows webhooks end to end: the demo customer's
endpoint points here. It checks each request's signature against the endpoints that point at it, keeps the
last deliveries in the cache and lists them. Mounted only when devtools is installed and loopback
receivers are allowed (settings.WEBHOOKS_ALLOW_LOOPBACK: local and test settings).

The receiving end is a small ninja API: it authenticates by the signature headers, not a cookie, so it is
exempt from CSRF the way the customer API is, without an exemption of our own."""

import json

from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from ninja import NinjaAPI

from accounts.decorators import role_required
from accounts.roles import Role
from webhooks import signing
from webhooks.models import Endpoint

CACHE_KEY = "devtools:webhook-receiver:v1"
KEEP = 50
MAX_BODY = 256 * 1024


def _received() -> list[dict]:
    return cache.get(CACHE_KEY) or []


receiver_api = NinjaAPI(urls_namespace="devreceiver", docs_url=None, openapi_url=None, auth=None)


@receiver_api.post("/receiver/", url_name="receive", include_in_schema=False)
def receive(request):
    body = request.body[:MAX_BODY].decode("utf-8", errors="replace")
    msg_id = request.headers.get("webhook-id", "")
    timestamp = request.headers.get("webhook-timestamp", "")
    header = request.headers.get("webhook-signature", "")
    secrets = [
        secret
        for endpoint in Endpoint.objects.filter(url__contains=request.path)
        for secret in endpoint.signing_secrets()
    ]
    valid = any(signing.verify(secret=s, msg_id=msg_id, timestamp=timestamp, body=body, header=header) for s in secrets)
    if not valid:
        return JsonResponse({"detail": "Bad or missing webhook signature."}, status=400)
    try:
        event = json.loads(body).get("type", "")
    except (ValueError, AttributeError):
        event = ""
    seen = _received()
    duplicate = any(item["id"] == msg_id for item in seen)
    seen.insert(0, {"id": msg_id, "event": event, "at": timezone.now(), "duplicate": duplicate, "body": body})
    cache.set(CACHE_KEY, seen[:KEEP], None)
    return HttpResponse(status=204)


@role_required(Role.MERCHANDISER, Role.SUPERVISOR, Role.MANAGEMENT)
@require_GET
def receiver_list(request):
    return render(request, "devtools/webhook_receiver.html", {"received": _received()})
