"""Logistics (物流安排): carriers, shipments of an order's lines, their documents, and the customer's
signed status link.

Nothing here is written outside logistics.services. The order moves to shipped and to after-sales only
through orders.services.order_transition, called by those services.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bilingual import BilingualName
from core.models import StoredFile
from orders.models import Order, OrderLine


class ShipmentMode(models.TextChoices):
    SEA = "sea", _("Sea freight")
    AIR = "air", _("Air freight")
    EXPRESS = "express", _("Express courier")
    TRUCK = "truck", _("Truck")


class Carrier(BilingualName):
    """A logistics company (master data). `tracking_url` turns a tracking number into a link."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    default_mode = models.CharField(_("usual mode"), max_length=10, choices=ShipmentMode.choices, blank=True)
    tracking_url = models.CharField(
        _("tracking link"),
        max_length=300,
        blank=True,
        help_text=_("An https address with {tracking} where the tracking number goes."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["code"]

    def tracking_link(self, tracking_number: str) -> str:
        if not (self.tracking_url and tracking_number):
            return ""
        from urllib.parse import quote

        return self.tracking_url.replace("{tracking}", quote(tracking_number, safe=""))


class Shipment(models.Model):
    """One consignment of some or all of an order's quantities. Partial shipments are normal."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="shipments")
    seq = models.PositiveSmallIntegerField(_("shipment no."))
    carrier = models.ForeignKey(Carrier, verbose_name=_("carrier"), on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=10, choices=ShipmentMode.choices)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    ship_date = models.DateField(_("ship date"))
    eta = models.DateField(_("estimated arrival"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=120, blank=True)
    delivery_note = models.TextField(_("delivery note"), blank=True)
    delivery_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delivery_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["order", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["order", "seq"], name="shipment_unique_seq"),
            models.CheckConstraint(condition=Q(eta__gte=F("ship_date")), name="shipment_eta_after_ship"),
            models.CheckConstraint(
                condition=Q(delivered_on__isnull=True) | Q(delivered_on__gte=F("ship_date")),
                name="shipment_delivered_after_ship",
            ),
        ]
        indexes = [
            models.Index(fields=["eta"], condition=Q(delivered_on__isnull=True), name="shipment_in_transit_idx"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.order.display_number}-S{self.seq}"

    @property
    def is_delivered(self) -> bool:
        return self.delivered_on is not None

    @property
    def tracking_link(self) -> str:
        return self.carrier.tracking_link(self.tracking_number)


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity shipped"), max_digits=12, decimal_places=2)
    # How the line is packed, for the packing list; empty where the merchandiser did not give it.
    cartons = models.PositiveIntegerField(_("cartons"), null=True, blank=True)
    per_carton = models.DecimalField(_("quantity per carton"), max_digits=12, decimal_places=2, null=True, blank=True)
    net_kg = models.DecimalField(_("net weight (kg)"), max_digits=12, decimal_places=2, null=True, blank=True)
    gross_kg = models.DecimalField(_("gross weight (kg)"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment", "order_line__line_no"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipmentline_unique_line"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipmentline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(gross_kg__isnull=True) | Q(net_kg__isnull=True) | Q(gross_kg__gte=F("net_kg")),
                name="shipmentline_gross_not_below_net",
            ),
        ]


class DocumentKind(models.TextChoices):
    PACKING_LIST = "packing_list", _("Packing list")
    BILL_OF_LADING = "bill_of_lading", _("Bill of lading / air waybill")
    INVOICE = "invoice", _("Commercial invoice")
    PROOF_OF_DELIVERY = "proof_of_delivery", _("Proof of delivery")
    OTHER = "other", _("Other")


class ShipmentDocument(StoredFile):
    """A shipping document."""

    storage_folder = "shipments"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)

    class Meta:
        verbose_name = _("shipping document")
        verbose_name_plural = _("shipping documents")
        ordering = ["uploaded_at", "id"]


class StatusLink(models.Model):
    """The customer's link to the order's status page: /s/<nonce>:<signature>/.

    The nonce is random and unique; the signature (HMAC with the secret key) lets a tampered token be
    refused without a query. Revoking rotates the nonce, so every link handed out before stops working.
    A link expires settings.STATUS_LINK_DAYS after `issued_at`: made, revoked and replaced, renewed by the
    merchandiser, or sent to the customer again (logistics.selectors.status_link_expires_at).
    """

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="status_link")
    nonce = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(_("issued or renewed"), default=timezone.now)
    revocations = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(_("last opened by the customer"), null=True, blank=True)

    class Meta:
        verbose_name = _("status link")
        verbose_name_plural = _("status links")

    def __str__(self):
        return f"{self.order.display_number} status link"
