"""Benchmark: score one quarter for 200 merchandisers over 1,000,000 orders and their events (PostgreSQL).

    .venv/bin/python bench/scoring_job.py                # prepare the bench database once, then score
    .venv/bin/python bench/scoring_job.py --score-only   # score again on the prepared database

Target: the scoring job (evaluation.services.evaluation_score_quarter, every KPI of the scheme) within 10 s,
and a peak memory that does not grow with the number of orders: the job holds one aggregate row per
merchandiser and KPI, never an order. It prints the elapsed seconds and the peak RSS of the scoring process.

Preparing (skipped when the database is ready):
1. the database EVAL_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/gendan_bench_eval) is
   cloned from devtools' seeded bench database (BENCH_DATABASE_URL, gendan_bench) when that one has that many
   orders, else created and filled with devtools' `manage.py seed_bench --orders N` (1,000,000 orders, 200
   merchandisers, their check-lists, confirmations and ~16 events each);
2. migrations run;
3. the records the KPIs read besides orders and events (shipments, check-ins, after-sales cases, customer
   feedback, corrections, weekly reports, QA samples and findings, violations) are added for the quarter
   scored when that quarter has none, derived from the seeded orders' own timeline (INSERT ... SELECT).

bench/run.py calls run(orders=...) in its own process against its bench database: that scores the previous
quarter of whatever is there and returns one line (run.py measures time and peak RSS itself).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gendan_bench_eval"
SOURCE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gendan_bench")
TARGET_SECONDS = 10.0


def peak_rss_mb() -> float:
    from devtools.memory import peak_rss_mb as own_peak  # this program's peak, not its parent's (see there)

    return own_peak()


def _current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


# --- the measured part ---------------------------------------------------------------------------------
def score(*, orders_hint: int | None = None) -> dict:
    """Score the previous quarter once, timed. Django must be set up."""
    from django.db import connection

    from evaluation.codes import RunTrigger
    from evaluation.models import EvaluationRun, ScoreLine
    from evaluation.quarters import Quarter
    from evaluation.services import evaluation_quarter_ensure, evaluation_score_quarter, scheme_for

    quarter = Quarter.current().previous()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders_order")
        orders = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM orders_orderevent")
        events = cursor.fetchone()[0]
    evaluation = evaluation_quarter_ensure(quarter)
    if evaluation.is_frozen:
        raise SystemExit(f"{quarter} is finalised in this database; nothing to score")
    run = EvaluationRun.objects.create(evaluation=evaluation, trigger=RunTrigger.MANUAL, scheme=scheme_for(quarter))
    rss_before = _current_rss_mb()
    started = time.perf_counter()
    run = evaluation_score_quarter(run_id=run.pk)
    elapsed = time.perf_counter() - started
    return {
        "quarter": str(quarter),
        "status": run.status,
        "people": run.people,
        "lines": ScoreLine.objects.filter(evaluation=evaluation).count(),
        "orders": orders,
        "events": events,
        "seconds": elapsed,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }


def summary(result: dict) -> str:
    verdict = "OK" if result["seconds"] <= TARGET_SECONDS and result["status"] == "done" else "OVER TARGET"
    return (
        f"scored {result['quarter']} for {result['people']} merchandisers ({result['lines']} KPI results) over "
        f"{result['orders']:,} orders and {result['events']:,} events in {result['seconds']:.2f} s "
        f"(target {TARGET_SECONDS:.0f} s: {verdict}); peak RSS {result['peak_rss_mb']:.0f} MB "
        f"(RSS before scoring {result['rss_before_mb']:.0f} MB)"
    )


def run(*, orders: int) -> str:
    """bench/run.py's entry: Django is set up against its bench database."""
    return summary(score(orders_hint=orders))


# --- preparing the database -------------------------------------------------------------------------------
def _psql_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


