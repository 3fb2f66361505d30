from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarFeedConfig(AppConfig):
    """A person's deadlines as an iCalendar feed, behind a signed link they can renew or turn off."""

    name = "calendarfeed"
    verbose_name = _("Calendar feed")
