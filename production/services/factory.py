"""The factory reports from its phone: the signed link, the report it posts, and the merchandiser's
confirmation of a report as the day's check-in (docs/production.md, "The factory reports from its phone")."""

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import waiting
from core.errors import InvalidInput, TransitionRefused
from notifications.services import notify
from orders.hooks import order_page_url
from orders.models import OrderState
from orders.services import order_lock

from .. import wording
from ..models import (
    ContactMethod,
    FactoryLink,
    FactoryPhoto,
    FactoryReport,
    FactoryReportMilestone,
    PlanMilestone,
    ProductionRun,
)
from ..photos import photo_prepare
from ._common import require_edit, stage_event
from .checkins import CheckInInput, checkin_record
from .plans import milestone_set_actual

LINK_STATES = (OrderState.ENTERED, OrderState.IN_PRODUCTION)
NOTICE_TEMPLATE = "production_factory_report"


def factory_link_create(*, order_id, actor) -> FactoryLink:
    """A new link for the order's production run, valid FACTORY_LINK_DAYS. It replaces the one handed out
    before, which stops working: one link per run is what the merchandiser has to keep track of."""
    now = timezone.now()
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        require_edit(actor, order)
        if order.status not in LINK_STATES:
            raise TransitionRefused(_("The factory can report only on an entered or in-production order."))
        run = ProductionRun.objects.filter(order=order).first()
        if run is None:
            raise InvalidInput(_("Record the production run (factory, line, work order) first."))
        FactoryLink.objects.filter(order=order, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor)
        link = FactoryLink.objects.create(
            run=run,
            order=order,
            nonce=secrets.token_urlsafe(18),
            created_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=settings.FACTORY_LINK_DAYS),
        )
        stage_event(
            order,
            actor,
            action="factory_link_made",
            note=wording.FACTORY_LINK_MADE(until=timezone.localdate(link.expires_at)),
            payload={"factory_link": link.pk},
        )
    return link


def factory_link_revoke(*, order_id, link_id, actor) -> FactoryLink:
    """Withdraw a link: the page then tells whoever opens it that it was withdrawn."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        require_edit(actor, order)
        link = FactoryLink.objects.select_for_update().filter(order=order, pk=link_id).first()
        if link is None:
            raise InvalidInput(_("This link does not belong to the order."))
        if link.revoked_at is not None:
            return link
        link.revoked_at = timezone.now()
        link.revoked_by = actor
        link.save(update_fields=["revoked_at", "revoked_by"])
        stage_event(
            order,
            actor,
            action="factory_link_withdrawn",
            note=wording.FACTORY_LINK_WITHDRAWN(),
            payload={"factory_link": link.pk},
        )
    return link


def factory_report_allowed(*, link_id, client: str) -> bool:
    """At most FACTORY_REPORTS_PER_HOUR reports an hour per link and per address: counted in the cache, so
    a flood is turned away before it reaches the database. A cache that is down lets the post through."""
    hour = timezone.now().strftime("%Y%m%d%H")
    limit = settings.FACTORY_REPORTS_PER_HOUR
    for key in (f"factory-report:link:{link_id}:{hour}", f"factory-report:ip:{client}:{hour}"):
        cache.add(key, 0, timeout=3600)
        try:
            count = cache.incr(key)
        except ValueError:  # gone between add and incr (evicted, or a cache that keeps nothing)
            count = 1
        if count > limit:
            return False
    return True


@dataclass(frozen=True)
class FactoryReportInput:
    reporter_name: str
    quantity_done: int | None = None
    problems: str = ""
    milestones: dict = field(default_factory=dict)  # milestone id → the day the factory reached it
    photos: tuple = ()  # uploaded files


def _link_usable(link: FactoryLink) -> None:
    if link.revoked_at is not None:
        raise TransitionRefused(_("This link was withdrawn. Ask the merchandiser for a new one."))
    if link.is_expired:
        raise TransitionRefused(_("This link has expired. Ask the merchandiser for a new one."))


def factory_report_submit(*, link_id, data: FactoryReportInput) -> FactoryReport:
    """Record a report posted through the factory's link. The photos are checked and re-encoded before the
    transaction (production/photos.py); the report, its milestones and photos, the order's record line and
    the merchandiser's notice are written together."""
    name = data.reporter_name.strip()
    if not name:
        raise InvalidInput(_("Write your name."))
    if len(data.photos) > settings.FACTORY_PHOTO_MAX_COUNT:
        raise InvalidInput(_("Send at most %(n)s photos per report.") % {"n": settings.FACTORY_PHOTO_MAX_COUNT})
    today = timezone.localdate()
    if any(day > today for day in data.milestones.values()):
        raise InvalidInput(_("A milestone cannot be reached on a future day."))
    if data.quantity_done is None and not data.problems.strip() and not data.milestones and not data.photos:
        raise InvalidInput(_("Fill in at least the quantity done, a milestone, a problem or a photo."))
    prepared = [photo_prepare(photo) for photo in data.photos]
    with transaction.atomic():
        link = FactoryLink.objects.select_for_update().select_related("order").get(pk=link_id)
        _link_usable(link)
        order = order_lock(order_id=link.order_id)
        if order.status not in LINK_STATES:
            raise TransitionRefused(_("This order is no longer in production: there is nothing more to report."))
        milestones = {m.pk: m for m in PlanMilestone.objects.filter(plan__order=order, pk__in=list(data.milestones))}
        if len(milestones) != len(data.milestones):
            raise InvalidInput(_("This milestone is not part of the order's plan."))
        waiting.changed()  # the merchandiser has a report to confirm
        report = FactoryReport.objects.create(
            link=link,
            order=order,
            reporter_name=name[:100],
            quantity_done=data.quantity_done,
            problems=data.problems.strip(),
        )
        FactoryReportMilestone.objects.bulk_create(
            FactoryReportMilestone(report=report, milestone=milestones[pk], reached_on=day)
            for pk, day in sorted(data.milestones.items(), key=lambda item: item[1])
        )
        for photo in prepared:
            FactoryPhoto.objects.create(
                report=report,
                file=ContentFile(photo.content, name=photo.name),
                original_name=photo.name,
                content_type=photo.content_type,
                size=len(photo.content),
                width=photo.width,
                height=photo.height,
            )
        stage_event(
            order,
            None,
            action="factory_report",
            note=wording.FACTORY_REPORT(
                name=report.reporter_name,
                quantity=report.quantity_done if report.quantity_done is not None else "—",
                photos=len(prepared),
            ),
            payload={"factory_report": report.pk},
        )
        factory_report_notify(report=report, order=order)
    return report


