"""Spreadsheet import: CSV (UTF-8, GBK) and XLSX, the preview with per-row problems, all-or-nothing import."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from core.errors import InvalidInput, NotPermitted
from orders.models import Attachment, AttachmentKind, Channel, Order, OrderEvent, OrderLine
from orders.services import spreadsheet_import as sheet_service
from orders.services.spreadsheet_import import spreadsheet_import, spreadsheet_parse

from ..factories import CustomerFactory, ProductFactory, make_order

URL = reverse("orders:intake_spreadsheet")
EN = [
    "customer_code",
    "customer_po",
    "delivery_date",
    "currency",
    "style_no",
    "description",
    "colour",
    "size",
    "quantity",
    "unit",
    "unit_price",
    "trade_terms",
]
ZH = ["客户代码", "客户订单号", "交货日期", "币种", "款号", "品名", "颜色", "尺码", "数量", "单位", "单价", "贸易条款"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def customers(merchandiser, other_merchandiser):
    # ACME's usual merchandiser is someone else: the importer still owns what they import.
    return {
        "ACME": CustomerFactory(code="ACME", merchandiser=other_merchandiser),
        "BETA": CustomerFactory(code="BETA", merchandiser=merchandiser),
    }


def later(days=60) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def good_rows() -> list[list]:
    """Two orders: ACME/PO-1 with two lines, BETA/PO-2 with one."""
    return [
        ["acme", "PO-1", later(), "USD", "", "Cotton T-shirt", "Navy", "M", "1,200", "PCS", "2.35", "FOB Ningbo"],
        ["ACME", "PO-1", later(), "usd", "", "Cotton T-shirt", "Navy", "L", "800", "pcs", "2.35", "FOB Ningbo"],
        ["BETA", "PO-2", later(90), "EUR", "", "Scarf", "Grey", "", "500", "件", "4.1", ""],
    ]


def csv_bytes(rows, header=EN, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(client, name: str, data: bytes):
    return client.post(URL, {"step": "preview", "file": SimpleUploadedFile(name, data)})


def import_post(client, response, **extra):
    return client.post(URL, {"step": "import", "stash": response.context["import_form"].initial["stash"], **extra})


def stash_files(media_root) -> list[Path]:
    folder = Path(media_root) / "intake-tmp"
    return list(folder.iterdir()) if folder.exists() else []


def error_cells(preview) -> set[tuple]:
    return {(e.row, e.field) for e in preview.errors}


# --- good files ----------------------------------------------------------------------------------------


def test_good_csv_utf8_preview_then_import(client, merchandiser, customers, media):
    data = csv_bytes(good_rows())
    client.force_login(merchandiser)

    # preview: parsed, nothing saved
    response = upload(client, "orders.csv", data)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.ok and preview.errors == []
    assert [(o.customer_code.upper(), o.customer_po, len(o.lines)) for o in preview.orders] == [
        ("ACME", "PO-1", 2),
        ("BETA", "PO-2", 1),
    ]
    assert preview.orders[0].lines[0].line.quantity == Decimal("1200")
    assert Order.objects.count() == 0
    assert "Cotton T-shirt" in response.content.decode()

    # import: all saved, owned by the importer, the file on every order
    response = import_post(client, response)
    assert response.status_code == 302 and response.url == reverse("orders:list")
    orders = list(Order.objects.order_by("pk"))
    assert len(orders) == 2
    assert {o.channel for o in orders} == {Channel.SPREADSHEET}
    assert {o.merchandiser for o in orders} == {merchandiser}
    assert {o.created_by for o in orders} == {merchandiser}
    assert orders[0].customer == customers["ACME"] and orders[0].customer_po == "PO-1"
    assert orders[0].trade_terms == "FOB Ningbo" and orders[0].currency.code == "USD"
    assert [(line.line_no, line.size, line.quantity) for line in orders[0].lines.all()] == [
        (1, "M", Decimal("1200")),
        (2, "L", Decimal("800")),
    ]
    assert orders[1].lines.get().unit.code == "PCS"  # "件" is the unit's Chinese name
    attachments = list(Attachment.objects.order_by("order_id"))
    assert [a.order_id for a in attachments] == [o.pk for o in orders]
    assert {a.kind for a in attachments} == {AttachmentKind.SOURCE_SHEET}
    assert {a.original_name for a in attachments} == {"orders.csv"}
    assert len({a.file.name for a in attachments}) == 1  # stored once, shared
    with attachments[1].file.open("rb") as handle:
        assert handle.read() == data
    assert OrderEvent.objects.filter(type="attachment_added").count() == 2
    assert stash_files(media) == []


def test_good_csv_gbk_with_chinese_headers(client, merchandiser, customers):
    rows = good_rows()
    rows[0][5] = "纯棉T恤"
    data = csv_bytes(rows, header=ZH, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GBK
    client.force_login(merchandiser)
    response = upload(client, "订单.csv", data)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.ok, preview.errors
    assert preview.orders[0].lines[0].values["description"] == "纯棉T恤"
    response = import_post(client, response)
    assert response.status_code == 302
    assert OrderLine.objects.filter(description="纯棉T恤").count() == 1


def test_csv_semicolon_separated(merchandiser, customers):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(EN)
    writer.writerows(good_rows())
    preview = spreadsheet_parse(ContentFile(buffer.getvalue().encode(), name="x.csv"))
    assert preview.ok and len(preview.orders) == 2


def xlsx_bytes(rows, header=EN) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_good_xlsx_with_excel_dates_and_numbers(client, merchandiser, customers):
    delivery = datetime.combine(timezone.localdate() + timedelta(days=45), datetime.min.time())
    product = ProductFactory(style_no="ST-9001")
    rows = [
        ["ACME", 450012, delivery, "USD", "st-9001", None, "Red", "S", 100, None, 2.5300000000000002, "FOB"],
        ["ACME", 450012.0, delivery, "USD", None, "Hoodie", "Red", "M", 50.5, "PCS", 12, "FOB"],
    ]
    client.force_login(merchandiser)
    response = upload(client, "book.xlsx", xlsx_bytes(rows))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.ok, preview.errors
    (order,) = preview.orders
    assert order.customer_po == "450012" and order.delivery_date == delivery.date()
    first, second = (line.line for line in order.lines)
    assert first.product == product and first.unit == product.unit  # the style's unit when none is given
    assert first.unit_price == Decimal("2.53")
    assert second.quantity == Decimal("50.5")
    response = import_post(client, response)
    assert response.status_code == 302
    saved = Order.objects.get()
    assert saved.customer_po == "450012"
    assert saved.lines.first().description == product.name
    assert saved.attachments.get().kind == AttachmentKind.SOURCE_SHEET


def test_xlsx_date_serial_number_and_chinese_headers(merchandiser, customers):
    serial = (timezone.localdate() + timedelta(days=30) - datetime(1899, 12, 30).date()).days
    rows = [["BETA", "P-77", serial, "CNY", None, "袜子", None, None, 10, "PCS", 1, None]]
    preview = spreadsheet_parse(ContentFile(xlsx_bytes(rows, header=ZH), name="b.xlsx"))
    assert preview.ok, preview.errors
    assert preview.orders[0].delivery_date == timezone.localdate() + timedelta(days=30)


# --- bad rows ------------------------------------------------------------------------------------------


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_saved(client, merchandiser, customers, media):
    rows = good_rows() + [
        ["NOPE", "PO-3", later(), "USD", "", "Thing", "", "", "1", "PCS", "1", ""],  # row 5
        ["BETA", "PO-4", "31/12/2026", "USD", "", "Thing", "", "", "1", "PCS", "1", ""],  # row 6
        ["BETA", "PO-5", later(), "USD", "", "Thing", "", "", "many", "PCS", "1", ""],  # row 7
        ["BETA", "PO-6", later(), "XYZ", "", "Thing", "", "", "1", "BOX", "1", ""],  # row 8
        ["BETA", "PO-7", later(), "USD", "NO-SUCH-STYLE", "", "", "", "1", "PCS", "-1", ""],  # row 9
        ["BETA", "", later(), "USD", "", "", "", "", "0", "PCS", "1.23456", ""],  # row 10
        ["BETA", "PO-2", later(91), "USD", "", "Scarf", "", "", "1", "PCS", "1", ""],  # row 11: differs from row 4
        ["BETA", "PO-8", "2020-01-01", "USD", "", "Old", "", "", "1", "PCS", "1", ""],  # row 12
    ]
    client.force_login(merchandiser)
    response = upload(client, "mixed.csv", csv_bytes(rows))
    assert response.status_code == 400
    preview = response.context["preview"]
    assert not preview.ok
    assert "import_form" not in response.context
    assert error_cells(preview) == {
        (5, "customer_code"),
        (6, "delivery_date"),
        (7, "quantity"),
        (8, "currency"),
        (8, "unit"),
        (9, "style_no"),
        (9, "unit_price"),
        (10, "customer_po"),
        (10, "description"),
        (10, "quantity"),
        (10, "unit_price"),
        (11, "delivery_date"),
        (11, "currency"),
        (12, "delivery_date"),
    }
    messages = {(e.row, e.field): e.message for e in preview.errors}
    assert "NOPE" in messages[(5, "customer_code")]
    assert "row 4" in messages[(11, "delivery_date")]
    page = response.content.decode()
    assert "Unknown customer" in page and "Nothing can be imported" in page
    assert Order.objects.count() == 0
    assert stash_files(media) == []  # a file with errors is not kept


def test_import_is_refused_by_the_service_when_rows_are_bad(merchandiser, customers):
    rows = good_rows() + [["NOPE", "PO-3", later(), "USD", "", "Thing", "", "", "1", "PCS", "1", ""]]
    with pytest.raises(InvalidInput) as info:
        spreadsheet_import(preview_or_file=ContentFile(csv_bytes(rows), name="x.csv"), actor=merchandiser)
    assert any("Row 5" in reason for reason in info.value.reasons)
    assert Order.objects.count() == 0


def test_missing_columns_are_reported(merchandiser, customers):
    preview = spreadsheet_parse(ContentFile(csv_bytes([["ACME", "1"]], header=["customer_code", "qty"]), name="x.csv"))
    missing = {e.field for e in preview.errors if e.row is None}
    assert {"customer_po", "delivery_date", "currency", "unit", "unit_price", "description"} <= missing
    assert not preview.ok


def test_unknown_columns_are_listed_and_cannot_choose_the_owner(merchandiser, other_merchandiser, customers):
    header = [*EN, "merchandiser"]
    rows = [[*row, other_merchandiser.username] for row in good_rows()]
    source = ContentFile(csv_bytes(rows, header=header), name="x.csv")
    assert spreadsheet_parse(source).ignored_columns == ["merchandiser"]
    orders = spreadsheet_import(preview_or_file=source, actor=merchandiser)
    assert {o.merchandiser for o in orders} == {merchandiser}


# --- all or nothing ------------------------------------------------------------------------------------


def test_import_saves_all_orders_or_none(merchandiser, customers, monkeypatch):
    real_create = sheet_service.order_create
    calls = []

    def failing_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise InvalidInput("database said no")
        return real_create(**kwargs)

    monkeypatch.setattr(sheet_service, "order_create", failing_second)
    with pytest.raises(InvalidInput):
        spreadsheet_import(preview_or_file=ContentFile(csv_bytes(good_rows()), name="x.csv"), actor=merchandiser)
    assert len(calls) == 2  # the first order was written, then rolled back with the second
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert OrderEvent.objects.count() == 0


def test_import_checks_again_a_duplicate_that_appeared_after_the_preview(client, merchandiser, customers):
    client.force_login(merchandiser)
    response = upload(client, "orders.csv", csv_bytes(good_rows()))
    assert response.status_code == 200 and response.context["preview"].duplicate_orders == []
    # meanwhile someone takes PO-2 by phone
    make_order(merchandiser=merchandiser, customer=customers["BETA"], customer_po="po-2")

    refused = import_post(client, response)
    assert refused.status_code == 400
    assert "already exist" in refused.content.decode()
    assert refused.context["preview"].duplicate_orders[0].customer_po == "PO-2"
    assert Order.objects.count() == 1

    accepted = import_post(client, response, confirm_duplicates="on")
    assert accepted.status_code == 302
    assert Order.objects.count() == 3


def test_preview_warns_about_existing_po(client, merchandiser, customers):
    existing = make_order(merchandiser=merchandiser, customer=customers["ACME"], customer_po="PO-1")
    client.force_login(merchandiser)
    response = upload(client, "orders.csv", csv_bytes(good_rows()))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.orders[0].duplicates == [existing]
    page = response.content.decode()
    assert "already exist" in page and "Import anyway" in page


def test_the_same_file_cannot_be_imported_twice_by_resubmitting(client, merchandiser, customers):
    client.force_login(merchandiser)
    response = upload(client, "orders.csv", csv_bytes(good_rows()))
    assert import_post(client, response).status_code == 302
    again = import_post(client, response, confirm_duplicates="on")
    assert again.status_code == 302 and again.url == URL
    assert Order.objects.count() == 2


def test_the_service_refuses_non_merchandisers(supervisor, customers):
    with pytest.raises(NotPermitted):
        spreadsheet_import(preview_or_file=ContentFile(csv_bytes(good_rows()), name="x.csv"), actor=supervisor)
    assert Order.objects.count() == 0


# --- files that are not what they say -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("orders.xlsx", b"customer_code,customer_po\nA,B\n", "not a valid Excel .xlsx workbook"),
        ("orders.xlsx", b"PK\x03\x04 truncated zip", "not a valid Excel .xlsx workbook"),
        ("orders.csv", b"\x00\x01\x02\x03\xff\xfe\x00binary", "not a CSV text file"),
        ("orders.csv", b"\x07\x08\x0b\x0ccustomer_code\n", "control characters"),
        ("orders.xls", b"\xd0\xcf\x11\xe0 old excel", "Old Excel files (.xls)"),
        ("orders.txt", b"customer_code\n", "Upload a .csv or .xlsx file"),
        ("orders.csv", b"\n\n", "The file is empty."),
    ],
)
def test_mislabelled_or_junk_files_get_a_clear_error(client, merchandiser, customers, name, data, message):
    client.force_login(merchandiser)
    response = upload(client, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Order.objects.count() == 0


def test_xlsx_saved_with_csv_name_is_explained(merchandiser, customers):
    with pytest.raises(InvalidInput, match="Excel workbook with a .csv name"):
        spreadsheet_parse(ContentFile(xlsx_bytes(good_rows()), name="orders.csv"))


def test_size_and_row_limits(client, merchandiser, customers, settings, monkeypatch):
    client.force_login(merchandiser)
    data = csv_bytes(good_rows())
    settings.ATTACHMENT_MAX_BYTES = len(data) - 1
    response = upload(client, "orders.csv", data)
    assert response.status_code == 400 and "too large" in response.content.decode()

    settings.ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    monkeypatch.setattr(sheet_service, "MAX_ROWS", 2)
    with pytest.raises(InvalidInput, match="more than 2 rows"):
        spreadsheet_parse(ContentFile(data, name="orders.csv"))
    with pytest.raises(InvalidInput, match="more than 2 rows"):
        spreadsheet_parse(ContentFile(xlsx_bytes(good_rows()), name="orders.xlsx"))
    assert Order.objects.count() == 0


def test_header_only_file(merchandiser, customers):
    preview = spreadsheet_parse(ContentFile(csv_bytes([]), name="x.csv"))
    assert not preview.ok
    assert preview.errors[0].row is None


# --- who may ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["qa_user", "supervisor", "hr_user", "management_user"])
def test_other_roles_get_403(client, request, who, customers):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert upload(client, "orders.csv", csv_bytes(good_rows())).status_code == 403
    assert client.post(URL, {"step": "import", "stash": "x"}).status_code == 403
    assert Order.objects.count() == 0


def test_a_stash_key_from_another_session_imports_nothing(client, merchandiser, other_merchandiser, customers):
    client.force_login(merchandiser)
    response = upload(client, "orders.csv", csv_bytes(good_rows()))
    stash = response.context["import_form"].initial["stash"]
    client.force_login(other_merchandiser)
    response = client.post(URL, {"step": "import", "stash": stash})
    assert response.status_code == 302 and response.url == URL
    assert Order.objects.count() == 0


def test_get_shows_the_upload_form_and_template_links(client, merchandiser):
    client.force_login(merchandiser)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "samples/order-import-sample.xlsx" in page and "客户代码" in page
    assert "<script>" not in page and "style=" not in page
