"""A person's views of every list (accounts.lists): saved filters, the column chooser, the Any / Yes / No
flags, owner filters limited to the people the viewer may see, and the export of each list."""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import SavedView
from aftersales.services import CaseInput, case_open
from logistics.models import Shipment
from orders.models import Customer
from production.models import CheckIn
from supervision.models import SpotCheckItem
from supervision.services import discipline
from supervision.services.reviews import record_review_create
from supervision.services.spotchecks import (
    finding_raise,
    spot_check_draw_sample,
    spot_check_plan_create,
    spot_check_score,
)

from ..logistics.helpers import after_sales_order

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class List:
    key: str
    url: str
    export: str
    required: str  # the column that cannot be hidden
    hideable: str  # a column a person may hide, and its heading in English
    heading: str
    query: str  # a valid filter of the list
    owner: str  # the name of its owner filter


LISTS = [
    List(
        "orders",
        "orders:list",
        "orders:export",
        "number",
        "customer_po",
        "Customer PO",
        "status=received",
        "merchandiser",
    ),
    List(
        "cases",
        "aftersales:case_list",
        "aftersales:case_export",
        "reference",
        "subject",
        "Subject",
        "scope=all&severity=high",
        "owner",
    ),
    List(
        "shipments",
        "logistics:shipment_list",
        "logistics:shipment_export",
        "reference",
        "tracking_number",
        "Tracking number",
        "scope=all&mode=sea",
        "merchandiser",
    ),
    List(
        "findings",
        "supervision:finding_list",
        "supervision:finding_export",
        "reference",
        "description",
        "What was found",
        "severity=major",
        "merchandiser",
    ),
    List(
        "violations",
        "supervision:violation_list",
        "supervision:violation_export",
        "reference",
        "type",
        "Type",
        "severity=serious",
        "person",
    ),
    List(
        "checkins",
        "production:checkin_list",
        "production:checkin_export",
        "day",
        "problems",
        "Problems",
        "status=done",
        "merchandiser",
    ),
    List(
        "reviews",
        "supervision:review_list",
        "supervision:review_export",
        "reviewed_at",
        "comment",
        "Comment",
        "rating_max=2",
        "merchandiser",
    ),
]
BY_KEY = pytest.mark.parametrize("lst", LISTS, ids=[lst.key for lst in LISTS])


@pytest.fixture
def english(merchandiser, supervisor, qa_user, hr_user, management_user):
    for person in (merchandiser, supervisor, qa_user, hr_user, management_user):
        person.preferred_language = "en"
        person.save(update_fields=["preferred_language"])


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- saved filters --------------------------------------------------------------------------------------


@BY_KEY
def test_a_filter_is_saved_listed_applied_and_deleted(client, merchandiser, english, lst):
    client.force_login(merchandiser)
    url = reverse(lst.url)
    # when: the filter is saved from the list, on its third page
    response = client.post(url, {"action": "save", "name": "Mine to watch", "query": f"{lst.query}&page=3"})
    # then: it is kept without the page, and the list comes back as it was
    view = SavedView.objects.get(user=merchandiser, list_key=lst.key)
    assert (view.name, view.query_string) == ("Mine to watch", lst.query)
    assert response.status_code == 302 and response["Location"] == f"{url}?{lst.query}"
    page = client.get(url).content.decode()
    assert f'href="?view={view.pk}">Mine to watch</a>' in page
    # applying it opens the list with its query
    applied = client.get(url, {"view": view.pk})
    assert applied.status_code == 302 and applied["Location"] == f"{url}?{lst.query}"
    # deleting it
    client.post(url, {"action": "delete", "view": view.pk, "query": ""})
    assert not SavedView.objects.filter(pk=view.pk).exists()
    assert "Mine to watch" not in client.get(url).content.decode()


@BY_KEY
def test_a_tampered_or_stale_saved_filter_gives_a_message_not_a_500(client, merchandiser, english, lst):
    url = reverse(lst.url)
    stale = SavedView.objects.create(
        user=merchandiser, list_key=lst.key, name="Old", query_string="severity=nonsense&status=zzz&colour=red"
    )
    client.force_login(merchandiser)
    response = client.get(url, {"view": stale.pk})
    assert response.status_code == 302 and response["Location"] == url
    [message] = texts(response)
    assert "“Old” no longer fits this list" in message and "“colour” is not a filter here" in message
    assert client.get(response["Location"]).status_code == 200