def _dbname(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _orders_in(url: str) -> int | None:
    import psycopg

    parts = urlsplit(url)
    try:
        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname=_dbname(url),
            connect_timeout=3,
        ) as conn:
            return conn.execute("SELECT count(*) FROM orders_order").fetchone()[0]
    except Exception:  # noqa: BLE001 - missing database or table: not seeded
        return None


def prepare(*, target: str, orders: int, log=print) -> None:
    name = _dbname(target)
    if "bench" not in name:
        raise SystemExit(f"refusing to prepare {name!r}: the bench database's name must contain 'bench'")
    have = _orders_in(target)
    if have is None or have < orders:
        with _psql_admin(target) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            source = _orders_in(SOURCE_URL)
            cloned = False
            if source is not None and source == orders:
                try:
                    log(f"cloning {_dbname(SOURCE_URL)} ({source:,} orders) into {name}...")
                    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_dbname(SOURCE_URL)}"')
                    cloned = True
                except Exception as exc:  # noqa: BLE001 - someone is connected to the source: seed instead
                    log(f"  cannot clone ({exc.__class__.__name__}); seeding instead")
            if not cloned:
                admin.execute(f'CREATE DATABASE "{name}"')
        _manage(target, "migrate", "--noinput", "-v0")
        if not cloned:
            log(f"seeding {orders:,} orders with devtools' seed_bench (minutes)...")
            _manage(target, "seed_bench", "--orders", str(orders))
    _manage(target, "migrate", "--noinput", "-v0")
    subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--stage-data"], cwd=ROOT, env=_env(target), check=True
    )


def _env(target: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": target,
        "DB_POOL": "0",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
    }


def _manage(target: str, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=_env(target), check=True)  # noqa: S603


