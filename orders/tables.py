import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Order


class OrderTable(tables.Table):
    """The order list's columns, headings and sorting; the page draws it with orders/_order_table.html (a
    Jinja2 fragment) and the exports write its values."""

    number = tables.Column(verbose_name=_("Order"), linkify=("orders:detail", {"pk": tables.A("pk")}), empty_values=())
    customer = tables.Column(verbose_name=_("Customer"), order_by=("customer__code",))
    customer_po = tables.Column(verbose_name=_("Customer PO"))
    status = tables.Column(verbose_name=_("State"))
    # Sorts with a tie-breaker, each served by an index (order_delivery_idx, order_channel_recv_idx).
    delivery_date = tables.DateColumn(verbose_name=_("Delivery"), order_by=("delivery_date", "id"))
    merchandiser = tables.Column(verbose_name=_("Merchandiser"), order_by=("merchandiser__username",))
    channel = tables.Column(verbose_name=_("Channel"), order_by=("channel", "-received_at", "-id"))
    received_at = tables.DateTimeColumn(verbose_name=_("Received"), format="Y-m-d H:i")

    class Meta:
        model = Order
        fields = (
            "number",
            "customer",
            "customer_po",
            "status",
            "delivery_date",
            "merchandiser",
            "channel",
            "received_at",
        )
        order_by = ("-received_at",)
        attrs = {"class": "table"}

    def value_status(self, record):
        return record.get_status_display()

    def value_number(self, record):
        return record.display_number

    # Exports (core/exports.py) write real dates and times: the objects, not their text.
    def value_delivery_date(self, value):
        return value

    def value_received_at(self, value):
        return value
