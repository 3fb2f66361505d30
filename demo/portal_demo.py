"""The customer portal in the demo: Pacific Apparel's buyer (buying@pacificapparel.example) has a portal
login with the demo password, invited by merch.wang through the real service, and an API token issued
from the portal; the company's webhook endpoint is webhooks_demo's. Made once: a second load finds the
login and changes nothing."""

from accounts.models import User
from customer_portal.services import api_token_issue, contact_invite, contact_password_set
from orders.models import CustomerContact

CUSTOMER = "PACI"
LOGIN = "buying@pacificapparel.example"


def load(password: str) -> dict:
    contact = CustomerContact.objects.filter(customer__code=CUSTOMER, email=LOGIN).select_related("user").first()
    if contact is None:
        return {"portal": "no contact"}
    if contact.user is not None:
        return {"portal": "already there"}
    contact = contact_invite(contact_id=contact.pk, actor=User.objects.get(username="merch.wang"))
    contact_password_set(user=contact.user, password=password)
    api_token_issue(actor=contact.user, label="Pacific ERP (demo)")
    return {"portal": f"{LOGIN} signs in to the customer portal"}
