from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.roles import Role
from core.dates import DateTimeField

from .models import CaseChannel, CaseType, FeedbackSource, Severity
from .services import CaseInput

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# Each radio's own label says what its number means: read alone, "4" tells a screen reader user nothing.
RATING_CHOICES = [
    (1, _("1 – poor")),
    (2, _("2 – fair")),
    (3, _("3 – average")),
    (4, _("4 – good")),
    (5, _("5 – excellent")),
]
STAFF_CHANNELS = [(c.value, c.label) for c in CaseChannel if c != CaseChannel.STATUS_PAGE]


def case_owners():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.MERCHANDISER, Role.SUPERVISOR])
        .distinct()
        .order_by("username")
    )


class CaseForm(forms.Form):
    """Staff open a case from a call, an email or a visit."""

    # "Received by" also labels who signed for a delivery; here it is the channel (phone, email...).
    channel = forms.ChoiceField(label=pgettext_lazy("case channel", "Received by"), choices=STAFF_CHANNELS)
    case_type = forms.ChoiceField(label=_("Type"), choices=CaseType.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    contact_name = forms.CharField(label=_("Customer contact"), max_length=120, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    opened_at = DateTimeField(
        label=_("Raised at"),
        required=False,
        widget=DATETIME,
        help_text=_("When the customer called or wrote. Leave empty for now. The SLA clock starts here."),
    )
    owner = forms.ModelChoiceField(
        get_user_model().objects.none(),
        label=_("Owner"),
        required=False,
        help_text=_("Leave empty for the order's merchandiser."),
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_owners()

    def to_input(self) -> CaseInput:
        d = self.cleaned_data
        return CaseInput(
            case_type=d["case_type"],
            severity=d["severity"],
            channel=d["channel"],
            subject=d["subject"],
            description=d["description"],
            contact_name=d.get("contact_name", ""),
            contact_email=d.get("contact_email", ""),
            opened_at=d.get("opened_at"),
            owner=d.get("owner"),
            attachments=[d["attachment"]] if d.get("attachment") else [],
        )


class CaseEditForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    case_type = forms.ChoiceField(label=_("Type"), choices=CaseType.choices)
    owner = forms.ModelChoiceField(get_user_model().objects.none(), label=_("Owner"))
    root_cause = forms.CharField(
        label=_("Root cause"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    corrective_action = forms.CharField(
        label=_("Corrective action"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolution = forms.CharField(
        label=_("Resolution"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_owners()


class CaseStepForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    resolution = forms.CharField(
        label=_("Resolution"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


def _rating(label):
    return forms.TypedChoiceField(label=label, choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect)


class RatingsMixin(forms.Form):
    """Three ratings from 1 (poor) to 5 (excellent), and a comment."""

    quality = _rating(_("Product quality"))
    delivery = _rating(_("Delivery"))
    communication = _rating(_("Communication"))
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FeedbackLogForm(RatingsMixin):
    source = forms.ChoiceField(
        label=_("Given by"), choices=[(s.value, s.label) for s in FeedbackSource if s != FeedbackSource.SURVEY]
    )
    contact_name = forms.CharField(label=_("Customer contact"), max_length=120, required=False)
    field_order = ["source", "contact_name", "quality", "delivery", "communication", "comment"]
