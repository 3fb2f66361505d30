"""The test suite's mode. DATABASE_URL and CELERY_BROKER_URL still apply: CI points them at PostgreSQL
and Redis, so the suite exercises the production components."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, DEVELOPMENT_APPS, NOTIFICATIONS_ROBOT_HOSTS, STORAGES, env

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
# SQLite tests use a file, not the shared-cache in-memory database: the concurrency tests need real
# WAL + IMMEDIATE locking between threads, which an in-memory database does not give.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test process, so parallel runs (xdist workers, several checkouts) never share one.
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_PATH", default=f"/tmp/gendan-test-{os.getpid()}.sqlite3")}  # noqa: S108
MEDIA_ROOT = Path(env("MEDIA_ROOT", default="/tmp/gendan-test-media"))  # noqa: S108
# Two switches the rest of the suite runs without: they log people out or ask for a second factor,
# and write to the session on the first request of every test (query counts). tests/security turns
# them on with override_settings and proves them there.
OTP_ENFORCE = False
SESSION_TIMEOUT_ENFORCE = False
# N+1 detection (django-zeal): a request in a test that loads one relation row by row raises ZealError.
INSTALLED_APPS = [*INSTALLED_APPS, *(app for app in DEVELOPMENT_APPS if app not in INSTALLED_APPS), "zeal"]  # noqa: F405
MIDDLEWARE = [*MIDDLEWARE, "zeal.middleware.zeal_middleware"]  # noqa: F405
ZEAL_RAISE = True
# Three loads of one relation from one line make an N+1. Two is the default, and flags every form with
# two choice fields on the same model (each validates with its own .get()).
ZEAL_NPLUSONE_THRESHOLD = 3
# A stage service locks the order, then order_transition locks it again by design, and an after-transition
# action (the flags) may lock it a third time, all in one transaction (orders.hooks: each service locks what it
# changes). Those are re-locks of one row, not a relation loaded row by row: allow exactly the repeated
# Order.get(), in every test, the browser journeys' live server included.
ZEAL_ALLOWLIST = [{"model": "orders.Order", "field": "get()"}]
# Per-process cache, and dashboards count live: nothing a test caches can leak into the next test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gendan-test"}}
DASHBOARD_COUNTS_MAX_AGE = 0
# One process, so its memory cache is shared by every request of a test: sessions and roles go through the
# cache as in production (tests/conftest.py empties it before each test).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
ACCESS_CACHE_SECONDS = 600
# The webhook tests run their receivers on loopback.
WEBHOOKS_ALLOW_LOOPBACK = True
# The fake chat robots listen on loopback (the demo's, tests/fakes/robot_server.py).
NOTIFICATIONS_ROBOT_HOSTS = [*NOTIFICATIONS_ROBOT_HOSTS, "127.0.0.1", "localhost"]
