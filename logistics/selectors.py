"""Reads for logistics. Row visibility always comes from orders.selectors.orders_visible_to."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db.models import Max, Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from core.dates import shift
from orders.models import Order
from orders.selectors import order_lines, order_visibility

from .models import Carrier, Shipment, ShipmentLine, StatusLink

STATUS_LINK_SALT = "logistics.status-link"


def quantity_text(value: Decimal) -> str:
    """100.00 -> "100", 12.50 -> "12.5": how a quantity reads in a message."""
    return f"{Decimal(value).normalize():f}"


def shipments_visible_to(user) -> QuerySet[Shipment]:
    return Shipment.objects.filter(order_visibility(user, via="order"))


def shipment_get_for_user(*, user, pk) -> Shipment:
    try:
        return shipments_visible_to(user).select_related("order", "order__customer", "carrier").get(pk=pk)
    except (Shipment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def shipment_list_queryset(*, user) -> QuerySet[Shipment]:
    return shipments_visible_to(user).select_related("order", "order__customer", "carrier")


def order_shipments(*, order: Order) -> list[Shipment]:
    """Every shipment of the order with its lines and documents: three queries whatever the count."""
    return list(
        order.shipments.select_related("carrier")
        .prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line", "order_line__unit")),
            "documents",
        )
        .order_by("seq")
    )


def shipped_quantities(*, order: Order) -> dict[int, Decimal]:
    """Order line id -> quantity shipped so far, in one grouped query."""
    rows = (
        ShipmentLine.objects.filter(shipment__order=order)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    )
    return dict(rows)


def shipping_progress(*, order: Order, shipments: list[Shipment] | None = None) -> list[dict]:
    """Per order line: ordered, shipped, remaining. Given the order's shipments as order_shipments()
    loads them (lines included), the totals come from those instead of another query."""
    if shipments is None:
        shipped = shipped_quantities(order=order)
    else:
        shipped = defaultdict(Decimal)
        for shipment in shipments:
            for shipment_line in shipment.lines.all():
                shipped[shipment_line.order_line_id] += shipment_line.quantity
    progress = []
    for line in order_lines(order=order):
        done = shipped.get(line.pk, Decimal("0"))
        progress.append({"line": line, "ordered": line.quantity, "shipped": done, "remaining": line.quantity - done})
    return progress


def everything_shipped(*, order: Order) -> bool:
    progress = shipping_progress(order=order)
    return bool(progress) and all(row["remaining"] <= 0 for row in progress)


def last_delivery_date(*, order: Order, shipments: list[Shipment] | None = None) -> date | None:
    """The date the last shipment was delivered, once every shipment is; otherwise None."""
    if shipments is not None:
        stats = [shipment.delivered_on for shipment in shipments]
    else:
        stats = list(order.shipments.values_list("delivered_on", flat=True))
    if not stats or any(d is None for d in stats):
        return None
    return max(stats)


def service_period_end(*, order: Order, shipments: list[Shipment] | None = None) -> date | None:
    """After-sales service ends this many days after the (last) delivery."""
    delivered = last_delivery_date(order=order, shipments=shipments)
    if delivered is None:
        return None
    return shift(delivered, settings.AFTERSALES_SERVICE_PERIOD_DAYS)


def carriers_active() -> QuerySet[Carrier]:
    return Carrier.objects.filter(active=True)


def next_shipment_seq(*, order: Order) -> int:
    return (order.shipments.aggregate(n=Max("seq"))["n"] or 0) + 1


# --- the customer's status link -----------------------------------------------------------------------
def status_link_token(link: StatusLink) -> str:
    return signing.Signer(salt=STATUS_LINK_SALT).sign(link.nonce)


def status_link_resolve(*, token: str) -> StatusLink | None:
    """The link a token stands for, or None when the token is tampered with, revoked or unknown.
    A bad signature is refused before any query."""
    try:
        nonce = signing.Signer(salt=STATUS_LINK_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return (
        StatusLink.objects.select_related("order", "order__customer", "order__merchandiser").filter(nonce=nonce).first()
    )


def status_link_expires_at(link: StatusLink):
    """When the link stops working: STATUS_LINK_DAYS after it was issued, renewed or last emailed; None
    when links never expire (0)."""
    if not settings.STATUS_LINK_DAYS:
        return None
    return link.issued_at + timedelta(days=settings.STATUS_LINK_DAYS)


def status_link_expired(link: StatusLink) -> bool:
    expires = status_link_expires_at(link)
    return expires is not None and timezone.now() >= expires


def status_link_path(link: StatusLink) -> str:
    from django.urls import reverse

    return reverse("portal:status", kwargs={"token": status_link_token(link)})


def status_link_url(link: StatusLink) -> str:
    return settings.SITE_URL.rstrip("/") + status_link_path(link)
