"""The order page's work record (its newest events), read once and kept until an event is added.

The record is append-only (orders.models.OrderEvent refuses updates and deletes), so the newest event's id
says everything about the newest fifty: while it stays the same, so do they. The page asks the database for
that id (an index-only read) and reads the events only when the id is new to the cache. The time-out
bounds how long a renamed person's old name can show. The page draws them with orders/_timeline.html.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Max

from ..models import OrderEvent
from ..selectors import order_timeline

TIMELINE_PAGE = 50
CACHE_SECONDS = 600


@dataclass(frozen=True)
class WorkRecord:
    events: list[OrderEvent]  # the newest TIMELINE_PAGE
    has_more: bool  # whether there are older ones


def work_record(order) -> WorkRecord:
    """The order's newest events, cached under the newest event's id: the record is append-only."""
    head = order.events.aggregate(head=Max("id"))["head"] or 0
    key = f"orders:work-record:v3:{order.pk}:{head}"
    record = cache.get(key)
    if record is None:
        events = order_timeline(order=order, limit=TIMELINE_PAGE + 1)
        record = WorkRecord(events=events[:TIMELINE_PAGE], has_more=len(events) > TIMELINE_PAGE)
        cache.set(key, record, CACHE_SECONDS)
    return record
