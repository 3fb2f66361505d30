from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    """The company calendar: working days for every clock. Knows no order; every stage reads it."""

    name = "workcalendar"
    verbose_name = _("Company calendar")
