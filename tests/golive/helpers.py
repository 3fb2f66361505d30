"""Building go-live files for the tests: rows as dicts of canonical columns, written as CSV or XLSX with
English or Chinese headers."""

import csv
import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook

from golive.services import COLUMNS


def day(offset: int) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def row(**values) -> dict:
    base = {
        "customer_code": "ACME",
        "currency": "USD",
        "received_date": day(-40),
        "delivery_date": day(60),
        "description": "Cotton T-shirt",
        "quantity": "1000",
        "unit": "PCS",
        "unit_price": "2.50",
    }
    return base | values


def four_states() -> list[dict]:
    """Four orders, one in each of received, confirmed, in production (a line partly shipped) and shipped."""
    return [
        row(customer_po="GL-1", state="received"),
        row(customer_po="GL-2", state="confirmed", confirmed_date=day(-38)),
        row(
            customer_po="GL-3",
            state="in_production",
            confirmed_date=day(-35),
            factory="Ningbo No. 2",
            milestones_done="materials_booked",
            shipped_quantity="400",
            carrier="sf-express",
            ship_date=day(-2),
        ),
        row(
            customer_po="GL-3",
            state="in_production",
            confirmed_date=day(-35),
            factory="Ningbo No. 2",
            milestones_done="materials_booked",
            carrier="sf-express",
            ship_date=day(-2),
            description="Polo",
            quantity="300",
        ),
        row(
            customer_po="GL-4",
            state="shipped",
            confirmed_date=day(-30),
            delivery_date=day(-1),
            factory="Ningbo No. 2",
            carrier="sf-express",
        ),
    ]


def _table(rows: list[dict], chinese: bool) -> list[list]:
    header = [aliases[-1] if chinese else aliases[0] for aliases in COLUMNS.values()]
    return [header, *([r.get(key, "") for key in COLUMNS] for r in rows)]


def csv_file(rows: list[dict], *, chinese=False, name="golive.csv", encoding="utf-8-sig") -> ContentFile:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(_table(rows, chinese))
    return ContentFile(buffer.getvalue().encode(encoding), name=name)


def xlsx_file(rows: list[dict], *, chinese=False, name="golive.xlsx") -> ContentFile:
    workbook = Workbook()
    for values in _table(rows, chinese):
        workbook.active.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return ContentFile(out.getvalue(), name=name)


def many(count: int, *, prefix: str = "BULK") -> list[dict]:
    """`count` one-line orders spread over every state the import accepts, as the go-live bench's file: in
    production and later a factory and carrier, entered and in production a milestone done, in production a
    part shipped, shipped or later all of it."""
    states = ["received", "confirmed", "entered", "in_production", "shipped", "after_sales", "closed"]
    rows = []
    for n in range(count):
        rank = n % len(states)
        rows.append(
            row(
                customer_po=f"{prefix}-{n:04d}",
                state=states[rank],
                confirmed_date=day(-35) if rank >= 1 else "",
                delivery_date=day(60 if rank <= 3 else -1),
                factory="Ningbo No. 2" if rank >= 3 else "",
                milestones_done="materials_booked" if rank in (2, 3) else "",
                shipped_quantity="400" if rank == 3 else "",
                carrier="sf-express" if rank >= 3 else "",
            )
        )
    return rows
