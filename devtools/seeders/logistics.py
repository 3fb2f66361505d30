# ruff: noqa: S608 - SQL here is assembled from this module's constants (table names); values are parameters.
"""Logistics' part of the bench data set (`manage.py seed_bench`, see devtools/seeding.py): shipments, their
lines, deliveries, the customers' status links and the work-record events, written server-side from the
seed's timeline.

What the services would have left behind (logistics/services.py):
- every order that reached shipped has shipments that ship exactly its ordered quantities: one for most,
  two (a split: part of every line ahead, the rest after) for SPLIT_RATE of them. The last one was recorded
  by the merchandiser just before the order's `ship` transition (t4), since recording it is what moves the
  order on; the first of a split while the order was in production. An in-production order whose first
  part has already left has that shipment only, with quantities still to ship;
- the last delivery was confirmed just before `begin_after_sales` (t5), for the same reason, so an order
  still at shipped keeps its last shipment in transit. An earlier part is delivered once its own
  confirmation time has passed. A closed order's last delivery is dated at least the service period before
  its close, or `close` would have been refused (guard_close); where the plan leaves too little time for
  that, the shipment left and arrived earlier than its recording (a late entry, allowed by the service);
- carrier and mode follow the time between leaving and arriving (sea for weeks, air, express or truck
  for days); LATE_RATE of the shipments arrive after their ETA, the rest on or before it;
- the status link the first shipment email creates (random nonce, half of them opened by the customer since);
- a `stage` event per shipment and per delivery, shaped like events.event_stage's, for the orders that
  shipped in the last EVENT_WINDOW_DAYS (which takes in every order not closed yet) and those partly
  shipped. Why a window: for every order they would be two million rows at a million orders, inserted
  one by one into the event table's five indexes and checked against two foreign keys: about a minute,
  longer than the rest of the seeder together. Older, closed orders keep their shipments, the `ship` and
  `begin_after_sales` transitions and their folded history, without these two lines on their timeline.

Left out: shipping documents (a row needs a stored file; the page links to it for download, so a row
without one would be a broken link) and the customer emails (the outbox would send a million of them).
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from logistics.carriers import COMMON_CARRIERS
from logistics.models import Carrier, ShipmentMode

SPLIT_RATE = 0.12
LATE_RATE = 0.06
LINK_OPENED_RATE = 0.5
EVENT_WINDOW_DAYS = 90  # shipment events for orders shipped this recently (every order not closed yet)
ORDERS = "perf_seed_ship_orders"
SHIPMENTS = "perf_seed_ship_shipments"
CARRIERS = "perf_seed_ship_carriers"
LOADED_TABLES = ["logistics_shipment", "logistics_shipmentline", "logistics_statuslink"]


def seed_shipments(context) -> int:
    cursor = context.cursor
    cursor.execute("SET LOCAL work_mem = '256MB'")
    _ensure_carriers()
    _carrier_choices(cursor)
    _order_plan(cursor, context)
    _shipment_plan(cursor, context)
    restore = context.drop_secondary(LOADED_TABLES)
    rows = _load_shipments(cursor)
    rows += _load_status_links(cursor, context)
    for statement in restore:
        cursor.execute(statement)
    rows += _load_events(cursor)
    cursor.execute(f"DROP TABLE {ORDERS}, {SHIPMENTS}, {CARRIERS}")
    for table in LOADED_TABLES:
        cursor.execute(f"ANALYZE {table}")
    return rows


def _ensure_carriers() -> None:
    if Carrier.objects.filter(active=True).exists():
        return
    Carrier.objects.bulk_create(
        [
            Carrier(code=code, name_zh=zh, name_en=en, default_mode=mode, tracking_url=url)
            for code, zh, en, mode, url in COMMON_CARRIERS
        ],
        ignore_conflicts=True,
    )


def _carrier_choices(cursor) -> None:
    """Per mode, the active carriers that usually run it (or run anything); all of them when none does."""
    name = "name_zh" if settings.LANGUAGE_CODE.startswith("zh") else "name_en"  # Carrier.name, at seed time
    modes = ", ".join(f"('{mode}')" for mode in ShipmentMode.values)
    cursor.execute(f"DROP TABLE IF EXISTS {CARRIERS}")
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE {CARRIERS} AS
        SELECT m.mode, c.id, c.code, c.{name} AS name,
               row_number() OVER (PARTITION BY m.mode ORDER BY c.code)::int AS k,
               count(*) OVER (PARTITION BY m.mode)::int AS n
        FROM (VALUES {modes}) AS m(mode)
        JOIN logistics_carrier c ON c.active AND (
            c.default_mode IN (m.mode, '')
            OR NOT EXISTS (SELECT 1 FROM logistics_carrier x WHERE x.active AND x.default_mode IN (m.mode, ''))
        )
        """
    )


