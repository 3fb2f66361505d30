# ruff: noqa: S608 - SQL here is assembled from this module's constants (table names); values are parameters.
"""Production's part of the bench data set (`manage.py seed_bench`, see devtools/seeding.py): production runs,
T&A plans with their milestones, and the daily check-ins, written server-side from the seed's timeline.

What the services and jobs would have left behind:
- a ProductionRun for every order that went into production (`production_start` refuses without one),
  recorded by its merchandiser between entry and the start, starting on the day production started;
- a ProductionPlan, worked back from the delivery date exactly as `schedule_backward` does (same working-day
  calendar, same compression), for every order that is entered or in production now: the plans the order
  page and the check-in page show live. Milestones due before today are mostly done; an at-risk order keeps
  a late critical one open; ex-factory stays open until the goods ship, production's milestones until
  production starts. Shipped and closed orders get no plan (nothing shows it once the goods have left);
- one CheckIn per order and working day on which the 08:30 job found it in production: done on most days
  (whom, how, a quantity growing towards the ordered quantity, now and then a problem), missed on a few
  (each merchandiser has their own habit), waived when the order shipped or was cancelled before it was
  done. Today's are pending: the morning job made them and nobody has answered yet. On a non-working day
  the job makes none, and neither does this seeder.

Why check-ins only for the last CHECKIN_WINDOW_DAYS: the full history of a million orders is about twenty
million rows (one per order and working day for a month of production each), which would take longer to load
than the orders themselves; the pages read today's row, the last one done and the last week (the supervisor's
board). Runs and plans are one per order and kept in full.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from orders.models import OrderState
from production.models import (
    DEFAULT_TEMPLATE,
    CheckIn,
    CheckInStatus,
    ContactMethod,
    OwnerRole,
    PlanMilestone,
    PlanTemplate,
    ProductionPlan,
    ProductionRun,
    TemplateMilestone,
)
from workcalendar.models import CalendarDay, CalendarDayKind

CHECKIN_WINDOW_DAYS = 60
MISS_RATE_LOW, MISS_RATE_STEP = 0.015, 0.01  # per merchandiser: 1.5% to 7.5% of their days missed
FACTORIES = [
    "宁波二厂 Ningbo No. 2",
    "绍兴针织厂 Shaoxing Knitting",
    "南通家纺 Nantong Home Textile",
    "义乌辅料厂 Yiwu Accessories",
    "嘉兴服饰 Jiaxing Apparel",
    "苏州织造 Suzhou Weaving",
]
CONTACTS = ["王组长 Wang (line leader)", "陈主管 Chen (production)", "刘经理 Liu (plant manager)", "赵跟单 Zhao (QC)"]
PROBLEMS = [
    "辅料拉链晚到两天 / zips two days late",
    "第3批色差,回染 / shade variation on lot 3, re-dyeing",
    "车缝线上缺两名工人 / two sewers short on the line",
    "面料缩水超标,重新预缩 / fabric shrinkage too high, pre-shrinking again",
    "包装箱尺寸不对 / cartons the wrong size",
]
NEXT_STEPS = [
    "明天上午再跟进 / follow up tomorrow morning",
    "下午去工厂看货 / visit the factory this afternoon",
    "等QC报告 / waiting for the QC report",
]


def seed_checkins(context) -> int:
    """Write the runs, plans, milestones and check-ins; return how many rows."""
    cursor, now = context.cursor, context.now
    params = _params(now)
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    tables = [model._meta.db_table for model in (ProductionRun, ProductionPlan, PlanMilestone, CheckIn)]
    restore = context.drop_secondary(tables)
    _calendar(cursor, context.plan_table, params)
    _production_orders(cursor, context.plan_table, params)
    rows = _runs(cursor, params)
    rows += _plans(cursor, params)
    rows += _checkins(cursor, params)
    for statement in restore:
        cursor.execute(statement)
    for table in tables:
        cursor.execute(f"ANALYZE {table}")  # the pages' query plans need statistics at once
    return rows


def _params(now: datetime) -> dict:
    today = timezone.localdate(now)
    return {
        "now": now,
        "today": today,
        "window_start": today - timedelta(days=CHECKIN_WINDOW_DAYS),
        "tz": settings.TIME_ZONE,
        "weekend": list(settings.CALENDAR_WEEKEND_DAYS),
        "transit": settings.PRODUCTION_TRANSIT_DAYS,
        "job_time": _beat_time("production-daily-checkins"),
        "night_time": _beat_time("production-mark-missed-checkins"),
        "factories": FACTORIES,
        "contacts": CONTACTS,
        "problems": PROBLEMS,
        "next_steps": NEXT_STEPS,
        **{
            f"{name}_count": len(texts)
            for name, texts in [
                ("factories", FACTORIES),
                ("contacts", CONTACTS),
                ("problems", PROBLEMS),
                ("next_steps", NEXT_STEPS),
            ]
        },
        "miss_low": MISS_RATE_LOW,
        "miss_step": MISS_RATE_STEP,
        **{status.name.lower(): status.value for status in CheckInStatus},
        **{method.name.lower(): method.value for method in ContactMethod},
        "entered": OrderState.ENTERED.value,
        "in_production": OrderState.IN_PRODUCTION.value,
    }


def _beat_time(entry: str) -> time:
    """When a daily job runs, from the one schedule (a crontab with a single hour and minute)."""
    schedule = settings.CELERY_BEAT_SCHEDULE[entry]["schedule"]
    return time(min(schedule.hour), min(schedule.minute))


def _calendar(cursor, plan_table: str, params: dict) -> None:
    """The working-day calendar as WorkCalendar sees it, with k = working days up to and including the day:
    on_or_before(d) is the working day numbered k(d); subtract(d, n) the one numbered k(d) - n;
    count_between(a, b) is k(b) - k(a)."""
    cursor.execute(
        f"""
        CREATE TEMP TABLE perf_seed_workdays ON COMMIT DROP AS
        SELECT day, working, sum(working::int) OVER (ORDER BY day)::int AS k
        FROM (
            SELECT g.d::date AS day,
                   CASE cd.kind WHEN %(workday)s THEN true WHEN %(holiday)s THEN false
                        ELSE NOT (extract(isodow FROM g.d)::int - 1 = ANY(%(weekend)s)) END AS working
            FROM (SELECT least(min(received_at AT TIME ZONE %(tz)s)::date, %(today)s) - 120 AS first,
                         greatest(max(delivery_date), %(today)s) + 60 AS last
                  FROM {plan_table}) r
            CROSS JOIN LATERAL generate_series(r.first, r.last, interval '1 day') AS g(d)
            LEFT JOIN {CalendarDay._meta.db_table} cd ON cd.date = g.d::date
        ) d
        """,
        {**params, "workday": CalendarDayKind.WORKDAY.value, "holiday": CalendarDayKind.HOLIDAY.value},
    )
    cursor.execute("ALTER TABLE perf_seed_workdays ADD PRIMARY KEY (day)")
    cursor.execute("CREATE UNIQUE INDEX ON perf_seed_workdays (k) WHERE working")
    cursor.execute("ANALYZE perf_seed_workdays")


def _production_orders(cursor, plan_table: str, params: dict) -> None:
    """The orders production touched: those that went into production (runs, check-ins) and those entered
    now (plans). t_exit: when the order left production, shipped or cancelled; null while it is in it."""
    cursor.execute(
        f"""
        CREATE TEMP TABLE perf_seed_production ON COMMIT DROP AS
        SELECT p.id, p.merchandiser_id, p.customer_id, p.status, p.rank, p.t2, p.t3, p.delivery_date,
               (p.t2 AT TIME ZONE %(tz)s)::date AS entry_day,
               (p.t3 AT TIME ZONE %(tz)s)::date AS start_day,
               (p.t4 AT TIME ZONE %(tz)s)::date AS planned_ship_day,
               CASE WHEN p.cancelled THEN p.t_cancel WHEN p.rank >= 4 THEN p.t4 END AS t_exit,
               o.is_at_risk, coalesce(q.quantity, 0) AS quantity,
               random() AS r_pace, random() AS r_run
        FROM {plan_table} p
        JOIN orders_order o ON o.id = p.id
        LEFT JOIN LATERAL (SELECT sum(l.quantity)::bigint AS quantity FROM orders_orderline l
                           WHERE l.order_id = p.id) q ON true
        WHERE p.rank >= 3 OR p.status = %(entered)s
        """,
        params,
    )
    cursor.execute("ALTER TABLE perf_seed_production ADD PRIMARY KEY (id)")
    cursor.execute("ANALYZE perf_seed_production")


def _runs(cursor, params: dict) -> int:
    """Recorded by the merchandiser after entry and before the start; a customer's orders mostly go to the
    same factory."""
    cursor.execute(
        f"""
        INSERT INTO {ProductionRun._meta.db_table}
            (order_id, factory, line, work_order_ref, start_date, recorded_by_id, recorded_at)
        SELECT s.id,
               (%(factories)s::text[])[1 + (s.customer_id + (s.r_run < 0.2)::int) %% %(factories_count)s],
               (1 + s.id %% 6) || '号线 / Line ' || (1 + s.id %% 6),
               'WO-' || to_char(s.start_day, 'YYMM') || '-' || lpad(s.id::text, 7, '0'),
               s.start_day, s.merchandiser_id, s.t2 + (s.t3 - s.t2) * (0.5 + 0.45 * s.r_run)
        FROM perf_seed_production s
        WHERE s.rank >= 3
        """,
        params,
    )
    return cursor.rowcount


def _plans(cursor, params: dict) -> int:
    """Plans for entered and in-production orders, as plan_generate made them on the day of entry."""
    templates, milestones = PlanTemplate._meta.db_table, TemplateMilestone._meta.db_table
    # The template of the order's product types that needs the longest lead; none of them: the default one.
    cursor.execute(
        f"""
        CREATE TEMP TABLE perf_seed_templates ON COMMIT DROP AS
        SELECT t.id, t.product_type, coalesce(t.transit_days, %(transit)s) AS transit,
               coalesce(max(m.offset_days), 0) AS span
        FROM {templates} t LEFT JOIN {milestones} m ON m.template_id = t.id
        GROUP BY t.id
        """,
        params,
    )
    cursor.execute(
        """
        CREATE TEMP TABLE perf_seed_plans ON COMMIT DROP AS
        WITH chosen AS (
            SELECT s.id AS order_id,
                   coalesce(
                       (SELECT t.id FROM perf_seed_templates t
                        WHERE t.product_type IN (SELECT pr.product_type FROM orders_orderline l
                                                 JOIN orders_product pr ON pr.id = l.product_id
                                                 WHERE l.order_id = s.id)
                        ORDER BY t.span DESC, t.product_type DESC LIMIT 1),
                       (SELECT t.id FROM perf_seed_templates t WHERE t.product_type = %(default)s)) AS template_id
            FROM perf_seed_production s
            WHERE s.status IN (%(entered)s, %(in_production)s)
        )
        SELECT c.order_id, t.id AS template_id, t.transit, t.span, s.t2, s.entry_day, s.merchandiser_id,
               s.status, s.is_at_risk, ex.day AS ex_factory, ex.k AS ex_k,
               greatest(0, ex.k - (before_entry.k + 1)) AS available
        FROM chosen c
        JOIN perf_seed_production s ON s.id = c.order_id
        JOIN perf_seed_templates t ON t.id = c.template_id
        JOIN perf_seed_workdays last_day ON last_day.day = s.delivery_date - t.transit
        JOIN perf_seed_workdays ex ON ex.working AND ex.k = last_day.k
        JOIN perf_seed_workdays before_entry ON before_entry.day = s.entry_day - 1
        """,
        {**params, "default": DEFAULT_TEMPLATE},
    )
    cursor.execute(
        f"""
        INSERT INTO {ProductionPlan._meta.db_table}
            (order_id, template_id, ex_factory_date, transit_days, is_compressed, shortfall_days, created_at)
        SELECT order_id, template_id, ex_factory, transit, span > available, greatest(0, span - available), t2
        FROM perf_seed_plans
        ORDER BY order_id
        """
    )
    return cursor.rowcount + _milestones(cursor, params)


def _milestones(cursor, params: dict) -> int:
    """Each template milestone copied into the plan, its ids numbered ahead so `depends_on` is written in
    the same statement (plan_generate links them afterwards)."""
    table = PlanMilestone._meta.db_table
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
    base = cursor.fetchone()[0]
    cursor.execute(
        f"""
        CREATE TEMP TABLE perf_seed_milestones ON COMMIT DROP AS
        WITH m AS (
            SELECT pl.id AS plan_id, pl.order_id, tm.id AS source_id, tm.depends_on_id AS source_dep,
                   tm.code, tm.name_zh, tm.name_en, tm.sequence, tm.owner_role, tm.is_critical,
                   CASE WHEN p.span > p.available THEN tm.offset_days * p.available / p.span
                        ELSE tm.offset_days END AS offset_days,
                   p.ex_k, p.entry_day, p.t2, p.status, p.is_at_risk, p.merchandiser_id,
                   random() AS r_done, random() AS r_shift
            FROM perf_seed_plans p
            JOIN {ProductionPlan._meta.db_table} pl ON pl.order_id = p.order_id
            JOIN {TemplateMilestone._meta.db_table} tm ON tm.template_id = p.template_id
        ), planned AS (
            SELECT m.*, %(base)s + row_number() OVER (ORDER BY m.plan_id, m.sequence, m.source_id) AS id,
                   w.day AS planned_date, w.k AS planned_k,
                   w.day < %(today)s AS past_due,
                   -- ex-factory waits for the shipment; production's own steps wait for the start
                   m.offset_days > 0
                       AND (m.status = %(in_production)s OR m.owner_role IN (%(purchasing)s, %(merchandiser)s))
                       AS can_be_done
            FROM m JOIN perf_seed_workdays w ON w.working AND w.k = m.ex_k - m.offset_days
        ), flagged AS (
            SELECT planned.*,
                   -- an at-risk order's latest critical milestone that is due stays open: what makes it late
                   is_at_risk AND is_critical AND past_due
                       AND row_number() OVER (PARTITION BY plan_id, is_critical AND past_due
                                              ORDER BY sequence DESC) = 1 AS kept_late
            FROM planned
        )
        SELECT f.*,
               CASE WHEN f.past_due AND f.can_be_done AND NOT f.kept_late AND f.r_done >= 0.03
                    THEN least(%(today)s, greatest(f.entry_day, shifted.day)) END AS actual_date
        FROM flagged f
        LEFT JOIN perf_seed_workdays shifted
            ON shifted.working AND shifted.k = f.planned_k - 1 + floor(f.r_shift * 5)::int
        """,
        {
            **params,
            "base": base,
            "purchasing": OwnerRole.PURCHASING.value,
            "merchandiser": OwnerRole.MERCHANDISER.value,
        },
    )
    cursor.execute(
        f"""
        INSERT INTO {table} (id, plan_id, code, name_zh, name_en, sequence, offset_days, depends_on_id, owner_role,
                             is_critical, planned_date, revised_date, revision_reason, actual_date, updated_at,
                             updated_by_id)
        SELECT m.id, m.plan_id, m.code, m.name_zh, m.name_en, m.sequence, m.offset_days, dep.id, m.owner_role,
               m.is_critical, m.planned_date, NULL, '', m.actual_date,
               CASE WHEN m.actual_date IS NULL THEN m.t2
                    ELSE least(%(now)s, ((m.actual_date + time '17:00') AT TIME ZONE %(tz)s)) END,
               CASE WHEN m.actual_date IS NOT NULL THEN m.merchandiser_id END
        FROM perf_seed_milestones m
        LEFT JOIN perf_seed_milestones dep ON dep.plan_id = m.plan_id AND dep.source_id = m.source_dep
        ORDER BY m.id
        """,
        params,
    )
    rows = cursor.rowcount
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1, false) FROM {table}", [table]
    )
    return rows


def _checkins(cursor, params: dict) -> int:
    """The window's check-ins, a row per order and working day the morning job found it in production; a
    milestone reached that day is linked, as checkin_record links it."""
    cursor.execute(
        f"""
        INSERT INTO {CheckIn._meta.db_table}
            (order_id, day, merchandiser_id, status, contact_name, contact_method, quantity_done, milestone_id,
             problems, next_steps, created_at, completed_at, completed_by_id)
        SELECT x.id, x.day, x.merchandiser_id, x.status,
               CASE WHEN x.done THEN (%(contacts)s::text[])[1 + x.id %% %(contacts_count)s] ELSE '' END,
               CASE WHEN NOT x.done THEN ''
                    WHEN x.r_method < 0.45 THEN %(phone)s WHEN x.r_method < 0.85 THEN %(wechat)s
                    WHEN x.r_method < 0.95 THEN %(visit)s ELSE %(email)s END,
               CASE WHEN x.done AND x.r_text < 0.95 THEN
                   least(x.quantity, round(x.quantity * least(1.0, x.progress * (0.95 + 0.25 * x.r_pace)) / 10) * 10)
               END,
               CASE WHEN x.done THEN ms.milestone_id END,
               CASE WHEN x.done AND x.r_text < 0.08
                    THEN (%(problems)s::text[])[1 + floor(x.r_text / 0.08 * %(problems_count)s)::int]
                    ELSE '' END,
               CASE WHEN x.done AND (x.r_text < 0.08 OR x.r_text > 0.6)
                    THEN (%(next_steps)s::text[])[1 + x.id %% %(next_steps_count)s]
                    ELSE '' END,
               x.job_at,
               CASE WHEN x.done THEN x.answered_at END,
               CASE WHEN x.done THEN x.merchandiser_id END
        FROM (
            SELECT a.*,
                   CASE WHEN a.day = %(today)s THEN %(pending)s
                        WHEN a.done THEN %(done)s
                        WHEN a.t_exit <= (a.day + %(night_time)s) AT TIME ZONE %(tz)s THEN %(waived)s
                        ELSE %(missed)s END AS status
            FROM (
                SELECT d.*,
                       -- answered before the night job, unless this merchandiser let the day slip or the order
                       -- left production first
                       d.day < %(today)s AND d.answered_at < coalesce(d.t_exit, 'infinity')
                           AND d.r_status >= %(miss_low)s + %(miss_step)s * (d.merchandiser_id %% 7) AS done,
                       (d.day - d.start_day)::numeric / greatest(1, d.planned_ship_day - d.start_day - 2) AS progress
                FROM (
                    SELECT s.id, s.merchandiser_id, s.quantity, s.r_pace, s.t3, s.t_exit, s.start_day,
                           s.planned_ship_day, w.day, (w.day + %(job_time)s) AT TIME ZONE %(tz)s AS job_at,
                           (w.day + time '09:00') AT TIME ZONE %(tz)s + interval '9 hours' * random() AS answered_at,
                           random() AS r_status, random() AS r_method, random() AS r_text
                    FROM perf_seed_production s
                    CROSS JOIN LATERAL generate_series(
                        greatest(s.start_day, %(window_start)s),
                        least(coalesce((s.t_exit AT TIME ZONE %(tz)s)::date, %(today)s), %(today)s),
                        interval '1 day') AS g(d)
                    JOIN perf_seed_workdays w ON w.day = g.d::date AND w.working
                    WHERE s.rank >= 3 AND coalesce(s.t_exit, %(now)s) >= %(window_start)s::timestamp AT TIME ZONE %(tz)s
                    OFFSET 0
                ) d
                -- the morning job made the day's check-in only if the order was in production at that moment
                WHERE d.job_at > d.t3 AND d.job_at < coalesce(d.t_exit, 'infinity') AND d.job_at <= %(now)s
            ) a
        ) x
        LEFT JOIN (
            SELECT DISTINCT ON (order_id, actual_date) order_id, actual_date, id AS milestone_id
            FROM perf_seed_milestones WHERE actual_date IS NOT NULL
            ORDER BY order_id, actual_date, sequence
        ) ms ON ms.order_id = x.id AND ms.actual_date = x.day
        ORDER BY x.day, x.id
        """,
        params,
    )
    return cursor.rowcount
