from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarFeed(models.Model):
    """One person's feed link. The link carries the signed nonce: a new nonce (renew) or no row (turned off)
    makes every copy of the old link stop working. The history records who issued or removed it, and when."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    nonce = models.CharField(max_length=43, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user} calendar feed"
