# ruff: noqa: S608 - SQL here is assembled from this module's constants (table names); values are parameters.
"""After-sales cases and customer feedback for the bench data set (devtools.seeding.EXTRA_SEEDERS).

Written as aftersales.services would have written them, from each order's plan times:

- Cases: about 6.5 % of the orders that reached after-sales get one case, one in five of those a second.
  Each is opened between `after_sales` (t5) and the order's close (t6), or now. Its life is drawn in
  *working* seconds from opening (first response, maybe a wait on the customer, resolution), with ~5 %
  of first responses and ~8 % of resolutions late, and projected onto the same working calendar as
  aftersales.sla (hours, weekdays and holidays from the settings). Its state is the last step that has
  happened by now; every case on a closed order is closed before the order closed (the close guard).
  Deadlines, pauses and the warning/breach/escalation flags are the ones the services and the SLA job
  would hold now: `cases_reschedule()` would move none, and `cases_check_sla()` finds nothing to do.
- Each step leaves the work-record line the service writes (case_opened, case_start, ..., sla_*), so
  the case page shows its history.
- Feedback (the model is simple, and the satisfaction KPI and the dashboards read it): a survey from a
  quarter of the orders that reached after-sales, submitted while the order was in after-sales (one per
  order), and staff-logged call/email/visit feedback on ~6 % of shipped orders. Orders with a case rate
  their quality lower. Each row has its work-record line.

Targets are what `case_open` snapshots: the SlaTarget table when it has the severity, else the settings;
none are created. Opening times are whole seconds, so the deadlines computed here equal the service's
own to the microsecond. Per 100,000 orders (2 years): ~7,000 cases on ~5,800 orders (about a hundred
not closed yet), ~27,600 feedback rows (22,000 surveys) and ~66,000 work-record lines, in a few seconds.
"""

import json
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from aftersales.models import CaseType, FeedbackSource, Severity
from aftersales.selectors import sla_targets
from workcalendar.calendar import WorkCalendar

ONE_CASE_SHARE = 0.065  # of the orders that reached after-sales
TWO_CASES_SHARE = 0.013
SURVEY_SHARE = 0.25  # of the orders that reached after-sales
LOGGED_FEEDBACK_SHARE = 0.06  # of the shipped orders
CALENDAR_DAYS_AHEAD = 120  # deadlines of the newest cases lie up to a few working days after now

