"""The scale-out stage's mode (devtools/scaleout/run.py): the production components (PostgreSQL, Redis,
gunicorn, Celery, SMTP) on loopback, plain HTTP, the demo data, and every scheduled job fired every few
seconds so that each runs several times while the load runs. Never for a real deployment."""

from .base import *  # noqa: F403
from .base import CELERY_BEAT_SCHEDULE, DEVELOPMENT_APPS, INSTALLED_APPS, STORAGES

INSTALLED_APPS = [*INSTALLED_APPS, *(app for app in DEVELOPMENT_APPS if app not in INSTALLED_APPS)]
DEBUG = False
# Plain HTTP on 127.0.0.1: no collectstatic (pages link static files, the load never fetches them).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# The demo's HR login would otherwise first enrol an authenticator.
OTP_ENFORCE = False
# Many sign-ins from one address in a few seconds are the load, not an attack.
AXES_ENABLED = False

# Every job, including the daily, weekly and quarterly ones, every SCALEOUT_JOB_SECONDS. Each one's effect
# must still happen once per day, week or quarter, which is what the stage checks. The expiry is kept
# short so a backlog behind a restarted broker does not pile up.
SCALEOUT_JOB_SECONDS = 15.0  # devtools/scaleout/run.py waits two of these for the jobs to settle
CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": SCALEOUT_JOB_SECONDS, "options": {"expires": 4 * SCALEOUT_JOB_SECONDS}}
    for name, entry in CELERY_BEAT_SCHEDULE.items()
}
