"""Issue 24, item 1: what a customer's developer relies on beyond the data: stable operation ids, documented
errors with examples, rate-limit headers and a 429 in the error shape, and cursor links in lists."""

import pytest
from django.core.cache import cache
from django.test import Client

from orders.api.selectors import cursor_encode
from orders.models import CustomerApiToken, Order
from tests.factories import CustomerFactory, make_order

ORDERS_URL = "/api/v1/orders"
# Generated clients name their functions after these: changing one breaks every client. Add, never rename.
OPERATION_IDS = {
    ("post", "/api/v1/orders"): "order_submit",
    ("get", "/api/v1/orders"): "order_list",
    ("get", "/api/v1/orders/{order_id}"): "order_get",
    ("get", "/api/v1/webhook-deliveries"): "webhook_delivery_list",
    ("post", "/api/v1/webhook-deliveries/{delivery_id}/replay"): "webhook_delivery_replay",
}
ERROR_FIELDS = {"detail", "code", "errors"}


@pytest.fixture
def customer(merchandiser):
    return CustomerFactory(merchandiser=merchandiser)


@pytest.fixture
def api_client(customer):
    raw = CustomerApiToken.issue(customer=customer, label="ERP")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def schema(client, db):
    return client.get("/api/v1/openapi.json").json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield (method, path), operation


def test_every_operation_has_its_pinned_operation_id(schema):
    assert {key: operation["operationId"] for key, operation in operations(schema)} == OPERATION_IDS


def test_every_operation_documents_its_errors_with_examples_in_the_error_shape(schema):
    error_ref = "#/components/schemas/ErrorOut"
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == ERROR_FIELDS
    for key, operation in operations(schema):
        errors = {int(status): answer for status, answer in operation["responses"].items() if int(status) >= 400}
        assert {401, 404, 422, 429} <= set(errors), key
        for status, answer in errors.items():
            content = answer["content"]["application/json"]
            assert content["schema"] == {"$ref": error_ref}, (key, status)
            assert answer["description"] not in ("", "Unknown Status Code"), (key, status)
            assert content["examples"], (key, status)
            for example in content["examples"].values():
                assert set(example["value"]) == ERROR_FIELDS, (key, status)
        assert {"Retry-After", "RateLimit-Limit"} <= set(errors[429]["headers"]), key
        success = [answer for status, answer in operation["responses"].items() if int(status) < 300]
        assert all("RateLimit-Remaining" in answer["headers"] for answer in success), key


def test_the_docs_page_shows_the_ascii_title(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "Order Follow-up API" in response.content.decode()


# --- rate limit ---------------------------------------------------------------------------------------


def test_answers_carry_the_rate_limit_and_the_429_is_in_the_error_shape(api_client, customer, settings):
    settings.API_RATE_LIMIT = "3/m"
    cache.clear()
    # when: three requests are allowed, the fourth is refused
    remaining = []
    for _ in range(3):
        response = api_client.get(ORDERS_URL)
        assert response.status_code == 200
        assert response["RateLimit-Limit"] == "3"
        remaining.append(response["RateLimit-Remaining"])
        assert 1 <= int(response["RateLimit-Reset"]) <= 60
    refused = api_client.get(f"{ORDERS_URL}/1")
    # then
    assert remaining == ["2", "1", "0"]
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    body = refused.json()
    assert set(body) == ERROR_FIELDS
    assert body["code"] == "too_many_requests"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Retry-After"] in body["detail"]
    assert refused["RateLimit-Remaining"] == "0"


def test_the_limit_is_per_customer_and_unauthenticated_requests_are_not_counted(api_client, merchandiser, settings):
    settings.API_RATE_LIMIT = "1/m"
    cache.clear()
    other = CustomerFactory(merchandiser=merchandiser)
    other_client = Client(headers={"Authorization": f"Bearer {CustomerApiToken.issue(customer=other)[1]}"})
    assert Client().get(ORDERS_URL).status_code == 401
    assert api_client.get(ORDERS_URL).status_code == 200
    assert other_client.get(ORDERS_URL).status_code == 200
    assert api_client.get(ORDERS_URL).status_code == 429


def test_the_429_speaks_the_clients_language(api_client, settings):
    settings.API_RATE_LIMIT = "1/m"
    cache.clear()
    api_client.get(ORDERS_URL)
    refused = api_client.get(ORDERS_URL, headers={"Accept-Language": "zh-hans"})
    assert refused.status_code == 429
    assert "请求过多" in refused.json()["detail"]


# --- cursor links -------------------------------------------------------------------------------------


@pytest.fixture
def five_orders(customer, merchandiser):
    orders = [make_order(merchandiser=merchandiser, customer=customer) for _ in range(5)]
    # Two received at the same instant: the id breaks the tie, both ways.
    Order.objects.filter(pk=orders[2].pk).update(received_at=orders[1].received_at)
    return list(Order.objects.filter(customer=customer).order_by("-received_at", "-pk").values_list("pk", flat=True))


def test_next_and_prev_links_walk_the_pages_both_ways(api_client, five_orders):
    # when: forward by next_url to the last page
    pages, url = [], f"{ORDERS_URL}?limit=2&status=received"
    while url:
        body = api_client.get(url).json()
        pages.append(body)
        url = body["next_url"]
    # then
    assert [[item["id"] for item in page["items"]] for page in pages] == [
        five_orders[0:2],
        five_orders[2:4],
        five_orders[4:5],
    ]
    assert pages[0]["prev"] is None and pages[0]["prev_url"] is None
    assert pages[-1]["next"] is None
    assert all("limit=2" in page["next_url"] and "status=received" in page["next_url"] for page in pages[:-1])
    assert pages[1]["next_url"].startswith("http://testserver/api/v1/orders?")
    # when: back by prev_url from the last page
    back, url = [], pages[-1]["prev_url"]
    while url:
        body = api_client.get(url).json()
        back.append([item["id"] for item in body["items"]])
        url = body["prev_url"]
    # then
    assert back == [five_orders[2:4], five_orders[0:2]]


def test_the_link_header_gives_the_same_pages(api_client, five_orders):
    first = api_client.get(ORDERS_URL, {"limit": 2})
    assert first["Link"] == f'<{first.json()["next_url"]}>; rel="next"'
    middle = api_client.get(first.json()["next_url"])
    assert middle["Link"] == f'<{middle.json()["next_url"]}>; rel="next", <{middle.json()["prev_url"]}>; rel="prev"'
    one_page = api_client.get(ORDERS_URL, {"limit": 10})
    assert "Link" not in one_page


def test_a_cursor_made_before_prev_existed_still_works(api_client, five_orders):
    # A "next" cursor has always been the order a page starts after; clients may have stored one.
    cursor = cursor_encode(Order.objects.get(pk=five_orders[1]))
    body = api_client.get(ORDERS_URL, {"limit": 2, "cursor": cursor}).json()
    assert [item["id"] for item in body["items"]] == five_orders[2:4]
