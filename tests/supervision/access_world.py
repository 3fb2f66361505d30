"""Supervision objects for the access matrix (tests/security/access_table.py): built once per test from
the matrix's world (team A's merchandiser and supervisor, QA, HR, management), so every supervision URL
has a real object of team A to ask for."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from supervision.models import PolicyVersion, SpotCheckItem
from supervision.services import discipline, meetings, policy, reports, spotchecks
from supervision.weeks import this_week


@dataclass
class SupervisionWorld:
    meeting: object
    action_item: object
    report: object  # this week's draft
    submitted_report: object  # last week's, submitted, for the supervisor to read
    plan: object  # drawn
    draft_plan: object  # not drawn yet
    sample: object  # world.order's
    result_without_finding: object
    finding: object  # open
    acknowledged_finding: object
    closed_finding: object  # with an evidence file
    violation: object  # awaiting the supervisor's opinion
    opined_violation: object  # awaiting HR's decision
    decided_violation: object  # awaiting the person's acknowledgement (or appeal)
    appealed_violation: object  # awaiting HR's answer to the appeal
    policy_in_force: object
    policy_draft: object


def supervision_world(world) -> SupervisionWorld:
    if "supervision" in world.extra:
        return world.extra["supervision"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    users = world.users
    merch, sup, qa, hr = users["merchandiser"], users["supervisor"], users["qa"], users["hr"]
    week, today = this_week(), timezone.localdate()
    meeting, _ = meetings.meeting_create_for_week(team=merch.team, week_start=week)
    item = meetings.action_item_add(
        meeting_id=meeting.pk, actor=sup, title="Chase the mill", owner=merch, due_date=week + timedelta(days=7)
    )
    report, _ = reports.report_draft(merchandiser=merch, week_start=week)
    submitted, _ = reports.report_draft(merchandiser=merch, week_start=week - timedelta(days=7))
    reports.report_submit(report_id=submitted.pk, actor=merch)

    def plan_(name):
        return spotchecks.spot_check_plan_create(
            actor=qa,
            name=name,
            period_start=today - timedelta(days=30),
            period_end=today,
            sample_mode="count",
            sample_size=5,
        )

    plan = spotchecks.spot_check_draw_sample(plan_id=plan_("Matrix plan").pk, actor=qa, seed="matrix")
    draft_plan = plan_("Matrix plan, not drawn")
    sample = plan.samples.get(order=world.order)
    items = list(SpotCheckItem.objects.filter(active=True).order_by("sequence"))
    spotchecks.spot_check_score(
        sample_id=sample.pk, actor=qa, results={item.pk: (i == 0, "") for i, item in enumerate(items)}
    )
    failed = list(sample.results.filter(passed=False).order_by("item__sequence"))

    def finding_(result):
        return spotchecks.finding_raise(
            result_id=result.pk, actor=qa, severity="minor", corrective_action="Fix it.", due_date=today
        )

    finding, acknowledged, closed = finding_(failed[0]), finding_(failed[1]), finding_(failed[2])
    spotchecks.finding_acknowledge(finding_id=acknowledged.pk, actor=merch)
    spotchecks.finding_acknowledge(finding_id=closed.pk, actor=merch)
    spotchecks.finding_close(
        finding_id=closed.pk,
        actor=merch,
        evidence="Done.",
        uploaded=SimpleUploadedFile("proof.pdf", b"%PDF-1.4 proof", content_type="application/pdf"),
    )

    def violation_():
        return discipline.violation_record(
            actor=sup,
            person=merch,
            type="process",
            severity="minor",
            occurred_at=timezone.now() - timedelta(hours=1),
            description="Matrix test.",
        )

    violation, opined, decided, appealed = violation_(), violation_(), violation_(), violation_()
    for v in (opined, decided, appealed):
        discipline.violation_opinion(violation_id=v.pk, actor=sup, agreed=True, opinion="")
    for v in (decided, appealed):
        discipline.violation_decide(
            violation_id=v.pk, actor=hr, sanction=v.proposed_sanction, amount="200", note="Matrix."
        )
    discipline.violation_appeal(violation_id=appealed.pk, actor=merch, text="Matrix appeal.")
    draft = policy.policy_draft_create(actor=hr, version="1.1-matrix")
    policy.policy_draft_update(
        version_id=draft.pk,
        actor=hr,
        title_zh=draft.title_zh,
        title_en=draft.title_en,
        body_zh=draft.body_zh,
        body_en=draft.body_en,
        change_summary="Matrix.",
    )
    built = SupervisionWorld(
        meeting=meeting,
        action_item=item,
        report=report,
        submitted_report=submitted,
        plan=plan,
        draft_plan=draft_plan,
        sample=sample,
        result_without_finding=failed[3],
        finding=finding,
        acknowledged_finding=acknowledged,
        closed_finding=closed,
        violation=violation,
        opined_violation=opined,
        decided_violation=decided,
        appealed_violation=appealed,
        policy_in_force=PolicyVersion.objects.get(version="1.0"),
        policy_draft=draft,
    )
    world.extra["supervision"] = built
    return built


def pk_of(attribute: str):
    """A KWARGS_BY_URL value: the pk of one of the objects above."""
    return lambda world: getattr(supervision_world(world), attribute).pk


class ScorePost(dict):
    """POST_DATA of the scoring form: one field per active checklist item, known only at request time."""

    def items(self):
        ids = SpotCheckItem.objects.filter(active=True).values_list("pk", flat=True)
        return [(f"item_{pk}", "=pass") for pk in ids] + [(f"note_{pk}", "=") for pk in ids]
