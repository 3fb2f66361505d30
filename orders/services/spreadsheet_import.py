"""Spreadsheet import (表格导入): many orders with their lines from one CSV or XLSX file.

`spreadsheet_parse` only reads: it returns a preview with every problem found, row by row, and saves
nothing. `spreadsheet_import` parses the same file again against the current data and saves all of its
orders, or none, in one transaction.
"""

import contextlib
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import ClassVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role, has_role
from core.dates import date_rule_error
from core.errors import InvalidInput, NotPermitted

from .. import events
from ..models import Attachment, AttachmentKind, Channel, Currency, Customer, Order, Product, Unit
from .intake import LineInput, OrderInput, order_create
from .records import attachment_validate

MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an .xlsx is a zip: refuse one that would unpack to more
SUFFIXES = {".csv", ".xlsx"}

# Canonical column → the headers accepted for it (compared lower-case, spaces and dashes as "_").
COLUMNS = {
    "customer_code": ("customer_code", "customer", "客户代码", "客户编码"),
    "customer_po": ("customer_po", "po", "po_no", "客户订单号"),
    "delivery_date": ("delivery_date", "交货日期", "交期"),
    "currency": ("currency", "币种"),
    "style_no": ("style_no", "style", "款号"),
    "description": ("description", "品名"),
    "colour": ("colour", "color", "颜色"),
    "size": ("size", "尺码"),
    "quantity": ("quantity", "qty", "数量"),
    "unit": ("unit", "单位"),
    "unit_price": ("unit_price", "price", "单价"),
    "trade_terms": ("trade_terms", "贸易条款"),
}
COLUMN_LABELS = {
    "customer_code": gettext_lazy("Customer code"),
    "customer_po": gettext_lazy("Customer PO number"),
    "delivery_date": gettext_lazy("Delivery date"),
    "currency": gettext_lazy("Currency"),
    "style_no": gettext_lazy("Style number"),
    "description": gettext_lazy("Description"),
    "colour": gettext_lazy("Colour"),
    "size": gettext_lazy("Size"),
    "quantity": gettext_lazy("Quantity"),
    "unit": gettext_lazy("Unit"),
    "unit_price": gettext_lazy("Unit price"),
    "trade_terms": gettext_lazy("Trade terms"),
    "file": gettext_lazy("File"),
}
REQUIRED_COLUMNS = ("customer_code", "customer_po", "delivery_date", "currency", "quantity", "unit", "unit_price")
MAX_LENGTHS = {"customer_po": 60, "trade_terms": 60, "description": 300, "colour": 80, "size": 40}
ORDER_FIELDS = ("delivery_date", "currency", "trade_terms")  # must agree on every line of one order


def header_key(header) -> str:
    return re.sub(r"[\s\-]+", "_", str(header or "").replace("\ufeff", "").strip().lower())


@dataclass
class RowError:
    row: int | None  # the row number as the spreadsheet shows it; None for the whole file
    field: str
    message: str
    labels: ClassVar[dict] = COLUMN_LABELS  # a subclass names another import's columns

    @property
    def field_label(self) -> str:
        return str(self.labels.get(self.field, self.field))

    def __str__(self):
        where = _("Row %(row)d") % {"row": self.row} if self.row else _("File")
        return f"{where}, {self.field_label}: {self.message}"


@dataclass
class PreviewLine:
    row: int
    values: dict[str, str]  # the cells as read, for display
    line: LineInput | None = None
    errors: list[RowError] = field(default_factory=list)


@dataclass
class PreviewOrder:
    customer_code: str
    customer_po: str
    customer: Customer | None = None
    currency: Currency | None = None
    delivery_date: date | None = None
    trade_terms: str = ""
    first_row: int = 0
    first_values: dict[str, str] = field(default_factory=dict, repr=False)
    lines: list[PreviewLine] = field(default_factory=list)
    duplicates: list[Order] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(line.errors for line in self.lines)

    @property
    def amount(self) -> Decimal:
        return sum((line.line.quantity * line.line.unit_price for line in self.lines if line.line), Decimal(0))

    def to_input(self) -> OrderInput:
        return OrderInput(
            customer=self.customer,
            currency=self.currency,
            delivery_date=self.delivery_date,
            customer_po=self.customer_po,
            trade_terms=self.trade_terms,
            lines=[line.line for line in self.lines],
        )


