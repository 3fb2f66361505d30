"""Scorecards and whole quarters as XLSX (openpyxl) and a scorecard as PDF (reportlab).

The PDF draws Chinese with reportlab's built-in CID font STSong-Light (Adobe's Asian font pack names it;
the viewer supplies the glyphs), so no font file ships with the product."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.cells import neutralise_sheet
from core.exports import EXCEL_DATETIME, local_naive

from .codes import KpiCode

CJK_FONT = "STSong-Light"


def _person(user) -> str:
    name = f"{user.last_name}{user.first_name}".strip() if user.last_name else user.get_full_name()
    return name or user.get_username()


def _number(value):
    return float(value) if value is not None else None


def _total(value):
    """A total, or the words saying there is none (not enough data to score)."""
    return float(value) if value is not None else str(_("not enough data"))


def _total_text(value) -> str:
    return str(value) if value is not None else str(_("not enough data"))


def _line_row(line) -> list:
    return [
        str(KpiCode(line.kpi).label),
        line.weight,
        _number(line.numerator),
        _number(line.denominator),
        _number(line.value),
        _number(line.target),
        _number(line.floor),
        _number(line.score),
        _number(line.adjusted_score),
        _number(line.effective_points),
        _("yes") if line.applicable else _("no"),
    ]


LINE_HEADERS = [
    gettext_lazy("KPI"),
    gettext_lazy("Weight"),
    gettext_lazy("Numerator"),
    gettext_lazy("Denominator"),
    gettext_lazy("Value"),
    gettext_lazy("Target"),
    gettext_lazy("Floor"),
    gettext_lazy("Score"),
    gettext_lazy("Adjusted score"),
    gettext_lazy("Weighted points"),
    gettext_lazy("Applies"),
]


def _fit(sheet) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, width + 2))


def _bold_row(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)


def scorecard_xlsx(view) -> bytes:
    card = view.scorecard
    book = Workbook()
    sheet = book.active
    sheet.title = str(card.evaluation.period)
    sheet.append([_("Scorecard"), str(card.evaluation.period), card.evaluation.get_status_display()])
    sheet.append([_("Merchandiser"), _person(card.merchandiser), card.merchandiser.employee_no or ""])
    sheet.append([_("Team"), str(card.team) if card.team else ""])
    sheet.append([_("Total"), _total(card.total), _("computed"), _total(card.computed_total)])
    sheet.append([_("Weight measured"), card.coverage])
    sheet.append([])
    sheet.append([str(h) for h in LINE_HEADERS])
    _bold_row(sheet, sheet.max_row)
    for line in view.lines:
        sheet.append(_line_row(line))
    if view.adjustments:
        sheet.append([])
        sheet.append([_("Adjustments"), _("By"), _("At"), _("Old score"), _("New score"), _("Reason")])
        _bold_row(sheet, sheet.max_row)
        for a in view.adjustments:
            sheet.append(
                [
                    str(KpiCode(a.line.kpi).label),
                    _person(a.by),
                    local_naive(a.at),  # a real Excel time, the company's wall clock
                    _number(a.old_score),
                    _number(a.new_score),
                    a.reason,
                ]
            )
            sheet.cell(row=sheet.max_row, column=3).number_format = EXCEL_DATETIME
    _fit(sheet)
    out = BytesIO()
    for sheet in book.worksheets:
        neutralise_sheet(sheet)
    book.save(out)
    return out.getvalue()


def quarter_xlsx(evaluation, scorecards) -> bytes:
    """One row per person (ranking) and one sheet with every KPI line."""
    book = Workbook()
    ranking = book.active
    ranking.title = _("Ranking")
    ranking.append(
        [
            _("Rank"),
            _("Merchandiser"),
            _("Employee number"),
            _("Team"),
            _("Total"),
            _("Computed total"),
            _("Weight measured"),
        ]
    )
    _bold_row(ranking, 1)
    lines_sheet = book.create_sheet(_("KPIs"))
    lines_sheet.append([_("Merchandiser"), *[str(h) for h in LINE_HEADERS]])
    _bold_row(lines_sheet, 1)
    for card in scorecards:
        ranking.append(
            [
                getattr(card, "rank", None),
                _person(card.merchandiser),
                card.merchandiser.employee_no or "",
                str(card.team) if card.team else "",
                _total(card.total),
                _total(card.computed_total),
                card.coverage,
            ]
        )
        for line in card.lines.all():
            lines_sheet.append([_person(card.merchandiser), *_line_row(line)])
    _fit(ranking)
    _fit(lines_sheet)
    out = BytesIO()
    for sheet in book.worksheets:
        neutralise_sheet(sheet)
    book.save(out)
    return out.getvalue()


def scorecard_pdf(view) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    card = view.scorecard
    title_style = ParagraphStyle("title", fontName=CJK_FONT, fontSize=15, leading=19)
    text = ParagraphStyle("text", fontName=CJK_FONT, fontSize=9, leading=12)
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{card.evaluation.period} {_person(card.merchandiser)}",
        author="Gendan",
    )
    story = [
        Paragraph(escape(f"{_('Scorecard')} {card.evaluation.period} · {_person(card.merchandiser)}"), title_style),
        Spacer(0, 3 * mm),
        Paragraph(
            escape(
                f"{_('Team')}: {card.team or '—'} · {_('State')}: {card.evaluation.get_status_display()} · "
                f"{_('Total')}: {_total_text(card.total)} ({_('computed')} {_total_text(card.computed_total)}) · "
                f"{_('Weight measured')}: {card.coverage}"
            ),
            text,
        ),
        Spacer(0, 4 * mm),
    ]
    rows = [[Paragraph(escape(str(h)), text) for h in LINE_HEADERS]]
    for line in view.lines:
        rows.append([Paragraph(escape(str(v)) if v is not None else "—", text) for v in _line_row(line)])
    table = Table(rows, repeatRows=1, colWidths=[62 * mm] + [20 * mm] * 10)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#d6dbe1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    if view.adjustments:
        story += [Spacer(0, 4 * mm), Paragraph(escape(_("Adjustments")), title_style)]
        for a in view.adjustments:
            story.append(
                Paragraph(
                    escape(
                        f"{KpiCode(a.line.kpi).label}: {a.old_score} → {a.new_score} · {_person(a.by)} · "
                        f"{timezone.localtime(a.at):%Y-%m-%d %H:%M} · {a.reason}"
                    ),
                    text,
                )
            )
    if view.comments:
        story += [Spacer(0, 4 * mm), Paragraph(escape(_("Comments")), title_style)]
        for c in view.comments:
            line = f"{_person(c.author)} ({timezone.localtime(c.created_at):%Y-%m-%d}): {c.body}"
            story.append(Paragraph(escape(line), text))
    doc.build(story)
    return out.getvalue()
