"""A rendered page body kept in the cache while the generations it was rendered under stay the same.

Used by the pages that are read far more often than what they show changes: the order page
(orders/views/page_cache.py) and the merchandiser's check-in page (production/worklist_cache.py). Each
names its key (who asks, in which language, time zone and day, which view) and the generation keys whose
values move on every write to what it shows (orders/page_generation.py). One cache round trip reads the
generations and the body together; a body stored under other generation values is not used.

A stored body holds no CSRF token: it is kept as the text between the rendered tokens, and every response
joins those pieces with a freshly masked token of the viewer's own secret. The places are found once, by
position, when the body is stored; no text of the page (a note, a name) is ever searched for a marker, so
nothing a person types can turn into a token.
"""

import re
from dataclasses import dataclass

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.roles import user_roles

# What {% csrf_token %} renders. Text a person typed is escaped, so it can never hold this raw quote pattern.
_TOKEN = re.compile(r'(?<=name="csrfmiddlewaretoken" value=")[^"]*(?=")')


def viewer_part(request) -> str:
    """Who asks, in which language, time zone and day, and whether by htmx (templates may answer it with
    more, e.g. the checklist's new version for every form): the part of a kept page's key every page shares."""
    user = request.user
    who = f"{user.pk}:{int(user.is_superuser)}:{','.join(sorted(user_roles(user)))}"
    htmx = int(bool(getattr(request, "htmx", False)))
    return f"{who}:{get_language()}:{timezone.get_current_timezone_name()}:{timezone.localdate().isoformat()}:{htmx}"


@dataclass(frozen=True)
class Body:
    title: str  # for pages whose title depends on what they show (the order's number)
    pieces: tuple[str, ...]  # the rendered body split where its CSRF tokens were

    @classmethod
    def from_html(cls, html: str, *, title: str = "") -> "Body":
        return cls(title=str(title), pieces=tuple(_TOKEN.split(html)))


class KeptPage:
    """One view's lookup: `get()` the stored body or None; after rendering, `put()` it; `html()` for the
    response. `seconds` 0 turns it off: get() finds nothing and put() stores nothing."""

    def __init__(self, request, *, key: str, generations: list[str], seconds: int):
        self.request = request
        self.key = key
        self.generation_keys = generations
        self.seconds = seconds
        self.generation: tuple = tuple(0 for _ in generations)

    def get(self) -> Body | None:
        if not self.seconds:
            return None
        found = cache.get_many([*self.generation_keys, self.key])
        self.generation = tuple(found.get(key, 0) for key in self.generation_keys)
        stored = found.get(self.key)
        if stored is None or stored[0] != self.generation:
            return None
        return stored[1]

    def put(self, *, html: str, title: str = "") -> Body:
        body = Body.from_html(html, title=title)
        if self.seconds:
            # Stored under the generations read before rendering: a write while this rendered moved them on.
            cache.set(self.key, (self.generation, body), self.seconds)
        return body

    def html(self, body: Body) -> SafeString:
        """The body with this viewer's CSRF token in every form."""
        return mark_safe(get_token(self.request).join(body.pieces))  # noqa: S308 - rendered and escaped by templates
