import re

import pytest
from django.core import mail

from orders.models import CustomerContact

from ..factories import CustomerFactory, make_order

PASSWORD = "Portal-pass-2026!"


def invitation_link(message) -> str:
    """The set-password path in an invitation email (its text part)."""
    return re.search(r"https?://[^/\s]+(/customer/welcome/\S+/)", message.body).group(1)


def accept(client, path: str, password: str = PASSWORD):
    """Follow the emailed link and set the password (Django hides the token behind a redirect first)."""
    page = client.get(path, follow=True)
    return client.post(page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


@pytest.fixture
def company(merchandiser):
    customer = CustomerFactory(merchandiser=merchandiser)
    return customer


@pytest.fixture
def contact_person(company):
    return CustomerContact.objects.create(customer=company, name="Anna Buyer", email="Anna.Buyer@Example.com")


@pytest.fixture
def contact_user(contact_person, merchandiser, django_capture_on_commit_callbacks, client):
    """An invited contact who has set their password."""
    from customer_portal.services import contact_invite

    with django_capture_on_commit_callbacks(execute=True):
        contact_invite(contact_id=contact_person.pk, actor=merchandiser)
    accept(client, invitation_link(mail.outbox[-1]))
    client.logout()
    contact_person.refresh_from_db()
    return contact_person.user


@pytest.fixture
def orders_of_two_companies(company, merchandiser, other_merchandiser):
    mine = make_order(merchandiser=merchandiser, customer=company, customer_po="PO-MINE-1")
    theirs = make_order(merchandiser=other_merchandiser, customer_po="PO-THEIRS-1")
    return mine, theirs
