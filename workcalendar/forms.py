from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import DateField

from .models import CalendarDayKind

CALENDAR_FILE_MAX_BYTES = 256 * 1024
# <input type=date> takes ISO dates only, whatever the interface language's date format.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CalendarDayForm(forms.Form):
    date = DateField(label=_("Date"), widget=DATE)
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. 国庆节 National Day"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDayKind.choices, initial=CalendarDayKind.HOLIDAY)


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Calendar file"),
        help_text=_("CSV lines date,name[,holiday|workday], or an .ics file of all-day events."),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > CALENDAR_FILE_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large for a calendar (limit 256 KB)."))
        try:
            return uploaded.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("Save the file as UTF-8 text and try again.")) from exc
