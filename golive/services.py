"""Go-live import (上线导入): the orders a company already has under way, each landing directly in its state.

`golive_parse` only reads: a preview with every problem found, row by row. `golive_import` parses the file
again inside one transaction and creates every order, or none. It is the one place besides the state
machine's transitions that sets an order's state: an imported order is built in the state the file gives
(received to closed), with an `imported` event on its work record that says so, the T&A plan with the
milestones done marked, the factory, and what had shipped so far. `Order.imported_at` marks the moment:
what is dated before it is history, and the KPIs leave it out of the quarter it preceded.

The file is read by the intake spreadsheet's own reader (orders.services.spreadsheet_import): CSV (UTF-8 or
GBK) or XLSX, headers in English or Chinese, one row per order line.
"""

import logging
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from accounts.roles import Role, has_role
from core.errors import DomainError, InvalidInput, NotPermitted
from logistics.models import Carrier
from logistics.services import ShipmentToImport, shipments_record_imported
from orders import events
from orders.models import Channel, Customer, Order, OrderLine, OrderState
from orders.services.numbering import order_numbers_reserve
from orders.services.spreadsheet_import import (
    ImportPreview,
    SheetLookups,
    cell_date,
    cell_decimal,
    cell_text,
    map_header,
    spreadsheet_read,
)
from orders.services.spreadsheet_import import (
    RowError as SheetRowError,
)
from production.models import TemplateMilestone
from production.services import (
    PlanToImport,
    orders_flags_refresh_imported,
    plans_import,
    production_runs_import,
)

from .models import ImportJob, ImportJobStatus

log = logging.getLogger(__name__)
S = OrderState
IMPORTABLE_STATES = [S.RECEIVED, S.CONFIRMED, S.ENTERED, S.IN_PRODUCTION, S.SHIPPED, S.AFTER_SALES, S.CLOSED]
_RANK = {state: rank for rank, state in enumerate(IMPORTABLE_STATES)}
BATCH_ORDERS = 500  # orders written together: few round trips, a bounded amount held at once

# Canonical column → the headers accepted for it (compared as the intake spreadsheet compares them).
COLUMNS = {
    "customer_code": ("customer_code", "customer", "客户代码", "客户编码"),
    "customer_po": ("customer_po", "po", "po_no", "order_reference", "客户订单号"),
    "order_number": ("order_number", "order_no", "订单编号"),
    "merchandiser": ("merchandiser", "跟单员"),
    "state": ("state", "status", "当前状态"),
    "currency": ("currency", "币种"),
    "received_date": ("received_date", "received", "接单日期"),
    "confirmed_date": ("confirmed_date", "confirmed", "确认日期"),
    "delivery_date": ("delivery_date", "promised_date", "交货日期", "交期"),
    "ex_factory_date": ("ex_factory_date", "ex_factory", "出厂日期"),
    "trade_terms": ("trade_terms", "贸易条款"),
    "style_no": ("style_no", "style", "款号"),
    "description": ("description", "品名"),
    "colour": ("colour", "color", "颜色"),
    "size": ("size", "尺码"),
    "quantity": ("quantity", "qty", "数量"),
    "unit": ("unit", "单位"),
    "unit_price": ("unit_price", "price", "单价"),
    "factory": ("factory", "工厂"),
    "milestones_done": ("milestones_done", "milestones", "已完成节点"),
    "shipped_quantity": ("shipped_quantity", "quantity_shipped", "已出货数量"),
    "carrier": ("carrier", "承运商"),
    "ship_date": ("ship_date", "出货日期"),
}
COLUMN_LABELS = {
    "customer_code": gettext_lazy("Customer code"),
    "customer_po": gettext_lazy("Customer PO number"),
    "order_number": gettext_lazy("Order number"),
    "merchandiser": gettext_lazy("Merchandiser"),
    "state": gettext_lazy("Current state"),
    "currency": gettext_lazy("Currency"),
    "received_date": gettext_lazy("Received on"),
    "confirmed_date": gettext_lazy("Confirmed on"),
    "delivery_date": gettext_lazy("Delivery date"),
    "ex_factory_date": gettext_lazy("Ex-factory date"),
    "trade_terms": gettext_lazy("Trade terms"),
    "style_no": gettext_lazy("Style number"),
    "description": gettext_lazy("Description"),
    "colour": gettext_lazy("Colour"),
    "size": gettext_lazy("Size"),
    "quantity": gettext_lazy("Quantity"),
    "unit": gettext_lazy("Unit"),
    "unit_price": gettext_lazy("Unit price"),
    "factory": gettext_lazy("Factory"),
    "milestones_done": gettext_lazy("Milestones done"),
    "shipped_quantity": gettext_lazy("Quantity shipped so far"),
    "carrier": gettext_lazy("Carrier"),
    "ship_date": gettext_lazy("Ship date"),
    "file": gettext_lazy("File"),
}
REQUIRED_COLUMNS = (
    "customer_code",
    "customer_po",
    "state",
    "currency",
    "received_date",
    "delivery_date",
    "quantity",
    "unit_price",
)
# Must agree on every line of one order (the order's own values, not its lines').
ORDER_COLUMNS = (
    "order_number",
    "merchandiser",
    "state",
    "currency",
    "received_date",
    "confirmed_date",
    "delivery_date",
    "ex_factory_date",
    "trade_terms",
    "factory",
    "milestones_done",
    "carrier",
    "ship_date",
)
DATE_COLUMNS = ("received_date", "confirmed_date", "delivery_date", "ex_factory_date", "ship_date")
MAX_LENGTHS = {"customer_po": 60, "order_number": 32, "trade_terms": 60, "description": 300, "colour": 80, "size": 40}
MAX_LENGTHS |= {"factory": 120}
LIST_SEPARATORS = re.compile(r"[,;，；、|]+")


