"""The project's one Jinja2 engine: the form widgets (config.form_renderer) and the hot fragments.

Pages are Django templates. A fragment drawn many times a page (a check-in row with its form, an order
list row) is a Jinja2 template under templates/jinja2/, which autoescapes and renders several times faster.
A Django template includes one with `{% load fragments %}{% fragment "orders/_state.html" order=o %}`
(orders/templatetags/fragments.py, until core is an app with tags of its own); a view renders one with
`render_fragment()`. See docs/architecture-html.md.
"""

from functools import cache
from pathlib import Path

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.template import defaultfilters
from django.template.backends.jinja2 import Jinja2
from django.urls import reverse
from django.utils import formats, timezone, translation
from jinja2 import Environment


def environment(**options) -> Environment:
    """Jinja2 with Django's translations as `_()` (the one form makemessages extracts from a template:
    no pgettext or ngettext here), `url()`, `querystring()` and the few filters the fragments need."""
    env = Environment(**options)  # noqa: S701 - Django's backend passes autoescape=True
    env.globals.update(
        _=translation.gettext,
        url=lambda name, *args, **kwargs: reverse(name, args=args or None, kwargs=kwargs or None),
        url_by_id=url_by_id,
        querystring=querystring,
    )
    env.filters.update(
        localtime=timezone.localtime,
        localize=formats.localize,
        floatformat=defaultfilters.floatformat,
        linebreaksbr=defaultfilters.linebreaksbr,  # escapes the text, then adds the <br>s
    )
    return env


_ID_PLACEHOLDER = 9876543210123


def url_by_id(name: str):
    """For a page of rows: `url_by_id("orders:detail")(pk)` is `url("orders:detail", pk)`, with reverse()
    run once for the page instead of once a row (reverse is a large share of a short row's time)."""
    head, found, tail = reverse(name, args=[_ID_PLACEHOLDER]).partition(str(_ID_PLACEHOLDER))
    if not found:
        raise ValueError(f"{name} does not put its id in the path")
    return lambda pk: f"{head}{int(pk)}{tail}"


def querystring(query: QueryDict, **changes) -> str:
    """The query string with some parameters set and those given as None left out, as Django's
    {% querystring %} tag makes it."""
    params = query.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return f"?{params.urlencode()}"


@cache
def engine() -> Jinja2:
    """Django's widget templates (django/forms/jinja2), the apps' jinja2/ folders and templates/jinja2/."""
    return Jinja2(
        {
            "APP_DIRS": True,
            "DIRS": [Path(settings.BASE_DIR) / "templates" / "jinja2", Path(forms.__file__).parent / "jinja2"],
            "NAME": "jinja2",
            "OPTIONS": {"environment": "core.jinja2.environment"},
        }
    )


def render_fragment(template_name: str, context: dict, request=None) -> str:
    """A fragment as text, for an htmx answer or a Django template node. Jinja2 has escaped every value."""
    return engine().get_template(template_name).render(context, request)
