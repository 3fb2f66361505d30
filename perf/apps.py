from django.apps import AppConfig


class PerfConfig(AppConfig):
    """Benchmark support: the large-data seeder and the floor page. No models, no effect in production."""

    name = "perf"
    verbose_name = "Performance benchmarks"  # internal, never shown to users: not translated
