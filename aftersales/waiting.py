"""What after-sales puts under "Waiting for you" (core/waiting.py), registered in AftersalesConfig.ready()."""

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, user_roles
from core import waiting
from core.waiting import LIMIT, Item, Source

from .models import ACTIVE_CASE_STATES, Case
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
    return [_case_item(case) for case in rows]


def _case_item(case) -> Item:
    return Item(
        str(case),
        reverse("aftersales:case_detail", args=[case.pk]),
        gettext("resolution due %(when)s")
        % {"when": date_format(timezone.localtime(case.resolution_due_at), "SHORT_DATETIME_FORMAT")}
        if case.resolution_due_at
        else "",
        urgent=bool(case.resolution_breached_at or case.response_breached_at),
    )


def cases_near_sla_many(users) -> dict[int, list[Item]]:
    """cases_near_sla for many people who are not supervisors: their own cases (always visible to them),
    in one query. Supervisors are left out, to be asked one by one."""
    ids = [user.pk for user in users]
    supervisors = set(
        get_user_model()
        .groups.through.objects.filter(user_id__in=ids, group__name=Role.SUPERVISOR)
        .values_list("user_id", flat=True)
    )
    owners = [pk for pk in ids if pk not in supervisors]
    found: dict[int, list[Item]] = {pk: [] for pk in owners}
    if not owners:
        return found
    now = timezone.now()
    near = Q(first_responded_at__isnull=True, response_warn_at__lte=now) | Q(resolution_warn_at__lte=now)
    rows = Case.objects.filter(near, owner_id__in=owners, status__in=ACTIVE_CASE_STATES).order_by(
        "owner_id", F("resolution_due_at").asc(nulls_last=True), "pk"
    )
    for case in rows.iterator(chunk_size=500):
        if len(found[case.owner_id]) <= LIMIT:
            found[case.owner_id].append(_case_item(case))
    return found


def register() -> None:
    waiting.register(
        Source(
            "cases-sla",
            _("Cases near their SLA"),
            "stages",
            frozenset({Role.MERCHANDISER, Role.SUPERVISOR}),
            cases_near_sla,
            35,
            many=cases_near_sla_many,
        )
    )
