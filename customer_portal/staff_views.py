"""Staff actions on a contact's portal login, from the panel on the customer's page: invite (again), revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.roles import Role
from core.views import run_service
from orders.models import CustomerContact

from .selectors import customer_contacts_access
from .services import can_invite_contacts, contact_access_revoke, contact_invite

STAFF = (Role.MERCHANDISER, Role.SUPERVISOR, Role.MANAGEMENT)


def customer_panel(*, customer, user) -> dict | None:
    """The customer page's "Customer portal" panel (orders.hooks.register_customer_panel)."""
    if not can_invite_contacts(user, customer):
        return None
    return {
        "template": "customer_portal/staff/_access_panel.html",
        "context": {"customer": customer, "contacts": customer_contacts_access(customer=customer)},
    }


def _back(contact) -> str:
    return reverse("orders:customer_edit", kwargs={"pk": contact.customer_id}) + "#portal-access"


@role_required(*STAFF)
@require_POST
def invite(request, pk):
    contact = get_object_or_404(CustomerContact, pk=pk)
    if run_service(request, lambda: contact_invite(contact_id=contact.pk, actor=request.user)):
        messages.success(
            request,
            _("Invitation sent to %(email)s: the link to set a password is valid for a few days.")
            % {"email": contact.email},
        )
    return redirect(_back(contact))


@role_required(*STAFF)
@require_POST
def revoke(request, pk):
    contact = get_object_or_404(CustomerContact, pk=pk)
    run_service(
        request,
        lambda: contact_access_revoke(contact_id=contact.pk, actor=request.user),
        success=_("Portal access revoked: %(name)s can no longer sign in.") % {"name": contact.name},
    )
    return redirect(_back(contact))
