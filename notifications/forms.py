from django import forms
from django.utils.translation import gettext_lazy as _


class TeamRobotForm(forms.Form):
    """A team's robot as an admin pastes it. The secret is write-only: the page never shows it back."""

    webhook_url = forms.CharField(
        label=_("Webhook address"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
