"""Bearer tokens issued to a customer's system (manage.py issue_api_token). `request.auth` is the Customer.

Header auth carries no cookie, so there is nothing for CSRF to protect: ninja marks its views
csrf_exempt and only its cookie-based auth classes check CSRF; HttpBearer does not.
"""

from django.utils import translation
from ninja.security import HttpBearer

from ..models import Customer, CustomerApiToken

RAW_TOKEN_MAX_LENGTH = 200


class CustomerTokenAuth(HttpBearer):
    def authenticate(self, request, token: str) -> Customer | None:
        token = (token or "").strip()
        if not token or len(token) > RAW_TOKEN_MAX_LENGTH:
            return None
        api_token = (
            CustomerApiToken.objects.select_related("customer", "customer__merchandiser")
            .filter(key_hash=CustomerApiToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None:
            return None
        customer = api_token.customer
        # Messages and status labels follow Accept-Language; a system that sends none gets the
        # customer's preferred language rather than the site default.
        if "Accept-Language" not in request.headers and customer.preferred_language:
            translation.activate(customer.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return customer
