"""QA spot checks (抽查, policy ch.5 art.1.3): a plan, a reproducible random sample, a scored checklist
and findings that the merchandiser acknowledges and closes with evidence.

The sample is reproducible: `sample_draw` depends only on the seed and the stored population (each
stratum's ordered order ids), so anyone can draw it again and compare (`spot_check_verify`).
"""

import mimetypes
import random
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from core import waiting
from core.errors import InvalidInput, NotPermitted, TransitionRefused
from orders import events
from orders.services.records import attachment_validate

from .. import wording
from ..events import supervision_event
from ..models import (
    Finding,
    FindingSeverity,
    FindingStatus,
    PlanStatus,
    SampleMode,
    SpotCheckItem,
    SpotCheckPlan,
    SpotCheckResult,
    SpotCheckSample,
)
from ..selectors import plan_population, sample_sizes

STAGE = "supervision"


def _require_qa(actor) -> None:
    if not has_role(actor, Role.QA):
        raise NotPermitted(_("Spot checks are QA's work."))


# --- the draw --------------------------------------------------------------------------------------
def sample_draw(*, seed: str, strata: list[dict], sizes: list[int]) -> list[list[int]]:
    """For each stratum, `size` order ids drawn uniformly without replacement. Deterministic: the
    generator of each stratum is seeded with the text "seed:merchandiser:stratum" (Python hashes text
    seeds with SHA-512, the same on every machine and run), and draws from the stored order of ids."""
    drawn = []
    for stratum, size in zip(strata, sizes, strict=True):
        rng = random.Random(f"{seed}:{stratum['merchandiser']}:{stratum['stratum']}")  # noqa: S311 - reproducible, not secret
        drawn.append(sorted(rng.sample(list(stratum["order_ids"]), size)))
    return drawn


def spot_check_plan_create(
    *,
    actor,
    name: str,
    period_start: date,
    period_end: date,
    sample_mode: str,
    sample_size: int,
    stratify_by_stage: bool = False,
) -> SpotCheckPlan:
    _require_qa(actor)
    problems = []
    if not name.strip():
        problems.append(_("Name the plan."))
    if period_start is None or period_end is None or period_end < period_start:
        problems.append(_("The period must end on or after its start."))
    if sample_mode not in SampleMode.values:
        problems.append(_("Choose how the sample size is given."))
    if not sample_size or sample_size < 1 or (sample_mode == SampleMode.PERCENT and sample_size > 100):
        problems.append(_("The sample size must be at least 1 (and a percentage at most 100)."))
    if problems:
        raise InvalidInput(_("The plan could not be saved."), reasons=problems)
    with transaction.atomic():
        plan = SpotCheckPlan.objects.create(
            name=name.strip()[:120],
            period_start=period_start,
            period_end=period_end,
            sample_mode=sample_mode,
            sample_size=sample_size,
            stratify_by_stage=stratify_by_stage,
            created_by=actor,
        )
        supervision_event(plan, "created", actor)
    return plan


def spot_check_draw_sample(*, plan_id, actor, seed: str = "") -> SpotCheckPlan:
    """Draw the plan's sample once: store the seed (given, or a fresh random one) and the population,
    and create one sample row per drawn order."""
    _require_qa(actor)
    seed = (seed or "").strip()[:64] or secrets.token_hex(8)
    with transaction.atomic():
        try:
            plan = SpotCheckPlan.objects.select_for_update().get(pk=plan_id)
        except SpotCheckPlan.DoesNotExist as exc:
            raise InvalidInput(_("This plan no longer exists.")) from exc
        if plan.status != PlanStatus.DRAFT:
            raise TransitionRefused(_("The sample of this plan has been drawn already."))
        strata = plan_population(plan=plan)
        sizes = sample_sizes(strata=strata, mode=plan.sample_mode, size=plan.sample_size)
        drawn = sample_draw(seed=seed, strata=strata, sizes=sizes)
        plan.draw()
        plan.seed, plan.drawn_by = seed, actor
        plan.population = {"strata": strata, "sizes": sizes}
        plan.save(update_fields=["status", "drawn_at", "seed", "drawn_by", "population"])
        rows, position = [], 0
        for stratum, ids in zip(strata, drawn, strict=True):
            for order_id in ids:
                position += 1
                rows.append(
                    SpotCheckSample(
                        plan=plan,
                        order_id=order_id,
                        merchandiser_id=stratum["merchandiser"],
                        stratum=stratum["stratum"],
                        position=position,
                    )
                )
        SpotCheckSample.objects.bulk_create(rows)
        supervision_event(plan, "drawn", actor, seed=seed, sample=len(rows))
    return plan


