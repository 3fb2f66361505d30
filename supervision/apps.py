from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Communication and supervision")

    def ready(self):
        from . import waiting, wording

        wording.register()
        waiting.register()  # its sources of "Waiting for you" (core/waiting.py)
