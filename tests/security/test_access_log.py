"""Every refused or missing page leaves a line on "security.access" with the user, the IP and the URL."""

import logging

import pytest
from django.test import Client

from .conftest import client_for

LOGGER = "security.access"


def access_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


@pytest.mark.django_db
def test_a_403_is_logged_with_user_ip_and_path(world, caplog):
    client = client_for(world, "qa")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = client.get("/orders/handover/", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 403
    qa = world.users["qa"].username
    assert any(
        line.startswith("403") and f"user={qa}" in line and "ip=203.0.113.7" in line and "url=/orders/handover/" in line
        for line in access_lines(caplog)
    ), access_lines(caplog)


@pytest.mark.django_db
def test_a_404_for_someone_elses_order_is_logged(world, caplog):
    client = client_for(world, "other_merchandiser")
    path = f"/orders/{world.order.pk}/"
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = client.get(path, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 404
    who = world.users["other_merchandiser"].username
    assert any(
        line.startswith("404") and f"user={who}" in line and "ip=198.51.100.4" in line and f"url={path}" in line
        for line in access_lines(caplog)
    ), access_lines(caplog)


@pytest.mark.django_db
def test_a_csrf_refusal_and_an_anonymous_404_are_logged_too(world, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        csrf = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
        missing = Client().get("/no-such-page/?token=secret-in-query")
    assert (csrf.status_code, missing.status_code) == (403, 404)
    lines = access_lines(caplog)
    assert any(line.startswith("403") and "user=anonymous" in line and "url=/accounts/login/" in line for line in lines)
    assert any(line.startswith("404") and "url=/no-such-page/" in line for line in lines)
    assert not any("secret-in-query" in line for line in lines), "query strings may carry tokens: not logged"


@pytest.mark.django_db
def test_a_wrong_api_token_is_logged(world, caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = Client().get("/api/v1/orders", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401
    assert any(line.startswith("401") and "url=/api/v1/orders" in line for line in access_lines(caplog))


@pytest.mark.django_db
def test_a_page_that_is_allowed_is_not_logged(world, caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert client_for(world, "merchandiser").get("/orders/").status_code == 200
    assert access_lines(caplog) == []
