"""The PI and the packing list drawn as PDF with fpdf2, in Chinese and English on the same page.

Every Chinese glyph is set in Noto Sans SC, embedded as a subset (only the glyphs used), so the file reads
the same on a machine with no Chinese font. The font comes from a PyPI package (pylopdf-fonts-zh-cn, SIL
Open Font License), so `pip install` is all a fresh machine needs (docs/documents.md).

This is drawing, not markup: the functions take plain values (the services read the rows) and return bytes.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pylopdf_fonts_zh_cn


@cache
def font_path() -> Path:
    return Path(pylopdf_fonts_zh_cn.sans_path())


@dataclass(frozen=True)
class Letterhead:
    name: str
    address: str
    logo: Path | None = None


@dataclass(frozen=True)
class PiLine:
    no: int
    item: str  # style number and description
    detail: str  # colour and size
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PiData:
    number: str  # PI-<order>-v<version>
    version: int
    issued: date
    order_number: str
    customer_po: str
    buyer: str
    buyer_address: str
    currency: str
    lines: list[PiLine]
    total: Decimal
    trade_terms: str
    payment_terms: str
    delivery_date: date
    ship_to: str


@dataclass(frozen=True)
class PackingLine:
    no: int
    item: str
    quantity: Decimal
    unit: str
    cartons: int | None
    per_carton: Decimal | None
    net_kg: Decimal | None
    gross_kg: Decimal | None
    carton_range: str = ""


@dataclass(frozen=True)
class PackingData:
    number: str  # PL-<shipment>-v<version>
    version: int
    issued: date
    shipment: str
    order_number: str
    customer_po: str
    buyer: str
    ship_to: str
    carrier: str
    mode: str
    tracking: str
    ship_date: date
    eta: date
    lines: list[PackingLine] = field(default_factory=list)


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def number(value: Decimal | int | None) -> str:
    """100.00 -> "100", 1234.5 -> "1,234.5"; empty for a value not given."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():,f}"
    return text


def render_pi(data: PiData, letterhead: Letterhead) -> bytes:
    # fpdf2 and fontTools take seconds to import, so only a process that draws a PDF pays for them: not
    # every web worker, Celery process and manage.py command that loads the app.
    from . import drawing

    return drawing.render_pi(data, letterhead)


def render_packing_list(data: PackingData, letterhead: Letterhead) -> bytes:
    from . import drawing

    return drawing.render_packing_list(data, letterhead)


def packing_totals(lines: list[PackingLine]) -> dict:
    return {
        "cartons": sum(line.cartons or 0 for line in lines),
        "quantity": sum((line.quantity for line in lines), Decimal("0")),
        "net_kg": sum((line.net_kg or Decimal("0") for line in lines), Decimal("0")),
        "gross_kg": sum((line.gross_kg or Decimal("0") for line in lines), Decimal("0")),
    }
