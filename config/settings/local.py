"""The newcomer's mode (`make run`): debug on, SQLite and the file-system broker unless told otherwise."""

from .base import *  # noqa: F403
from .base import DEVELOPMENT_APPS, INSTALLED_APPS, NOTIFICATIONS_ROBOT_HOSTS, STORAGES, env

INSTALLED_APPS = [*INSTALLED_APPS, *(app for app in DEVELOPMENT_APPS if app not in INSTALLED_APPS)]

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Serve static files straight from the apps and static/ while developing: no collectstatic needed.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# The demo's webhook endpoint points at the development receiver on this machine (docs/webhooks.md).
WEBHOOKS_ALLOW_LOOPBACK = env.bool("WEBHOOKS_ALLOW_LOOPBACK", default=True)
# The fake chat robots listen on loopback (the demo's, tests/fakes/robot_server.py).
NOTIFICATIONS_ROBOT_HOSTS = [*NOTIFICATIONS_ROBOT_HOSTS, "127.0.0.1", "localhost"]
