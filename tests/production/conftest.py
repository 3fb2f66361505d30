from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from orders.models import Order, OrderState
from production.models import CheckIn, CheckInStatus, PlanMilestone, ProductionPlan, ProductionRun
from production.services import RunDetails, production_start

from ..conftest import advance
from ..factories import make_order
from ..perf.helpers import bulk_orders

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


def bulk_in_production(*, merchandiser, n: int, day: date | None = None) -> list:
    """`n` in-production orders of `merchandiser`, written in bulk (the services are tested elsewhere):
    each with a run, a plan whose ex-factory dates are one day apart in creation order, two milestones
    (the first reached) and yesterday's check-in done. Returned in the worklist's order."""
    day = day or timezone.localdate()
    orders = sorted(bulk_orders(merchandiser=merchandiser, n=n), key=lambda o: o.pk)
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(status=OrderState.IN_PRODUCTION)
    ProductionRun.objects.bulk_create(
        ProductionRun(
            order=o, factory="F", line="L", work_order_ref=f"WO-{o.pk}", start_date=day, recorded_by=merchandiser
        )
        for o in orders
    )
    plans = ProductionPlan.objects.bulk_create(
        ProductionPlan(order=o, ex_factory_date=day + timedelta(days=10 + i), transit_days=20)
        for i, o in enumerate(orders)
    )
    PlanMilestone.objects.bulk_create(
        PlanMilestone(
            plan=plan, code=code, name_zh=code, name_en=code, sequence=seq, offset_days=10 - seq,
            owner_role="production", planned_date=plan.ex_factory_date - timedelta(days=10 - seq),
            actual_date=day if seq == 1 else None,
        )
        for plan in plans
        for seq, code in ((1, "fabric"), (2, "cutting"))
    )  # fmt: skip
    CheckIn.objects.bulk_create(
        CheckIn(
            order=o, day=day - timedelta(days=1), merchandiser=merchandiser, status=CheckInStatus.DONE,
            contact_name="Ms Zhou", contact_method="phone", quantity_done=10, completed_at=timezone.now(),
        )
        for o in orders
    )  # fmt: skip
    return orders


def done_today(orders, *, merchandiser, day: date | None = None) -> None:
    """Today's check-in of each of `orders`, done (in bulk)."""
    CheckIn.objects.bulk_create(
        CheckIn(
            order=o, day=day or timezone.localdate(), merchandiser=merchandiser, status=CheckInStatus.DONE,
            contact_name="Ms Zhou", contact_method="phone", completed_at=timezone.now(),
        )
        for o in orders
    )  # fmt: skip
