from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateField

from .models import Carrier, DocumentKind, ShipmentMode
from .selectors import quantity_text
from .services import LinePacking, ShipmentInput

# The fields each order line gets on the shipment form: `<prefix>_<line id>`.
LINE_FIELD_PREFIXES = ("qty", "cartons", "percarton", "net", "gross")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ShipmentForm(forms.Form):
    """The shipment header, plus one quantity field per order line (`qty_<line id>`)."""

    carrier = forms.ModelChoiceField(Carrier.objects.filter(active=True), label=_("Carrier"))
    mode = forms.ChoiceField(label=_("Mode"), choices=ShipmentMode.choices)
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=100,
        required=False,
        help_text=_("B/L, container, air waybill or courier number. Required except by truck."),
    )
    ship_date = DateField(label=_("Ship date"), widget=DATE)
    eta = DateField(label=_("Estimated arrival"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    packing_list = forms.FileField(label=_("Packing list"), required=False)
    bill_of_lading = forms.FileField(label=_("Bill of lading / air waybill"), required=False)

    def __init__(self, *args, progress=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.progress = list(progress)
        self.fields["ship_date"].initial = timezone.localdate()
        for row in self.progress:
            line = row["line"]
            self.fields[f"qty_{line.pk}"] = forms.DecimalField(
                label=_("Line %(n)d: %(item)s") % {"n": line.line_no, "item": line.description or line.product},
                required=False,
                min_value=Decimal("0"),
                max_digits=12,
                decimal_places=2,
                initial=row["remaining"] if row["remaining"] > 0 else None,
                help_text=_("Ordered %(ordered)s, shipped %(shipped)s, left %(left)s")
                % {
                    "ordered": quantity_text(row["ordered"]),
                    "shipped": quantity_text(row["shipped"]),
                    "left": quantity_text(row["remaining"]),
                },
            )

            n = line.line_no
            self.fields[f"cartons_{line.pk}"] = forms.IntegerField(
                label=_("Line %(n)d: cartons") % {"n": n}, required=False, min_value=1
            )
            self.fields[f"percarton_{line.pk}"] = forms.DecimalField(
                label=_("Line %(n)d: quantity per carton") % {"n": n},
                required=False,
                min_value=Decimal("0.01"),
                max_digits=12,
                decimal_places=2,
            )
            for key, label in (
                ("net", _("Line %(n)d: net weight (kg)")),
                ("gross", _("Line %(n)d: gross weight (kg)")),
            ):
                self.fields[f"{key}_{line.pk}"] = forms.DecimalField(
                    label=label % {"n": n}, required=False, min_value=Decimal("0"), max_digits=12, decimal_places=2
                )

    def header_fields(self):
        return [self[name] for name in self.fields if name.split("_")[0] not in LINE_FIELD_PREFIXES]

    def line_groups(self):
        """Per order line: its quantity, then how it is packed (for the packing list)."""
        return [[self[f"{prefix}_{row['line'].pk}"] for prefix in LINE_FIELD_PREFIXES] for row in self.progress]

    def to_input(self) -> ShipmentInput:
        d = self.cleaned_data
        quantities = {name[4:]: d[name] for name in self.fields if name.startswith("qty_") and d.get(name)}
        packing = {
            row["line"].pk: LinePacking(
                cartons=d.get(f"cartons_{row['line'].pk}"),
                per_carton=d.get(f"percarton_{row['line'].pk}"),
                net_kg=d.get(f"net_{row['line'].pk}"),
                gross_kg=d.get(f"gross_{row['line'].pk}"),
            )
            for row in self.progress
        }
        documents = []
        if d.get("packing_list"):
            documents.append((DocumentKind.PACKING_LIST, d["packing_list"]))
        if d.get("bill_of_lading"):
            documents.append((DocumentKind.BILL_OF_LADING, d["bill_of_lading"]))
        return ShipmentInput(
            carrier=d["carrier"],
            mode=d["mode"],
            tracking_number=d.get("tracking_number", ""),
            ship_date=d["ship_date"],
            eta=d["eta"],
            notes=d.get("notes", ""),
            quantities=quantities,
            documents=documents,
            packing=packing,
        )


class DeliveryForm(forms.Form):
    delivered_on = DateField(label=_("Delivered on"), widget=DATE)
    received_by = forms.CharField(label=_("Received by"), max_length=120, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    proof = forms.FileField(
        label=_("Proof of delivery"), required=False, help_text=_("Signed delivery note, POD scan or photo.")
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"))


class CarrierForm(forms.ModelForm):
    class Meta:
        model = Carrier
        fields = ["code", "name_zh", "name_en", "default_mode", "tracking_url", "phone", "active"]
