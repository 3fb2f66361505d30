"""The signed-in customer portal (/customer/): a contact's view over all of their company's orders, and
their developer settings (API tokens, webhook endpoints and deliveries).

Every view reads through customer_portal.selectors, which start from the contact's own customer; another
company's object in a URL is a 404. Staff are refused (403): this is not their page. The webhooks' own
services are called with the contact as the actor (webhooks.services.can_manage_webhooks lets a contact
manage their own company's endpoints and no other).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.params import table_paginate
from core.views import report_error, run_service
from documents.selectors import portal_pi
from orders.downloads import download_response
from orders.models import CustomerContact
from webhooks.selectors import deliveries_of, delivery_of, endpoints_of
from webhooks.services import delivery_replay, endpoint_rotate_secret
from webhooks.views import endpoint_form, save_endpoint, save_new_endpoint

from .filters import (
    PortalCaseFilter,
    PortalDocumentFilter,
    PortalOrderFilter,
    PortalShipmentFilter,
    PortalSurveyFilter,
)
from .forms import AcceptInvitationForm, ApiTokenForm
from .middleware import is_portal_principal
from .selectors import (
    portal_api_tokens,
    portal_cases,
    portal_context,
    portal_counts,
    portal_customer,
    portal_document,
    portal_documents,
    portal_order,
    portal_orders,
    portal_shipments,
    portal_surveys,
)
from .services import api_token_issue, api_token_revoke
from .tables import PortalCaseTable, PortalDocumentTable, PortalOrderTable, PortalShipmentTable, PortalSurveyTable

PER_PAGE = 25


def contact_required(view):
    """A signed-in customer contact; anyone else signed in is refused (403), the anonymous sent to sign in.
    The view gets the contact's customer as `customer`."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_portal_principal(request.user):
            raise PermissionDenied(_("The customer portal is for customers' contacts."))
        return view(request, *args, customer=portal_customer(request.user), **kwargs)

    return wrapper


def _list(request, template: str, table, **context):
    table_paginate(request, table, per_page=PER_PAGE)
    return render(request, template, {"table": table, **context})


def _filtered(request, filterset_class, queryset):
    """The filter and its rows: all rows unfiltered, none when the filter's input is invalid (its errors show)."""
    found = filterset_class(request.GET or None, queryset=queryset, request=request)
    if not found.is_bound:
        return found, queryset
    return found, found.qs if found.is_valid() else queryset.none()


@require_GET
@contact_required
def home(request, customer):
    context = {"customer": customer, "counts": portal_counts(customer=customer)}
    context["recent"] = list(portal_orders(customer=customer)[:5])
    return render(request, "customer_portal/portal/home.html", context)


@require_GET
@contact_required
def order_list(request, customer):
    orders, rows = _filtered(request, PortalOrderFilter, portal_orders(customer=customer))
    return _list(
        request, "customer_portal/portal/orders.html", PortalOrderTable(rows), customer=customer, filter=orders
    )


@require_GET
@contact_required
def order_detail(request, customer, pk):
    """What the status page shows of the order: customer-visible fields only, read-only."""
    order = portal_order(customer=customer, pk=pk)
    context = portal_context(order=order)
    context.update(portal_pi(order=order))
    return render(request, "customer_portal/portal/order.html", context)


@require_GET
@contact_required
def shipment_list(request, customer):
    found, rows = _filtered(request, PortalShipmentFilter, portal_shipments(customer=customer))
    return _list(request, "customer_portal/portal/shipments.html", PortalShipmentTable(rows), filter=found)


@require_GET
@contact_required
def document_list(request, customer):
    found, rows = _filtered(request, PortalDocumentFilter, portal_documents(customer=customer))
    return _list(request, "customer_portal/portal/documents.html", PortalDocumentTable(rows), filter=found)


@require_GET
@contact_required
def document_download(request, customer, pk):
    document = portal_document(customer=customer, pk=pk)
    return download_response(document.file, document.original_name)


@require_GET
@contact_required
def case_list(request, customer):
    found, rows = _filtered(request, PortalCaseFilter, portal_cases(customer=customer))
    return _list(request, "customer_portal/portal/cases.html", PortalCaseTable(rows), filter=found)


