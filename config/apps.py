from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself as an app, so that its system checks (config/checks.py) are registered."""

    name = "config"
    label = "project"
    verbose_name = "Gendan"

    def ready(self):
        from . import checks  # noqa: F401 - registers the checks
