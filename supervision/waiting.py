"""What supervision puts under "Waiting for you" (core/waiting.py): one query per source, registered in
SupervisionConfig.ready()."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import waiting
from core.waiting import LIMIT, Item, Source

from .models import Finding, FindingStatus, ReportStatus, Violation, ViolationStatus
from .selectors import (
    findings_visible_to,
    policy_revisions_awaiting,
    reports_visible_to,
    suggestions_to_decide,
    violations_visible_to,
)


def policy_steps(user) -> list[Item]:
    """Revisions waiting for this person's step: HR's drafts, a supervisor's review, management's approval."""
    return [
        Item(f"{v.title} v{v.version}", reverse("supervision:policy_version", args=[v.pk]), str(v.get_status_display()))
        for v in policy_revisions_awaiting(user)[: LIMIT + 1]
    ]


def reports_to_read(user) -> list[Item]:
    """The team's weekly reports submitted and not yet read by their supervisor."""
    rows = (
        reports_visible_to(user)
        .filter(status=ReportStatus.SUBMITTED, merchandiser__team__supervisor=user)
        .select_related("merchandiser")
        .order_by("submitted_at", "pk")[: LIMIT + 1]
    )
    return [
        Item(
            gettext("Weekly report of %(person)s, week of %(week)s") % {"person": r.merchandiser, "week": r.week_start},
            reverse("supervision:report_detail", args=[r.pk]),
        )
        for r in rows
    ]


def suggestions_waiting(user) -> list[Item]:
    rows = suggestions_to_decide(user=user).order_by("pk")[: LIMIT + 1]
    return [Item(s.title, reverse("supervision:suggestion_detail", args=[s.pk]), str(s.author)) for s in rows]


def findings_to_answer(user) -> list[Item]:
    """A merchandiser's own QA findings still open: acknowledge them, then close them with evidence."""
    today = timezone.localdate()
    rows = (
        findings_visible_to(user)
        .filter(merchandiser=user, status__in=[FindingStatus.OPEN, FindingStatus.ACKNOWLEDGED])
        .order_by("due_date", "pk")[: LIMIT + 1]
    )
    return [_finding_item(f, today) for f in rows]


def _finding_item(f, today) -> Item:
    return Item(
        f"{f} · {f.get_status_display()}",
        reverse("supervision:finding_detail", args=[f.pk]),
        gettext("due %(date)s") % {"date": f.due_date},
        urgent=f.due_date < today,
    )


def _grouped(rows, key: str, ids: list[int], item) -> dict[int, list[Item]]:
    found: dict[int, list[Item]] = {pk: [] for pk in ids}
    for row in rows.iterator(chunk_size=500):
        if len(found[getattr(row, key)]) <= LIMIT:
            found[getattr(row, key)].append(item(row))
    return found


def findings_to_answer_many(users) -> dict[int, list[Item]]:
    """findings_to_answer for many people: one's own findings are always visible to one; one query."""
    ids, today = [user.pk for user in users], timezone.localdate()
    rows = Finding.objects.filter(
        merchandiser_id__in=ids, status__in=[FindingStatus.OPEN, FindingStatus.ACKNOWLEDGED]
    ).order_by("merchandiser_id", "due_date", "pk")
    return _grouped(rows, "merchandiser_id", ids, lambda f: _finding_item(f, today))


def violations_to_acknowledge(user) -> list[Item]:
    """A decision on one's own violation, waiting for acknowledgement (or an appeal)."""
    rows = (
        violations_visible_to(user)
        .filter(person=user, status=ViolationStatus.DECIDED)
        .order_by("decided_at", "pk")[: LIMIT + 1]
    )
    return [_violation_item(v) for v in rows]


def _violation_item(v) -> Item:
    return Item(
        str(v.get_type_display()),
        reverse("supervision:violation_detail", args=[v.pk]),
        gettext("appeal by %(date)s") % {"date": v.appeal_deadline} if v.appeal_deadline else "",
    )


def violations_to_acknowledge_many(users) -> dict[int, list[Item]]:
    """violations_to_acknowledge for many people (each with a role: their own are visible); one query."""
    ids = [user.pk for user in users]
    rows = Violation.objects.filter(person_id__in=ids, status=ViolationStatus.DECIDED).order_by(
        "person_id", "decided_at", "pk"
    )
    return _grouped(rows, "person_id", ids, _violation_item)


def violation_appeals(user) -> list[Item]:
    """Appeals against a violation decision, for HR to answer (another HR than who decided)."""
    rows = (
        violations_visible_to(user)
        .filter(status=ViolationStatus.APPEALED)
        .exclude(decided_by=user)  # no one answers an appeal against their own decision
        .select_related("person")
        .order_by("pk")[: LIMIT + 1]
    )
    return [
        Item(
            f"{v.person} · {v.get_type_display()}",
            reverse("supervision:violation_detail", args=[v.pk]),
            v.appeal_text[:80],
        )
        for v in rows
    ]


def register() -> None:
    for source in (
        Source(
            "policy",
            _("Policy revisions to act on"),
            "company",
            frozenset({Role.HR, Role.SUPERVISOR, Role.MANAGEMENT}),
            policy_steps,
            10,
        ),
        Source(
            "violation-appeals",
            _("Violation appeals to answer"),
            "quality",
            frozenset({Role.HR}),
            violation_appeals,
            20,
        ),
        Source(
            "findings",
            _("QA findings to answer"),
            "quality",
            frozenset({Role.MERCHANDISER}),
            findings_to_answer,
            30,
            many=findings_to_answer_many,
        ),
        Source(
            "violations",
            _("Violation decisions to acknowledge"),
            "quality",
            frozenset({Role.MERCHANDISER}),
            violations_to_acknowledge,
            40,
            many=violations_to_acknowledge_many,
        ),
        Source("reports", _("Weekly reports to read"), "team", frozenset({Role.SUPERVISOR}), reports_to_read, 50),
        Source(
            "suggestions", _("Suggestions to decide"), "team", frozenset({Role.SUPERVISOR}), suggestions_waiting, 60
        ),
    ):
        waiting.register(source)
