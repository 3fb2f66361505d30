"""Who may take a customer over (issue 19 item 3). A customer's usual merchandiser receives its API orders, and
its email addresses receive the mail that carries the private status link. Those change only by the supervisor
of the customer's team or management, with a reason; the change is kept in the customer's field history and
the previous owner is told. The owner keeps the rest up to date; other merchandisers read it."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from core.errors import InvalidInput, NotPermitted
from notifications.models import Notification
from orders.forms import CustomerContactFormSet, CustomerForm
from orders.models import Customer, CustomerContact
from orders.services.master_data import customer_save

from ..factories import CustomerFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(merchandiser):
    return CustomerFactory(merchandiser=merchandiser, email="buyer@nordic.example", phone="+46 1")


@pytest.fixture
def colleague(team_a):
    return staff(Role.MERCHANDISER, team=team_a[0])


def post_data(customer, **changes) -> dict:
    """The customer form as the page posts it, with the contacts as stored, then `changes`."""
    contacts = list(customer.contacts.order_by("pk"))
    data = {
        "code": customer.code,
        "name_zh": customer.name_zh,
        "name_en": customer.name_en,
        "email": customer.email,
        "phone": customer.phone,
        "country": customer.country,
        "preferred_language": customer.preferred_language,
        "merchandiser": customer.merchandiser_id or "",
        "reason": "",
        "contacts-TOTAL_FORMS": str(len(contacts)),
        "contacts-INITIAL_FORMS": str(len(contacts)),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "50",
    }
    for i, contact in enumerate(contacts):
        data.update(
            {
                f"contacts-{i}-id": contact.pk,
                f"contacts-{i}-customer": customer.pk,
                f"contacts-{i}-name": contact.name,
                f"contacts-{i}-title": contact.title,
                f"contacts-{i}-email": contact.email,
                f"contacts-{i}-phone": contact.phone,
            }
        )
    data.update(changes)
    return data


def edit(client, customer, **changes):
    return client.post(reverse("orders:customer_edit", args=[customer.pk]), post_data(customer, **changes))


def save_by_service(actor, customer, reason="", **changes):
    """The service called with forms that let everything through (as a careless caller might)."""
    form = CustomerForm(post_data(customer, **changes), instance=customer, actor=actor)
    for field in form.fields.values():
        field.disabled = False
    form.fields["merchandiser"].queryset = User.objects.all()
    contacts = CustomerContactFormSet(post_data(customer, **changes), instance=customer, prefix="contacts")
    assert form.is_valid() and contacts.is_valid(), (form.errors, contacts.errors)
    return customer_save(actor=actor, form=form, contacts=contacts, reason=reason)


def stored(customer) -> Customer:
    return Customer.objects.get(pk=customer.pk)


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- another team's merchandiser ---------------------------------------------------------------------------


def test_another_teams_merchandiser_sees_the_customer_read_only(client, customer, other_merchandiser):
    client.force_login(other_merchandiser)

    page = client.get(reverse("orders:customer_edit", args=[customer.pk])).content.decode()

    assert "buyer@nordic.example" in page
    assert 'type="submit"' not in page.split('id="history-h"')[0].split("</header>")[-1]
    assert 'name="email"' in page and "disabled" in page.split('name="email"')[1].split(">")[0]


def test_another_teams_merchandiser_cannot_take_the_customer_over_on_the_page(client, customer, other_merchandiser):
    client.force_login(other_merchandiser)

    response = edit(client, customer, merchandiser=other_merchandiser.pk, email="me@evil.example")

    assert response.status_code == 302
    assert any("Only the customer's merchandiser" in m for m in flashed(response))
    customer = stored(customer)
    assert (customer.merchandiser_id, customer.email) != (other_merchandiser.pk, "me@evil.example")
    assert customer.history.count() == 1  # only its creation
    assert not Notification.objects.exists()


def test_another_teams_merchandiser_cannot_take_the_customer_over_through_the_service(customer, other_merchandiser):
    with pytest.raises(NotPermitted):
        save_by_service(other_merchandiser, customer, merchandiser=other_merchandiser.pk, reason="mine now")
    with pytest.raises(NotPermitted):
        save_by_service(other_merchandiser, customer, email="me@evil.example", reason="mine now")

    customer = stored(customer)
    assert customer.merchandiser.team.name_en == "Team A"
    assert customer.email == "buyer@nordic.example"


# --- the owner merchandiser ----------------------------------------------------------------------------------


def test_the_owner_keeps_the_details_up_to_date_with_history(client, customer, merchandiser):
    client.force_login(merchandiser)

    response = edit(client, customer, phone="+46 8 555 0100", country="Sweden")

    assert response.status_code == 302
    customer = stored(customer)
    assert (customer.phone, customer.country) == ("+46 8 555 0100", "Sweden")
    record = customer.history.first()
    assert record.history_user == merchandiser
    changed = {c.field: (c.old, c.new) for c in record.diff_against(record.prev_record).changes}
    assert changed == {"phone": ("+46 1", "+46 8 555 0100"), "country": ("", "Sweden")}


def test_the_owner_cannot_move_the_customers_mail_or_give_it_away(client, customer, merchandiser, colleague):
    client.force_login(merchandiser)

    # The page shows both fields disabled: what is posted for them is ignored.
    ignored = edit(client, customer, email="private@merch.example", merchandiser=colleague.pk, reason="x")
    assert ignored.status_code == 302
    assert (stored(customer).email, stored(customer).merchandiser_id) == ("buyer@nordic.example", merchandiser.pk)

    # The service refuses it outright, and a contact's address is the customer's mail too.
    with pytest.raises(NotPermitted):
        save_by_service(merchandiser, customer, email="private@merch.example", reason="x")
    with pytest.raises(NotPermitted):
        save_by_service(merchandiser, customer, **{"contacts-0-email": "private@merch.example"}, reason="x")
    assert CustomerContact.objects.get(customer=customer).email == "buyer@nordic.example"


# --- the supervisor and management -----------------------------------------------------------------------


def test_the_supervisor_gives_the_customer_to_a_colleague_with_a_reason(
    client, customer, supervisor, merchandiser, colleague, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)

    refused = edit(client, customer, merchandiser=colleague.pk)
    with django_capture_on_commit_callbacks(execute=True):
        saved = edit(client, customer, merchandiser=colleague.pk, reason="Li Na is on maternity leave")

    assert refused.status_code == 400
    assert "Give the reason" in refused.content.decode()
    assert saved.status_code == 302
    customer = stored(customer)
    assert customer.merchandiser == colleague
    record = customer.history.first()
    assert (record.history_user, record.history_change_reason) == (supervisor, "Li Na is on maternity leave")
    assert record.prev_record.merchandiser_id == merchandiser.pk
    # The previous owner is told, in the outbox.
    notice = Notification.objects.get(kind="customer_changed")
    assert notice.to_email == merchandiser.email
    assert notice.reference == f"customer:{customer.pk}"
    assert customer.code in notice.subject
    assert "Li Na is on maternity leave" in notice.body_text and str(colleague) in notice.body_text


def test_the_change_is_on_the_customer_page(client, customer, supervisor, merchandiser, colleague):
    client.force_login(supervisor)
    edit(client, customer, merchandiser=colleague.pk, email="anna.berg@nordic.example", reason="New buyer, new owner")
    client.force_login(merchandiser)

    page = client.get(reverse("orders:customer_edit", args=[customer.pk])).content.decode()

    history = page.split('id="history-h"')[1]
    assert "New buyer, new owner" in history
    assert str(supervisor) in history
    assert "buyer@nordic.example → anna.berg@nordic.example" in history
    assert f"{merchandiser} → {colleague}" in history


def test_the_supervisor_cannot_give_the_customer_to_another_team(customer, supervisor, other_merchandiser):
    with pytest.raises(NotPermitted):
        save_by_service(supervisor, customer, merchandiser=other_merchandiser.pk, reason="Team B has capacity")
    assert stored(customer).merchandiser_id != other_merchandiser.pk


def test_another_teams_supervisor_cannot_change_the_customer(customer, team_b):
    with pytest.raises(NotPermitted):
        save_by_service(team_b[1], customer, email="sup@b.example", reason="I said so")


def test_a_changed_email_needs_a_reason_and_tells_the_owner(customer, supervisor, merchandiser):
    with pytest.raises(InvalidInput):
        save_by_service(supervisor, customer, email="anna.berg@nordic.example")

    save_by_service(supervisor, customer, email="anna.berg@nordic.example", reason="Anna replaced Bo")

    assert stored(customer).email == "anna.berg@nordic.example"
    notice = Notification.objects.get(kind="customer_changed")
    assert notice.to_email == merchandiser.email
    assert "buyer@nordic.example → anna.berg@nordic.example" in notice.body_text


def test_management_may_move_a_customer_to_any_team(customer, management_user, other_merchandiser):
    save_by_service(management_user, customer, merchandiser=other_merchandiser.pk, reason="Key account to team B")

    assert stored(customer).merchandiser == other_merchandiser
    assert stored(customer).history.first().history_user == management_user


def test_a_merchandiser_creating_a_customer_owns_it_and_no_one_else(client, merchandiser, colleague):
    client.force_login(merchandiser)
    data = {
        "code": "NEWC",
        "name_zh": "新客户",
        "name_en": "New customer",
        "email": "po@newc.example",
        "preferred_language": "en",
        "merchandiser": colleague.pk,
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }

    refused = client.post(reverse("orders:customer_new"), data)
    created = client.post(reverse("orders:customer_new"), {**data, "merchandiser": merchandiser.pk})

    assert refused.status_code == 400
    assert created.status_code == 302
    assert Customer.objects.get(code="NEWC").merchandiser == merchandiser


def test_a_change_to_a_customer_without_earlier_history_still_shows_who_and_why(client, customer, supervisor):
    """Customers written in bulk (the benchmark's seed) have no first history row: the change shows anyway."""
    customer.history.all().delete()
    save_by_service(supervisor, customer, email="anna.berg@nordic.example", reason="Anna replaced Bo")
    client.force_login(supervisor)
    page = client.get(reverse("orders:customer_edit", args=[customer.pk])).content.decode()

    history = page.split('id="history-h"')[1]

    assert "Changed (the values before were not recorded)" in history
    assert "Anna replaced Bo" in history and str(supervisor) in history