def _state_words() -> dict[str, str]:
    """Every way the file may name a state: its code, and its label in English and Chinese."""
    words = {}
    for state in IMPORTABLE_STATES:
        words[state.value] = state.value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                words[str(S(state).label).strip().lower()] = state.value
    words |= {"in production": S.IN_PRODUCTION, "after sales": S.AFTER_SALES, "aftersales": S.AFTER_SALES}
    return words


class RowError(SheetRowError):
    labels = COLUMN_LABELS


@dataclass
class ImportLine:
    row: int
    values: dict[str, str]  # the cells as read, for display
    product: object = None
    unit: object = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    shipped: Decimal | None = None  # None: the cell was empty
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportOrder:
    customer_code: str
    customer_po: str
    first_row: int
    values: dict[str, str] = field(repr=False, default_factory=dict)
    customer: object = None
    currency: object = None
    merchandiser: object = None
    carrier: object = None
    state: str = ""
    dates: dict[str, date | None] = field(default_factory=dict)
    milestones: list[str] = field(default_factory=list)
    lines: list[ImportLine] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(line.errors for line in self.lines)

    @property
    def state_label(self) -> str:
        return str(S(self.state).label) if self.state else ""

    @property
    def rows(self) -> str:
        first, last = self.lines[0].row, self.lines[-1].row
        return str(first) if first == last else f"{first}–{last}"


@dataclass
class GoLivePreview(ImportPreview):
    """The intake spreadsheet's preview (file, orders, problems), its orders go-live ones."""

    @property
    def by_state(self) -> list[tuple[str, int]]:
        counts = {}
        for order in self.orders:
            counts[order.state] = counts.get(order.state, 0) + 1
        return [(str(S(state).label), counts[state]) for state in IMPORTABLE_STATES if state in counts]


# --- reading -------------------------------------------------------------------------------------------


