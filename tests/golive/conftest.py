import pytest

from ..factories import CustomerFactory
from ..logistics.helpers import make_carrier


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(merchandiser):
    """The customer ACME, whose usual merchandiser is `merchandiser`, and a carrier."""
    make_carrier()
    return CustomerFactory(code="ACME", merchandiser=merchandiser)
