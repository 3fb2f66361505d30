"""After-sales writes. Each function is one transaction, and each change to a case leaves a line on the
order's work record (orders.events.event_stage with the case id in the payload).

Emails to staff (a new case, an SLA warning, an escalation) go through the notification outbox, written
in the same transaction and sent after commit.
"""

import mimetypes
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.roles import Role, has_role
from core import waiting
from core.errors import InvalidInput, NotPermitted, TransitionRefused
from notifications.services import notify
from orders import events, hooks
from orders.models import Order, OrderState
from orders.permissions import can_edit
from orders.services import order_lock, order_transition
from orders.services.records import attachment_validate
from workcalendar.selectors import calendar_version

from . import wording
from .models import (
    ACTIVE_CASE_STATES,
    NOT_CLOSED_CASE_STATES,
    Case,
    CaseAttachment,
    CaseChannel,
    CaseStatus,
    CaseType,
    Feedback,
    FeedbackSource,
    Severity,
)
from .selectors import sla_targets
from .sla import calendar

STAGE = "aftersales"
# Orders on which a case can be opened: goods are made or on their way, and after-sales has not ended.
CASE_ORDER_STATES = (OrderState.IN_PRODUCTION, OrderState.SHIPPED, OrderState.AFTER_SALES)
CASE_TRANSITIONS = ("start", "wait_on_customer", "resume", "resolve", "close", "reopen")


# --- who may do what ------------------------------------------------------------------------------------
def can_work_on_case(user, case: Case) -> bool:
    """The order's merchandiser or their supervisor, or whoever owns the case."""
    if not user.is_authenticated:
        return False
    return case.owner_id == user.pk or can_edit(user, case.order)


def _require_case_work(actor, case: Case) -> None:
    if actor is None or not can_work_on_case(actor, case):
        raise NotPermitted(_("You are not allowed to work on case %(case)s.") % {"case": case.reference})


def _eligible_owner(user) -> bool:
    return user is not None and user.is_active and has_role(user, Role.MERCHANDISER, Role.SUPERVISOR)


# --- the SLA clock --------------------------------------------------------------------------------------
def _working_paused(case: Case, now: datetime) -> int:
    """Working seconds paused so far, including a pause still running."""
    total = case.paused_seconds
    if case.paused_since:
        total += calendar().seconds_between(case.paused_since, now)
    return total


def _pause(case: Case, now: datetime) -> None:
    if case.paused_since is None:
        case.paused_since = now


def _resume(case: Case, now: datetime) -> None:
    if case.paused_since is not None:
        case.paused_seconds += calendar().seconds_between(case.paused_since, now)
        case.paused_since = None


def _reschedule(case: Case) -> None:
    """Project both clocks onto the calendar. While the resolution clock is stopped (waiting on the
    customer, resolved, closed) its instants are empty, so the SLA job does not see the case."""
    cal = calendar()
    warn = settings.AFTERSALES_SLA_WARN_AT
    if case.first_responded_at is None:
        target = case.response_target_minutes * 60
        case.response_warn_at = cal.add(case.opened_at, target * warn)
        case.response_due_at = cal.add(case.opened_at, target)
    if case.paused_since is None and case.status in ACTIVE_CASE_STATES:
        target = case.resolution_target_minutes * 60
        case.resolution_warn_at = cal.add(case.opened_at, target * warn + case.paused_seconds)
        case.resolution_due_at = cal.add(case.opened_at, target + case.paused_seconds)
    else:
        case.resolution_warn_at = None
        case.resolution_due_at = None


SCHEDULE_FIELDS = [
    "paused_since",
    "paused_seconds",
    "response_warn_at",
    "response_due_at",
    "resolution_warn_at",
    "resolution_due_at",
]


def _late(case: Case, *, target_minutes: int, now: datetime, pauses: bool) -> bool:
    used = calendar().seconds_between(case.opened_at, now) - (_working_paused(case, now) if pauses else 0)
    return used > target_minutes * 60


