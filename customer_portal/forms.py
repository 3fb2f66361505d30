from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from aftersales.forms import RatingsMixin
from aftersales.models import CaseChannel, CaseType, Severity
from aftersales.services import CaseInput

from .services import contact_password_set


class PortalCaseForm(forms.Form):
    """A customer raises a problem or a question. Staff grade its severity afterwards."""

    case_type = forms.ChoiceField(label=_("What is it about?"), choices=CaseType.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Please describe it"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=120)
    contact_email = forms.EmailField(label=_("Your email"), required=False)

    def to_input(self) -> CaseInput:
        d = self.cleaned_data
        return CaseInput(
            case_type=d["case_type"],
            severity=Severity.MEDIUM,
            channel=CaseChannel.STATUS_PAGE,
            subject=d["subject"],
            description=d["description"],
            contact_name=d["contact_name"],
            contact_email=d.get("contact_email", ""),
        )


class SurveyForm(RatingsMixin):
    contact_name = forms.CharField(label=_("Your name"), max_length=120, required=False)


class DateQuestionForm(forms.Form):
    """The customer questions a new delivery date: what does not suit them."""

    text = forms.CharField(
        label=_("What does not suit you about the new date?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PiConfirmForm(forms.Form):
    """The customer confirms the PI version they read (its id travels with the form: a newer one refuses)."""

    document = forms.IntegerField(widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("Your name"), max_length=120)


class ApiTokenForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=100,
        required=False,
        help_text=_("What the token is for, e.g. the name of the system that uses it."),
    )


class AcceptInvitationForm(SetPasswordForm):
    """Django's set-password form (its password rules); the password is set by the portal's service."""

    def save(self, commit=True):
        contact_password_set(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user
