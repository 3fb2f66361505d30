"""Issuing, renewing and turning off a person's feed link. Each is one transaction on the person's own row;
django-simple-history keeps the record of it."""

import secrets

from django.db import transaction
from django.utils import timezone

from .models import CalendarFeed


def calendar_feed_issue(*, user) -> CalendarFeed:
    """A new link for `user`: created the first time, renewed after (the old link stops working at once)."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first() or CalendarFeed(user=user)
        feed.nonce = secrets.token_urlsafe(32)
        feed.issued_at = timezone.now()
        feed._change_reason = "renewed" if feed.pk else "issued"
        feed.save()
    return feed


def calendar_feed_turn_off(*, user) -> bool:
    """Remove `user`'s link; True when there was one."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            return False
        feed._change_reason = "turned off"
        feed.delete()
    return True
