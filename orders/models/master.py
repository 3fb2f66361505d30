"""Master data: currencies, units, customers and their contacts, products (styles)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.bilingual import BilingualName


class Currency(BilingualName):
    code = models.CharField(_("code"), max_length=3, unique=True)

    class Meta:
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        ordering = ["code"]

    def __str__(self):
        return self.code


class Unit(BilingualName):
    code = models.CharField(_("code"), max_length=10, unique=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]


class Customer(BilingualName):
    code = models.CharField(_("customer code"), max_length=20, unique=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=60, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    merchandiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usual merchandiser"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Who changed what, when and why (orders.services.master_data.customer_save); reasons may be long.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]


class CustomerContact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The contact's sign-in to the customer portal (customer_portal.services.contact_invite), if invited.
    # Here rather than in a table of the portal: a contact has one login at most, and every portal read
    # starts from "which customer is this user a contact of", one join away.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer_contact",
    )
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("customer contact")
        verbose_name_plural = _("customer contacts")

    def __str__(self):
        return self.name


class CustomerApiToken(models.Model):
    """A customer's system submits orders with this bearer token. Only its SHA-256 is stored."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(_("label"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.customer.code} {self.prefix}…"

    @staticmethod
    def hash_key(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, *, customer: Customer, label: str = "") -> tuple["CustomerApiToken", str]:
        """Create a token and return it with the raw key, which is shown once and never stored."""
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(customer=customer, label=label, prefix=raw[:8], key_hash=cls.hash_key(raw))
        return token, raw


class ProductType(models.TextChoices):
    """What a product is; production plans it with the T&A template of the same code (production.PlanTemplate)."""

    GARMENT = "garment", _("Garment")
    ACCESSORY = "accessory", _("Accessory")
    HOME_TEXTILE = "home_textile", _("Home textile")
    OTHER = "other", _("Other")


class Product(BilingualName):
    """A product or style, with its structured specification."""

    style_no = models.CharField(_("style number"), max_length=40, unique=True)
    product_type = models.CharField(
        _("product type"), max_length=40, choices=ProductType.choices, default=ProductType.GARMENT
    )
    colour = models.CharField(_("colour"), max_length=80, blank=True)
    material = models.CharField(_("material"), max_length=200, blank=True)
    packing = models.CharField(_("packing"), max_length=200, blank=True)
    size_breakdown = models.JSONField(_("size breakdown"), default=dict, blank=True)
    specification = models.TextField(_("specification"), blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["style_no"]

    def __str__(self):
        return f"{self.style_no} {self.name}"
