"""The PI and the packing list: drawn from the order's data, read back from the PDF, stored as versions that
stay, each with its SHA-256; one event per document on the order's work record."""

import hashlib
from decimal import Decimal

import pytest

from core.errors import InvalidInput, NotPermitted, TransitionRefused
from documents.models import Document, DocumentKind
from documents.services import packing_list_generate, pi_generate
from logistics.models import ShipmentLine
from logistics.services import LinePacking
from orders.models import Currency, OrderEvent, OrderLine

from ..factories import CustomerFactory, make_order
from ..logistics.helpers import half, in_production_order, ship
from .helpers import embedded_fonts, pdf_text, stored_text


def read(document) -> bytes:
    with document.file.open("rb") as stored:
        return stored.read()


@pytest.fixture
def order(merchandiser):
    customer = CustomerFactory(merchandiser=merchandiser, name_zh="北欧家居", name_en="Nordic Home AB")
    order = make_order(
        merchandiser=merchandiser,
        customer=customer,
        lines=2,
        customer_po="PO-7788",
        trade_terms="FOB 宁波 Ningbo",
        payment_terms="30% T/T 预付，70% 见提单副本",
        ship_to="Nordic Home AB, Göteborg 港",
    )
    first, second = order.lines.order_by("line_no")
    OrderLine.objects.filter(pk=first.pk).update(quantity=Decimal("1200"), unit_price=Decimal("3.45"), colour="藏青")
    OrderLine.objects.filter(pk=second.pk).update(quantity=Decimal("800"), unit_price=Decimal("12.5"), size="XL")
    return order


def test_the_pi_holds_seller_buyer_po_lines_amounts_terms_and_signatures(order, merchandiser, settings):
    settings.COMPANY_NAME = "宁波测试贸易有限公司 Ningbo Test Trading Co., Ltd."
    settings.COMPANY_ADDRESS = "宁波市测试路 1 号"

    document = pi_generate(order_id=order.pk, actor=merchandiser)

    text = stored_text(document)
    assert "形式发票" in text and "PROFORMAINVOICE" in text
    assert "宁波测试贸易有限公司" in text and "宁波市测试路1号" in text  # the letterhead, from settings
    assert "北欧家居" in text and "NordicHomeAB" in text  # the buyer, both names
    assert "PO-7788" in text  # received, so no order number yet: the PI is named by the customer's PO
    assert "PI-PO-7788-v1" in text and document.original_name == "PI-PO-7788-v1.pdf"
    # 1,200 × 3.45 = 4,140.00; 800 × 12.50 = 10,000.00; total 14,140.00 in the order's currency (USD)
    assert "4,140.00" in text and "10,000.00" in text
    assert "USD14,140.00" in text
    assert "1,200" in text and "3.45" in text and "12.5" in text
    assert "藏青" in text and "XL" in text
    assert "FOB宁波Ningbo" in text and "30%T/T预付，70%见提单副本" in text
    assert order.delivery_date.isoformat() in text
    assert "签字盖章" in text and "Signatureandstamp" in text


def test_the_amounts_are_in_the_orders_currency(order, merchandiser):
    eur, _ = Currency.objects.get_or_create(code="EUR", defaults={"name_zh": "欧元", "name_en": "Euro"})
    type(order).objects.filter(pk=order.pk).update(currency=eur)

    text = stored_text(pi_generate(order_id=order.pk, actor=merchandiser))

    assert "EUR14,140.00" in text and "USD" not in text


def test_the_chinese_font_is_embedded_in_the_file(order, merchandiser):
    content = read(pi_generate(order_id=order.pk, actor=merchandiser))

    assert any("NotoSansSC" in name for name in embedded_fonts(content))
    assert "形式发票" in pdf_text(content)


