"""Issue 24: the API as a customer's developer meets it. A client generated from the served schema with
openapi-python-client installs with pip into a throwaway virtualenv and places, lists and reads an order
against a live server."""

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from orders.models import CustomerApiToken, Order
from tests.factories import CustomerFactory, ProductFactory

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# Runs inside the throwaway virtualenv: only the installed client and its own dependencies.
SCRIPT = textwrap.dedent(
    """
    import json, sys
    import order_follow_up_api_client as package
    from order_follow_up_api_client import AuthenticatedClient
    from order_follow_up_api_client.api.orders import order_get, order_list, order_submit
    from order_follow_up_api_client.models import OrderSubmission

    base_url, token, key, body = sys.argv[1:5]
    client = AuthenticatedClient(base_url=base_url, token=token)
    placed = order_submit.sync_detailed(
        client=client, body=OrderSubmission.from_dict(json.loads(body)), idempotency_key=key
    )
    page = order_list.sync_detailed(client=client, limit=10)
    order = order_get.sync(client=client, order_id=placed.parsed.id)
    print(json.dumps({
        "package": package.__file__,
        "placed": [placed.status_code.value, placed.parsed.id, placed.parsed.status],
        "listed": [item.id for item in page.parsed.items],
        "rate_limit_remaining": page.headers.get("RateLimit-Remaining"),
        "read": [order.id, order.customer_po, [line.style_no for line in order.lines]],
    }))
    """
)


def run(*args, cwd=None):
    # PATH: the generator runs ruff (from the project's virtualenv) over what it wrote.
    env = {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{args[:3]}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done.stdout


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_generated_client_installs_and_places_lists_and_reads_an_order(live_server, merchandiser, tmp_path):
    customer = CustomerFactory(merchandiser=merchandiser)
    token = CustomerApiToken.issue(customer=customer, label="ERP")[1]
    product = ProductFactory()
    # given: the schema as a developer downloads it
    with urllib.request.urlopen(f"{live_server.url}/api/v1/openapi.json", timeout=10) as answer:  # noqa: S310
        (tmp_path / "openapi.json").write_bytes(answer.read())
    # when: generated with the settings docs/api-client.yaml ships, and installed with pip into a new virtualenv
    run(
        BIN / "openapi-python-client", "generate", "--path", "openapi.json", "--meta", "setup",
        "--config", str(ROOT / "docs" / "api-client.yaml"), "--output-path", "client", cwd=tmp_path,
    )  # fmt: skip
    run(sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv"))
    venv_python = tmp_path / "venv" / "bin" / "python"
    site = Path(run(venv_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    # The client's dependencies (httpx, attrs, python-dateutil) and pip itself come from the project's
    # virtualenv: a .pth file puts its site-packages after the new virtualenv's own, where the client goes.
    (site / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # pip builds the package in isolation, with a build backend (setuptools) from the package index.
    run(venv_python, "-m", "pip", "install", "--quiet", "--no-deps", str(tmp_path / "client"))
    assert "order-follow-up-api-client" in run(venv_python, "-m", "pip", "list", "--format=freeze").lower()
    payload = {
        "customer_po": "PO-CLIENT-1",
        "delivery_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "currency": "USD",
        "trade_terms": "FOB Ningbo",
        "lines": [{"style_no": product.style_no, "quantity": "120", "unit": "PCS", "unit_price": "3.25"}],
    }
    out = run(venv_python, "-c", SCRIPT, live_server.url, token, str(uuid.uuid4()), json.dumps(payload))
    # then
    result = json.loads(out)
    order = Order.objects.get(customer=customer)
    assert result["package"].startswith(str(tmp_path / "venv"))
    assert result["placed"] == [201, order.pk, "received"]
    assert result["listed"] == [order.pk]
    assert result["read"] == [order.pk, "PO-CLIENT-1", [product.style_no]]
    assert result["rate_limit_remaining"] is not None
