import pytest

from ..logistics.conftest import ZEAL_ALLOW_RELOCK
from ..logistics.i18n import compile_stage_catalogues


@pytest.fixture(scope="session", autouse=True)
def _stage_catalogues_compiled():
    compile_stage_catalogues()


@pytest.fixture(autouse=True)
def _zeal_allows_the_order_relock(settings):
    settings.ZEAL_ALLOWLIST = ZEAL_ALLOW_RELOCK


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
