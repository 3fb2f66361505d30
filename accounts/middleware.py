import logging
import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control

from .client_address import client_ip


class UserLanguageMiddleware:
    """A signed-in person sees their preferred language, whatever the browser asks for.

    LocaleMiddleware has already chosen from the cookie or Accept-Language; the profile wins over both.
    The language switcher updates the profile and the cookie together (accounts.views.set_language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


access_log = logging.getLogger("security.access")

LOGGED_STATUSES = {401: "unauthenticated", 403: "forbidden", 404: "not found"}


def _who(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.get_username()
    customer = getattr(request, "auth", None)  # the API's bearer token resolves to a customer
    if customer is not None and getattr(customer, "pk", None):
        return f"api-customer:{customer.pk}"
    return "anonymous"


class AccessLogMiddleware:
    """Every refused or missing page leaves one line on "security.access": status, user, IP, method, path.

    It sits outside the CSRF and authentication middleware, so it also sees their refusals. The query
    string is left out: it may carry tokens (password reset links) or personal data.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in LOGGED_STATUSES:
            access_log.warning(
                "%s %s user=%s ip=%s method=%s url=%s",
                response.status_code,
                LOGGED_STATUSES[response.status_code],
                _who(request),
                client_ip(request),
                request.method,
                request.path,
            )
        return response


class PrivateAnswersMiddleware:
    """Whatever a signed-in person is answered is theirs alone: no browser history cache or proxy keeps it
    (Cache-Control: private, no-store), so it is not there for the next person at a shared computer. A view
    that chose its own caching (a person's filter options, kept briefly by their browser) keeps its choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


SESSION_SIGNED_IN_AT = "_signed_in_at"
SESSION_SEEN_AT = "_seen_at"


class SessionTimeoutMiddleware:
    """Sign a person out after SESSION_IDLE_SECONDS without a request, and SESSION_COOKIE_AGE after
    they signed in, however active.

    Django alone gives neither: every session save moves the expiry forward. The idle clock is written
    at most once a minute (SESSION_ACTIVITY_RESOLUTION_SECONDS), not on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "SESSION_TIMEOUT_ENFORCE", True):
            return self.get_response(request)
        if request.user.is_authenticated:
            expired = self._check(request)
            if expired:
                return expired
            return self.get_response(request)
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # This request signed the person in: both clocks start now.
            request.session[SESSION_SIGNED_IN_AT] = request.session[SESSION_SEEN_AT] = time.time()
        return response

    def _check(self, request):
        session = request.session
        now = time.time()
        signed_in_at = session.get(SESSION_SIGNED_IN_AT)
        seen_at = session.get(SESSION_SEEN_AT)
        idle_limit = settings.SESSION_IDLE_SECONDS
        reason = None
        if signed_in_at is not None and now - signed_in_at > settings.SESSION_COOKIE_AGE:
            reason = "absolute"
        elif seen_at is not None and idle_limit and now - seen_at > idle_limit:
            reason = "idle"
        if reason:
            access_log.info("session ended (%s timeout) user=%s ip=%s", reason, _who(request), client_ip(request))
            logout(request)  # flushes the session and deletes its row
            if request.path.startswith("/api/"):
                return None  # the API authenticates by token, not by session
            return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?next={quote(request.get_full_path())}")
        if signed_in_at is None:
            session[SESSION_SIGNED_IN_AT] = now
        if seen_at is None or now - seen_at >= settings.SESSION_ACTIVITY_RESOLUTION_SECONDS:
            session[SESSION_SEEN_AT] = now
        return None


def otp_required_for(user) -> bool:
    """Superusers and the roles in OTP_REQUIRED_ROLES must sign in with a second factor."""
    from .roles import user_roles

    return user.is_superuser or bool(user_roles(user) & set(settings.OTP_REQUIRED_ROLES))


def otp_has_device(user) -> bool:
    from .access import user_access

    return user_access(user)["otp_device"]


# Reachable before the second factor: signing in and out, the two OTP pages, language, health, static.
OTP_EXEMPT_URL_NAMES = ("login", "logout", "otp_verify", "otp_setup", "set_language", "healthz")


class OTPRequiredMiddleware:
    """After the password, the second factor, before anything else.

    A person with a confirmed authenticator is sent to enter a code; a superuser or a member of
    OTP_REQUIRED_ROLES without one is sent to set one up. Off when OTP_ENFORCE is False (the test
    settings, where most tests sign in with force_login). The token API has no session user: untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths = None

    def _exempt(self, path: str) -> bool:
        if self._exempt_paths is None:
            self._exempt_paths = {reverse(name) for name in OTP_EXEMPT_URL_NAMES}
        static = "/" + settings.STATIC_URL.lstrip("/")
        return path in self._exempt_paths or path.startswith((static, "/api/"))

    def __call__(self, request):
        if not getattr(settings, "OTP_ENFORCE", True) or self._exempt(request.path):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        if otp_has_device(user):
            target = "otp_verify"
        elif otp_required_for(user):
            target = "otp_setup"
        else:
            return self.get_response(request)
        return HttpResponseRedirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