STAGE_SQL = """
-- A carrier for the shipments.
INSERT INTO logistics_carrier (name_zh, name_en, code, default_mode, tracking_url, phone, active)
VALUES ('压测海运', 'Bench sea freight', 'bench-sea', 'sea', '', '', true) ON CONFLICT (code) DO NOTHING;

-- Shipments: one per order shipped around the quarter, on the day of its `ship` transition; 92 %% delivered
-- on or before the promised date.
CREATE TEMP TABLE bench_shipped AS
SELECT e.order_id, (e.created_at AT TIME ZONE %(tz)s)::date AS ship_day, o.delivery_date, o.customer_id,
       o.merchandiser_id, e.created_at AS shipped_at, random() AS r
FROM orders_orderevent e JOIN orders_order o ON o.id = e.order_id
WHERE e.type = 'transition' AND e.payload ->> 'transition' = 'ship'
  AND e.created_at >= %(since)s AND e.created_at < %(until)s;

INSERT INTO logistics_shipment (seq, mode, tracking_number, ship_date, eta, notes, created_at, delivered_on,
                                received_by, delivery_note, carrier_id, order_id)
SELECT 1, 'sea', 'BENCH' || s.order_id, s.ship_day, greatest(s.ship_day, s.delivery_date), '', s.shipped_at,
       CASE WHEN s.r < 0.92 THEN greatest(s.ship_day, s.delivery_date - (s.r * 10)::int)
            WHEN s.r < 0.98 THEN greatest(s.ship_day, s.delivery_date) + 1 + ((s.r - 0.92) * 200)::int END,
       '', '', (SELECT id FROM logistics_carrier WHERE code = 'bench-sea'), s.order_id
FROM bench_shipped s;

-- Customer feedback on 35 %% of them, after delivery.
INSERT INTO aftersales_feedback (source, quality, delivery, communication, comment, contact_name, submitted_at,
                                 updated_at, revisions, customer_id, order_id)
SELECT 'survey', 3 + (s.r * 100)::int %% 3, 2 + (s.r * 1000)::int %% 4, 3 + (s.r * 10000)::int %% 3, '', '',
       s.shipped_at + interval '20 days', s.shipped_at + interval '20 days', 0, s.customer_id, s.order_id
FROM bench_shipped s WHERE (s.order_id %% 100) < 35;

-- After-sales cases on 6 %% (half of them complaints), a fifth of them late on a target.
INSERT INTO aftersales_case (case_type, severity, status, channel, subject, description, contact_name, contact_email,
                             root_cause, corrective_action, resolution, opened_at, created_at, first_responded_at,
                             reopen_count, response_target_minutes, resolution_target_minutes, paused_seconds,
                             response_breached_at, customer_id, order_id, owner_id)
SELECT CASE WHEN s.order_id %% 2 = 0 THEN 'complaint' ELSE 'quality' END, 'medium', 'closed', 'email', 'bench', 'bench',
       '', '', '', '', '', s.shipped_at + interval '25 days', s.shipped_at + interval '25 days',
       s.shipped_at + interval '25 days 30 minutes', 0, 60, 480, 0,
       CASE WHEN s.order_id %% 5 = 0 THEN s.shipped_at + interval '25 days 2 hours' END,
       s.customer_id, s.order_id, s.merchandiser_id
FROM bench_shipped s WHERE (s.order_id %% 100) < 6;

-- Daily check-ins: every working day an order spent in production within the quarter; 95 %% done.
INSERT INTO production_checkin (day, status, contact_name, contact_method, problems, next_steps, created_at,
                                merchandiser_id, order_id)
SELECT d::date, CASE WHEN random() < 0.95 THEN 'done' ELSE 'missed' END, '', '', '', '', d, o.merchandiser_id, o.id
FROM orders_order o
JOIN orders_orderevent ps
  ON ps.order_id = o.id AND ps.type = 'transition' AND ps.payload ->> 'transition' = 'start_production'
LEFT JOIN orders_orderevent sh ON sh.order_id = o.id AND sh.type = 'transition' AND sh.payload ->> 'transition' = 'ship'
CROSS JOIN LATERAL generate_series(
    greatest(date_trunc('day', ps.created_at AT TIME ZONE %(tz)s), %(first_day)s::timestamp),
    least(date_trunc('day', coalesce(sh.created_at, %(until)s) AT TIME ZONE %(tz)s) - interval '1 day',
          %(last_day)s::timestamp),
    interval '1 day') AS d
WHERE ps.created_at < %(until)s AND coalesce(sh.created_at, %(until)s) > %(since)s AND extract(isodow FROM d) < 6;

-- Corrections after confirmation on 3 %% of the orders confirmed in the quarter.
INSERT INTO orders_orderevent (type, created_at, from_state, to_state, note, payload, actor_id, order_id)
SELECT 'correction', o.confirmed_at + interval '2 days', '', '', 'bench correction', '{}'::jsonb,
       o.merchandiser_id, o.id
FROM orders_order o WHERE o.confirmed_at >= %(since)s AND o.confirmed_at < %(until)s AND o.id %% 100 < 3;

-- Weekly reports: every merchandiser, every week of the quarter; due Friday 18:00, 85 %% on time.
INSERT INTO supervision_weeklyreport (week_start, due_at, submitted_at, status, figures, summary, problems, plans,
                                      review_comment, created_at, merchandiser_id)
SELECT w::date, (w + interval '4 days 18 hours') AT TIME ZONE %(tz)s,
       CASE WHEN random() < 0.85 THEN (w + interval '4 days 16 hours') AT TIME ZONE %(tz)s
            ELSE (w + interval '5 days 10 hours') AT TIME ZONE %(tz)s END,
       'submitted', '{}'::jsonb, '', '', '', '', now(), u.id
FROM accounts_user u
JOIN accounts_user_groups ug ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id AND g.name = 'Merchandiser'
CROSS JOIN generate_series(
    date_trunc('week', %(first_day)s::timestamp), %(last_day)s::timestamp - interval '4 days', interval '7 days'
) AS w
ON CONFLICT DO NOTHING;

-- A QA plan: 5 scored samples per merchandiser, a finding on every seventh.
INSERT INTO supervision_spotcheckplan (name, period_start, period_end, sample_mode, sample_size, stratify_by_stage,
                                       status, seed, population, drawn_at, created_at, created_by_id)
SELECT 'bench plan', %(first_day)s, %(last_day)s, 'count', 5, false, 'drawn', 'bench', '{}'::jsonb,
       %(since)s, %(since)s,
       (SELECT id FROM accounts_user WHERE username = 'bench.qa');
INSERT INTO supervision_spotchecksample (stratum, position, scored_at, merchandiser_id, order_id, plan_id)
SELECT '', x.rn, %(since)s + interval '40 days', x.merchandiser_id, x.id,
       (SELECT max(id) FROM supervision_spotcheckplan)
FROM (SELECT o.id, o.merchandiser_id, row_number() OVER (PARTITION BY o.merchandiser_id ORDER BY o.id) AS rn
      FROM orders_order o WHERE o.received_at >= %(since)s AND o.received_at < %(until)s) x
WHERE x.rn <= 5;
INSERT INTO supervision_finding (severity, description, corrective_action, due_date, status, created_at, evidence,
                                 evidence_file, evidence_name, merchandiser_id, raised_by_id, sample_id)
SELECT 'minor', 'bench', 'bench', %(last_day)s, 'open', s.scored_at, '', '', '', s.merchandiser_id,
       (SELECT id FROM accounts_user WHERE username = 'bench.qa'), s.id
FROM supervision_spotchecksample s WHERE s.plan_id = (SELECT max(id) FROM supervision_spotcheckplan) AND s.id %% 7 = 0;

-- Violations: one for every tenth merchandiser.
INSERT INTO supervision_violation (type, severity, occurred_at, description, evidence, recorded_at, prior_count,
                                   proposed_sanction, supervisor_opinion, decided_sanction, decision_note, status,
                                   person_id, recorded_by_id)
SELECT 'record', 'minor', %(since)s + interval '30 days', 'bench', '', %(since)s + interval '30 days', 0, 'warning',
       '', '', '', 'recorded', u.id, (SELECT id FROM accounts_user WHERE username = 'bench.hr')
FROM accounts_user u WHERE u.username LIKE 'bench.m%%' AND u.id %% 10 = 0;
"""


