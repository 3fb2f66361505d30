"""Thin views: check the role, call one service, answer domain errors the one way core defines."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.roles import Role
from core.errors import DomainError
from core.views import report_error
from logistics.selectors import shipment_get_for_user
from orders.downloads import download_response, file_not_found
from orders.hooks import order_page_url
from orders.selectors import order_get_for_user

from .selectors import document_get_for_user
from .services import packing_list_generate, pi_generate, pi_send

STAFF_ROLES = (Role.MERCHANDISER, Role.SUPERVISOR, Role.QA, Role.HR, Role.MANAGEMENT)
EDIT_ROLES = (Role.MERCHANDISER, Role.SUPERVISOR)


def _back_to_order(order_id):
    """The order page on its Documents tab, where the message of the save shows."""
    return redirect(order_page_url(order_id, panel="documents"))


@role_required(*EDIT_ROLES)
@require_POST
def pi_new(request, order_pk):
    order = order_get_for_user(user=request.user, pk=order_pk)
    try:
        document = pi_generate(order_id=order.pk, actor=request.user)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("%(name)s is made.") % {"name": document.original_name})
    return _back_to_order(order.pk)


@role_required(*EDIT_ROLES)
@require_POST
def pi_send_view(request, order_pk):
    order = order_get_for_user(user=request.user, pk=order_pk)
    try:
        document = pi_send(order_id=order.pk, actor=request.user)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(
            request,
            _("%(name)s is sent to the customer, who can confirm it on the status page.")
            % {"name": document.original_name},
        )
    return _back_to_order(order.pk)


@role_required(*EDIT_ROLES)
@require_POST
def packing_list_new(request, shipment_pk):
    shipment = shipment_get_for_user(user=request.user, pk=shipment_pk)
    try:
        document = packing_list_generate(shipment_id=shipment.pk, actor=request.user)
    except DomainError as error:
        report_error(request, error)
    else:
        messages.success(request, _("%(name)s is made.") % {"name": document.original_name})
    return _back_to_order(shipment.order_id)


@role_required(*STAFF_ROLES)
def download(request, order_pk, pk):
    """Only people who may see the order get its documents, always as a download."""
    document = document_get_for_user(user=request.user, order_pk=order_pk, pk=pk)
    if document is None:
        raise file_not_found(request, "document")
    return download_response(document.file, document.original_name)