@BY_KEY
def test_someone_elses_saved_filter_cannot_be_applied_or_deleted(client, merchandiser, supervisor, english, lst):
    theirs = SavedView.objects.create(user=supervisor, list_key=lst.key, name="Team", query_string=lst.query)
    client.force_login(merchandiser)
    url = reverse(lst.url)
    assert texts(client.get(url, {"view": theirs.pk}))[-1] == "That saved filter no longer exists."
    assert texts(client.post(url, {"action": "delete", "view": theirs.pk}))[-1] == "That saved filter no longer exists."
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    assert client.get(url, {"view": "99999999999999999999999"}).status_code == 302


def test_an_invalid_filter_is_not_saved_and_a_blank_name_is_refused(client, merchandiser, english):
    client.force_login(merchandiser)
    url = reverse("orders:list")
    refused = client.post(url, {"action": "save", "name": "Bad", "query": "status=nonsense"})
    assert "This filter cannot be saved" in texts(refused)[0]
    blank = client.post(url, {"action": "save", "name": "   ", "query": "status=received"})
    assert texts(blank)[-1] == "Give the filter a name."
    assert not SavedView.objects.exists()
    assert client.post(url, {"action": "other"}).status_code == 400


# --- columns ----------------------------------------------------------------------------------------------


@BY_KEY
def test_the_chosen_columns_are_remembered_and_the_required_one_stays(client, merchandiser, english, lst):
    client.force_login(merchandiser)
    url = reverse(lst.url)
    everything = [column.name for column in client.get(url).context["table"].columns]
    assert lst.hideable in everything
    # when: every column is unticked but the required one's (which is not sent: it cannot be unticked)
    shown = [name for name in everything if name not in (lst.hideable, lst.required)]
    client.post(url, {"action": "columns", "column": shown, "query": ""})
    # then
    assert SavedView.objects.get(user=merchandiser, list_key=lst.key, name="").hidden_columns == [lst.hideable]
    columns = [column.name for column in client.get(url).context["table"].columns]
    assert lst.hideable not in columns and lst.required in columns
    # and the export follows the columns shown
    header = export_rows(client.get(reverse(lst.export, args=["csv"])))[0]
    assert lst.heading not in header and len(header) == len(columns)


# --- owner filters ---------------------------------------------------------------------------------------


@BY_KEY
def test_owner_filters_offer_only_the_people_the_viewer_may_see(
    client, lst, merchandiser, other_merchandiser, supervisor, management_user
):
    def choices(person):
        client.force_login(person)
        form = client.get(reverse(lst.url)).context["filter"].form
        return set(form.fields[lst.owner].queryset) if lst.owner in form.fields else None

    assert {merchandiser, other_merchandiser} <= choices(management_user)
    team = choices(supervisor)
    assert merchandiser in team and other_merchandiser not in team
    mine = choices(merchandiser)
    assert mine is None or mine == {merchandiser}  # the order list shows no owner filter to a merchandiser


def test_a_supervisor_cannot_filter_by_someone_outside_the_team(client, supervisor, other_merchandiser):
    client.force_login(supervisor)
    response = client.get(reverse("aftersales:case_list"), {"scope": "all", "owner": other_merchandiser.pk})
    assert "owner" in response.context["filter"].errors


def test_the_order_lists_owner_options_follow_the_viewer(client, supervisor, merchandiser, other_merchandiser):
    client.force_login(supervisor)
    options = client.get("/orders/filter-options/merchandiser/").content.decode()
    assert f'value="{merchandiser.pk}"' in options and f'value="{other_merchandiser.pk}"' not in options
    client.force_login(merchandiser)
    assert client.get("/orders/filter-options/merchandiser/").status_code == 404


# --- Any / Yes / No ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name"),
    [("orders:list", "is_overdue"), ("aftersales:case_list", "escalated"), ("logistics:shipment_list", "delivered")],
)
def test_flags_read_any_yes_no(client, merchandiser, english, url, name):
    client.force_login(merchandiser)
    field = client.get(reverse(url)).context["filter"].form.fields[name]
    assert [str(label) for _value, label in field.widget.choices] == ["Any", "Yes", "No"]


def test_a_flag_filters_yes_and_no(client, merchandiser):
    order = after_sales_order(merchandiser)
    case_open(
        order_id=order.pk,
        actor=merchandiser,
        data=CaseInput(case_type="complaint", channel="email", subject="Late", description="Late"),
    )
    client.force_login(merchandiser)
    url = reverse("logistics:shipment_list")
    assert len(client.get(url, {"scope": "all", "delivered": "true"}).context["table"].rows) == 1
    assert len(client.get(url, {"scope": "all", "delivered": "false"}).context["table"].rows) == 0
    assert len(client.get(url, {"scope": "all"}).context["table"].rows) == 1