def test_a_new_version_keeps_the_old_one_and_each_has_its_checksum(order, merchandiser):
    first = pi_generate(order_id=order.pk, actor=merchandiser)
    OrderLine.objects.filter(order=order, line_no=1).update(unit_price=Decimal("4.00"))
    second = pi_generate(order_id=order.pk, actor=merchandiser)

    assert (first.version, second.version) == (1, 2)
    assert Document.objects.filter(order=order, kind=DocumentKind.PROFORMA_INVOICE).count() == 2
    for document in (first, second):
        assert document.sha256 == hashlib.sha256(read(document)).hexdigest()
        assert document.uploaded_by == merchandiser
    assert "4,140.00" in stored_text(first)  # the old version is unchanged
    assert "4,800.00" in stored_text(second) and "PI-PO-7788-v2" in stored_text(second)


def test_each_pi_writes_one_event(order, merchandiser):
    before = OrderEvent.objects.filter(order=order).count()

    document = pi_generate(order_id=order.pk, actor=merchandiser)

    events = list(OrderEvent.objects.filter(order=order).order_by("id")[before:])
    assert len(events) == 1
    assert events[0].payload["action"] == "pi_generated"
    assert events[0].payload["sha256"] == document.sha256
    assert "14,140.00" in events[0].note_text


def test_someone_who_may_not_change_the_order_cannot_make_its_pi(order, other_merchandiser, qa_user):
    for person in (other_merchandiser, qa_user):
        with pytest.raises(NotPermitted):
            pi_generate(order_id=order.pk, actor=person)
    assert not Document.objects.exists()


def test_a_cancelled_order_gets_no_pi(order, merchandiser):
    from orders.services import order_transition

    order_transition(order_id=order.pk, name="cancel", actor=merchandiser, reason="Customer withdrew")
    with pytest.raises(TransitionRefused):
        pi_generate(order_id=order.pk, actor=merchandiser)


def test_the_packing_list_holds_cartons_quantities_and_weights(merchandiser):
    order = in_production_order(merchandiser, lines=2, customer_po="PO-PL-1")
    first, second = order.lines.order_by("line_no")
    packing = {
        first.pk: LinePacking(cartons=5, per_carton=Decimal("10"), net_kg=Decimal("42.5"), gross_kg=Decimal("47.25")),
        second.pk: LinePacking(cartons=3, per_carton=Decimal("20"), net_kg=Decimal("30"), gross_kg=Decimal("33.5")),
    }
    shipment = ship(order, merchandiser, quantities={first.pk: Decimal("50"), second.pk: half(second)}, packing=packing)

    document = Document.objects.get(shipment=shipment, kind=DocumentKind.PACKING_LIST)  # made with the notice
    text = stored_text(document)

    assert "装箱单" in text and "PACKINGLIST" in text
    assert f"PL-{shipment.reference}-v1" in text and "PO-PL-1" in text
    assert "1–5" in text and "6–8" in text  # carton numbers, running on from line to line
    assert "42.5" in text and "47.25" in text and "33.5" in text
    assert "80.75" in text and "72.5" in text  # gross and net totals
    assert "SF1234567890" in text and "顺丰速运" in text
    line = ShipmentLine.objects.get(shipment=shipment, order_line=first)
    assert (line.cartons, line.per_carton, line.net_kg, line.gross_kg) == (5, 10, Decimal("42.5"), Decimal("47.25"))


def test_a_regenerated_packing_list_is_the_next_version(merchandiser):
    order = in_production_order(merchandiser)
    shipment = ship(order, merchandiser)

    again = packing_list_generate(shipment_id=shipment.pk, actor=merchandiser)

    assert again.version == 2
    assert list(Document.objects.filter(shipment=shipment).values_list("version", flat=True)) == [2, 1]


@pytest.mark.parametrize(
    ("packing", "problem"),
    [
        (LinePacking(net_kg=Decimal("50"), gross_kg=Decimal("40")), "gross weight cannot be below"),
        (LinePacking(cartons=2, per_carton=Decimal("10")), "hold less than"),
        (LinePacking(cartons=0), "at least one carton"),
    ],
)
def test_packing_that_does_not_add_up_is_refused(merchandiser, packing, problem):
    order = in_production_order(merchandiser, lines=1)
    line = order.lines.get()

    with pytest.raises(InvalidInput) as refused:
        ship(order, merchandiser, packing={line.pk: packing})

    assert any(problem in reason for reason in refused.value.reasons)
    assert not Document.objects.exists()
