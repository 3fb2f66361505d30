"""Thin views: validate the form, call one service, turn domain errors into messages, redirect."""

import django_tables2 as tables
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.lists import ListSpec, list_export, list_page
from accounts.roles import Role
from core.errors import DomainError, InvalidInput
from core.tables import DateColumn
from core.views import report_error
from orders.downloads import download_response, file_not_found
from orders.hooks import order_page_url
from orders.selectors import order_get_for_user

from .filters import ShipmentFilter
from .forms import CarrierForm, DeliveryForm, DocumentForm, ShipmentForm
from .models import Carrier, Shipment
from .selectors import shipment_get_for_user, shipment_list_queryset, shipping_progress, status_link_expires_at
from .services import (
    carrier_save,
    shipment_add_document,
    shipment_confirm_delivery,
    shipment_create,
    status_link_create,
    status_link_renew,
    status_link_revoke,
)

STAFF_ROLES = (Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.HR, Role.MANAGEMENT)
EDIT_ROLES = (Role.MERCHANDISER, Role.SUPERVISOR)


def _back_to_order(order_id):
    return redirect(order_page_url(order_id, panel="logistics"))


@role_required(*EDIT_ROLES)
def shipment_new(request, order_pk):
    order = order_get_for_user(user=request.user, pk=order_pk)
    progress = shipping_progress(order=order)
    form = ShipmentForm(request.POST or None, request.FILES or None, progress=progress)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                shipment = shipment_create(order_id=order.pk, actor=request.user, data=form.to_input())
            except DomainError as error:
                report_error(request, error)
                status = 400
                if not isinstance(error, InvalidInput):
                    return _back_to_order(order.pk)
            else:
                messages.success(
                    request,
                    _("Shipment %(ref)s recorded; the customer is notified.") % {"ref": shipment.reference},
                )
                return _back_to_order(order.pk)
        else:
            messages.error(request, _("Please correct the errors below."))
            status = 400
    context = {"order": order, "form": form, "progress": progress}
    return render(request, "logistics/shipment_form.html", context, status=status)


@role_required(*EDIT_ROLES)
def shipment_deliver(request, pk):
    shipment = shipment_get_for_user(user=request.user, pk=pk)
    form = DeliveryForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                shipment_confirm_delivery(
                    shipment_id=shipment.pk,
                    actor=request.user,
                    delivered_on=d["delivered_on"],
                    received_by=d["received_by"],
                    note=d["note"],
                    proof=d.get("proof"),
                )
            except DomainError as error:
                report_error(request, error)
                status = 400
                if not isinstance(error, InvalidInput):
                    return _back_to_order(shipment.order_id)
            else:
                messages.success(request, _("Delivery of %(ref)s confirmed.") % {"ref": shipment.reference})
                return _back_to_order(shipment.order_id)
        else:
            messages.error(request, _("Please correct the errors below."))
            status = 400
    context = {"shipment": shipment, "order": shipment.order, "form": form}
    return render(request, "logistics/delivery_form.html", context, status=status)


@role_required(*EDIT_ROLES)
@require_POST
def document_add(request, pk):
    shipment = shipment_get_for_user(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the kind and a file to upload."))
        return _back_to_order(shipment.order_id)
    try:
        shipment_add_document(
            shipment_id=shipment.pk,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            uploaded=form.cleaned_data["file"],
        )
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The document is attached."))
    return _back_to_order(shipment.order_id)


@role_required(*STAFF_ROLES)
def document_download(request, pk, document_id):
    """Only people who may see the order get its documents, always as a download."""
    shipment = shipment_get_for_user(user=request.user, pk=pk)
    document = shipment.documents.filter(pk=document_id).first()
    if document is None:
        raise file_not_found(request, "shipment document")
    return download_response(document.file, document.original_name)


@role_required(*EDIT_ROLES)
@require_POST
def status_link_new(request, order_pk):
    order = order_get_for_user(user=request.user, pk=order_pk)
    try:
        status_link_create(order_id=order.pk, actor=request.user)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The customer's status link is ready to share."))
    return _back_to_order(order.pk)


@role_required(*EDIT_ROLES)
@require_POST
def status_link_revoke_view(request, order_pk):
    order = order_get_for_user(user=request.user, pk=order_pk)
    try:
        status_link_revoke(order_id=order.pk, actor=request.user)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("The old link no longer works. Share the new one with the customer."))
    return _back_to_order(order.pk)


