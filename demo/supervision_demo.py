"""Demo data for communication and supervision, made through the real services. Idempotent: each part
is skipped when its demo rows exist already.

- this week's meeting of both teams, with an action item of last week's meeting carried over;
- last week's reports: merch.li and merch.chen on time, merch.wang late, merch.zhang missing;
- two record reviews by sup.zhao;
- a QA plan with a drawn sample, one of merch.li's orders scored, with an open finding;
- a violation of merch.wang upheld as a warning, which merch.wang has appealed (HR's answer waits), and
  one found not upheld, which counts toward nothing;
- the policy v1.0 (seeded by migration) in force, and a v1.1 revision reviewed by sup.sun and awaiting
  senior management's approval (so mgmt.zheng has a decision waiting);
- HR's interpretation (hr.wu) of article 5.1.2 of the version in force, shown beside the article.
"""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import Team, User
from orders.models import Order
from supervision.models import (
    Finding,
    PolicyInterpretation,
    PolicyVersion,
    RecordReview,
    SpotCheckItem,
    SpotCheckPlan,
    Violation,
    WeeklyMeeting,
    WeeklyReport,
)
from supervision.selectors import policy_in_force, spot_check_suggestions
from supervision.services import discipline, meetings, policy, reports, reviews, spotchecks
from supervision.weeks import this_week

PLAN_NAME = "本月抽查 / Spot check of the month"
DEMO_SEED = "demo-2026"


def _people() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__contains=".")}


def _meetings(people, week) -> None:
    last = week - timedelta(days=7)
    for team in Team.objects.filter(supervisor__isnull=False).select_related("supervisor").order_by("pk"):
        previous, _ = meetings.meeting_create_for_week(team=team, week_start=last)
        if not previous.action_items.exists():
            owner = team.members.filter(groups__name="Merchandiser").order_by("username").first()
            if owner is not None:
                meetings.action_item_add(
                    meeting_id=previous.pk,
                    actor=team.supervisor,
                    title="跟进面料到货并更新生产计划 / Chase the fabric delivery and update the T&A plan",
                    owner=owner,
                    due_date=week + timedelta(days=2),
                )
                meetings.meeting_record(
                    meeting_id=previous.pk,
                    actor=team.supervisor,
                    minutes="逐单过了交期风险。/ Went through the delivery risks order by order.",
                    decisions="面料延误的订单每日跟进。/ Daily follow-up on orders waiting for fabric.",
                    present_ids=list(team.members.values_list("pk", flat=True)),
                )
        meetings.meeting_create_for_week(team=team, week_start=week)


def _reports(people, week) -> None:
    last = week - timedelta(days=7)
    if WeeklyReport.objects.filter(week_start=last).exists():
        return
    for username, lateness in (("merch.li", -3), ("merch.chen", -20), ("merch.wang", 26), ("merch.zhang", None)):
        person = people.get(username)
        if person is None:
            continue
        report, _ = reports.report_draft(merchandiser=person, week_start=last)
        if lateness is None:
            continue  # never submitted: the job flags it missing
        reports.report_save(
            report_id=report.pk,
            actor=person,
            summary=report.summary,
            problems="面料供应商交期不稳定。/ The fabric mill's dates keep slipping.",
            plans="确认产前样。/ Get the PP samples approved.",
        )
        reports.report_submit(report_id=report.pk, actor=person)
        # The demo shows last week as it happened: backdate the submission relative to the due time.
        WeeklyReport.objects.filter(pk=report.pk).update(submitted_at=report.due_at + timedelta(hours=lateness))
    reports.reports_flag_missing()


def _reviews(people, rng: random.Random) -> None:
    supervisor = people.get("sup.zhao")
    if supervisor is None or RecordReview.objects.filter(reviewer=supervisor).exists():
        return
    orders = Order.objects.filter(merchandiser__team__supervisor=supervisor).order_by("-received_at", "pk")[:2]
    for order in orders:
        reviews.record_review_create(
            order_id=order.pk,
            actor=supervisor,
            rating=rng.choice([3, 4, 5]),
            comment="记录完整,确认及时。/ Complete record, confirmed promptly.",
        )


