"""Staff pages: a customer's webhook endpoints and deliveries (its merchandiser, their supervisor,
management). Thin: one service or selector each; the services check who may do it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import DomainError
from core.views import report_error, run_service
from orders.selectors import customers_visible_to

from .forms import EndpointForm
from .models import Delivery, Endpoint
from .selectors import deliveries_of, delivery_of, endpoints_of
from .services import (
    can_manage_webhooks,
    delivery_replay,
    endpoint_create,
    endpoint_rotate_secret,
    endpoint_update,
)

STAFF = (Role.MERCHANDISER, Role.SUPERVISOR, Role.MANAGEMENT)


def _customer(request, pk):
    customer = get_object_or_404(customers_visible_to(request.user), pk=pk)
    if not can_manage_webhooks(request.user, customer):
        raise Http404  # another merchandiser's customer's webhooks do not exist for them
    return customer


def _form_errors(form, error: DomainError) -> None:
    for reason in error.reasons:
        field = reason.get("field") if isinstance(reason, dict) else None
        message = reason.get("message") if isinstance(reason, dict) else str(reason)
        form.add_error(field if field in form.fields else None, message)


@role_required(*STAFF)
def customer_webhooks(request, customer_pk):
    customer = _customer(request, customer_pk)
    form = EndpointForm(request.POST or None, initial={"active": True})
    if request.method == "POST":
        if form.is_valid():
            try:
                endpoint, secret = endpoint_create(
                    customer_id=customer.pk,
                    actor=request.user,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    description=form.cleaned_data["description"],
                )
            except DomainError as error:
                report_error(request, error)
                _form_errors(form, error)
            else:
                messages.success(request, _("Endpoint added."))
                return render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret})
        else:
            messages.error(request, _("Please correct the errors below."))
    context = {
        "customer": customer,
        "endpoints": endpoints_of(customer=customer),
        "deliveries": deliveries_of(customer=customer, limit=50),
        "form": form,
    }
    return render(request, "webhooks/customer.html", context, status=400 if request.method == "POST" else 200)


def _endpoint(request, pk) -> Endpoint:
    endpoint = get_object_or_404(Endpoint.objects.select_related("customer__merchandiser"), pk=pk)
    _customer(request, endpoint.customer_id)
    return endpoint


@role_required(*STAFF)
def endpoint_edit(request, pk):
    endpoint = _endpoint(request, pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
    }
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                endpoint_update(endpoint_id=endpoint.pk, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                report_error(request, error)
                _form_errors(form, error)
            else:
                messages.success(request, _("Endpoint saved."))
                return redirect("webhooks:customer", customer_pk=endpoint.customer_id)
        else:
            messages.error(request, _("Please correct the errors below."))
    status = 400 if request.method == "POST" else 200
    return render(request, "webhooks/endpoint.html", {"endpoint": endpoint, "form": form}, status=status)


@role_required(*STAFF)
@require_POST
def endpoint_rotate(request, pk):
    endpoint = _endpoint(request, pk)
    try:
        endpoint, secret = endpoint_rotate_secret(endpoint_id=endpoint.pk, actor=request.user)
    except DomainError as error:
        report_error(request, error)
        return redirect("webhooks:endpoint", pk=endpoint.pk)
    messages.success(request, _("New signing secret made. The old one keeps signing beside it for 24 hours."))
    return render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret})


def _delivery(request, pk) -> Delivery:
    delivery = get_object_or_404(Delivery.objects.select_related("endpoint"), pk=pk)
    customer = _customer(request, delivery.endpoint.customer_id)
    return delivery_of(customer=customer, pk=pk)


@role_required(*STAFF)
def delivery_detail(request, pk):
    delivery = _delivery(request, pk)
    return render(request, "webhooks/delivery.html", {"delivery": delivery, "customer": delivery.endpoint.customer})


@role_required(*STAFF)
@require_POST
def delivery_replay_view(request, pk):
    delivery = _delivery(request, pk)
    run_service(
        request,
        lambda: delivery_replay(delivery_id=delivery.pk, actor=request.user),
        success=_("Replay queued: the same event, with the same id, is sent again."),
    )
    return redirect("webhooks:delivery", pk=delivery.pk)
