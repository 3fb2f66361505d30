import pytest

from .i18n import compile_stage_catalogues


@pytest.fixture(scope="session", autouse=True)
def _stage_catalogues_compiled():
    compile_stage_catalogues()
