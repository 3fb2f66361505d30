"""Browser-side defences: a strict CSP on real pages (no 'unsafe-inline' anywhere), nothing inline in
our templates that such a CSP would have to allow, the security headers, and `check --deploy` clean."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from .conftest import client_for

PAGES = {
    "anonymous": ["/accounts/login/", "/accounts/password/reset/"],
    "merchandiser": ["/dashboards/merchandiser/", "/orders/", "/orders/new/phone/", "/accounts/otp/setup/"],
    "supervisor": ["/orders/handover/"],
}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "path"), [(r, p) for r, paths in PAGES.items() for p in paths])
def test_real_pages_carry_a_strict_csp_and_the_security_headers(world, role, path):
    response = client_for(world, role).get(path)
    assert response.status_code == 200, path
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    csp = csp_directives(header)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    # The session cookie is never readable by script.
    if settings.SESSION_COOKIE_NAME in response.cookies:
        assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]


@pytest.mark.django_db
def test_the_order_page_has_the_csp_too(world):
    """The page that shows customer-supplied text (notes, email bodies) is the one that needs it most."""
    response = client_for(world, "merchandiser").get(f"/orders/{world.order.pk}/")
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_signed_in_answers_are_private_and_never_stored(world):
    """A signed-in page may show anything the person may see: no browser or proxy cache keeps it, so it is not
    there for the next person at a shared computer after sign-out (issue 19 item 12)."""
    merchandiser = client_for(world, "merchandiser")
    answers = {
        path: client_for(world, role).get(path)
        for role, paths in PAGES.items()
        if role != "anonymous"
        for path in paths
    }
    answers["order page"] = merchandiser.get(f"/orders/{world.order.pk}/")
    answers["htmx section"] = merchandiser.get(f"/orders/{world.order.pk}/", HTTP_HX_REQUEST="true")
    answers["download"] = merchandiser.get(f"/orders/{world.order.pk}/attachments/{world.attachment.pk}/")
    answers["not found"] = merchandiser.get("/orders/999999999/")

    for name, response in answers.items():
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, (name, response.status_code, response.get("Cache-Control"))


@pytest.mark.django_db
def test_a_view_that_chooses_its_own_caching_keeps_it(world):
    """The order list's filter options are the person's own and may be kept by their browser a little while."""
    response = client_for(world, "merchandiser").get("/orders/filter-options/customer/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private, max-age=")


def template_files():
    root = Path(settings.BASE_DIR)
    dirs = [root / "templates"] + [p for p in root.glob("*/templates") if ".venv" not in p.parts]
    for directory in dirs:
        yield from (p for p in directory.rglob("*") if p.suffix in (".html", ".txt", ".svg") and p.is_file())


INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "<script> without src"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"""\sstyle\s*=\s*["'{]""", re.I), "style= attribute"),
    (re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I), "inline event handler (on...=)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    files = list(template_files())
    assert len(files) > 20, "the template folders were not found"
    offenders = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}")
    assert not offenders, "\n".join(offenders)


def test_deployment_checks_pass_under_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "gendan.example.com",
        "SITE_URL": "https://gendan.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_turns_on_the_secure_defaults():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; import django; django.setup(); "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
            " s.SECURE_HSTS_SECONDS >= 31536000, s.OTP_ENFORCE, s.SESSION_TIMEOUT_ENFORCE,"
            " s.SESSION_IDLE_SECONDS, s.DEBUG)",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "True", "1800", "False"], result.stderr


@pytest.mark.django_db
def test_a_missing_page_does_not_leak_debug_information():
    response = Client().get("/orders/999999999/")
    assert response.status_code in (302, 404)
    assert b"Traceback" not in response.content and b"DEBUG" not in response.content
