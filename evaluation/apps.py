from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Performance evaluation")

    def ready(self):
        from . import waiting

        waiting.register()  # its sources of "Waiting for you" (core/waiting.py)
