"""What a person's feed holds, and the link that opens it. Each source applies the same row visibility as
its own pages: the person's own orders, the meetings they may open, their own reports."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from core.bilingual import in_language
from orders.models import OrderState
from production.models import PlanMilestone, ProductionPlan
from supervision.models import MeetingStatus, ReportStatus, WeeklyReport
from supervision.selectors import meetings_visible_to

from .models import CalendarFeed

FEED_SALT = "calendarfeed.link"
LIVE_ORDER_STATES = (OrderState.ENTERED, OrderState.IN_PRODUCTION)


@dataclass(frozen=True)
class FeedItem:
    uid: str
    kind: str  # milestone, ex_factory, meeting, report
    title_zh: str
    title_en: str
    day: date | None = None  # an all-day item
    start: datetime | None = None  # a timed one
    path: str = ""  # the page that holds it, on this site

    def title(self) -> str:
        return in_language(self.title_zh, self.title_en)


def calendar_feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_token(feed: CalendarFeed) -> str:
    return signing.Signer(salt=FEED_SALT).sign(feed.nonce)


def calendar_feed_resolve(*, token: str) -> CalendarFeed | None:
    """The feed a token stands for, or None when it is tampered with, renewed, turned off or unknown. A bad
    signature is refused before any query, and a person no longer active gets nothing."""
    try:
        nonce = signing.Signer(salt=FEED_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return CalendarFeed.objects.select_related("user").filter(nonce=nonce, user__is_active=True).first()


def feed_window(today: date) -> tuple[date, date]:
    return today - timedelta(days=settings.CALENDAR_FEED_PAST_DAYS), today + timedelta(
        days=settings.CALENDAR_FEED_FUTURE_DAYS
    )


def feed_items(*, user, today: date | None = None) -> list[FeedItem]:
    """The person's open milestones and ex-factory dates (orders they own, entered or in production, not on
    hold), the meetings they may open and their own reports not yet submitted, inside the window."""
    today = today or timezone.localdate()
    first, last = feed_window(today)
    items: list[FeedItem] = []
    own_live = {"order__merchandiser": user, "order__status__in": LIVE_ORDER_STATES, "order__is_on_hold": False}
    milestones = (
        PlanMilestone.objects.filter(actual_date__isnull=True, **{f"plan__{k}": v for k, v in own_live.items()})
        .select_related("plan__order")
        .order_by("plan__order_id", "sequence")
    )
    for m in milestones:
        if first <= m.due_date <= last:
            number = m.plan.order.display_number
            items.append(
                FeedItem(
                    uid=f"milestone-{m.pk}",
                    kind="milestone",
                    title_zh=f"{number} {m.name_zh}",
                    title_en=f"{number} {m.name_en}",
                    day=m.due_date,
                    path=reverse("orders:detail", args=[m.plan.order_id]),
                )
            )
    plans = ProductionPlan.objects.filter(ex_factory_date__range=(first, last), **own_live).select_related("order")
    for plan in plans:
        number = plan.order.display_number
        items.append(
            FeedItem(
                uid=f"ex-factory-{plan.order_id}",
                kind="ex_factory",
                title_zh=f"{number} 出厂",
                title_en=f"{number} ex-factory",
                day=plan.ex_factory_date,
                path=reverse("orders:detail", args=[plan.order_id]),
            )
        )
    meetings = (
        meetings_visible_to(user)
        .filter(status=MeetingStatus.SCHEDULED, scheduled_at__date__range=(first, last))
        .select_related("team")
    )
    for meeting in meetings:
        items.append(
            FeedItem(
                uid=f"meeting-{meeting.pk}",
                kind="meeting",
                title_zh=f"跟单员周会 ({meeting.team.name_zh})",
                title_en=f"Weekly merchandiser meeting ({meeting.team.name_en})",
                start=meeting.scheduled_at,
                path=reverse("supervision:meeting_detail", args=[meeting.pk]),
            )
        )
    reports = WeeklyReport.objects.filter(
        merchandiser=user, status=ReportStatus.DRAFT, due_at__date__range=(first, last)
    )
    for report in reports:
        items.append(
            FeedItem(
                uid=f"report-{report.pk}",
                kind="report",
                title_zh=f"周报截止 ({report.week_start:%m-%d} 周)",
                title_en=f"Weekly report due (week of {report.week_start:%d %b})",
                start=report.due_at,
                path=reverse("supervision:report_detail", args=[report.pk]),
            )
        )
    return sorted(items, key=lambda i: (i.day or i.start.date(), i.uid))
