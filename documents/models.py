"""Documents (单证): the PDFs the system makes from an order's data, stored and versioned.

A regenerated document is a new row with the next version; old versions stay, so a confirmation that
names a version and its SHA-256 can always be checked against the file. Rows change only through
documents.services.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import StoredFile
from logistics.models import Shipment
from orders.models import Order


class DocumentKind(models.TextChoices):
    PROFORMA_INVOICE = "pi", _("Proforma invoice")
    PACKING_LIST = "packing_list", _("Packing list")


class Document(StoredFile):
    """One version of a generated PDF. `uploaded_by` and `uploaded_at` (StoredFile) are who made it, when."""

    storage_folder = "documents"

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    # A packing list is one shipment's; a PI is the whole order's.
    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["order", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "version"], condition=Q(shipment__isnull=True), name="document_unique_version"
            ),
            models.UniqueConstraint(
                fields=["shipment", "kind", "version"],
                condition=Q(shipment__isnull=False),
                name="document_unique_shipment_version",
            ),
            models.CheckConstraint(
                condition=Q(kind="pi", shipment__isnull=True) | Q(kind="packing_list", shipment__isnull=False),
                name="document_shipment_for_packing_list",
            ),
        ]
        indexes = [models.Index(fields=["order", "kind", "-version"], name="document_order_kind_idx")]

    def __str__(self):
        return self.original_name

    @property
    def created_by(self):
        return self.uploaded_by

    @property
    def created_at(self):
        return self.uploaded_at