@require_GET
@contact_required
def survey_list(request, customer):
    surveys, rows = _filtered(request, PortalSurveyFilter, portal_surveys(customer=customer))
    return _list(
        request, "customer_portal/portal/surveys.html", PortalSurveyTable(rows), customer=customer, filter=surveys
    )


# --- developer settings ------------------------------------------------------------------------------------
def _developer_context(customer, **extra) -> dict:
    return {
        "customer": customer,
        "tokens": portal_api_tokens(customer=customer),
        "endpoints": endpoints_of(customer=customer),
        "deliveries": deliveries_of(customer=customer, limit=50),
        "token_form": ApiTokenForm(),
        **extra,
    }


@require_GET
@contact_required
def developer(request, customer):
    return render(request, "customer_portal/portal/developer.html", _developer_context(customer))


@require_POST
@contact_required
def token_issue(request, customer):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        context = _developer_context(customer, token_form=form)
        return render(request, "customer_portal/portal/developer.html", context, status=400)
    try:
        token, raw = api_token_issue(actor=request.user, label=form.cleaned_data["label"])
    except DomainError as error:
        report_error(request, error)
        return redirect("customer:developer")
    messages.success(request, _("API token issued."))
    return render(request, "customer_portal/portal/token_issued.html", {"token": token, "raw": raw})


@require_POST
@contact_required
def token_revoke(request, customer, pk):
    run_service(request, lambda: api_token_revoke(actor=request.user, token_id=pk), success=_("API token revoked."))
    return redirect("customer:developer")


@contact_required
def endpoint_new(request, customer):
    form = endpoint_form(request)
    if request.method == "POST" and (made := save_new_endpoint(request, form, customer=customer)):
        endpoint, secret = made
        return render(request, "customer_portal/portal/secret.html", {"endpoint": endpoint, "secret": secret})
    status = 400 if request.method == "POST" else 200
    return render(request, "customer_portal/portal/endpoint.html", {"form": form, "endpoint": None}, status=status)


def _endpoint(customer, pk):
    endpoint = endpoints_of(customer=customer).filter(pk=pk).first()
    if endpoint is None:
        raise Http404
    return endpoint


@contact_required
def endpoint_edit(request, customer, pk):
    endpoint = _endpoint(customer, pk)
    form = endpoint_form(request, endpoint)
    if request.method == "POST" and save_endpoint(request, form, endpoint=endpoint):
        return redirect("customer:developer")
    status = 400 if request.method == "POST" else 200
    return render(request, "customer_portal/portal/endpoint.html", {"form": form, "endpoint": endpoint}, status=status)


@require_POST
@contact_required
def endpoint_rotate(request, customer, pk):
    endpoint = _endpoint(customer, pk)
    try:
        endpoint, secret = endpoint_rotate_secret(endpoint_id=endpoint.pk, actor=request.user)
    except DomainError as error:
        report_error(request, error)
        return redirect("customer:endpoint", pk=endpoint.pk)
    messages.success(request, _("New signing secret made. The old one keeps signing beside it for 24 hours."))
    return render(request, "customer_portal/portal/secret.html", {"endpoint": endpoint, "secret": secret})


def _delivery(customer, pk):
    delivery = delivery_of(customer=customer, pk=pk)
    if delivery is None:
        raise Http404
    return delivery


@require_GET
@contact_required
def delivery_detail(request, customer, pk):
    delivery = _delivery(customer, pk)
    return render(request, "customer_portal/portal/delivery.html", {"delivery": delivery, "customer": customer})


@require_POST
@contact_required
def delivery_replay_view(request, customer, pk):
    delivery = _delivery(customer, pk)
    run_service(
        request,
        lambda: delivery_replay(delivery_id=delivery.pk, actor=request.user),
        success=_("Replay queued: the same event, with the same id, is sent again."),
    )
    return redirect("customer:delivery", pk=delivery.pk)


# --- the invitation: the emailed link sets the password ----------------------------------------------------
class AcceptInvitationView(PasswordResetConfirmView):
    """Django's password-reset confirmation (its token, its hiding of the token from the address bar), for
    an active contact login only; the password is set by customer_portal.services.contact_password_set."""

    template_name = "customer_portal/portal/accept.html"
    form_class = AcceptInvitationForm
    success_url = reverse_lazy("login")
    post_reset_login = False

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not user.is_active or not CustomerContact.objects.filter(user=user).exists():
            return None
        return user

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Sign in with your email address and the new password."))
        return response