def _case_url(case: Case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("aftersales:case_detail", kwargs={"pk": case.pk})


def _email_staff(case: Case, *, user, kind: str, template: str, dedupe_key: str, context=None) -> bool:
    """Tell a member of staff about the case: a notice in their inbox, and the email if their preference
    for this kind says so. False when there is no one to tell."""
    if user is None or not user.is_active:
        return False
    notify(
        user=user,
        kind=kind,
        link=reverse("aftersales:case_detail", kwargs={"pk": case.pk}),
        reference=f"case:{case.pk}",
        template=template,
        context={"case": case, "order": case.order, "recipient": user, **(context or {})},
        email_context={"case_url": _case_url(case)},
        dedupe_key=dedupe_key,
    )
    return True


def _case_event(case: Case, actor, *, action: str, note: events.Note = "", **payload) -> None:
    events.event_stage(
        case.order,
        actor,
        stage=STAGE,
        action=action,
        note=note,
        payload={"case": case.pk, "reference": case.reference, **payload},
    )


# --- cases ----------------------------------------------------------------------------------------------
@dataclass
class CaseInput:
    case_type: str
    subject: str
    description: str
    channel: str
    severity: str = Severity.MEDIUM
    contact_name: str = ""
    contact_email: str = ""
    opened_at: datetime | None = None  # when the customer called or wrote; now if not given
    owner: object = None
    attachments: list = field(default_factory=list)


def _validate_case(order: Order, data: CaseInput, now: datetime) -> list[str]:
    problems = []
    if data.case_type not in CaseType.values:
        problems.append(_("Choose the type of case."))
    if data.severity not in Severity.values:
        problems.append(_("Choose a severity."))
    if data.channel not in CaseChannel.values:
        problems.append(_("Say how the case came in."))
    if not data.subject.strip():
        problems.append(_("Give the case a short subject."))
    elif len(data.subject.strip()) > 200:
        problems.append(_("The subject is longer than 200 characters."))
    if not data.description.strip():
        problems.append(_("Describe the problem."))
    elif len(data.description) > 10000:
        problems.append(_("The description is longer than 10,000 characters."))
    if data.contact_email:
        try:
            validate_email(data.contact_email)
        except ValidationError:
            problems.append(_("The contact email address is not valid."))
    if data.opened_at is not None:
        if data.opened_at > now + timedelta(minutes=1):
            problems.append(_("The time the customer raised the case cannot be in the future."))
        if data.opened_at < order.received_at:
            problems.append(_("The case cannot start before the order was received."))
    if data.owner is not None and not _eligible_owner(data.owner):
        problems.append(_("The owner must be an active merchandiser or supervisor."))
    for uploaded in data.attachments:
        try:
            attachment_validate(uploaded)
        except InvalidInput as error:
            problems.append(f"{uploaded.name}: {error.message}")
    return problems


def _attachment_add(case: Case, uploaded, actor) -> CaseAttachment:
    attachment_validate(uploaded)
    name = PurePath(uploaded.name).name[:255]
    return CaseAttachment.objects.create(
        case=case,
        file=uploaded,
        original_name=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=uploaded.size,
        uploaded_by=actor,
    )


def case_open(*, order_id, actor, data: CaseInput) -> Case:
    """Open a case on an order. `actor=None` means the customer, on the status page.

    The SLA targets of the severity are snapshotted and the clock starts at `opened_at` (when the customer
    called or wrote). The owner (by default the order's merchandiser) is emailed unless they opened it.
    """
    now = timezone.now()
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        order = order_lock(order_id=order_id)
        if actor is None:
            if data.channel != CaseChannel.STATUS_PAGE:
                raise NotPermitted(_("Customers open cases on the status page."))
            open_count = order.cases.filter(channel=CaseChannel.STATUS_PAGE, status__in=ACTIVE_CASE_STATES).count()
            if open_count >= settings.PORTAL_MAX_OPEN_CASES:
                raise TransitionRefused(
                    _("You already have %(n)d open requests on this order. We will answer them first.")
                    % {"n": open_count}
                )
        elif not can_edit(actor, order):
            raise NotPermitted(_("You are not allowed to change order %(order)s.") % {"order": order.display_number})
        if order.status not in CASE_ORDER_STATES:
            raise TransitionRefused(
                _("After-sales cases can be opened from production until the order closes (it is %(state)s).")
                % {"state": order.get_status_display()}
            )
        problems = _validate_case(order, data, now)
        if problems:
            raise InvalidInput(_("The case could not be saved."), reasons=problems)

        response, resolution = sla_targets(severity=data.severity)
        case = Case(
            order=order,
            customer_id=order.customer_id,
            case_type=data.case_type,
            severity=data.severity,
            channel=data.channel,
            subject=data.subject.strip(),
            description=data.description.strip(),
            contact_name=data.contact_name.strip(),
            contact_email=data.contact_email.strip(),
            owner=data.owner or order.merchandiser,
            opened_at=data.opened_at or now,
            created_by=actor,
            response_target_minutes=response,
            resolution_target_minutes=resolution,
        )
        if order.is_on_hold:
            _pause(case, case.opened_at)  # opened on a held order: the resolution clock starts stopped
        _reschedule(case)
        case.save()
        for uploaded in data.attachments:
            _attachment_add(case, uploaded, actor)
        _case_event(
            case,
            actor,
            action="case_opened",
            note=wording.CASE_OPENED(
                ref=case.reference, type=case.case_type, severity=case.severity, subject=case.subject
            ),
            channel=case.channel,
        )
        hooks.customer_event("case.opened", order, subject=case)
        if case.owner_id != getattr(actor, "pk", None):
            _email_staff(
                case, user=case.owner, kind="case_opened", template="case_opened", dedupe_key=f"case:{case.pk}:opened"
            )
    return case


def case_transition(*, case_id, name: str, actor, note: str = "", resolution: str = "") -> Case:
    """Move a case along open → in progress → waiting on customer → resolved → closed (and reopen).

    The first move out of `open` is the first response. Waiting on the customer, and the time between
    resolving and reopening, stop the resolution clock. Resolving needs the resolution written down.
    """
    if name not in CASE_TRANSITIONS:
        raise TransitionRefused(_("Unknown action."))
    now = timezone.now()
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        order_id = Case.objects.filter(pk=case_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise InvalidInput(_("This case no longer exists."))
        order = order_lock(order_id=order_id)
        case = Case.objects.select_for_update(of=("self",)).select_related("owner").get(pk=case_id)
        case.order = order
        _require_case_work(actor, case)
        method = getattr(case, name)
        if not can_proceed(method):
            raise TransitionRefused(
                _("Case %(case)s is %(state)s now, so this action is not possible.")
                % {"case": case.reference, "state": case.get_status_display()}
            )
        if name == "reopen" and order.status in (OrderState.CLOSED, OrderState.CANCELLED):
            raise TransitionRefused(_("The order is closed; open a new case on a current order instead."))
        if name == "resolve":
            if resolution.strip():
                case.resolution = resolution.strip()
            if not case.resolution.strip():
                raise InvalidInput(_("Write down the resolution before resolving the case."))
        if name == "wait_on_customer" and not note.strip():
            raise InvalidInput(_("Say what you are waiting for from the customer."))

        from_state = case.status
        fields = ["status", *SCHEDULE_FIELDS]
        if case.first_responded_at is None and name in ("start", "wait_on_customer", "resolve"):
            case.first_responded_at = now
            fields.append("first_responded_at")
            if case.response_breached_at is None and _late(
                case, target_minutes=case.response_target_minutes, now=now, pauses=False
            ):
                case.response_breached_at = now
                fields.append("response_breached_at")
        if (
            name == "resolve"
            and case.resolution_breached_at is None
            and _late(case, target_minutes=case.resolution_target_minutes, now=now, pauses=True)
        ):
            case.resolution_breached_at = now
            fields.append("resolution_breached_at")
        if name in ("resume", "reopen", "resolve"):
            _resume(case, now)
        method()
        if name in ("wait_on_customer", "resolve") or (order.is_on_hold and case.status in ACTIVE_CASE_STATES):
            _pause(case, now)  # a held order keeps the clock stopped (cases_pause_for_hold)
        fields += {"resolve": ["resolved_at", "resolution"], "close": ["closed_at"]}.get(name, [])
        if name == "reopen":
            fields += ["resolved_at", "closed_at", "reopen_count"]
        _reschedule(case)
        case.save(update_fields=fields)
        _case_event(
            case,
            actor,
            action=f"case_{name}",
            note=note.strip(),
            from_state=from_state,
            to_state=case.status,
        )
        if name == "resolve":
            hooks.customer_event("case.resolved", order, subject=case)
    return case


def case_update(
    *,
    case_id,
    actor,
    severity: str | None = None,
    case_type: str | None = None,
    owner=None,
    root_cause: str | None = None,
    corrective_action: str | None = None,
    resolution: str | None = None,
) -> Case:
    """Triage and record the analysis: severity, type, owner, root cause, corrective action, resolution.

    A new severity takes that severity's targets, measured from when the case was opened.
    """
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        order_id = Case.objects.filter(pk=case_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise InvalidInput(_("This case no longer exists."))
        order = order_lock(order_id=order_id)
        case = Case.objects.select_for_update().get(pk=case_id)
        case.order = order
        _require_case_work(actor, case)
        if case.status == CaseStatus.CLOSED:
            raise TransitionRefused(_("The case is closed. Reopen it to change it."))
        changes, fields = [], []

        def change(name, value, shown=None):
            old = getattr(case, name)
            if value is not None and value != old:
                changes.append({"field": name, "old": str(shown(old) if shown else old), "new": str(value)})
                setattr(case, name, value)
                fields.append(name)

        if severity is not None and severity not in Severity.values:
            raise InvalidInput(_("Choose a severity."))
        if case_type is not None and case_type not in CaseType.values:
            raise InvalidInput(_("Choose the type of case."))
        if owner is not None and not _eligible_owner(owner):
            raise InvalidInput(_("The owner must be an active merchandiser or supervisor."))
        change("severity", severity)
        change("case_type", case_type)
        for name, value in (
            ("root_cause", root_cause),
            ("corrective_action", corrective_action),
            ("resolution", resolution),
        ):
            change(name, value.strip() if value is not None else None)
        new_owner = owner if owner is not None and owner.pk != case.owner_id else None
        if new_owner is not None:
            changes.append({"field": "owner", "old": str(case.owner or "—"), "new": str(new_owner)})
            case.owner = new_owner
            fields.append("owner")
        if not changes:
            return case
        if "severity" in fields:
            case.response_target_minutes, case.resolution_target_minutes = sla_targets(severity=case.severity)
            fields += ["response_target_minutes", "resolution_target_minutes", *SCHEDULE_FIELDS]
            _reschedule(case)
        case.save(update_fields=fields)
        _case_event(case, actor, action="case_updated", changes=changes)
        if new_owner is not None and new_owner.pk != actor.pk:
            _email_staff(
                case,
                user=new_owner,
                kind="case_opened",
                template="case_opened",
                dedupe_key=f"case:{case.pk}:owner:{new_owner.pk}:{timezone.now():%Y%m%d%H%M%S}",
            )
    return case


def case_add_attachment(*, case_id, actor, uploaded) -> CaseAttachment:
    with transaction.atomic():
        order_id = Case.objects.filter(pk=case_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise InvalidInput(_("This case no longer exists."))
        order = order_lock(order_id=order_id)
        case = Case.objects.get(pk=case_id)
        case.order = order
        _require_case_work(actor, case)
        attachment = _attachment_add(case, uploaded, actor)
        _case_event(case, actor, action="case_attachment", name=attachment.original_name)
    return attachment


def cases_pause_for_hold(order, actor) -> None:
    """orders.hooks action of order_hold, inside its transaction: the resolution clocks of the order's active
    cases stop while it is held. The first-response clock runs on: the customer who wrote still gets an
    answer. Recorded by the order's HELD event."""
    now = timezone.now()
    for case in Case.objects.select_for_update().filter(order_id=order.pk, status__in=ACTIVE_CASE_STATES):
        if case.paused_since is None:
            _pause(case, now)
            _reschedule(case)
            case.save(update_fields=SCHEDULE_FIELDS)


def cases_resume_after_hold(order, actor) -> None:
    """orders.hooks action of order_release: the clocks run again, except a case still waiting on the customer."""
    now = timezone.now()
    for case in Case.objects.select_for_update().filter(
        order_id=order.pk, status__in=[CaseStatus.OPEN, CaseStatus.IN_PROGRESS], paused_since__isnull=False
    ):
        _resume(case, now)
        _reschedule(case)
        case.save(update_fields=SCHEDULE_FIELDS)


def cases_reschedule(*, case_ids=None) -> int:
    """Project the clocks of open cases onto the current working calendar again, e.g. after the working
    hours in the settings or the company calendar's days changed. Flags already set stay set. Returns how
    many moved."""
    moved = 0
    qs = Case.objects.filter(status__in=ACTIVE_CASE_STATES)
    if case_ids is not None:
        qs = qs.filter(pk__in=case_ids)
    for case_id in qs.values_list("pk", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case_id)
            before = [getattr(case, name) for name in SCHEDULE_FIELDS]
            _reschedule(case)
            if [getattr(case, name) for name in SCHEDULE_FIELDS] != before:
                case.save(update_fields=SCHEDULE_FIELDS)
                moved += 1
    return moved


_CALENDAR_SEEN_KEY = "aftersales:calendar-version-seen"


def cases_follow_calendar() -> int:
    """Once per change of the company calendar (HR added a holiday, imported a notice): re-project the
    open cases' deadlines. An empty cache costs one idempotent pass. Returns how many moved."""
    from django.core.cache import cache

    version = calendar_version()
    if cache.get(_CALENDAR_SEEN_KEY) == version:
        return 0
    moved = cases_reschedule()
    cache.set(_CALENDAR_SEEN_KEY, version, None)
    return moved


# --- the SLA job ----------------------------------------------------------------------------------------
def _supervisor_of(case: Case):
    for person in (case.owner, case.order.merchandiser):
        team = getattr(person, "team", None) if person else None
        if team and team.supervisor and team.supervisor.is_active:
            return team.supervisor
    return None


def _claim(case_id: int, *, clock: str, kind: str, now: datetime) -> bool:
    """Set the warning or breach flag once, and send its email in the same transaction. A second run, or
    a second worker at the same time, finds the flag set and does nothing."""
    flag = f"{clock}_{'warned' if kind == 'warning' else 'breached'}_at"
    with transaction.atomic():
        if not Case.objects.filter(pk=case_id, **{f"{flag}__isnull": True}).update(**{flag: now}):
            return False
        if kind == "breach":
            Case.objects.filter(pk=case_id, escalated_at__isnull=True).update(escalated_at=now)
        case = Case.objects.select_related(
            "order", "owner", "owner__team__supervisor", "order__merchandiser__team__supervisor"
        ).get(pk=case_id)
        owner = case.owner or case.order.merchandiser
        context = {"clock": clock, "due": case.response_due_at if clock == "response" else case.resolution_due_at}
        if kind == "warning":
            _email_staff(
                case,
                user=owner,
                kind="case_sla_warning",
                template="case_sla_warning",
                dedupe_key=f"case:{case_id}:{clock}:warning",
                context=context,
            )
        else:
            supervisor = _supervisor_of(case)
            sent = _email_staff(
                case,
                user=supervisor,
                kind="case_sla_breach",
                template="case_sla_breach",
                dedupe_key=f"case:{case_id}:{clock}:breach",
                context={**context, "owner": owner},
            )
            if not sent:  # nobody above the owner to tell: the owner hears of it themself
                _email_staff(
                    case,
                    user=owner,
                    kind="case_sla_breach",
                    template="case_sla_breach",
                    dedupe_key=f"case:{case_id}:{clock}:breach",
                    context={**context, "owner": owner},
                )
        _case_event(case, None, action=f"sla_{clock}_{kind}", clock=clock)
    return True


def cases_check_sla(*, now: datetime | None = None) -> dict:
    """The SLA job: warn owners of clocks about to run out, escalate clocks that have. Idempotent."""
    now = now or timezone.now()
    counts = {"warnings": 0, "breaches": 0}
    response_open = Case.objects.filter(
        status=CaseStatus.OPEN, first_responded_at__isnull=True, response_breached_at__isnull=True
    )
    resolution_running = Case.objects.filter(
        status__in=ACTIVE_CASE_STATES, resolution_due_at__isnull=False, resolution_breached_at__isnull=True
    )
    batches = [
        ("response", "breach", response_open.filter(response_due_at__lte=now)),
        (
            "response",
            "warning",
            response_open.filter(response_warned_at__isnull=True, response_warn_at__lte=now, response_due_at__gt=now),
        ),
        ("resolution", "breach", resolution_running.filter(resolution_due_at__lte=now)),
        (
            "resolution",
            "warning",
            resolution_running.filter(
                resolution_warned_at__isnull=True, resolution_warn_at__lte=now, resolution_due_at__gt=now
            ),
        ),
    ]
    for clock, kind, qs in batches:
        for case_id in qs.order_by("pk").values_list("pk", flat=True)[:1000]:
            if _claim(case_id, clock=clock, kind=kind, now=now):
                counts["breaches" if kind == "breach" else "warnings"] += 1
    return counts


# --- closing the order ----------------------------------------------------------------------------------
def orders_close_finished(*, limit: int = 2000) -> int:
    """The closing job: try to close every after-sales order whose cases are all closed. The guards
    decide (logistics: the service period has ended; after-sales: no case left open); a refusal just
    means not yet. Idempotent: a closed order is no longer a candidate."""
    candidates = (
        Order.objects.filter(status=OrderState.AFTER_SALES)
        .exclude(cases__status__in=NOT_CLOSED_CASE_STATES)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    closed = 0
    for order_id in list(candidates):
        try:
            order_transition(
                order_id=order_id,
                name="close",
                actor=None,
                note=wording.SERVICE_PERIOD_OVER(),
            )
        except (TransitionRefused, InvalidInput):
            continue
        closed += 1
    return closed


# --- customer feedback (客户反馈) ------------------------------------------------------------------------
def _validate_ratings(**ratings) -> list[str]:
    problems = []
    labels = {"quality": _("Product quality"), "delivery": _("Delivery"), "communication": _("Communication")}
    for name, value in ratings.items():
        try:
            number = int(value)
            valid = str(value).strip() == str(number) and 1 <= number <= 5
        except (TypeError, ValueError):
            valid = False
        if not valid:
            problems.append(_("%(what)s: give a rating from 1 to 5.") % {"what": labels[name]})
    return problems


def feedback_submit_survey(
    *, order_id, quality, delivery, communication, comment: str = "", contact_name: str = ""
) -> tuple[Feedback, bool]:
    """The customer's satisfaction survey, from the status page. Returns (response, created).

    One response per order: a second submission corrects the first (unique constraint + update), until
    the order closes. A rating outside 1–5 is refused and nothing is saved.
    """
    problems = _validate_ratings(quality=quality, delivery=delivery, communication=communication)
    if len(comment) > 5000:
        problems.append(_("The comment is longer than 5,000 characters."))
    if problems:
        raise InvalidInput(_("The survey could not be saved."), reasons=problems)
    values = {
        "quality": int(quality),
        "delivery": int(delivery),
        "communication": int(communication),
        "comment": comment.strip(),
        "contact_name": contact_name.strip()[:120],
    }
    now = timezone.now()
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if order.status == OrderState.CLOSED:
            raise TransitionRefused(_("This order is closed, so its survey can no longer be changed."))
        if order.status != OrderState.AFTER_SALES:
            raise TransitionRefused(_("The survey opens once the delivery is confirmed."))
        existing = Feedback.objects.select_for_update().filter(order=order, source=FeedbackSource.SURVEY).first()
        created = existing is None
        if created:
            try:
                with transaction.atomic():
                    existing = Feedback.objects.create(
                        order=order, customer_id=order.customer_id, source=FeedbackSource.SURVEY, **values
                    )
            except IntegrityError:  # another submission won the race: correct that one instead
                created = False
                existing = Feedback.objects.select_for_update().get(order=order, source=FeedbackSource.SURVEY)
        if not created:
            for key, value in values.items():
                setattr(existing, key, value)
            existing.updated_at = now
            existing.revisions += 1
            existing.save(update_fields=[*values.keys(), "updated_at", "revisions"])
        events.event_stage(
            order,
            None,
            stage=STAGE,
            action="survey_submitted" if created else "survey_corrected",
            note=wording.SURVEY(q=values["quality"], d=values["delivery"], c=values["communication"]),
            payload={"feedback": existing.pk},
        )
    return existing, created


FEEDBACK_LOG_STATES = (OrderState.SHIPPED, OrderState.AFTER_SALES, OrderState.CLOSED)


def feedback_log(
    *,
    order_id,
    actor,
    source: str,
    quality,
    delivery,
    communication,
    comment: str = "",
    contact_name: str = "",
) -> Feedback:
    """Staff record feedback the customer gave on a call, by email or in a visit."""
    problems = _validate_ratings(quality=quality, delivery=delivery, communication=communication)
    if source not in (FeedbackSource.CALL, FeedbackSource.EMAIL, FeedbackSource.VISIT):
        problems.append(_("Say how the customer gave this feedback."))
    if problems:
        raise InvalidInput(_("The feedback could not be saved."), reasons=problems)
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if actor is None or not can_edit(actor, order):
            raise NotPermitted(_("You are not allowed to change order %(order)s.") % {"order": order.display_number})
        if order.status not in FEEDBACK_LOG_STATES:
            raise TransitionRefused(_("Feedback is recorded once the order has shipped."))
        feedback = Feedback.objects.create(
            order=order,
            customer_id=order.customer_id,
            source=source,
            quality=int(quality),
            delivery=int(delivery),
            communication=int(communication),
            comment=comment.strip(),
            contact_name=contact_name.strip()[:120],
            recorded_by=actor,
        )
        events.event_stage(
            order,
            actor,
            stage=STAGE,
            action="feedback_logged",
            note=wording.FEEDBACK(
                source=feedback.source, q=feedback.quality, d=feedback.delivery, c=feedback.communication
            ),
            payload={"feedback": feedback.pk},
        )
    return feedback
