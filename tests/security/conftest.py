"""What the security tests share: one small world (two teams, every role, an order of team A with an
attachment, a customer API token) and helpers to walk every URL the project exposes."""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Role
from orders.models import Attachment, AttachmentKind, ChecklistItem, CustomerApiToken, CustomerContact, Order
from orders.services import order_attachment_add

from ..factories import make_order, staff, team_with_people
from . import worker_tasks  # noqa: F401 - registers the test-only long job with the Celery app (tests only)

# Roles of the access matrix, one client each. "customer_api" holds a customer's bearer token and no
# session; "link_holder" is a customer with a status link (logistics), see test_access_matrix;
# "factory_link" is a factory's phone holding the link to report on a production run (production);
# "contact" is a contact of the order's customer signed in to the customer portal (customer_portal).
ROLES = (
    "anonymous",
    "merchandiser",
    "supervisor",
    "qa",
    "hr",
    "management",
    "other_merchandiser",
    "customer_api",
    "link_holder",
    "factory_link",
    "contact",
)

# URL prefixes the matrix leaves out: Django's admin (its own permission system, staff only) and static.
EXCLUDED_PREFIXES = ("admin/", "static/", "media/", "__debug__/")


@dataclass
class World:
    users: dict
    order: Order  # team A's, owned by users["merchandiser"]
    other_order: Order  # team B's
    attachment: Attachment
    checklist_item: ChecklistItem
    api_token: str  # raw bearer token of order.customer
    extra: dict = field(default_factory=dict)

    @property
    def customer(self):
        return self.order.customer

    @property
    def product(self):
        return self.order.lines.first().product


@pytest.fixture
def world(db) -> World:
    team_a, supervisor, merchandiser = team_with_people(name_en="Team A", name_zh="一组")
    team_b, _other_supervisor, other_merchandiser = team_with_people(name_en="Team B", name_zh="二组")
    users = {
        "merchandiser": merchandiser,
        "supervisor": supervisor,
        "qa": staff(Role.QA),
        "hr": staff(Role.HR),
        "management": staff(Role.MANAGEMENT),
        "other_merchandiser": other_merchandiser,
    }
    order = make_order(merchandiser=merchandiser)
    other_order = make_order(merchandiser=other_merchandiser)
    attachment = order_attachment_add(
        order_id=order.pk,
        actor=merchandiser,
        uploaded=SimpleUploadedFile("spec.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        kind=AttachmentKind.OTHER,
    )
    _token, raw = CustomerApiToken.issue(customer=order.customer, label="tests")
    users["contact"] = portal_contact(order.customer)
    return World(
        users=users,
        order=Order.objects.get(pk=order.pk),
        other_order=other_order,
        attachment=attachment,
        checklist_item=ChecklistItem.objects.filter(active=True).first(),
        api_token=raw,
    )


def portal_contact(customer):
    """A contact of `customer` with a portal login (no staff role), as customer_portal.services makes it."""
    user = get_user_model().objects.create_user(username="buyer@customer.test", email="buyer@customer.test")
    CustomerContact.objects.create(customer=customer, name="Matrix Buyer", email=user.email, user=user)
    return user


def status_links_exist() -> bool:
    """The customer's status link (logistics makes it, customer_portal serves it)."""
    try:
        from logistics import selectors, services
    except ImportError:
        return False
    return hasattr(selectors, "status_link_token") and hasattr(services, "status_link_ensure")


def client_for(world: World, role: str, **client_kwargs) -> Client:
    """A fresh client signed in as `role` (force_login: the sign-in form is tested on its own)."""
    client = Client(**client_kwargs)
    if role in world.users:
        client.force_login(world.users[role])
    elif role == "customer_api":
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.api_token}"
    return client


def iter_url_patterns(patterns=None, prefix: str = "", namespace: str | None = None):
    """(route, name, pattern) for every URL pattern, through includes and namespaces."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from iter_url_patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield prefix + str(entry.pattern), name, entry


def project_urls() -> dict[str, str]:
    """url name → route of every named URL of the project, admin and static left out. A URL without a
    name cannot be reversed or listed in the table: it is reported under its route."""
    urls = {}
    for route, name, _pattern in iter_url_patterns():
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        urls.setdefault(name or f"route:{route}", route)
    return urls


def make_superuser():
    return get_user_model().objects.create_superuser("root-sec", "root@example.com", "pw-for-tests-1")
