"""Every URL × every role × GET and POST against the one table in access_table.py.

The URL list comes from the resolver, not from the table: a URL the table does not list fails, so a
new page cannot escape the matrix. Each request runs in a savepoint that is rolled back, so one role's
successful POST does not change what the next role sees; refusals must leave the order untouched.
Every answer that is a page (not a redirect, a download or data) must also say it is
`text/html; charset=utf-8`: a status passed as render()'s fourth positional argument becomes the
content type, and browsers then show the page as text or download it. And its markup must hold what a
screen reader needs (tests/html_checks.py): the ids aria-describedby names, a label on every control.
"""

import os
import re
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.urls.resolvers import RoutePattern

from orders.models import Order, OrderEvent

from ..html_checks import html_problems
from . import access_table as table
from .conftest import ROLES, World, client_for, project_urls, status_links_exist
from .stage_world import stage_world

URLS = project_urls()
METHODS = ("GET", "POST")


def resolve_value(world: World, spec):
    """'=const' → const; 'a.b' → world.a.b; callable → spec(world)."""
    if callable(spec):
        return spec(world)
    if isinstance(spec, str) and spec.startswith("="):
        return spec[1:]
    value = world
    for part in spec.split("."):
        value = getattr(value, part)
    return value


def url_for(world: World, name: str, role: str | None = None) -> str:
    pattern_kwargs = _kwarg_names(name)
    specs = {**table.KWARGS_BY_NAME, **table.KWARGS_BY_URL.get(name, {})}
    for prefix, overrides in table.KWARGS_FOR_ROLE.get(role, {}).items():
        if name.startswith(prefix):
            specs.update(overrides)
    missing = [k for k in pattern_kwargs if k not in specs]
    assert not missing, f"{name}: add {missing} to KWARGS_BY_NAME or KWARGS_BY_URL in access_table.py"
    return reverse(name, kwargs={k: resolve_value(world, specs[k]) for k in pattern_kwargs})


def _kwarg_names(name: str) -> list[str]:
    return list(RoutePattern(URLS[name], is_endpoint=True).regex.groupindex)


def classify(response) -> str:
    status = response.status_code
    if status == 401:
        return table.API_401
    if status in (403, 404):
        return table.DENIED
    if status == 405:
        return table.METHOD
    if status in (400, 413, 415, 422) or 200 <= status < 300:
        return table.OK
    if status in (301, 302, 303, 307, 308):
        target = urlparse(response["Location"]).path
        if target == resolve_url(settings.LOGIN_URL):
            return table.LOGIN
        errors = [m for m in get_messages(response.wsgi_request) if m.level >= message_levels.ERROR]
        return table.REFUSED if errors else table.OK
    return f"unexpected {status}"


HTML = "text/html; charset=utf-8"
# What an answer that is not a page may be: data (JSON, CSV, XLSX, PDF, iCal) and images.
NOT_HTML = re.compile(
    r"^(application/(json|problem\+json|pdf|vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet)"
    r"|text/(csv|calendar)|image/)",
    re.IGNORECASE,
)
REDIRECTS = (301, 302, 303, 307, 308)


def content_type_problem(response) -> str | None:
    """Why this answer's Content-Type is wrong for a page, or None when it is right or not a page."""
    if response.status_code in REDIRECTS or response.status_code == 204:
        return None
    if "attachment" in response.get("Content-Disposition", "").lower():
        return None
    content_type = response.get("Content-Type", "")
    if NOT_HTML.match(content_type):
        return None
    if content_type.replace(" ", "").lower() != HTML.replace(" ", ""):
        return f"Content-Type {content_type!r}, expected {HTML!r}"
    return None


def is_page(response) -> bool:
    return response.status_code not in REDIRECTS and response.get("Content-Type", "").startswith("text/html")


def fingerprint(world: World) -> tuple:
    order = Order.objects.get(pk=world.order.pk)
    return order.status, order.version, OrderEvent.objects.count(), Order.objects.count()


def link_holder_available() -> bool:
    """The customer's status link: logistics makes it, the portal serves it. Until both exist there is
    nothing for a link holder to hold and that row is covered by the anonymous one."""
    return status_links_exist() and any(name.startswith("portal:") for name in URLS)


def request(world: World, role: str, method: str, name: str):
    url = url_for(world, name, role)
    client = client_for(world, role)
    data = {k: resolve_value(world, v) for k, v in table.POST_DATA.get(name, {}).items()}
    with transaction.atomic():
        before = fingerprint(world)
        response = client.get(url) if method == "GET" else client.post(url, data)
        outcome = classify(response)
        after = fingerprint(world)
        transaction.set_rollback(True)  # the next role sees the world as it was
    return url, response, outcome, before, after


def expected_for(name: str, method: str, role: str) -> str:
    entry = table.ACCESS[name]
    per_role = entry.get(method, entry) if "GET" in entry or "POST" in entry else entry
    return per_role[role]


def test_the_table_lists_only_urls_that_exist():
    stale = sorted(set(table.ACCESS) - set(URLS))
    assert not stale, f"access_table.py lists URLs that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(URLS))
