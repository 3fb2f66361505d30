"""Benchmark: the daily check-in job over 100,000 in-production orders, on PostgreSQL.

Standalone (creates and migrates its own database, seeds, measures, prints):

    .venv/bin/python bench/checkins_job.py                 # 100,000 orders in gendan_bench_checkins
    .venv/bin/python bench/checkins_job.py --orders 10000  # compare: peak memory must not grow with orders

From `make bench` (bench/run.py), `run(orders=...)` runs in the bench database, already set up.

Seeding writes rows directly with one INSERT … SELECT generate_series (no FSM, no services): bench only.
Then it times the morning job (checkins_create_for_day: one INSERT … SELECT … ON CONFLICT DO NOTHING),
runs it again (must create nothing), times the night job (missed), and reports elapsed seconds and the
process's peak RSS (resource.getrusage), before and after the jobs.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/gendan_bench_checkins"
TARGET_ORDERS = 100_000
NUMBER_PREFIX = "BENCH-CI-"  # the bench's own orders, so it can count them and never touch others
MERCHANDISERS = 50


def peak_rss_mb() -> float:
    from devtools.memory import peak_rss_mb as own_peak  # this program's peak, not its parent's (see there)

    return own_peak()


def seed(target: int) -> tuple[int, float]:
    """Make sure `target` bench orders are in production. Returns (orders added, seconds)."""
    from django.db import transaction

    from accounts.models import Team
    from accounts.roles import Role
    from bench.seeding import bench_customer, bench_person, orders_in_production
    from orders.models import Order

    existing = Order.objects.filter(number__startswith=NUMBER_PREFIX).count()
    if existing >= target:
        return 0, 0.0
    started = time.perf_counter()
    with transaction.atomic():
        team, _ = Team.objects.get_or_create(name_en="Bench check-ins", defaults={"name_zh": "压测跟进组"})
        people = [
            bench_person(username=f"bench.ci.{i:03d}", role=Role.MERCHANDISER, team=team, employee_no=f"BCI{i:04d}").pk
            for i in range(MERCHANDISERS)
        ]
        customer = bench_customer(code="BENCHCI", name_zh="压测客户", name_en="Bench customer")
        orders_in_production(
            prefix=NUMBER_PREFIX, first=existing + 1, last=target, customer=customer, merchandisers=people
        )
    return target - existing, time.perf_counter() - started


def measure(target: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from orders.models import Order, OrderState
    from production.models import CheckIn
    from production.services import checkins_create_for_day, checkins_mark_missed
    from workcalendar.calendar import WorkCalendar

    if connection.vendor != "postgresql":
        raise SystemExit("The check-in benchmark runs on PostgreSQL: set DATABASE_URL.")
    added, seed_seconds = seed(target)
    in_production = Order.objects.filter(status=OrderState.IN_PRODUCTION).count()
    calendar = WorkCalendar.load()
    day = calendar.on_or_after(timezone.localdate())
    # Bench only: measure a first run of the day on a clean table, as the morning job finds it.
    CheckIn.objects.filter(day=day).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(CheckIn._meta.db_table)}")
    rss_before = peak_rss_mb()

    started = time.perf_counter()
    created = checkins_create_for_day(day=day, calendar=calendar)
    first = time.perf_counter() - started

    started = time.perf_counter()
    again = checkins_create_for_day(day=day, calendar=calendar)
    second = time.perf_counter() - started

    started = time.perf_counter()
    missed = checkins_mark_missed(day=day)
    night = time.perf_counter() - started
    return {
        "orders_in_production": in_production,
        "seeded": added,
        "seed_s": seed_seconds,
        "created": created,
        "job_s": first,
        "created_again": again,
        "job_again_s": second,
        "missed": missed,
        "missed_s": night,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }


def summary(r: dict) -> str:
    return (
        f"{r['orders_in_production']:,} in production: check-in job created {r['created']:,} in {r['job_s']:.2f} s; "
        f"second run created {r['created_again']} in {r['job_again_s']:.2f} s; night job marked {r['missed']:,} "
        f"missed in {r['missed_s']:.2f} s; peak RSS {r['peak_rss_mb']:.0f} MB "
        f"(before the jobs {r['rss_before_mb']:.0f} MB)"
    )


def run(*, orders: int | None = None) -> str:
    """Entry point for bench/run.py (Django is set up, the bench database migrated)."""
    return summary(measure(int(os.environ.get("CHECKINS_BENCH_ORDERS", TARGET_ORDERS))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=TARGET_ORDERS, help="bench orders in production (100000)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from devtools.standalone import standalone_setup

    standalone_setup(default_database=DEFAULT_DATABASE, root=ROOT)
    print(f"peak RSS after Django setup: {peak_rss_mb():>10.0f} MB")
    r = measure(args.orders)
    if r["seeded"]:
        print(f"seeded {r['seeded']:,} in-production orders in {r['seed_s']:.2f} s")
    print(f"orders in production:        {r['orders_in_production']:>10,}")
    print(f"check-in job, first run:     {r['job_s']:>10.2f} s   created {r['created']:,}")
    print(f"check-in job, second run:    {r['job_again_s']:>10.2f} s   created {r['created_again']:,}")
    print(f"missed job (23:30):          {r['missed_s']:>10.2f} s   marked {r['missed']:,}")
    print(f"peak RSS before the jobs:    {r['rss_before_mb']:>10.0f} MB")
    print(f"peak RSS after the jobs:     {r['peak_rss_mb']:>10.0f} MB")


if __name__ == "__main__":
    main()
