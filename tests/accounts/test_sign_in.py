"""Signing in, out of the way of nobody: each role lands on its own page, strangers are sent to the
sign-in form, guessing is throttled, passwords stay out of logs, a forgotten password can be reset by
email and the language choice is remembered on the profile."""

import logging
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from config.views import ROLE_HOME
from tests.factories import PASSWORD, TeamFactory, staff

LOGIN_URL = "/accounts/login/"
WRONG_PASSWORD = "Wr0ng-Guess-7731"  # distinctive, so a leak into any log line is easy to spot


def csrf_client() -> Client:
    """A browser-like client: CSRF is enforced, so every POST needs the token from the page."""
    return Client(enforce_csrf_checks=True)


def csrf_token(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client: Client, username: str, password: str, **extra):
    page = client.get(LOGIN_URL)
    assert page.status_code == 200
    data = {"csrfmiddlewaretoken": csrf_token(page), "username": username, "password": password, "next": ""}
    return client.post(LOGIN_URL, data, **extra)


@pytest.mark.django_db
def test_sign_in_page_has_the_form():
    response = Client().get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post"' in html
    assert 'name="username"' in html
    assert 'name="password"' in html and 'type="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_lands_on_its_own_page(role):
    team = TeamFactory() if role in (Role.MERCHANDISER, Role.SUPERVISOR) else None
    user = staff(role, team=team)
    if role == Role.SUPERVISOR:
        team.supervisor = user
        team.save()
    client = csrf_client()

    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302, "the sign-in was refused"
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)

    landing = client.get(response.url, follow=True)
    assert landing.status_code == 200
    assert landing.redirect_chain[-1][0] == reverse(ROLE_HOME[role])
    assert landing.wsgi_request.user == user


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/orders/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={path}"


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_form_error():
    user = staff(Role.QA)
    client = csrf_client()

    response = sign_in(client, user.username, WRONG_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'class="form-errors"' in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_tenth_failure_within_a_minute_locks_the_account_out_even_for_the_right_password():
    assert settings.AXES_FAILURE_LIMIT == 10
    user = staff(Role.MERCHANDISER, team=TeamFactory())
    client = csrf_client()

    for attempt in range(1, 10):
        response = sign_in(client, user.username, WRONG_PASSWORD)
        assert response.status_code == 200, f"attempt {attempt} should be an ordinary refusal"

    tenth = sign_in(client, user.username, WRONG_PASSWORD)
    assert tenth.status_code == 429  # django-axes 8: AXES_HTTP_RESPONSE_CODE, with our lockout page
    assert "registration/locked_out.html" in [t.name for t in tenth.templates]

    right = sign_in(client, user.username, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still anonymous

    # Another person signing in from the same address is not locked out by someone else's guesses.
    colleague = staff(Role.QA)
    assert sign_in(csrf_client(), colleague.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_password_never_reaches_the_logs(caplog):
    user = staff(Role.HR)
    for name in ("", "django", "axes", "security"):
        caplog.set_level(logging.DEBUG, logger=name)
    client = csrf_client()

    for _ in range(10):  # ends in a lockout, which axes logs
        sign_in(client, user.username, WRONG_PASSWORD)
    sign_in(client, user.username, PASSWORD)

    assert caplog.records, "expected the failed sign-ins to be logged"
    assert WRONG_PASSWORD not in caplog.text
    assert PASSWORD not in caplog.text
    for attempt in AccessAttempt.objects.all():  # nor the record of attempts axes keeps
        assert WRONG_PASSWORD not in attempt.post_data
        assert PASSWORD not in attempt.post_data


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_opens_the_new_password_form():
    user = staff(Role.QA, email="qa.person@example.com")
    client = csrf_client()
    page = client.get(reverse("password_reset"))

    response = client.post(
        reverse("password_reset"), {"csrfmiddlewaretoken": csrf_token(page), "email": "qa.person@example.com"}
    )

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["qa.person@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert link, message.body

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    new_password = "A-brand-new-passphrase-42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"csrfmiddlewaretoken": csrf_token(form_page), "new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new_password)


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same():
    client = csrf_client()
    page = client.get(reverse("password_reset"))
    response = client.post(
        reverse("password_reset"), {"csrfmiddlewaretoken": csrf_token(page), "email": "nobody@example.com"}
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_language_switcher_remembers_the_choice_on_the_profile():
    user = staff(Role.QA, preferred_language="en")
    client = csrf_client()
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    page = client.get(reverse(ROLE_HOME[Role.QA]))

    response = client.post(
        reverse("set_language"),
        {"csrfmiddlewaretoken": csrf_token(page), "language": "zh-hans", "next": "/orders/"},
    )

    assert response.status_code == 302
    assert response.url == "/orders/"
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"
    assert response.cookies["django_language"].value == "zh-hans"


@pytest.mark.django_db
def test_language_switcher_ignores_unknown_languages_and_foreign_next_urls():
    user = staff(Role.QA, preferred_language="en")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response.url == "/"
    user.refresh_from_db()
    assert user.preferred_language == "en"
