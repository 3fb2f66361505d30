"""Lockout behind the reverse proxy the README describes (issue 19 item 4). Every request reaches Django from
the proxy's address; the client's own is the one our proxy appended to X-Forwarded-For. With
TRUSTED_PROXY_COUNT set, ten wrong passwords lock that login out from that client only: the person signing
in from elsewhere still gets in, and a client cannot forge the address it is locked by."""

import pytest
from django.test import Client, RequestFactory

from accounts.client_address import client_ip
from accounts.roles import Role
from tests.factories import PASSWORD, staff

from .test_sign_in import WRONG_PASSWORD, csrf_client, sign_in

PROXY = "10.0.0.2"  # nginx, as Django sees every request
ATTACKER = "203.0.113.9"
VICTIM = "198.51.100.7"


def behind_proxy(forwarded_for: str) -> dict:
    """What our one proxy sends on: its own address as the peer, the client's appended to X-Forwarded-For."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


def fail_ten_times(client: Client, username: str, forwarded_for: str):
    for _ in range(10):
        response = sign_in(client, username, WRONG_PASSWORD, **behind_proxy(forwarded_for))
    return response


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def victim(db):
    return staff(Role.HR)


@pytest.mark.django_db
def test_guesses_from_one_client_do_not_lock_out_another_behind_the_same_proxy(one_proxy, victim):
    attacker = csrf_client()

    locked = fail_ten_times(attacker, victim.username, ATTACKER)
    still_locked = sign_in(attacker, victim.username, PASSWORD, **behind_proxy(ATTACKER))
    theirs = sign_in(csrf_client(), victim.username, PASSWORD, **behind_proxy(VICTIM))

    assert locked.status_code == 429
    assert still_locked.status_code == 429
    assert theirs.status_code == 302, "the victim, from their own address, signs in"


@pytest.mark.django_db
def test_a_client_cannot_forge_the_address_it_is_locked_by(one_proxy, victim):
    """The attacker sends the victim's address in its own X-Forwarded-For; our proxy appends the attacker's
    real one, and only that is trusted."""
    attacker = csrf_client()

    fail_ten_times(attacker, victim.username, f"{VICTIM}, {ATTACKER}")
    theirs = sign_in(csrf_client(), victim.username, PASSWORD, **behind_proxy(VICTIM))
    rotating = sign_in(attacker, victim.username, PASSWORD, **behind_proxy(f"192.0.2.77, {ATTACKER}"))

    assert theirs.status_code == 302
    assert rotating.status_code == 429, "changing the forged part does not lift the attacker's lockout"


@pytest.mark.django_db
def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings, victim):
    """Django straight on the network (TRUSTED_PROXY_COUNT 0, the default): a client's X-Forwarded-For is
    its own invention, so it neither frames someone else nor escapes its own lockout."""
    assert settings.TRUSTED_PROXY_COUNT == 0
    attacker = csrf_client()

    for n in range(10):
        sign_in(attacker, victim.username, WRONG_PASSWORD, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    escaped = sign_in(attacker, victim.username, PASSWORD, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99")
    theirs = sign_in(csrf_client(), victim.username, PASSWORD, REMOTE_ADDR=VICTIM, HTTP_X_FORWARDED_FOR=ATTACKER)

    assert escaped.status_code == 429
    assert theirs.status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "198.51.100.7", PROXY),  # no proxy of ours: the peer is the client
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),  # the left part is the client's own claim
        (2, "192.0.2.1, 198.51.100.7, 10.0.0.9", "198.51.100.7"),  # load balancer + nginx
        (1, " 2001:db8::7 ", "2001:db8::7"),
        (2, "198.51.100.7", PROXY),  # fewer hops than proxies: not through all of ours
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "198.51.100.7, <script>", PROXY),
    ],
)
def test_the_client_address_is_the_one_our_outermost_proxy_appended(settings, count, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip(request) == expected


def test_the_header_read_is_a_setting(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_REAL_IP"
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER, HTTP_X_REAL_IP=VICTIM)

    assert client_ip(request) == VICTIM


def test_django_axes_asks_us_for_the_address(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VICTIM)

    assert get_client_ip_address(request) == VICTIM
