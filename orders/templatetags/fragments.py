"""{% fragment "orders/_state.html" order=o %}: a Jinja2 fragment (templates/jinja2/) inside a Django
template, with the Django template's context and the named values. Like {% include %}, the tag's output is
the fragment's markup: Jinja2 has already escaped every value in it (core/jinja2.py)."""

from django import template

from core.jinja2 import render_fragment

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, name, values: dict):
        self.name, self.values = name, values

    def render(self, context) -> str:
        values = context.flatten()
        values.update((key, value.resolve(context)) for key, value in self.values.items())
        return render_fragment(self.name.resolve(context), values, context.get("request"))


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a template name")
    values = {}
    for bit in bits[2:]:
        key, equals, value = bit.partition("=")
        if not (equals and key.isidentifier() and value):
            raise template.TemplateSyntaxError(f"{bits[0]} takes a template name, then name=value pairs")
        values[key] = parser.compile_filter(value)
    return FragmentNode(parser.compile_filter(bits[1]), values)
