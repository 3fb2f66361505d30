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


def save_new_endpoint(request, form: EndpointForm, *, customer) -> tuple[Endpoint, str] | None:
    """A POSTed endpoint form made into a new endpoint of `customer`, with the messages to show: the endpoint
    and its secret (shown once), or None with the reasons on the form. The staff page and the customer
    portal both save through here; the service decides who may."""
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return None
    try:
        made = endpoint_create(
            customer_id=customer.pk,
            actor=request.user,
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
            description=form.cleaned_data["description"],
        )
    except DomainError as error:
        report_error(request, error)
        _form_errors(form, error)
        return None
    messages.success(request, _("Endpoint added."))
    return made


def save_endpoint(request, form: EndpointForm, *, endpoint: Endpoint) -> bool:
    """A POSTed endpoint form saved onto `endpoint`, as save_new_endpoint: True when saved."""
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return False
    try:
        endpoint_update(endpoint_id=endpoint.pk, actor=request.user, **form.cleaned_data)
    except DomainError as error:
        report_error(request, error)
        _form_errors(form, error)
        return False
    messages.success(request, _("Endpoint saved."))
    return True


def endpoint_form(request, endpoint: Endpoint | None = None) -> EndpointForm:
    """The endpoint form, bound on POST, filled from `endpoint` (a new one is active)."""
    if endpoint is None:
        return EndpointForm(request.POST or None, initial={"active": True})
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    return EndpointForm(request.POST or None, initial={**initial, "active": endpoint.active})


@role_required(*STAFF)
def customer_webhooks(request, customer_pk):
    customer = _customer(request, customer_pk)
    form = endpoint_form(request)
    if request.method == "POST" and (made := save_new_endpoint(request, form, customer=customer)):
        endpoint, secret = made
        return render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret})
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
    form = endpoint_form(request, endpoint)
    if request.method == "POST" and save_endpoint(request, form, endpoint=endpoint):
        return redirect("webhooks:customer", customer_pk=endpoint.customer_id)
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
