"""Email (.eml) and spreadsheet intake. Placeholder views, replaced by the full implementation."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.decorators import role_required
from accounts.roles import Role


@role_required(Role.MERCHANDISER)
def intake_email(request):
    messages.info(request, _("Email intake is not available yet."))
    return redirect("orders:intake_phone")


@role_required(Role.MERCHANDISER)
def intake_spreadsheet(request):
    messages.info(request, _("Spreadsheet import is not available yet."))
    return redirect("orders:intake_phone")
