"""The one way a view answers a domain error (docs/architecture.md, *Errors*):

- `NotPermitted`: a 403 page that says why. The person asked for something their role or ownership does
  not allow; the access log records it like any other refusal.
- `Stale`: a warning to reload (someone changed the object since the page was loaded); the view goes back
  to the page, which then shows the current state.
- any other `DomainError`: an error message with its reasons; the view goes back to the page, or renders
  its form again with status 400.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .errors import DomainError, NotPermitted, Stale


def error_text(error: DomainError) -> str:
    """The error's message followed by its reasons, as one line to show."""
    return " ".join([str(error.message), *(str(reason) for reason in error.reasons)])


def report_error(request, error: DomainError) -> None:
    """Apply the rule: raise a 403 for NotPermitted, otherwise leave a message for the next page."""
    if isinstance(error, NotPermitted):
        raise PermissionDenied(str(error.message)) from error
    level = messages.WARNING if isinstance(error, Stale) else messages.ERROR
    messages.add_message(request, level, error_text(error))


def report_form_errors(request, form) -> None:
    messages.error(request, _("Please correct the errors below."))


def run_service(request, action, success: str = "") -> bool:
    """Call `action()`; a domain error is answered by the rule above. True when it succeeded."""
    try:
        action()
    except DomainError as error:
        report_error(request, error)
        return False
    if success:
        messages.success(request, success)
    return True


def safe_next(request, default: str) -> str:
    """The POSTed `next` address if it stays on this site, else `default`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default
