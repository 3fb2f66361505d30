"""The client's address, as our own reverse proxies report it.

Behind TRUSTED_PROXY_COUNT proxies of ours, each appends the address it received the request from to
X-Forwarded-For (nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`). The entries to the
left of those are whatever the client sent and prove nothing, so the client is the entry our outermost proxy
appended: TRUSTED_PROXY_COUNT places from the right. Without a proxy (0, the default) the header is the
client's own invention and is ignored. django-axes locks by username and this address
(AXES_CLIENT_IP_CALLABLE); the security logs record it.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    peer = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count < 1:
        return peer
    hops = [hop.strip() for hop in request.META.get(settings.TRUSTED_PROXY_HEADER, "").split(",")]
    if len(hops) < count or not hops[-count]:
        return peer  # it did not come through every proxy of ours
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return peer  # not an address: a proxy of ours would not have written it
