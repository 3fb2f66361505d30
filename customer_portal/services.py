"""The customer portal's accounts: a contact invited, their password set, their access revoked; and the API
tokens a contact issues and revokes for their company's system.

Each is one transaction that locks what it changes, checks who asks, and writes one PortalEvent. The
invitation email goes through the notifications outbox, written in the same transaction.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role, user_roles
from core.errors import InvalidInput, NotPermitted
from notifications.services import notification_enqueue
from orders.models import Customer, CustomerApiToken, CustomerContact, Order
from orders.permissions import can_edit_customer, contact_customer_id

from .models import PortalEvent

INVITATION_TEMPLATE = "portal_invitation"


def can_invite_contacts(user, customer) -> bool:
    """A merchandiser who owns one of the customer's orders (or the customer), their supervisor, management."""
    if not user.is_authenticated:
        return False
    if can_edit_customer(user, customer):
        return True
    return has_role(user, Role.MERCHANDISER) and Order.objects.filter(customer=customer, merchandiser=user).exists()


def _audit(*, customer, contact, actor, action: str, **payload) -> PortalEvent:
    return PortalEvent.objects.create(customer=customer, contact=contact, actor=actor, action=action, payload=payload)


def invitation_url(user) -> str:
    """The link that sets the password: Django's password-reset token, so it is valid for
    PASSWORD_RESET_TIMEOUT and dies once used (the password it hashes has changed)."""
    path = reverse(
        "customer:accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def contact_invite(*, contact_id, actor) -> CustomerContact:
    """Give the contact a portal login (or invite them again) and email them the link to set a password.

    Guarantees: the login is the contact's email, lower-cased; it holds no staff role and is linked to this
    contact only. A revoked login is switched on again and must get a new password. An email that is already
    someone else's login is refused and nothing changes."""
    User = get_user_model()
    with transaction.atomic():
        contact = (
            CustomerContact.objects.select_for_update(of=("self",))
            .select_related("customer__merchandiser", "user")
            .filter(pk=contact_id)
            .first()
        )
        if contact is None:
            raise InvalidInput(_("This contact no longer exists."))
        customer = contact.customer
        if not can_invite_contacts(actor, customer):
            raise NotPermitted(
                _("Only a merchandiser of the customer's orders, their supervisor and management invite its contacts.")
            )
        email = (contact.email or "").strip()
        if not email:
            raise InvalidInput(_("The contact has no email address: add one first."))
        username = email.lower()
        user = contact.user
        taken = User.objects.filter(username=username).exclude(pk=user.pk if user else None).first()
        if taken is not None:
            raise InvalidInput(_("This email address is already the login of someone else."))
        if user is not None and (user.is_superuser or user.is_staff or user_roles(user)):
            raise InvalidInput(_("This contact's login belongs to a member of staff."))
        if user is None:
            user = User.objects.create_user(username=username, email=email, password=None)
            user.first_name = contact.name[:150]
            user.preferred_language = customer.preferred_language or ""
            user.save(update_fields=["first_name", "preferred_language"])
            contact.user = user
            contact.save(update_fields=["user"])
            action = "invited"
        else:
            changed = []
            if user.username != username or user.email != email:
                user.username, user.email = username, email
                changed += ["username", "email"]
            if not user.is_active:
                user.is_active = True
                user.set_unusable_password()  # a login switched on again gets a new password
                changed += ["is_active", "password"]
            if changed:
                user.save(update_fields=changed)
            action = "reinvited"
        _audit(customer=customer, contact=contact, actor=actor, action=action, email=email)
        notification_enqueue(
            kind="portal_invitation",
            reference=f"customer:{customer.pk}",
            to_email=email,
            reply_to=customer.merchandiser.email if customer.merchandiser else "",
            language=customer.preferred_language or settings.LANGUAGE_CODE,
            template=INVITATION_TEMPLATE,
            context={
                "contact": contact,
                "customer": customer,
                "url": invitation_url(user),
                "login": username,
                "days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
                "inviter": actor.get_full_name() or actor.get_username(),
            },
        )
    return contact


def contact_password_set(*, user, password: str) -> None:
    """The invited contact sets their password (the invitation page has checked its token and the password
    rules). Only an active portal login: a member of staff resets theirs through the staff pages."""
    with transaction.atomic():
        User = get_user_model()
        locked = User.objects.select_for_update().get(pk=user.pk)
        contact = CustomerContact.objects.select_related("customer").filter(user=locked).first()
        if contact is None or not locked.is_active:
            raise NotPermitted(_("This invitation is no longer valid."))
        locked.set_password(password)
        locked.save(update_fields=["password"])
        _audit(customer=contact.customer, contact=contact, actor=locked, action="password_set")


def contact_access_revoke(*, contact_id, actor) -> CustomerContact:
    """Switch the contact's login off: they are signed out on their next request and cannot sign in. The
    link to the contact stays, so they can be invited again. Revoking twice changes nothing."""
    with transaction.atomic():
        contact = (
            CustomerContact.objects.select_for_update(of=("self",))
            .select_related("customer__merchandiser", "user")
            .filter(pk=contact_id)
            .first()
        )
        if contact is None:
            raise InvalidInput(_("This contact no longer exists."))
        if not can_invite_contacts(actor, contact.customer):
            raise NotPermitted(
                _("Only a merchandiser of the customer's orders, their supervisor and management invite its contacts.")
            )
        user = contact.user
        if user is None:
            raise InvalidInput(_("This contact has no portal login."))
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            _audit(customer=contact.customer, contact=contact, actor=actor, action="revoked")
    return contact


# --- API tokens, managed by the contact ------------------------------------------------------------------
def _contact_customer(actor) -> Customer:
    customer_id = contact_customer_id(actor)
    if customer_id is None:
        raise NotPermitted(_("Only the customer's own portal users manage its API tokens here."))
    return Customer.objects.select_for_update().get(pk=customer_id)


def api_token_issue(*, actor, label: str = "") -> tuple[CustomerApiToken, str]:
    """A new bearer token for the contact's company. Returns it with the raw key, shown once, never stored."""
    label = (label or "").strip()[:100]
    with transaction.atomic():
        customer = _contact_customer(actor)
        token, raw = CustomerApiToken.issue(customer=customer, label=label)
        _audit(
            customer=customer,
            contact=actor.customer_contact,
            actor=actor,
            action="token_issued",
            token=token.prefix,
            label=label,
        )
    return token, raw


def api_token_revoke(*, actor, token_id) -> CustomerApiToken:
    """Revoke a token of the contact's own company; another company's token does not exist for them.
    Revoking twice changes nothing."""
    with transaction.atomic():
        customer = _contact_customer(actor)
        token = CustomerApiToken.objects.select_for_update().filter(pk=token_id, customer=customer).first()
        if token is None:
            raise InvalidInput(_("This token does not exist."))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            _audit(
                customer=customer,
                contact=actor.customer_contact,
                actor=actor,
                action="token_revoked",
                token=token.prefix,
            )
    return token
