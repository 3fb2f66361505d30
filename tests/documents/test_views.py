"""Who may make, send and download documents: the order's merchandiser and supervisor make and send; whoever
may see the order downloads; anyone else gets a 404, as if the order did not exist."""

import pytest
from django.core import mail
from django.urls import reverse

from documents.models import Document
from documents.services import pi_generate
from notifications.models import Notification
from orders.models import OrderEvent

from ..factories import make_order
from .helpers import pdf_text


@pytest.fixture
def order(merchandiser):
    return make_order(merchandiser=merchandiser, lines=2, customer_po="PO-VIEW-1")


def test_the_merchandiser_makes_the_pi_from_the_order_page(client, merchandiser, order):
    client.force_login(merchandiser)

    response = client.post(reverse("documents:pi_new", args=[order.pk]))

    assert response.status_code == 302 and response.url.endswith("#panel-documents")
    document = Document.objects.get(order=order)
    page = client.get(reverse("orders:detail", args=[order.pk]) + "?tab=documents").content.decode()
    assert document.original_name in page
    assert reverse("documents:download", args=[order.pk, document.pk]) in page


@pytest.mark.parametrize("reader", ["merchandiser", "supervisor", "qa_user", "management_user"])
def test_whoever_may_see_the_order_downloads_its_pi(client, request, merchandiser, order, reader):
    document = pi_generate(order_id=order.pk, actor=merchandiser)
    client.force_login(request.getfixturevalue(reader))

    response = client.get(reverse("documents:download", args=[order.pk, document.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)
    assert "形式发票" in pdf_text(content) and "PO-VIEW-1" in pdf_text(content)


def test_another_team_gets_a_404_for_the_document_and_cannot_make_one(client, merchandiser, other_merchandiser, order):
    document = pi_generate(order_id=order.pk, actor=merchandiser)
    client.force_login(other_merchandiser)

    assert client.get(reverse("documents:download", args=[order.pk, document.pk])).status_code == 404
    assert client.post(reverse("documents:pi_new", args=[order.pk])).status_code == 404
    assert Document.objects.count() == 1


def test_a_document_of_another_order_is_not_served_through_this_one(client, merchandiser, order):
    other = make_order(merchandiser=merchandiser)
    document = pi_generate(order_id=other.pk, actor=merchandiser)
    client.force_login(merchandiser)

    assert client.get(reverse("documents:download", args=[order.pk, document.pk])).status_code == 404


def test_read_only_roles_cannot_make_a_pi(client, qa_user, order):
    client.force_login(qa_user)

    assert client.post(reverse("documents:pi_new", args=[order.pk])).status_code == 403
    assert not Document.objects.exists()


def test_sending_the_pi_emails_it_with_the_status_link(client, merchandiser, order, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    document = pi_generate(order_id=order.pk, actor=merchandiser)
    client.force_login(merchandiser)

    with pytest.MonkeyPatch.context():
        response = client.post(reverse("documents:pi_send", args=[order.pk]))

    assert response.status_code == 302
    notification = Notification.objects.get(kind="pi_confirmation_request")
    assert notification.to_email == order.customer.email
    assert "/s/" in notification.body_text  # the status link, where the customer confirms
    assert [a.original_name for a in notification.attachments.all()] == [document.original_name]
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert event.payload["action"] == "pi_sent"


def test_sending_before_a_pi_exists_says_what_to_do(client, merchandiser, order):
    client.force_login(merchandiser)

    response = client.post(reverse("documents:pi_send", args=[order.pk]), follow=True)

    assert "Make the PI first." in response.content.decode()
    assert not Notification.objects.exists()
    assert mail.outbox == []
