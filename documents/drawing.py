"""The drawing half of documents/pdf.py: fpdf2 lays out the PI and the packing list from the plain values
that pdf.py's data classes hold. Imported only when a PDF is drawn (pdf.render_pi, pdf.render_packing_list)."""

from decimal import Decimal

from fpdf import FPDF
from fpdf.fonts import FontFace

from .pdf import Letterhead, PackingData, PiData, font_path, money, number, packing_totals

FONT = "NotoSansSC"
GREY = (90, 90, 90)
HEAD_FILL = (225, 232, 240)


class _Pdf(FPDF):
    """A page with the document's number and the page count at its foot, on every page."""

    reference = ""

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=7.5)
        self.set_text_color(*GREY)
        self.cell(0, 4, f"{self.reference} · {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)


def _document(letterhead: Letterhead, title_zh: str, title_en: str, reference: str) -> FPDF:
    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    pdf.reference = reference
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    pdf.add_font(FONT, fname=str(font_path()))
    pdf.set_title(f"{title_en} {title_zh}")
    pdf.set_creator(letterhead.name)
    pdf.add_page()
    _letterhead(pdf, letterhead)
    pdf.set_font(FONT, size=16)
    pdf.cell(0, 10, f"{title_zh}  {title_en}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    return pdf


def _letterhead(pdf: FPDF, letterhead: Letterhead) -> None:
    top = pdf.get_y()
    left = pdf.l_margin
    if letterhead.logo and letterhead.logo.is_file():
        pdf.image(str(letterhead.logo), x=left, y=top, h=16)
        left += 20
    pdf.set_xy(left, top)
    pdf.set_font(FONT, size=12)
    pdf.multi_cell(0, 6, letterhead.name, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(left)
    pdf.set_font(FONT, size=8.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4.5, letterhead.address, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.set_y(max(pdf.get_y(), top + 17) + 1)
    pdf.set_draw_color(*GREY)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)


def _facts(pdf: FPDF, rows: list[tuple[str, str]], *, width: float, label_width: float = 30) -> None:
    """Label and value rows, the label in both languages."""
    pdf.set_font(FONT, size=9)
    with pdf.table(
        col_widths=(label_width, width - label_width),
        width=width,
        align="LEFT",
        text_align="LEFT",
        borders_layout="NONE",
        first_row_as_headings=False,
        line_height=5,
        padding=0.6,
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=FontFace(color=GREY))
            row.cell(value or "—")


def _two_columns(pdf: FPDF, left: list[tuple[str, str]], right: list[tuple[str, str]]) -> None:
    half = (pdf.epw - 6) / 2
    top = pdf.get_y()
    _facts(pdf, left, width=half)
    bottom = pdf.get_y()
    pdf.set_y(top)
    pdf.set_left_margin(pdf.l_margin + half + 6)
    pdf.set_x(pdf.l_margin)
    _facts(pdf, right, width=half)
    pdf.set_left_margin(15)
    pdf.set_y(max(bottom, pdf.get_y()) + 3)


def _grid(pdf: FPDF, headings: list[str], widths: tuple, rows: list[list[str]], aligns: tuple) -> None:
    pdf.set_font(FONT, size=8.5)
    with pdf.table(
        col_widths=widths,
        text_align=aligns,
        line_height=4.6,
        padding=1,
        headings_style=FontFace(fill_color=HEAD_FILL),
        repeat_headings=1,
    ) as table:
        head = table.row()
        for text in headings:
            head.cell(text)
        for values in rows:
            row = table.row()
            for text in values:
                row.cell(text)
    pdf.ln(2)


def _signatures(pdf: FPDF, seller: str, buyer: str) -> None:
    """Two signature boxes side by side, their lines at the same height whatever the names' length."""
    pdf.ln(6)
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    half = (pdf.epw - 10) / 2
    top = pdf.get_y()
    line_y = top + 26
    for i, label in enumerate((f"卖方 Seller: {seller}", f"买方 Buyer: {buyer}")):
        x = pdf.l_margin + i * (half + 10)
        pdf.set_xy(x, top)
        pdf.set_font(FONT, size=9.5)
        pdf.multi_cell(half, 5, label, align="L", new_x="LEFT", new_y="NEXT")
        pdf.line(x, line_y, x + half, line_y)
        pdf.set_xy(x, line_y + 1)
        pdf.set_font(FONT, size=8)
        pdf.set_text_color(*GREY)
        pdf.cell(half, 4, "签字盖章 Signature and stamp        日期 Date")
        pdf.set_text_color(0)
    pdf.set_y(line_y + 6)


def render_pi(data: PiData, letterhead: Letterhead) -> bytes:
    pdf = _document(letterhead, "形式发票", "PROFORMA INVOICE", data.number)
    _two_columns(
        pdf,
        [
            ("卖方 Seller", letterhead.name),
            ("买方 Buyer", data.buyer),
            ("地址 Address", data.buyer_address),
        ],
        [
            ("发票号 PI No.", data.number),
            ("日期 Date", data.issued.isoformat()),
            ("订单号 Order No.", data.order_number),
            ("客户订单号 PO No.", data.customer_po),
            ("币种 Currency", data.currency),
        ],
    )
    rows = [
        [
            str(line.no),
            line.item,
            line.detail,
            number(line.quantity),
            line.unit,
            number(line.unit_price),
            money(line.amount),
        ]
        for line in data.lines
    ]
    total_quantity = sum((line.quantity for line in data.lines), Decimal("0"))
    rows.append(["", "合计 Total", "", number(total_quantity), "", data.currency, money(data.total)])
    _grid(
        pdf,
        [
            "#",
            "款号 / 品名 Style / Description",
            "颜色 / 尺码 Colour / Size",
            "数量 Qty",
            "单位 Unit",
            f"单价 Unit price ({data.currency})",
            f"金额 Amount ({data.currency})",
        ],
        (8, 52, 30, 20, 14, 26, 30),
        rows,
        ("CENTER", "LEFT", "LEFT", "RIGHT", "CENTER", "RIGHT", "RIGHT"),
    )
    pdf.set_font(FONT, size=10)
    pdf.cell(
        0, 6, f"总金额 Total amount: {data.currency} {money(data.total)}", align="R", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(2)
    _facts(
        pdf,
        [
            ("贸易条款 Trade terms", data.trade_terms),
            ("付款条件 Payment terms", data.payment_terms),
            ("交货日期 Delivery date", data.delivery_date.isoformat()),
            ("收货地址 Ship to", data.ship_to),
        ],
        width=pdf.epw,
        label_width=46,
    )
    _signatures(pdf, letterhead.name, data.buyer)
    return bytes(pdf.output())


def render_packing_list(data: PackingData, letterhead: Letterhead) -> bytes:
    pdf = _document(letterhead, "装箱单", "PACKING LIST", data.number)
    _two_columns(
        pdf,
        [
            ("卖方 Seller", letterhead.name),
            ("买方 Buyer", data.buyer),
            ("收货地址 Ship to", data.ship_to),
        ],
        [
            ("单号 No.", data.number),
            ("日期 Date", data.issued.isoformat()),
            ("发货批次 Shipment", data.shipment),
            ("订单号 Order No.", data.order_number),
            ("客户订单号 PO No.", data.customer_po),
        ],
    )
    _facts(
        pdf,
        [
            ("承运人 Carrier", f"{data.carrier} · {data.mode}"),
            ("运单号 Tracking No.", data.tracking),
            ("发货日期 Ship date", data.ship_date.isoformat()),
            ("预计到达 ETA", data.eta.isoformat()),
        ],
        width=pdf.epw,
        label_width=46,
    )
    pdf.ln(2)
    rows = [
        [
            str(line.no),
            line.item,
            line.carton_range,
            number(line.cartons),
            number(line.per_carton),
            f"{number(line.quantity)} {line.unit}",
            number(line.net_kg),
            number(line.gross_kg),
        ]
        for line in data.lines
    ]
    totals = packing_totals(data.lines)
    rows.append(
        [
            "",
            "合计 Total",
            "",
            number(totals["cartons"]),
            "",
            number(totals["quantity"]),
            number(totals["net_kg"]),
            number(totals["gross_kg"]),
        ]
    )
    _grid(
        pdf,
        [
            "#",
            "款号 / 品名 Style / Description",
            "箱号 Carton No.",
            "箱数 Cartons",
            "每箱数量 Qty / carton",
            "数量 Quantity",
            "净重 Net (kg)",
            "毛重 Gross (kg)",
        ],
        (8, 50, 20, 17, 20, 24, 20, 21),
        rows,
        ("CENTER", "LEFT", "CENTER", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
    )
    _signatures(pdf, letterhead.name, data.buyer)
    return bytes(pdf.output())