@role_required(*EDIT_ROLES)
@require_POST
def status_link_renew_view(request, order_pk):
    order = order_get_for_user(user=request.user, pk=order_pk)
    try:
        link = status_link_renew(order_id=order.pk, actor=request.user)
    except DomainError as error:
        report_error(request, error)
    else:
        expires = status_link_expires_at(link)
        messages.success(
            request,
            _("The link works again until %(date)s. The customer can use the copies they already have.")
            % {"date": timezone.localdate(expires).isoformat() if expires else "—"},
        )
    return _back_to_order(order.pk)


class ShipmentTable(tables.Table):
    reference = tables.Column(
        verbose_name=gettext_lazy("Shipment"),
        accessor="pk",
        linkify=lambda record: order_page_url(record.order_id, panel="logistics"),
    )
    customer = tables.Column(verbose_name=gettext_lazy("Customer"), accessor="order__customer", orderable=False)
    carrier = tables.Column(verbose_name=gettext_lazy("Carrier"), orderable=False)
    mode = tables.Column(verbose_name=gettext_lazy("Mode"))
    tracking_number = tables.Column(verbose_name=gettext_lazy("Tracking number"))
    ship_date = DateColumn(verbose_name=gettext_lazy("Shipped"))
    eta = DateColumn(verbose_name=gettext_lazy("ETA"))
    delivered_on = DateColumn(verbose_name=gettext_lazy("Delivered"))

    class Meta:
        model = Shipment
        fields = ("reference", "customer", "carrier", "mode", "tracking_number", "ship_date", "eta", "delivered_on")
        order_by = ("eta",)
        attrs = {"class": "table"}

    def render_reference(self, record):
        return record.reference


SHIPMENT_LIST = ListSpec(
    key="shipments",
    filterset_class=ShipmentFilter,
    table_class=ShipmentTable,
    required=("reference",),
    extra_keys=("scope",),
)


def _shipments_in_scope(request):
    scope = request.GET.get("scope", "in_transit")
    qs = shipment_list_queryset(user=request.user)
    if scope == "in_transit":
        qs = qs.filter(delivered_on__isnull=True)
    return scope, qs


@role_required(*STAFF_ROLES)
def shipment_list(request):
    """Shipments of the orders the person may see; in transit first (the default scope)."""
    scope, qs = _shipments_in_scope(request)
    return list_page(request, SHIPMENT_LIST, qs, template="logistics/shipment_list.html", context={"scope": scope})


@role_required(*STAFF_ROLES)
def shipment_export(request, fmt):
    _scope, qs = _shipments_in_scope(request)
    return list_export(request, SHIPMENT_LIST, qs, fmt=fmt, title=_("Shipments"), filename="shipments")


@role_required(Role.MERCHANDISER, Role.SUPERVISOR, Role.MANAGEMENT)
def carrier_list(request):
    carriers = Carrier.objects.order_by("-active", "code")
    can_manage = request.user.has_perm("logistics.change_carrier")
    return render(request, "logistics/carrier_list.html", {"carriers": carriers, "can_manage": can_manage})


@role_required(Role.SUPERVISOR)
def carrier_edit(request, pk=None):
    if not request.user.has_perm("logistics.change_carrier"):
        raise Http404
    carrier = get_object_or_404(Carrier, pk=pk) if pk else None
    form = CarrierForm(request.POST or None, instance=carrier)
    if request.method == "POST" and form.is_valid():
        try:
            carrier_save(carrier=form.save(commit=False), actor=request.user)
        except DomainError as error:
            report_error(request, error)
        else:
            messages.success(request, _("Carrier saved."))
            return redirect("logistics:carrier_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "logistics/carrier_form.html", {"form": form, "carrier": carrier}, status=status)
