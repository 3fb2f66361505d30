"""The portal's lists: django-tables2, the staff lists' look (partials/_table.html), customer-visible columns."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import DateColumn, DateTimeColumn

from .selectors import STAGE_LABELS


class PortalOrderTable(tables.Table):
    number = tables.Column(
        verbose_name=_("Order"),
        linkify=("customer:order", {"pk": tables.A("pk")}),
        empty_values=(),
        order_by=("number", "id"),
    )
    customer_po = tables.Column(verbose_name=_("Your PO"))
    status = tables.Column(verbose_name=_("Stage"))
    delivery_date = DateColumn(verbose_name=_("Promised delivery"), order_by=("delivery_date", "id"))
    received_at = DateColumn(verbose_name=_("Received"))

    class Meta:
        attrs = {"class": "table"}
        template_name = "partials/_table.html"
        order_by = ("-received_at",)

    def render_number(self, record):
        return record.display_number

    def render_status(self, record):
        return STAGE_LABELS[record.status]


class PortalShipmentTable(tables.Table):
    order = tables.Column(
        verbose_name=_("Order"), linkify=("customer:order", {"pk": tables.A("order_id")}), orderable=False
    )
    seq = tables.Column(verbose_name=_("Shipment"))
    carrier = tables.Column(verbose_name=_("Carrier"), orderable=False)
    tracking_number = tables.Column(verbose_name=_("Tracking number"), orderable=False)
    ship_date = DateColumn(verbose_name=_("Shipped on"))
    eta = DateColumn(verbose_name=_("Estimated arrival"))
    delivered_on = DateColumn(verbose_name=_("Delivered on"))

    class Meta:
        attrs = {"class": "table"}
        template_name = "partials/_table.html"

    def render_order(self, record):
        return record.order.display_number

    def render_carrier(self, record):
        return record.carrier.name


class PortalDocumentTable(tables.Table):
    order = tables.Column(
        verbose_name=_("Order"), linkify=("customer:order", {"pk": tables.A("order_id")}), orderable=False
    )
    kind = tables.Column(verbose_name=_("Document"), orderable=False)
    version = tables.Column(verbose_name=_("Version"), orderable=False)
    uploaded_at = DateTimeColumn(verbose_name=_("Made"), orderable=False)
    download = tables.LinkColumn(
        "customer:document",
        args=[tables.A("pk")],
        text=_("Download PDF"),
        verbose_name=_("File"),
        orderable=False,
        empty_values=(),
    )

    class Meta:
        attrs = {"class": "table"}
        template_name = "partials/_table.html"

    def render_order(self, record):
        return record.order.display_number

    def render_kind(self, record):
        return record.get_kind_display()


class PortalCaseTable(tables.Table):
    reference = tables.Column(verbose_name=_("Request"), orderable=False)
    order = tables.Column(
        verbose_name=_("Order"), linkify=("customer:order", {"pk": tables.A("order_id")}), orderable=False
    )
    subject = tables.Column(verbose_name=_("Subject"), orderable=False)
    status = tables.Column(verbose_name=_("Status"), orderable=False)
    opened_at = DateColumn(verbose_name=_("Opened"), orderable=False)

    class Meta:
        attrs = {"class": "table"}
        template_name = "partials/_table.html"

    def render_order(self, record):
        return record.order.display_number

    def render_status(self, record):
        return record.get_status_display()


class PortalSurveyTable(tables.Table):
    order = tables.Column(
        verbose_name=_("Order"), linkify=("customer:order", {"pk": tables.A("order_id")}), orderable=False
    )
    quality = tables.Column(verbose_name=_("Quality"), orderable=False)
    delivery = tables.Column(verbose_name=_("Delivery"), orderable=False)
    communication = tables.Column(verbose_name=_("Communication"), orderable=False)
    comment = tables.Column(verbose_name=_("Comment"), orderable=False)
    updated_at = DateColumn(verbose_name=_("Given on"), orderable=False)

    class Meta:
        attrs = {"class": "table"}
        template_name = "partials/_table.html"

    def render_order(self, record):
        return record.order.display_number
