# ruff: noqa: S608 - SQL here is assembled from this module's constants (table names); values are parameters.
"""A large, valid data set written straight into PostgreSQL for the benchmark (`manage.py seed_bench`).

Why SQL and not the services: a million orders through `order_create`/`order_transition` would take a
day. Every order row, line, tick, confirmation and event is generated server-side by INSERT ... SELECT over
generate_series, in one transaction, with the secondary indexes and foreign keys dropped during the load
and rebuilt (and so re-validated) before commit.

Why the data is still valid: each order gets a timeline of stage times (received, confirmed, entered,
production, shipped, after-sales, closed; ~4% are cancelled at some stage). Its state is the last stage
whose time has passed, and its events are exactly the ones the services would have written to get there:
`created`, seven `checked` ticks, `confirmation_recorded`, one `transition` per step (plus
`number_assigned` on entry), and a `cancel` transition for cancelled orders. Numbers are assigned in
entry order per year, unique and gapless, and the year's OrderNumberSequence continues after them.

Stage apps hook in through EXTRA_SEEDERS: once their models exist, they seed check-ins, shipments and
cases from the same timeline (table `perf_seed_plan`, described in `SeedContext`).
"""

import importlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Department, Team, User
from accounts.roles import Role
from orders.models import Currency, Customer, CustomerContact, Product, Unit

BENCH_PASSWORD = "Bench-only-2026"  # noqa: S105 - the bench database's seeded staff; printed by the command
USER_PREFIX = "bench."
PLAN_TABLE = "perf_seed_plan"
INFO_TABLE = "perf_seed_info"

STATES = ["received", "confirmed", "entered", "in_production", "shipped", "after_sales", "closed"]
# rank k is reached by the transition (k, name, from, to)
STEPS = [
    (1, "confirm", "received", "confirmed"),
    (2, "enter", "confirmed", "entered"),
    (3, "start_production", "entered", "in_production"),
    (4, "ship", "in_production", "shipped"),
    (5, "begin_after_sales", "shipped", "after_sales"),
    (6, "close", "after_sales", "closed"),
]
# Tables the load writes in bulk: their secondary indexes and foreign keys are rebuilt after it.
BULK_TABLES = ["orders_order", "orders_orderline", "orders_ordercheck", "orders_confirmation", "orders_orderevent"]
# Emptied by --reset (CASCADE reaches any stage table that points at orders).
RESET_TABLES = [
    *BULK_TABLES,
    "orders_attachment",
    "orders_idempotencykey",
    "orders_historicalorder",
    "orders_historicalorderline",
    "orders_ordernumbersequence",
    "orders_customerapitoken",
    "orders_customercontact",
    "orders_customer",
    "orders_product",
]

COUNTRIES = ["USA", "Germany", "Sweden", "Japan", "UK", "France", "Australia", "China", "Canada", "Netherlands"]
PRODUCT_KINDS = [
    ("男士纯棉T恤", "Men's cotton T-shirt", "PCS"),
    ("女士针织衫", "Women's knit top", "PCS"),
    ("防水夹克", "Waterproof jacket", "PCS"),
    ("帆布袋", "Canvas bag", "PCS"),
    ("毛巾套装", "Towel set", "SET"),
    ("运动袜", "Sports socks", "SET"),
    ("牛仔裤", "Denim jeans", "PCS"),
    ("床上用品四件套", "Bedding set", "SET"),
]
COLOURS = ["白", "黑", "藏青", "灰", "军绿", "粉", "卡其", "酒红"]


@dataclass
class SeedConfig:
    orders: int = 1_000_000
    teams: int = 20
    merchandisers: int = 200  # spread evenly over the teams
    customers: int = 2000
    products: int = 3000
    years: float = 2.0
    cancel_rate: float = 0.04
    heavy_every: int = 1000  # every n-th order has a long work record (60-600 extra events)
    seed: float = 0.42


