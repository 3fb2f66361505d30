"""The feed as iCalendar (RFC 5545), written by the icalendar library."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar, Event

from .selectors import FeedItem

PRODID = "-//Gendan//Order follow-up system//ZH-EN"
TIMED_MINUTES = 60  # meetings and report deadlines carry a time; the feed shows them an hour long


def feed_ics(*, items: list[FeedItem], language: str, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    with translation.override(language):
        for item in items:
            event = Event()
            event.add("uid", f"{item.uid}@{settings.CALENDAR_FEED_UID_DOMAIN}")
            event.add("dtstamp", stamp)
            event.add("summary", item.title())
            if item.day is not None:
                event.add("dtstart", item.day)
                event.add("dtend", item.day + timedelta(days=1))
                event.add("transp", "TRANSPARENT")
            else:
                event.add("dtstart", item.start)
                event.add("dtend", item.start + timedelta(minutes=TIMED_MINUTES))
            if item.path:
                event.add("url", settings.SITE_URL.rstrip("/") + item.path)
            event.add("categories", [item.kind])
            calendar.add_component(event)
    return calendar.to_ical()