def _order_plan(cursor, context) -> None:
    """One row per order with a shipment: its shipment and delivery dates, derived from its stage times.

    c1/c2: when the first (split only) and the last shipment were recorded; r2: when the last delivery was
    confirmed, rec1: the first one; d1/d2: the delivery dates; ship1/ship2: the ship dates. A delivery is
    confirmed a day or two after it arrives (lag), and the first part's before the last one's."""
    cursor.execute(f"DROP TABLE IF EXISTS {ORDERS}")
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE {ORDERS} AS
        WITH base AS (
            SELECT p.id, p.merchandiser_id, p.rank, p.contact,
                   -- a split needs at least two units on every line, to leave one for each part
                   CASE WHEN random() < %(split_rate)s
                        THEN NOT EXISTS (SELECT 1 FROM orders_orderline l WHERE l.order_id = p.id AND l.quantity < 2)
                        ELSE false END AS split,
                   0.35 + 0.3 * random() AS share,
                   p.t3 + (p.t4 - p.t3) * (0.5 + 0.4 * random()) AS c1,
                   p.t4 - interval '1 millisecond' AS c2,
                   p.t5 - interval '1 millisecond' AS r2,
                   CASE WHEN p.rank = 6 THEN (p.t6 AT TIME ZONE %(tz)s)::date - %(service_days)s END AS close_limit,
                   floor(random() * 3)::int AS lag1, floor(random() * 3)::int AS lag2,
                   random() AS r_mode, random() AS r_carrier, random() AS r_rec
            FROM {context.plan_table} p
            WHERE NOT p.cancelled AND p.rank >= 3
        ), arrive AS (
            -- a closed order's last delivery: early enough for `close` to have been allowed at t6
            SELECT b.*, least((b.r2 AT TIME ZONE %(tz)s)::date - b.lag2, b.close_limit) AS d2
            FROM base b
            WHERE b.rank >= 4 OR (b.split AND b.c1 <= %(now)s)
        ), leave AS (
            SELECT a.*, least((a.c2 AT TIME ZONE %(tz)s)::date, a.d2 - 1) AS ship2,
                   least((a.c1 AT TIME ZONE %(tz)s)::date, (a.c2 AT TIME ZONE %(tz)s)::date, a.d2 - 1) AS ship1
            FROM arrive a
        ), first_part AS (
            SELECT l.*, least(l.ship1 + (l.d2 - l.ship2), l.d2 - 1) AS d1 FROM leave l
        )
        SELECT f.*,
               f.rank = 3 OR f.c2 >= %(now)s - %(event_window)s * interval '1 day' AS with_events,
               CASE WHEN f.split THEN least(
                   greatest(f.c1 + interval '1 hour',
                            ((f.d1 + f.lag1)::timestamp + interval '9 hours' * (1 + f.r_rec)) AT TIME ZONE %(tz)s),
                   f.r2 - interval '1 minute')
               END AS rec1,
               CASE WHEN f.d2 - f.ship2 >= 20 THEN CASE WHEN f.r_mode < 0.85 THEN 'sea' ELSE 'air' END
                    WHEN f.d2 - f.ship2 >= 8 THEN
                        CASE WHEN f.r_mode < 0.45 THEN 'sea' WHEN f.r_mode < 0.7 THEN 'air'
                             WHEN f.r_mode < 0.85 THEN 'truck' ELSE 'express' END
                    ELSE CASE WHEN f.r_mode < 0.35 THEN 'air' WHEN f.r_mode < 0.75 THEN 'express' ELSE 'truck' END
               END AS mode
        FROM first_part f
        """,
        {
            "split_rate": SPLIT_RATE,
            "tz": settings.TIME_ZONE,
            "now": context.now,
            "service_days": settings.AFTERSALES_SERVICE_PERIOD_DAYS,
            "event_window": EVENT_WINDOW_DAYS,
        },
    )
    cursor.execute(f"ANALYZE {ORDERS}")


def _shipment_plan(cursor, context) -> None:
    """One row per shipment, its id taken from the table's own sequence (its lines and events point at it)."""
    cursor.execute(f"DROP TABLE IF EXISTS {SHIPMENTS}")
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE {SHIPMENTS} AS
        SELECT nextval(pg_get_serial_sequence('logistics_shipment', 'id')) AS id, x.*,
               coalesce(ord.number, '#' || ord.id) || '-S' || x.seq AS reference,
               CASE WHEN x.delivered THEN x.due END AS delivered_on,
               CASE WHEN x.late THEN greatest(x.ship_date, x.due - 1 - floor(x.r_eta * 6)::int)
                    ELSE x.due + floor(x.r_eta * 4)::int END AS eta,
               CASE x.mode
                   WHEN 'sea' THEN upper(left(regexp_replace(x.carrier_code, '[^a-z]', '', 'g'), 4))
                                   || lpad(x.order_id::text, 7, '0') || x.seq
                   WHEN 'air' THEN '999-' || lpad(x.order_id::text, 7, '0') || x.seq
                   WHEN 'express' THEN upper(left(x.carrier_code, 2)) || lpad(x.order_id::text, 10, '0') || x.seq
                   ELSE CASE WHEN x.r_track < 0.5 THEN 'ZJ' || lpad(x.order_id::text, 8, '0') || x.seq ELSE '' END
               END AS tracking_number
        FROM (
            SELECT o.id AS order_id, s.seq, s.last, o.split, o.with_events, o.share, o.mode, o.merchandiser_id,
                   o.contact, s.created_at, s.ship_date, s.due, s.recorded_at,
                   s.recorded_at <= %(now)s AND (NOT s.last OR o.rank >= 5) AS delivered,
                   ca.id AS carrier_id, ca.code AS carrier_code, ca.name AS carrier_name,
                   random() < %(late_rate)s AS late, random() AS r_eta, random() AS r_track, random() AS r_recv
            FROM {ORDERS} o
            CROSS JOIN LATERAL (
                SELECT 1 AS seq, false AS last, o.c1 AS created_at, o.ship1 AS ship_date, o.d1 AS due,
                       o.rec1 AS recorded_at
                WHERE o.split
                UNION ALL
                SELECT CASE WHEN o.split THEN 2 ELSE 1 END, true, o.c2, o.ship2, o.d2, o.r2
                WHERE o.rank >= 4
            ) s
            JOIN {CARRIERS} ca ON ca.mode = o.mode AND ca.k = 1 + floor(o.r_carrier * ca.n)::int
            OFFSET 0
        ) x
        JOIN orders_order ord ON ord.id = x.order_id
        """,
        {"now": context.now, "late_rate": LATE_RATE},
    )
    cursor.execute(f"ANALYZE {SHIPMENTS}")


def _load_shipments(cursor) -> int:
    cursor.execute(
        f"""
        INSERT INTO logistics_shipment (
            id, order_id, seq, carrier_id, mode, tracking_number, ship_date, eta, notes, created_by_id, created_at,
            delivered_on, received_by, delivery_note, delivery_recorded_by_id, delivery_recorded_at)
        SELECT s.id, s.order_id, s.seq, s.carrier_id, s.mode, s.tracking_number, s.ship_date, s.eta,
               CASE WHEN s.split AND NOT s.last THEN '分批出运,余量随后 / split shipment, the rest follows'
                    WHEN s.mode = 'sea' AND s.r_track < 0.3 THEN '整柜 FCL 1x40HQ'
                    ELSE '' END,
               s.merchandiser_id, s.created_at,
               s.delivered_on,
               CASE WHEN NOT s.delivered THEN ''
                    WHEN s.r_recv < 0.7 THEN coalesce(s.contact, 'Buyer')
                    WHEN s.r_recv < 0.9 THEN '仓库收货 DC receiving' ELSE '' END,
               CASE WHEN s.delivered AND s.delivered_on > s.eta AND s.r_recv < 0.5
                    THEN '晚于预计到达 / arrived after the ETA' ELSE '' END,
               CASE WHEN s.delivered THEN s.merchandiser_id END,
               CASE WHEN s.delivered THEN s.recorded_at END
        FROM {SHIPMENTS} s
        """
    )
    rows = cursor.rowcount
    # A split ships part of every line first (in cartons of 50 where the line allows) and the rest last.
    cursor.execute(
        f"""
        INSERT INTO logistics_shipmentline (shipment_id, order_line_id, quantity)
        SELECT s.id, l.id,
               CASE WHEN NOT s.split THEN l.quantity
                    WHEN NOT s.last THEN x.first_part
                    ELSE l.quantity - x.first_part END
        FROM {SHIPMENTS} s
        JOIN orders_orderline l ON l.order_id = s.order_id
        CROSS JOIN LATERAL (
            SELECT greatest(1, least(l.quantity - 1, CASE WHEN l.quantity >= 100
                                                          THEN 50 * round(l.quantity * s.share / 50)
                                                          ELSE floor(l.quantity * s.share) END)) AS first_part
        ) x
        """
    )
    return rows + cursor.rowcount


def _load_status_links(cursor, context) -> int:
    """The link the first shipment email created. gen_random_uuid() and not random(): the seed is fixed, so
    random() nonces could be worked out, and a nonce is all a status page asks for. Each starts a full term
    now (issued_at), as every link did when expiry came in, so the status pages measured are live ones."""
    cursor.execute(
        f"""
        INSERT INTO logistics_statuslink (order_id, nonce, created_at, issued_at, revocations, last_viewed_at)
        SELECT o.id, replace(gen_random_uuid()::text, '-', ''), o.first_at, %(now)s, 0,
               CASE WHEN o.r_view < %(opened)s THEN o.first_at + (%(now)s - o.first_at) * (o.r_view / %(opened)s) END
        FROM (
            SELECT x.id, CASE WHEN x.split THEN x.c1 ELSE x.c2 END AS first_at, random() AS r_view
            FROM {ORDERS} x
            JOIN orders_order oo ON oo.id = x.id
            -- without an address the service notes the skipped email on the timeline instead: no link
            WHERE oo.customer_id NOT IN (
                SELECT cu.id FROM orders_customer cu
                WHERE cu.email = '' AND NOT EXISTS (
                    SELECT 1 FROM orders_customercontact cc WHERE cc.customer_id = cu.id AND cc.email <> '')
            )
        ) o
        """,
        {"opened": LINK_OPENED_RATE, "now": context.now},
    )
    return cursor.rowcount


def _load_events(cursor) -> int:
    """A `stage` event per shipment and per delivery, as shipment_create and shipment_confirm_delivery write
    them, in the language the app's messages default to. In order id order: the event table's indexes
    start with the order, so neighbouring rows land on the same index pages."""
    with translation.override(settings.LANGUAGE_CODE):
        shipped_note = gettext("Shipment %(ref)s: %(carrier)s %(tracking)s, ETA %(eta)s.")
        delivered_note = gettext("Shipment %(ref)s delivered on %(date)s.")
    cursor.execute(
        f"""
        INSERT INTO orders_orderevent (type, created_at, from_state, to_state, note, payload, actor_id, order_id)
        SELECT 'stage', e.created_at, '', '', e.note, e.payload, s.merchandiser_id, s.order_id
        FROM {SHIPMENTS} s
        LEFT JOIN (
            -- quantity_text(): 100.00 -> "100", 12.50 -> "12.5"
            SELECT sl.shipment_id,
                   jsonb_object_agg(l.line_no::text, rtrim(rtrim(sl.quantity::text, '0'), '.')) AS lines
            FROM {SHIPMENTS} x
            JOIN logistics_shipmentline sl ON sl.shipment_id = x.id
            JOIN orders_orderline l ON l.id = sl.order_line_id
            WHERE x.with_events
            GROUP BY sl.shipment_id
        ) q ON q.shipment_id = s.id
        CROSS JOIN LATERAL (
            SELECT s.created_at,
                   replace(replace(replace(replace(%(shipped)s, '%%(ref)s', s.reference),
                                           '%%(carrier)s', s.carrier_name),
                                   '%%(tracking)s', coalesce(nullif(s.tracking_number, ''), '—')),
                           '%%(eta)s', to_char(s.eta, 'YYYY-MM-DD')) AS note,
                   jsonb_build_object('stage', 'logistics', 'action', 'shipped', 'shipment', s.id,
                                      'reference', s.reference, 'mode', s.mode, 'tracking', s.tracking_number,
                                      'lines', q.lines, 'complete', s.last) AS payload
            UNION ALL
            SELECT s.recorded_at,
                   replace(replace(%(delivered)s, '%%(ref)s', s.reference),
                           '%%(date)s', to_char(s.delivered_on, 'YYYY-MM-DD')),
                   jsonb_build_object('stage', 'logistics', 'action', 'delivered', 'shipment', s.id,
                                      'reference', s.reference, 'delivered_on', to_char(s.delivered_on, 'YYYY-MM-DD'))
            WHERE s.delivered
        ) e
        WHERE s.with_events
        ORDER BY s.order_id, e.created_at
        """,
        {"shipped": shipped_note, "delivered": delivered_note},
    )
    return cursor.rowcount
