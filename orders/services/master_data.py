"""Master data changes: customers with their contacts, products. Small, but still one transaction each."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from core.errors import InvalidInput, NotPermitted
from notifications.services import notify

from ..models import Customer, CustomerContact
from ..permissions import CUSTOMER_ROUTING_FIELDS, can_edit_customer, can_route_customer, customer_owner_choices

CUSTOMER_FIELDS = ("code", "name_zh", "name_en", "email", "phone", "country", "preferred_language", "merchandiser")


def _customer_changes(before: Customer | None, after: Customer, contacts) -> list[dict]:
    """What the forms would change, compared with the stored rows (not with what the forms were shown):
    [{"field", "old", "new", "routing"}]. Contacts' email addresses are routing too."""
    changes = []
    for name in CUSTOMER_FIELDS:
        attr = "merchandiser_id" if name == "merchandiser" else name
        old = getattr(before, attr) if before is not None else None
        new = getattr(after, attr)
        if before is None or old != new:
            changes.append({"field": name, "old": old, "new": new, "routing": name in CUSTOMER_ROUTING_FIELDS})
    stored = {c.pk: c for c in CustomerContact.objects.filter(customer=before)} if before is not None else {}
    deleted = {form.instance.pk for form in contacts.deleted_forms if form.instance.pk}
    for form in contacts.forms:
        contact = form.instance
        old = stored.get(contact.pk)
        if contact.pk in deleted:
            if old is not None:
                changes.append({"field": "contact", "old": old.email, "new": "", "routing": bool(old.email)})
        elif old is None:
            if form.has_changed():
                changes.append({"field": "contact", "old": "", "new": contact.email, "routing": bool(contact.email)})
        elif any(getattr(old, f) != getattr(contact, f) for f in ("name", "title", "email", "phone")):
            changes.append(
                {"field": "contact", "old": old.email, "new": contact.email, "routing": old.email != contact.email}
            )
    return changes


def _check_customer_change(actor, before: Customer | None, after: Customer, changes: list[dict], reason: str):
    routing = [c for c in changes if c["routing"]]
    new_owner = after.merchandiser_id if any(c["field"] == "merchandiser" for c in changes) else None
    if new_owner is not None and not customer_owner_choices(actor).filter(pk=new_owner).exists():
        raise NotPermitted(_("You cannot give this customer to that merchandiser."))
    if before is None:
        if not has_role(actor, Role.MERCHANDISER, Role.SUPERVISOR, Role.MANAGEMENT):
            raise NotPermitted(_("Only merchandisers, supervisors and management may add customers."))
        return  # a new customer: its creator sets its first addresses
    if not can_edit_customer(actor, before):
        raise NotPermitted(
            _("Only the customer's merchandiser, the supervisor of their team and management may change it.")
        )
    if routing and not can_route_customer(actor, before):
        raise NotPermitted(
            _(
                "Only the supervisor of the customer's team and management may change its usual merchandiser or "
                "its email addresses. Nothing was saved."
            )
        )
    if routing and not reason.strip():
        raise InvalidInput(_("Give the reason for changing the usual merchandiser or an email address."))


def _tell_previous_owner(*, customer: Customer, before: Customer, actor, changes: list[dict], reason: str) -> None:
    """The owner hears of a change to where their customer's orders and mail go, unless they made it: in
    their inbox, and by email if their preference says so."""
    owner = before.merchandiser
    if owner is None or owner.pk == actor.pk:
        return
    record = customer.history.only("history_id").first()
    link = reverse("orders:customer_edit", kwargs={"pk": customer.pk})
    notify(
        user=owner,
        kind="customer_changed",
        link=link,
        reference=f"customer:{customer.pk}",
        template="customer_changed",
        context={
            "customer": customer,
            "recipient": owner,
            "actor": actor,
            "reason": reason,
            "lost": customer.merchandiser_id != owner.pk,
            "new_owner": customer.merchandiser,
            "email_changes": [c for c in changes if c["routing"] and c["field"] != "merchandiser"],
        },
        email_context={"url": settings.SITE_URL.rstrip("/") + link},
        dedupe_key=f"customer-changed:{record.history_id}" if record else None,
    )


def customer_save(*, actor, form, contacts, reason: str = "") -> Customer:
    """Save a customer form and its contacts formset together, or neither, with field history (who, when,
    old → new, why).

    Checked here against the stored rows, whatever the forms allowed: details need orders.permissions'
    can_edit_customer; the owner and any email address (the routing fields) need can_route_customer and a
    reason, and the owner must be one `actor` may choose. The previous owner is emailed (outbox) when someone
    else changed them. Refused: NotPermitted or InvalidInput, nothing saved.
    """
    reason = (reason or "").strip()
    after = form.instance
    with transaction.atomic():
        before = None
        if after.pk:
            locked = Customer.objects.select_for_update(of=("self",))  # not the owner's nullable join
            before = locked.select_related("merchandiser__team").get(pk=after.pk)
        changes = _customer_changes(before, after, contacts)
        _check_customer_change(actor, before, after, changes, reason)
        if before is not None and not changes:
            return after
        after._history_user = actor
        after._change_reason = reason or None
        customer = form.save()
        for contact_form in contacts.forms:
            contact_form.instance._history_user = actor
            contact_form.instance._change_reason = reason or None
        contacts.instance = customer
        contacts.save()
        if before is not None and any(c["routing"] for c in changes):
            _tell_previous_owner(customer=customer, before=before, actor=actor, changes=changes, reason=reason)
    return customer


def product_save(*, form) -> object:
    with transaction.atomic():
        return form.save()
