"""What every order view shares: turning domain errors into messages, and reading the version field."""

from django.contrib import messages
from django.utils.translation import gettext as _

from core.errors import DomainError, Stale


def report_error(request, error: DomainError) -> None:
    text = str(error.message)
    if error.reasons:
        text += " " + " ".join(str(r) for r in error.reasons)
    level = messages.WARNING if isinstance(error, Stale) else messages.ERROR
    messages.add_message(request, level, text)


def report_form_errors(request, form) -> None:
    messages.error(request, _("Please correct the errors below."))
