"""Pages and who may reach them: my check-ins, the production board, the panel forms."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderState
from production.models import CheckIn, CheckInStatus, Delay, DelayReason
from production.services import CheckInInput, checkin_record, checkins_create_for_day

from .conftest import bulk_in_production, done_today, entered_order, in_production_order
from .test_selectors import SUNDAY, TUESDAY, on

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def row_post(order, **overrides):
    data = {
        "contact_name": "Ms Zhou",
        "contact_method": "wechat",
        "quantity_done": "800",
        "problems": "",
        "next_steps": "",
    }
    data.update(overrides)
    return {f"o{order.pk}-{k}": v for k, v in data.items()}


# --- wrong roles ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url_name", "allowed_fixture", "refused_fixtures"),
    [
        ("production:my_checkins", "merchandiser", ["supervisor", "qa_user", "hr_user", "management_user"]),
        ("production:board", "supervisor", ["merchandiser", "qa_user", "hr_user", "management_user"]),
    ],
)
def test_pages_refuse_the_wrong_roles(client, request, url_name, allowed_fixture, refused_fixtures):
    url = reverse(url_name)
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    for name in refused_fixtures:
        client.force_login(request.getfixturevalue(name))
        assert client.get(url).status_code == 403, name
    client.force_login(request.getfixturevalue(allowed_fixture))
    assert client.get(url).status_code == 200


def test_another_merchandiser_cannot_save_a_checkin_for_my_order(client, merchandiser, other_merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(other_merchandiser)
    response = client.post(reverse("production:checkin_save", args=[order.pk]), row_post(order), **HTMX)
    assert response.status_code == 404  # not even visible to them
    assert not CheckIn.objects.exists()


def test_a_panel_form_without_its_hidden_version_says_so_not_none(client, merchandiser):
    """The panels' errors go out as a message of labelled problems; the hidden version has no label."""
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)

    response = client.post(reverse("production:delay", args=[order.pk]), {"delay-reason": ""}, follow=True)

    message = " ".join(str(m) for m in response.context["messages"])
    assert "Reason: This field is required." in message
    assert "The page was incomplete. Reload it and try again." in message
    assert "None" not in message
    assert not Delay.objects.exists()


def test_read_only_roles_cannot_record_delays_or_start_production(client, merchandiser, qa_user):
    order = in_production_order(merchandiser)
    entered = entered_order(merchandiser)
    client.force_login(qa_user)  # QA reads every order, changes none
    reason = DelayReason.objects.first()
    response = client.post(
        reverse("production:delay", args=[order.pk]),
        {
            "delay-reason": reason.pk,
            "delay-new_date": (order.delivery_date + timedelta(days=9)).isoformat(),
            "delay-version": Order.objects.get(pk=order.pk).version,
        },
    )
    assert response.status_code == 403
    response = client.post(
        reverse("production:start", args=[entered.pk]),
        {
            "start-factory": "F",
            "start-line": "L",
            "start-work_order_ref": "W",
            "start-start_date": timezone.localdate().isoformat(),
            "start-version": entered.version,
        },
    )
    assert response.status_code == 403
    assert not Delay.objects.exists()


def test_a_merchandiser_of_another_team_gets_404_on_panel_actions(client, merchandiser, other_merchandiser):
    order = in_production_order(merchandiser)
    milestone = order.production_plan.milestones.first()
    client.force_login(other_merchandiser)
    url = reverse("production:milestone", args=[order.pk, milestone.pk])
    assert client.post(url, {"action": "actual", f"m{milestone.pk}-actual_date": "2026-01-01"}).status_code == 404


# --- My check-ins today ----------------------------------------------------------------------------
def test_my_checkins_lists_only_my_in_production_orders(
    client, merchandiser, other_merchandiser, django_assert_max_num_queries
):
    mine = [in_production_order(merchandiser) for _ in range(3)]
    entered_order(merchandiser)
    theirs = in_production_order(other_merchandiser)
    client.force_login(merchandiser)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("production:my_checkins")).content.decode()
    for order in mine:
        assert f'id="checkin-{order.pk}"' in page
    assert f'id="checkin-{theirs.pk}"' not in page
    assert 'hx-post="' in page and "style=" not in page


def test_the_worklist_costs_the_same_queries_for_more_orders(client, merchandiser):
    in_production_order(merchandiser)
    client.force_login(merchandiser)
    client.get(reverse("production:my_checkins"))  # warm the session and permission caches

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("production:my_checkins"))
    for _ in range(4):
        in_production_order(merchandiser)
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("production:my_checkins"))
    assert len(five) == len(one)