# type: [(subject, description, root cause, corrective action, resolution), ...]
CASE_TEXTS = {
    CaseType.QUALITY: [
        (
            "色差 / Shade variation between lots",
            "客户来邮件：第二批颜色明显偏深，附照片。/ Lot 2 is visibly darker than the approved sample.",
            "染厂换缸未对色 / dye house changed vats without a shade check",
            "每缸出货前对色并留样 / shade check and retained sample for every vat",
            "折让 5% 并补寄色卡 / 5 % allowance, new shade card sent",
        ),
        (
            "开线 / Open seams on side panels",
            "About 3 % of the pieces have open side seams after the first wash.",
            "缝纫线张力不足 / thread tension too low on one line",
            "加验洗后缝线强度 / seam strength tested after washing",
            "不良品退回返修 / faulty pieces returned and repaired",
        ),
    ],
    CaseType.COMPLAINT: [
        (
            "纸箱破损 / Damaged cartons on arrival",
            "客户电话：到港后 6 箱外箱破损，内包装受潮。/ 6 cartons crushed at arrival, inner bags damp.",
            "外箱克重不够 / carton board too light for the stacking height",
            "改用五层箱 / five-ply cartons from now on",
            "货代理赔，补发受潮货品 / forwarder's claim filed, damp goods replaced",
        ),
        (
            "交货延迟 / Delivery later than promised",
            "The buyer complains the goods arrived nine days after the promised date.",
            "船期变更未及时通知 / change of vessel not passed on in time",
            "船期变更当天通知客户 / buyer told on the day a sailing changes",
            "道歉并减免部分运费 / apology, part of the freight waived",
        ),
    ],
    CaseType.SHORT_SHIPMENT: [
        (
            "Short by 24 pieces",
            "We counted 24 pieces fewer than the packing list for size M.",
            "装箱单按计划数而非实装数 / packing list printed from the plan, not the count",
            "装箱单按实装扫描生成 / packing list from the scanned cartons",
            "短装部分随下批补发 / missing pieces sent with the next shipment",
        ),
        (
            "少一箱 / One carton missing",
            "客户收货少一箱（第 17 箱）。/ Carton 17 of 40 did not arrive.",
            "仓库漏装 / left behind at the warehouse",
            "装柜时逐箱核对箱号 / carton numbers checked one by one when loading",
            "空运补发 / sent by air",
        ),
    ],
    CaseType.RETURN: [
        (
            "退货 12 件 / Return of 12 pieces with broken zips",
            "Customer returns 12 jackets; zip pullers broke on first use.",
            "拉链头供应商批次不良 / faulty batch of zip pullers",
            "更换供应商并 100% 拉力测试 / new supplier, 100 % pull test",
            "退款 12 件 / the 12 pieces refunded",
        ),
        (
            "尺码错误退换 / Wrong sizes, exchange",
            "A carton marked L contained size S; the buyer sends it back for exchange.",
            "尺码贴标错误 / size stickers swapped at packing",
            "包装线分尺码作业 / one size at a time on the packing line",
            "换货已寄出 / exchange shipped",
        ),
    ],
    CaseType.INQUIRY: [
        (
            "洗涤说明 / Care label wording",
            "Can the care label show 30 °C instead of 40 °C for the next order?",
            "",
            "",
            "下单起改为 30 °C / 30 °C from the next order on",
        ),
        (
            "索要检测报告 / Test report requested",
            "客户需要本批面料的成分检测报告。/ The buyer asks for the fabric composition test report.",
            "",
            "",
            "已邮件发送检测报告 / test report emailed",
        ),
    ],
}
START_NOTES = ["已回电 / called back", "已回复邮件 / replied by email", "安排质检核实 / QA asked to check"]
WAIT_NOTES = ["等客户提供照片 / waiting for photos", "等客户寄回样品 / waiting for the returned samples"]
SURVEY_COMMENTS = [
    "",
    "",
    "Delivered on time, quick answers.",
    "质量稳定，沟通顺畅。",
    "A few cartons were damaged.",
    "交期稍晚，但提前通知了。",
]
LOGGED_COMMENTS = [
    "电话回访：客户满意。/ Call: the buyer is satisfied.",
    "Email: good hand feel, some shade variation.",
    "拜访：希望下次提前发产前样。/ Visit: wants the pre-production sample earlier next time.",
]


def seed_cases(context) -> int:
    """Cases, feedback and their work-record lines for the orders of `context.plan_table`. Returns the
    number of rows written (cases + feedback + events)."""
    cursor = context.cursor
    # The planner's guesses for generate_series and the staged CTEs are millions of rows: it would spend
    # seconds JIT-compiling statements that run in a fraction of that.
    cursor.execute("SET LOCAL jit = off")
    params = {
        "now": context.now,
        "tz": settings.TIME_ZONE,
        "warn": float(settings.AFTERSALES_SLA_WARN_AT),
    }
    _working_calendar(cursor, context.plan_table, params)
    _plan_cases(cursor, context.plan_table, params)
    written = _write_cases(cursor)
    written += _write_feedback(cursor, context.plan_table, params)
    cursor.execute("DROP TABLE perf_seed_cases, perf_seed_feedback, perf_seed_workdays")
    cursor.execute("DROP FUNCTION pg_temp.perf_work_at(timestamptz, text), pg_temp.perf_work_instant(float8)")
    cursor.execute("ANALYZE aftersales_case")
    cursor.execute("ANALYZE aftersales_feedback")
    return written


