"""Per-customer rate limit for the API, on ninja's own throttle (a sliding window kept in the cache).

Ninja answers a refused request with a 429 and Retry-After but tells a client nothing before that, and keeps
the window's state on the shared throttle object. This one keeps each request's figures on the request, so
every answer can carry RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (api.py adds them)."""

import math
from dataclasses import dataclass

from django.conf import settings
from ninja.throttling import SimpleRateThrottle


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    remaining: int
    reset: int  # seconds until the oldest request in the window leaves it and frees a slot

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }


class CustomerRateThrottle(SimpleRateThrottle):
    """Counts the requests of one customer's tokens together: a customer with two systems shares one limit."""

    scope = "customer"

    def __init__(self):
        super().__init__(rate=settings.API_RATE_LIMIT)

    def get_cache_key(self, request) -> str | None:
        customer = getattr(request, "auth", None)
        if customer is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": customer.pk}

    def allow_request(self, request) -> bool:
        key = self.get_cache_key(request)
        if key is None:
            return True
        # Read per request rather than once at import, so a changed setting (or a test's) applies at once.
        limit, duration = self.parse_rate(settings.API_RATE_LIMIT)
        now = self.timer()
        history = [stamp for stamp in self.cache.get(key, []) if stamp > now - duration]
        allowed = len(history) < limit
        if allowed:
            history.insert(0, now)
            self.cache.set(key, history, duration)
        reset = math.ceil(duration - (now - history[-1])) if history else 0
        request.rate_limit = RateLimitState(limit=limit, remaining=max(limit - len(history), 0), reset=max(reset, 1))
        return allowed

    def wait(self) -> None:
        # The 429 handler sets Retry-After from the request's own figures; the shared object has none.
        return None
