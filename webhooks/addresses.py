"""Where a webhook may be sent: not into our own network (server-side request forgery).

An endpoint's URL is checked when it is saved and again before every attempt, because a name can be made
to resolve elsewhere later. https only, to public addresses. With WEBHOOKS_ALLOW_LOOPBACK (development and
tests) loopback is allowed too, over http or https, so a receiver on this machine can be used."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_URL_LENGTH = 500


class AddressRefused(ValueError):
    pass


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(_("The host %(host)s cannot be found.") % {"host": host}) from exc
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def url_check(url: str) -> str:
    """The URL, stripped, if a delivery may go there; else AddressRefused with the reason."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL_LENGTH:
        raise AddressRefused(_("Give the URL, at most %(n)d characters.") % {"n": MAX_URL_LENGTH})
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AddressRefused(_("The URL must start with https:// and name a host."))
    if parts.username or parts.password:
        raise AddressRefused(_("The URL may not contain a user name or password."))
    allow_loopback = settings.WEBHOOKS_ALLOW_LOOPBACK
    addresses = _addresses(parts.hostname)
    loopback = all(address.is_loopback for address in addresses)
    if parts.scheme == "http" and not (allow_loopback and loopback):
        raise AddressRefused(_("The URL must start with https://."))
    for address in addresses:
        if address.is_loopback and allow_loopback:
            continue
        if not address.is_global or address.is_multicast:
            raise AddressRefused(
                _("%(host)s is a private, local or reserved address; webhooks go to public addresses only.")
                % {"host": parts.hostname}
            )
    return url