def _spot_check(people) -> None:
    qa, li = people.get("qa.zhou"), people.get("merch.li")
    if qa is None or li is None or SpotCheckPlan.objects.filter(name=PLAN_NAME).exists():
        return
    today = timezone.localdate()
    plan = spotchecks.spot_check_plan_create(
        actor=qa,
        name=PLAN_NAME,
        period_start=today.replace(day=1) - timedelta(days=31),
        period_end=today,
        sample_mode="count",
        sample_size=2,
    )
    plan = spotchecks.spot_check_draw_sample(plan_id=plan.pk, actor=qa, seed=DEMO_SEED)
    sample = plan.samples.filter(merchandiser=li).select_related("order").order_by("position").first()
    if sample is None:
        return
    suggested = spot_check_suggestions(order=sample.order)
    results = {}
    for item in SpotCheckItem.objects.filter(active=True):
        if item.code == "records_complete":
            results[item.pk] = (False, "与工厂的通话未记录。/ The calls with the factory are not on the record.")
        else:
            results[item.pk] = (suggested.get(item.rule) is not False, "")
    spotchecks.spot_check_score(sample_id=sample.pk, actor=qa, results=results)
    failed = sample.results.get(item__code="records_complete")
    spotchecks.finding_raise(
        result_id=failed.pk,
        actor=qa,
        severity="major",
        corrective_action="补记通话并每次记录。/ Add the missing calls and record every call from now on.",
        due_date=today + timedelta(days=7),
    )


def _violation(people) -> None:
    supervisor, hr, wang = people.get("sup.zhao"), people.get("hr.wu"), people.get("merch.wang")
    if not (supervisor and hr and wang) or Violation.objects.filter(person=wang, type="report").exists():
        return
    violation = discipline.violation_record(
        actor=supervisor,
        person=wang,
        type="report",
        severity="minor",
        occurred_at=timezone.now() - timedelta(days=1),
        description="上周工作汇报逾期提交。/ Last week's report was submitted a day late.",
        evidence="WeeklyReport of last week: submitted after the due time.",
    )
    discipline.violation_opinion(violation_id=violation.pk, actor=supervisor, agreed=True, opinion="")
    discipline.violation_decide(violation_id=violation.pk, actor=hr, sanction=violation.proposed_sanction)
    discipline.violation_appeal(
        violation_id=violation.pk,
        actor=wang,
        text="汇报按时写好,系统当天维护无法提交。/ The report was ready on time; the system was down for maintenance.",
    )
    dismissed = discipline.violation_record(
        actor=supervisor,
        person=wang,
        type="process",
        severity="minor",
        occurred_at=timezone.now() - timedelta(days=3),
        description="未经客户确认即确认订单。/ Confirmed an order without the customer's confirmation on file.",
    )
    discipline.violation_opinion(violation_id=dismissed.pk, actor=supervisor, agreed=True, opinion="")
    discipline.violation_decide(
        violation_id=dismissed.pk,
        actor=hr,
        upheld=False,
        note="客户的确认邮件已存档。/ The customer's confirming email was on file after all.",
    )


def _policy_draft(people) -> None:
    hr = people.get("hr.wu")
    if hr is None or PolicyVersion.objects.filter(version="1.1").exists():
        return
    draft = policy.policy_draft_create(actor=hr, version="1.1")
    policy.policy_draft_update(
        version_id=draft.pk,
        actor=hr,
        title_zh=draft.title_zh,
        title_en=draft.title_en,
        body_zh=draft.body_zh.replace(
            "每周召开一次跟单员会议,交流工作进展及问题。",
            "每周一召开一次跟单员会议,交流工作进展及问题,会议纪要录入系统。",
        ),
        body_en=draft.body_en.replace(
            "a merchandiser meeting every week to share progress and problems;",
            "a merchandiser meeting every Monday to share progress and problems, with minutes kept in the system;",
        ),
        change_summary="会议固定在周一,纪要录入系统。/ The meeting is on Mondays; its minutes are kept in the system.",
    )
    policy.policy_submit(version_id=draft.pk, actor=hr)
    reviewer = people.get("sup.sun")
    if reviewer is not None:
        policy.policy_review(version_id=draft.pk, actor=reviewer, comment="与两个组核对过。/ Checked with both teams.")


INTERPRETATION = (
    "“定期检查”指部门主管每月至少检查一次本组每位跟单员的工作记录；“绩效评估”为每季度一次的主管评分（1–5 分，附评语），"
    "计入季度评分卡。 / “Regularly” means at least once a month for each merchandiser of the team; "
    "“evaluate performance” is the supervisor's quarterly rating (1–5, with a comment) on the scorecard."
)


def _interpretation(people) -> None:
    version, hr = policy_in_force(), people.get("hr.wu")
    if version is None or hr is None or PolicyInterpretation.objects.filter(version=version).exists():
        return
    policy.policy_interpret(actor=hr, version_id=version.pk, article="5.1.2", body=INTERPRETATION)


def load(rng: random.Random) -> dict:
    people = _people()
    week = this_week()
    _meetings(people, week)
    _reports(people, week)
    _reviews(people, rng)
    _spot_check(people)
    _violation(people)
    _policy_draft(people)
    _interpretation(people)
    return {
        "meetings": WeeklyMeeting.objects.count(),
        "reports": WeeklyReport.objects.count(),
        "findings": Finding.objects.count(),
        "interpretations": PolicyInterpretation.objects.count(),
    }
