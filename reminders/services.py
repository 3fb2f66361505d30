"""The jobs of issue 21 item 3: the morning digest, reminders before a deadline, approvals waiting too
long, and the escalation of what stays overdue. Each is idempotent under concurrency: a digest is one row
per person and day, a reminder or notice one inbox row per dedupe key, an escalation one row per subject
and step (unique constraints, never check-then-insert), so two beats or a rerun change nothing."""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from aftersales.sla import WorkingCalendar
from core import waiting
from notifications.services import Notice, notify, notify_many
from orders.events import event_stage
from orders.hooks import order_page_url
from orders.models import Order
from orders.models.promise import Promise, PromiseStatus
from supervision.events import supervision_event
from supervision.models import ReportStatus, WeeklyReport
from workcalendar.calendar import WorkCalendar

from . import wording
from .models import DeadlineKind, Digest, Escalation, EscalationStep
from .selectors import KINDS, Deadline, deadlines_due, deadlines_of_kind, digest_deadlines

logger = logging.getLogger(__name__)

DIGEST_LIMIT = 10  # items shown per section of a digest; the count says how many in all
REMINDER_DAYS_SETTING = {
    DeadlineKind.MILESTONE: "REMINDERS_MILESTONE_DAYS",
    DeadlineKind.EX_FACTORY: "REMINDERS_EX_FACTORY_DAYS",
    DeadlineKind.REPORT: "REMINDERS_REPORT_DAYS",
    DeadlineKind.CASE: "REMINDERS_CASE_DAYS",
}