class _Lookups(SheetLookups):
    """The intake's lookups (customers, currencies, units, styles), and the go-live's own: merchandisers,
    carriers, milestone codes and names, orders already in the system."""

    def __init__(self, records: list[dict]):
        super().__init__(records)

        def values(column):
            return {cell_text(r.get(column)) for r in records if cell_text(r.get(column))}

        User = get_user_model()
        self.people = {
            u.get_username().lower(): u
            for u in User.objects.filter(username__in=values("merchandiser"), is_active=True).select_related("team")
        }
        self.carriers = {}
        for carrier in Carrier.objects.filter(active=True):
            for key in (carrier.code, carrier.name_zh, carrier.name_en):
                self.carriers.setdefault(key.strip().lower(), carrier)
        self.milestones = {}
        for code, name_zh, name_en in TemplateMilestone.objects.values_list("code", "name_zh", "name_en"):
            for key in (code, name_zh, name_en):
                self.milestones.setdefault(key.strip().lower(), code)
        self.numbers = set(Order.objects.filter(number__in=values("order_number")).values_list("number", flat=True))
        self.states = _state_words()
        # Who supervises each possible owner's team, for the whole file in one query (as
        # orders.permissions.leads_member asks it of one person).
        owners = {c.merchandiser_id for c in self.customers.values() if c.merchandiser_id}
        owners |= {u.pk for u in self.people.values()}
        self.team_supervisor = dict(User.objects.filter(pk__in=owners).values_list("pk", "team__supervisor_id"))