@dataclass(frozen=True)
class Verification:
    matches: bool
    expected: frozenset
    stored: frozenset


def spot_check_verify(*, plan_id, actor) -> Verification:
    """Draw the sample again from the stored seed and population and compare it with the stored
    sample. Writes nothing but the record that someone verified, and the outcome."""
    plan = SpotCheckPlan.objects.get(pk=plan_id)
    if plan.status != PlanStatus.DRAWN:
        raise TransitionRefused(_("Nothing to verify: the sample has not been drawn yet."))
    strata = plan.population.get("strata", [])
    sizes = plan.population.get("sizes") or sample_sizes(strata=strata, mode=plan.sample_mode, size=plan.sample_size)
    drawn = sample_draw(seed=plan.seed, strata=strata, sizes=sizes)
    expected = frozenset(
        (stratum["merchandiser"], order_id) for stratum, ids in zip(strata, drawn, strict=True) for order_id in ids
    )
    stored = frozenset(plan.samples.values_list("merchandiser_id", "order_id"))
    outcome = Verification(expected == stored, expected, stored)
    supervision_event(plan, "verified", actor, matches=outcome.matches)
    return outcome


# --- scoring ---------------------------------------------------------------------------------------
def spot_check_score(*, sample_id, actor, results: dict, suggestions: dict | None = None) -> SpotCheckSample:
    """Score every active checklist item of one sampled order. `results` maps item id to
    (passed: bool, note: str); `suggestions` maps item id to what the records suggested. Scoring again
    replaces the earlier answers of items without a finding."""
    _require_qa(actor)
    items = list(SpotCheckItem.objects.filter(active=True))
    missing = [str(item) for item in items if item.pk not in results]
    if missing:
        raise InvalidInput(_("Score every item."), reasons=missing)
    suggestions = suggestions or {}
    with transaction.atomic():
        try:
            sample = SpotCheckSample.objects.select_for_update(of=("self",)).select_related("order").get(pk=sample_id)
        except SpotCheckSample.DoesNotExist as exc:
            raise InvalidInput(_("This sample no longer exists.")) from exc
        existing = {r.item_id: r for r in sample.results.select_related("finding")}
        failed = 0
        for item in items:
            passed, note = results[item.pk]
            failed += 0 if passed else 1
            row = existing.get(item.pk)
            if row is None:
                SpotCheckResult.objects.create(
                    sample=sample, item=item, passed=passed, suggested=suggestions.get(item.pk), note=note.strip()
                )
            elif not hasattr(row, "finding"):
                row.passed, row.note, row.suggested = passed, note.strip(), suggestions.get(item.pk)
                row.save(update_fields=["passed", "note", "suggested"])
        sample.scored_at, sample.scored_by = timezone.now(), actor
        sample.save(update_fields=["scored_at", "scored_by"])
        events.event_stage(
            sample.order,
            actor,
            stage=STAGE,
            action="spot_checked",
            note=wording.SPOT_CHECKED(failed=failed, items=len(items)),
            payload={"plan": sample.plan_id, "items": len(items), "failed": failed},
        )
        supervision_event(sample, "scored", actor, failed=failed)
    return sample