def _working_calendar(cursor, plan_table: str, params: dict) -> None:
    """aftersales.sla.WorkingCalendar as a table: one row per local day with its working window and the
    working seconds counted before and up to its end. Working time at an instant is then one lookup,
    and the instant a working-time total is reached is one index probe (the two functions below)."""
    days = WorkCalendar.load()
    cursor.execute("DROP TABLE IF EXISTS perf_seed_workdays")
    cursor.execute(
        f"""
        CREATE TEMP TABLE perf_seed_workdays AS
        WITH days AS (
            SELECT d::date AS day,
                   ((extract(isodow FROM d)::int - 1) = ANY(%(weekdays)s::int[])
                       AND NOT d::date = ANY(%(holidays)s::date[])) OR d::date = ANY(%(workdays)s::date[]) AS working,
                   (d::date + %(starts)s::time) AT TIME ZONE %(tz)s AS opens,
                   (d::date + %(ends)s::time) AT TIME ZONE %(tz)s AS closes
            FROM generate_series(
                (SELECT (min(t5) AT TIME ZONE %(tz)s)::date - 1 FROM {plan_table}),
                (%(now)s AT TIME ZONE %(tz)s)::date + %(ahead)s,
                interval '1 day') AS d
        ), lengths AS (
            SELECT days.*, CASE WHEN working THEN extract(epoch FROM closes - opens)::float8 ELSE 0 END AS length
            FROM days
        )
        SELECT day, working, opens, closes,
               sum(length) OVER (ORDER BY day) - length AS cum_before,
               sum(length) OVER (ORDER BY day) AS cum_end
        FROM lengths
        """,
        {
            **params,
            "weekdays": [d for d in range(7) if d not in days.weekend],
            "holidays": [str(d) for d in days.holidays],
            "workdays": [str(d) for d in days.workdays],
            "starts": settings.CALENDAR_WORKDAY_START,
            "ends": settings.CALENDAR_WORKDAY_END,
            "ahead": CALENDAR_DAYS_AHEAD,
        },
    )
    cursor.execute("ALTER TABLE perf_seed_workdays ADD PRIMARY KEY (day)")
    cursor.execute("CREATE INDEX ON perf_seed_workdays (cum_end) WHERE working")
    cursor.execute("ANALYZE perf_seed_workdays")
    # Working seconds counted up to instant x (WorkingCalendar.seconds_between is the difference of two).
    cursor.execute(
        """
        CREATE OR REPLACE FUNCTION pg_temp.perf_work_at(x timestamptz, tz text) RETURNS float8
        LANGUAGE sql STABLE AS $$
            SELECT w.cum_before + CASE WHEN w.working
                       THEN greatest(0, least(extract(epoch FROM x - w.opens)::float8, w.cum_end - w.cum_before))
                       ELSE 0 END
            FROM perf_seed_workdays w WHERE w.day = (x AT TIME ZONE tz)::date
        $$
        """
    )
    # The instant the count reaches t (WorkingCalendar.add: a total reached at closing time is that close).
    cursor.execute(
        """
        CREATE OR REPLACE FUNCTION pg_temp.perf_work_instant(t float8) RETURNS timestamptz
        LANGUAGE sql STABLE AS $$
            SELECT w.opens + (t - w.cum_before) * interval '1 second'
            FROM perf_seed_workdays w WHERE w.working AND w.cum_end >= t ORDER BY w.cum_end LIMIT 1
        $$
        """
    )


def _case_texts() -> str:
    rows = []
    for case_type, variants in CASE_TEXTS.items():
        for variant, (subject, description, root_cause, action, resolution) in enumerate(variants):
            rows.append(
                {
                    "case_type": str(case_type),
                    "variant": variant,
                    "subject": subject,
                    "description": description,
                    "root_cause": root_cause,
                    "corrective_action": action,
                    "resolution": resolution,
                }
            )
    return json.dumps(rows)


def _targets() -> str:
    rows = []
    for severity in Severity.values:
        response, resolution = sla_targets(severity=severity)
        rows.append({"severity": severity, "response": response, "resolution": resolution})
    return json.dumps(rows)


