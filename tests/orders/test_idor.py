"""Nobody reaches an order by changing an id in the URL or a hidden field.

Outsiders (another team's merchandiser or supervisor) get 404 on every order URL, exactly as for an id
that does not exist. Read-only roles (QA, HR, Management) may read but every write is refused, with no
change in the database and no new event.
"""

from datetime import timedelta

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from orders.models import (
    Attachment,
    ChecklistItem,
    Confirmation,
    Handover,
    Order,
    OrderCheck,
    OrderEvent,
    OrderState,
)
from orders.services import order_attachment_add

from ..conftest import verify_and_confirm
from ..factories import make_order, staff

pytestmark = pytest.mark.django_db

MISSING_PK = 987_654


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def verified_order(merchandiser) -> Order:
    """An order verified and confirmed by the customer (so `confirm` would succeed if allowed), with one
    attachment."""
    order = make_order(merchandiser=merchandiser, customer_po="PO-IDOR")
    verify_and_confirm(order, merchandiser)
    order_attachment_add(
        order_id=order.pk, actor=merchandiser, uploaded=SimpleUploadedFile("spec.pdf", b"%PDF-1.4"), kind="other"
    )
    return Order.objects.get(pk=order.pk)


@pytest.fixture
def order(merchandiser):
    """Team A's order."""
    return verified_order(merchandiser)


@pytest.fixture
def other_supervisor(team_b):
    return team_b[1]


def snapshot(order: Order) -> dict:
    """Everything a write could change about the order."""
    o = Order.objects.get(pk=order.pk)
    return {
        "row": (
            o.status,
            o.version,
            o.merchandiser_id,
            o.customer_po,
            o.delivery_date,
            o.number,
            o.cancel_reason,
            o.trade_terms,
        ),
        "events": list(OrderEvent.objects.filter(order=o).values_list("pk", flat=True)),
        "checks": OrderCheck.objects.filter(order=o).count(),
        "confirmations": Confirmation.objects.filter(order=o).count(),
        "attachments": Attachment.objects.filter(order=o).count(),
        "history": o.history.count(),
        "handovers": Handover.objects.count(),
    }


def first_item() -> ChecklistItem:
    return ChecklistItem.objects.filter(active=True).first()


