"""One way to answer a domain error, whichever app's view meets it (core.views)."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from core.errors import DomainError, InvalidInput, NotPermitted, Stale, TransitionRefused
from core.views import report_error, run_service, safe_next


def _request(data=None):
    request = RequestFactory().post("/somewhere/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _shown(request):
    return [(m.level_tag, m.message) for m in get_messages(request)]


def test_not_permitted_is_a_403_that_says_why():
    request = _request()
    with pytest.raises(PermissionDenied) as refused:
        report_error(request, NotPermitted("Only the owner may do this."))
    assert str(refused.value) == "Only the owner may do this."
    assert _shown(request) == []  # the 403 page says it, not a message on some later page


def test_stale_is_a_warning_to_reload():
    request = _request()
    report_error(request, Stale("Someone changed this order. Reload and try again."))
    assert _shown(request) == [("warning", "Someone changed this order. Reload and try again.")]


@pytest.mark.parametrize("error_class", [DomainError, InvalidInput, TransitionRefused])
def test_any_other_domain_error_is_an_error_message_with_its_reasons(error_class):
    request = _request()
    report_error(request, error_class("Not possible yet.", reasons=["No confirmation.", "No lines."]))
    assert _shown(request) == [("error", "Not possible yet. No confirmation. No lines.")]


def test_run_service_reports_the_success_or_the_error():
    request = _request()
    assert run_service(request, lambda: None, success="Saved.") is True

    def refuse():
        raise InvalidInput("Give a reason.")

    assert run_service(request, refuse, success="Saved.") is False
    assert _shown(request) == [("success", "Saved."), ("error", "Give a reason.")]

    def forbid():
        raise NotPermitted("Not yours.")

    with pytest.raises(PermissionDenied):
        run_service(request, forbid)


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/orders/7/", "/orders/7/"), ("https://evil.example/", "/home/"), ("//evil.example/x", "/home/"), ("", "/home/")],
)
def test_safe_next_stays_on_the_site(target, expected):
    assert safe_next(_request({"next": target}), "/home/") == expected
