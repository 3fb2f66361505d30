"""The one rule for every date a person or a system gives (issue 19): from EARLIEST to the last day of the
fifth year from now. Forms, the API, the spreadsheet and email intake and the admin all apply it, so no
date outside it is stored; `shift` keeps arithmetic on a date already stored at the edge of the calendar
(9999-12-31, 0001-01-01) from overflowing, so no page fails on one.
"""

from datetime import date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 5


def latest(today: date | None = None) -> date:
    """The last day the rule accepts: 31 December of the fifth year from today."""
    today = today or timezone.localdate()
    return date(today.year + YEARS_AHEAD, 12, 31)


def date_rule_error(value: date | datetime, *, today: date | None = None) -> str | None:
    """Why `value` breaks the rule, in the active language; None when it keeps it."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    last = latest(today)
    if value > last:
        return _("The date is more than five years away: the latest accepted is %(latest)s.") % {
            "latest": last.isoformat()
        }
    if value < EARLIEST:
        return _("The date is too far in the past: the earliest accepted is %(earliest)s.") % {
            "earliest": EARLIEST.isoformat()
        }
    return None


def validate_date_rule(value) -> None:
    """A Django validator for date and datetime fields (forms, the admin)."""
    if value is None:
        return
    try:
        problem = date_rule_error(value)
    except (OverflowError, ValueError):  # an aware datetime at the very edge cannot be made local
        problem = _("The date is too far in the past or the future.")
    if problem:
        raise ValidationError(problem, code="date_rule")


class DateField(forms.DateField):
    """forms.DateField under the date rule: the field every form of the project uses for a date."""

    default_validators = [validate_date_rule]


class DateTimeField(forms.DateTimeField):
    default_validators = [validate_date_rule]


def shift(day: date, days: int) -> date:
    """`day` moved by `days`, stopping at the ends of the calendar instead of raising OverflowError."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


class DateRuleAdminMixin:
    """For a ModelAdmin: every date and datetime field of its forms keeps the date rule too."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(formfield, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
            formfield.validators = [*formfield.validators, validate_date_rule]
        return formfield
