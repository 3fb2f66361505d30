"""Benchmark: the go-live import of 5,000 orders, one file, all or none, on PostgreSQL (issue 22: under a minute).

Standalone (creates and migrates its own database, then measures and prints):

    .venv/bin/python bench/golive_job.py                  # 5,000 orders in gendan_bench_golive
    .venv/bin/python bench/golive_job.py --orders 1000

From `make bench` (bench/run.py), `run(orders=...)` runs in the bench database (a million seeded orders
beside it, which the import's duplicate checks must look through). The file holds 5,000 orders of one line
each (the spreadsheet's row limit), spread over every state an import accepts; in production and later
they have a factory, entered and later a T&A plan, in production a part shipped and shipped or later all of
it. The time is golive_import's whole run: parsing the file twice (preview, then again inside the
transaction), and creating every order with its event, plan, run and shipment. Then the transaction is rolled
back, so the bench database keeps its seed and the job can run again.
"""

import argparse
import csv
import io
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/gendan_bench_golive"
TARGET_ORDERS = 5_000
TARGET_SECONDS = 60.0
CUSTOMERS = 50


class _RolledBack(Exception):
    pass


def _world():
    """The bench's supervisor, merchandiser, customers and carrier (made once, kept)."""
    from accounts.models import Team
    from accounts.roles import Role
    from bench.seeding import bench_customer, bench_person
    from logistics.models import Carrier

    team, _ = Team.objects.get_or_create(name_en="Bench go-live", defaults={"name_zh": "压测上线组"})
    people = {}
    for username, role in (("bench.gl.sup", Role.SUPERVISOR), ("bench.gl.merch", Role.MERCHANDISER)):
        people[role] = bench_person(username=username, role=role, team=team, employee_no=username.upper())
    if team.supervisor_id != people[Role.SUPERVISOR].pk:  # a supervisor imports for the team they lead
        team.supervisor = people[Role.SUPERVISOR]
        team.save(update_fields=["supervisor"])
    for i in range(CUSTOMERS):
        bench_customer(
            code=f"BENCHGL{i:02d}",
            name_zh=f"压测上线客户{i}",
            name_en=f"Bench go-live {i}",
            merchandiser=people[Role.MERCHANDISER],
        )
    Carrier.objects.get_or_create(code="bench-gl", defaults={"name_zh": "压测承运", "name_en": "Bench carrier"})
    return people[Role.SUPERVISOR]


def golive_file(orders: int):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from golive.services import COLUMNS, IMPORTABLE_STATES

    today = timezone.localdate()
    stamp = f"{time.time_ns():x}"  # new POs every run: a go-live file holds orders not in the system yet
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(list(COLUMNS))
    for n in range(orders):
        state = IMPORTABLE_STATES[n % len(IMPORTABLE_STATES)]
        rank = IMPORTABLE_STATES.index(state)
        row = {
            "customer_code": f"BENCHGL{n % CUSTOMERS:02d}",
            "customer_po": f"GL-{stamp}-{n:05d}",
            "state": state,
            "currency": "USD",
            "received_date": (today - timedelta(days=60 + n % 30)).isoformat(),
            "confirmed_date": (today - timedelta(days=55 + n % 30)).isoformat() if rank >= 1 else "",
            "delivery_date": (today + timedelta(days=(45 if rank <= 3 else -5) + n % 20)).isoformat(),
            "description": "Bench item",
            "quantity": "1000",
            "unit": "PCS",
            "unit_price": "2.50",
            "factory": "Bench factory" if rank >= 3 else "",
            "milestones_done": "materials_booked" if rank in (2, 3) else "",
            "shipped_quantity": "400" if rank == 3 else "",
            "carrier": "bench-gl" if rank >= 3 else "",
        }
        writer.writerow([row.get(key, "") for key in COLUMNS])
    return ContentFile(out.getvalue().encode("utf-8"), name="bench-golive.csv")


def measure(orders: int) -> dict:
    from django.db import connection, transaction

    from core.errors import InvalidInput
    from golive.services import golive_import

    if connection.vendor != "postgresql":
        raise SystemExit("The go-live benchmark runs on PostgreSQL: set DATABASE_URL.")
    with transaction.atomic():
        actor = _world()
    uploaded = golive_file(orders)
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        with transaction.atomic():
            try:
                created = golive_import(uploaded=uploaded, actor=actor)
            except InvalidInput as refused:
                raise SystemExit(f"{refused.message}: {refused.reasons[:5]}") from refused
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            count = len(created)
            raise _RolledBack
    except _RolledBack:
        pass
    from devtools.memory import peak_rss_mb  # this program's peak, not its parent's (see there)

    return {"orders": count, "seconds": elapsed, "rows": orders, "cpu": cpu, "peak_rss_mb": peak_rss_mb()}


def summary(r: dict) -> str:
    verdict = "OK" if r["seconds"] <= TARGET_SECONDS else "OVER TARGET"
    return (
        f"go-live import of {r['orders']:,} orders ({r['rows']:,} rows, every state) in {r['seconds']:.1f} s "
        f"({r['orders'] / r['seconds']:.0f} orders/s; target {TARGET_SECONDS:.0f} s: {verdict}); "
        f"{r['cpu']:.1f} s of it on this process's CPU; peak RSS {r['peak_rss_mb']:.0f} MB; rolled back"
    )


def run(*, orders: int | None = None) -> str:
    """Entry point for bench/run.py (Django is set up, the bench database migrated)."""
    return summary(measure(int(os.environ.get("GOLIVE_BENCH_ORDERS", TARGET_ORDERS))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=TARGET_ORDERS, help="orders in the file (5000, the row limit)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from devtools.standalone import standalone_setup

    standalone_setup(default_database=DEFAULT_DATABASE, root=ROOT)
    print(summary(measure(args.orders)))


if __name__ == "__main__":
    main()
