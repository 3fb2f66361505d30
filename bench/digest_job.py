"""Benchmark: the morning digest job over 1,000 staff and 100,000 open orders, on PostgreSQL.

Standalone (creates and migrates its own database, seeds, measures, prints):

    .venv/bin/python bench/digest_job.py                         # 1,000 staff, 100,000 orders
    .venv/bin/python bench/digest_job.py --orders 20000          # compare: peak memory must not grow

From `make bench` (bench/run.py), `run(orders=...)` runs in the bench database, already set up.

Seeding writes rows directly with INSERT … SELECT generate_series (no FSM, no services): bench only. Every
order is in production with a T&A plan (its ex-factory date) and three open milestones spread from 40 days
ago to 60 days ahead, so most people have things overdue and due today. Then it times the digest job for
a working day on a clean slate (every bench person's digest of that day removed first), runs it again
(must make nothing), and reports elapsed seconds and the process's peak RSS before and after.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/gendan_bench_digest"
TARGET_ORDERS = 100_000
STAFF = 1_000  # of whom one in twenty is a supervisor of a team of nineteen
PREFIX = "BENCH-DG-"
MILESTONES = (("fabric", -40), ("cutting", -20), ("sewing", 0))  # code, days from the order's spread date


def peak_rss_mb() -> float:
    from devtools.memory import peak_rss_mb as own_peak

    return own_peak()


def _people() -> list[int]:
    """STAFF bench people: teams of a supervisor and nineteen merchandisers. Returns the merchandisers' ids."""
    from accounts.models import Team
    from accounts.roles import Role
    from bench.seeding import bench_person

    merchandisers = []
    for t in range(STAFF // 20):
        supervisor = bench_person(
            username=f"bench.dg.sup{t:03d}", role=Role.SUPERVISOR, employee_no=f"BDS{t:04d}", preferred_language="en"
        )
        team, _ = Team.objects.get_or_create(
            name_en=f"Bench digest {t:03d}", defaults={"name_zh": f"压测摘要{t:03d}", "supervisor": supervisor}
        )
        for m in range(19):
            user = bench_person(
                username=f"bench.dg.{t:03d}.{m:02d}",
                role=Role.MERCHANDISER,
                team=team,
                employee_no=f"BDM{t:03d}{m:02d}",
                preferred_language="zh-hans",
            )
            merchandisers.append(user.pk)
    return merchandisers


def seed(target: int) -> tuple[int, float]:
    """Make sure `target` bench orders are in production with plans and milestones."""
    from django.db import connection, transaction

    from bench.seeding import bench_customer, insert_select, orders_in_production
    from orders.models import Order
    from production.models import PlanMilestone, ProductionPlan

    existing = Order.objects.filter(number__startswith=PREFIX).count()
    if existing >= target:
        return 0, 0.0
    started = time.perf_counter()
    with transaction.atomic():
        people = _people()
        customer = bench_customer(code="BENCHDG", name_zh="压测摘要客户", name_en="Bench digest customer")
        orders_in_production(prefix=PREFIX, first=existing + 1, last=target, customer=customer, merchandisers=people)
        new_orders = (
            "(SELECT id, number FROM orders_order WHERE number LIKE %s "
            "AND id NOT IN (SELECT order_id FROM production_productionplan)) AS o"
        )
        insert_select(
            ProductionPlan,
            {
                "order_id": ("o.id", []),
                "ex_factory_date": ("current_date - 10 + (right(o.number, 7)::int %% 70)", []),
                "transit_days": ("20", []),
                "created_at": ("now()", []),
            },
            new_orders,
            [f"{PREFIX}%"],
        )
        for sequence, (code, offset) in enumerate(MILESTONES, start=1):
            plans = (
                "(SELECT p.id, p.ex_factory_date FROM production_productionplan p "
                "JOIN orders_order o ON o.id = p.order_id WHERE o.number LIKE %s "
                "AND NOT EXISTS (SELECT 1 FROM production_planmilestone m WHERE m.plan_id = p.id AND m.code = %s)) AS p"
            )
            insert_select(
                PlanMilestone,
                {
                    "plan_id": ("p.id", []),
                    "code": ("%s", [code]),
                    "name_zh": ("%s", [code]),
                    "name_en": ("%s", [code]),
                    "sequence": ("%s", [sequence]),
                    "offset_days": ("%s", [len(MILESTONES) - sequence]),
                    "owner_role": ("'production'", []),
                    "planned_date": (f"p.ex_factory_date + {offset}", []),
                    "updated_at": ("now()", []),
                },
                plans,
                [f"{PREFIX}%", code],
            )
    with connection.cursor() as cursor:  # fresh statistics, as the nightly autovacuum would leave them
        for model in (Order, ProductionPlan, PlanMilestone):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return target - existing, time.perf_counter() - started


def measure(target: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from notifications.models import InboxItem
    from orders.models import Order, OrderState
    from reminders.models import Digest
    from reminders.services import digests_send
    from workcalendar.calendar import WorkCalendar

    if connection.vendor != "postgresql":
        raise SystemExit("The digest benchmark runs on PostgreSQL: set DATABASE_URL.")
    added, seed_seconds = seed(target)
    open_orders = Order.objects.filter(status=OrderState.IN_PRODUCTION).count()
    calendar = WorkCalendar.load()
    day = calendar.on_or_after(timezone.localdate())
    # Bench only: a first run of the day on a clean slate, as the morning job finds it.
    Digest.objects.filter(day=day).delete()
    InboxItem.objects.filter(dedupe_key__startswith="digest:", dedupe_key__endswith=f":{day.isoformat()}").delete()
    staff = Order.objects.values("merchandiser_id").distinct().count()
    rss_before = peak_rss_mb()

    started = time.perf_counter()
    made = digests_send(day=day, calendar=calendar)
    first = time.perf_counter() - started

    started = time.perf_counter()
    again = digests_send(day=day, calendar=calendar)
    second = time.perf_counter() - started
    return {
        "open_orders": open_orders,
        "owners": staff,
        "seeded": added,
        "seed_s": seed_seconds,
        "made": made,
        "job_s": first,
        "made_again": again,
        "job_again_s": second,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }


def summary(r: dict) -> str:
    return (
        f"{r['open_orders']:,} orders in production, {r['owners']:,} owners: digest job made {r['made']:,} digests "
        f"in {r['job_s']:.2f} s; second run made {r['made_again']} in {r['job_again_s']:.2f} s; peak RSS "
        f"{r['peak_rss_mb']:.0f} MB (before the job {r['rss_before_mb']:.0f} MB)"
    )


def run(*, orders: int | None = None) -> str:
    """Entry point for bench/run.py (Django is set up, the bench database migrated)."""
    return summary(measure(int(os.environ.get("DIGEST_BENCH_ORDERS", TARGET_ORDERS))))


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
    print(summary(r))


if __name__ == "__main__":
    main()