def _check_row(number: int, record: dict, lookups: _Lookups, today: date, supervisor) -> tuple[dict, ImportLine]:
    """One row: its order values (customer, dates, state...) and its line, each problem on the row.
    `supervisor`: the id of the supervisor importing, whose teams' merchandisers alone may own the rows."""
    values = {column: cell_text(record.get(column)) for column in COLUMNS}
    line = ImportLine(row=number, values=values)

    def error(column, message):
        line.errors.append(RowError(number, column, message))

    for column in REQUIRED_COLUMNS:
        if not values[column]:
            error(column, _("A value is required."))
    for column, limit in MAX_LENGTHS.items():
        if len(values[column]) > limit:
            error(column, _("Too long: at most %(limit)d characters.") % {"limit": limit})

    header: dict = {}
    header["customer"] = customer = lookups.customers.get(values["customer_code"].upper())
    if values["customer_code"] and customer is None:
        error("customer_code", _("Unknown customer “%(code)s”.") % {"code": values["customer_code"]})
    header["currency"] = lookups.currencies.get(values["currency"].upper())
    if values["currency"] and header["currency"] is None:
        error("currency", _("Unknown currency “%(code)s”.") % {"code": values["currency"]})

    state = lookups.states.get(values["state"].strip().lower(), "")
    if values["state"] and not state:
        error(
            "state",
            _("Unknown state “%(value)s”. Use one of: %(states)s.")
            % {"value": values["state"], "states": ", ".join(IMPORTABLE_STATES)},
        )
    header["state"] = state

    merchandiser = None
    if values["merchandiser"]:
        merchandiser = lookups.people.get(values["merchandiser"].lower())
        if merchandiser is None or not has_role(merchandiser, Role.MERCHANDISER):
            error("merchandiser", _("No merchandiser signs in as “%(name)s”.") % {"name": values["merchandiser"]})
            merchandiser = None
    elif customer is not None:
        merchandiser = customer.merchandiser
        if merchandiser is None:
            error("merchandiser", _("The customer has no usual merchandiser: name the order's merchandiser."))
    if (
        merchandiser is not None
        and supervisor is not None
        and lookups.team_supervisor.get(merchandiser.pk) != supervisor
    ):
        error(
            "merchandiser",
            _("%(name)s is not in a team you lead: their supervisor or management imports this order.")
            % {"name": merchandiser.get_username()},
        )
    header["merchandiser"] = merchandiser

    dates: dict[str, date | None] = {}
    for column in DATE_COLUMNS:
        dates[column] = None
        if values[column]:
            try:
                dates[column] = cell_date(record.get(column))
            except (ValueError, TypeError, OverflowError):
                error(column, _("Not a date: write it as YYYY-MM-DD, e.g. 2025-03-31."))
    header["dates"] = dates
    received, confirmed = dates["received_date"], dates["confirmed_date"]
    if received and received > today:
        error("received_date", _("The order cannot have been received in the future."))
    rank = _RANK.get(state, -1)
    if rank >= _RANK[S.CONFIRMED] and not values["confirmed_date"]:
        error("confirmed_date", _("A confirmed order needs the date the customer confirmed it."))
    if rank == _RANK[S.RECEIVED] and values["confirmed_date"]:
        error("confirmed_date", _("A received order is not confirmed yet: leave the date empty."))
    if confirmed and received and confirmed < received:
        error("confirmed_date", _("The order cannot be confirmed before it was received."))
    if confirmed and confirmed > today:
        error("confirmed_date", _("The confirmation date cannot be in the future."))
    if values["order_number"]:
        if rank < _RANK[S.ENTERED]:
            error("order_number", _("Only an entered order has an order number."))
        elif values["order_number"] in lookups.numbers:
            error("order_number", _("Order number %(number)s already exists.") % {"number": values["order_number"]})

    milestones = []
    for name in LIST_SEPARATORS.split(values["milestones_done"]):
        if not name.strip():
            continue
        code = lookups.milestones.get(name.strip().lower())
        if code is None:
            error("milestones_done", _("Unknown milestone “%(name)s”.") % {"name": name.strip()})
        elif code not in milestones:
            milestones.append(code)
    if milestones and state not in (S.ENTERED, S.IN_PRODUCTION):
        error(
            "milestones_done",
            _("Milestones are listed for an entered or in-production order; later every milestone is done."),
        )
    header["milestones"] = milestones

    if values["factory"] and rank < _RANK[S.IN_PRODUCTION]:
        error("factory", _("Give the factory of an order in production or later."))
    carrier = None
    if values["carrier"]:
        carrier = lookups.carriers.get(values["carrier"].strip().lower())
        if carrier is None:
            error("carrier", _("Unknown carrier “%(name)s”.") % {"name": values["carrier"]})
    header["carrier"] = carrier
    if dates["ship_date"]:
        if dates["ship_date"] > today:
            error("ship_date", _("The ship date cannot be in the future."))
        elif received and dates["ship_date"] < received:
            error("ship_date", _("The ship date cannot be before the order was received."))

    # The line.
    if values["style_no"]:
        line.product = lookups.products.get(values["style_no"].upper())
        if line.product is None:
            error("style_no", _("Unknown style “%(code)s”.") % {"code": values["style_no"]})
    elif not values["description"]:
        error("description", _("Give a style number or describe the item."))
    if values["unit"]:
        line.unit = lookups.units.get(values["unit"].upper())
        if line.unit is None:
            error("unit", _("Unknown unit “%(code)s”.") % {"code": values["unit"]})
    elif line.product is not None:
        line.unit = line.product.unit
    else:
        error("unit", _("A value is required."))
    for column, places, attr in (("quantity", 2, "quantity"), ("unit_price", 4, "unit_price")):
        if not values[column]:
            continue
        try:
            number_value = cell_decimal(record.get(column), places=places)
        except (InvalidOperation, ValueError, TypeError):
            error(
                column,
                _("Not a number with at most %(places)d decimals: “%(value)s”.")
                % {"places": places, "value": values[column]},
            )
            continue
        if number_value < 0 or (column == "quantity" and number_value == 0):
            error(
                column,
                _("The quantity must be more than zero.")
                if column == "quantity"
                else _("The price cannot be negative."),
            )
        elif number_value >= Decimal("1e8"):
            error(column, _("The number is too large."))
        else:
            setattr(line, attr, number_value)
    if values["shipped_quantity"]:
        try:
            line.shipped = cell_decimal(record.get("shipped_quantity"), places=2)
        except (InvalidOperation, ValueError, TypeError):
            error(
                "shipped_quantity",
                _("Not a number with at most 2 decimals: “%(value)s”.") % {"value": values["shipped_quantity"]},
            )
        else:
            if line.shipped < 0:
                error("shipped_quantity", _("The quantity cannot be negative."))
            elif line.quantity is not None and line.shipped > line.quantity:
                error("shipped_quantity", _("More than the line's quantity has shipped."))
            elif line.shipped and rank < _RANK[S.IN_PRODUCTION]:
                error("shipped_quantity", _("Only an order in production or later can have shipped."))
            elif (
                state in (S.SHIPPED, S.AFTER_SALES, S.CLOSED)
                and line.quantity is not None
                and line.shipped != line.quantity
            ):
                error(
                    "shipped_quantity",
                    _("A shipped order has shipped every quantity: leave the cell empty or give the line's quantity."),
                )
    if line.shipped is None and state in (S.SHIPPED, S.AFTER_SALES, S.CLOSED):
        line.shipped = line.quantity  # shipped means everything left
    return header, line


