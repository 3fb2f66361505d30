"""Each settings module loads on its own, in a fresh interpreter, with the environment it documents.

The settings are read in a subprocess so that the environment (and sys.argv[0], which decides whether
the process is a Celery worker) is exactly what a real process would see. `.env` is not read there:
a developer's own .env must not change what these tests see.
"""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://gendan:secret@db.example:5432/gendan"
REDIS_URL = "redis://cache.example:6379/0"

# Every variable the settings read that could leak in from the developer's or CI's shell.
_SCRUB_PREFIXES = ("DJANGO_", "DATABASE_", "CELERY_", "DB_", "SQLITE_", "EMAIL_", "AXES_", "REDIS_")
_SCRUB = {
    "PERF_FLOOR_ENABLED",
    "DEMO_ENABLED",
    "TIME_ZONE",
    "LANGUAGE_CODE",
    "LOG_LEVEL",
    "CONN_MAX_AGE",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "SITE_URL",
}

_PROBE = textwrap.dedent(
    """
    import json, sys
    sys.argv[0] = {argv0!r}
    import environ
    environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)  # ignore any .env file
    import importlib
    s = importlib.import_module({module!r})
    db = s.DATABASES["default"]
    print(json.dumps({{
        "DEBUG": s.DEBUG,
        "SECRET_KEY": s.SECRET_KEY,
        "ENGINE": db["ENGINE"],
        "OPTIONS": db.get("OPTIONS", {{}}),
        "CONN_MAX_AGE": db.get("CONN_MAX_AGE"),
        "CONN_HEALTH_CHECKS": db.get("CONN_HEALTH_CHECKS", False),
        "TIME_ZONE": s.TIME_ZONE,
        "PASSWORD_HASHERS": s.PASSWORD_HASHERS,
        "EMAIL_BACKEND": s.EMAIL_BACKEND,
        "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
        "CSRF_COOKIE_SECURE": getattr(s, "CSRF_COOKIE_SECURE", False),
        "SECURE_SSL_REDIRECT": getattr(s, "SECURE_SSL_REDIRECT", False),
        "SECURE_HSTS_SECONDS": getattr(s, "SECURE_HSTS_SECONDS", 0),
        "SECURE_PROXY_SSL_HEADER": getattr(s, "SECURE_PROXY_SSL_HEADER", None),
        "CELERY_BROKER_URL": s.CELERY_BROKER_URL,
        "CELERY_BROKER_TRANSPORT_OPTIONS": s.CELERY_BROKER_TRANSPORT_OPTIONS,
        "CELERY_TASK_ALWAYS_EAGER": s.CELERY_TASK_ALWAYS_EAGER,
        "CELERY_BEAT_SCHEDULE": sorted(s.CELERY_BEAT_SCHEDULE),
        "STATICFILES_BACKEND": s.STORAGES["staticfiles"]["BACKEND"],
        "IS_CELERY_PROCESS": s.IS_CELERY_PROCESS,
        "INSTALLED_APPS": s.INSTALLED_APPS,
        "REDIS_URL": s.REDIS_URL,
        "CACHE_BACKEND": s.CACHES["default"]["BACKEND"],
        "SESSION_ENGINE": s.SESSION_ENGINE,
    }}, default=str))
    """
)


def load_settings(module: str, env: dict[str, str] | None = None, argv0: str = "manage.py") -> dict:
    """Import `module` in a fresh interpreter with a clean environment plus `env`; return its values."""
    clean = {
        key: value for key, value in os.environ.items() if not key.startswith(_SCRUB_PREFIXES) and key not in _SCRUB
    }
    clean.update(env or {})
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module, argv0=argv0)],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"{module} failed to load:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def local():
    return load_settings("config.settings.local")


