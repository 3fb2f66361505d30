"""Email intake: parsing (.eml and pasted text), the two-step page, the original kept on the order."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput
from orders.models import Attachment, AttachmentKind, Channel, Currency, CustomerContact, Order, Unit
from orders.services.email_intake import customer_for_sender, email_intake_parse, guess_customer_po

from ..factories import CustomerFactory, make_order

FIXTURES = Path(__file__).parent / "fixtures"
URL = reverse("orders:intake_email")
PASTED = (
    "From: Carol Chen <carol@pasted-buyer.example>\n"
    "Subject: Re: PO 7788-01 confirmation\n"
    "Date: Mon, 9 Nov 2026 08:00:00 +0800\n"
    "\n"
    "Hi, please book 300 sets, 交货期 next March.\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def stash_files(media_root) -> list[Path]:
    folder = Path(media_root) / "intake-tmp"
    return list(folder.iterdir()) if folder.exists() else []


def order_post(stash: str, customer, **extra) -> dict:
    data = {
        "step": "save",
        "stash": stash,
        "order-customer": customer.pk,
        "order-currency": Currency.objects.get(code="USD").pk,
        "order-delivery_date": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "order-customer_po": "4500-778",
        "order-notes": "from the email",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Cotton T-shirt",
        "lines-0-colour": "Navy",
        "lines-0-quantity": "1200",
        "lines-0-unit": Unit.objects.get(code="PCS").pk,
        "lines-0-unit_price": "2.35",
    }
    data.update(extra)
    return data


# --- parsing -------------------------------------------------------------------------------------------


def test_parse_multipart_eml_with_encoded_chinese_subject():
    # given a real-looking .eml: =?UTF-8?B?...?= subject, multipart/mixed with alternative + PDF
    raw = fixture_bytes("order_zh_multipart.eml")
    # when
    parsed = email_intake_parse(raw)
    # then
    assert parsed.sender_name == "Alice 买手"
    assert parsed.sender_address == "Alice@Acme-Buyer.example"
    assert parsed.subject == "订单 PO# 4500-778 春季新款"
    assert parsed.date.isoformat() == "2026-11-10T09:30:00+08:00"
    assert "请安排以下订单" in parsed.body and "Cotton T-shirt, navy, 1200 pcs" in parsed.body
    assert not parsed.body_is_html  # the plain part wins over the HTML one
    assert parsed.attachment_names == ["PO-4500-778.pdf"]
    assert parsed.filename == "订单-po-4500-778-春季新款.eml"
    assert parsed.raw == raw


def test_parse_html_only_gbk_falls_back_to_text_without_tags_or_scripts():
    parsed = email_intake_parse(fixture_bytes("order_html_gbk.eml"))
    assert parsed.body_is_html
    assert "订单号：XY-2026-88" in parsed.body
    assert "<div>" not in parsed.body and "alert" not in parsed.body


def test_parse_pasted_text_with_raw_utf8():
    parsed = email_intake_parse(("From: 王经理 <wang@buyer.example>\nSubject: 新订单\n\n正文内容").encode())
    assert parsed.sender_name == "王经理"
    assert parsed.subject == "新订单"
    assert parsed.body == "正文内容"


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \n ", b"hello world, this is not an email", b"\x00\x01\x02PK junk\xff\xfe", b"just: one header\n"],
)
def test_parse_rejects_what_is_not_an_email(raw):
    with pytest.raises(InvalidInput):
        email_intake_parse(raw)


def test_parse_survives_malformed_headers():
    parsed = email_intake_parse(
        b"From: bad <<<\nSubject: x\nDate: not a date\nContent-Type: text/plain; charset=nope\n\nhi"
    )
    assert parsed.subject == "x"
    assert parsed.date is None
    assert parsed.body == "hi"


def test_parse_refuses_oversized(settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(InvalidInput):
        email_intake_parse(b"From: a@b.example\nSubject: big\n\n" + b"x" * 200)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("订单 PO# 4500-778 春季新款",), "4500-778"),
        (("Re: P.O. No: AB1234",), "AB1234"),
        (("New order", "Our PO-2026-0042 attached"), "2026-0042"),
        (("订单号：XY-2026-88",), "XY-2026-88"),
        (("PO: PLEASE ADVISE", "PO BOX 12"), ""),
        (("Position paper 12345",), ""),
    ],
)
def test_guess_customer_po(texts, expected):
    assert guess_customer_po(*texts) == expected


def test_customer_matched_by_email_contact_or_domain(db):
    by_email = CustomerFactory(email="orders@acme-buyer.example")
    other = CustomerFactory(email="info@other.example")
    CustomerContact.objects.create(customer=other, name="Dan", email="Dan@Contact.example")
    assert customer_for_sender("ORDERS@acme-buyer.example") == by_email  # case-insensitive
    assert customer_for_sender("dan@contact.example") == other  # a contact's address
    assert customer_for_sender("someone-new@acme-buyer.example") == by_email  # the customer's domain
    assert customer_for_sender("nobody@unknown.example") is None
    CustomerFactory(email="x@gmail.com")
    assert customer_for_sender("y@gmail.com") is None  # free mail says nothing about the customer
    CustomerFactory(email="b@acme-buyer.example")
    assert customer_for_sender("third@acme-buyer.example") is None  # two customers share it: ambiguous


# --- the page ------------------------------------------------------------------------------------------


def test_eml_upload_then_save_creates_email_order_with_original_attached(client, merchandiser, media):
    # given a customer whose contact sent the email
    customer = CustomerFactory(email="alice@acme-buyer.example", merchandiser=merchandiser)
    raw = fixture_bytes("order_zh_multipart.eml")
    client.force_login(merchandiser)

    # when step 1: upload the .eml
    response = client.post(
        URL, {"step": "parse", "eml_file": SimpleUploadedFile("mail.eml", raw, content_type="message/rfc822")}
    )

    # then the email is shown and the order form is prefilled; nothing is saved
    assert response.status_code == 200
    assert response.context["email"].subject == "订单 PO# 4500-778 春季新款"
    initial = response.context["header"].initial
    assert initial["customer"] == customer.pk
    assert initial["customer_po"] == "4500-778"
    assert initial["notes"].startswith("订单 PO# 4500-778 春季新款\n\n您好")
    assert "Alice 买手" in response.content.decode()
    assert Order.objects.count() == 0
    stash = response.context["stash"].initial["stash"]
    assert len(stash_files(media)) == 1

    # when step 2: save, without uploading again
    response = client.post(URL, order_post(stash, customer))

    # then
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == reverse("orders:detail", args=[order.pk])
    assert order.channel == Channel.EMAIL
    assert order.merchandiser == merchandiser and order.created_by == merchandiser
    assert order.customer_po == "4500-778"
    attachment = Attachment.objects.get(order=order)
    assert attachment.kind == AttachmentKind.SOURCE_EMAIL
    assert attachment.original_name == "订单-po-4500-778-春季新款.eml"
    with attachment.file.open("rb") as handle:
        assert handle.read() == raw
    assert order.events.filter(type="attachment_added").exists()
    assert stash_files(media) == []  # the kept copy is gone once saved

    # and a second submit of the same step 2 saves nothing more
    response = client.post(URL, order_post(stash, customer))
    assert response.status_code == 302 and response.url == URL
    assert Order.objects.count() == 1


def test_pasted_text_intake(client, merchandiser):
    customer = CustomerFactory(email="carol@pasted-buyer.example")
    client.force_login(merchandiser)
    response = client.post(URL, {"step": "parse", "raw_text": "\n\n" + PASTED})
    assert response.status_code == 200
    assert response.context["header"].initial["customer"] == customer.pk
    assert response.context["header"].initial["customer_po"] == "7788-01"
    stash = response.context["stash"].initial["stash"]

    response = client.post(URL, order_post(stash, customer, **{"order-customer_po": "7788-01"}))

    order = Order.objects.get()
    assert response.status_code == 302
    assert order.channel == Channel.EMAIL
    assert order.merchandiser == merchandiser  # the person taking it owns it, not the customer's usual one
    attachment = order.attachments.get()
    assert attachment.kind == AttachmentKind.SOURCE_EMAIL
    assert attachment.original_name == "re-po-7788-01-confirmation.eml"
    with attachment.file.open("rb") as handle:
        assert handle.read() == PASTED.encode("utf-8")


def test_the_email_sender_is_called_the_sender_in_chinese(client, merchandiser):
    """An email's "From" is 发件人; the date filter's "From" (从) is another word."""
    CustomerFactory(email="carol@pasted-buyer.example")
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)

    page = client.post(URL, {"step": "parse", "raw_text": PASTED}).content.decode()

    assert "<dt>发件人</dt><dd>Carol Chen &lt;carol@pasted-buyer.example&gt;</dd>" in page


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({}, "Paste the email or upload its .eml file."),
        ({"raw_text": "   "}, "Paste the email or upload its .eml file."),
        ({"raw_text": "hello, please send 500 pcs"}, "does not look like an email"),
        ({"eml_file": ("junk.eml", b"\x00\x01\x02\x03binary\xff")}, "binary data"),
        ({"eml_file": ("order.pdf", b"%PDF-1.4")}, "Upload an email file ending in .eml"),
        ({"eml_file": ("empty.eml", b"")}, "The submitted file is empty."),
        ({"raw_text": PASTED, "eml_file": ("mail.eml", PASTED.encode())}, "not both"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(client, merchandiser, media, post, message):
    client.force_login(merchandiser)
    data = {"step": "parse"}
    for key, value in post.items():
        data[key] = SimpleUploadedFile(value[0], value[1]) if isinstance(value, tuple) else value
    response = client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Order.objects.count() == 0
    assert stash_files(media) == []


def test_oversized_email_is_refused(client, merchandiser, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(merchandiser)
    big = PASTED.encode() + b"x" * 2048
    response = client.post(URL, {"step": "parse", "eml_file": SimpleUploadedFile("big.eml", big)})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    response = client.post(URL, {"step": "parse", "raw_text": big.decode()})
    assert response.status_code == 400
    assert Order.objects.count() == 0


def test_invalid_order_form_keeps_the_email_for_another_try(client, merchandiser):
    customer = CustomerFactory()
    client.force_login(merchandiser)
    stash = client.post(URL, {"step": "parse", "raw_text": PASTED}).context["stash"].initial["stash"]
    response = client.post(URL, order_post(stash, customer, **{"lines-0-quantity": "abc"}))
    assert response.status_code == 400
    assert response.context["email"].subject == "Re: PO 7788-01 confirmation"
    assert Order.objects.count() == 0
    response = client.post(URL, order_post(stash, customer))
    assert response.status_code == 302
    assert Order.objects.count() == 1


def test_duplicate_po_warns_then_saves_when_confirmed(client, merchandiser):
    customer = CustomerFactory(merchandiser=merchandiser)
    existing = make_order(merchandiser=merchandiser, customer=customer, customer_po="4500-778")
    client.force_login(merchandiser)
    stash = client.post(URL, {"step": "parse", "raw_text": PASTED}).context["stash"].initial["stash"]

    response = client.post(URL, order_post(stash, customer))
    assert response.status_code == 400
    assert response.context["duplicates"] == [existing]
    assert Order.objects.count() == 1

    response = client.post(URL, order_post(stash, customer, **{"order-confirm_duplicate": "on"}))
    assert response.status_code == 302
    assert Order.objects.count() == 2


def test_a_stash_key_works_only_in_the_session_that_made_it(client, merchandiser, team_a):
    customer = CustomerFactory()
    client.force_login(merchandiser)
    stash = client.post(URL, {"step": "parse", "raw_text": PASTED}).context["stash"].initial["stash"]
    from ..factories import staff

    intruder = staff("Merchandiser", team=team_a[0])
    client.force_login(intruder)  # a new session
    response = client.post(URL, order_post(stash, customer))
    assert response.status_code == 302 and response.url == URL
    assert Order.objects.count() == 0
    response = client.post(URL, order_post("../../etc/passwd", customer))
    assert response.status_code == 302
    assert Order.objects.count() == 0


def test_get_shows_the_source_form(client, merchandiser):
    client.force_login(merchandiser)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Paste the email" in response.content.decode()
    assert "<script>" not in response.content.decode()  # no inline script (CSP)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["qa_user", "supervisor", "hr_user", "management_user"])
def test_other_roles_get_403(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"step": "parse", "raw_text": PASTED}).status_code == 403
    assert Order.objects.count() == 0


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url
