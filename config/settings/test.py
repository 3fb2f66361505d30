"""The test suite's mode. DATABASE_URL and CELERY_BROKER_URL still apply: CI points them at PostgreSQL
and Redis, so the suite exercises the production components."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-" + "t" * 30
# Argon2 is the production hasher (see base); tests hash hundreds of passwords, so use a fast one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inline unless a test starts a real worker (tests/test_celery_worker.py does).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
# The pool is for long-lived web processes; the test runner opens per-thread connections itself.
if "pool" in DATABASES["default"].get("OPTIONS", {}):
    DATABASES["default"]["OPTIONS"].pop("pool")
    DATABASES["default"]["CONN_MAX_AGE"] = 0
LANGUAGE_CODE = "en"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default="/tmp/gendan-test-media"))  # noqa: S108