def _check_order(order: ImportOrder) -> None:
    """What only the whole order shows: its shipments need a carrier; in production, not everything shipped."""
    if order.has_errors:
        return
    last = order.lines[-1]
    shipping = any(line.shipped for line in order.lines)
    if shipping and order.carrier is None:
        last.errors.append(RowError(last.row, "carrier", _("Give the carrier of what has shipped.")))
    if order.state == S.IN_PRODUCTION and all(line.shipped == line.quantity for line in order.lines):
        last.errors.append(
            RowError(last.row, "state", _("Every quantity has shipped: the order's state is shipped or later."))
        )


def _find_existing(orders: list[ImportOrder]) -> None:
    """An order of the same customer and PO already in the system is a problem on the order's first row:
    a go-live import brings in orders the system does not hold yet."""
    wanted = {(o.customer.pk, o.customer_po.upper()): o for o in orders if o.customer and o.customer_po}
    if not wanted:
        return
    existing = Order.objects.annotate(upo=Upper("customer_po")).filter(
        customer_id__in={k[0] for k in wanted}, upo__in={k[1] for k in wanted}
    )
    for customer_id, upo in existing.values_list("customer_id", "upo"):
        order = wanted.get((customer_id, upo))
        if order is not None:
            order.lines[0].errors.append(
                RowError(
                    order.first_row,
                    "customer_po",
                    _("The system already holds an order with this customer PO."),
                )
            )


def golive_parse(uploaded, *, actor=None, today: date | None = None) -> GoLivePreview:
    """Read a go-live file into orders, with every problem per row. Saves nothing.

    With `actor`, a supervisor's rows must belong to merchandisers of a team they lead (management may
    import for any team), so everyone who imports can see what they imported.

    Rows with the same customer code and customer PO form one order; its own values (state, dates,
    factory...) must agree on every row. Raises InvalidInput when the file as a whole cannot be used.
    """
    today = today or timezone.localdate()
    name, data, rows = spreadsheet_read(uploaded)
    (_header_row, header_cells), data_rows = rows[0], rows[1:]
    positions, ignored, header_errors = map_header(
        header_cells, columns=COLUMNS, required=REQUIRED_COLUMNS, error=RowError
    )
    preview = GoLivePreview(filename=name, content=data, row_count=len(data_rows), ignored_columns=ignored)
    if header_errors:
        preview.errors = header_errors
        return preview
    if not data_rows:
        preview.errors = [RowError(None, "file", _("The file has a header but no order rows."))]
        return preview
    records = [
        (number, {column: cells[index] if index < len(cells) else None for column, index in positions.items()})
        for number, cells in data_rows
    ]
    lookups = _Lookups([record for _number, record in records])
    supervisor = actor.pk if actor is not None and not has_role(actor, Role.MANAGEMENT) else None
    groups: dict[tuple[str, str], ImportOrder] = {}
    for number, record in records:
        header, line = _check_row(number, record, lookups, today, supervisor)
        values = line.values
        key = (values["customer_code"].upper(), values["customer_po"].upper())
        order = groups.get(key)
        if order is None:
            order = groups[key] = ImportOrder(
                customer_code=values["customer_code"],
                customer_po=values["customer_po"],
                first_row=number,
                values=values,
            )
            for attr, value in header.items():
                setattr(order, attr, value)
        else:
            for column in ORDER_COLUMNS:
                if values[column].upper() != order.values[column].upper():
                    line.errors.append(
                        RowError(
                            number,
                            column,
                            _("Differs from row %(row)d, the first line of this order.") % {"row": order.first_row},
                        )
                    )
        order.lines.append(line)
    preview.orders = list(groups.values())
    _find_existing(preview.orders)
    seen = set()
    for order in preview.orders:
        number = order.values["order_number"]
        if number and number in seen:
            order.lines[0].errors.append(
                RowError(order.first_row, "order_number", _("Two orders of the file have this number."))
            )
        seen.add(number)
    for order in preview.orders:
        _check_order(order)
        for line in order.lines:
            preview.errors.extend(line.errors)
    preview.errors.sort(key=lambda e: e.row or 0)
    return preview


