"""Intake from a customer's own system (policy: orders arrive "by system"), idempotent per Idempotency-Key.

The customer's system retries when a network call fails half-way; a retry must never become a second
order. The key row and the order are written in one transaction and the (customer, key) unique
constraint decides which of two concurrent submissions wins: the loser rolls back and replays the winner.
"""

import hashlib
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from core.dates import date_rule_error
from core.errors import DomainError, InvalidInput

from ..models import Channel, Currency, Customer, IdempotencyKey, Order, Product, Unit
from ..selectors import orders_with_same_po
from .intake import LineInput, OrderInput, order_create

MAX_LINES = 200
IDEMPOTENCY_KEY_MAX_LENGTH = 100


class IdempotencyKeyInvalid(InvalidInput):
    """The Idempotency-Key is missing, blank or too long."""


class IdempotencyKeyReused(DomainError):
    """The key was already used for a different request body."""


def _reject_nul(value):
    """PostgreSQL text cannot hold NUL (0x00): refuse it as invalid input, not as a database error (500)."""
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("nul_character", "Text may not contain NUL (0x00) characters.")
    return value


# A decimal is a JSON number or a string of digits with at most one decimal point. Decimal() alone would also
# take "1e3", "1_000", " 10" and "Infinity", none of which a person means as a quantity.
DECIMAL_STRING = r"^[0-9]+(\.[0-9]+)?$"


def _decimal_spelling(value):
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "Send a JSON number or a decimal string.")
    if isinstance(value, str) and not re.fullmatch(DECIMAL_STRING, value):
        raise PydanticCustomError(
            "decimal_string", 'Write the number as digits with at most one decimal point, e.g. "1200" or "2.35".'
        )
    return value


def _decimal(bound: str) -> object:
    """A Decimal typed in the schema as it is accepted: a number, or a string matching DECIMAL_STRING."""
    schema = {"anyOf": [{"type": "number", bound: 0}, {"type": "string", "pattern": DECIMAL_STRING}]}
    return Annotated[Decimal, BeforeValidator(_decimal_spelling), WithJsonSchema(schema)]


Quantity = _decimal("exclusiveMinimum")
Price = _decimal("minimum")


class OrderLineSubmission(BaseModel):
    """One line as the customer's system sends it. Lengths and digits match the OrderLine columns."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        return _reject_nul(value)

    style_no: str = Field("", max_length=40, description="Our style number (Product.style_no), if known.")
    description: str = Field("", max_length=300, description="Required when there is no style_no.")
    colour: str = Field("", max_length=80)
    size: str = Field("", max_length=40)
    quantity: Quantity = Field(
        gt=0, max_digits=12, decimal_places=2, description='More than 0, at most 2 decimals: "1200", "12.5".'
    )
    unit: str = Field(min_length=1, max_length=10, description="Unit code, e.g. PCS, SET, M, KG, CTN.")
    unit_price: Price = Field(ge=0, max_digits=12, decimal_places=4, description='At most 4 decimals: "2.35".')

    @field_validator("style_no", "description", "colour", "size", mode="before")
    @classmethod
    def _null_is_blank(cls, value):
        return "" if value is None else value

    @model_validator(mode="after")
    def _product_or_description(self):
        if not self.style_no and not self.description:
            raise PydanticCustomError("line_item", "Give a style_no or a description.")
        return self


class OrderSubmission(BaseModel):
    """An order as the customer's system sends it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        return _reject_nul(value)

    customer_po: str = Field(min_length=1, max_length=60, description="Your purchase order number.")
    delivery_date: date = Field(
        description="Requested delivery date (YYYY-MM-DD): not in the past, and at most until 31 December of the "
        "fifth year from now."
    )
    currency: str = Field(min_length=3, max_length=3, description="Currency code, e.g. USD, EUR, CNY.")
    trade_terms: str = Field("", max_length=60, description="e.g. FOB Ningbo")
    payment_terms: str = Field("", max_length=120)
    ship_to: str = Field("", max_length=2000)
    notes: str = Field("", max_length=4000, description="For our staff, kept with the order; never returned.")
    lines: list[OrderLineSubmission] = Field(min_length=1, max_length=MAX_LINES)

    @field_validator("trade_terms", "payment_terms", "ship_to", "notes", mode="before")
    @classmethod
    def _null_is_blank(cls, value):
        return "" if value is None else value

    @field_validator("delivery_date")
    @classmethod
    def _date_rule(cls, value: date) -> date:
        if problem := date_rule_error(value):
            raise PydanticCustomError("date_rule", problem)
        return value

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