def _plan_cases(cursor, plan_table: str, params: dict) -> None:
    """One staging row per case: its draws, its life in working seconds from opening (o_*), the instants
    of each step (i_*), and from them its state now and the columns the services would hold."""
    cursor.execute("DROP TABLE IF EXISTS perf_seed_cases")
    cursor.execute("SELECT coalesce(max(id), 0) FROM aftersales_case")
    first_id = cursor.fetchone()[0]
    cursor.execute(
        f"""
        CREATE TEMP TABLE perf_seed_cases AS
        WITH orders AS (
            SELECT p.id, p.customer_id, p.merchandiser_id, p.rank, p.t5, p.t6, random() AS r_cases
            FROM {plan_table} p
            WHERE p.rank >= 5 AND NOT p.cancelled
            OFFSET 0
        ), drawn AS (
            SELECT o.*, k.nth,
                   random() AS r_open, random() AS r_type, random() AS r_sev, random() AS r_channel,
                   random() AS r_text, random() AS r_resp, random() AS r_resp_by, random() AS r_res,
                   random() AS r_res_by, random() AS r_pause, random() AS r_pause_at, random() AS r_pause_len,
                   random() AS r_close, random() AS r_jitter
            FROM orders o
            CROSS JOIN LATERAL generate_series(
                1, CASE WHEN o.r_cases < %(two)s THEN 2 WHEN o.r_cases < %(one)s THEN 1 ELSE 0 END) AS k(nth)
            OFFSET 0
        ), typed AS (
            SELECT d.*,
                   CASE WHEN r_type < 0.30 THEN 'quality' WHEN r_type < 0.55 THEN 'complaint'
                        WHEN r_type < 0.70 THEN 'short_shipment' WHEN r_type < 0.80 THEN 'return'
                        ELSE 'inquiry' END AS case_type,
                   CASE WHEN r_channel < 0.25 THEN 'status_page' WHEN r_channel < 0.65 THEN 'email'
                        WHEN r_channel < 0.93 THEN 'phone' ELSE 'other' END AS channel,
                   -- Closed orders: early in the after-sales window, so the case can close before the order.
                   date_trunc('second', d.t5 + CASE WHEN d.rank = 6 THEN (d.t6 - d.t5) * (0.02 + 0.33 * d.r_open)
                                                    ELSE (%(now)s - d.t5) * d.r_open END)
                       + interval '1 second' AS opened_at
            FROM drawn d
        ), graded AS (
            SELECT t.*,
                   CASE WHEN case_type = 'inquiry' THEN CASE WHEN r_sev < 0.6 THEN 'low' ELSE 'medium' END
                        WHEN r_sev < 0.06 THEN 'urgent' WHEN r_sev < 0.28 THEN 'high'
                        WHEN r_sev < 0.78 THEN 'medium' ELSE 'low' END AS severity
            FROM typed t
            WHERE t.opened_at <= %(now)s
        ), timed AS MATERIALIZED (
            SELECT g.*, sla.response AS response_target_minutes, sla.resolution AS resolution_target_minutes,
                   pg_temp.perf_work_at(g.opened_at, %(tz)s) AS w0,
                   r_pause < 0.2 AS waited,
                   -- working seconds from opening to the first response: ~5 %% late, ~5 %% close to it
                   ceil(sla.response * 60 * CASE WHEN r_resp < 0.90 THEN 0.05 + 0.65 * r_resp_by
                                                WHEN r_resp < 0.95 THEN 0.76 + 0.23 * r_resp_by
                                                ELSE 1.02 + 2.5 * r_resp_by END)::int AS o_resp,
                   -- working seconds used until resolved, pauses not counted: ~8 %% late
                   ceil(sla.resolution * 60 * CASE WHEN r_res < 0.85 THEN 0.15 + 0.55 * r_res_by
                                                  WHEN r_res < 0.92 THEN 0.76 + 0.23 * r_res_by
                                                  ELSE 1.02 + 2.0 * r_res_by END)::int AS drawn_used,
                   1800 + floor(r_pause_len * 14 * 3600)::int AS pause
            FROM graded g
            JOIN jsonb_to_recordset(%(targets)s::jsonb) AS sla(severity text, response int, resolution int)
                ON sla.severity = g.severity
        ), offsets AS (
            -- at least ten working minutes between the first response and the resolution; a wait on the
            -- customer starts in the first half of that span and pushes the resolution back by its length
            SELECT t.*,
                   t.o_resp + 60 + floor((t.used - t.o_resp - 60) * 0.5 * t.r_pause_at)::int AS o_wait,
                   t.used + CASE WHEN t.waited THEN t.pause ELSE 0 END AS o_resolve
            FROM (SELECT timed.*, greatest(timed.drawn_used, timed.o_resp + 600) AS used FROM timed) t
        ), stepped AS MATERIALIZED (
            SELECT o.*,
                   pg_temp.perf_work_instant(w0 + o_resp) AS i_resp,
                   CASE WHEN waited THEN pg_temp.perf_work_instant(w0 + o_wait) END AS i_wait,
                   CASE WHEN waited THEN pg_temp.perf_work_instant(w0 + o_wait + pause) END AS i_resume,
                   pg_temp.perf_work_instant(w0 + o_resolve - 120) AS i_analysed,
                   pg_temp.perf_work_instant(w0 + o_resolve) AS i_resolve,
                   pg_temp.perf_work_instant(w0 + response_target_minutes * 60 * %(warn)s) AS response_warn_at,
                   pg_temp.perf_work_instant(w0 + response_target_minutes * 60) AS response_due_at,
                   -- when the running resolution clock reaches its warning and its target: a wait that
                   -- starts before then pushes them back by its length
                   pg_temp.perf_work_instant(w0 + resolution_target_minutes * 60 * %(warn)s
                       + CASE WHEN waited AND resolution_target_minutes * 60 * %(warn)s > o_wait THEN pause ELSE 0 END)
                       AS i_res_warn,
                   pg_temp.perf_work_instant(w0 + resolution_target_minutes * 60
                       + CASE WHEN waited AND resolution_target_minutes * 60 > o_wait THEN pause ELSE 0 END)
                       AS i_res_due,
                   interval '1 second' * (5 + floor(50 * r_jitter)) AS job_lag  -- the SLA job runs each minute
            FROM offsets o
        ), closing AS (
            SELECT s.*,
                   CASE WHEN s.rank = 6 THEN least(s.i_resolve + interval '1 hour' * (2 + 100 * s.r_close),
                                                   s.t6 - interval '1 minute')
                        ELSE s.i_resolve + interval '1 hour' * (2 + 100 * s.r_close) END AS i_close
            FROM stepped s
        ), stated AS MATERIALIZED (
            SELECT c.*,
                   CASE WHEN i_close <= %(now)s THEN 'closed' WHEN i_resolve <= %(now)s THEN 'resolved'
                        WHEN i_resume <= %(now)s THEN 'in_progress' WHEN i_wait <= %(now)s THEN 'waiting_on_customer'
                        WHEN i_resp <= %(now)s THEN 'in_progress' ELSE 'open' END AS status,
                   CASE WHEN waited AND i_resume <= %(now)s THEN pause ELSE 0 END AS paused_seconds,
                   coalesce(CASE WHEN i_resp <= %(now)s THEN i_resp END, %(now)s) AS response_clock_end,
                   coalesce(CASE WHEN i_resolve <= %(now)s THEN i_resolve END, %(now)s) AS resolution_clock_end
            FROM closing c
            -- every case of a closed order was closed before it (the close guard)
            WHERE c.rank = 5 OR c.i_resolve < c.t6 - interval '1 minute'
        ), flagged AS (
            -- what the SLA job (every minute, job_lag late) set while a clock ran, and what the service
            -- set when the work itself was done late
            SELECT s.*,
                   CASE WHEN response_due_at + job_lag < response_clock_end THEN response_due_at + job_lag END
                       AS job_response_breach,
                   CASE WHEN i_res_due + job_lag < resolution_clock_end THEN i_res_due + job_lag END
                       AS job_resolution_breach,
                   CASE WHEN response_warn_at + job_lag < least(response_clock_end, response_due_at)
                        THEN response_warn_at + job_lag END AS response_warned_at,
                   CASE WHEN i_res_warn + job_lag < least(resolution_clock_end, i_res_due)
                        THEN i_res_warn + job_lag END AS resolution_warned_at
            FROM stated s
        )
        SELECT %(first_id)s + row_number() OVER (ORDER BY f.opened_at, f.id, f.nth) AS case_id,
               f.id AS order_id, f.customer_id, f.merchandiser_id AS owner_id, f.case_type, f.severity, f.status,
               f.channel, CASE WHEN f.channel = 'status_page' THEN NULL ELSE f.merchandiser_id END AS created_by_id,
               tx.subject, tx.description,
               coalesce(cc.name, '') AS contact_name, coalesce(cc.email, '') AS contact_email,
               f.opened_at, f.response_target_minutes, f.resolution_target_minutes,
               CASE WHEN f.i_resp <= %(now)s THEN f.i_resp END AS first_responded_at,
               CASE WHEN f.waited AND f.i_wait <= %(now)s THEN f.i_wait END AS waited_at,
               CASE WHEN f.waited AND f.i_resume <= %(now)s THEN f.i_resume END AS resumed_at,
               CASE WHEN tx.root_cause <> '' AND f.i_analysed <= %(now)s THEN f.i_analysed END AS analysed_at,
               CASE WHEN f.status IN ('resolved', 'closed') THEN f.i_resolve END AS resolved_at,
               CASE WHEN f.status = 'closed' THEN f.i_close END AS closed_at,
               CASE WHEN tx.root_cause <> '' AND f.i_analysed <= %(now)s THEN tx.root_cause ELSE '' END AS root_cause,
               CASE WHEN tx.root_cause <> '' AND f.i_analysed <= %(now)s THEN tx.corrective_action ELSE '' END
                   AS corrective_action,
               CASE WHEN f.status IN ('resolved', 'closed') THEN tx.resolution ELSE '' END AS resolution,
               CASE f.status WHEN 'waiting_on_customer' THEN f.i_wait
                             WHEN 'resolved' THEN f.i_resolve WHEN 'closed' THEN f.i_resolve END AS paused_since,
               f.paused_seconds, f.response_warn_at, f.response_due_at,
               CASE WHEN f.status IN ('open', 'in_progress') THEN pg_temp.perf_work_instant(
                   f.w0 + f.resolution_target_minutes * 60 * %(warn)s + f.paused_seconds) END AS resolution_warn_at,
               CASE WHEN f.status IN ('open', 'in_progress') THEN pg_temp.perf_work_instant(
                   f.w0 + f.resolution_target_minutes * 60 + f.paused_seconds) END AS resolution_due_at,
               f.response_warned_at, f.resolution_warned_at, f.job_response_breach, f.job_resolution_breach,
               coalesce(f.job_response_breach, CASE WHEN f.i_resp <= %(now)s
                   AND f.o_resp > f.response_target_minutes * 60 THEN f.i_resp END) AS response_breached_at,
               coalesce(f.job_resolution_breach, CASE WHEN f.status IN ('resolved', 'closed')
                   AND f.used > f.resolution_target_minutes * 60 THEN f.i_resolve END) AS resolution_breached_at,
               least(f.job_response_breach, f.job_resolution_breach) AS escalated_at
        FROM flagged f
        JOIN jsonb_to_recordset(%(texts)s::jsonb) AS tx(case_type text, variant int, subject text, description text,
                                                      root_cause text, corrective_action text, resolution text)
            ON tx.case_type = f.case_type AND tx.variant = floor(f.r_text * %(variants)s)::int
        LEFT JOIN (
            SELECT DISTINCT ON (customer_id) customer_id, name, email
            FROM orders_customercontact ORDER BY customer_id, id
        ) cc ON cc.customer_id = f.customer_id
        """,
        {
            **params,
            "one": ONE_CASE_SHARE,
            "two": TWO_CASES_SHARE,
            "targets": _targets(),
            "texts": _case_texts(),
            "variants": min(len(variants) for variants in CASE_TEXTS.values()),
            "first_id": first_id,
        },
    )


