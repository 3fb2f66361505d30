from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateField, DateTimeField

from .models import (
    COMMENT_MAX_CHARS,
    STAFF_CONFIRMATION_METHODS,
    Currency,
    Customer,
    CustomerContact,
    OrderLine,
    Product,
    Unit,
)
from .permissions import CUSTOMER_ROUTING_FIELDS, can_edit_customer, can_route_customer, customer_owner_choices
from .selectors import product_for_style
from .services.intake import LineInput, OrderInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # ISO: what <input type=date> needs
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VersionField(forms.IntegerField):
    """The order version the page was rendered with; the service refuses a stale one."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=1, **kwargs)


class OrderHeaderForm(forms.Form):
    customer = forms.ModelChoiceField(Customer.objects.all(), label=_("Customer"))
    customer_po = forms.CharField(label=_("Customer PO number"), max_length=60, required=False)
    currency = forms.ModelChoiceField(Currency.objects.all(), label=_("Currency"))
    delivery_date = DateField(label=_("Promised delivery date"), widget=DATE)
    trade_terms = forms.CharField(label=_("Trade terms"), max_length=60, required=False, help_text=_("e.g. FOB Ningbo"))
    payment_terms = forms.CharField(label=_("Payment terms"), max_length=120, required=False)
    ship_to = forms.CharField(
        label=_("Ship to"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The duplicate question is asked only once a duplicate is found (ask_about_duplicates); an answer
        # already posted is kept, so a page shown again for another reason does not lose it.
        if self.is_bound and self.data.get(self.add_prefix("confirm_duplicate")):
            self.ask_about_duplicates()

    def ask_about_duplicates(self) -> None:
        """Add "Save anyway: not a duplicate", after the form was checked and an order with its PO was found."""
        if "confirm_duplicate" not in self.fields:
            self.fields["confirm_duplicate"] = forms.BooleanField(
                label=_("Save anyway: I have checked that this is not a duplicate"), required=False
            )

    def clean_delivery_date(self):
        value = self.cleaned_data["delivery_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The delivery date is in the past."))
        return value  # the far end is the date rule's, on the field


class OrderLineForm(forms.Form):
    """One row of the intake grid. A style number brings its product's description and unit when those are
    left empty (the grid's script fills them as the number is typed; without it, on saving)."""

    style_no = forms.CharField(label=_("Style number"), max_length=40, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    colour = forms.CharField(label=_("Colour"), max_length=80, required=False)
    size = forms.CharField(label=_("Size"), max_length=40, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.01"), max_value=Decimal("9999999999"), decimal_places=2
    )
    unit = forms.ModelChoiceField(Unit.objects.all(), label=_("Unit"), required=False)
    unit_price = forms.DecimalField(
        label=_("Unit price"), min_value=Decimal("0"), max_value=Decimal("99999999"), decimal_places=4
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Read by static/js/line-grid.js: the cell whose style number is looked up, and the row's last cell,
        # where Enter adds a row.
        self.fields["style_no"].widget.attrs.update({"autocomplete": "off", "data-style-lookup": ""})
        self.fields["unit_price"].widget.attrs.update({"data-grid-last": ""})

    def clean_style_no(self):
        style_no = self.cleaned_data["style_no"].strip()
        self.product = product_for_style(user=self.user, style_no=style_no) if style_no else None
        if style_no and self.product is None:
            raise forms.ValidationError(_("No product has the style number “%(style)s”.") % {"style": style_no})
        return style_no

    def clean(self):
        data = super().clean()
        product = getattr(self, "product", None)
        if product is not None and not data.get("unit") and "unit" not in self.errors:
            data["unit"] = product.unit
        if "style_no" in self.errors:
            return data
        if not product and not (data.get("description") or "").strip():
            raise forms.ValidationError(_("Give a style number or describe the item."))
        if not data.get("unit"):
            self.add_error("unit", _("Choose the unit."))
        return data

    def to_line(self) -> LineInput:
        d = self.cleaned_data
        return LineInput(
            product=getattr(self, "product", None),
            description=d.get("description", ""),
            colour=d.get("colour", ""),
            size=d.get("size", ""),
            quantity=d["quantity"],
            unit=d["unit"],
            unit_price=d["unit_price"],
        )


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not filled:
            raise forms.ValidationError(_("An order needs at least one line."))


# Three empty rows: without JavaScript the grid is a plain formset, and most phone orders fit in three lines.
OrderLineFormSet = forms.formset_factory(
    OrderLineForm, formset=BaseLineFormSet, extra=3, can_delete=True, max_num=200, validate_max=True
)


def order_lines_formset(data=None, *, user) -> BaseLineFormSet:
    """The intake grid's rows (prefix `lines`): style numbers resolve to the products `user` may see."""
    return OrderLineFormSet(data, prefix="lines", form_kwargs={"user": user})


def order_input_from_forms(header: OrderHeaderForm, lines) -> OrderInput:
    d = header.cleaned_data
    return OrderInput(
        customer=d["customer"],
        currency=d["currency"],
        delivery_date=d["delivery_date"],
        customer_po=d.get("customer_po", ""),
        trade_terms=d.get("trade_terms", ""),
        payment_terms=d.get("payment_terms", ""),
        ship_to=d.get("ship_to", ""),
        notes=d.get("notes", ""),
        lines=[f.to_line() for f in lines.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")],
    )


class ConfirmationForm(forms.Form):
    version = VersionField()
    method = forms.ChoiceField(label=_("Method"), choices=[(m.value, m.label) for m in STAFF_CONFIRMATION_METHODS])
    contact = forms.CharField(label=_("Customer contact"), max_length=120)
    # Most confirmations are recorded as the call ends: start at now (the form shows it in the active
    # time zone, to the minute, so it is never in the future); the person changes it when it was earlier.
    confirmed_at = DateTimeField(label=_("Confirmed at"), widget=DATETIME, initial=timezone.now)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000)
    attachment = forms.FileField(label=_("Attachment"), required=False, help_text=_("e.g. the signed PO or the email"))


class TransitionForm(forms.Form):
    version = VersionField()
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class HoldForm(forms.Form):
    version = VersionField()
    reason = forms.CharField(label=_("Reason for the hold"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReleaseForm(forms.Form):
    version = VersionField()
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class OrderEditForm(forms.Form):
    version = VersionField()
    customer_po = forms.CharField(label=_("Customer PO number"), max_length=60, required=False)
    delivery_date = DateField(label=_("Promised delivery date"), widget=DATE)
    trade_terms = forms.CharField(label=_("Trade terms"), max_length=60, required=False)
    payment_terms = forms.CharField(label=_("Payment terms"), max_length=120, required=False)
    ship_to = forms.CharField(
        label=_("Ship to"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        help_text=_("Required once the order is confirmed: the change is then recorded as a correction."),
    )


class LineEditForm(forms.ModelForm):
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.01"), max_value=Decimal("9999999999"), decimal_places=2
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"), min_value=Decimal("0"), max_value=Decimal("99999999"), decimal_places=4
    )

    class Meta:
        model = OrderLine
        fields = ["description", "colour", "size", "quantity", "unit", "unit_price"]


class AttachmentForm(forms.Form):
    version = VersionField()
    file = forms.FileField(label=_("File"))


class HandoverForm(forms.Form):
    from_user = forms.ModelChoiceField(get_user_model().objects.none(), label=_("From merchandiser"))
    to_user = forms.ModelChoiceField(get_user_model().objects.none(), label=_("To merchandiser"))
    order = forms.TypedChoiceField(
        label=_("Only this order"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Leave it on “all open orders” to hand over every open order of the merchandiser."),
        error_messages={"invalid_choice": _("Choose one of your team's open orders.")},
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, team_members=None, merchandisers=None, open_orders=(), **kwargs):
        """`open_orders`: the team's open orders, with customer and merchandiser, each merchandiser's together;
        offered by name under their merchandiser's."""
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = team_members
        self.fields["to_user"].queryset = merchandisers
        groups: dict = {}
        self._owner_of = {}
        for order in open_orders:
            groups.setdefault(order.merchandiser, []).append((order.pk, order.display_number))
            self._owner_of[order.pk] = order.merchandiser_id
        self.fields["order"].choices = [
            ("", _("All open orders")),
            *((str(person), choices) for person, choices in groups.items()),
        ]

    def clean(self):
        data = super().clean()
        if data.get("from_user") and data.get("from_user") == data.get("to_user"):
            raise forms.ValidationError(_("Choose two different merchandisers."))
        order, from_user = data.get("order"), data.get("from_user")
        if order is not None and from_user is not None and self._owner_of.get(order) != from_user.pk:
            self.add_error("order", _("This order is not one of that merchandiser's open orders."))
        return data


class CustomerForm(forms.ModelForm):
    """What `actor` may change is editable; the rest is shown disabled, and a disabled field keeps its stored
    value whatever is posted (orders.services.master_data.customer_save checks again)."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when the usual merchandiser or an email address changes. The previous merchandiser is told."
        ),
    )

    class Meta:
        model = Customer
        fields = [
            "code",
            "name_zh",
            "name_en",
            "email",
            "phone",
            "country",
            "preferred_language",
            "merchandiser",
        ]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        customer = self.instance if self.instance.pk else None
        self.editable = customer is None or can_edit_customer(actor, customer)
        self.routable = customer is None or can_route_customer(actor, customer)
        allowed = Q(pk__in=customer_owner_choices(actor).values("pk"))
        if customer is not None and customer.merchandiser_id:
            allowed |= Q(pk=customer.merchandiser_id)  # the owner as it is, even if `actor` could not choose them
        self.fields["merchandiser"].queryset = get_user_model().objects.filter(allowed)
        locked = [name for name in self.fields if not self.editable]
        locked += [] if self.routable else list(CUSTOMER_ROUTING_FIELDS)
        for name in locked:
            self.fields[name].disabled = True
        if customer is None or not self.routable:
            del self.fields["reason"]  # asked only where a routing field can change


class CustomerContactForm(forms.ModelForm):
    class Meta:
        model = CustomerContact
        fields = ["name", "title", "email", "phone"]

    def __init__(self, *args, editable=True, routable=True, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not editable or (name == "email" and not routable):
                field.disabled = True


CustomerContactFormSet = forms.inlineformset_factory(
    Customer, CustomerContact, form=CustomerContactForm, extra=1, can_delete=True, max_num=50
)


class ProductForm(forms.ModelForm):
    size_breakdown = forms.JSONField(
        label=_("Size breakdown"),
        required=False,
        initial=dict,
        help_text=_('Sizes and their share, e.g. {"S": 20, "M": 30, "L": 30, "XL": 20}'),
    )

    class Meta:
        model = Product
        fields = [
            "style_no",
            "name_zh",
            "name_en",
            "product_type",
            "colour",
            "material",
            "packing",
            "size_breakdown",
            "specification",
            "unit",
        ]

    def clean_size_breakdown(self):
        value = self.cleaned_data.get("size_breakdown") or {}
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, int | float) and v >= 0 for k, v in value.items()
        ):
            raise forms.ValidationError(_("Give sizes as names with non-negative numbers."))
        return value


class CommentForm(forms.Form):
    """A comment in the order's thread (orders.services.discussion checks it again)."""

    text = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name a colleague with @ and their user name (@li.na) to send them the comment."),
    )
    file = forms.FileField(label=_("File (optional)"), required=False)


class PromiseDecisionForm(forms.Form):
    """The supervisor's answer to a proposed delivery date: approve it (a note is optional) or reject it (the
    note is the reason, checked by the service)."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(
        label=_("Note to the merchandiser"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject the date."),
    )
