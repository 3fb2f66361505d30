"""The order page's body, rendered once per version of the order and viewer, and kept a short while.

Rendering the order with every live stage (plan, production, shipments, cases) is four fifths of the
page's cost, and the same person opens the same unchanged order again and again (back from a list, after
a colleague's message, a reload). A view first reads the order's stamp (orders.selectors.order_page_stamp:
one row by primary key, with the viewer's visibility applied, so a page someone may no longer see is never
served), then asks the cache, in one round trip, for the order's generation and the reference data's
(orders/page_generation.py: they move with every write to the order or to anything that points at it,
and to the names, reasons and calendars pages show) and for the body stored under this key:
- the order and its stamp (version, state, merchandiser, flags);
- the viewer and their roles (the buttons differ);
- the language, the time zone and the day (due dates, the day's check-in);
- the folded sections asked open (?open=).
A body stored under older generations is not used. What no signal marks (a case's SLA clock, a nightly
job's bulk update) shows at most settings.ORDER_PAGE_CACHE_SECONDS late.

A stored body holds no CSRF token: the rendered one is replaced by a marker, and each response gets a
freshly masked token of the viewer's own secret in its place.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.roles import user_roles

from ..page_generation import REFERENCE_KEY, generation_key

_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_MARK = "__order-page-csrf-token__"


@dataclass(frozen=True)
class Body:
    title: str
    html: str  # with _MARK where the CSRF tokens go


def _key(request, pk: int, stamp: tuple, unfold: frozenset[str]) -> str:
    user = request.user
    who = f"{user.pk}:{int(user.is_superuser)}:{','.join(sorted(user_roles(user)))}"
    where = f"{get_language()}:{timezone.get_current_timezone_name()}:{timezone.localdate().isoformat()}"
    stamp_part = ":".join(str(v) for v in stamp)
    return f"orders:page:v1:{pk}:{stamp_part}:{who}:{where}:{','.join(sorted(unfold))}"


class OrderPageCache:
    """One view's lookup: `get()` the stored body or None; after rendering, `put()` it."""

    def __init__(self, request, pk: int, stamp: tuple, unfold: frozenset[str]):
        self.request = request
        self.enabled = settings.ORDER_PAGE_CACHE_SECONDS > 0
        self.key = _key(request, pk, stamp, unfold) if self.enabled else ""
        self.generation_key = generation_key(pk)
        self.generation: tuple = (0, 0)

    def get(self) -> Body | None:
        if not self.enabled:
            return None
        found = cache.get_many([self.generation_key, REFERENCE_KEY, self.key])
        self.generation = (found.get(self.generation_key, 0), found.get(REFERENCE_KEY, 0))
        stored = found.get(self.key)
        if stored is None or stored[0] != self.generation:
            return None
        return stored[1]

    def put(self, *, title: str, html: str) -> Body:
        body = Body(title=str(title), html=_TOKEN.sub(rf"\g<1>{_MARK}\g<2>", html))
        if self.enabled:
            # Stored under the generation read before rendering: a write while this rendered moved it on.
            cache.set(self.key, (self.generation, body), settings.ORDER_PAGE_CACHE_SECONDS)
        return body

    def html(self, body: Body) -> SafeString:
        """The body with this viewer's CSRF token in every form."""
        return mark_safe(body.html.replace(_MARK, get_token(self.request)))  # noqa: S308 - rendered and escaped by templates
