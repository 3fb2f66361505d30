"""Improvement suggestions: a merchandiser submits one, their supervisor decides on it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import DomainError
from core.views import report_error
from orders.selectors import orders_visible_to

from .. import forms
from ..models import SuggestionStatus
from ..selectors import can_decide_suggestion, suggestion_get_for_user, suggestions_listed
from ..services.suggestions import SUGGESTION_TRANSITIONS, suggestion_submit, suggestion_transition

STAFF_ROLES = (Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.HR, Role.MANAGEMENT)

SUGGESTION_ACTION_LABELS = {
    "review": gettext_lazy("Mark reviewed"),
    "adopt": gettext_lazy("Adopt"),
    "decline": gettext_lazy("Decline"),
}


@role_required(*STAFF_ROLES)
def suggestion_list(request):
    status = request.GET.get("status", "")
    rows = suggestions_listed(user=request.user, status=status)
    return render(
        request,
        "supervision/suggestion_list.html",
        {"rows": rows, "status": status, "states": SuggestionStatus.choices},
    )


@role_required(Role.MERCHANDISER)
def suggestion_new(request):
    form = forms.SuggestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            order = None
            if d["order_number"].strip():
                order = orders_visible_to(request.user).filter(number=d["order_number"].strip()).first()
                if order is None:
                    form.add_error("order_number", _("None of your orders has this number."))
            if not form.errors:
                try:
                    suggestion = suggestion_submit(
                        actor=request.user, title=d["title"], body=d["body"], topic=d["topic"], order=order
                    )
                except DomainError as error:
                    report_error(request, error)
                else:
                    messages.success(request, _("Thank you. Your supervisor will review the suggestion."))
                    return redirect("supervision:suggestion_detail", pk=suggestion.pk)
        status = 400
    return render(request, "supervision/suggestion_form.html", {"form": form}, status=status)


@role_required(*STAFF_ROLES)
def suggestion_detail(request, pk):
    suggestion = suggestion_get_for_user(user=request.user, pk=pk)
    decides = can_decide_suggestion(request.user, suggestion)
    actions = []
    if decides:
        actions = [
            {"name": name, "label": SUGGESTION_ACTION_LABELS[name]}
            for name in SUGGESTION_TRANSITIONS
            if can_proceed(getattr(suggestion, name))
        ]
    context = {
        "suggestion": suggestion,
        "events": suggestion.events.select_related("actor"),
        "actions": actions,
        "step_form": forms.SuggestionStepForm() if actions else None,
    }
    return render(request, "supervision/suggestion_detail.html", context)


@role_required(Role.SUPERVISOR)
@require_POST
def suggestion_step(request, pk, name):
    suggestion = suggestion_get_for_user(user=request.user, pk=pk)
    form = forms.SuggestionStepForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        suggestion = suggestion_transition(suggestion_id=suggestion.pk, name=name, actor=request.user, comment=comment)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The suggestion is now %(state)s.") % {"state": suggestion.get_status_display()})
    return redirect("supervision:suggestion_detail", pk=suggestion.pk)
