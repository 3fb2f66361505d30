"""Supervisors' reviews of work records."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import role_required
from accounts.lists import ListSpec, list_export, list_page
from accounts.roles import Role
from core.views import run_service
from orders.permissions import leads_owner
from orders.selectors import order_get_for_user, order_timeline
from production.selectors import team_merchandisers

from .. import forms
from ..filters import RecordReviewFilter
from ..selectors import (
    STAFF_ROLES,
    record_review_list_queryset,
    review_coverage,
    review_queue,
    reviews_of_order,
)
from ..services import reviews
from ..tables import RecordReviewTable
from ._common import period_param


@role_required(Role.SUPERVISOR)
def review_queue_view(request):
    start, end = period_param(request)
    people = team_merchandisers(supervisor=request.user)
    return render(
        request,
        "supervision/review_queue.html",
        {
            "period_form": forms.PeriodForm(initial={"start": start, "end": end}),
            "start": start,
            "end": end,
            "queue": review_queue(user=request.user, start=start, end=end),
            "coverage": review_coverage(merchandisers=people, start=start, end=end),
        },
    )


@role_required(Role.SUPERVISOR)
def review_order(request, pk):
    order = order_get_for_user(user=request.user, pk=pk)
    if not leads_owner(request.user, order):
        raise Http404
    form = forms.RecordReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and run_service(
            request,
            lambda: reviews.record_review_create(order_id=order.pk, actor=request.user, **form.cleaned_data),
            _("Review recorded."),
        ):
            return redirect("supervision:review_queue")
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
        status = 400
    context = {
        "order": order,
        "timeline": order_timeline(order=order, limit=100),
        "reviews": reviews_of_order(order=order),
        "form": form,
    }
    return render(request, "supervision/review_order.html", context, status=status)


REVIEW_LIST = ListSpec(
    key="reviews", filterset_class=RecordReviewFilter, table_class=RecordReviewTable, required=("reviewed_at",)
)


@role_required(*STAFF_ROLES)
def review_list(request):
    """The record reviews written, as far as the person may see them."""
    rows = record_review_list_queryset(user=request.user)
    return list_page(request, REVIEW_LIST, rows, template="supervision/review_list.html")


@role_required(*STAFF_ROLES)
def review_export(request, fmt):
    rows = record_review_list_queryset(user=request.user)
    return list_export(request, REVIEW_LIST, rows, fmt=fmt, title=_("Record reviews"), filename="record-reviews")
