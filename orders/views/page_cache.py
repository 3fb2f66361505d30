"""The order page's body, rendered once per version of the order and viewer, and kept a short while.

Rendering the order with every live stage (plan, production, shipments, cases) is four fifths of the
page's cost, and the same person opens the same unchanged order again and again (back from a list, after
a colleague's message, a reload). A view first reads the order's stamp (orders.selectors.order_page_stamp:
one row by primary key, with the viewer's visibility applied, so a page someone may no longer see is never
served), then asks the cache (orders.kept_page), in one round trip, for the order's generation and the
reference data's (orders/page_generation.py: they move with every write to the order or to anything that
points at it, and to the names, reasons and calendars pages show) and for the body stored under this key:
- the order and its stamp (version, state, merchandiser, flags, newest event);
- the viewer and their roles (the buttons differ);
- the language, the time zone and the day (due dates, the day's check-in);
- the folded sections asked open (?open=).
What no signal marks (a case's SLA clock, a nightly job's bulk update) shows at most
settings.PAGE_CACHE_SECONDS late.
"""

from django.conf import settings

from ..kept_page import KeptPage, viewer_part
from ..page_generation import REFERENCE_KEY, generation_key


def order_page(request, pk: int, stamp: tuple, unfold: frozenset[str]) -> KeptPage:
    stamp_part = ":".join(str(v) for v in stamp)
    # The version in the key moves when what a kept body holds changes shape (v3: the pieces between its
    # CSRF tokens), so a body kept by the release before is never read by this one.
    return KeptPage(
        request,
        key=f"orders:page:v3:{pk}:{stamp_part}:{viewer_part(request)}:{','.join(sorted(unfold))}",
        generations=[generation_key(pk), REFERENCE_KEY],
        seconds=settings.PAGE_CACHE_SECONDS,
    )