# --- saving --------------------------------------------------------------------------------------------


def golive_may_import(user) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.MANAGEMENT)


def _at(day: date) -> datetime:
    """A day of the file as a moment: the start of that working day, in the company's time zone."""
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _order_of(planned: ImportOrder, *, actor) -> Order:
    dates = planned.dates
    rank = _RANK[planned.state]
    received, confirmed = dates["received_date"], dates["confirmed_date"]
    order = Order(
        status=planned.state,  # the one place besides the transitions that sets a state (see the docstring)
        channel=Channel.GOLIVE,
        customer=planned.customer,
        customer_po=planned.customer_po.strip(),
        merchandiser=planned.merchandiser,
        currency=planned.currency,
        delivery_date=dates["delivery_date"],
        first_delivery_date=dates["delivery_date"] if rank >= _RANK[S.CONFIRMED] else None,
        trade_terms=planned.values["trade_terms"],
        received_at=_at(received),
        confirmed_at=_at(confirmed) if rank >= _RANK[S.CONFIRMED] else None,
        entered_at=_at(confirmed) if rank >= _RANK[S.ENTERED] else None,
        created_by=actor,
    )
    if rank >= _RANK[S.ENTERED]:
        order.number = planned.values["order_number"]  # or the next of the year, given in file order
    if planned.state == S.CLOSED:
        order.closed_at = timezone.now()  # closed in this system at go-live; when it really closed is not known
    return order


def _number(orders: list[Order]) -> None:
    """The orders entered without a number in the file get the next ones of their year, in file order:
    one locked reservation per year, so the numbers stay gapless and unique."""
    wanting: dict[int, list[Order]] = {}
    for order in orders:
        if order.entered_at is not None and not order.number:
            wanting.setdefault(timezone.localtime(order.entered_at).year, []).append(order)
    for year_orders in wanting.values():
        numbers = order_numbers_reserve(count=len(year_orders), at=year_orders[0].entered_at)
        for order, number in zip(year_orders, numbers, strict=True):
            order.number = number


