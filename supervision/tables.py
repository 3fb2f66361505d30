"""The finding and violation lists' columns (django-tables2): the pages and the exports share them."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import DateTimeColumn

from .models import Finding, RecordReview, Violation


class FindingTable(tables.Table):
    reference = tables.Column(
        verbose_name=_("Finding"), accessor="pk", linkify=("supervision:finding_detail", {"pk": tables.A("pk")})
    )
    order = tables.Column(verbose_name=_("Order"), accessor="sample__order", orderable=False)
    merchandiser = tables.Column(verbose_name=_("Merchandiser"), order_by=("merchandiser__username",))
    description = tables.Column(verbose_name=_("What was found"), orderable=False)
    severity = tables.Column(verbose_name=_("Severity"))
    due_date = tables.TemplateColumn(
        verbose_name=_("Due date"), template_name="supervision/_finding_due_cell.html", order_by=("due_date", "id")
    )
    status = tables.Column(verbose_name=_("State"))
    created_at = DateTimeColumn(verbose_name=_("Raised at"))

    class Meta:
        model = Finding
        fields = ("reference", "order", "merchandiser", "description", "severity", "due_date", "status", "created_at")
        order_by = ("-created_at",)
        attrs = {"class": "table", "id": "findings"}

    def render_reference(self, record):
        return record.reference

    def render_order(self, value):
        return value.display_number

    def render_description(self, value):
        return value if len(value) <= 160 else value[:159] + "…"

    def value_description(self, value):
        return value

    def value_due_date(self, value):
        return value


class ViolationTable(tables.Table):
    reference = tables.Column(
        verbose_name=_("Violation"), accessor="pk", linkify=("supervision:violation_detail", {"pk": tables.A("pk")})
    )
    person = tables.Column(verbose_name=_("Person"), order_by=("person__username",))
    type = tables.Column(verbose_name=_("Type"))
    severity = tables.Column(verbose_name=_("Severity"))
    occurred_at = DateTimeColumn(verbose_name=_("Occurred at"))
    proposed_sanction = tables.Column(verbose_name=_("Proposed"))
    decided_sanction = tables.Column(verbose_name=_("Decided"))
    fine_amount = tables.Column(verbose_name=_("Amount (¥)"))
    status = tables.Column(verbose_name=_("State"))
    order = tables.Column(verbose_name=_("Order"), orderable=False)

    class Meta:
        model = Violation
        fields = (
            "reference",
            "person",
            "type",
            "severity",
            "occurred_at",
            "proposed_sanction",
            "decided_sanction",
            "fine_amount",
            "status",
            "order",
        )
        order_by = ("-occurred_at",)
        attrs = {"class": "table"}

    def render_reference(self, record):
        return record.reference

    def render_order(self, value):
        return value.display_number

    def value_fine_amount(self, value):
        return value


class RecordReviewTable(tables.Table):
    reviewed_at = DateTimeColumn(verbose_name=_("Reviewed at"), order_by=("reviewed_at", "id"))
    order = tables.Column(
        verbose_name=_("Order"), orderable=False, linkify=("orders:detail", {"pk": tables.A("order_id")})
    )
    merchandiser = tables.Column(verbose_name=_("Merchandiser"), order_by=("merchandiser__username",))
    reviewer = tables.Column(verbose_name=_("Reviewer"), orderable=False)
    rating = tables.Column(verbose_name=_("Rating (1–5)"))
    comment = tables.Column(verbose_name=_("Comment"), orderable=False)

    class Meta:
        model = RecordReview
        fields = ("reviewed_at", "order", "merchandiser", "reviewer", "rating", "comment")
        order_by = ("-reviewed_at",)
        attrs = {"class": "table"}

    def render_order(self, value):
        return value.display_number

    def value_rating(self, value):
        return value