@dataclass
class ImportPreview:
    filename: str
    content: bytes = field(repr=False)
    orders: list[PreviewOrder] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.orders) and not self.errors

    @property
    def line_count(self) -> int:
        return sum(len(order.lines) for order in self.orders)

    @property
    def duplicate_orders(self) -> list[PreviewOrder]:
        return [order for order in self.orders if order.duplicates]

    def as_file(self) -> ContentFile:
        return ContentFile(self.content, name=self.filename)


# --- reading the file ----------------------------------------------------------------------------------


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    if data.startswith(b"PK\x03\x04"):
        raise InvalidInput(_("This file is an Excel workbook with a .csv name. Save it as .xlsx, or as CSV."))
    if b"\x00" in data:
        raise InvalidInput(
            _("This is not a CSV text file (it holds binary data, or it is UTF-16). Save it as “CSV UTF-8”.")
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(_("The CSV file is neither UTF-8 nor GBK text. Save it as “CSV UTF-8”."))
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        raise InvalidInput(_("This is not a CSV text file: it holds control characters."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    rows = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            rows.append((number, row[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS + 1 and any(cell.strip() for cell in row):
                break
    except csv.Error as exc:
        raise InvalidInput(_("The CSV file cannot be read near row %(row)d.") % {"row": len(rows) + 1}) from exc
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    not_xlsx = _("This file is not a valid Excel .xlsx workbook. Open it in Excel and save it as .xlsx or CSV.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise InvalidInput(_("The workbook is too large once unpacked."))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InvalidInput(not_xlsx) from exc
    rows = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken package; all mean "not a workbook"
        raise InvalidInput(not_xlsx) from exc
    try:
        if not workbook.worksheets:
            raise InvalidInput(not_xlsx)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record wrong dimensions; read what is really there
        data_rows = 0
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            row = list(row[:MAX_COLUMNS])
            rows.append((number, row))
            if any(cell_text(cell) for cell in row):
                data_rows += 1
                if data_rows > MAX_ROWS + 1:
                    break
    except InvalidInput:
        raise
    except Exception as exc:
        raise InvalidInput(not_xlsx) from exc
    finally:
        workbook.close()
    return rows


# --- reading the cells ---------------------------------------------------------------------------------


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


DATE_TEXT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def cell_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # An Excel date serial in a cell not formatted as a date (1 = 1900-01-01, 1900 leap bug aside).
        from openpyxl.utils.datetime import from_excel

        if 1 <= value < 2958466:
            result = from_excel(value)
            return result.date() if isinstance(result, datetime) else result
        raise ValueError
    match = DATE_TEXT.match(cell_text(value))
    if not match:
        raise ValueError
    return date(int(match[1]), int(match[2]), int(match[3]))


def cell_decimal(value, *, places: int) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, float):
        value = round(value, 10)  # drop binary noise such as 2.5300000000000002 from Excel formulas
    text = cell_text(value).replace(",", "").replace(" ", "")
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    if number.as_tuple().exponent < -places:
        raise ValueError
    return number


# --- checking the rows ---------------------------------------------------------------------------------


def map_header(cells: list, *, columns: dict, required: tuple, error=None) -> tuple[dict[str, int], list[str], list]:
    """The header row of an import file (this one's, the go-live's): where each known column is, the headers
    not used, and a problem per column doubled or missing. `columns` maps each column to its accepted
    headers (the first English, the last Chinese); `error(row, column, message)` makes a problem."""
    error = error or RowError
    to_column = {header_key(alias): column for column, aliases in columns.items() for alias in aliases}
    positions: dict[str, int] = {}
    ignored, errors = [], []
    for index, cell in enumerate(cells):
        name = cell_text(cell)
        if not name:
            continue
        column = to_column.get(header_key(name))
        if column is None:
            ignored.append(name)
        elif column in positions:
            errors.append(error(None, column, _("The column appears twice (“%(name)s”).") % {"name": name}))
        else:
            positions[column] = index
    missing = [c for c in required if c not in positions]
    if "description" not in positions and "style_no" not in positions:
        missing.append("description")
    for column in missing:
        errors.append(
            error(
                None,
                column,
                _("The column is missing. Expected a header “%(en)s” or “%(zh)s”.")
                % {"en": columns[column][0], "zh": columns[column][-1]},
            )
        )
    return positions, ignored, errors


class SheetLookups:
    """Customers, currencies, units and styles of the whole file, read in a few queries."""

    def __init__(self, records: list[dict]):
        def codes(column):
            return {cell_text(r.get(column)).upper() for r in records if cell_text(r.get(column))}

        customers = Customer.objects.annotate(ucode=Upper("code")).filter(ucode__in=codes("customer_code"))
        # Each customer's usual merchandiser comes along: the go-live import reads it for every row.
        self.customers = {c.ucode: c for c in customers.select_related("merchandiser")}
        self.currencies = {c.code.upper(): c for c in Currency.objects.all()}
        self.units = {}
        for unit in Unit.objects.all():
            for key in (unit.code.upper(), unit.name_zh.upper(), unit.name_en.upper()):
                self.units.setdefault(key, unit)
        self.products = {
            p.ustyle: p
            for p in Product.objects.select_related("unit")
            .annotate(ustyle=Upper("style_no"))
            .filter(ustyle__in=codes("style_no"))
        }


def _check_row(number: int, record: dict, lookups: SheetLookups) -> tuple[dict, LineInput | None, list[RowError]]:
    """One row's order values and line, or its errors."""
    errors: list[RowError] = []
    values = {column: cell_text(record.get(column)) for column in COLUMNS}

    def error(column, message):
        errors.append(RowError(number, column, message))

    for column in REQUIRED_COLUMNS:
        if not values[column] and column != "unit":
            error(column, _("A value is required."))
    for column, limit in MAX_LENGTHS.items():
        if len(values[column]) > limit:
            error(column, _("Too long: at most %(limit)d characters.") % {"limit": limit})

    header: dict = {"trade_terms": values["trade_terms"]}
    customer = lookups.customers.get(values["customer_code"].upper())
    if values["customer_code"] and customer is None:
        error("customer_code", _("Unknown customer “%(code)s”.") % {"code": values["customer_code"]})
    header["customer"] = customer

    currency = lookups.currencies.get(values["currency"].upper())
    if values["currency"] and currency is None:
        error("currency", _("Unknown currency “%(code)s”.") % {"code": values["currency"]})
    header["currency"] = currency

    delivery = None
    if values["delivery_date"]:
        try:
            delivery = cell_date(record.get("delivery_date"))
        except (ValueError, TypeError, OverflowError):
            error("delivery_date", _("Not a date: write it as YYYY-MM-DD, e.g. 2025-03-31."))
        else:
            today = timezone.localdate()
            if delivery < today:
                error("delivery_date", _("The delivery date is in the past."))
            elif problem := date_rule_error(delivery, today=today):
                error("delivery_date", problem)
    header["delivery_date"] = delivery

    product = None
    if values["style_no"]:
        product = lookups.products.get(values["style_no"].upper())
        if product is None:
            error("style_no", _("Unknown style “%(code)s”.") % {"code": values["style_no"]})
    elif not values["description"]:
        error("description", _("Give a style number or describe the item."))

    unit = None
    if values["unit"]:
        unit = lookups.units.get(values["unit"].upper())
        if unit is None:
            error("unit", _("Unknown unit “%(code)s”.") % {"code": values["unit"]})
    elif product is not None:
        unit = product.unit  # the style's own unit when the cell is left empty
    else:
        error("unit", _("A value is required."))

    quantity = price = None
    if values["quantity"]:
        try:
            quantity = cell_decimal(record.get("quantity"), places=2)
        except (InvalidOperation, ValueError, TypeError):
            error("quantity", _("Not a number with at most 2 decimals: “%(value)s”.") % {"value": values["quantity"]})
        else:
            if quantity <= 0:
                error("quantity", _("The quantity must be more than zero."))
            elif quantity >= Decimal("1e10"):
                error("quantity", _("The quantity is too large."))
    if values["unit_price"]:
        try:
            price = cell_decimal(record.get("unit_price"), places=4)
        except (InvalidOperation, ValueError, TypeError):
            error(
                "unit_price", _("Not a number with at most 4 decimals: “%(value)s”.") % {"value": values["unit_price"]}
            )
        else:
            if price < 0:
                error("unit_price", _("The price cannot be negative."))
            elif price >= Decimal("1e8"):
                error("unit_price", _("The price is too large."))

    line = None
    if not errors:
        line = LineInput(
            product=product,
            description=values["description"],
            colour=values["colour"],
            size=values["size"],
            quantity=quantity,
            unit=unit,
            unit_price=price,
        )
    return header, line, errors


def _find_duplicates(orders: list[PreviewOrder]) -> None:
    """Existing orders of the same customer with the same PO (case-insensitive), in one query."""
    wanted = {(o.customer.pk, o.customer_po.upper()): o for o in orders if o.customer and o.customer_po}
    if not wanted:
        return
    existing = (
        Order.objects.annotate(upo=Upper("customer_po"))
        .select_related("customer")  # a draft is named by its customer
        .filter(customer_id__in={k[0] for k in wanted}, upo__in={k[1] for k in wanted})
        .order_by("-received_at")
    )
    for order in existing:
        target = wanted.get((order.customer_id, order.upo))
        if target is not None and len(target.duplicates) < 5:
            target.duplicates.append(order)


def spreadsheet_read(uploaded) -> tuple[str, bytes, list[tuple[int, list]]]:
    """The file's name, bytes and non-empty rows (the header first), each as (row number, cells).

    Shared with the go-live import (golive.services), which reads the same kinds of file. Raises
    InvalidInput when the file as a whole cannot be used (type, size, encoding, empty, too many rows).
    """
    name = PurePath(getattr(uploaded, "name", "") or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xls":
        raise InvalidInput(_("Old Excel files (.xls) are not accepted. Save the file as .xlsx or CSV."))
    if suffix not in SUFFIXES:
        raise InvalidInput(_("Upload a .csv or .xlsx file."))
    attachment_validate(uploaded)  # size limit and empty file, as for any attachment
    uploaded.seek(0)
    data = uploaded.read()
    if len(data) > settings.ATTACHMENT_MAX_BYTES:
        raise InvalidInput(_("The file is too large."))
    rows = _read_csv(data) if suffix == ".csv" else _read_xlsx(data)

    rows = [(number, cells) for number, cells in rows if any(cell_text(cell) for cell in cells)]
    if not rows:
        raise InvalidInput(_("The file is empty."))
    if len(rows) - 1 > MAX_ROWS:
        raise InvalidInput(
            _("The file has more than %(limit)d rows. Split it into smaller files.") % {"limit": MAX_ROWS}
        )
    return name, data, rows


def spreadsheet_parse(uploaded) -> ImportPreview:
    """Read a CSV (UTF-8 or GBK) or XLSX file of order lines into orders, with every problem per row.

    Rows with the same customer code and customer PO form one order. Saves nothing. Raises InvalidInput
    when the file as a whole cannot be used (type, size, encoding, no header, too many rows).
    """
    name, data, rows = spreadsheet_read(uploaded)
    (_header_row, header_cells), data_rows = rows[0], rows[1:]
    positions, ignored, header_errors = map_header(header_cells, columns=COLUMNS, required=REQUIRED_COLUMNS)
    preview = ImportPreview(filename=name, content=data, row_count=len(data_rows), ignored_columns=ignored)
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
    lookups = SheetLookups([record for _number, record in records])
    groups: dict[tuple[str, str], PreviewOrder] = {}
    for number, record in records:
        header, line, errors = _check_row(number, record, lookups)
        values = _display(record)
        code, po = values["customer_code"], values["customer_po"]
        key = (code.upper(), po.upper())
        order = groups.get(key)
        if order is None:
            order = groups[key] = PreviewOrder(customer_code=code, customer_po=po, first_row=number, **header)
            order.first_values = values
        else:
            for column in ORDER_FIELDS:
                if values[column].upper() != order.first_values[column].upper():
                    errors.append(
                        RowError(
                            number,
                            column,
                            _("Differs from row %(row)d, the first line of this order.") % {"row": order.first_row},
                        )
                    )
                    line = None
        order.lines.append(PreviewLine(row=number, values=values, line=line, errors=errors))
        preview.errors.extend(errors)
    preview.orders = list(groups.values())
    _find_duplicates(preview.orders)
    return preview


def _display(record: dict) -> dict[str, str]:
    values = {column: cell_text(record.get(column)) for column in COLUMNS}
    if values["delivery_date"]:
        with contextlib.suppress(ValueError, TypeError, OverflowError):
            values["delivery_date"] = cell_date(record.get("delivery_date")).isoformat()
    return values


# --- saving --------------------------------------------------------------------------------------------


def _attachment_share(*, order: Order, stored: Attachment, actor) -> Attachment:
    """Attach a file already stored for a sibling order of the same import, without a second copy.
    Attachments are evidence and are never deleted, so sharing the stored file is safe."""
    attachment = Attachment.objects.create(
        order=order,
        kind=stored.kind,
        file=stored.file.name,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        uploaded_by=actor,
    )
    events.event_attachment(order, actor, name=stored.original_name, kind=stored.kind)
    return attachment


def spreadsheet_import(*, preview_or_file, actor, allow_duplicates: bool = False) -> list[Order]:
    """Save every order of the file, or none.

    The file is parsed again inside the transaction, so what is saved is checked against the data of
    now, not of the preview. The importing merchandiser owns every order, whoever the customer's usual
    merchandiser is. Each order gets the file as its source (kind source_sheet); the file is stored once.
    Existing orders with the same customer PO refuse the import unless `allow_duplicates`.
    """
    if not has_role(actor, Role.MERCHANDISER):
        raise NotPermitted(_("Only merchandisers import orders."))
    source = preview_or_file.as_file() if isinstance(preview_or_file, ImportPreview) else preview_or_file
    with transaction.atomic():
        preview = spreadsheet_parse(source)
        if preview.errors or not preview.orders:
            raise InvalidInput(
                _("The spreadsheet has errors; nothing was imported."),
                reasons=[str(e) for e in preview.errors[:20]],
            )
        # Lock the customers, then look for duplicates again: two imports of the same file at once
        # queue here, and the second one sees the first one's orders.
        customer_ids = sorted({order.customer.pk for order in preview.orders})
        list(Customer.objects.select_for_update().filter(pk__in=customer_ids).order_by("pk").values_list("pk"))
        for order in preview.orders:
            order.duplicates = []
        _find_duplicates(preview.orders)
        if preview.duplicate_orders and not allow_duplicates:
            raise InvalidInput(
                _("Some customer PO numbers already exist; nothing was imported."),
                reasons=[f"{o.customer_code} {o.customer_po}" for o in preview.duplicate_orders[:20]],
            )
        created: list[Order] = []
        stored: Attachment | None = None
        for planned in preview.orders:
            order = order_create(
                data=planned.to_input(),
                channel=Channel.SPREADSHEET,
                actor=actor,
                merchandiser=actor,
                source_file=preview.as_file() if stored is None else None,
                source_kind=AttachmentKind.SOURCE_SHEET,
            )
            if stored is None:
                stored = order.attachments.filter(kind=AttachmentKind.SOURCE_SHEET).latest("pk")
            else:
                _attachment_share(order=order, stored=stored, actor=actor)
            created.append(order)
    return created
