import pytest

from ..logistics.conftest import ZEAL_ALLOW_RELOCK
from ..logistics.i18n import compile_stage_catalogues


@pytest.fixture(scope="session", autouse=True)
def _stage_catalogues_compiled():
    compile_stage_catalogues()


@pytest.fixture(autouse=True)
def _zeal_allows_the_order_relock(settings):
    """See tests/logistics/conftest.py: the stage services used to build the orders lock the order twice."""
    settings.ZEAL_ALLOWLIST = ZEAL_ALLOW_RELOCK
