from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares and no domain owns: an app so that it may hold abstract models, templates and
    template tags. It imports none of the project's other apps (tests/test_layering.py)."""

    name = "core"
    verbose_name = "Core"
