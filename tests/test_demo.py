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
from django.db import models, transaction
from django.http import QueryDict

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


def test_every_demo_role_has_notices_in_its_inbox_and_a_second_load_adds_none(demo, db):
    from demo import discussion_demo, inbox_demo
    from notifications.models import InboxItem

    for name in ("merch.li", "merch.wang", "merch.zhang", "sup.zhao", "sup.sun", "qa.zhou", "hr.wu", "mgmt.zheng"):
        assert InboxItem.objects.filter(user__username=name, read_at__isnull=True).exists(), name
    mentions = InboxItem.objects.filter(user__username="sup.zhao", kind="order_mention")
    assert mentions.count() == 1 and "?open=discussion" in mentions.get().link
    count = InboxItem.objects.count()
    assert inbox_demo.load() == 0 and discussion_demo.load() == 0
    assert InboxItem.objects.count() == count


def test_every_demo_login_signs_in_with_the_demo_password(demo, db):
    from django.contrib.auth import get_user_model

    from demo.loader import DEMO_PASSWORD, LOGINS

    users = get_user_model().objects.filter(username__in=[login.username for login in LOGINS] + ["admin"])
    assert users.count() == len(LOGINS) + 1
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
    assert not any(user.check_password("wrong-" + DEMO_PASSWORD) for user in users)


def test_the_demo_has_saved_filters_that_still_fit_their_lists(demo, db, rf):
    from accounts.lists import filter_problems
    from accounts.models import SavedView
    from aftersales.views import CASE_LIST
    from orders.views.listing import ORDER_LIST
    from production.views import CHECKIN_LIST
    from supervision.views.spotchecks import FINDING_LIST

    specs = {spec.key: spec for spec in (ORDER_LIST, CASE_LIST, CHECKIN_LIST, FINDING_LIST)}
    saved = SavedView.objects.exclude(name="").select_related("user")
    assert {(v.user.username, v.list_key) for v in saved} >= {("merch.li", "orders"), ("sup.zhao", "cases")}
    for view in saved:
        request = rf.get("/")
        request.user = view.user
        assert filter_problems(request, specs[view.list_key], QueryDict(view.query_string)) == [], view


def test_the_demo_shows_the_promise_ledger_for_each_role(demo, db):
    from orders.models import Promise, PromiseStatus
    from production.models import PromiseWarning

    # An approved delay: the first and the latest promise differ.
    moved = Order.objects.exclude(first_delivery_date=None).exclude(first_delivery_date=models.F("delivery_date"))
    assert moved.filter(promises__status=PromiseStatus.APPROVED, promises__customer_caused=False).exists()
    # A new date waiting for sup.zhao.
    waiting = Promise.objects.get(status=PromiseStatus.PROPOSED)
    assert waiting.order.merchandiser.team.supervisor.username == "sup.zhao"
    # A date the customer caused, approved on its evidence and accepted by the customer.
    by_customer = Promise.objects.get(customer_caused=True)
    assert by_customer.status == PromiseStatus.APPROVED and by_customer.evidence is not None
    assert by_customer.customer_answer == "accepted"
    # The promise's early warning on at least one order.
    assert PromiseWarning.objects.exists()


def test_the_demo_holds_a_confirmed_pi_a_sent_one_and_a_packing_list(demo, db):
    from documents.models import Document, DocumentKind
    from orders.models import Confirmation, ConfirmationMethod

    pis = Document.objects.filter(kind=DocumentKind.PROFORMA_INVOICE).select_related("order")
    assert {pi.order.status for pi in pis} == {OrderState.CONFIRMED, OrderState.RECEIVED}
    online = Confirmation.objects.get(method=ConfirmationMethod.PI_ONLINE)
    confirmed_pi = pis.get(order__status=OrderState.CONFIRMED)
    assert (online.order_id, online.document_sha256) == (confirmed_pi.order_id, confirmed_pi.sha256)
    packing_list = Document.objects.get(kind=DocumentKind.PACKING_LIST)
    assert packing_list.order.status == OrderState.SHIPPED
    assert packing_list.shipment.lines.filter(cartons__gt=0, gross_kg__gt=0).exists()


def test_the_demo_has_orders_imported_at_go_live_in_several_states(demo, db):
    from orders.models import Channel, EventType, Order, OrderEvent

    imported = Order.objects.filter(channel=Channel.GOLIVE, imported_at__isnull=False)
    assert set(imported.values_list("status", flat=True)) == {"confirmed", "in_production", "shipped", "after_sales"}
    for order in imported:
        assert OrderEvent.objects.filter(order=order, type=EventType.IMPORTED).count() == 1


def test_the_demo_has_factory_reports_with_photos_and_a_load_again_adds_none(demo, db):
    from PIL import Image

    from demo.factory_demo import load
    from production.models import FactoryLink, FactoryPhoto, FactoryReport

    reports = FactoryReport.objects.filter(order__merchandiser__username="merch.li")
    assert reports.count() == 2
    assert reports.filter(checkin__isnull=False).count() == 1  # one confirmed as today's check-in
    assert reports.exclude(problems="").filter(checkin__isnull=True).exists()  # one waiting, with a problem
    photo = FactoryPhoto.objects.filter(report__in=reports).first()
    with photo.file.open("rb") as f, Image.open(f) as image:
        assert image.format == "JPEG" and max(image.size) <= 1600 and not image.getexif()
    assert FactoryLink.objects.filter(order=reports.first().order, revoked_at__isnull=True).count() == 1
    assert load() == {"factory_reports": "already loaded"}
    assert FactoryReport.objects.count() == 2


def test_the_demo_has_a_webhook_endpoint_with_deliveries_for_its_people_and_a_load_again_adds_none(demo, db):
    from accounts.models import User
    from demo.webhooks_demo import load
    from webhooks.models import Delivery, Endpoint
    from webhooks.services import can_manage_webhooks

    endpoint = Endpoint.objects.select_related("customer").get(customer__code="PACI")
    assert endpoint.url.endswith("/dev/webhooks/receiver/")
    assert Delivery.objects.filter(endpoint=endpoint).values("event").distinct().count() == 2
    for username in ("merch.wang", "sup.zhao", "mgmt.zheng"):
        assert can_manage_webhooks(User.objects.get(username=username), endpoint.customer)
    assert load() == {"webhooks": "already there"}
    assert Delivery.objects.count() == 2
