from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders and escalation")

    def ready(self):
        from . import wording

        wording.register()  # how its lines of the order's work record read
