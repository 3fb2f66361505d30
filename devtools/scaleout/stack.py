"""The processes of the scale-out stage, all on loopback: a private Redis, two gunicorn masters, Celery
workers and beat(s), and an SMTP sink. Each process gets its own process group so that a SIGKILL reaches
its children and stopping the stage leaves nothing behind."""

import contextlib
import email
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port(preferred: int) -> int:
    """`preferred` if nothing listens there, else the next free one."""
    for port in range(preferred, preferred + 200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port from {preferred}")


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            if condition():
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.3)


def port_answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Redis:
    """A redis-server of the stage's own, so that restarting it touches nobody else's."""

    def __init__(self, port: int, folder: Path):
        self.port, self.folder = port, folder
        self.restarts = 0

    def start(self) -> None:
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise RuntimeError("redis-server is not installed")
        subprocess.run(  # noqa: S603 - a fixed command line
            [
                redis_server,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(self.folder),
                "--pidfile",
                str(self.folder / "redis.pid"),
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            check=True,
        )
        wait_until(lambda: self.cli("ping").strip() == "PONG", 20, "the private Redis")

    def cli(self, *args: str) -> str:
        return subprocess.run(  # noqa: S603
            [shutil.which("redis-cli") or "redis-cli", "-h", "127.0.0.1", "-p", str(self.port), *args],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.cli("shutdown", "nosave")
        wait_until(lambda: not port_answers(self.port), 20, "the private Redis to stop")

    def restart(self) -> None:
        self.stop()
        self.start()
        self.restarts += 1


class Process:
    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> "Process":
        self.popen = subprocess.Popen(  # noqa: S603 - command lines built here
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, sig) -> None:
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 20) -> None:
        if not self.alive:
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(timeout=10)


def gunicorn(name: str, port: int, env: dict, folder: Path) -> Process:
    return Process(
        name,
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--access-logfile",
            str(folder / f"{name}.access.log"),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(M)s",
        ],
        env,
        folder / f"{name}.log",
    )


def celery_worker(name: str, env: dict, folder: Path) -> Process:
    return Process(
        name,
        [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-n",
            f"{name}@%h",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
        ],
        env,
        folder / f"{name}.log",
    )


def celery_beat(name: str, env: dict, folder: Path) -> Process:
    return Process(
        name,
        [
            str(BIN / "celery"),
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(folder / f"{name}-schedule"),
            "--pidfile",
            str(folder / f"{name}.pid"),
        ],
        env,
        folder / f"{name}.log",
    )


class Supervisor:
    """What `restart: unless-stopped` does in docker-compose.yml: a worker or beat that exits is started
    again. Counts every restart with the reason the process gave (its exit status)."""

    def __init__(self, processes: list[Process]):
        self.processes = processes
        self.restarts: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            for process in self.processes:
                if process.popen is not None and process.popen.poll() is not None and not self._stop.is_set():
                    self.restarts.append(f"{process.name} exited with {process.popen.returncode}")
                    with process.log.open("a") as log:
                        log.write(f"\n=== scale-out supervisor: restarting {process.name}\n")
                    process.start()


class SmtpSink:
    """aiosmtpd on a free port: keeps every message it is given, with its Message-ID."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller.start()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.controller.stop()

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(m.get("Message-ID", "")).strip() for m in self.messages]
