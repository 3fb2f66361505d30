"""CSRF: every URL that takes a POST refuses one without the token, and no view of ours is exempt
except the token-authenticated API (which carries no cookie, so there is nothing to forge)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from orders.models import Order

from . import access_table as table
from .conftest import ROLES, client_for, project_urls
from .test_access_matrix import expected_for, resolve_value, url_for

URLS = project_urls()
# Header-authenticated ninja endpoints carry no cookie, so CSRF has nothing to protect: the token API, and
# the development webhook receiver (devtools/receiver.py), whose key is the signature.
API_PREFIX = ("api:", "devreceiver:")
# Where csrf_exempt may appear: the token API only (ninja marks its own views; we add none), and the demo's
# stand-in chat robots, which take the worker's cookie-less posts as the real robots do and are mounted only
# with DEBUG on (devtools/robots.py; config/urls.py).
CSRF_EXEMPT_ALLOWED = {"orders/api", "devtools/robots.py"}


def post_role(name: str) -> str | None:
    """A role whose POST reaches the view, so that only the missing token can refuse it."""
    candidates = [r for r in ROLES if r not in ("customer_api", "link_holder", "factory_link")]
    for wanted in ((table.OK, table.REFUSED), (table.LOGIN,)):
        for role in candidates:
            if expected_for(name, "POST", role) in wanted:
                return role
    return None


POST_URLS = sorted(n for n in URLS if not n.startswith(API_PREFIX) and n in table.ACCESS and post_role(n))


def test_every_post_url_is_checked():
    assert len(POST_URLS) >= 20, POST_URLS


@pytest.mark.django_db
@pytest.mark.parametrize("name", POST_URLS)
def test_post_without_a_csrf_token_is_refused(name, world):
    role = post_role(name)
    client = client_for(world, role, enforce_csrf_checks=True)
    data = {k: resolve_value(world, v) for k, v in table.POST_DATA.get(name, {}).items()}
    before = world.order.version
    response = client.post(url_for(world, name), data)
    assert response.status_code == 403, f"POST {name} as {role} without a CSRF token: {response.status_code}"
    assert Order.objects.get(pk=world.order.pk).version == before


@pytest.mark.django_db
def test_the_same_post_with_the_token_gets_through(world):
    """The refusal above is CSRF's and not something else: with the token the owner's POST works."""
    client = client_for(world, "merchandiser", enforce_csrf_checks=True)
    page = client.get("/orders/new/phone/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        f"/orders/{world.order.pk}/check/{world.checklist_item.pk}/",
        {"csrfmiddlewaretoken": token, "version": world.order.version, "checked": "1"},
    )
    assert response.status_code == 302
    assert world.order.checks.filter(item=world.checklist_item).exists()


def our_python_files():
    root = Path(settings.BASE_DIR)
    skip = {".venv", "tests", "node_modules", ".git", "var", "migrations"}
    for path in root.rglob("*.py"):
        if not skip & set(path.relative_to(root).parts):
            yield root, path


def test_no_view_is_csrf_exempt_except_the_token_api():
    offenders = []
    for root, path in our_python_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        if "csrf_exempt" in text:
            rel = path.relative_to(root).as_posix()
            if not any(rel == allowed or rel.startswith(allowed + "/") for allowed in CSRF_EXEMPT_ALLOWED):
                offenders.append(rel)
    assert not offenders, f"csrf_exempt outside the token API: {offenders}"