def _pg_format(template: str, names: list[str]) -> str:
    """A gettext template with %(name)s / %(name)d placeholders as a PostgreSQL format() string, so a
    translation that reorders them still fills them right."""
    template = template.replace("%", "%%")
    for position, name in enumerate(names, start=1):
        template = re.sub(rf"%%\({name}\)[sd]", f"%{position}$s", template)
    return template


def _notes() -> dict:
    """The services' notes and labels, in the language they write them in outside a request."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "open_note": _pg_format(
                gettext("Case %(ref)s opened (%(type)s, %(severity)s): %(subject)s"),
                ["ref", "type", "severity", "subject"],
            ),
            "survey_note": _pg_format(
                gettext("Customer survey: quality %(q)d, delivery %(d)d, communication %(c)d."), ["q", "d", "c"]
            ),
            "logged_note": _pg_format(
                gettext("Customer feedback (%(source)s): quality %(q)d, delivery %(d)d, communication %(c)d."),
                ["source", "q", "d", "c"],
            ),
            "type_labels": json.dumps({value: str(label) for value, label in CaseType.choices}),
            "severity_labels": json.dumps({value: str(label) for value, label in Severity.choices}),
            "source_labels": json.dumps({value: str(label) for value, label in FeedbackSource.choices}),
        }


def _set_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce((SELECT max(id) FROM {table}), 0) + 1, false)",
        [table],
    )


def _write_cases(cursor) -> int:
    """The cases, then their lines on the order's work record (aftersales.services._case_event)."""
    cursor.execute(
        """
        INSERT INTO aftersales_case (
            id, order_id, customer_id, case_type, severity, status, channel, subject, description, contact_name,
            contact_email, owner_id, root_cause, corrective_action, resolution, opened_at, created_at,
            created_by_id, first_responded_at, resolved_at, closed_at, reopen_count, response_target_minutes,
            resolution_target_minutes, paused_since, paused_seconds, response_warn_at, response_due_at,
            resolution_warn_at, resolution_due_at, response_warned_at, response_breached_at, resolution_warned_at,
            resolution_breached_at, escalated_at)
        SELECT case_id, order_id, customer_id, case_type, severity, status, channel, subject, description,
               contact_name, contact_email, owner_id, root_cause, corrective_action, resolution, opened_at, opened_at,
               created_by_id, first_responded_at, resolved_at, closed_at, 0, response_target_minutes,
               resolution_target_minutes, paused_since, paused_seconds, response_warn_at, response_due_at,
               resolution_warn_at, resolution_due_at, response_warned_at, response_breached_at, resolution_warned_at,
               resolution_breached_at, escalated_at
        FROM perf_seed_cases
        ORDER BY case_id
        """
    )
    cases = cursor.rowcount
    _set_sequence(cursor, "aftersales_case")
    notes = _notes()
    cursor.execute(
        """
        INSERT INTO orders_orderevent (type, created_at, from_state, to_state, note, payload, actor_id, order_id)
        SELECT 'stage', e.at, '', '', e.note,
               jsonb_build_object('stage', 'aftersales', 'action', e.action, 'case', c.case_id,
                                  'reference', c.reference) || e.extra,
               e.actor_id, c.order_id
        FROM (
            SELECT perf_seed_cases.*,
                   'AS-' || CASE WHEN case_id < 1000000 THEN lpad(case_id::text, 6, '0') ELSE case_id::text END
                       AS reference
            FROM perf_seed_cases
        ) c
        CROSS JOIN LATERAL (VALUES
            ('case_opened', c.opened_at, c.created_by_id,
             format(%(open_note)s, c.reference, %(type_labels)s::jsonb ->> c.case_type,
                    %(severity_labels)s::jsonb ->> c.severity, c.subject),
             jsonb_build_object('channel', c.channel)),
            ('case_start', c.first_responded_at, c.owner_id, (%(start_notes)s::text[])[1 + (c.case_id %% 3)::int],
             jsonb_build_object('from_state', 'open', 'to_state', 'in_progress')),
            ('case_wait_on_customer', c.waited_at, c.owner_id, (%(wait_notes)s::text[])[1 + (c.case_id %% 2)::int],
             jsonb_build_object('from_state', 'in_progress', 'to_state', 'waiting_on_customer')),
            ('case_resume', c.resumed_at, c.owner_id, '',
             jsonb_build_object('from_state', 'waiting_on_customer', 'to_state', 'in_progress')),
            ('case_updated', c.analysed_at, c.owner_id, '',
             jsonb_build_object('changes', jsonb_build_array(
                 jsonb_build_object('field', 'root_cause', 'old', '', 'new', c.root_cause),
                 jsonb_build_object('field', 'corrective_action', 'old', '', 'new', c.corrective_action)))),
            ('case_resolve', c.resolved_at, c.owner_id, '',
             jsonb_build_object('from_state', 'in_progress', 'to_state', 'resolved')),
            ('case_close', c.closed_at, c.owner_id, '',
             jsonb_build_object('from_state', 'resolved', 'to_state', 'closed')),
            ('sla_response_warning', c.response_warned_at, NULL, '', jsonb_build_object('clock', 'response')),
            ('sla_response_breach', c.job_response_breach, NULL, '', jsonb_build_object('clock', 'response')),
            ('sla_resolution_warning', c.resolution_warned_at, NULL, '', jsonb_build_object('clock', 'resolution')),
            ('sla_resolution_breach', c.job_resolution_breach, NULL, '', jsonb_build_object('clock', 'resolution'))
        ) AS e(action, at, actor_id, note, extra)
        WHERE e.at IS NOT NULL
        """,
        {**notes, "start_notes": START_NOTES, "wait_notes": WAIT_NOTES},
    )
    return cases + cursor.rowcount


