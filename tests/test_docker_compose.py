"""docker-compose.yml stays runnable: it parses, every command of ours names something that exists (a
manage.py command, the Celery app, the WSGI module), and every environment variable it gives the app is
one the settings read. A renamed setting or command fails here, not on a server."""

import importlib
import importlib.util
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(settings.BASE_DIR)
COMPOSE = ROOT / "docker-compose.yml"
# Read by something other than the settings: Django itself, or the images' own entry points.
READ_ELSEWHERE = {"DJANGO_SETTINGS_MODULE"}
# Options of our commands that take a value, so that value is not taken for the command's argument.
VALUE_OPTIONS = {"-A", "--app", "-l", "--loglevel", "--bind", "-b", "--workers", "-w", "--concurrency", "-c"}
VALUE_OPTIONS |= {"--access-logfile", "--schedule", "-s", "-Q", "-n", "--timeout", "--pidfile"}


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def app_services() -> dict:
    """The services that run our code: they are built from the Dockerfile (the x-app anchor)."""
    return {name: s for name, s in compose()["services"].items() if "build" in s}


def settings_variables() -> set[str]:
    """Every environment variable named in config/settings (env("X"), env.int("X"), os.environ["X"]...)."""
    pattern = re.compile(r"""(?:env(?:\.\w+)?\(|environ(?:\.get\(|\[)|getenv\()\s*["']([A-Z][A-Z0-9_]*)["']""")
    names = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(pattern.findall(path.read_text()))
    return names


def command_of(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def positional(args: list[str]) -> list[str]:
    """The arguments that are not options or option values."""
    found, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in VALUE_OPTIONS
        else:
            found.append(arg)
    return found


def test_compose_file_parses_with_the_services_the_guide_names():
    services = compose()["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    assert set(app_services()) >= {"migrate", "web", "worker", "beat"}


@pytest.mark.parametrize("name", sorted(app_services()))
def test_every_command_resolves(name):
    service = app_services()[name]
    command = command_of(service)
    assert command, f"{name} has no command"
    program, args = command[0], command[1:]
    if program == "python" and args[:1] == ["manage.py"]:
        subcommand = positional(args[1:])[0]
        assert subcommand in get_commands(), f"{name}: manage.py {subcommand} does not exist"
    elif program == "gunicorn":
        module = positional(args)[0]
        module_name, _, attribute = module.partition(":")
        wsgi = importlib.import_module(module_name)
        assert callable(getattr(wsgi, attribute or "application")), f"{name}: {module} has no WSGI application"
    elif program == "celery":
        app_path = args[args.index("-A") + 1] if "-A" in args else args[args.index("--app") + 1]
        module = importlib.import_module(app_path)
        celery_app = getattr(module, "app", None) or importlib.import_module(f"{app_path}.celery").app
        assert celery_app.main == "gendan"
        assert positional(args)[0] in {"worker", "beat"}, f"{name}: unknown celery command"
    else:
        pytest.fail(f"{name}: unknown program {program!r}; teach this test about it")


def test_the_settings_module_exists():
    for name, service in app_services().items():
        module = service["environment"]["DJANGO_SETTINGS_MODULE"]
        assert importlib.util.find_spec(module) is not None, f"{name}: {module} does not exist"


def test_every_environment_variable_is_read_by_the_settings():
    read = settings_variables() | READ_ELSEWHERE
    # The broker and the cache are the two Redis variables the settings take; the file may set either.
    assert {"CELERY_BROKER_URL", "REDIS_URL"} <= read
    for name, service in app_services().items():
        environment = service.get("environment") or {}
        names = environment if isinstance(environment, dict) else [e.split("=", 1)[0] for e in environment]
        unread = sorted(set(names) - read)
        assert not unread, f"{name} sets variables no setting reads: {unread}"


def test_health_checks_point_at_what_exists():
    web = compose()["services"]["web"]
    probe = " ".join(web["healthcheck"]["test"])
    path = re.search(r"127\.0\.0\.1:8000(/[^'\"]*)", probe).group(1)
    assert resolve(path).url_name == "healthz"


def test_the_backup_service_dumps_in_the_format_the_restore_test_restores():
    backup = compose()["services"]["backup"]
    script = "\n".join(backup["command"])
    assert "pg_dump -Fc" in script and "pg_restore --list" in script
    assert any(volume.startswith("backups:") for volume in backup["volumes"])
    assert "backups" in compose()["volumes"]