def stage_data(log=print) -> None:
    """Add the quarter's stage records (see the module docstring) unless it has shipments already."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from evaluation.quarters import Quarter

    quarter = Quarter.current().previous()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM logistics_shipment WHERE ship_date BETWEEN %s AND %s)",
            [quarter.first_day, quarter.last_day],
        )
        if cursor.fetchone()[0]:
            log(f"stage records for {quarter}: present")
            return
    started = time.monotonic()
    params = {
        "tz": settings.TIME_ZONE,
        "since": quarter.start,
        "until": quarter.end,
        "first_day": quarter.first_day,
        "last_day": quarter.last_day,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in [s.strip() for s in STAGE_SQL.split(";\n") if s.strip()]:
            cursor.execute(statement, params)
    with connection.cursor() as cursor:
        for table in (
            "logistics_shipment",
            "production_checkin",
            "aftersales_case",
            "aftersales_feedback",
            "orders_orderevent",
            "supervision_weeklyreport",
            "supervision_spotchecksample",
        ):
            cursor.execute(f"ANALYZE {table}")
    log(f"stage records for {quarter} added in {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("EVAL_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--score-only", action="store_true", help="skip preparing; score on the database as it is")
    parser.add_argument("--stage-data", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage_data:
        stage_data()
        return
    if args.measure:  # the child process: its time and peak memory are the job's own
        import django

        django.setup()
        print(summary(score()))
        return
    os.environ.update(_env(args.database_url))
    if not args.score_only:
        prepare(target=args.database_url, orders=args.orders)
    # Score in a fresh process, so its peak RSS is the scoring's and not the preparation's.
    child = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--measure"], cwd=ROOT, env=_env(args.database_url), capture_output=True, text=True
    )
    sys.stdout.write(child.stdout)
    if child.returncode:
        sys.stderr.write(child.stderr)
        raise SystemExit(child.returncode)


if __name__ == "__main__":
    main()
