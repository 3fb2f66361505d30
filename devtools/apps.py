from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development only: the bench data seeders (`manage.py seed_bench`), the floor page and the
    development webhook receiver. Not installed
    under production settings unless PERF_FLOOR_ENABLED (bench/run.py) asks for it. No models.
    The receiver is mounted only where loopback webhooks are allowed (local and test settings)."""

    name = "devtools"
    verbose_name = "Development tools"  # internal, never shown to users: not translated
