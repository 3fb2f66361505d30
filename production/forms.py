from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DateField
from orders.forms import VersionField

from .models import ContactMethod, DelayReason

# <input type=date> takes ISO dates only, whatever the interface language's date format.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProductionStartForm(forms.Form):
    factory = forms.CharField(label=_("Factory"), max_length=120)
    line = forms.CharField(label=_("Production line"), max_length=60)
    work_order_ref = forms.CharField(label=_("Work order number"), max_length=60)
    start_date = DateField(label=_("Production start date"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
    version = VersionField()


class MilestoneActualForm(forms.Form):
    actual_date = DateField(label=_("Actual date"), widget=DATE)

    def clean_actual_date(self):
        value = self.cleaned_data["actual_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The actual date cannot be in the future."))
        return value


class MilestoneReviseForm(forms.Form):
    revised_date = DateField(label=_("New date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class DelayForm(forms.Form):
    reason = forms.ModelChoiceField(DelayReason.objects.filter(active=True), label=_("Reason"))
    new_date = DateField(label=_("New promised delivery date"), widget=DATE)
    note = forms.CharField(
        label=_("Internal note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For colleagues; the customer's email gives the reason and the new date only."),
    )
    evidence = forms.FileField(
        label=_("Customer's evidence"),
        required=False,
        help_text=_(
            "For a reason the customer caused: their email or change request. With it the new date needs no "
            "approval; without it, or for any other reason, your supervisor approves it first."
        ),
    )
    version = VersionField()

    def clean_new_date(self):
        value = self.cleaned_data["new_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The new promised date cannot be in the past."))
        return value


class CheckInForm(forms.Form):
    """One row of 'My check-ins today'. Prefixed per order, so every row has its own field ids. The page
    draws each row with templates/jinja2/production/_checkin_rows.html."""

    contact_name = forms.CharField(label=_("Spoke to"), max_length=100)
    contact_method = forms.ChoiceField(
        label=_("How"), choices=[("", "—"), *(c for c in ContactMethod.choices if c[0] != ContactMethod.FACTORY)]
    )
    quantity_done = forms.IntegerField(
        label=_("Produced so far"),
        min_value=0,
        max_value=10**9,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    milestone = forms.TypedChoiceField(label=_("Milestone reached today"), coerce=int, required=False, empty_value=None)
    problems = forms.CharField(
        label=_("Problems"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_steps = forms.CharField(
        label=_("Next steps"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    # Asked less often than who was spoken to, how and how much: folded on the card, so that a card fits on
    # a phone's screen; open when one of them holds a value or an error.
    FOLDED = ("milestone", "problems", "next_steps")

    def folded_open(self) -> bool:
        return any(self[name].errors or self[name].value() for name in self.FOLDED)

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [("", "—"), *((m.pk, m.name) for m in milestones)]


# --- the factory reports from its phone ------------------------------------------------------------
class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos from one <input type=file multiple>: a phone picks them together from its gallery."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(file, initial) for file in files]


class FactoryReportForm(forms.Form):
    """The factory's report: plain fields that a phone's browser (WeChat's included) posts without
    JavaScript. One date field per open milestone of the plan: filled in when the milestone is reached."""

    reporter_name = forms.CharField(label=_("Your name"), max_length=100)
    quantity_done = forms.IntegerField(
        label=_("Quantity done so far"),
        min_value=0,
        max_value=10**9,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    problems = forms.CharField(
        label=_("Problems"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything that could delay the order: material, machines, quality, people."),
    )
    photos = MultiplePhotoField(label=_("Photos"), required=False)

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.milestone_names = []
        for m in milestones:
            name = f"milestone_{m.pk}"
            self.fields[name] = DateField(
                label=_("%(milestone)s reached on") % {"milestone": m.name},
                required=False,
                widget=forms.DateInput(attrs={"type": "date", "max": today.isoformat()}, format="%Y-%m-%d"),
            )
            self.milestone_names.append((name, m.pk))
        count = settings.FACTORY_PHOTO_MAX_COUNT
        self.fields["photos"].help_text = _(
            "Up to %(n)s photos, JPEG, PNG or WebP, at most %(mb)s MB each. Location and camera data are removed."
        ) % {"n": count, "mb": settings.FACTORY_PHOTO_MAX_MB}

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) > settings.FACTORY_PHOTO_MAX_COUNT:
            raise forms.ValidationError(
                _("Send at most %(n)s photos per report.") % {"n": settings.FACTORY_PHOTO_MAX_COUNT}
            )
        return photos

    def milestones_reached(self) -> dict:
        return {pk: self.cleaned_data[name] for name, pk in self.milestone_names if self.cleaned_data.get(name)}

    def milestone_fields(self):
        return [self[name] for name, _pk in self.milestone_names]
