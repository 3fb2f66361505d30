"""The staff inbox (issue #21 item 1): notify() writes the notice and, if the person's preference says so,
the outbox's email in the same transaction; the bell's count is cached per person and moved by every
write; the inbox page lists, marks read and opens; the preferences page sets the channel per kind."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from notifications.kinds import EMAIL, KINDS
from notifications.models import DeliveryPreference, InboxItem, Notification
from notifications.selectors import (
    inbox_channels_for,
    inbox_page,
    inbox_preferences,
    inbox_unread_count,
)
from notifications.services import (
    inbox_mark_all_read,
    inbox_mark_read,
    inbox_preferences_save,
    notify,
)
from orders.models import Handover
from orders.services import order_comment_post, order_reassign

from ..factories import make_order, staff

pytestmark = pytest.mark.django_db


def _mention(user, order, *, key="k1", actor=None):
    with transaction.atomic():
        return notify(
            user=user,
            kind="order_mention",
            link=f"/orders/{order.pk}/",
            reference=f"order-mention:{order.pk}",
            template="order_mention",
            context={"order": order, "recipient": user, "actor": actor or "Li Na", "text": "Look at this"},
            email_context={"url": f"http://testserver/orders/{order.pk}/"},
            dedupe_key=key,
        )


@pytest.fixture
def order(merchandiser):
    return make_order(merchandiser=merchandiser)


def test_notify_writes_the_notice_in_the_recipients_language_and_the_email(order, supervisor):
    supervisor.preferred_language = "zh-hans"
    supervisor.save()
    item = _mention(supervisor, order)
    assert item.user == supervisor and item.kind == "order_mention" and item.read_at is None
    assert "提到了你" in item.title and "Li Na" in item.title
    assert item.link == f"/orders/{order.pk}/"
    mail = Notification.objects.get(kind="order_mention")
    assert mail.to_email == supervisor.email and mail.subject == item.title
    assert f"http://testserver/orders/{order.pk}/" in mail.body_text


def test_notify_is_idempotent_by_its_key(order, supervisor):
    assert _mention(supervisor, order, key="same") is not None
    assert _mention(supervisor, order, key="same") is None
    assert InboxItem.objects.count() == 1 and Notification.objects.count() == 1


def test_in_the_app_only_writes_no_email(order, supervisor):
    inbox_preferences_save(user=supervisor, choices={"order_mention": set()})
    assert inbox_channels_for(user=supervisor, kind="order_mention") == set()
    _mention(supervisor, order)
    assert InboxItem.objects.filter(user=supervisor).count() == 1
    assert not Notification.objects.exists()


def test_a_new_kind_is_in_the_app_only_until_the_person_asks_for_email(supervisor):
    assert inbox_channels_for(user=supervisor, kind="order_handover") == set()
    assert inbox_channels_for(user=supervisor, kind="order_mention") == {EMAIL}
    inbox_preferences_save(user=supervisor, choices={"order_handover": {EMAIL}})
    assert inbox_channels_for(user=supervisor, kind="order_handover") == {EMAIL}
    choices = {c.key: c.channels for c in inbox_preferences(user=supervisor)}
    assert set(choices) == set(KINDS) and choices["order_handover"] == {EMAIL}


def test_a_person_without_an_email_address_still_gets_the_notice(order, supervisor):
    supervisor.email = ""
    supervisor.save()
    assert _mention(supervisor, order) is not None
    assert not Notification.objects.exists()


def test_an_inactive_person_gets_nothing(order, supervisor):
    supervisor.is_active = False
    supervisor.save()
    assert _mention(supervisor, order) is None
    assert not InboxItem.objects.exists()


def test_a_rolled_back_change_leaves_no_notice_and_no_email(order, supervisor):
    with pytest.raises(RuntimeError), transaction.atomic():
        _mention(supervisor, order)
        raise RuntimeError("the caller's change failed")
    assert not InboxItem.objects.exists() and not Notification.objects.exists()


def test_unknown_kinds_and_channels_are_refused(supervisor):
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        inbox_preferences_save(user=supervisor, choices={"no_such_kind": set()})
    with pytest.raises(InvalidInput):
        inbox_preferences_save(user=supervisor, choices={"order_mention": {"pigeon"}})
    assert not DeliveryPreference.objects.exists()


def test_the_count_is_cached_and_moved_by_every_write(order, supervisor):
    first = _mention(supervisor, order, key="a")
    _mention(supervisor, order, key="b")
    assert inbox_unread_count(user=supervisor) == 2
    with CaptureQueriesContext(connection) as queries:
        assert inbox_unread_count(user=supervisor) == 2
    assert len(queries) == 0  # kept
    inbox_mark_read(user=supervisor, item_id=first.pk)
    assert inbox_unread_count(user=supervisor) == 1
    _mention(supervisor, order, key="c")
    assert inbox_unread_count(user=supervisor) == 2
    assert inbox_mark_all_read(user=supervisor) == 2
    assert inbox_unread_count(user=supervisor) == 0


def test_someone_elses_notice_cannot_be_marked_read(order, supervisor, merchandiser):
    item = _mention(supervisor, order)
    assert inbox_mark_read(user=merchandiser, item_id=item.pk) is None
    item.refresh_from_db()
    assert item.read_at is None


def test_the_page_is_newest_first_and_only_the_persons_own(order, supervisor, merchandiser):
    for n in range(25):
        _mention(supervisor, order, key=f"n{n}")
    _mention(merchandiser, order, key="theirs")
    page = inbox_page(user=supervisor, page=1)
    assert len(page.object_list) == 20 and page.paginator.count == 25
    assert page.object_list[0].dedupe_key == "n24"
    assert inbox_page(user=supervisor, page=99).number == 2


# --- the callers ------------------------------------------------------------------------------------------
def test_a_mention_reaches_the_inbox_with_a_link_to_the_thread(order, merchandiser, supervisor):
    order_comment_post(order_id=order.pk, actor=merchandiser, text=f"@{supervisor.username} look")
    item = InboxItem.objects.get(user=supervisor)
    assert item.kind == "order_mention"
    assert item.link == f"/orders/{order.pk}/?open=discussion#panel-discussion"
    assert Notification.objects.filter(kind="order_mention", to_email=supervisor.email).count() == 1


def test_a_handover_tells_the_merchandiser_who_receives_the_order(team_a, supervisor, merchandiser):
    other = staff(Role.MERCHANDISER, team=team_a[0])
    order = make_order(merchandiser=merchandiser)
    assert order_reassign(order_ids=[order.pk], to_user=other, actor=supervisor, reason="Leave") == 1
    item = InboxItem.objects.get(user=other)
    assert item.kind == "order_handover" and item.link == f"/orders/{order.pk}/"
    assert order.display_number in item.title
    assert item.dedupe_key == f"handover:{Handover.objects.get().pk}"
    assert not Notification.objects.filter(kind="order_handover").exists()  # in the app only by default


# --- the pages ----------------------------------------------------------------------------------------------
@pytest.fixture
def client_of():
    def sign_in(user):
        client = Client()
        client.force_login(user)
        return client

    return sign_in


def test_the_bell_shows_the_unread_count(client_of, order, supervisor):
    _mention(supervisor, order)
    response = client_of(supervisor).get(reverse("notifications:bell"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b'class="navcount">1' in response.content
    assert response["Cache-Control"] == "private, no-store"


def test_the_bell_stops_polling_once_signed_out():
    response = Client().get(reverse("notifications:bell"), headers={"HX-Request": "true"})
    assert response.status_code == 286
    response = Client().get(reverse("notifications:bell"))
    assert response.status_code == 302 and "next=/inbox/bell/" in response["Location"]


def test_every_staff_page_has_the_bell(client_of, supervisor):
    body = client_of(supervisor).get("/", follow=True).content.decode()
    assert reverse("notifications:bell") in body and 'hx-trigger="load, every 60s"' in body


def test_opening_a_notice_marks_it_read_and_goes_to_the_thing(client_of, order, supervisor):
    item = _mention(supervisor, order)
    client = client_of(supervisor)
    page = client.get(reverse("notifications:inbox"))
    assert item.title in page.content.decode()
    response = client.post(reverse("notifications:open", args=[item.pk]))
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_someone_elses_notice_is_not_found(client_of, order, supervisor, merchandiser):
    item = _mention(supervisor, order)
    client = client_of(merchandiser)
    assert client.post(reverse("notifications:open", args=[item.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[item.pk])).status_code == 404


def test_mark_read_and_mark_all_read(client_of, order, supervisor):
    first = _mention(supervisor, order, key="a")
    _mention(supervisor, order, key="b")
    client = client_of(supervisor)
    response = client.post(reverse("notifications:read", args=[first.pk]), {"page": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("notifications:inbox")
    assert InboxItem.objects.filter(read_at__isnull=True).count() == 1
    client.post(reverse("notifications:read_all"))
    assert not InboxItem.objects.filter(read_at__isnull=True).exists()


def test_the_preferences_page_saves_a_choice_and_refuses_a_forged_one(client_of, supervisor):
    client = client_of(supervisor)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "In the app only" in page and "In the app and by email" in page
    response = client.post(reverse("notifications:preferences"), {"kind_order_mention": "app"})
    assert response.status_code == 302
    assert inbox_channels_for(user=supervisor, kind="order_mention") == set()
    response = client.post(reverse("notifications:preferences"), {"kind_order_mention": "pigeon"})
    assert response.status_code == 400
    assert "Choose one of the ways" in response.content.decode()


def test_a_bad_page_number_is_not_an_error(client_of, supervisor):
    assert client_of(supervisor).get(reverse("notifications:inbox"), {"page": "x"}).status_code == 200
    assert client_of(supervisor).get(reverse("notifications:inbox"), {"page": "-5"}).status_code == 200