def test_access_matrix(name, world):
    assert name in table.ACCESS, (
        f"{name} ({URLS[name]}) is not in tests/security/access_table.py: decide who may open it and add it"
    )
    if os.environ.get("ACCESS_MATRIX_PRINT"):
        print_actual(world, name)
    failures = []
    for role in ROLES:
        if role == "link_holder" and not link_holder_available():
            continue  # see test_link_holder_row below
        for method in METHODS:
            url, response, outcome, before, after = request(world, role, method, name)
            expected = expected_for(name, method, role)
            assert response.status_code != 500, f"{method} {url} as {role}: server error"
            if outcome != expected:
                got = f"{outcome} ({response.status_code})"
                failures.append(f"{method} {url} as {role}: expected {expected}, got {got}")
            if problem := content_type_problem(response):
                failures.append(f"{method} {url} as {role}: {problem}")
            elif is_page(response):
                failures.extend(f"{method} {url} as {role}: {p}" for p in html_problems(response.content.decode()))
            if outcome not in (table.OK,) and before != after:
                failures.append(f"{method} {url} as {role}: refused ({outcome}) but the order changed")
    assert not failures, "\n".join(failures)


def print_actual(world: World, name: str) -> None:
    row = {}
    for role in ROLES:
        if role == "link_holder" and not link_holder_available():
            continue
        for method in METHODS:
            row.setdefault(method, {})[role] = request(world, role, method, name)[2]
    print(f"\n{name!r}: {row!r},")


@pytest.mark.django_db
def test_link_holder_row(world):
    if not link_holder_available():
        pytest.skip(
            "No customer status link yet (logistics makes none or the portal serves none): a link holder is an "
            "anonymous visitor until then, and the anonymous row covers it."
        )
    # The holder of a link sees that order's page; a tampered token and the staff pages stay shut.
    links = stage_world(world)
    client = client_for(world, "link_holder")
    assert client.get(f"/s/{links.status_token}/").status_code == 200
    assert client.get(f"/s/{links.forged_status_token}/").status_code == 404
    assert client.get(f"/orders/{links.order.pk}/").status_code == 302


@pytest.mark.django_db
def test_factory_link_row(world):
    """The factory's phone: its own report page opens; a tampered token is told so in words; the order
    page, the photos and every staff page send it to sign in."""
    links = stage_world(world)
    client = client_for(world, "factory_link")
    page = reverse("production:factory_page", kwargs={"token": links.factory_token})
    assert client.get(page).status_code == 200
    forged = client.get(reverse("production:factory_page", kwargs={"token": links.forged_factory_token}))
    assert forged.status_code == 404 and b"<h1>" in forged.content
    photo = reverse("production:factory_photo", args=[links.factory_order.pk, links.factory_photo.pk])
    assert client.get(photo).status_code == 302
    assert client.get(f"/orders/{links.factory_order.pk}/").status_code == 302


def test_the_content_type_guard():
    # The delivery form's old mistake: render(request, template, context, status) makes the status the type.
    assert content_type_problem(HttpResponse("<p>page</p>", 200)) == f"Content-Type '200', expected {HTML!r}"
    assert content_type_problem(HttpResponse("<p>page</p>", content_type="text/html")) is not None
    assert content_type_problem(HttpResponse("<p>page</p>", status=422)) is None
    assert content_type_problem(HttpResponseRedirect("/")) is None
    assert content_type_problem(JsonResponse({"status": "ok"})) is None
    download = HttpResponse(b"x", content_type="application/octet-stream")
    download["Content-Disposition"] = 'attachment; filename="x.bin"'
    assert content_type_problem(download) is None
    assert content_type_problem(HttpResponse(b"x", content_type="application/octet-stream")) is not None


def test_the_table_refuses_the_portal_contact_everywhere_outside_the_portal():
    """The contact's column agrees with the confinement: every URL the middleware does not open to a
    contact is refused (403) to them, whatever the method, so no row can quietly let a contact in."""
    from django.urls import resolve

    from customer_portal.middleware import contact_may_open

    let_in = []
    for name in URLS:
        if name not in table.ACCESS or name.startswith("route:"):
            continue
        try:
            url = reverse(name, kwargs=dict.fromkeys(_kwarg_names(name), "1"))
        except NoReverseMatch:
            url = None  # a converter that wants another shape (a date): its namespace decides below
        if url is None and name.startswith(("customer:", "portal:", "api:")):
            continue
        if url is not None and contact_may_open(resolve(url)):
            continue
        let_in += [f"{method} {name}" for method in METHODS if expected_for(name, method, "contact") != table.DENIED]
    assert not let_in, let_in


@pytest.mark.django_db
def test_contact_row(world):
    """The portal contact of the order's customer: the portal and its order open; staff pages are refused;
    another team's (another customer's) order does not exist for them."""
    client = client_for(world, "contact")
    assert client.get("/customer/").status_code == 200
    assert client.get(f"/customer/orders/{world.order.pk}/").status_code == 200
    assert client.get(f"/customer/orders/{world.other_order.pk}/").status_code == 404
    assert client.get(f"/orders/{world.order.pk}/").status_code == 403
    assert client.get("/admin/").status_code == 403
