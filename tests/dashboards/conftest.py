from ..evaluation.conftest import fixture_quarter, test_scheme  # noqa: F401 - the same fixture quarter