def factory_report_notify(*, report: FactoryReport, order) -> None:
    """Tell the merchandiser a report came in: a notice in their inbox, and the email if their preference
    for factory reports says so (by default it does), in the caller's transaction."""
    link = order_page_url(order.pk, panel="production")
    notify(
        user=order.merchandiser,
        kind="factory_report",
        link=link,
        reference=f"order:{order.pk}",
        template=NOTICE_TEMPLATE,
        context={"order": order, "report": report, "photos": report.photos.count()},
        email_context={"order_url": settings.SITE_URL.rstrip("/") + link},
        dedupe_key=f"factory-report:{report.pk}",
    )


def factory_report_confirm(*, order_id, report_id, actor, day: date | None = None):
    """The merchandiser confirms a report as the day's check-in, in one click: the milestones it names get
    the factory's dates, and the check-in service records the day (so the missed-check-in job counts it)."""
    day = day or timezone.localdate()
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        require_edit(actor, order)
        report = FactoryReport.objects.select_for_update().filter(order=order, pk=report_id).first()
        if report is None:
            raise InvalidInput(_("This report does not belong to the order."))
        if report.checkin_id is not None:
            raise InvalidInput(_("This report is already confirmed as a check-in."))
        reached = list(report.milestones.select_related("milestone").order_by("reached_on", "pk"))
        for line in reached:
            if line.milestone.actual_date is None:
                milestone_set_actual(
                    order=order,
                    milestone=line.milestone,
                    actor=actor,
                    actual_date=line.reached_on,
                    payload={"factory_report": report.pk},
                )
        checkin = checkin_record(
            order_id=order.pk,
            actor=actor,
            day=day,
            data=CheckInInput(
                contact_name=report.reporter_name,
                contact_method=ContactMethod.FACTORY,
                quantity_done=report.quantity_done,
                milestone_id=reached[-1].milestone_id if reached else None,
                problems=report.problems,
            ),
        )
        report.checkin = checkin
        report.confirmed_at = timezone.now()
        report.confirmed_by = actor
        report.save(update_fields=["checkin", "confirmed_at", "confirmed_by"])
    return checkin
