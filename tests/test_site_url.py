"""SITE_URL, the base of every link a customer receives (status links, case links in emails): `make run`
takes it from PORT, and a deployment that leaves it unset or local fails `check --deploy`."""

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks

from config.checks import check_site_url

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "site_url",
    [
        "",
        "   ",
        "127.0.0.1:8000",
        "http://127.0.0.1:8000",
        "http://localhost:8000/",
        "http://[::1]:8000",
        "https://app.localhost",
        "http://0.0.0.0:8000",
        "ftp://gendan.example.com",
    ],
)
def test_the_deployment_check_refuses_an_unset_or_local_site_url(settings, site_url):
    settings.SITE_URL = site_url
    [error] = check_site_url()
    assert error.level == checks.ERROR
    assert error.id == "gendan.E001"


@pytest.mark.parametrize("site_url", ["https://gendan.example.com", "https://gendan.example.com/", "http://10.0.0.5"])
def test_the_deployment_check_accepts_a_public_site_url(settings, site_url):
    settings.SITE_URL = site_url
    assert check_site_url() == []


def test_the_check_runs_with_the_deployment_checks_only(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    deploy = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "gendan.E001" in [message.id for message in deploy]
    assert "gendan.E001" not in [message.id for message in checks.run_checks(tags=[checks.Tags.security])]


def production_check_deploy(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "SITE_URL" and not k.startswith("DJANGO_")}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="gendan.example.com",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_check_deploy_without_a_site_url():
    # With one, it passes: tests/security/test_headers.py.
    if (BASE_DIR / ".env").exists() and "SITE_URL" in (BASE_DIR / ".env").read_text():
        pytest.skip("this checkout's .env sets SITE_URL, which the settings read")
    result = production_check_deploy()
    assert result.returncode != 0
    assert "gendan.E001" in result.stderr + result.stdout


# --- make run ------------------------------------------------------------------------------------------


def site_url_script(tmp_path: Path, env_file_text: str | None = None, **env: str) -> str:
    env_file = tmp_path / ".env"
    if env_file_text is not None:
        env_file.write_text(env_file_text, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "scripts" / "site_url.py"), str(env_file)],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_make_run_site_url_follows_port(tmp_path):
    assert site_url_script(tmp_path, PORT="8123") == "http://127.0.0.1:8123"
    assert site_url_script(tmp_path) == "http://127.0.0.1:8000"


def test_make_run_site_url_set_in_the_environment_or_env_file_wins(tmp_path):
    dot_env = "# comment\nSITE_URL=http://gendan.lan:9000\n"
    assert site_url_script(tmp_path, dot_env, PORT="8123") == "http://gendan.lan:9000"
    assert site_url_script(tmp_path, dot_env, PORT="8123", SITE_URL="https://a.example") == "https://a.example"
    assert site_url_script(tmp_path, "# SITE_URL=http://x.example\n", PORT="8123") == "http://127.0.0.1:8123"


def fake_checkout(root: Path) -> Path:
    """A checkout where run.sh is real and everything it starts is a stand-in: an installed .venv whose
    python is ours, a manage.py and translation compiler that do nothing, and a honcho that prints
    what its processes would be given."""
    (root / "scripts").mkdir(parents=True)
    for name in ("run.sh", "site_url.py"):
        shutil.copy2(BASE_DIR / "scripts" / name, root / "scripts" / name)
    (root / "scripts" / "compile_translations.py").write_text("", encoding="utf-8")
    (root / "manage.py").write_text("", encoding="utf-8")
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    venv_bin = root / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    (venv_bin / "honcho").write_text('#!/bin/sh\necho "honcho $*"\necho "SITE_URL=$SITE_URL"\n', encoding="utf-8")
    for program in venv_bin.iterdir():
        program.chmod(0o755)
    stamp = root / ".venv" / ".installed"
    stamp.touch()
    os.utime(stamp, (os.path.getmtime(root / "pyproject.toml") + 10,) * 2)
    return root


def run_sh(root: Path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT", "DJANGO_SETTINGS_MODULE")}
    log = root / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", str(root / "scripts" / "run.sh")],
            env={**clean, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            process.wait(timeout=60)
        finally:
            # run.sh leaves a loop behind that waits for the web server to answer: stop it too.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    output = log.read_text()
    assert process.returncode == 0, output
    return output


def test_run_sh_hands_the_web_server_a_site_url_on_its_port(tmp_path):
    root = fake_checkout(tmp_path / "clone")
    output = run_sh(root, PORT="8123")
    assert "honcho start -f Procfile.dev -p 8123" in output
    assert "SITE_URL=http://127.0.0.1:8123\n" in output

    (root / ".env").write_text("SITE_URL=https://gendan.example.com\n", encoding="utf-8")
    assert "SITE_URL=https://gendan.example.com\n" in run_sh(root, PORT="8123")
    assert "SITE_URL=https://b.example\n" in run_sh(root, PORT="8123", SITE_URL="https://b.example")
