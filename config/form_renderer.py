"""Form widgets rendered with Jinja2, Django's own widget templates.

Django ships every built-in widget and form layout twice, as Django templates and as Jinja2 templates
(django/forms/jinja2). The Jinja2 ones render several times faster, which matters on pages with many
forms (the order page holds up to five, with a dozen widgets). Every {{ form }} uses the project's own
layout, templates/jinja2/partials/form.html, and every field in it templates/jinja2/partials/field.html
(as does {{ field.as_field_group }} in a page that lays out its fields itself). Templates that exist only
for the Django engine, such as the admin's widgets, are still found: the renderer falls back to Django's own.
"""

from functools import cached_property

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist

from core import jinja2


class JinjaWidgetRenderer(Jinja2):
    # The project's layout (labels, help, errors, the `required` class), for every {{ form }} and every
    # {{ field.as_field_group }}.
    form_template_name = "partials/form.html"
    field_template_name = "partials/field.html"

    @property
    def engine(self):
        # The project's one Jinja2 engine (core/jinja2.py), shared with the hot fragments.
        return jinja2.engine()

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    @cached_property
    def _django_only(self) -> set[str]:
        return set()  # names already known to have no Jinja2 version: not looked up again

    def get_template(self, template_name):
        if template_name not in self._django_only:
            try:
                return super().get_template(template_name)
            except TemplateDoesNotExist:
                self._django_only.add(template_name)
        return self._django.get_template(template_name)
