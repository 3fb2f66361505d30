"""The API's own error contract (issue 19, item 7): whatever goes wrong, /api/v1/ answers JSON in its
documented shape {"detail", "code", "errors"}, with the status the schema lists."""

import json

import pytest
from django.test import override_settings

from orders.api.api import api
from orders.models import Order

from .conftest import client_for
from .test_fuzz_forms import valid_submission

SUBMIT = "/api/v1/orders"


def post(client, body, content_type="application/json", key="errors-1"):
    return client.post(SUBMIT, body, content_type=content_type, HTTP_IDEMPOTENCY_KEY=key)


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()
    assert set(error) == {"detail", "code", "errors"}
    assert error["code"] == code
    assert error["detail"]
    return error


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_body_over_the_limit_is_a_json_413(world, settings, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    client = client_for(world, "customer_api")
    client.raise_request_exception = False
    body = json.dumps(valid_submission(world) | {"notes": "x" * (100 * 1024)})
    error = assert_error(post(client, body), 413, "payload_too_large")
    assert "64 KB" in error["detail"]
    assert not Order.objects.filter(customer_po="PO-FUZZ-1").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data"]
)
def test_a_body_that_is_not_json_is_a_json_415(world, content_type):
    client = client_for(world, "customer_api")
    body = json.dumps(valid_submission(world))
    if content_type == "multipart/form-data":
        response = client.post(SUBMIT, {"payload": body}, HTTP_IDEMPOTENCY_KEY="errors-1")
    else:
        response = post(client, body, content_type)
    error = assert_error(response, 415, "unsupported_media_type")
    assert "application/json" in error["detail"]


@pytest.mark.django_db
def test_json_with_a_charset_or_a_json_suffix_is_accepted(world):
    client = client_for(world, "customer_api")
    body = json.dumps(valid_submission(world))
    assert post(client, body, "application/json; charset=utf-8", key="a").status_code == 201
    assert post(client, body, "application/vnd.gendan+json", key="b").status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"customer_po": "A",}', b"\xff\xfe{}", b'{"lines": [NaN]}', b"[" * 200_000, b"{" + b" " * 10],
    ids=["garbage", "trailing-comma", "not-utf8", "nan", "deep-nesting", "unclosed"],
)
def test_malformed_json_is_a_json_400(world, body):
    client = client_for(world, "customer_api")
    error = assert_error(post(client, body), 400, "malformed_json")
    assert "JSON" in error["detail"]


@pytest.mark.django_db
def test_the_errors_are_translated(world):
    client = client_for(world, "customer_api", HTTP_ACCEPT_LANGUAGE="zh-hans")
    error = assert_error(post(client, b"{not json"), 400, "malformed_json")
    assert "JSON" in error["detail"] and "无法" in error["detail"]


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_unexpected_error_is_a_json_500_not_a_page(world, monkeypatch):
    from orders.api import endpoints

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(endpoints, "api_order_page", broken)
    client = client_for(world, "customer_api")
    client.raise_request_exception = False
    assert_error(client.get(SUBMIT), 500, "server_error")


@pytest.mark.django_db
def test_unknown_paths_and_methods_are_json_too(world):
    client = client_for(world, "customer_api")
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(client.put(SUBMIT, "{}", content_type="application/json"), 405, "method_not_allowed")


def test_the_schema_documents_every_error_answer():
    schema = api.get_openapi_schema()
    submit = {str(status): answer for status, answer in schema["paths"]["/api/v1/orders"]["post"]["responses"].items()}
    for status in ("400", "401", "413", "415", "422"):
        assert submit[status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut"), status