def _orders_create(batch: list[ImportOrder], *, actor, filename: str, today: date) -> list[Order]:
    """One batch of the file's orders, each kind of row written in one insert for the whole batch."""
    orders = [_order_of(planned, actor=actor) for planned in batch]
    _number(orders)
    orders = bulk_create_with_history(orders, Order, default_user=actor)
    lines = bulk_create_with_history(
        [
            OrderLine(
                order=order,
                line_no=number,
                product=line.product,
                description=line.values["description"] or (line.product.name if line.product else ""),
                colour=line.values["colour"],
                size=line.values["size"],
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
            )
            for order, planned in zip(orders, batch, strict=True)
            for number, line in enumerate(planned.lines, start=1)
        ],
        OrderLine,
        default_user=actor,
    )
    if not all(line.pk for line in lines):  # SQLite before 3.35 does not return the new ids
        lines = list(OrderLine.objects.filter(order__in=orders).order_by("order_id", "line_no"))
    lines_of: dict[int, list[OrderLine]] = {}
    for line in lines:
        lines_of.setdefault(line.order_id, []).append(line)

    plans, runs, shipments = [], {}, []
    for order, planned in zip(orders, batch, strict=True):
        dates = planned.dates
        received, confirmed = dates["received_date"], dates["confirmed_date"]
        events.event_imported(
            order,
            actor,
            payload={
                "file": filename,
                "rows": planned.rows,
                "received": received.isoformat(),
                "confirmed": confirmed.isoformat() if confirmed else "",
                "number": order.number or "",
            },
        )
        if _RANK[planned.state] >= _RANK[S.ENTERED]:
            done = planned.milestones if planned.state in (S.ENTERED, S.IN_PRODUCTION) else None
            plans.append(PlanToImport(order, entered_on=confirmed, ex_factory=dates["ex_factory_date"], done=done))
        if planned.values["factory"]:
            runs[order] = (planned.values["factory"], confirmed)
        shipped = {
            order_line: line.shipped
            for order_line, line in zip(lines_of[order.pk], planned.lines, strict=True)
            if line.shipped
        }
        if shipped:
            ship_date = dates["ship_date"] or min(dates["ex_factory_date"] or dates["delivery_date"], today)
            shipments.append(
                ShipmentToImport(order, planned.carrier, ship_date=max(ship_date, received), quantities=shipped)
            )
    made_plans = plans_import(items=plans, actor=actor, today=today)
    production_runs_import(runs=runs, actor=actor)
    shipments_record_imported(items=shipments, actor=actor)
    orders_flags_refresh_imported(
        orders=[o for o, p in zip(orders, batch, strict=True) if p.state in (S.ENTERED, S.IN_PRODUCTION)],
        plans=made_plans,
        today=today,
    )
    return orders


def _customers_lock(uploaded) -> None:
    """Lock the customers the file names (only its customer column is read: the parse comes after)."""
    _name, _data, rows = spreadsheet_read(uploaded)
    positions, _ignored, _errors = map_header(rows[0][1], columns=COLUMNS, required=REQUIRED_COLUMNS, error=RowError)
    index = positions.get("customer_code")
    if index is None:
        return
    codes = {cell_text(cells[index]).upper() for _number, cells in rows[1:] if index < len(cells)}
    customers = Customer.objects.annotate(ucode=Upper("code")).filter(ucode__in=codes - {""})
    list(customers.select_for_update().order_by("pk").values_list("pk"))


def golive_import(*, uploaded, actor, today: date | None = None) -> list[Order]:
    """Create every order of the go-live file in its state, or none.

    Guarantees: only a supervisor or management may import; the file is parsed again inside the
    transaction, under the locks of its customers, so what is saved is checked against the data of now;
    any problem raises InvalidInput and nothing is saved. Each order gets one `imported` event, its T&A
    plan (entered or later) with the done milestones marked, its factory, and a shipment of what had
    shipped; no customer is emailed. The orders are written in batches, each kind of row in one insert
    per batch; their numbers are gapless in file order; `imported_at` is set last, on all of them.
    """
    if not golive_may_import(actor):
        raise NotPermitted(_("Only supervisors and management import the orders under way at go-live."))
    today = today or timezone.localdate()
    with transaction.atomic():
        # Lock the file's customers first: two imports of one file at once queue here, and the second one's
        # parse sees the first one's orders as already in the system.
        _customers_lock(uploaded)
        uploaded.seek(0)
        preview = golive_parse(uploaded, actor=actor, today=today)
        if preview.errors or not preview.orders:
            raise InvalidInput(
                _("The file has errors; nothing was imported."), reasons=[str(e) for e in preview.errors[:20]]
            )
        orders = []
        for start in range(0, len(preview.orders), BATCH_ORDERS):
            batch = preview.orders[start : start + BATCH_ORDERS]
            with events.events_deferred():  # the batch's events in one insert, in the order they were made
                orders += _orders_create(batch, actor=actor, filename=preview.filename, today=today)
        # Last: everything the import wrote is dated before this moment, which is how the KPIs tell history.
        imported_at = timezone.now()
        Order.objects.filter(pk__in=[o.pk for o in orders]).update(imported_at=imported_at)
        for order in orders:
            order.imported_at = imported_at
        return orders