@dataclass
class SeedContext:
    """What an extra seeder gets. `plan_table` has one row per seeded order:

    id, merchandiser_id, supervisor_id, customer_id, status, rank (0 received .. 6 closed), cancelled,
    received_at, t1..t6 (when it was / will be confirmed, entered, put into production, shipped, moved to
    after-sales, closed), t_cancel, t_end (closed or cancelled time, else now), delivery_date.
    Only times <= now happened; a stage seeder writes rows for the stages an order has reached.
    """

    cursor: object
    plan_table: str
    now: datetime
    config: SeedConfig

    def drop_secondary(self, tables: list[str]) -> list[str]:
        """Drop the tables' foreign keys, unique constraints and secondary indexes for a bulk load; run the
        statements returned to put them back (see `drop_secondary`)."""
        return drop_secondary(self.cursor, tables)


@dataclass(frozen=True)
class ExtraSeeder:
    """A stage app's seeder: runs when `model` is installed and `function` ("module.attr") imports.

    The function takes a SeedContext and returns the number of rows it wrote."""

    label: str
    model: str
    function: str


# The registry: one line per stage data set, each in devtools/seeders/.
EXTRA_SEEDERS = [
    ExtraSeeder("check-ins", "production.CheckIn", "devtools.seeders.production.seed_checkins"),
    ExtraSeeder("shipments", "logistics.Shipment", "devtools.seeders.logistics.seed_shipments"),
    ExtraSeeder("after-sales cases", "aftersales.Case", "devtools.seeders.aftersales.seed_cases"),
]


@dataclass
class SeedSummary:
    orders: int = 0
    counts: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)
    seconds: float = 0.0
    users: dict = field(default_factory=dict)
    detail_order_id: int | None = None
    detail_order_events: int = 0
    seeded_at: str = ""


class SeedError(Exception):
    pass


def database_is_bench() -> bool:
    return "bench" in str(connection.settings_dict.get("NAME", ""))


def seed_bench(*, config: SeedConfig, reset: bool, log: Callable[[str], None] = print) -> SeedSummary:
    """Fill the bench database. Refuses on anything but PostgreSQL, and on a non-empty order table
    unless `reset` (which empties the order and master-data tables first)."""
    if connection.vendor != "postgresql":
        raise SeedError("seed_bench writes with PostgreSQL SQL; point DATABASE_URL at a PostgreSQL database.")
    started = time.monotonic()
    clock = _Clock(log)
    if reset:
        _reset()
        clock.lap("reset")
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM orders_order)")
        if cursor.fetchone()[0]:
            raise SeedError("orders_order is not empty: run with --reset to replace the data set.")
    now = timezone.now()
    with transaction.atomic():
        people = _people(config)
        _master_data(config, people)
        clock.lap(f"staff ({len(people['merchandisers'])} merchandisers), customers, products")
        with connection.cursor() as cursor:
            _session_tuning(cursor, config)
            _plan(cursor, config, now)
            clock.lap(f"plan of {config.orders:,} orders")
            restore = _drop_secondary(cursor)
            _load_orders(cursor, config, now)
            clock.lap("orders")
            _load_lines(cursor)
            clock.lap("lines")
            _load_checks(cursor)
            clock.lap("checklist ticks and confirmations")
            _load_events(cursor)
            clock.lap("events")
            _sequences(cursor)
            for statement in restore:
                cursor.execute(statement)
            clock.lap("indexes and foreign keys rebuilt")
    summary = SeedSummary(orders=config.orders)
    with connection.cursor() as cursor:
        summary.extras = _run_extra_seeders(cursor, config, now, log)
        for table in BULK_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        for table in ("orders_customer", "orders_customercontact", "orders_product", "accounts_user"):
            cursor.execute(f"ANALYZE {table}")  # a few thousand new rows: fresh statistics for the joins
        clock.lap("vacuum analyze")
        summary.counts = _counts(cursor)
        summary.detail_order_id, summary.detail_order_events = _detail_order(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {PLAN_TABLE}, perf_seed_customers, perf_seed_products")
    summary.users = {
        "merchandiser": people["merchandisers"][0].username,
        "supervisor": people["supervisors"][0].username,
        "qa": people["qa"].username,
        "hr": people["hr"].username,
        "management": people["management"].username,
        "admin": people["admin"].username,
    }
    summary.seconds = round(time.monotonic() - started, 1)
    summary.seeded_at = now.isoformat()
    _write_info(summary)
    return summary


def read_info() -> dict | None:
    """The last seed's summary, or None when this database was never seeded."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [INFO_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT value FROM {INFO_TABLE} WHERE key = 'summary'")
        row = cursor.fetchone()
    if not row:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


class _Clock:
    def __init__(self, log):
        self.log, self.last = log, time.monotonic()

    def lap(self, what: str) -> None:
        now = time.monotonic()
        self.log(f"  {what}: {now - self.last:.1f}s")
        self.last = now


def _reset() -> None:
    """Empty the order and master-data tables. The bench staff stay: they are upserted on every run."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(RESET_TABLES)} RESTART IDENTITY CASCADE")


