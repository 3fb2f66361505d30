from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development only: the bench data seeders (`manage.py seed_bench`) and the floor page. Not installed
    under production settings unless PERF_FLOOR_ENABLED (bench/run.py) asks for it. No models."""

    name = "devtools"
    verbose_name = "Development tools"  # internal, never shown to users: not translated
