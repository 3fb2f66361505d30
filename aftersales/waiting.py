"""What after-sales puts under "Waiting for you" (core/waiting.py), registered in AftersalesConfig.ready()."""

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, user_roles
from core import waiting
from core.waiting import LIMIT, Item, Source

from .models import ACTIVE_CASE_STATES
from .selectors import cases_visible_to


def cases_near_sla(user) -> list[Item]:
    """Open cases past the warning point of their response or resolution clock: a merchandiser's own, a
    supervisor's team's. The warning instants are stored on the case (aftersales/sla.py), so one query."""
    now = timezone.now()
    near = Q(first_responded_at__isnull=True, response_warn_at__lte=now) | Q(resolution_warn_at__lte=now)
    cases = cases_visible_to(user).filter(near, status__in=ACTIVE_CASE_STATES)
    if Role.SUPERVISOR not in user_roles(user):
        cases = cases.filter(owner=user)
    rows = cases.order_by(F("resolution_due_at").asc(nulls_last=True), "pk")[: LIMIT + 1]
    return [
        Item(
            str(case),
            reverse("aftersales:case_detail", args=[case.pk]),
            gettext("resolution due %(when)s")
            % {"when": date_format(timezone.localtime(case.resolution_due_at), "SHORT_DATETIME_FORMAT")}
            if case.resolution_due_at
            else "",
            urgent=bool(case.resolution_breached_at or case.response_breached_at),
        )
        for case in rows
    ]


def register() -> None:
    waiting.register(
        Source(
            "cases-sla",
            _("Cases near their SLA"),
            "stages",
            frozenset({Role.MERCHANDISER, Role.SUPERVISOR}),
            cases_near_sla,
            35,
        )
    )
