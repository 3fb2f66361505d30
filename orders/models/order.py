"""The Order aggregate: the order, its lines, and the state machine that it moves through.

The transitions only declare what may happen. Permission, guards, locking, numbering and the audit
event live in orders.services, which is the only code that calls them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition
from simple_history.models import HistoricalRecords

from core.fields import StateField

from .master import Currency, Customer, Product, Unit


class OrderState(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONFIRMED = "confirmed", _("Confirmed")
    ENTERED = "entered", _("Entered")
    IN_PRODUCTION = "in_production", _("In production")
    SHIPPED = "shipped", _("Shipped")
    AFTER_SALES = "after_sales", _("After-sales")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


S = OrderState
CANCELLABLE_STATES = [S.RECEIVED, S.CONFIRMED, S.ENTERED, S.IN_PRODUCTION]
OPEN_STATES = [S.RECEIVED, S.CONFIRMED, S.ENTERED, S.IN_PRODUCTION, S.SHIPPED, S.AFTER_SALES]


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    SPREADSHEET = "spreadsheet", _("Spreadsheet import")
    SYSTEM = "system", _("Customer system (API)")
    GOLIVE = "golive", _("Go-live import")  # only golive.services: the order came in already under way


# The channels an order is received through (order_create): all but the go-live import.
INTAKE_CHANNELS = [c for c in Channel.values if c != Channel.GOLIVE]


def order_draft_name(*, customer: str, po: str) -> str:
    """The name of an order not yet entered (no number yet). For rows read as values, where no Order is
    built (stored agendas and reports); Order.display_number says it for an order."""
    if po:
        return _("Draft: %(customer)s PO %(po)s") % {"customer": customer, "po": po}
    return _("Draft: %(customer)s") % {"customer": customer}


class Order(models.Model):
    number = models.CharField(_("order number"), max_length=32, unique=True, null=True, blank=True)
    status = StateField(_("state"), default=S.RECEIVED, choices=S.choices, protected=True)  # see Meta.indexes
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # Indexed by order_customer_po_idx (customer first), as merchandiser by order_owner_recv_idx.
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, db_index=False)
    customer_po = models.CharField(_("customer PO number"), max_length=60, blank=True, db_index=True)
    merchandiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merchandiser"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    currency = models.ForeignKey(Currency, verbose_name=_("currency"), on_delete=models.PROTECT)
    delivery_date = models.DateField(_("promised delivery date"))  # the latest approved promise (Promise)
    # The date the customer confirmed: set on confirmation and never moved; on-time delivery is measured
    # against it (or the latest, as the KPI scheme chooses). Empty before confirmation.
    first_delivery_date = models.DateField(_("first promised date"), null=True, blank=True)
    trade_terms = models.CharField(_("trade terms"), max_length=60, blank=True, help_text=_("e.g. FOB Ningbo"))
    payment_terms = models.CharField(_("payment terms"), max_length=120, blank=True)
    ship_to = models.TextField(_("ship to"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    received_at = models.DateTimeField(_("received at"), default=timezone.now)  # see Meta.indexes
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    # Set once, by golive.services, on an order that was under way before the system was: it landed in its
    # state with the import, and what is dated up to this moment is history the KPIs leave out.
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True, editable=False)

    # Flags beside the state, never states: stage apps and jobs set them; nobody overwrites a state.
    is_overdue = models.BooleanField(_("overdue"), default=False)
    is_at_risk = models.BooleanField(_("at risk"), default=False)
    is_on_hold = models.BooleanField(_("on hold"), default=False)
    # Set and cleared only by orders.services.order_hold / order_release, with their events.
    hold_reason = models.TextField(_("reason for the hold"), blank=True)
    held_since = models.DateTimeField(_("on hold since"), null=True, blank=True)

    # Optimistic concurrency: every change bumps it; a form that carries an older value is stale.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # The reason of a correction, handover or delay can be as long as its form allows: a text column.
    history = HistoricalRecords(
        excluded_fields=["version", "status"], history_change_reason_field=models.TextField(null=True)
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [
            ("reassign_order", _("Can hand orders over to another merchandiser")),
            ("approve_cancellation", _("Can cancel an order that is in production")),
        ]
        indexes = [
            # The order list's default sort, per owner and over all; keyset-friendly.
            models.Index(fields=["-received_at", "-id"], name="order_recv_idx"),
            models.Index(fields=["merchandiser", "-received_at", "-id"], name="order_owner_recv_idx"),
            # One person's orders in one state: the check-in worklist (in production), their dashboard.
            models.Index(fields=["merchandiser", "status"], name="order_owner_status_idx"),
            models.Index(fields=["customer", "customer_po"], name="order_customer_po_idx"),
            # A customer's orders newest first, read from the customer's own part of the index: the search
            # box looks up the orders of the customers a name stands for (search.selectors).
            models.Index(fields=["customer", "-received_at", "-id"], name="order_customer_recv_idx"),
            models.Index(fields=["status", "delivery_date"], name="order_status_delivery_idx"),
            # The list's other sorts at a million orders: each with its tie-breaker, so a page is an index range.
            models.Index(fields=["delivery_date", "id"], name="order_delivery_idx"),
            models.Index(fields=["channel", "-received_at", "-id"], name="order_channel_recv_idx"),
            # The list filtered by state or by a flag, newest first: an index range, however rare the state.
            models.Index(fields=["status", "-received_at", "-id"], name="order_status_recv_idx"),
            models.Index(fields=["-received_at", "-id"], condition=Q(is_at_risk=True), name="order_at_risk_recv_idx"),
            models.Index(fields=["-received_at", "-id"], condition=Q(is_overdue=True), name="order_overdue_recv_idx"),
            models.Index(fields=["-received_at", "-id"], condition=Q(is_on_hold=True), name="order_on_hold_recv_idx"),
        ]

    def __str__(self):
        return self.display_number

    @property
    def first_promise(self):
        """The first promised delivery date: as confirmed, or the current one while none was confirmed."""
        return self.first_delivery_date or self.delivery_date

    @property
    def display_number(self) -> str:
        """How every page, email and export names the order: its number once entered, before that what the
        merchandiser knows it by ("Draft: <customer> PO <po>", in the reader's language). A draft reads its
        customer: lists of orders that may hold drafts select_related("customer")."""
        if self.number:
            return self.number
        return order_draft_name(customer=self.customer.name, po=self.customer_po)

    # --- transitions: declarations only (see orders.services.order_transition) -------------------
    @transition(field=status, source=S.RECEIVED, target=S.CONFIRMED)
    def confirm(self):
        self.confirmed_at = timezone.now()
        self.first_delivery_date = self.first_delivery_date or self.delivery_date

    @transition(field=status, source=S.CONFIRMED, target=S.ENTERED)
    def enter(self):
        self.entered_at = timezone.now()

    @transition(field=status, source=S.ENTERED, target=S.IN_PRODUCTION)
    def start_production(self):
        pass

    @transition(field=status, source=S.IN_PRODUCTION, target=S.SHIPPED)
    def ship(self):
        pass

    @transition(field=status, source=S.SHIPPED, target=S.AFTER_SALES)
    def begin_after_sales(self):
        pass

    @transition(field=status, source=S.AFTER_SALES, target=S.CLOSED)
    def close(self):
        self.closed_at = timezone.now()

    @transition(field=status, source=CANCELLABLE_STATES, target=S.CANCELLED)
    def cancel(self):
        self.closed_at = timezone.now()


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    # Indexed with the order (Meta), so the orders of a style are read from the index alone.
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, null=True, blank=True, db_index=False
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    colour = models.CharField(_("colour"), max_length=80, blank=True)
    size = models.CharField(_("size"), max_length=40, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=4)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "line_no"]
        indexes = [models.Index(fields=["product", "order"], name="orderline_product_order_idx")]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="orderline_unique_no"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orderline_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.order} / {self.line_no}"

    @property
    def amount(self):
        return self.quantity * self.unit_price


class OrderNumberSequence(models.Model):
    """One row per year. Entry locks it, so numbers are unique and gapless under concurrency."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)