def error_field(loc) -> str:
    """('lines', 0, 'quantity') -> 'lines[0].quantity': the path a client developer can find in their JSON."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _canonical(value):
    """The value as the order stores it: 10, "10.00" and 1E+1 are one quantity."""
    if isinstance(value, Decimal):
        return format((value + 0).normalize(), "f")  # + 0 turns -0 into 0
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def request_hash(submission: OrderSubmission) -> str:
    """SHA-256 of the canonical JSON of the validated payload: key order, whitespace, omitted optional fields
    and the spelling of a number ("10" or "10.00") do not change it."""
    canonical = json.dumps(
        _canonical(submission.model_dump()), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _parse(payload: dict) -> OrderSubmission:
    try:
        return OrderSubmission.model_validate(payload)
    except PydanticValidationError as exc:
        raise InvalidInput(
            _("The order could not be accepted."),
            reasons=[{"field": error_field(e["loc"]), "message": e["msg"]} for e in exc.errors()],
        ) from exc


def _replay(existing: IdempotencyKey, digest: str) -> Order:
    if existing.request_hash != digest:
        raise IdempotencyKeyReused(
            _(
                "This Idempotency-Key was already used for a different order (order #%(id)s). "
                "Use a new key for a new order; resend exactly the same body to retry."
            )
            % {"id": existing.order_id}
        )
    return existing.order


def _existing_key(customer: Customer, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.select_related("order").filter(customer=customer, key=key).first()


def _order_input(*, customer: Customer, submission: OrderSubmission) -> OrderInput:
    """Resolve codes to rows and check what depends on the database or on today. Every problem is
    reported at once, each with the field it concerns."""
    errors = []
    if customer.merchandiser_id is None or not customer.merchandiser.is_active:
        raise InvalidInput(
            _(
                "Your account is not set up to receive orders by system yet (no merchandiser is assigned). "
                "Please contact your merchandiser or our sales office."
            )
        )
    currency = Currency.objects.filter(code__iexact=submission.currency).first()
    if currency is None:
        errors.append(
            {"field": "currency", "message": _("Unknown currency code “%(code)s”.") % {"code": submission.currency}}
        )
    if submission.delivery_date < timezone.localdate() - timedelta(days=1):
        errors.append({"field": "delivery_date", "message": _("The delivery date is in the past.")})

    units = {unit.code.upper(): unit for unit in Unit.objects.all()}
    style_nos = {line.style_no for line in submission.lines if line.style_no}
    products = {p.style_no: p for p in Product.objects.filter(style_no__in=style_nos)} if style_nos else {}
    lines = []
    for index, line in enumerate(submission.lines):
        unit = units.get(line.unit.upper())
        if unit is None:
            errors.append(
                {
                    "field": f"lines[{index}].unit",
                    "message": _("Unknown unit code “%(code)s”. Known units: %(known)s.")
                    % {"code": line.unit, "known": ", ".join(sorted(units))},
                }
            )
        product = products.get(line.style_no) if line.style_no else None
        if line.style_no and product is None:
            errors.append(
                {
                    "field": f"lines[{index}].style_no",
                    "message": _("Unknown style number “%(style)s”.") % {"style": line.style_no},
                }
            )
        lines.append(
            LineInput(
                quantity=line.quantity,
                unit=unit,
                unit_price=line.unit_price,
                product=product,
                description=line.description,
                colour=line.colour,
                size=line.size,
            )
        )
    if errors:
        raise InvalidInput(_("The order could not be accepted."), reasons=errors)
    return OrderInput(
        customer=customer,
        currency=currency,
        delivery_date=submission.delivery_date,
        lines=lines,
        customer_po=submission.customer_po,
        trade_terms=submission.trade_terms,
        payment_terms=submission.payment_terms,
        ship_to=submission.ship_to,
        notes=submission.notes,
    )


def _warnings(order: Order) -> list[dict]:
    others = list(
        orders_with_same_po(customer=order.customer, customer_po=order.customer_po, exclude_pk=order.pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:10]
    )
    if not others:
        return []
    return [
        {
            "code": "duplicate_customer_po",
            "message": _("Purchase order “%(po)s” already exists on order(s) %(orders)s. It was accepted anyway.")
            % {"po": order.customer_po, "orders": ", ".join(f"#{pk}" for pk in others)},
        }
    ]


def api_order_submit(*, customer: Customer, idempotency_key: str, payload: dict) -> tuple[Order, bool, list[dict]]:
    """Receive an order from the customer's system, at most once per (customer, Idempotency-Key).

    Returns (order, replayed, warnings). A key seen before with the same payload returns that first
    order with replayed=True and writes nothing; with a different payload it raises IdempotencyKeyReused.
    A new order starts in `received`, channel `system`, owned by the customer's usual merchandiser, with
    its `created` event (written by order_create). Raises InvalidInput with per-field reasons
    ({"field", "message"}) for anything it refuses.
    """
    key = (idempotency_key or "").strip()
    # isprintable(): no NUL or control characters, which PostgreSQL text refuses (a 500 otherwise).
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable():
        raise IdempotencyKeyInvalid(
            _("The Idempotency-Key header must be 1 to %(max)d characters.") % {"max": IDEMPOTENCY_KEY_MAX_LENGTH}
        )
    submission = _parse(payload)
    digest = request_hash(submission)

    # A retry is answered before anything that depends on today (a delivery date that has passed since)
    # or on master data, so a retried order always gets its first answer back.
    existing = _existing_key(customer, key)
    if existing is not None:
        order = _replay(existing, digest)
        return order, True, _warnings(order)

    data = _order_input(customer=customer, submission=submission)
    try:
        with transaction.atomic():
            order = order_create(data=data, channel=Channel.SYSTEM, actor=None)
            IdempotencyKey.objects.create(customer=customer, key=key, request_hash=digest, order=order)
    except IntegrityError:
        # A concurrent request with the same key committed first; its order stands and ours rolled back.
        existing = _existing_key(customer, key)
        if existing is None:
            raise
        order = _replay(existing, digest)
        return order, True, _warnings(order)
    return order, False, _warnings(order)
