from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bilingual import in_language


class Department(models.TextChoices):
    MERCHANDISING = "merchandising", _("Merchandising")
    QA = "qa", _("Quality management")
    HR = "hr", _("Human resources")
    MANAGEMENT = "management", _("Senior management")
    PRODUCTION = "production", _("Production")


class Team(models.Model):
    """A supervisor and the merchandisers they lead."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80, unique=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="led_teams",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name_en"]

    def __str__(self):
        return in_language(self.name_zh, self.name_en)


class User(AbstractUser):
    """A staff member. The staff profile (employee number, department, team, language) lives here."""

    employee_no = models.CharField(_("employee number"), max_length=20, unique=True, null=True, blank=True)
    department = models.CharField(
        _("department"), max_length=20, choices=Department.choices, default=Department.MERCHANDISING
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        """Chinese names read family name first, without a space (李娜); others first name first."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()


class Heartbeat(models.Model):
    """The last time the Celery beat → worker path ran, so the health page can prove jobs are alive."""

    name = models.CharField(max_length=50, unique=True)
    last_run = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("job heartbeat")


class SavedView(models.Model):
    """One person's view of one list (`list_key`, such as "orders"): a named filter they saved, or, under
    the empty name, the columns they chose to hide. Knows nothing of the lists: `query_string` is checked
    by the list's own filter each time it is applied (accounts.lists)."""

    COLUMNS = ""  # the name of the row that holds a person's column choice

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="saved_views"
    )
    list_key = models.CharField(_("list"), max_length=40)
    name = models.CharField(_("name"), max_length=60, blank=True)
    query_string = models.CharField(_("filter"), max_length=2000, blank=True)
    hidden_columns = models.JSONField(_("hidden columns"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("saved list view")
        verbose_name_plural = _("saved list views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "list_key", "name"], name="savedview_one_name_per_list"),
        ]

    def __str__(self):
        return f"{self.list_key}: {self.name or '—'}"
