"""A list as a file: CSV or XLSX, the list's own django-tables2 columns and labels (every list exports here).

Both are read on a Chinese Windows as often as anywhere: the CSV starts with a UTF-8 byte-order mark, or
Excel there reads it as GBK and garbles every Chinese name. Times are the company's (settings.TIME_ZONE):
in the CSV as text to the minute, in the XLSX as real Excel dates and times that sort and filter as such.
"""

import csv
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.cells import neutral_text, neutralise_sheet

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_DATETIME = "yyyy-mm-dd hh:mm"
EXCEL_DATE = "yyyy-mm-dd"


def local_naive(value: datetime) -> datetime:
    """An aware datetime as the company's wall-clock time, without its zone: what a spreadsheet cell holds
    (openpyxl refuses aware datetimes, and Excel has no time zones)."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{local_naive(value):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)  # a negative number is a number, not a formula
    return neutral_text(str(value))


def table_csv(rows) -> bytes:
    """`rows`: the header, then the rows, as Table.as_values() yields them."""
    out = StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(rows, *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit for a sheet's name
    widths: dict[int, int] = {}
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if isinstance(value, datetime):
                value, number_format, width = local_naive(value), EXCEL_DATETIME, 16
            elif isinstance(value, date):
                number_format, width = EXCEL_DATE, 10
            else:
                value = "" if value is None else value
                number_format, width = None, len(str(value))
            cell = sheet.cell(row=row_number, column=column, value=value)
            if number_format:
                cell.number_format = number_format
            if row_number == 1:
                cell.font = Font(bold=True)
            widths[column] = max(widths.get(column, 0), width)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(60, max(10, width + 2))
    sheet.freeze_panes = "A2"
    neutralise_sheet(sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def export_response(table, *, fmt: str, title: str, filename: str) -> HttpResponse:
    """`table` (a django-tables2 Table, its chosen columns only) as a CSV or XLSX download named
    `<filename>-<today>.<fmt>`."""
    values = table.as_values()
    if fmt == "csv":
        response = HttpResponse(table_csv(values), content_type=CSV_TYPE)
    else:
        response = HttpResponse(table_xlsx(values, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate():%Y%m%d}.{fmt}"'
    return response
