"""The packing list goes out with the customer's shipment notice: made when the shipment is recorded,
stored as the shipment's first version, attached to the email, and sent on every retry."""

from decimal import Decimal

from django.core import mail

from documents.models import Document, DocumentKind
from logistics.services import LinePacking
from notifications.models import Notification
from notifications.services import notification_send

from ..logistics.helpers import in_production_order, ship
from .helpers import pdf_text


def test_the_shipment_notice_carries_the_packing_list(merchandiser, django_capture_on_commit_callbacks):
    order = in_production_order(merchandiser, lines=1)
    line = order.lines.get()
    packing = {
        line.pk: LinePacking(cartons=4, per_carton=Decimal("25"), net_kg=Decimal("18"), gross_kg=Decimal("20.4"))
    }

    with django_capture_on_commit_callbacks(execute=True):
        shipment = ship(order, merchandiser, packing=packing)

    document = Document.objects.get(shipment=shipment, kind=DocumentKind.PACKING_LIST)
    notification = Notification.objects.get(kind="shipment_shipped")
    assert [a.original_name for a in notification.attachments.all()] == [document.original_name]
    sent = [m for m in mail.outbox if m.to == [order.customer.email]]
    assert len(sent) == 1
    ((name, content, content_type),) = sent[0].attachments
    assert name == document.original_name and content_type == "application/pdf"
    text = pdf_text(content)
    assert "装箱单" in text and "20.4" in text and "1–4" in text


def test_without_a_customer_address_no_packing_list_is_made_for_a_notice(merchandiser):
    order = in_production_order(merchandiser)
    type(order.customer).objects.filter(pk=order.customer.pk).update(email="")
    order.customer.contacts.update(email="")

    ship(order, merchandiser)

    assert not Notification.objects.filter(kind="shipment_shipped").exists()
    assert not Document.objects.exists()  # made on the order page when wanted


def test_a_retry_sends_the_same_attachment(merchandiser, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    order = in_production_order(merchandiser)
    ship(order, merchandiser)
    notification = Notification.objects.get(kind="shipment_shipped")
    Notification.objects.filter(pk=notification.pk).update(status="pending")
    mail.outbox.clear()

    notification_send(notification_id=notification.pk)

    assert mail.outbox[0].attachments[0][0].startswith("PL-")
