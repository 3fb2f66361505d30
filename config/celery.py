"""The Celery application. Broker and schedule come from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# Every task publishes through a circuit breaker: a broker that hangs is skipped at once (core/breaker.py).
app = Celery("gendan", task_cls="core.celery_task:BreakerTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
