from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyEvent


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no work)")
    WORKDAY = "workday", _("Make-up working day")


class CalendarDay(models.Model):
    """A day that breaks the weekly pattern: a company holiday, or a weekend day worked in exchange (调休).
    Weekends themselves are the CALENDAR_WEEKEND_DAYS setting."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices, default=CalendarDayKind.HOLIDAY)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("company calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class CalendarAction(models.TextChoices):
    ADDED = "added", _("added")
    CHANGED = "changed", _("changed")
    REMOVED = "removed", _("removed")
    IMPORTED = "imported", _("imported a file")


class CalendarEvent(AppendOnlyEvent):
    """Who changed the calendar and how: a day added, changed or removed, or a file imported."""

    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=20, choices=CalendarAction.choices)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")
        ordering = ["-at", "-pk"]
