import pytest

from ..logistics.conftest import ZEAL_ALLOW_RELOCK
from .receiver import Receiver


@pytest.fixture
def receiver():
    found = Receiver().start()
    yield found
    found.stop()


@pytest.fixture(autouse=True)
def _zeal_allows_the_order_relock(settings):
    settings.ZEAL_ALLOWLIST = ZEAL_ALLOW_RELOCK
