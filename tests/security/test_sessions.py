"""Sessions: a new id at sign-in, gone at sign-out, ended after 30 idle minutes and 12 hours in all,
and a password change signs the person out everywhere else. Guessing is throttled without logging."""

import logging
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, override_settings
from django.utils import timezone

from accounts.roles import Role

from ..factories import PASSWORD, staff

TIMEOUTS = override_settings(SESSION_TIMEOUT_ENFORCE=True, SESSION_IDLE_SECONDS=1800, SESSION_COOKIE_AGE=12 * 3600)
WRONG_PASSWORD = "Sec-Wrong-Pass-4417"  # distinctive, to find it in any log line


def sign_in(client: Client, user, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": user.username, "password": password})


def session_id(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.django_db
def test_the_session_id_changes_at_sign_in_and_dies_at_sign_out():
    user = staff(Role.MERCHANDISER)
    client = Client()
    anonymous = client.session  # a session from before the sign-in (e.g. a language choice)
    anonymous["marker"] = "before"
    anonymous.save()
    before = session_id(client)

    assert sign_in(client, user).status_code == 302
    during = session_id(client)
    assert during != before, "session fixation: the id must change at sign-in"
    assert not SessionStore(session_key=before).exists(before)

    assert client.post("/accounts/logout/").status_code == 302
    assert not SessionStore(session_key=during).exists(during), "sign-out must delete the session"
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = during
    response = replay.get("/orders/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@TIMEOUTS
def test_idle_for_thirty_minutes_signs_out():
    user = staff(Role.MERCHANDISER)
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, user)
        for _ in range(4):  # activity every 29 minutes keeps the session alive
            clock.shift(timedelta(minutes=29))
            assert client.get("/orders/").status_code == 200
        key = session_id(client)
        clock.shift(timedelta(minutes=31))
        response = client.get("/orders/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/orders/")
    assert not SessionStore(session_key=key).exists(key)


@pytest.mark.django_db
@TIMEOUTS
def test_twelve_hours_after_sign_in_the_session_ends_however_active():
    user = staff(Role.MERCHANDISER)
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, user)
        elapsed = timedelta()
        while elapsed < timedelta(hours=11, minutes=50):
            clock.shift(timedelta(minutes=20))
            elapsed += timedelta(minutes=20)
            assert client.get("/orders/").status_code == 200, f"signed out early, after {elapsed}"
        clock.shift(timedelta(minutes=20))  # 12 h 10 min after signing in, never idle
        response = client.get("/orders/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@TIMEOUTS
def test_the_idle_clock_is_not_written_on_every_request(django_assert_max_num_queries):
    user = staff(Role.MERCHANDISER)
    client = Client()
    sign_in(client, user)
    client.get("/orders/")
    session = SessionStore(session_key=session_id(client))
    seen = session["_seen_at"]
    client.get("/orders/")
    assert SessionStore(session_key=session_id(client))["_seen_at"] == seen


@pytest.mark.django_db
def test_a_password_change_signs_the_person_out_everywhere_else():
    user = staff(Role.MERCHANDISER)
    laptop, phone = Client(), Client()
    sign_in(laptop, user)
    sign_in(phone, user)
    assert phone.get("/orders/").status_code == 200

    new_password = "A-new-and-long-passphrase-93"
    response = laptop.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302

    assert laptop.get("/orders/").status_code == 200, "update_session_auth_hash keeps the current session"
    other = phone.get("/orders/")
    assert other.status_code == 302 and other["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_ten_bad_passwords_in_a_minute_lock_out_and_no_password_is_logged(caplog):
    user = staff(Role.MERCHANDISER)
    client = Client()
    caplog.set_level(logging.DEBUG)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            clock.shift(timedelta(seconds=5))  # ten failures within one minute
            response = sign_in(client, user, WRONG_PASSWORD)
            assert response.status_code in (200, 429), attempt
        locked = sign_in(client, user, PASSWORD)  # even the right password is refused now
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username=user.username).get().failures_since_start >= 10

    failure_lines = [r for r in caplog.records if r.name.startswith("axes") and "fail" in r.getMessage().lower()]
    assert failure_lines, "axes logs each failure"
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + repr(getattr(record, "request", ""))
        assert WRONG_PASSWORD not in text and PASSWORD not in text, f"a password reached the log: {record.name}"
    for attempt in AccessAttempt.objects.all():
        assert WRONG_PASSWORD not in attempt.post_data and PASSWORD not in attempt.post_data