def finding_raise(
    *, result_id, actor, severity: str, corrective_action: str, due_date: date, description: str = ""
) -> Finding:
    """Turn a failed item into a finding for the sampled order's merchandiser."""
    _require_qa(actor)
    problems = []
    if severity not in FindingSeverity.values:
        problems.append(_("Choose a severity."))
    if not corrective_action.strip():
        problems.append(_("Say what the merchandiser must do."))
    if due_date is None or due_date < timezone.localdate():
        problems.append(_("The due date cannot be in the past."))
    if problems:
        raise InvalidInput(_("The finding could not be raised."), reasons=problems)
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        try:
            result = (
                SpotCheckResult.objects.select_for_update(of=("self",))
                .select_related("sample", "sample__order", "item")
                .get(pk=result_id)
            )
        except SpotCheckResult.DoesNotExist as exc:
            raise InvalidInput(_("This result no longer exists.")) from exc
        if result.passed:
            raise TransitionRefused(_("Only a failed item becomes a finding."))
        text = description.strip() or (f"{result.item.label}: {result.note}" if result.note else result.item.label)
        try:
            with transaction.atomic():
                finding = Finding.objects.create(
                    sample=result.sample,
                    result=result,
                    merchandiser_id=result.sample.merchandiser_id,
                    severity=severity,
                    description=text,
                    corrective_action=corrective_action.strip(),
                    due_date=due_date,
                    raised_by=actor,
                )
        except IntegrityError as exc:
            raise TransitionRefused(_("This item has a finding already.")) from exc
        events.event_stage(
            result.sample.order,
            actor,
            stage=STAGE,
            action="finding_raised",
            note=description.strip() or wording.FAILED_ITEM(item=_item_names(result.item), note=result.note),
            payload={"finding": finding.pk, "severity": severity},
        )
        supervision_event(finding, "raised", actor, severity=severity)
    return finding


def _item_names(item) -> dict:
    return {"zh": item.label_zh, "en": item.label_en}


def _lock_own_finding(finding_id, actor) -> Finding:
    try:
        finding = Finding.objects.select_for_update(of=("self",)).select_related("sample__order").get(pk=finding_id)
    except Finding.DoesNotExist as exc:
        raise InvalidInput(_("This finding no longer exists.")) from exc
    if finding.merchandiser_id != actor.pk:
        raise NotPermitted(_("Only the merchandiser concerned acknowledges and closes a finding."))
    return finding


def finding_acknowledge(*, finding_id, actor) -> Finding:
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        finding = _lock_own_finding(finding_id, actor)
        if finding.status != FindingStatus.OPEN:
            raise TransitionRefused(_("The finding is %(state)s already.") % {"state": finding.get_status_display()})
        finding.acknowledge()
        finding.save(update_fields=["status", "acknowledged_at"])
        supervision_event(finding, "acknowledged", actor)
    return finding


def finding_close(*, finding_id, actor, evidence: str, uploaded=None) -> Finding:
    """Close an acknowledged finding with evidence of the corrective action: text, and a file if any."""
    if not evidence.strip():
        raise InvalidInput(_("Describe what you did (the evidence)."))
    if uploaded is not None:
        attachment_validate(uploaded)
    with transaction.atomic():
        waiting.changed()  # "Waiting for you" counts (core/waiting.py)
        finding = _lock_own_finding(finding_id, actor)
        if finding.status != FindingStatus.ACKNOWLEDGED:
            raise TransitionRefused(_("Acknowledge the finding first."))
        finding.close()
        finding.evidence = evidence.strip()
        fields = ["status", "closed_at", "evidence"]
        if uploaded is not None:
            finding.evidence_file = uploaded
            finding.evidence_name = PurePath(uploaded.name).name[:255]
            fields += ["evidence_file", "evidence_name"]
        finding.save(update_fields=fields)
        events.event_stage(
            finding.sample.order, actor, stage=STAGE, action="finding_closed", payload={"finding": finding.pk}
        )
        supervision_event(finding, "closed", actor, file=bool(uploaded))
    return finding


def evidence_content_type(finding: Finding) -> str:
    return mimetypes.guess_type(finding.evidence_name)[0] or "application/octet-stream"