def test_saving_a_row_with_htmx_returns_the_updated_row(client, merchandiser):
    order = in_production_order(merchandiser)
    milestone = order.production_plan.milestones.order_by("sequence").first()
    client.force_login(merchandiser)
    response = client.post(
        reverse("production:checkin_save", args=[order.pk]),
        row_post(order, milestone=str(milestone.pk), problems="Fabric shade off", next_steps="Lab dip tomorrow"),
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and f'id="checkin-{order.pk}"' in html
    assert 'data-status="done"' in html and "Saved" in html
    checkin = CheckIn.objects.get(order=order, day=timezone.localdate())
    assert (checkin.status, checkin.contact_method, checkin.quantity_done) == (CheckInStatus.DONE, "wechat", 800)
    milestone.refresh_from_db()
    assert milestone.actual_date == timezone.localdate()


def test_an_invalid_row_comes_back_with_its_errors_as_422(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    response = client.post(
        reverse("production:checkin_save", args=[order.pk]), row_post(order, contact_name="", contact_method=""), **HTMX
    )
    assert response.status_code == 422
    assert "field-error" in response.content.decode()
    assert not CheckIn.objects.filter(status=CheckInStatus.DONE).exists()


def test_without_htmx_a_row_save_redirects_back(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    response = client.post(reverse("production:checkin_save", args=[order.pk]), row_post(order))
    assert response.status_code == 302 and response.url == reverse("production:my_checkins")
    assert CheckIn.objects.get(order=order).status == CheckInStatus.DONE


def test_the_form_starts_from_yesterdays_answers(client, merchandiser):
    order = in_production_order(merchandiser)
    yesterday = timezone.localdate() - timedelta(days=1)
    checkin_record(
        order_id=order.pk,
        actor=merchandiser,
        data=CheckInInput(contact_name="Foreman Li", contact_method="visit", quantity_done=300),
        day=yesterday,
    )
    client.force_login(merchandiser)
    page = client.get(reverse("production:my_checkins")).content.decode()
    assert 'value="Foreman Li"' in page and 'value="300"' in page


# --- My check-ins today: pages and filters -------------------------------------------------------------
def rows_on(html: str, orders) -> list:
    return [o for o in orders if f'id="checkin-{o.pk}"' in html]


@on(TUESDAY)
def test_the_checkins_come_25_to_a_page(client, merchandiser):
    orders = bulk_in_production(merchandiser=merchandiser, n=30)
    client.force_login(merchandiser)
    first = client.get(reverse("production:my_checkins")).content.decode()
    assert rows_on(first, orders) == orders[:25]
    assert "Page 1 of 2" in first and 'href="/production/checkins/?page=2"' in first
    assert '<strong id="checkin-done-count">0</strong> / <span id="checkin-total">30</span>' in first
    second = client.get(reverse("production:my_checkins"), {"page": "2"}).content.decode()
    assert rows_on(second, orders) == orders[25:]
    assert "Page 2 of 2" in second and 'href="/production/checkins/"' in second  # back to page 1


def test_the_pager_keeps_the_filter_and_the_page_size(client, merchandiser):
    bulk_in_production(merchandiser=merchandiser, n=120)
    client.force_login(merchandiser)
    html = client.get(
        reverse("production:my_checkins"), {"show": "all", "per_page": "50", "page": "2"}
    ).content.decode()
    assert "Page 2 of 3" in html
    assert 'href="/production/checkins/?show=all&amp;per_page=50&amp;page=1"' in html
    assert 'href="/production/checkins/?show=all&amp;per_page=50&amp;page=3"' in html
    assert 'href="/production/checkins/?show=done&amp;per_page=50"' in html  # a new filter starts at page 1
    assert 'href="/production/checkins/?show=all&amp;per_page=100"' in html
    assert 'name="back" value="show=all&amp;per_page=50&amp;page=2"' in html


@on(TUESDAY)
def test_the_filter_tabs_count_and_show_the_rows(client, merchandiser, other_merchandiser):
    # given: fifteen orders, three checked in today; someone else's done orders do not count
    orders = bulk_in_production(merchandiser=merchandiser, n=15)
    done = [orders[1], orders[7], orders[8]]
    done_today(done, merchandiser=merchandiser)
    done_today(bulk_in_production(merchandiser=other_merchandiser, n=4), merchandiser=other_merchandiser)
    todo = [o for o in orders if o not in done]
    client.force_login(merchandiser)
    url = reverse("production:my_checkins")
    # when / then: to do by default
    html = client.get(url).content.decode()
    assert 'To do (<span id="checkin-count-todo">12</span>)' in html
    assert 'Done (<span id="checkin-count-done">3</span>)' in html and "All (15)" in html
    assert '<strong id="checkin-done-count">3</strong> / <span id="checkin-total">15</span>' in html
    assert rows_on(html, orders) == todo
    assert rows_on(client.get(url, {"show": "done"}).content.decode(), orders) == done
    everything = client.get(url, {"show": "all"}).content.decode()
    assert rows_on(everything, orders) == orders
    positions = [everything.index(f'id="checkin-{o.pk}"') for o in todo + done]
    assert positions == sorted(positions)  # to do first, then done


def test_an_empty_filter_says_so(client, merchandiser):
    orders = bulk_in_production(merchandiser=merchandiser, n=2)
    client.force_login(merchandiser)
    assert (
        "No check-in is done yet today."
        in client.get(reverse("production:my_checkins"), {"show": "done"}).content.decode()
    )
    done_today(orders, merchandiser=merchandiser)
    assert "Every order is checked in today." in client.get(reverse("production:my_checkins")).content.decode()


def test_more_than_300_orders_are_all_reachable(client, merchandiser):
    """Regression: the list used to stop silently at 300 orders."""
    orders = bulk_in_production(merchandiser=merchandiser, n=320)
    client.force_login(merchandiser)
    response = client.get(reverse("production:my_checkins"), {"per_page": "100", "page": "4"})
    assert response.context["page"].number == 4 and "Page 4 of 4" in response.content.decode()
    assert rows_on(response.content.decode(), orders) == orders[300:]
    assert "All (320)" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "page_number", "rows"),
    [
        ({"page": "abc"}, 1, 25),
        ({"page": "0"}, 1, 25),
        ({"page": "-3"}, 1, 25),
        ({"page": "2.5"}, 1, 25),
        ({"page": "²"}, 1, 25),
        ({"page": "99"}, 2, 5),
        ({"page": "9" * 50}, 2, 5),
        ({"per_page": "7", "page": "2"}, 2, 5),
        ({"per_page": "abc"}, 1, 25),
        ({"per_page": "100", "page": "2"}, 1, 30),
        ({"show": "bogus"}, 1, 25),
        ({"show": ["done", "all"]}, 1, 25),
    ],
)
def test_garbage_parameters_show_the_nearest_page(client, merchandiser, query, page_number, rows):
    bulk_in_production(merchandiser=merchandiser, n=30)
    client.force_login(merchandiser)
    response = client.get(reverse("production:my_checkins"), query)
    assert response.status_code == 200
    shown = response.content.decode().count('<form class="checkin card')
    assert (response.context["page"].number, shown) == (page_number, rows)


def test_an_htmx_save_swaps_in_the_new_counts(client, merchandiser):
    orders = bulk_in_production(merchandiser=merchandiser, n=30)
    done_today(orders[:2], merchandiser=merchandiser)
    order = orders[28]  # on the second page of the to-do list
    client.force_login(merchandiser)
    response = client.post(
        reverse("production:checkin_save", args=[order.pk]), {**row_post(order), "back": "page=2"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and 'data-status="done"' in html
    assert '<strong id="checkin-done-count" hx-swap-oob="true">3</strong>' in html
    assert '<span id="checkin-count-todo" hx-swap-oob="true">27</span>' in html
    assert '<span id="checkin-count-done" hx-swap-oob="true">3</span>' in html
    assert 'name="back" value="page=2"' in html  # the row still knows where it was posted from


def test_an_invalid_htmx_save_swaps_no_counts(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    response = client.post(
        reverse("production:checkin_save", args=[order.pk]), row_post(order, contact_name="", contact_method=""), **HTMX
    )
    assert response.status_code == 422 and "hx-swap-oob" not in response.content.decode()


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("show=all&page=2", "?show=all&page=2"),
        ("show=done&per_page=50&page=3", "?show=done&per_page=50&page=3"),
        ("show=todo&per_page=25&page=1", ""),
        ("page=2&next=https://evil.example/", "?page=2"),
        ("https://evil.example/?page=2", ""),
        ("//evil.example", ""),
        ("show=<script>&page=x", ""),
    ],
)
def test_without_htmx_a_save_returns_to_the_same_page_and_filter(client, merchandiser, back, expected):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    response = client.post(reverse("production:checkin_save", args=[order.pk]), {**row_post(order), "back": back})
    assert response.status_code == 302
    assert response.url == reverse("production:my_checkins") + expected
    assert CheckIn.objects.get(order=order).status == CheckInStatus.DONE


def test_without_htmx_an_invalid_save_also_returns_to_its_page(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)
    response = client.post(
        reverse("production:checkin_save", args=[order.pk]),
        {**row_post(order, contact_name=""), "back": "show=all&page=2"},
    )
    assert response.url == reverse("production:my_checkins") + "?show=all&page=2"
    page = client.get(response.url)
    assert page.status_code == 200 and page.context["page"].number == 1  # page 2 is past the end: the last


# --- the board and the dashboards -----------------------------------------------------------------------
@on(TUESDAY)
def test_the_board_puts_flagged_orders_first_and_shows_compliance(client, merchandiser, supervisor):
    calm = in_production_order(merchandiser)
    risky = in_production_order(merchandiser)
    Order.objects.filter(pk=risky.pk).update(is_at_risk=True)
    checkin_record(order_id=calm.pk, actor=merchandiser, data=CheckInInput(contact_name="Wang", contact_method="phone"))
    client.force_login(supervisor)
    response = client.get(reverse("production:board"))
    html = response.content.decode()
    assert html.index(f'href="/orders/{risky.pk}/"') < html.index(f'href="/orders/{calm.pk}/"')
    row = next(r for r in response.context["compliance"]["rows"] if r["person"] == merchandiser)
    assert (row["today"].done, row["today"].due) == (1, 2)


# "What is due today" is one answer (production.selectors.checkins_due): the merchandiser's check-in page
# and work page, the supervisor's board and dashboard all say it.
def todays_numbers(client, merchandiser, supervisor) -> dict:
    client.force_login(merchandiser)
    checkins = client.get(reverse("production:my_checkins")).content.decode()
    work_page = client.get(reverse("dashboards:merchandiser")).content.decode()
    client.force_login(supervisor)
    board = client.get(reverse("production:board")).content.decode()
    dashboard = client.get(reverse("dashboards:supervisor")).content.decode()
    person = re.escape(str(merchandiser))
    return {
        "checkins": " ".join(re.search(r'<p class="checkin-progress"[^>]*>(.*?)</p>', checkins, re.S)[1].split()),
        "work_page": " ".join(re.search(r'id="dash-checkins-h".*?<p[^>]*>(.*?)<a ', work_page, re.S)[1].split()),
        "board": re.search(rf'<th scope="row">{person}</th>\s*<td>(.*?)</td>', board, re.S)[1],
        "dashboard": re.search(rf"<li>{person}: (.*?)</li>", dashboard, re.S)[1],
    }


def a_day_of_checkins(merchandiser, day):
    """Four orders in production, the morning job run, one checked in; a fifth checked in, then shipped."""
    orders = bulk_in_production(merchandiser=merchandiser, n=5)
    checkins_create_for_day(day=day)
    for order in orders[:2]:
        checkin_record(order_id=order.pk, actor=merchandiser, data=CheckInInput("Wang", "phone"))
    Order.objects.filter(pk=orders[1].pk).update(status=OrderState.SHIPPED)


@on(TUESDAY)
def test_the_checkin_page_and_the_board_agree_on_a_working_day(client, merchandiser, supervisor):
    a_day_of_checkins(merchandiser, TUESDAY)
    numbers = todays_numbers(client, merchandiser, supervisor)
    assert numbers["checkins"] == (
        'Done today: <strong id="checkin-done-count">1</strong> / <span id="checkin-total">4</span>'
    )
    assert numbers["work_page"] == "1 of 4 orders in production checked in today."
    assert numbers["board"].startswith("<strong>1/4</strong> · ") and "3 to do" in numbers["board"]
    assert numbers["dashboard"].startswith("<strong>1/4</strong> · ")


@on(SUNDAY)
def test_the_checkin_page_and_the_board_agree_on_a_day_off(client, merchandiser, supervisor):
    a_day_of_checkins(merchandiser, SUNDAY)
    numbers = todays_numbers(client, merchandiser, supervisor)
    assert numbers["checkins"] == (
        'Not a working day: no check-in is due today. Recorded anyway: <strong id="checkin-done-count">1</strong>'
    )
    assert numbers["work_page"] == "Not a working day: no check-in is due today. 1 recorded anyway."
    assert numbers["board"] == numbers["dashboard"]
    assert numbers["board"] == '<span class="muted">Not a working day</span> · 1 recorded anyway.'


def test_the_board_shows_only_the_supervisors_team(client, supervisor, other_merchandiser):
    theirs = in_production_order(other_merchandiser)
    client.force_login(supervisor)
    html = client.get(reverse("production:board")).content.decode()
    assert f'href="/orders/{theirs.pk}/"' not in html


@on(TUESDAY)
def test_dashboards_show_the_checkin_blocks(client, merchandiser, supervisor):
    in_production_order(merchandiser)
    client.force_login(merchandiser)
    assert (
        "0 of 1 orders in production checked in today"
        in client.get(reverse("dashboards:merchandiser")).content.decode()
    )
    client.force_login(supervisor)
    html = client.get(reverse("dashboards:supervisor")).content.decode()
    assert "Daily check-ins today" in html and reverse("production:board") in html


def test_navigation_offers_the_pages_to_their_roles(client, merchandiser, supervisor):
    client.force_login(merchandiser)
    html = client.get(reverse("dashboards:merchandiser")).content.decode()
    assert reverse("production:my_checkins") in html and reverse("production:board") not in html
    client.force_login(supervisor)
    html = client.get(reverse("dashboards:supervisor")).content.decode()
    assert 'href="/production/board/"' in html
