"""The check-in records list's columns (django-tables2): the page and the export share them."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tables import DateColumn, DateTimeColumn

from .models import CheckIn


class CheckInTable(tables.Table):
    day = DateColumn(verbose_name=_("Day"), order_by=("day", "id"))
    order = tables.Column(
        verbose_name=_("Order"),
        orderable=False,
        linkify=lambda record: reverse("orders:detail", kwargs={"pk": record.order_id}) + "#panel-production",
    )
    merchandiser = tables.Column(verbose_name=_("Merchandiser"), order_by=("merchandiser__username",))
    status = tables.Column(verbose_name=_("State"))
    contact_name = tables.Column(verbose_name=_("Contact in production"), orderable=False)
    contact_method = tables.Column(verbose_name=_("How"), orderable=False)
    quantity_done = tables.Column(verbose_name=_("Produced so far"), orderable=False)
    problems = tables.Column(verbose_name=_("Problems"), orderable=False)
    next_steps = tables.Column(verbose_name=_("Next steps"), orderable=False)
    completed_at = DateTimeColumn(verbose_name=_("Recorded at"))

    class Meta:
        model = CheckIn
        fields = (
            "day",
            "order",
            "merchandiser",
            "status",
            "contact_name",
            "contact_method",
            "quantity_done",
            "problems",
            "next_steps",
            "completed_at",
        )
        order_by = ("-day",)
        attrs = {"class": "table"}

    def render_order(self, value):
        return value.display_number

    def value_quantity_done(self, value):
        return value
