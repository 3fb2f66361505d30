from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from production.services import RunDetails, production_start

from ..conftest import advance
from ..factories import make_order

APP_LOCALE = Path(__file__).resolve().parents[2] / "production" / "locale"


@pytest.fixture(scope="session", autouse=True)
def _production_catalogue_compiled():
    """`make test` compiles every catalogue first; a bare `pytest tests/production` may not have, so
    compile production's own (polib, pure Python) when stale and let Django reload its catalogues."""
    import polib
    from asgiref.local import Local
    from django.utils.translation import trans_real

    compiled = False
    for po_path in APP_LOCALE.glob("*/LC_MESSAGES/django.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            catalogue = polib.pofile(str(po_path))
            for entry in catalogue.fuzzy_entries():
                catalogue.remove(entry)
            catalogue.save_as_mofile(str(mo_path))
            compiled = True
    if compiled:
        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = Local()


def run_details(**overrides) -> RunDetails:
    values = {
        "factory": "Ningbo No. 2 garment factory",
        "line": "Line 3",
        "work_order_ref": "WO-2026-0042",
        "start_date": timezone.localdate(),
    }
    values.update(overrides)
    return RunDetails(**values)


def entered_order(merchandiser, **overrides):
    order = make_order(merchandiser=merchandiser, **overrides)
    return advance(order, merchandiser, "confirm", "enter")


def in_production_order(merchandiser, **overrides):
    order = entered_order(merchandiser, **overrides)
    return production_start(order_id=order.pk, actor=merchandiser, details=run_details())


def next_weekday(day: date, weekday: int) -> date:
    """The first `weekday` (0 = Monday) on or after `day`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)
