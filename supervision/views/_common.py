"""What the supervision views share: POST-only actions, the period and week asked. Running a service and
answering its errors is core.views's."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from core.params import date_param

from .. import forms
from ..weeks import this_week, week_start_of


def post_action(*roles):
    """A POST-only action: outsiders are sent to sign in, a GET answers 405, other roles get 403."""

    def decorator(view):
        return login_required(require_POST(role_required(*roles)(view)))

    return decorator


def week_param(request):
    """?week= as the Monday of a week the date rule allows (a week near the calendar's end has no next)."""
    day = date_param(request.GET.get("week", ""))
    return week_start_of(day) if day else this_week()


def period_param(request):
    """The period of a page: ?start=&end=, by default this month so far."""
    today = timezone.localdate()
    return forms.PeriodForm(request.GET or None).period(today.replace(day=1), today)