def test_local_is_debug_with_sqlite_and_folder_broker(local):
    assert local["DEBUG"] is True
    assert local["ENGINE"] == "django.db.backends.sqlite3"
    assert local["CELERY_BROKER_URL"].startswith("filesystem://")
    options = local["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert options["data_folder_in"].endswith(os.path.join("var", "broker", "queue"))
    assert options["data_folder_out"] == options["data_folder_in"]
    assert local["CELERY_TASK_ALWAYS_EAGER"] is False  # `make run` has a real worker
    assert "heartbeat" in local["CELERY_BEAT_SCHEDULE"]
    assert local["STATICFILES_BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_default_sqlite_takes_write_lock_early_and_uses_wal(local):
    options = local["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert "foreign_keys=ON" in options["init_command"]
    assert options["timeout"] >= 5


def test_time_zone_defaults_to_shanghai_and_argon2_comes_first(local):
    assert local["TIME_ZONE"] == "Asia/Shanghai"
    assert local["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_time_zone_comes_from_the_environment():
    assert load_settings("config.settings.local", {"TIME_ZONE": "Europe/Berlin"})["TIME_ZONE"] == "Europe/Berlin"


def test_test_settings_are_fast_and_eager():
    values = load_settings("config.settings.test")
    assert values["DEBUG"] is False
    assert values["PASSWORD_HASHERS"] == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.locmem.EmailBackend"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True


def test_test_settings_drop_the_pool_on_postgres():
    values = load_settings("config.settings.test", {"DATABASE_URL": POSTGRES_URL})
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert "pool" not in values["OPTIONS"]


def test_production_is_secure():
    values = load_settings("config.settings.production", {"DJANGO_SECRET_KEY": "k" * 64})
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == "k" * 64
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_development_apps_stay_out_of_production():
    production = load_settings("config.settings.production", {"DJANGO_SECRET_KEY": "k" * 64})
    assert {"demo", "devtools"} & set(production["INSTALLED_APPS"]) == set()
    # bench/run.py runs gunicorn and seed_bench under production settings with the floor switched on
    bench = load_settings("config.settings.production", {"DJANGO_SECRET_KEY": "k" * 64, "PERF_FLOOR_ENABLED": "true"})
    assert "devtools" in bench["INSTALLED_APPS"]
    assert "demo" not in bench["INSTALLED_APPS"]
    for module in ("config.settings.local", "config.settings.test"):
        apps = load_settings(module)["INSTALLED_APPS"]
        assert apps.count("demo") == apps.count("devtools") == 1, module
    with_both = load_settings("config.settings.local", {"PERF_FLOOR_ENABLED": "true", "DEMO_ENABLED": "true"})
    assert with_both["INSTALLED_APPS"].count("devtools") == with_both["INSTALLED_APPS"].count("demo") == 1


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(AssertionError, match="DJANGO_SECRET_KEY"):
        load_settings("config.settings.production")


def test_postgres_url_gives_web_processes_a_pool():
    values = load_settings("config.settings.production", {"DJANGO_SECRET_KEY": "k" * 64, "DATABASE_URL": POSTGRES_URL})
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["IS_CELERY_PROCESS"] is False
    pool = values["OPTIONS"]["pool"]
    assert pool["min_size"] >= 1
    assert pool["max_size"] >= pool["min_size"]
    assert values["CONN_MAX_AGE"] == 0
    assert values["CONN_HEALTH_CHECKS"] is True  # no dead connection lent out after a database restart


@pytest.mark.parametrize("argv0", ["/srv/app/.venv/bin/celery", "celery"])
def test_celery_processes_get_plain_connections_not_a_pool(argv0):
    env = {"DJANGO_SECRET_KEY": "k" * 64, "DATABASE_URL": POSTGRES_URL}
    values = load_settings("config.settings.production", env, argv0=argv0)
    assert values["IS_CELERY_PROCESS"] is True
    assert "pool" not in values["OPTIONS"]
    assert values["CONN_MAX_AGE"] > 0
    assert values["CONN_HEALTH_CHECKS"] is True


def test_pool_can_be_switched_off():
    env = {"DJANGO_SECRET_KEY": "k" * 64, "DATABASE_URL": POSTGRES_URL, "DB_POOL": "0"}
    assert "pool" not in load_settings("config.settings.production", env)["OPTIONS"]


def test_web_processes_ask_postgres_for_neither_jit_nor_parallel_workers():
    web = load_settings("config.settings.production", {"DJANGO_SECRET_KEY": "k" * 64, "DATABASE_URL": POSTGRES_URL})
    assert web["OPTIONS"]["options"] == "-c jit=off -c max_parallel_workers_per_gather=0"
    # Jobs keep the server's defaults, and either can be set for both.
    job = load_settings(
        "config.settings.production", {"DJANGO_SECRET_KEY": "k" * 64, "DATABASE_URL": POSTGRES_URL}, argv0="celery"
    )
    assert "options" not in job["OPTIONS"]
    env = {"DJANGO_SECRET_KEY": "k" * 64, "DATABASE_URL": POSTGRES_URL, "DB_JIT": "true", "DB_PARALLEL_WORKERS": "2"}
    assert (
        load_settings("config.settings.production", env)["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=2"
    )


def test_redis_broker_gets_short_socket_timeouts():
    values = load_settings("config.settings.local", {"CELERY_BROKER_URL": REDIS_URL})
    assert values["CELERY_BROKER_URL"] == REDIS_URL
    options = values["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert 0 < options["socket_timeout"] <= 10
    assert 0 < options["socket_connect_timeout"] <= 10
    assert "data_folder_in" not in options


def test_the_cache_defaults_to_the_brokers_redis_but_never_its_database():
    values = load_settings("config.settings.local", {"CELERY_BROKER_URL": REDIS_URL})
    assert values["REDIS_URL"] == "redis://cache.example:6379/1"  # the broker is on /0
    assert values["CACHE_BACKEND"] == "core.redis_cache.BreakerRedisCache"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    explicit = load_settings(
        "config.settings.local", {"CELERY_BROKER_URL": REDIS_URL, "REDIS_URL": "redis://other.example:6379/0"}
    )
    assert explicit["REDIS_URL"] == "redis://other.example:6379/0"


def test_without_redis_the_cache_is_per_process_memory(local):
    assert local["REDIS_URL"] == ""
    assert local["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
EXAMPLE_LINE = re.compile(r"^#\s+([A-Z][A-Z0-9_]*)=(.*)$", re.MULTILINE)


def example_values() -> dict[str, str]:
    return dict(EXAMPLE_LINE.findall((BASE_DIR / ".env.example").read_text()))


def test_env_example_lists_every_variable_the_settings_read():
    read = set()
    for path in (BASE_DIR / "config" / "settings").glob("*.py"):
        read |= set(ENV_READ.findall(path.read_text()))
    assert read, "found no env(...) calls: has the settings style changed?"
    missing = sorted(read - set(example_values()))
    assert not missing, f"add these to .env.example: {missing}"


def test_env_example_values_are_accepted_by_the_settings():
    shell_only = {"PORT", "PYTHON", "DJANGO_SETTINGS_MODULE"}
    env = {key: value for key, value in example_values().items() if value and key not in shell_only}
    values = load_settings("config.settings.local", env)
    assert values["ENGINE"] == "django.db.backends.postgresql"  # the example's DATABASE_URL
    assert values["TIME_ZONE"] == "Asia/Shanghai"
