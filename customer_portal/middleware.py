"""Confinement of the customer portal's principal: a contact's login reaches the portal and nothing else.

One place, keyed on the principal, not on the pages: whatever URL the project grows, a contact is refused
(403) unless its name is on the list below. Staff are not touched here; the portal's own views refuse
them (customer_portal.portal_views.contact_required).
"""

from django.core.exceptions import PermissionDenied

from accounts.access import user_access
from accounts.client_address import client_ip
from accounts.decorators import security_log
from orders.permissions import contact_customer_id

# The URL namespaces a contact may use: the portal itself, the signed status pages, and the token API
# (which authenticates by bearer token and ignores the session).
ALLOWED_NAMESPACES = frozenset({"customer", "portal", "api"})
# Sign-in and out, passwords, the two-factor pages, the language switch, the landing page (which sends a
# contact to the portal home) and the health check.
ALLOWED_NAMES = frozenset(
    {
        "home",
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "otp_setup",
        "otp_verify",
        "set_language",
        "healthz",
    }
)


def is_portal_principal(user) -> bool:
    """A signed-in contact's login: no staff role, not a superuser, linked to a customer contact."""
    if not user.is_authenticated or user.is_superuser or user.is_staff:
        return False
    return not user_access(user)["roles"] and contact_customer_id(user) is not None


def contact_may_open(resolver_match) -> bool:
    if resolver_match.namespaces:
        return resolver_match.namespaces[0] in ALLOWED_NAMESPACES
    return resolver_match.url_name in ALLOWED_NAMES


class ContactConfinementMiddleware:
    """Refuse (403) a customer contact's login on every view outside the portal. Static files never reach
    here (WhiteNoise answers them first); an unknown path stays a 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not is_portal_principal(user):
            return None
        if contact_may_open(request.resolver_match):
            return None
        security_log.warning(
            "portal contact confined user=%s ip=%s url=%s", user.get_username(), client_ip(request), request.path
        )
        raise PermissionDenied
