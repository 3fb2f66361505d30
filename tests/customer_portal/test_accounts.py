"""Invitation, password, revocation: the services, their audit record, the emailed link's life."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from core.errors import InvalidInput, NotPermitted
from customer_portal.models import PortalEvent
from customer_portal.services import contact_access_revoke, contact_invite
from orders.models import CustomerContact

from ..factories import staff
from .conftest import PASSWORD, accept, invitation_link

pytestmark = pytest.mark.django_db


def test_an_invitation_makes_a_login_without_a_role_and_emails_the_link(
    contact_person, merchandiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact_invite(contact_id=contact_person.pk, actor=merchandiser)

    contact_person.refresh_from_db()
    user = contact_person.user
    assert user.username == "anna.buyer@example.com" and not user.has_usable_password()
    assert not user.groups.exists() and not user.is_staff and not user.is_superuser
    assert [m.to for m in mail.outbox] == [["Anna.Buyer@Example.com"]]
    assert "/customer/welcome/" in mail.outbox[0].body
    assert PortalEvent.objects.get().action == "invited"


def test_the_link_sets_the_password_once(client, contact_person, merchandiser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact_invite(contact_id=contact_person.pk, actor=merchandiser)
    path = invitation_link(mail.outbox[-1])

    done = accept(client, path)
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    contact_person.refresh_from_db()
    assert contact_person.user.check_password(PASSWORD)
    assert [e.action for e in PortalEvent.objects.order_by("pk")] == ["invited", "password_set"]

    again = client.get(path, follow=True)  # used: the password it hashed has changed
    assert b"no longer valid" in again.content


def test_an_expired_link_is_refused(client, settings, contact_person, merchandiser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact_invite(contact_id=contact_person.pk, actor=merchandiser)
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert b"no longer valid" in client.get(invitation_link(mail.outbox[-1]), follow=True).content


def test_a_staff_persons_reset_link_path_does_not_set_a_staff_password(client, merchandiser):
    # The portal's page serves contacts only: a token made for staff finds no user there.
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(merchandiser.pk))
    token = default_token_generator.make_token(merchandiser)
    assert b"no longer valid" in client.get(f"/customer/welcome/{uid}/{token}/", follow=True).content


def test_who_may_invite(contact_person, other_merchandiser, supervisor, management_user, qa_user):
    for outsider in (other_merchandiser, qa_user):
        with pytest.raises(NotPermitted):
            contact_invite(contact_id=contact_person.pk, actor=outsider)
    contact_invite(contact_id=contact_person.pk, actor=supervisor)
    contact_invite(contact_id=contact_person.pk, actor=management_user)
    assert [e.action for e in PortalEvent.objects.order_by("pk")] == ["invited", "reinvited"]


def test_the_owner_of_one_of_the_customers_orders_may_invite(contact_person, other_merchandiser):
    from ..factories import make_order

    make_order(merchandiser=other_merchandiser, customer=contact_person.customer)
    contact_invite(contact_id=contact_person.pk, actor=other_merchandiser)


def test_no_email_or_someone_elses_email_is_refused_and_nothing_changes(company, merchandiser):
    silent = CustomerContact.objects.create(customer=company, name="No Mail")
    with pytest.raises(InvalidInput):
        contact_invite(contact_id=silent.pk, actor=merchandiser)
    taken = CustomerContact.objects.create(customer=company, name="Taken", email=merchandiser.username + "@x.test")
    staff("Merchandiser", username=taken.email.lower())
    with pytest.raises(InvalidInput):
        contact_invite(contact_id=taken.pk, actor=merchandiser)
    assert not CustomerContact.objects.filter(user__isnull=False).exists()
    assert not PortalEvent.objects.exists()


def test_revoking_signs_the_contact_out_and_a_new_invitation_needs_a_new_password(
    client, contact_user, merchandiser, django_capture_on_commit_callbacks
):
    client.force_login(contact_user)
    assert client.get("/customer/").status_code == 200
    contact_access_revoke(contact_id=contact_user.customer_contact.pk, actor=merchandiser)
    contact_access_revoke(contact_id=contact_user.customer_contact.pk, actor=merchandiser)  # twice: no change
    assert client.get("/customer/").status_code == 302  # signed out: to the sign-in page
    refused = client.post("/accounts/login/", {"username": contact_user.username, "password": PASSWORD})
    assert refused.status_code == 200  # the form again, with its error
    assert PortalEvent.objects.filter(action="revoked").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        contact_invite(contact_id=contact_user.customer_contact.pk, actor=merchandiser)
    user = get_user_model().objects.get(pk=contact_user.pk)
    assert user.is_active and not user.has_usable_password()


def test_sign_in_with_the_email_lands_on_the_portal(client, contact_user):
    answer = client.post("/accounts/login/", {"username": "Anna.Buyer@Example.com", "password": PASSWORD})
    assert answer.status_code == 302
    assert client.get(answer["Location"])["Location"] == "/customer/"
