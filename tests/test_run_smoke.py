"""The newcomer's path, end to end: a fresh clone, `make run`, and the sign-in page answers.

Slow (it builds a fresh virtualenv in the clone; pip's cache makes later runs quicker). Only committed
files are cloned, so commit before relying on this test. Every process started is stopped at the end,
also when the test fails.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import require_server

BASE_DIR = Path(__file__).resolve().parent.parent
SERVE_TIMEOUT = 15 * 60  # the first install into a fresh virtualenv can take minutes
HEARTBEAT_TIMEOUT = 150  # beat fires on the minute; the worker polls its folder queue every second


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own local server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:  # not listening yet
        return 0, ""


def newcomer_environment(port: int) -> dict[str, str]:
    """The caller's environment minus everything that points at this checkout or at servers."""
    venv_bin = str(BASE_DIR / ".venv" / "bin")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}
        and not key.startswith(("DATABASE_", "CELERY_", "DJANGO_", "PYTEST_", "SQLITE_"))
    }
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env["PORT"] = str(port)
    return env


def processes_under(directory: Path) -> list[int]:
    """Processes whose working directory is inside `directory` (honcho starts its children in their
    own sessions, so killing our process group alone might miss them)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue
        if cwd == directory or directory in cwd.parents:
            pids.append(int(entry.name))
    return pids


def stop(process: subprocess.Popen, clone: Path) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends: honcho stops its children
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    for pid in processes_under(clone):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_make_run_from_a_fresh_clone_serves_sign_in_and_runs_beat(tmp_path):
    missing = [tool for tool in ("git", "make") if shutil.which(tool) is None]
    require_server(not missing, f"{' and '.join(missing) or 'git'} on PATH")
    require_server((BASE_DIR / ".git").exists(), "a git checkout to clone")

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(BASE_DIR), str(clone)], check=True, timeout=120)
    port = free_port()
    log_path = tmp_path / "make-run.log"
    base_url = f"http://127.0.0.1:{port}"

    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=clone,
            env=newcomer_environment(port),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so it can be stopped as a whole
        )
    try:
        started = time.monotonic()
        while True:
            status, body = fetch(f"{base_url}/accounts/login/")
            if status == 200:
                break
            if process.poll() is not None:
                pytest.fail(f"`make run` exited with {process.returncode}:\n{log_path.read_text()[-5000:]}")
            if time.monotonic() - started > SERVE_TIMEOUT:
                pytest.fail(f"no sign-in page after {SERVE_TIMEOUT}s:\n{log_path.read_text()[-5000:]}")
            time.sleep(1)
        print(f"`make run` served the sign-in page {time.monotonic() - started:.0f}s after starting")

        assert '<form method="post"' in body
        assert 'name="username"' in body and 'name="password"' in body
        output = log_path.read_text()
        assert f"{base_url}/" in output  # the address is printed...
        assert "Gendan-demo-2026" in output and "merch.li" in output  # ...and the demo logins

        # Beat sends the heartbeat on the minute, the worker runs it, /healthz shows when.
        deadline = time.monotonic() + HEARTBEAT_TIMEOUT
        while True:
            status, body = fetch(f"{base_url}/healthz")
            assert status == 200, log_path.read_text()[-5000:]
            health = json.loads(body)
            assert health["status"] == "ok"
            if health["beat_last_run"]:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"beat_last_run stayed empty:\n{log_path.read_text()[-5000:]}")
            time.sleep(2)
    finally:
        stop(process, clone)
    assert not processes_under(clone), "processes of `make run` survived"


def load_compile_translations():
    import importlib.util

    path = BASE_DIR / "scripts" / "compile_translations.py"
    spec = importlib.util.spec_from_file_location("compile_translations", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compile_translations_without_a_locale_folder_is_not_an_error(tmp_path, capsys):
    assert load_compile_translations().main(tmp_path) == 0
    assert "nothing to compile" in capsys.readouterr().out


def test_compile_translations_pure_python_fallback(tmp_path):
    """Without msgfmt, every locale/*/LC_MESSAGES/django.po becomes a .mo gettext can read; fuzzy
    entries are left out (as msgfmt does) and the virtualenv's catalogues are not touched."""
    import gettext

    po = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Sign in"\nmsgstr "登录"\n\n#, fuzzy\nmsgid "Maybe"\nmsgstr "也许"\n'
    )
    for folder in ("locale/zh_Hans/LC_MESSAGES", "orders/locale/zh_Hans/LC_MESSAGES", ".venv/x/locale/en/LC_MESSAGES"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "django.po").write_text(po, encoding="utf-8")

    assert load_compile_translations().main(tmp_path) == 0

    for folder in ("locale/zh_Hans/LC_MESSAGES", "orders/locale/zh_Hans/LC_MESSAGES"):
        with open(tmp_path / folder / "django.mo", "rb") as mo:
            catalogue = gettext.GNUTranslations(mo)
        assert catalogue.gettext("Sign in") == "登录"
        assert catalogue.gettext("Maybe") == "Maybe"
    assert not (tmp_path / ".venv/x/locale/en/LC_MESSAGES/django.mo").exists()
