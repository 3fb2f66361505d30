"""Logistics, after-sales and status-link objects for the access matrix: team A's merchandiser has a
second order that has shipped and been delivered, with a shipping document, an after-sales case with an
attachment, a status link, and a suggestion; built on first use, through the real services."""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile


@dataclass
class StageWorld:
    order: object  # delivered, in after-sales
    shipment: object
    document: object
    carrier: object
    case: object
    case_attachment: object
    suggestion: object
    pi: object  # the order's proforma invoice (documents)
    status_token: str  # the real token of this order's status link
    forged_status_token: str  # the same with its signature tampered
    factory_order: object  # in production, with a factory link and a report with a photo
    factory_photo: object
    factory_token: str  # the real token of its factory link
    forged_factory_token: str


def stage_world(world) -> StageWorld:
    if "stage" in world.extra:
        return world.extra["stage"]
    from aftersales.models import CaseChannel, CaseType
    from aftersales.services import CaseInput, case_add_attachment, case_open
    from documents.services import pi_generate
    from logistics.models import DocumentKind
    from logistics.selectors import status_link_token
    from logistics.services import shipment_add_document, status_link_ensure
    from supervision.services.suggestions import suggestion_submit

    from ..logistics.helpers import deliver, fresh, in_production_order, make_carrier, ship

    merchandiser = world.users["merchandiser"]
    # The customer of the world's order: its portal contact (conftest) sees this order's shipment and PDFs too.
    order = in_production_order(merchandiser, customer=world.order.customer)
    shipment = ship(order, merchandiser)
    deliver(shipment, merchandiser)
    document = shipment_add_document(
        shipment_id=shipment.pk,
        actor=merchandiser,
        kind=DocumentKind.PACKING_LIST,
        uploaded=SimpleUploadedFile("packing.pdf", b"%PDF-1.4 packing list"),
    )
    case = case_open(
        order_id=order.pk,
        actor=merchandiser,
        data=CaseInput(
            case_type=CaseType.INQUIRY, channel=CaseChannel.EMAIL, subject="Care label", description="Which wash?"
        ),
    )
    attachment = case_add_attachment(
        case_id=case.pk, actor=merchandiser, uploaded=SimpleUploadedFile("photo.pdf", b"%PDF-1.4 photo")
    )
    suggestion = suggestion_submit(actor=merchandiser, title="Fewer forms", body="Merge two steps.")
    pi = pi_generate(order_id=order.pk, actor=merchandiser)
    token = status_link_token(status_link_ensure(order=order))
    factory_order, factory_photo, factory_token = _factory_link(merchandiser, in_production_order)
    stage = StageWorld(
        order=fresh(order),
        shipment=shipment,
        document=document,
        carrier=make_carrier(),
        case=case,
        case_attachment=attachment,
        suggestion=suggestion,
        pi=pi,
        status_token=token,
        forged_status_token=token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
        factory_order=factory_order,
        factory_photo=factory_photo,
        factory_token=factory_token,
        forged_factory_token=factory_token[:-4] + ("AAAA" if not factory_token.endswith("AAAA") else "BBBB"),
    )
    world.extra["stage"] = stage
    return stage


def _factory_link(merchandiser, in_production_order):
    """An in-production order with a factory link and one report with a photo (production)."""
    import io

    from PIL import Image

    from production.selectors import factory_link_token
    from production.services import FactoryReportInput, factory_link_create, factory_report_submit

    order = in_production_order(merchandiser)
    link = factory_link_create(order_id=order.pk, actor=merchandiser)
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(png, format="PNG")
    report = factory_report_submit(
        link_id=link.pk,
        data=FactoryReportInput(
            reporter_name="Foreman Wu", photos=(SimpleUploadedFile("p.png", png.getvalue(), "image/png"),)
        ),
    )
    return order, report.photos.get(), factory_link_token(link)


def stage(attribute: str):
    """For access_table.KWARGS_BY_URL: a function of the matrix world that builds the stage world."""

    def value(world):
        result = stage_world(world)
        for part in attribute.split("."):
            result = getattr(result, part)
        return result

    return value
