"""What the supervision views share: POST-only actions, running a service, the period and week asked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from core.errors import DomainError
from core.params import date_param
from orders.views._common import report_error

from .. import forms
from ..weeks import this_week, week_start_of


def post_action(*roles):
    """A POST-only action: outsiders are sent to sign in, a GET answers 405, other roles get 403."""

    def decorator(view):
        return login_required(require_POST(role_required(*roles)(view)))

    return decorator


def run(request, action, success: str = "") -> bool:
    """Call the service; a domain error becomes an error message. True when it succeeded."""
    try:
        action()
    except DomainError as error:
        report_error(request, error)
        return False
    if success:
        messages.success(request, success)
    return True


def week_param(request):
    """?week= as the Monday of a week the date rule allows (a week near the calendar's end has no next)."""
    day = date_param(request.GET.get("week", ""))
    return week_start_of(day) if day else this_week()


def period_param(request):
    """The period of a page: ?start=&end=, by default this month so far."""
    today = timezone.localdate()
    return forms.PeriodForm(request.GET or None).period(today.replace(day=1), today)


def safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default
