"""The API contract (issue 19, item 11): quantities and prices are typed in the schema as they are accepted,
and equal orders spelt differently are one order under one Idempotency-Key."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.api.api import api

from .conftest import client_for
from .test_api_errors import assert_error, post
from .test_fuzz_forms import isolated, valid_submission


def test_quantity_and_price_are_decimal_strings_or_numbers_in_the_schema():
    line = api.get_openapi_schema()["components"]["schemas"]["OrderLineSubmission"]["properties"]
    for name in ("quantity", "unit_price"):
        kinds = line[name].get("anyOf", [line[name]])
        strings = [k for k in kinds if k.get("type") == "string"]
        assert strings and all("pattern" in k for k in strings), line[name]
        assert {k.get("type") for k in kinds} <= {"string", "number"}


@pytest.mark.django_db
@pytest.mark.parametrize("quantity", ["1e3", "10.", ".5", " 10", "10,00", "0x10", "１０", "Infinity", "1_000"])
def test_a_quantity_that_is_not_a_plain_decimal_is_refused(world, quantity):
    body = valid_submission(world)
    body["lines"][0]["quantity"] = quantity
    response = post(client_for(world, "customer_api"), json.dumps(body), key=f"q-{quantity}")
    error = assert_error(response, 422, "invalid_input")
    assert [e["field"] for e in error["errors"]] == ["lines[0].quantity"]


@pytest.mark.django_db
def test_a_retry_spelling_the_same_numbers_differently_replays_the_first_order(world):
    client = client_for(world, "customer_api")
    first = valid_submission(world)
    first["lines"][0].update(quantity="10", unit_price="1.5")
    retry = valid_submission(world)
    retry["lines"][0].update(quantity="10.00", unit_price=1.5000)
    created = post(client, json.dumps(first), key="same-order")
    replayed = post(client, json.dumps(retry), key="same-order")
    assert created.status_code == 201
    assert replayed.status_code == 200 and replayed["Idempotent-Replayed"] == "true"
    assert replayed.json()["id"] == created.json()["id"]
    different = valid_submission(world)
    different["lines"][0].update(quantity="10.01", unit_price="1.5")
    assert_error(post(client, json.dumps(different), key="same-order"), 422, "idempotency_key_reused")


EQUAL_SPELLINGS = st.sampled_from(
    [("10", "10.00"), ("10", 10), ("10.5", "10.50"), ("0.1", 0.1), ("2", 2.0), ("1.25", "1.2500")]
)


@pytest.mark.django_db
def test_fuzzed_spellings_of_one_order_are_one_order(world):
    client = client_for(world, "customer_api")
    fuzz = settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )

    @fuzz
    @given(quantity=EQUAL_SPELLINGS, price=EQUAL_SPELLINGS, key=st.uuids().map(str))
    def run(quantity, price, key):
        def attempt():
            bodies = []
            for pick in (0, 1):
                body = valid_submission(world)
                body["lines"][0].update(quantity=quantity[pick], unit_price=price[pick])
                bodies.append(json.dumps(body))
            first, second = post(client, bodies[0], key=key), post(client, bodies[1], key=key)
            assert (first.status_code, second.status_code) == (201, 200), second.content[:300]

        isolated(attempt)

    run()