# --- the import as a job ------------------------------------------------------------------------------------
# A large file takes longer than a web server lets a request live, so the page hands the file to a worker
# and shows the job's page, which follows it to the end.
JOB_STALE_AFTER = timedelta(minutes=2)  # queued this long: the queue did not take it; it may be started again


def golive_job_start(*, data: bytes, name: str, actor) -> ImportJob:
    """Keep the checked file with a new job and queue it after commit. The broker being down does not turn
    the request into an error: the job waits, and its page offers to start it again."""
    if not golive_may_import(actor):
        raise NotPermitted(_("Only supervisors and management import the orders under way at go-live."))
    name = PurePath(name).name[:255] or "golive.csv"
    with transaction.atomic():
        job = ImportJob(
            original_name=name,
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
            size=len(data),
            uploaded_by=actor,
        )
        job.file.save(name, ContentFile(data), save=False)
        job.save()
        _job_queue(job.pk)
    log.info("golive job %s queued by %s file=%s", job.pk, actor.get_username(), name)
    return job


def _job_queue(job_id: int) -> None:
    from .tasks import golive_import_run

    transaction.on_commit(lambda: golive_import_run.delay(job_id), robust=True)


def job_may_restart(job: ImportJob) -> bool:
    return job.status == ImportJobStatus.QUEUED and timezone.now() - job.uploaded_at >= JOB_STALE_AFTER


def golive_job_restart(*, job_id: int, actor) -> ImportJob:
    """Queue a job again that the queue never started (JOB_STALE_AFTER). A job that runs or has finished is
    left as it is: the import happens once."""
    if not golive_may_import(actor):
        raise NotPermitted(_("Only supervisors and management import the orders under way at go-live."))
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job_may_restart(job):
            _job_queue(job.pk)
    return job


def golive_job_run(*, job_id: int) -> ImportJob | None:
    """The worker's part. The orders and the job's "done" are written in one transaction under the job's
    row lock: a second delivery of the same job waits, then finds it done; a worker killed mid-way leaves
    nothing, and the redelivery imports from the start. A refusal (the file no longer fits the data of now,
    the person lost the right to import) marks the job failed with its reasons; nothing is imported."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return job
        job.status, job.attempts, job.started_at = ImportJobStatus.RUNNING, job.attempts + 1, timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update(of=("self",)).select_related("uploaded_by").get(pk=job_id)
            if job.is_finished:
                return job
            with job.file.open("rb") as handle:
                uploaded = ContentFile(handle.read(), name=job.original_name)
            with translation.override(_job_language(job)):
                orders = golive_import(uploaded=uploaded, actor=job.uploaded_by)
            job.status, job.orders_imported, job.finished_at = ImportJobStatus.DONE, len(orders), timezone.now()
            job.save(update_fields=["status", "orders_imported", "finished_at"])
        log.info("golive job %s imported %d orders", job_id, len(orders))
        return job
    except DomainError as error:
        return _job_failed(job_id, error.message, [str(reason) for reason in error.reasons][:20])
    except Exception:
        log.exception("golive job %s failed", job_id)
        return _job_failed(job_id, _("The import stopped on an unexpected error. Nothing was imported."), [])


def _job_language(job: ImportJob) -> str:
    """The uploader's language: the reasons a refusal gives are read on their page."""
    return getattr(job.uploaded_by, "preferred_language", "") or settings.LANGUAGE_CODE


def _job_failed(job_id: int, message, reasons: list[str]) -> ImportJob | None:
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_id).exclude(status=ImportJobStatus.DONE).update(
            status=ImportJobStatus.FAILED, error=str(message), reasons=reasons, finished_at=timezone.now()
        )
    return ImportJob.objects.filter(pk=job_id).first()