def write_requests(order: Order):
    """(label, url, data) for every write on an order, each with data that the owner would get through."""
    at = timezone.localtime(timezone.now() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    pk = order.pk
    v = order.version
    line = order.lines.get()
    return [
        ("check_item", reverse("orders:check_item", args=[pk, first_item().pk]), {"checked": "0", "version": v}),
        (
            "confirmation",
            reverse("orders:confirmation", args=[pk]),
            {"version": v, "method": "email", "contact": "Mallory", "confirmed_at": at, "note": ""},
        ),
        ("transition_confirm", reverse("orders:transition", args=[pk, "confirm"]), {"version": v}),
        ("transition_cancel", reverse("orders:transition", args=[pk, "cancel"]), {"version": v, "reason": "mine now"}),
        (
            "edit",
            reverse("orders:edit", args=[pk]),
            {
                "version": v,
                "customer_po": "PO-HIJACKED",
                "delivery_date": order.delivery_date.isoformat(),
                "trade_terms": "EXW",
                "payment_terms": "",
                "ship_to": "",
                "notes": "",
                "reason": "",
                f"line-{line.pk}-description": "hijacked",
                f"line-{line.pk}-quantity": "1",
                f"line-{line.pk}-unit": line.unit_id,
                f"line-{line.pk}-unit_price": "0",
            },
        ),
        (
            "add_attachment",
            reverse("orders:add_attachment", args=[pk]),
            {"version": v, "file": SimpleUploadedFile("evil.pdf", b"%PDF-1.4 evil")},
        ),
    ]


def read_urls(order: Order):
    attachment = order.attachments.get()
    return [
        ("detail", reverse("orders:detail", args=[order.pk])),
        ("timeline", reverse("orders:timeline", args=[order.pk])),
        ("edit", reverse("orders:edit", args=[order.pk])),
        ("attachment", reverse("orders:attachment", args=[order.pk, attachment.pk])),
    ]


POST_ONLY = ("check_item", "confirmation", "transition_confirm", "transition_cancel", "add_attachment")


def with_missing_pk(url: str, order: Order) -> str:
    return url.replace(f"/orders/{order.pk}/", f"/orders/{MISSING_PK}/", 1)


def test_the_owner_gets_through_every_url(client, merchandiser, order):
    """The control for the tests below: the same requests work for the order's merchandiser."""
    client.force_login(merchandiser)
    for label, url in read_urls(order):
        response = client.get(url)
        assert response.status_code == 200, label
        if label == "attachment":
            b"".join(response.streaming_content)
    for index, (label, _url, _data) in enumerate(write_requests(order)):
        fresh_order = verified_order(merchandiser)
        _label, url, data = write_requests(fresh_order)[index]
        before = snapshot(fresh_order)
        response = client.post(url, data)
        assert response.status_code == 302, label
        assert snapshot(fresh_order) != before, label


# --- outsiders: 404 everywhere, the same as an id that does not exist ---------------------------


@pytest.mark.parametrize("outsider", ["other_merchandiser", "other_supervisor"])
def test_outsider_gets_404_on_every_read_url(client, request, order, outsider):
    client.force_login(request.getfixturevalue(outsider))
    for label, url in read_urls(order):
        assert client.get(url).status_code == 404, label
        assert client.post(url, {}).status_code == 404, label


@pytest.mark.parametrize("outsider", ["other_merchandiser", "other_supervisor"])
def test_outsider_gets_404_on_every_write_and_nothing_changes(client, request, order, outsider):
    client.force_login(request.getfixturevalue(outsider))
    before = snapshot(order)
    for label, url, data in write_requests(order):
        assert client.post(url, data).status_code == 404, label
    assert snapshot(order) == before


@pytest.mark.parametrize("outsider", ["other_merchandiser", "other_supervisor"])
def test_outsider_get_on_post_only_urls_cannot_tell_the_order_exists(client, request, order, outsider):
    """GET on a POST-only URL answers 405 before looking anything up: the same for a real order of
    another team as for an id that does not exist, so it reveals nothing."""
    client.force_login(request.getfixturevalue(outsider))
    for label, url, _data in write_requests(order):
        existing = client.get(url).status_code
        missing = client.get(with_missing_pk(url, order)).status_code
        assert existing in (404, 405), label
        assert existing == missing, label
        if label not in POST_ONLY:
            assert existing == 404, label


def test_outsider_with_htmx_gets_404_too(client, other_merchandiser, order):
    client.force_login(other_merchandiser)
    url = reverse("orders:check_item", args=[order.pk, first_item().pk])
    before = snapshot(order)
    assert client.post(url, {"checked": "0"}, headers={"HX-Request": "true"}).status_code == 404
    assert client.get(reverse("orders:timeline", args=[order.pk]), headers={"HX-Request": "true"}).status_code == 404
    assert snapshot(order) == before


def test_orders_of_the_same_team_are_still_private_between_merchandisers(client, team_a, order):
    colleague = staff(Role.MERCHANDISER, team=team_a[0])
    client.force_login(colleague)
    before = snapshot(order)
    for label, url in read_urls(order):
        assert client.get(url).status_code == 404, label
    for label, url, data in write_requests(order):
        assert client.post(url, data).status_code == 404, label
    assert snapshot(order) == before


def test_staff_without_a_role_gets_404(client, order):
    nobody = staff(None)
    client.force_login(nobody)
    for label, url in read_urls(order):
        assert client.get(url).status_code in (403, 404), label
    for label, url, data in write_requests(order):
        assert client.post(url, data).status_code in (403, 404), label


def test_anonymous_is_sent_to_sign_in(client, order):
    before = snapshot(order)
    for label, url in read_urls(order):
        response = client.get(url)
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("login")), label
    for label, url, data in write_requests(order):
        response = client.post(url, data)
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("login")), label
    assert snapshot(order) == before