def _session_tuning(cursor, config: SeedConfig) -> None:
    cursor.execute("SELECT setseed(%s)", [config.seed])
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL synchronous_commit = off")


def _people(config: SeedConfig) -> dict:
    """Staff by role: `teams` supervisors each leading merchandisers/teams merchandisers, plus QA, HR,
    management and an admin. One password hash for everyone: hashing 224 times with Argon2 is slow."""
    password = make_password(BENCH_PASSWORD)
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}

    def person(username, role, **extra):
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"password": password, "preferred_language": "zh-hans", "email": f"{username}@bench.example"},
        )
        for key, value in extra.items():
            setattr(user, key, value)
        if extra:
            user.save(update_fields=list(extra))
        if role:
            user.groups.add(groups[role])
        return user

    supervisors, merchandisers = [], []
    per_team = max(1, config.merchandisers // config.teams)
    for t in range(1, config.teams + 1):
        supervisor = person(f"{USER_PREFIX}sup{t:02d}", Role.SUPERVISOR, employee_no=f"BS{t:03d}")
        team, _ = Team.objects.get_or_create(
            name_en=f"Bench team {t:02d}", defaults={"name_zh": f"压测组{t:02d}", "supervisor": supervisor}
        )
        supervisor.team = team
        supervisor.save(update_fields=["team"])
        supervisors.append(supervisor)
        for m in range(per_team):
            number = (t - 1) * per_team + m + 1
            merchandisers.append(
                person(f"{USER_PREFIX}m{number:03d}", Role.MERCHANDISER, team=team, employee_no=f"BM{number:04d}")
            )
    return {
        "supervisors": supervisors,
        "merchandisers": merchandisers,
        "qa": person(f"{USER_PREFIX}qa", Role.QA, department=Department.QA),
        "hr": person(f"{USER_PREFIX}hr", Role.HR, department=Department.HR),
        "management": person(f"{USER_PREFIX}mgmt", Role.MANAGEMENT, department=Department.MANAGEMENT),
        "admin": person(f"{USER_PREFIX}admin", None, is_staff=True, is_superuser=True),
    }


def _master_data(config: SeedConfig, people: dict) -> None:
    merchandisers = people["merchandisers"]
    Customer.objects.bulk_create(
        [
            Customer(
                code=f"B{i:05d}",
                name_zh=f"压测客户{i:05d}",
                name_en=f"Bench customer {i:05d}",
                email=f"buyer{i:05d}@customer.example",
                country=COUNTRIES[i % len(COUNTRIES)],
                preferred_language="zh-hans" if COUNTRIES[i % len(COUNTRIES)] == "China" else "en",
                merchandiser=merchandisers[(i - 1) % len(merchandisers)],
            )
            for i in range(1, config.customers + 1)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    customers = Customer.objects.filter(code__startswith="B").only("id", "code")
    CustomerContact.objects.bulk_create(
        [
            CustomerContact(customer=c, name=f"Buyer {c.code}", email=f"{c.code.lower()}@customer.example")
            for c in customers
        ],
        batch_size=1000,
    )
    units = {u.code: u for u in Unit.objects.all()}
    Product.objects.bulk_create(
        [
            Product(
                style_no=f"BS-{i:05d}",
                name_zh=f"{PRODUCT_KINDS[i % len(PRODUCT_KINDS)][0]} {i:05d}",
                name_en=f"{PRODUCT_KINDS[i % len(PRODUCT_KINDS)][1]} {i:05d}",
                colour=COLOURS[i % len(COLOURS)],
                material="100% cotton" if i % 3 else "polyester",
                unit=units[PRODUCT_KINDS[i % len(PRODUCT_KINDS)][2]],
            )
            for i in range(1, config.products + 1)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def _plan(cursor, config: SeedConfig, now: datetime) -> None:
    """One row per order to be: its customer and owner, its stage times, and from them its state."""
    cursor.execute(f"DROP TABLE IF EXISTS {PLAN_TABLE}, perf_seed_customers, perf_seed_products")
    cursor.execute(
        """
        CREATE UNLOGGED TABLE perf_seed_customers AS
        SELECT row_number() OVER (ORDER BY c.id)::int AS idx, c.id, c.code, c.country, c.merchandiser_id,
               t.supervisor_id,
               (SELECT min(cc.name) FROM orders_customercontact cc WHERE cc.customer_id = c.id) AS contact
        FROM orders_customer c
        JOIN accounts_user u ON u.id = c.merchandiser_id
        LEFT JOIN accounts_team t ON t.id = u.team_id
        WHERE c.code LIKE 'B%'
        """
    )
    cursor.execute(
        """
        CREATE UNLOGGED TABLE perf_seed_products AS
        SELECT row_number() OVER (ORDER BY p.id)::int AS idx, p.id, p.name_en, p.colour, p.unit_id
        FROM orders_product p WHERE p.style_no LIKE 'BS-%'
        """
    )
    cursor.execute("SELECT count(*) FROM perf_seed_customers")
    customers = cursor.fetchone()[0]
    currencies = dict(Currency.objects.values_list("code", "id"))
    span = timedelta(days=365 * config.years).total_seconds()
    params = {
        "orders": config.orders,
        "customers": customers,
        "start": now - timedelta(seconds=span),
        "step": span / config.orders,
        "now": now,
        "tz": settings.TIME_ZONE,
        "heavy_every": config.heavy_every,
        "cancel_rate": config.cancel_rate,
        "states": STATES,
        "usd": currencies["USD"],
        "eur": currencies["EUR"],
        "cny": currencies["CNY"],
    }
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE {PLAN_TABLE} AS
        WITH g AS MATERIALIZED (
            SELECT n,
                   %(start)s::timestamptz + (n - random()) * %(step)s * interval '1 second' AS received_at,
                   least(%(customers)s, 1 + floor(power(random(), 1.3) * %(customers)s))::int AS cust_idx,
                   random() AS r_channel, random() AS r_currency, random() AS r_cancel, random() AS r_cancel_at,
                   random() AS r_flag, random() AS r_po, random() AS r_terms,
                   interval '1 hour' * (2 + 70 * random()) AS d1,
                   interval '1 hour' * (1 + 47 * random()) AS d2,
                   interval '1 hour' * (24 + 144 * random()) AS d3,
                   interval '1 day' * (15 + 30 * random()) AS d4,
                   interval '1 day' * (10 + 20 * random()) AS d5,
                   interval '1 day' * (15 + 45 * random()) AS d6,
                   interval '1 day' * (45 + 55 * random()) AS lead_time,
                   1 + floor(power(random(), 2) * 5)::int AS lines,
                   CASE WHEN n %% %(heavy_every)s = 0 THEN 60 + floor(random() * 541)::int
                        ELSE floor(power(random(), 3) * 3)::int END AS extra_events
            FROM generate_series(1, %(orders)s) AS n
        ), t AS (
            SELECT g.*,
                   received_at + d1 AS t1,
                   received_at + d1 + d2 AS t2,
                   received_at + d1 + d2 + d3 AS t3,
                   received_at + d1 + d2 + d3 + d4 AS t4,
                   received_at + d1 + d2 + d3 + d4 + d5 AS t5,
                   received_at + d1 + d2 + d3 + d4 + d5 + d6 AS t6,
                   CASE WHEN r_cancel < %(cancel_rate)s THEN floor(r_cancel / %(cancel_rate)s * 4)::int END
                       AS cancel_rank
            FROM g
        ), c AS (
            SELECT t.*,
                   CASE cancel_rank
                       WHEN 0 THEN received_at + (t1 - received_at) * (0.1 + 0.8 * r_cancel_at)
                       WHEN 1 THEN t1 + (t2 - t1) * (0.1 + 0.8 * r_cancel_at)
                       WHEN 2 THEN t2 + (t3 - t2) * (0.1 + 0.8 * r_cancel_at)
                       WHEN 3 THEN t3 + (t4 - t3) * (0.1 + 0.8 * r_cancel_at)
                   END AS t_cancel
            FROM t
        ), r AS (
            SELECT c.*,
                   coalesce(t_cancel <= %(now)s, false) AS cancelled,
                   CASE WHEN coalesce(t_cancel <= %(now)s, false) THEN cancel_rank
                        ELSE (t1 <= %(now)s)::int + (t2 <= %(now)s)::int + (t3 <= %(now)s)::int
                           + (t4 <= %(now)s)::int + (t5 <= %(now)s)::int + (t6 <= %(now)s)::int
                   END AS rank
            FROM c
        )
        SELECT r.n::bigint AS id, r.n, r.received_at, r.t1, r.t2, r.t3, r.t4, r.t5, r.t6, r.rank, r.cancelled,
               CASE WHEN r.cancelled THEN r.t_cancel END AS t_cancel,
               CASE WHEN r.cancelled THEN 'cancelled' ELSE (%(states)s::text[])[r.rank + 1] END AS status,
               CASE WHEN r.cancelled THEN (%(states)s::text[])[r.rank + 1] END AS cancelled_from,
               CASE WHEN r.cancelled THEN r.t_cancel WHEN r.rank = 6 THEN r.t6 ELSE %(now)s END AS t_end,
               CASE WHEN r.rank >= 2 THEN extract(year FROM r.t2 AT TIME ZONE %(tz)s)::int END AS num_year,
               CASE WHEN r.r_channel < 0.45 THEN 'email' WHEN r.r_channel < 0.65 THEN 'phone'
                    WHEN r.r_channel < 0.85 THEN 'spreadsheet' ELSE 'system' END AS channel,
               CASE WHEN r.r_currency < 0.6 THEN %(usd)s WHEN r.r_currency < 0.8 THEN %(eur)s ELSE %(cny)s END
                   AS currency_id,
               (r.received_at AT TIME ZONE %(tz)s + r.lead_time)::date AS delivery_date,
               cu.id AS customer_id, cu.code AS customer_code, cu.country, cu.contact,
               cu.merchandiser_id, cu.supervisor_id,
               r.lines, r.extra_events, r.r_flag, r.r_po, r.r_terms
        FROM r JOIN perf_seed_customers cu ON cu.idx = r.cust_idx
        ORDER BY r.n
        """,
        params,
    )
    cursor.execute(f"ALTER TABLE {PLAN_TABLE} ADD PRIMARY KEY (id)")
    cursor.execute(f"ANALYZE {PLAN_TABLE}")


def _drop_secondary(cursor) -> list[str]:
    # Staff and master data were just written: run their deferred FK checks now, or PostgreSQL refuses
    # to alter the tables they point at.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return drop_secondary(cursor, BULK_TABLES)


def drop_secondary(cursor, tables: list[str]) -> list[str]:
    """Drop the tables' foreign keys, unique constraints and secondary indexes; return the statements that
    put them back (unique first, then indexes, then the foreign keys). Checked row by row while millions of
    rows go in, the foreign keys cost more than the inserts; put back, each is one join over the table, and
    each unique constraint is checked again as it is rebuilt. The stage seeders use it for their tables."""
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
        FROM pg_constraint
        WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
        """,
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype <> 'f')
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _type, _definition in sorted(constraints, key=lambda c: c[2]):  # 'f' before 'u'
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    restore = [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, kind, d in constraints if kind == "u"]
    restore += [definition for _name, definition in indexes]
    restore += [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, kind, d in constraints if kind == "f"]
    return restore


def _number_parts() -> tuple[str, str, int, str]:
    match = re.fullmatch(
        r"(?P<prefix>[^{}]*)\{year\}(?P<middle>[^{}]*)\{seq(?::0?(?P<width>\d+)d)?\}(?P<suffix>[^{}]*)",
        settings.ORDER_NUMBER_FORMAT,
    )
    if not match:
        raise SeedError(f"seed_bench cannot follow ORDER_NUMBER_FORMAT={settings.ORDER_NUMBER_FORMAT!r}")
    return match["prefix"], match["middle"], int(match["width"] or 1), match["suffix"]


def _load_orders(cursor, config: SeedConfig, now: datetime) -> None:
    prefix, middle, width, suffix = _number_parts()
    cursor.execute(
        f"""
        INSERT INTO orders_order (
            id, number, status, channel, customer_id, customer_po, merchandiser_id, currency_id, delivery_date,
            trade_terms, payment_terms, ship_to, notes, received_at, confirmed_at, entered_at, closed_at,
            cancel_reason, is_overdue, is_at_risk, is_on_hold, hold_reason, held_since, version, created_by_id)
        SELECT p.id,
               CASE WHEN p.rank >= 2 THEN
                   %(prefix)s || p.num_year || %(middle)s
                   || lpad((row_number() OVER (PARTITION BY p.num_year ORDER BY p.t2, p.id))::text, %(width)s, '0')
                   || %(suffix)s
               END,
               p.status, p.channel, p.customer_id,
               CASE WHEN p.channel = 'phone' AND p.r_po < 0.5 THEN ''
                    ELSE 'PO' || to_char(p.received_at, 'YYMMDD') || '-'
                         || lpad((p.id::bigint * 7919 %% 100000)::text, 5, '0')
               END,
               p.merchandiser_id, p.currency_id, p.delivery_date,
               (ARRAY['FOB Ningbo', 'FOB Shanghai', 'CIF Hamburg', 'EXW Shaoxing'])[1 + floor(p.r_terms * 4)::int],
               (ARRAY['T/T 30%% deposit, 70%% before shipment', 'L/C at sight', 'T/T 60 days', 'D/P at sight'])
                   [1 + floor(p.r_terms * 4)::int],
               'DC ' || p.customer_code || ', ' || p.country,
               CASE WHEN p.extra_events >= 60 THEN '长期跟进 / long-running order' ELSE '' END,
               p.received_at,
               CASE WHEN p.rank >= 1 THEN p.t1 END,
               CASE WHEN p.rank >= 2 THEN p.t2 END,
               CASE WHEN p.cancelled THEN p.t_cancel WHEN p.rank = 6 THEN p.t6 END,
               CASE WHEN p.cancelled THEN '客户取消 / customer withdrew the PO' ELSE '' END,
               p.overdue,
               p.status = 'in_production' AND (p.r_flag < 0.08 OR p.overdue),
               p.status IN ('received', 'confirmed', 'entered', 'in_production') AND p.r_flag > 0.99,
               CASE WHEN p.status IN ('received', 'confirmed', 'entered', 'in_production') AND p.r_flag > 0.99
                    THEN '客户暂停 / customer paused the order' ELSE '' END,
               CASE WHEN p.status IN ('received', 'confirmed', 'entered', 'in_production') AND p.r_flag > 0.99
                    THEN %(now)s END,  -- held just now: the check-ins seeded before it stand
               1 + CASE WHEN p.rank >= 1 THEN 8 ELSE 0 END + p.rank + p.cancelled::int,
               CASE WHEN p.channel = 'system' THEN NULL ELSE p.merchandiser_id END
        FROM (
            SELECT *, NOT cancelled AND rank <= 3 AND delivery_date < (%(now)s AT TIME ZONE %(tz)s)::date AS overdue
            FROM {PLAN_TABLE}
        ) p
        ORDER BY p.id
        """,
        {
            "prefix": prefix,
            "middle": middle,
            "width": width,
            "suffix": suffix,
            "now": now,
            "tz": settings.TIME_ZONE,
        },
    )


def _load_lines(cursor) -> None:
    cursor.execute("SELECT count(*) FROM perf_seed_products")
    products = cursor.fetchone()[0]
    cursor.execute(
        f"""
        INSERT INTO orders_orderline (order_id, line_no, product_id, description, colour, size, quantity, unit_id,
                                      unit_price)
        SELECT x.order_id, x.line_no, pr.id, pr.name_en, pr.colour,
               (ARRAY['S', 'M', 'L', 'XL', 'S-XL'])[1 + floor(x.r_size * 5)::int],
               50 * (2 + floor(x.r_qty * 400)), pr.unit_id, round((0.5 + x.r_price * 40)::numeric, 2)
        FROM (
            SELECT p.id AS order_id, l.line_no, 1 + floor(random() * %(products)s)::int AS prod_idx,
                   random() AS r_size, random() AS r_qty, random() AS r_price
            FROM {PLAN_TABLE} p CROSS JOIN LATERAL generate_series(1, p.lines) AS l(line_no)
            OFFSET 0
        ) x
        JOIN perf_seed_products pr ON pr.idx = x.prod_idx
        """,
        {"products": products},
    )


def _load_checks(cursor) -> None:
    """Every confirmed order had its checklist ticked and a confirmation recorded before `confirm`."""
    cursor.execute(
        """
        CREATE TEMP TABLE perf_seed_items ON COMMIT DROP AS
        SELECT id, code, row_number() OVER (ORDER BY sequence, code)::int AS k, count(*) OVER () AS total
        FROM orders_checklistitem WHERE active
        """
    )
    cursor.execute(
        f"""
        INSERT INTO orders_ordercheck (order_id, item_id, checked_by_id, checked_at)
        SELECT p.id, i.id, p.merchandiser_id, p.received_at + (p.t1 - p.received_at) * i.k / (i.total + 3.0)
        FROM {PLAN_TABLE} p CROSS JOIN perf_seed_items i
        WHERE p.rank >= 1
        """
    )
    cursor.execute(
        f"""
        INSERT INTO orders_confirmation (id, order_id, method, contact, confirmed_at, note, recorded_by_id,
                                         recorded_at, document_version, document_sha256)
        SELECT p.id, p.id, (ARRAY['email', 'phone', 'signed_po'])[1 + floor(p.r_flag * 3)::int],
               coalesce(p.contact, 'Buyer'), p.received_at + (p.t1 - p.received_at) * 0.85, '',
               p.merchandiser_id, p.received_at + (p.t1 - p.received_at) * 0.9, NULL, ''
        FROM {PLAN_TABLE} p
        WHERE p.rank >= 1
        """
    )


def _load_events(cursor) -> None:
    """The work record, as the services write it (see orders/events.py)."""
    insert = "INSERT INTO orders_orderevent (type, created_at, from_state, to_state, note, payload, actor_id, order_id)"
    cursor.execute(
        f"""{insert}
        SELECT 'created', p.received_at, '', 'received', '', jsonb_build_object('channel', p.channel),
               CASE WHEN p.channel = 'system' THEN NULL ELSE p.merchandiser_id END, p.id
        FROM {PLAN_TABLE} p
        """
    )
    cursor.execute(
        f"""{insert}
        SELECT 'checked', c.checked_at, '', '', '', jsonb_build_object('item', i.code), c.checked_by_id, c.order_id
        FROM orders_ordercheck c JOIN perf_seed_items i ON i.id = c.item_id
        """
    )
    cursor.execute(
        f"""{insert}
        SELECT 'confirmation_recorded', c.recorded_at, '', '', '',
               jsonb_build_object('method', c.method, 'contact', c.contact, 'confirmation', c.id),
               c.recorded_by_id, c.order_id
        FROM orders_confirmation c
        """
    )
    steps = ", ".join(f"({k}, '{name}', '{source}', '{target}')" for k, name, source, target in STEPS)
    cursor.execute(
        f"""{insert}
        SELECT 'transition',
               CASE s.k WHEN 1 THEN p.t1 WHEN 2 THEN p.t2 WHEN 3 THEN p.t3 WHEN 4 THEN p.t4 WHEN 5 THEN p.t5
                        ELSE p.t6 END,
               s.source, s.target, '', jsonb_build_object('transition', s.name), p.merchandiser_id, p.id
        FROM {PLAN_TABLE} p JOIN (VALUES {steps}) AS s(k, name, source, target) ON s.k <= p.rank
        """
    )
    cursor.execute(
        f"""{insert}
        SELECT 'number_assigned', p.t2 + interval '1 millisecond', '', '', '',
               jsonb_build_object('number', o.number), p.merchandiser_id, p.id
        FROM {PLAN_TABLE} p JOIN orders_order o ON o.id = p.id
        WHERE p.rank >= 2
        """
    )
    cursor.execute(
        f"""{insert}
        SELECT 'transition', p.t_cancel, p.cancelled_from, 'cancelled', o.cancel_reason,
               jsonb_build_object('transition', 'cancel'),
               CASE WHEN p.cancelled_from = 'in_production' THEN p.supervisor_id ELSE p.merchandiser_id END, p.id
        FROM {PLAN_TABLE} p JOIN orders_order o ON o.id = p.id
        WHERE p.cancelled
        """
    )
    # Notes and stage records between receipt and the end: most orders have none to two; every
    # heavy_every-th order has hundreds, so the detail page's timeline limit is exercised.
    cursor.execute(
        f"""{insert}
        SELECT CASE WHEN x.r_kind < 0.6 THEN 'note' ELSE 'stage' END,
               x.received_at + (x.t_end - x.received_at) * x.r_time, '', '',
               CASE WHEN x.r_kind < 0.6 THEN (ARRAY[
                   '已电话跟进客户,确认交期 / called the buyer, delivery date confirmed',
                   '工厂反馈面料到货 / factory reports the fabric has arrived',
                   '客户要求修改唛头 / buyer asks for new shipping marks',
                   '已发送产前样 / pre-production sample sent',
                   '验货安排在下周 / inspection booked for next week'])[1 + floor(x.r_text * 5)::int]
                    ELSE '' END,
               CASE WHEN x.r_kind < 0.6 THEN '{{}}'::jsonb
                    ELSE jsonb_build_object('stage', 'production', 'action', 'check_in') END,
               x.merchandiser_id, x.id
        FROM (
            SELECT p.id, p.received_at, p.t_end, p.merchandiser_id,
                   random() AS r_kind, random() AS r_time, random() AS r_text
            FROM {PLAN_TABLE} p CROSS JOIN LATERAL generate_series(1, p.extra_events) AS e(i)
            WHERE p.extra_events > 0
            OFFSET 0
        ) x
        """
    )


def _sequences(cursor) -> None:
    """Identity sequences continue after the seeded ids; each year's order number counter after its
    last number, so the next real entry gets the next number."""
    for table in BULK_TABLES:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce((SELECT max(id) FROM {table}), 0) + 1, false)",
            [table],
        )
    cursor.execute(
        f"""
        INSERT INTO orders_ordernumbersequence (year, last_value)
        SELECT num_year, count(*) FROM {PLAN_TABLE} WHERE rank >= 2 GROUP BY num_year
        ON CONFLICT (year) DO UPDATE SET last_value = EXCLUDED.last_value
        """
    )


def _run_extra_seeders(cursor, config: SeedConfig, now: datetime, log) -> dict:
    done = {}
    context = SeedContext(cursor=cursor, plan_table=PLAN_TABLE, now=now, config=config)
    for seeder in EXTRA_SEEDERS:
        try:
            apps.get_model(seeder.model)
        except (LookupError, ValueError):
            log(f"  {seeder.label}: skipped ({seeder.model} does not exist yet)")
            done[seeder.label] = "skipped: model not present"
            continue
        module_name, _, attr = seeder.function.rpartition(".")
        try:
            function = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError):
            log(f"  {seeder.label}: skipped (no seeder {seeder.function})")
            done[seeder.label] = "skipped: no seeder"
            continue
        started = time.monotonic()
        with transaction.atomic():
            rows = function(context)
        log(f"  {seeder.label}: {rows:,} rows in {time.monotonic() - started:.1f}s")
        done[seeder.label] = rows
    return done


def _counts(cursor) -> dict:
    counts = {}
    for table in BULK_TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT status, count(*) FROM orders_order GROUP BY status ORDER BY status")
    counts["by_state"] = dict(cursor.fetchall())
    return counts


def _detail_order(cursor) -> tuple[int | None, int]:
    """The order the benchmark opens: a long-running one, with the longest work record."""
    cursor.execute(
        f"""
        SELECT p.id, count(e.id) FROM {PLAN_TABLE} p JOIN orders_orderevent e ON e.order_id = p.id
        WHERE p.extra_events >= 60
        GROUP BY p.id ORDER BY count(e.id) DESC, p.id DESC LIMIT 1
        """
    )
    row = cursor.fetchone()
    return (row[0], row[1]) if row else (None, 0)


def _write_info(summary: SeedSummary) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {INFO_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL)")
        cursor.execute(
            f"""INSERT INTO {INFO_TABLE} (key, value) VALUES ('summary', %s::jsonb)
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value""",
            [json.dumps(asdict(summary), default=str)],
        )