def _write_feedback(cursor, plan_table: str, params: dict) -> int:
    """Surveys (one per order, while it was in after-sales) and staff-logged feedback (once shipped), then
    their work-record lines. Quality is rated a point lower on orders that had a case."""
    cursor.execute("DROP TABLE IF EXISTS perf_seed_feedback")
    cursor.execute("SELECT coalesce(max(id), 0) FROM aftersales_feedback")
    first_id = cursor.fetchone()[0]
    cursor.execute(
        f"""
        CREATE TEMP TABLE perf_seed_feedback AS
        WITH picked AS (
            SELECT p.id AS order_id, p.customer_id, p.merchandiser_id, p.contact, 'survey' AS source,
                   p.t5 + (least(p.t6, %(now)s) - p.t5) * (0.05 + 0.9 * random()) AS submitted_at
            FROM {plan_table} p
            WHERE p.rank >= 5 AND NOT p.cancelled AND random() < %(survey)s
            UNION ALL
            SELECT p.id, p.customer_id, p.merchandiser_id, p.contact,
                   (ARRAY['call', 'call', 'email', 'visit'])[1 + floor(random() * 4)::int],
                   p.t4 + (p.t_end - p.t4) * random()
            FROM {plan_table} p
            WHERE p.rank >= 4 AND NOT p.cancelled AND random() < %(logged)s
        ), rated AS (
            SELECT x.*, EXISTS (SELECT 1 FROM aftersales_case c WHERE c.order_id = x.order_id) AS had_case,
                   5 - floor(power(random(), 4) * 5)::int AS quality,
                   5 - floor(power(random(), 4) * 5)::int AS delivery,
                   5 - floor(power(random(), 5) * 5)::int AS communication,
                   random() AS r_comment
            FROM (SELECT * FROM picked OFFSET 0) x
        )
        SELECT %(first_id)s + row_number() OVER (ORDER BY submitted_at, order_id) AS feedback_id, r.order_id,
               r.customer_id, r.source, greatest(1, r.quality - r.had_case::int) AS quality, r.delivery,
               r.communication,
               CASE WHEN r.source = 'survey'
                    THEN (%(survey_comments)s::text[])[1 + floor(r.r_comment * %(n_survey)s)::int]
                    ELSE (%(logged_comments)s::text[])[1 + floor(r.r_comment * %(n_logged)s)::int] END AS comment,
               coalesce(r.contact, '') AS contact_name, r.submitted_at,
               CASE WHEN r.source = 'survey' THEN NULL ELSE r.merchandiser_id END AS recorded_by_id
        FROM rated r
        """,
        {
            **params,
            "first_id": first_id,
            "survey": SURVEY_SHARE,
            "logged": LOGGED_FEEDBACK_SHARE,
            "survey_comments": SURVEY_COMMENTS,
            "n_survey": len(SURVEY_COMMENTS),
            "logged_comments": LOGGED_COMMENTS,
            "n_logged": len(LOGGED_COMMENTS),
        },
    )
    cursor.execute(
        """
        INSERT INTO aftersales_feedback (id, order_id, customer_id, source, quality, delivery, communication, comment,
                                         contact_name, submitted_at, updated_at, revisions, recorded_by_id)
        SELECT feedback_id, order_id, customer_id, source, quality, delivery, communication, comment, contact_name,
               submitted_at, submitted_at, 0, recorded_by_id
        FROM perf_seed_feedback ORDER BY feedback_id
        """
    )
    rows = cursor.rowcount
    _set_sequence(cursor, "aftersales_feedback")
    notes = _notes()
    cursor.execute(
        """
        INSERT INTO orders_orderevent (type, created_at, from_state, to_state, note, payload, actor_id, order_id)
        SELECT 'stage', f.submitted_at, '', '',
               CASE WHEN f.source = 'survey' THEN format(%(survey_note)s, f.quality, f.delivery, f.communication)
                    ELSE format(%(logged_note)s, %(source_labels)s::jsonb ->> f.source, f.quality, f.delivery,
                                f.communication) END,
               jsonb_build_object('stage', 'aftersales',
                                  'action', CASE WHEN f.source = 'survey' THEN 'survey_submitted'
                                                 ELSE 'feedback_logged' END,
                                  'feedback', f.feedback_id),
               f.recorded_by_id, f.order_id
        FROM perf_seed_feedback f
        """,
        notes,
    )
    return rows + cursor.rowcount
