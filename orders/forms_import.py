"""Forms of the email and spreadsheet intake. They collect the input; the services judge it."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

EMAIL_SUFFIXES = {".eml", ".txt"}
SHEET_SUFFIXES = {".csv", ".xlsx"}


def _too_large(size: int) -> forms.ValidationError:
    return forms.ValidationError(
        _("The file is too large (%(size)d MB). The limit is %(limit)d MB."),
        params={"size": size // (1024 * 1024), "limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)},
        code="too_large",
    )


class EmailSourceForm(forms.Form):
    """Step 1 of the email intake: the email pasted as text, or its .eml file."""

    raw_text = forms.CharField(
        label=_("Paste the email"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        required=False,
        strip=False,
        help_text=_("In your mail program, use “View source” or “Show original” and paste all of it, headers too."),
    )
    eml_file = forms.FileField(
        label=_("Or upload the email file"),
        required=False,
        help_text=_("A .eml file (in Outlook: save the message as .eml; most mail programs: drag it out)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".eml,message/rfc822"}),
    )

    def clean_eml_file(self):
        uploaded = self.cleaned_data.get("eml_file")
        if not uploaded:
            return uploaded
        suffix = PurePath(uploaded.name or "").suffix.lower()
        if suffix not in EMAIL_SUFFIXES:
            raise forms.ValidationError(
                _("Upload an email file ending in .eml (this one ends in “%(suffix)s”)."),
                params={"suffix": suffix or "?"},
                code="suffix",
            )
        if uploaded.size > settings.ATTACHMENT_MAX_BYTES:
            raise _too_large(uploaded.size)
        if uploaded.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        return uploaded

    def clean_raw_text(self):
        text = self.cleaned_data.get("raw_text") or ""
        if len(text.encode("utf-8")) > settings.ATTACHMENT_MAX_BYTES:
            raise _too_large(len(text.encode("utf-8")))
        return text

    def clean(self):
        data = super().clean()
        has_text = bool((data.get("raw_text") or "").strip())
        has_file = bool(data.get("eml_file"))
        if self.errors:
            return data
        if has_text and has_file:
            raise forms.ValidationError(_("Paste the email or upload its file, not both."), code="both")
        if not has_text and not has_file:
            raise forms.ValidationError(_("Paste the email or upload its .eml file."), code="none")
        return data

    def raw_bytes(self) -> bytes:
        uploaded = self.cleaned_data.get("eml_file")
        if uploaded:
            uploaded.seek(0)
            return uploaded.read()
        # Pasted text has lost its transfer encoding; keep it as UTF-8, which the parser reads back.
        return self.cleaned_data["raw_text"].lstrip().encode("utf-8")

    def source_name(self) -> str:
        uploaded = self.cleaned_data.get("eml_file")
        return PurePath(uploaded.name).name if uploaded else "pasted.eml"


class StashForm(forms.Form):
    """Carries the key of the file kept on the server between the two steps."""

    stash = forms.CharField(widget=forms.HiddenInput, max_length=64)


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A .csv (UTF-8 or GBK) or .xlsx file, first row the column headers."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        suffix = PurePath(uploaded.name or "").suffix.lower()
        if suffix == ".xls":
            raise forms.ValidationError(
                _("Old Excel files (.xls) are not accepted. Save the file as .xlsx or CSV."), code="xls"
            )
        if suffix not in SHEET_SUFFIXES:
            raise forms.ValidationError(
                _("Upload a .csv or .xlsx file (this one ends in “%(suffix)s”)."),
                params={"suffix": suffix or "?"},
                code="suffix",
            )
        if uploaded.size > settings.ATTACHMENT_MAX_BYTES:
            raise _too_large(uploaded.size)
        if uploaded.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        return uploaded


class SpreadsheetImportForm(StashForm):
    confirm_duplicates = forms.BooleanField(
        label=_("Import anyway: I have checked that these are not duplicates"), required=False
    )