def _language(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def _absolute(link: str) -> str:
    return settings.SITE_URL.rstrip("/") + link


# --- the morning digest ---------------------------------------------------------------------------------
@dataclass
class _Bucket:
    count: int = 0
    items: list[Deadline] = field(default_factory=list)

    def add(self, deadline: Deadline) -> None:
        self.count += 1
        if len(self.items) < DIGEST_LIMIT:
            self.items.append(deadline)


def _deadlines_by_owner(day: date) -> tuple[dict[int, _Bucket], dict[int, _Bucket]]:
    """Overdue and due today, per owner, for everyone at once (digest_deadlines: grouped queries per kind
    of deadline). Only the first DIGEST_LIMIT of each are kept per person, and the counts."""
    counts, first = digest_deadlines(day=day, limit=DIGEST_LIMIT)
    overdue: dict[int, _Bucket] = {}
    today: dict[int, _Bucket] = {}
    for owner, sections in counts.items():
        for name, buckets in (("overdue", overdue), ("today", today)):
            if sections.get(name):
                items = sorted(first[owner][name], key=_order)[:DIGEST_LIMIT]
                buckets[owner] = _Bucket(count=sections[name], items=items)
    return overdue, today


def _roles_by_person() -> dict[int, set[str]]:
    """The roles of every active member of staff, in one query."""
    User = get_user_model()
    roles: dict[int, set[str]] = defaultdict(set)
    through = User.groups.through.objects.filter(user__is_active=True, group__name__in=Role.values)
    for user_id, name in through.values_list("user_id", "group__name").iterator(chunk_size=5000):
        roles[user_id].add(name)
    return roles


def _section(key: str, bucket: _Bucket | None) -> dict | None:
    if bucket is None or not bucket.count:
        return None
    items = [{"text": d.text(), "url": d.link, "note": d.due.isoformat()} for d in sorted(bucket.items, key=_order)]
    return {"key": key, "count": bucket.count, "items": items}


def _order(deadline: Deadline):
    return (deadline.due, deadline.kind, deadline.subject_id)


def digest_content(*, overdue: _Bucket | None, today: _Bucket | None, found: list[waiting.Waiting]) -> dict:
    """A person's digest in the active language: overdue, due today, and "waiting for you" from every app
    (core.waiting). Empty sections are left out; an empty digest has no sections at all."""
    sections = [s for s in (_section("overdue", overdue), _section("today", today)) if s]
    waits = [
        {
            "label": str(entry.source.label),
            "count": min(entry.count, waiting.LIMIT),
            "items": [{"text": i.text, "url": i.url, "note": i.note, "urgent": i.urgent} for i in entry.shown],
        }
        for entry in found
    ]
    return {"sections": sections, "waiting": waits}


def digest_counts(content: dict) -> dict[str, int]:
    counts = {s["key"]: s["count"] for s in content.get("sections", [])}
    return {
        "overdue": counts.get("overdue", 0),
        "today": counts.get("today", 0),
        "waiting": sum(w["count"] for w in content.get("waiting", [])),
    }


PEOPLE_CHUNK = 200  # people read, worded and written together: "waiting for you" is one query per source


def digests_send(*, day: date | None = None, calendar: WorkCalendar | None = None) -> int:
    """The morning digest of `day` (today) for every active member of staff with a role and something to
    read: one Digest row and one inbox notice each (emailed if they chose so). Nothing on a day off; a
    person with nothing due, overdue or waiting gets nothing. The deadlines are read for everyone at once
    and "waiting for you" per chunk of people, so the queries do not grow with the staff. Idempotent under
    concurrency (a Digest per person and day, a notice per dedupe key): returns how many notices it sent."""
    day = day or timezone.localdate()
    calendar = calendar or WorkCalendar.load()
    if not calendar.is_working_day(day):
        return 0
    roles = _roles_by_person()
    done = set(Digest.objects.filter(day=day).values_list("user_id", flat=True))
    todo = sorted(set(roles) - done)
    if not todo:
        return 0
    overdue, today = _deadlines_by_owner(day)
    User = get_user_model()
    made = 0
    for start in range(0, len(todo), PEOPLE_CHUNK):
        people = list(User.objects.filter(pk__in=todo[start : start + PEOPLE_CHUNK], is_active=True).order_by("pk"))
        made += _digest_chunk(people, day=day, roles=roles, overdue=overdue, today=today)
    return made


def _digest_chunk(people: list, *, day: date, roles: dict, overdue: dict, today: dict) -> int:
    by_language: dict[str, list] = defaultdict(list)
    for person in people:
        by_language[_language(person)].append(person)
    contents: dict[int, dict] = {}
    for language, group in by_language.items():
        with translation.override(language):
            found = waiting.waiting_for_many((person, roles[person.pk]) for person in group)
            for person in group:
                contents[person.pk] = digest_content(
                    overdue=overdue.get(person.pk), today=today.get(person.pk), found=found[person.pk]
                )
    keep = [(person, contents[person.pk]) for person in people if any(digest_counts(contents[person.pk]).values())]
    if not keep:
        return 0
    link = reverse("reminders:digest_day", args=[day.isoformat()])
    notices = [
        Notice(
            user=person,
            kind="digest",
            link=link,
            reference=f"user:{person.pk}",
            template="reminders_digest",
            context={"day": day, "content": content, **digest_counts(content)},
            email_context={"url": _absolute(link), "site": settings.SITE_URL.rstrip("/")},
            dedupe_key=f"digest:{person.pk}:{day.isoformat()}",
        )
        for person, content in keep
    ]
    with transaction.atomic():
        # Another run may have written some of these since: the constraint keeps its row, and the notices'
        # dedupe keys theirs. Both runs write in the order of the people's ids, so one waits for the other.
        Digest.objects.bulk_create(
            [Digest(user=person, day=day, content=content) for person, content in keep], ignore_conflicts=True
        )
        return sum(item is not None for item in notify_many(notices=notices))


# --- reminders before a deadline --------------------------------------------------------------------------
def reminders_send(*, today: date | None = None, calendar: WorkCalendar | None = None) -> int:
    """Remind each owner of what falls due within the next N working days (N per kind of deadline), once per
    thing and due date (a date moved later is reminded again). Returns how many reminders it sent now."""
    today = today or timezone.localdate()
    calendar = calendar or WorkCalendar.load()
    sent = 0
    for kind in KINDS:
        days = getattr(settings, REMINDER_DAYS_SETTING[kind])
        if days <= 0:
            continue
        until = calendar.add(today, days)
        found = list(deadlines_of_kind(kind, since=today + timedelta(days=1), until=until))
        people = get_user_model().objects.in_bulk({d.owner_id for d in found})
        for deadline in found:
            sent += _remind(deadline, people.get(deadline.owner_id), today=today, calendar=calendar)
    return sent


def _remind(deadline: Deadline, user, *, today: date, calendar: WorkCalendar) -> int:
    if user is None:
        return 0
    with transaction.atomic():
        item = notify(
            user=user,
            kind="reminder",
            link=deadline.link,
            reference=deadline.key,
            template="reminders_reminder",
            context={"deadline": deadline, "days": calendar.count_between(today, deadline.due)},
            email_context={"url": _absolute(deadline.link)},
            dedupe_key=f"reminder:{deadline.key}:{deadline.due.isoformat()}",
        )
    return item is not None


# --- approvals and reviews waiting too long ---------------------------------------------------------------
def approvals_chase(*, now: datetime | None = None) -> int:
    """One notice to the person who must act on an approval or review that has waited more than
    REMINDERS_APPROVAL_HOURS working hours: a weekly report to read (its supervisor), a new delivery date
    to approve (the merchandiser's supervisor). Once per thing. Returns how many notices it sent now."""
    now = now or timezone.now()
    hours = settings.REMINDERS_APPROVAL_HOURS
    cutoff = WorkingCalendar.company().subtract(now, hours * 3600)
    sent = 0
    reports = WeeklyReport.objects.filter(
        status=ReportStatus.SUBMITTED, submitted_at__lte=cutoff, merchandiser__team__supervisor__isnull=False
    ).select_related("merchandiser__team__supervisor")
    for report in reports.iterator(chunk_size=500):
        link = reverse("supervision:report_detail", args=[report.pk])
        sent += _chase(
            user=report.merchandiser.team.supervisor,
            link=link,
            reference=f"report:{report.pk}",
            context={"what": "report", "person": report.merchandiser, "week": report.week_start, "hours": hours},
            dedupe_key=f"approval:report:{report.pk}",
        )
    promises = Promise.objects.filter(
        status=PromiseStatus.PROPOSED, proposed_at__lte=cutoff, order__merchandiser__team__supervisor__isnull=False
    ).select_related("order__merchandiser__team__supervisor", "order__customer")
    for promise in promises.iterator(chunk_size=500):
        link = order_page_url(promise.order_id, panel="promises")
        sent += _chase(
            user=promise.order.merchandiser.team.supervisor,
            link=link,
            reference=f"order:{promise.order_id}",
            context={"what": "promise", "order": promise.order, "date": promise.delivery_date, "hours": hours},
            dedupe_key=f"approval:promise:{promise.pk}",
        )
    return sent


def _chase(*, user, link: str, reference: str, context: dict, dedupe_key: str) -> int:
    with transaction.atomic():
        item = notify(
            user=user,
            kind="approval_waiting",
            link=link,
            reference=reference,
            template="reminders_approval",
            context=context,
            email_context={"url": _absolute(link)},
            dedupe_key=dedupe_key,
        )
    return item is not None


# --- the escalation chain ---------------------------------------------------------------------------------
def _steps_due(working_days_late: int) -> list[int]:
    steps = [EscalationStep.OWNER]
    if working_days_late >= settings.REMINDERS_ESCALATE_SUPERVISOR_DAYS:
        steps.append(EscalationStep.SUPERVISOR)
    if working_days_late >= settings.REMINDERS_ESCALATE_MANAGEMENT_DAYS:
        steps.append(EscalationStep.MANAGEMENT)
    return steps


def escalations_run(*, today: date | None = None, calendar: WorkCalendar | None = None) -> int:
    """The escalation chain for what stays overdue (due before today and still open): step 1 tells the
    owner; after REMINDERS_ESCALATE_SUPERVISOR_DAYS working days late, step 2 tells their team's supervisor;
    after REMINDERS_ESCALATE_MANAGEMENT_DAYS, step 3 tells management. Each step of each thing happens once
    (the unique constraint), with its Escalation row, its notices and an audit event in one transaction.
    Held orders are not chased and closed ones stop (the selectors read open, unheld things only).
    Returns how many steps it took now."""
    today = today or timezone.localdate()
    calendar = calendar or WorkCalendar.load()
    User = get_user_model()
    management = list(User.objects.filter(is_active=True, groups__name=Role.MANAGEMENT).distinct().order_by("pk"))
    taken = 0
    chunk: list[Deadline] = []
    for deadline in deadlines_due(until=today - timedelta(days=1)):
        chunk.append(deadline)
        if len(chunk) >= 1000:
            taken += _escalate_chunk(chunk, today=today, calendar=calendar, management=management)
            chunk = []
    if chunk:
        taken += _escalate_chunk(chunk, today=today, calendar=calendar, management=management)
    return taken


def _escalate_chunk(chunk: list[Deadline], *, today: date, calendar: WorkCalendar, management: list) -> int:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for deadline in chunk:
        by_kind[deadline.kind].append(deadline.subject_id)
    done = set()
    for kind, ids in by_kind.items():
        done.update(Escalation.objects.filter(kind=kind, subject_id__in=ids).values_list("kind", "subject_id", "step"))
    pending = [
        (deadline, step)
        for deadline in chunk
        for step in _steps_due(calendar.count_between(deadline.due, today))
        if (deadline.kind, deadline.subject_id, step) not in done
    ]
    if not pending:
        return 0
    ids = {d.owner_id for d, _ in pending} | {d.supervisor_id for d, _ in pending if d.supervisor_id}
    people = get_user_model().objects.in_bulk(ids)
    return sum(_escalate(deadline, step, people=people, management=management) for deadline, step in pending)


def _texts(deadline: Deadline) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = deadline.text()
    with translation.override("en"):
        en = deadline.text()
    return zh[:300], en[:300]


def _escalate(deadline: Deadline, step: int, *, people: dict, management: list) -> int:
    owner = people.get(deadline.owner_id)
    if owner is None:
        return 0
    if step == EscalationStep.OWNER:
        told = [owner]
    elif step == EscalationStep.SUPERVISOR:
        told = [people[deadline.supervisor_id]] if deadline.supervisor_id in people else []
    else:
        told = management
    text_zh, text_en = _texts(deadline)
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                kind=deadline.kind,
                subject_id=deadline.subject_id,
                step=step,
                due_date=deadline.due,
                owner=owner,
                order_id=deadline.order_id,
                text_zh=text_zh,
                text_en=text_en,
                link=deadline.link[:500],
                told=len(told),
            )
            for person in told:
                notify(
                    user=person,
                    kind="escalation",
                    link=deadline.link,
                    reference=deadline.key,
                    template="reminders_escalation",
                    context={"deadline": deadline, "step": step, "owner": owner},
                    email_context={"url": _absolute(deadline.link)},
                    dedupe_key=f"escalation:{deadline.key}:{step}:{person.pk}",
                )
            _audit(deadline, escalation)
    except IntegrityError:
        return 0  # another run took this step first
    return 1


def _audit(deadline: Deadline, escalation: Escalation) -> None:
    if deadline.order_id is not None:
        order = Order.objects.get(pk=deadline.order_id)
        event_stage(
            order,
            None,
            stage=wording.STAGE,
            action="escalated",
            note=wording.ESCALATED(
                what={"zh": escalation.text_zh, "en": escalation.text_en},
                due=deadline.due,
                step=int(escalation.step),
            ),
            payload={"kind": deadline.kind, "subject": deadline.subject_id, "step": int(escalation.step)},
        )
    else:
        report = WeeklyReport.objects.get(pk=deadline.subject_id)
        supervision_event(report, "escalated", None, step=int(escalation.step), told=escalation.told)


def chase(*, now: datetime | None = None) -> dict[str, int]:
    """The hourly job: reminders, approvals waiting, escalation. Each part runs in its own transactions, so
    one failing does not undo the others' notices."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = WorkCalendar.load()
    return {
        "reminders": reminders_send(today=today, calendar=calendar),
        "approvals": approvals_chase(now=now),
        "escalations": escalations_run(today=today, calendar=calendar),
    }