# --- export of every list ---------------------------------------------------------------------------------


def export_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel on a Chinese Windows reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def one_of_each(merchandiser, supervisor, qa_user):
    """An order in after-sales with its shipment, a case, a finding and a violation, all the merchandiser's;
    the merchandiser's and every customer's name start like a formula."""
    order = after_sales_order(merchandiser)
    case_open(
        order_id=order.pk,
        actor=merchandiser,
        data=CaseInput(case_type="complaint", channel="email", subject="=cmd|' /C calc'!A0", description="x"),
    )
    today = timezone.localdate()
    plan = spot_check_plan_create(
        actor=qa_user,
        name="Check",
        period_start=today - timedelta(days=30),
        period_end=today,
        sample_mode="count",
        sample_size=1,
    )
    sample = spot_check_draw_sample(plan_id=plan.pk, actor=qa_user).samples.get()
    items = list(SpotCheckItem.objects.filter(active=True))
    spot_check_score(sample_id=sample.pk, actor=qa_user, results={item.pk: (item != items[0], "") for item in items})
    finding_raise(
        result_id=sample.results.get(item=items[0]).pk,
        actor=qa_user,
        severity="major",
        corrective_action="Fix it.",
        due_date=today,
        description="@SUM(A1:A9)",
    )
    discipline.violation_record(
        actor=supervisor,
        person=merchandiser,
        type="process",
        severity="minor",
        occurred_at=timezone.now() - timedelta(hours=1),
        description="x",
    )
    CheckIn.objects.create(
        order=order, day=today, merchandiser=merchandiser, status="done", problems="=1+1", completed_at=timezone.now()
    )
    record_review_create(order_id=order.pk, actor=supervisor, rating=4, comment="-see the PO")
    Shipment.objects.update(tracking_number="+86 21 5555")
    Customer.objects.update(name_zh="=HYPERLINK(1)", name_en="=HYPERLINK(1)")
    merchandiser.first_name, merchandiser.last_name = "-2+3", ""
    merchandiser.save(update_fields=["first_name", "last_name"])
    return order


@BY_KEY
def test_every_list_exports_a_bom_safe_cells_and_local_times(client, merchandiser, one_of_each, english, lst):
    client.force_login(merchandiser)
    rows = export_rows(client.get(reverse(lst.export, args=["csv"]), {"scope": "all"}))
    assert len(rows) == 2, rows  # the header and the one row
    cells = rows[1]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), cells
    assert any(cell.startswith("'") for cell in cells), cells  # a neutralised formula
    xlsx = client.get(reverse(lst.export, args=["xlsx"]), {"scope": "all"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_exports_write_times_in_the_company_zone(client, merchandiser, one_of_each, english):
    client.force_login(merchandiser)
    case = one_of_each.cases.get()
    rows = export_rows(client.get(reverse("aftersales:case_export", args=["csv"]), {"scope": "all"}))
    opened = rows[0].index("Opened")
    assert rows[1][opened] == f"{timezone.localtime(case.opened_at):%Y-%m-%d %H:%M}"
    assert timezone.localtime(case.opened_at).utcoffset() == timedelta(hours=8)  # Asia/Shanghai, not UTC


def test_an_export_past_the_cap_goes_back_to_the_list(client, merchandiser, one_of_each, english, settings):
    settings.ORDER_EXPORT_MAX_ROWS = 0
    client.force_login(merchandiser)
    response = client.get(reverse("aftersales:case_export", args=["csv"]), {"scope": "all"})
    assert response.status_code == 302 and response["Location"] == "/aftersales/cases/?scope=all"
    assert client.get(reverse("aftersales:case_export", args=["pdf"])).status_code == 404


# --- cost ---------------------------------------------------------------------------------------------------


@BY_KEY
def test_saved_views_cost_one_query_however_many(client, merchandiser, lst):
    client.force_login(merchandiser)
    url = reverse(lst.url)
    client.get(url)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    SavedView.objects.bulk_create(
        [SavedView(user=merchandiser, list_key=lst.key, name=f"View {n}", query_string=lst.query) for n in range(8)]
        + [SavedView(user=merchandiser, list_key=lst.key, name="", hidden_columns=[lst.hideable])]
    )
    assert queries() == before
