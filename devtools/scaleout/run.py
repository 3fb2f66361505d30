"""The scale-out stage (.ci/run): several web and worker processes on one PostgreSQL and one Redis, under
a mixed load, with a worker killed and Redis restarted half-way; then every scheduled job's effect, every
email, every order number and every order's record is checked. Exits non-zero on any 500, duplicate or
loss, and prints the figures.

    .venv/bin/python devtools/scaleout/run.py                  # both runs: one beat, then two beats
    .venv/bin/python devtools/scaleout/run.py --runs one-beat --seconds 60

It needs PostgreSQL (DATABASE_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres) and
redis-server installed; it starts a Redis of its own on a free loopback port and never touches another.
Logs go to var/scaleout/<run>/.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devtools.scaleout import checks, load
from devtools.scaleout.stack import (
    BIN,
    ROOT,
    Redis,
    SmtpSink,
    Supervisor,
    celery_beat,
    celery_worker,
    free_port,
    gunicorn,
    wait_until,
)

DB_NAME = "gendan_scaleout"
SEED_DB = "gendan_scaleout_seed"
JOB_SECONDS = 15.0  # config/settings/scaleout.py SCALEOUT_JOB_SECONDS


def say(text: str) -> None:
    print(f"\033[1m--> {text}\033[0m", flush=True)


def psql_env(admin_url: str) -> tuple[list[str], dict]:
    parts = urlsplit(admin_url)
    env = {**os.environ}
    if parts.password:
        env["PGPASSWORD"] = parts.password
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    return args, env


def database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return parts._replace(path=f"/{name}").geturl()


def recreate_database(admin_url: str, name: str, template: str | None = None) -> None:
    args, env = psql_env(admin_url)
    subprocess.run(["dropdb", *args, "--if-exists", "--force", name], check=True, env=env)  # noqa: S603, S607
    extra = ["-T", template] if template else []
    subprocess.run(["createdb", *args, *extra, name], check=True, env=env)  # noqa: S603, S607


def stage_env(*, db_url: str, redis_port: int, smtp_port: int, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "REDIS_", "EMAIL_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.scaleout",
            "DATABASE_URL": db_url,
            # The broker on db 0, the cache on db 1 of the private Redis, as docs/deployment.md advises.
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/1",
            # A killed worker's jobs come back within seconds instead of an hour.
            "CELERY_VISIBILITY_TIMEOUT": "20",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            "SITE_URL": "http://127.0.0.1:8000",
            "MEDIA_ROOT": str(folder / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(env: dict, *args: str, log: Path | None = None) -> str:
    result = subprocess.run(  # noqa: S603
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if log is not None:
        with log.open("a") as f:
            f.write(result.stdout + result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def prepare_seed(admin_url: str, folder: Path) -> float:
    """Migrate and load the demo data once into a template database; each run copies it."""
    started = time.monotonic()
    recreate_database(admin_url, SEED_DB)
    env = stage_env(db_url=database_url(admin_url, SEED_DB), redis_port=1, smtp_port=1, folder=folder)
    # No broker while seeding: the demo's emails are tried at once against a closed port and wait in the
    # outbox, and the stage's jobs deliver them (they count among the emails checked).
    env["CELERY_TASK_ALWAYS_EAGER"] = "true"
    log = folder / "seed.log"
    log.unlink(missing_ok=True)
    manage(env, "migrate", "--noinput", log=log)
    manage(env, "load_demo_data", log=log)
    return time.monotonic() - started


def run_stage(*, name: str, admin_url: str, seconds: float, beats: int, faults: bool, root: Path) -> bool:
    folder = root / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    # The run's database is a copy of the seed's, so its files are a copy of the seed's files: the demo's
    # waiting emails carry stored attachments (a shipment notice's packing list).
    if (root / "media").is_dir():
        shutil.copytree(root / "media", folder / "media")
    (folder / "media").mkdir(exist_ok=True)
    say(f"{name}: copy of the seeded database, private Redis, SMTP sink")
    recreate_database(admin_url, DB_NAME, template=SEED_DB)
    redis = Redis(free_port(6391), folder)
    smtp = SmtpSink(free_port(8025))
    db_url = database_url(admin_url, DB_NAME)
    env = stage_env(db_url=db_url, redis_port=redis.port, smtp_port=smtp.port, folder=folder)
    processes = []
    supervisor = None
    try:
        redis.start()
        smtp.start()
        tokens = {
            code: manage(env, "issue_api_token", code, "--label", "scale-out").strip() for code in load.API_CUSTOMERS
        }
        web_ports = [free_port(8601), None]
        web_ports[1] = free_port(web_ports[0] + 1)
        webs = [gunicorn(f"web{i + 1}", port, env, folder) for i, port in enumerate(web_ports)]
        workers = [celery_worker(f"worker{i + 1}", env, folder) for i in range(2)]
        beat_list = [celery_beat(f"beat{i + 1}", env, folder) for i in range(beats)]
        processes = [*webs, *workers, *beat_list]
        say(
            f"{name}: 2 gunicorn masters x 2 workers on :{web_ports[0]} and :{web_ports[1]}, 2 Celery workers, "
            f"{beats} beat{'s' if beats > 1 else ''}, Redis :{redis.port}, SMTP :{smtp.port}"
        )
        for process in processes:
            process.start()
        supervisor = Supervisor([*workers, *beat_list])
        supervisor.start()
        for port in web_ports:
            wait_until(lambda port=port: load.healthz(port), 60, f"gunicorn on :{port}")

        def halfway():
            if not faults:
                return []
            victim = workers[0]
            victim.signal(signal.SIGKILL)
            redis.restart()
            return [f"SIGKILL to {victim.name} (pid {victim.popen.pid})", f"restarted Redis :{redis.port}"]

        say(f"{name}: load for {seconds:.0f}s")
        figures = load.drive(web_ports=web_ports, tokens=tokens, seconds=seconds, halfway=halfway, folder=folder)
        say(f"{name}: load done; waiting for the jobs and the outbox to settle")
        result = checks.settle_and_check(
            env=env,
            smtp=smtp,
            figures=figures,
            job_seconds=JOB_SECONDS,
            folder=folder,
        )
        alive = [p.name for p in processes if p.alive]
        result.report(name=name, alive=alive, restarts=supervisor.restarts)
        return result.ok
    finally:
        if supervisor is not None:
            supervisor.stop()
        for process in processes:
            process.stop()
        smtp.stop()
        redis.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SCALEOUT_SECONDS", 120)))
    parser.add_argument(
        "--runs",
        default="one-beat,two-beats",
        help="comma-separated: one-beat (SIGKILL + Redis restart half-way), two-beats (two beats by mistake)",
    )
    parser.add_argument(
        "--admin-url", default=os.environ.get("DATABASE_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--reuse-seed", action="store_true", help="keep the seeded template of a previous run")
    args = parser.parse_args(argv)
    root = ROOT / "var" / "scaleout"
    root.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    if not args.reuse_seed:
        say("seeding: migrate + demo data into a template database")
        seeded = prepare_seed(args.admin_url, root)
        say(f"seeded in {seeded:.0f}s")
    ok = True
    for run in args.runs.split(","):
        if run == "one-beat":
            ok &= run_stage(name=run, admin_url=args.admin_url, seconds=args.seconds, beats=1, faults=True, root=root)
        elif run == "two-beats":
            ok &= run_stage(
                name=run, admin_url=args.admin_url, seconds=args.seconds / 2, beats=2, faults=False, root=root
            )
        else:
            parser.error(f"unknown run {run}")
    print(f"\nscale-out stage: {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f}s", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
