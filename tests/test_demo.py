"""The demo `make run` loads is what a newcomer learns the product from: what its pages offer must work
on it. Loaded once for the module (it takes a while) and rolled back at the end."""

import csv
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from orders.models import Customer, Order, OrderState
from orders.services.spreadsheet_import import spreadsheet_parse

SAMPLES = Path(__file__).resolve().parent.parent / "static" / "samples"
ENTERED_OR_LATER = [
    OrderState.ENTERED,
    OrderState.IN_PRODUCTION,
    OrderState.SHIPPED,
    OrderState.AFTER_SALES,
    OrderState.CLOSED,
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from demo.loader import demo_load

    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


def template_customer_codes() -> set[str]:
    with (SAMPLES / "order-import-sample.csv").open(encoding="utf-8-sig", newline="") as f:
        from_csv = {row["customer_code"] for row in csv.DictReader(f)}
    sheet = openpyxl.load_workbook(SAMPLES / "order-import-sample.xlsx", read_only=True).active
    from_xlsx = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    return from_csv | from_xlsx


def test_every_customer_code_in_the_spreadsheet_templates_is_a_demo_customer(demo, db):
    codes = template_customer_codes()
    assert codes
    assert codes <= set(Customer.objects.values_list("code", flat=True))


@pytest.mark.parametrize("name", ["order-import-sample.csv", "order-import-sample.xlsx"])
def test_the_downloaded_template_imports_into_the_demo_without_a_problem(demo, db, name):
    upload = SimpleUploadedFile(name, (SAMPLES / name).read_bytes())
    # The templates' delivery dates are fixed (mid-2027) and the import refuses a past one: read them
    # on a day before, so that this test checks the codes and columns, not the calendar.
    with time_machine.travel(datetime(2027, 1, 4, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        preview = spreadsheet_parse(upload)
    assert preview.ok and len(preview.orders) == 2
    problems = [(o.customer_code, e) for o in preview.orders for line in o.lines for e in line.errors]
    assert problems == []


def test_every_demo_order_entered_or_later_has_its_order_number(demo, db):
    closed = Order.objects.filter(status=OrderState.CLOSED)
    assert closed.exists()
    missing = Order.objects.filter(status__in=ENTERED_OR_LATER, number__isnull=True)
    assert list(missing.values_list("pk", "status", "customer_po")) == []
    numbers = list(Order.objects.exclude(number=None).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_the_demo_has_one_order_on_hold_with_its_reason(demo, db):
    from orders.models import EventType, OrderEvent

    held = list(Order.objects.filter(is_on_hold=True))
    assert len(held) == 1
    assert held[0].hold_reason and held[0].held_since
    assert OrderEvent.objects.filter(order=held[0], type=EventType.HELD).exists()


def test_the_demo_has_a_violation_not_upheld_and_one_under_appeal(demo, db):
    from accounts.models import User
    from supervision.models import Violation, ViolationStatus
    from supervision.selectors import violations_visible_to

    people = {u.username: u for u in User.objects.filter(username__in=["hr.wu", "sup.zhao", "merch.wang"])}
    for status in (ViolationStatus.NOT_UPHELD, ViolationStatus.APPEALED):
        found = Violation.objects.filter(status=status, person=people["merch.wang"])
        assert found.count() == 1, status
        for user in people.values():  # HR, the supervisor and the person concerned see it
            assert violations_visible_to(user).filter(pk=found.get().pk).exists()


def test_the_demo_has_a_thread_that_mentions_a_supervisor_and_qa(demo, db):
    from accounts.models import User
    from orders.models import EventType, OrderComment, OrderEvent
    from orders.selectors import mentions_for

    comments = list(OrderComment.objects.select_related("order", "author"))
    assert [c.author.username for c in comments] == ["merch.li", "sup.zhao", "qa.zhou"]
    order = comments[0].order
    assert OrderEvent.objects.filter(order=order, type=EventType.COMMENT).count() == 3
    for name in ("sup.zhao", "qa.zhou", "merch.li"):
        assert mentions_for(user=User.objects.get(username=name)), name


def test_every_demo_login_signs_in_with_the_demo_password(demo, db):
    from django.contrib.auth import get_user_model

    from demo.loader import DEMO_PASSWORD, LOGINS

    users = get_user_model().objects.filter(username__in=[login.username for login in LOGINS] + ["admin"])
    assert users.count() == len(LOGINS) + 1
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
    assert not any(user.check_password("wrong-" + DEMO_PASSWORD) for user in users)
