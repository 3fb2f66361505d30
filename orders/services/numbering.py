from django.conf import settings
from django.utils import timezone

from ..models import OrderNumberSequence


def order_number_next(*, at=None) -> str:
    """The next order number of the year, e.g. SO-2026-000123. Call inside the entering transaction.

    The year's counter row is locked until commit, so concurrent entries queue on it and a rolled-back
    entry gives its number back: numbers are unique and gapless per year. On SQLite the IMMEDIATE
    transaction mode gives the same serialisation.
    """
    return order_numbers_reserve(count=1, at=at)[0]


def order_numbers_reserve(*, count: int, at=None) -> list[str]:
    """The next `count` order numbers of the year, in order, for a service that numbers many orders at once
    (the go-live import). Locked, and gapless on rollback, as order_number_next."""
    year = timezone.localtime(at or timezone.now()).year
    if count <= 0:
        return []
    OrderNumberSequence.objects.get_or_create(year=year)
    seq = OrderNumberSequence.objects.select_for_update().get(year=year)
    first = seq.last_value + 1
    seq.last_value += count
    seq.save(update_fields=["last_value"])
    return [settings.ORDER_NUMBER_FORMAT.format(year=year, seq=n) for n in range(first, seq.last_value + 1)]
