"""The go-live template: the columns the import reads, what each holds, and the file to fill in (CSV or
XLSX), its headers in the reader's language (the import accepts either)."""

import csv
import io

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .services import COLUMN_LABELS, COLUMNS

TEMPLATE_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

HELP = {
    "customer_code": _("Required. The customer's code in this system."),
    "customer_po": _("Required. The customer's PO number: with the customer, the key of the order."),
    "order_number": _("Optional, entered orders only: the number it already has. Empty: the next number."),
    "merchandiser": _("Optional. Who follows it (their sign-in name). Empty: the customer's usual merchandiser."),
    "state": _(
        "Required. received, confirmed, entered, in_production, shipped, after_sales or closed (or the state's name)."
    ),
    "currency": _("Required. A currency code, e.g. USD, CNY, EUR."),
    "received_date": _("Required. YYYY-MM-DD, or an Excel date."),
    "confirmed_date": _("Required from confirmed on: when the customer confirmed."),
    "delivery_date": _("Required. The promised delivery date; may be past."),
    "ex_factory_date": _("Optional. Moves the T&A plan to this ex-factory date."),
    "trade_terms": _("Optional, e.g. FOB Ningbo."),
    "style_no": _("Optional. A style number known to this system."),
    "description": _("Required when there is no style number."),
    "colour": _("Optional."),
    "size": _("Optional."),
    "quantity": _("Required. More than zero, at most 2 decimals."),
    "unit": _("Required (unless the style has one). A unit code, e.g. PCS, SET, or its name."),
    "unit_price": _("Required. At most 4 decimals."),
    "factory": _("Optional, in production or later: where it is made."),
    "milestones_done": _(
        "Optional, entered or in production: the T&A milestones done, codes or names, comma-separated."
    ),
    "shipped_quantity": _("Optional, in production: the line's quantity shipped so far. Shipped or later: all of it."),
    "carrier": _("Required when something has shipped: the carrier's code or name."),
    "ship_date": _("Optional. When it shipped; empty: the ex-factory or delivery date."),
}

EXAMPLES = [
    {
        "customer_code": "ACME",
        "customer_po": "PO-4711",
        "state": "in_production",
        "currency": "USD",
        "received_date": "2026-09-01",
        "confirmed_date": "2026-09-03",
        "delivery_date": "2027-01-20",
        "trade_terms": "FOB Ningbo",
        "description": "Cotton T-shirt",
        "quantity": "1200",
        "unit": "PCS",
        "unit_price": "3.25",
        "factory": "Ningbo No. 2 Garment",
        "milestones_done": "materials_booked",
    },
]


def template_columns() -> list[dict]:
    """The columns as the import page lists them: canonical header, Chinese header, label, what it holds."""
    return [
        {"key": key, "zh": aliases[-1], "label": COLUMN_LABELS[key], "help": HELP[key]}
        for key, aliases in COLUMNS.items()
    ]


def _headers() -> list[str]:
    chinese = (get_language() or "").lower().startswith("zh")
    return [aliases[-1] if chinese else aliases[0] for aliases in COLUMNS.values()]


def template_file(fmt: str) -> tuple[bytes, str]:
    rows = [_headers(), *([example.get(key, "") for key in COLUMNS] for example in EXAMPLES)]
    if fmt == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        return text.getvalue().encode("utf-8-sig"), TEMPLATE_FORMATS["csv"]
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), TEMPLATE_FORMATS["xlsx"]
