import pytest

# The browser fixtures (Debian's chromium under Playwright) of tests/browser, for the status page test.
from ..browser.conftest import allow_async_unsafe, browser_page, chromium, reference_data  # noqa: F401
from .i18n import compile_stage_catalogues

# A stage service locks the order, writes its rows, then calls order_transition, which locks the order
# again by design (orders.hooks: guards must see the stage's rows in the same transaction). django-zeal
# reports that second Order.get() as an N+1. Allow exactly that, repeated Order.get(); a relation loaded
# row by row (shipment.order, case.owner...) is still an N+1 error.
ZEAL_ALLOW_RELOCK = [{"model": "orders.Order", "field": "get()"}]


@pytest.fixture(scope="session", autouse=True)
def _stage_catalogues_compiled():
    compile_stage_catalogues()


@pytest.fixture(autouse=True)
def _zeal_allows_the_order_relock(settings):
    settings.ZEAL_ALLOWLIST = ZEAL_ALLOW_RELOCK
