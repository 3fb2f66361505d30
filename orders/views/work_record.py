"""The order page's work record (its newest events), rendered once and kept until an event is added.

The record is append-only (orders.models.OrderEvent refuses updates and deletes), so the newest event's id
says everything about the newest fifty: while it stays the same, so does the rendered list. The page asks
the database for that id (an index-only read) and renders the list only when the id is new to the cache.
At 50 events the list was a quarter of the order page's time. The key also holds the language and time
zone it was rendered in; the time-out bounds how long a renamed person's old name can show.
"""

from django.core.cache import cache
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ..selectors import order_timeline

TIMELINE_PAGE = 50
CACHE_SECONDS = 600


def work_record(order) -> tuple[SafeString, bool]:
    """(the newest TIMELINE_PAGE events as HTML, whether there are older ones)."""
    head = order.events.aggregate(head=Max("id"))["head"] or 0
    key = f"orders:work-record:v2:{order.pk}:{head}:{get_language()}:{timezone.get_current_timezone_name()}"
    cached = cache.get(key)
    if cached is None:
        events = order_timeline(order=order, limit=TIMELINE_PAGE + 1)
        html = render_to_string("orders/_timeline.html", {"timeline": events[:TIMELINE_PAGE]})
        cached = (html, len(events) > TIMELINE_PAGE)
        cache.set(key, cached, CACHE_SECONDS)
    html, has_more = cached
    return mark_safe(html), has_more  # noqa: S308 - rendered by the template engine, escaped there