# --- read-only roles: may read, never write ----------------------------------------------------


READ_ONLY = ["qa_user", "hr_user", "management_user"]


@pytest.mark.parametrize("role_fixture", READ_ONLY)
def test_read_only_roles_can_read_the_order(client, request, order, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("orders:detail", args=[order.pk])).status_code == 200
    assert client.get(reverse("orders:timeline", args=[order.pk])).status_code == 200
    response = client.get(reverse("orders:attachment", args=[order.pk, order.attachments.get().pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


@pytest.mark.parametrize("role_fixture", READ_ONLY)
def test_read_only_roles_do_not_get_the_edit_form(client, request, order, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("orders:edit", args=[order.pk])).status_code in (403, 404)


@pytest.mark.parametrize("role_fixture", READ_ONLY)
def test_read_only_roles_every_write_is_refused_and_changes_nothing(client, request, order, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    for label, url, data in write_requests(order):
        before = snapshot(order)
        response = client.post(url, data)
        assert response.status_code in (302, 403, 404), label
        if response.status_code == 302:
            levels = [m.level for m in get_messages(response.wsgi_request)]
            assert message_levels.ERROR in levels, f"{label}: refused without saying so"
        assert snapshot(order) == before, label


@pytest.mark.parametrize("role_fixture", READ_ONLY)
def test_read_only_roles_cannot_hand_over(client, request, order, merchandiser, team_a, role_fixture):
    colleague = staff(Role.MERCHANDISER, team=team_a[0])
    client.force_login(request.getfixturevalue(role_fixture))
    before = snapshot(order)
    response = client.post(
        reverse("orders:handover"),
        {"from_user": merchandiser.pk, "to_user": colleague.pk, "order": order.pk, "reason": "x"},
    )
    assert response.status_code == 403
    assert snapshot(order) == before


def test_a_supervisor_of_the_team_may_write(client, supervisor, order):
    """The counterpart of the outsider supervisor: the team's own supervisor does get through."""
    client.force_login(supervisor)
    response = client.post(reverse("orders:transition", args=[order.pk, "confirm"]), {"version": order.version})
    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).status == OrderState.CONFIRMED


# --- tampered hidden fields and ids -------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_checklist_item_that_does_not_exist_is_refused(client, merchandiser, htmx):
    order = make_order(merchandiser=merchandiser)
    client.force_login(merchandiser)
    before = snapshot(order)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(reverse("orders:check_item", args=[order.pk, MISSING_PK]), {"checked": "1"}, headers=headers)
    assert "Unknown checklist item." in [str(m) for m in get_messages(response.wsgi_request)]
    if htmx:
        assert response["HX-Refresh"] == "true"
    assert snapshot(order) == before
    assert not OrderCheck.objects.exists()


def test_inactive_checklist_item_is_refused(client, merchandiser):
    order = make_order(merchandiser=merchandiser)
    retired = ChecklistItem.objects.create(code="retired", label_zh="旧", label_en="Retired", active=False)
    client.force_login(merchandiser)
    before = snapshot(order)
    response = client.post(reverse("orders:check_item", args=[order.pk, retired.pk]), {"checked": "1"})
    assert "Unknown checklist item." in [str(m) for m in get_messages(response.wsgi_request)]
    assert snapshot(order) == before


def test_attachment_id_of_another_teams_order_is_404_under_my_order(client, merchandiser, other_merchandiser):
    mine = make_order(merchandiser=merchandiser)
    theirs = make_order(merchandiser=other_merchandiser)
    their_file = order_attachment_add(
        order_id=theirs.pk, actor=other_merchandiser, uploaded=SimpleUploadedFile("secret.pdf", b"x"), kind="other"
    )
    client.force_login(merchandiser)
    assert client.get(reverse("orders:attachment", args=[mine.pk, their_file.pk])).status_code == 404


def test_handover_of_another_teams_order_is_a_form_error(client, supervisor, merchandiser, team_a, other_merchandiser):
    # given team A's supervisor, and an order of team B
    colleague = staff(Role.MERCHANDISER, team=team_a[0])
    theirs = make_order(merchandiser=other_merchandiser)
    mine = make_order(merchandiser=merchandiser)
    before = (snapshot(theirs), snapshot(mine))
    client.force_login(supervisor)
    # when the hidden/typed order id is team B's
    response = client.post(
        reverse("orders:handover"),
        {"from_user": merchandiser.pk, "to_user": colleague.pk, "order": theirs.pk, "reason": "grab"},
    )
    # then a form error, and nothing moves (not even the supervisor's own team's orders)
    assert response.status_code == 400
    assert response.context["form"].errors["order"] == ["Choose one of your team's open orders."]
    assert (snapshot(theirs), snapshot(mine)) == before


def test_handover_from_a_merchandiser_of_another_team_is_a_form_error(client, supervisor, team_a, other_merchandiser):
    colleague = staff(Role.MERCHANDISER, team=team_a[0])
    theirs = make_order(merchandiser=other_merchandiser)
    before = snapshot(theirs)
    client.force_login(supervisor)
    response = client.post(
        reverse("orders:handover"),
        {"from_user": other_merchandiser.pk, "to_user": colleague.pk, "order": "", "reason": "grab all"},
    )
    assert response.status_code == 400
    assert "from_user" in response.context["form"].errors
    assert snapshot(theirs) == before


def test_handover_to_someone_who_is_not_a_merchandiser_is_a_form_error(client, supervisor, merchandiser, qa_user):
    order = make_order(merchandiser=merchandiser)
    before = snapshot(order)
    client.force_login(supervisor)
    response = client.post(
        reverse("orders:handover"),
        {"from_user": merchandiser.pk, "to_user": qa_user.pk, "order": order.pk, "reason": "x"},
    )
    assert response.status_code == 400
    assert "to_user" in response.context["form"].errors
    assert snapshot(order) == before


@pytest.mark.parametrize("role_fixture", ["merchandiser", "supervisor"])
def test_customer_edit_of_a_customer_that_does_not_exist_is_404(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    url = reverse("orders:customer_edit", args=[MISSING_PK])
    assert client.get(url).status_code == 404
    assert client.post(url, {"code": "X1", "name_zh": "x", "name_en": "x"}).status_code == 404


@pytest.mark.parametrize("version", ["", "abc", "0", "-3"])
def test_tampered_version_is_refused(client, merchandiser, order, version):
    client.force_login(merchandiser)
    before = snapshot(order)
    response = client.post(reverse("orders:transition", args=[order.pk, "confirm"]), {"version": version})
    assert response.status_code == 302
    assert "The page was incomplete. Reload it and try again." in [str(m) for m in get_messages(response.wsgi_request)]
    assert snapshot(order) == before


def test_future_version_is_refused_as_stale(client, merchandiser, order):
    client.force_login(merchandiser)
    before = snapshot(order)
    client.post(reverse("orders:transition", args=[order.pk, "confirm"]), {"version": order.version + 1})
    assert snapshot(order) == before


def test_tampered_transition_name_is_refused(client, merchandiser, order):
    client.force_login(merchandiser)
    before = snapshot(order)
    for name in ("delete", "__init__", "save", "refresh_from_db"):
        response = client.post(reverse("orders:transition", args=[order.pk, name]), {"version": order.version})
        assert response.status_code == 302
        assert snapshot(order) == before, name
