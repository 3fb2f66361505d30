"""The digest page (each person their own digests) and the escalations list (a supervisor their team's,
management everything). Reads only."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from accounts.roles import Role, user_roles
from core.params import int_param

from .models import Digest
from .selectors import escalations_visible_to

SECTION_ORDER = ("overdue", "today")


@login_required
@require_GET
def digest_day(request, day: str):
    """The person's own digest of `day` (what the morning notice announced); another's does not exist."""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    digest = Digest.objects.filter(user=request.user, day=parsed).first()
    if digest is None:
        raise Http404
    sections = {s["key"]: s for s in digest.content.get("sections", [])}
    return render(
        request,
        "reminders/digest.html",
        {
            "digest": digest,
            "overdue": sections.get("overdue"),
            "today": sections.get("today"),
            "waiting": digest.content.get("waiting", []),
        },
    )


@role_required(Role.SUPERVISOR, Role.MANAGEMENT)
@require_GET
def escalation_list(request):
    rows = escalations_visible_to(request.user, user_roles(request.user))
    page = Paginator(rows, 50).get_page(int_param(request.GET.get("page"), default=1, low=1, high=100_000))
    return render(request, "reminders/escalations.html", {"page": page})
