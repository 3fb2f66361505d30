from django import forms
from django.utils.translation import gettext_lazy as _

from .addresses import MAX_URL_LENGTH
from .events import Event


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=MAX_URL_LENGTH,
        help_text=_("Where the customer's system receives events: https:// and a public address."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
