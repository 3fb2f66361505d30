"""What logistics demands before the order's stage transitions. Registered in LogisticsConfig.ready(),
so the manual buttons on the order page refuse with the reason when it is not met."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .selectors import quantity_text, service_period_end, shipping_progress


def guard_ship(order, **context) -> str | None:
    """`ship` needs every quantity shipped."""
    missing = [row for row in shipping_progress(order=order) if row["remaining"] > 0]
    if not missing:
        return None
    detail = "; ".join(
        _("line %(n)d: %(shipped)s of %(ordered)s")
        % {"n": row["line"].line_no, "shipped": quantity_text(row["shipped"]), "ordered": quantity_text(row["ordered"])}
        for row in missing
    )
    return _("Not everything has shipped yet (%(detail)s). Record the shipments first.") % {"detail": detail}


def guard_begin_after_sales(order, **context) -> str | None:
    """`begin_after_sales` needs every shipment's delivery confirmed."""
    delivered = list(order.shipments.values_list("delivered_on", flat=True))
    if not delivered:
        return _("No shipment is recorded yet.")
    pending = sum(1 for d in delivered if d is None)
    if pending:
        return _("Delivery is not confirmed yet for %(pending)d of %(total)d shipment(s).") % {
            "pending": pending,
            "total": len(delivered),
        }
    return None


def guard_close(order, **context) -> str | None:
    """`close` needs the after-sales service period to have ended."""
    ends = service_period_end(order=order)
    if ends is None:
        return _("Delivery is not confirmed, so the after-sales service period has not started.")
    if timezone.localdate() < ends:
        return _("The after-sales service period runs until %(date)s.") % {"date": ends.isoformat()}
    return None
